#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { NodeRole } from './config.js';
import { initNode } from './init.js';
import { passphraseForInit, passphraseOnce } from './passphrase.js';
import { backupNode, restoreNode } from './backup.js';
import { dmsnetVersion } from '@dmsnet/formats/paths';
import { checkNode, startNode } from './node.js';
import { checkImport, checkImportAtNode, findMapping, listMappings } from './import-file.js';
import { exportDocument } from './export.js';
import { writeEvidence } from './evidence.js';
import { importGostKey } from './gost-key.js';
import { reportText } from '../../gateway/src/adapters/index.js';
import { readPassword, withUsers } from './users.js';
import { setStatusFromNode } from './suspend-org.js';
import { stopSignals } from './stop-signals.js';
import { callNode, readRegistration, writeRegistration } from './directory-verbs.js';
import { renewCertificate, requestRenewal } from './renew-cert.js';

const program = new Command('dmsnet-node')
  .version(dmsnetVersion())
  .description('Set up, check and run a dmsnet gateway node');
const say = (m: string) => process.stderr.write(`dmsnet-node: ${m}\n`);

program
  .command('init')
  .description(
    'создать папку узла: настройки, токен API, зашифрованные ключи; для Fabric — закрытый ключ и запрос на сертификат\n' +
      'create a node directory: config, API token, encrypted keys; for Fabric a private key and a CSR',
  )
  .requiredOption('--role <role>', 'clinic | insurer | assistance | association')
  .requiredOption('--ogrn <ogrn>', 'ОГРН участника (с верной контрольной цифрой) / the participant ОГРН')
  .requiredOption('--name <name>', 'название организации / organisation name')
  .requiredOption('--dir <dir>', 'папка узла / node directory to create')
  .option('--inn <inn>', 'ИНН')
  .option('--ledger <mode>', 'embedded | fabric', 'embedded')
  .option('--port <port>', 'порт API / API port', (v) => Number(v), 8700)
  .option('--peer-endpoint <host:port>', 'пир Fabric / Fabric peer')
  .option(
    '--msp <mspId>',
    'MSP организации, чей УЦ выдаёт сертификат узла (для клиники — организация-хост, напр. ClinicHostMSP) / ' +
      'the MSP of the organisation whose CA issues the node’s certificate (a clinic: its host, e.g. ClinicHostMSP)',
  )
  .option(
    '--peer-host-alias <name>',
    'имя сервера в сертификате TLS пира / the name in the peer’s TLS certificate',
  )
  .action(
    async (o: {
      role: NodeRole;
      ogrn: string;
      name: string;
      dir: string;
      inn?: string;
      ledger: 'embedded' | 'fabric';
      port: number;
      peerEndpoint?: string;
      msp?: string;
      peerHostAlias?: string;
    }) => {
      // On a terminal with no DMSNET_PASSPHRASE(_FILE), ask for it (twice, not echoed) instead of failing.
      const passphrase = await passphraseForInit({ tty: !!process.stdin.isTTY && !!process.stderr.isTTY });
      await initNode({ ...o, mspId: o.msp, passphrase, progress: say });
      say(`node directory ready: ${o.dir} (see its README.md)`);
    },
  );

program
  .command('check <dir>')
  .description(
    'проверить настройки и всё, что нужно для запуска: файлы, реестр, для Fabric — соединение TLS, MSP и сертификат\n' +
      'check the config and what start needs: files, the ledger; for Fabric the TLS connection, the MSP and the certificate',
  )
  .action(async (dir: string) => {
    const r = await checkNode(dir);
    for (const e of r.errors) process.stdout.write(`${e.pointer || '/'}\t${e.code}\t${e.message}\n`);
    if (r.ledger) process.stdout.write(`ledger: ${r.ledger}\n`);
    for (const n of r.notes ?? []) process.stdout.write(`note: ${n}\n`);
    process.stdout.write(r.ok ? 'OK\n' : `${r.errors.length} problem(s)\n`);
    process.exitCode = r.ok ? 0 : 1;
  });

program
  .command('start <dir>')
  .description(
    'запустить узел (пароль — DMSNET_PASSPHRASE или DMSNET_PASSPHRASE_FILE); Ctrl-C или SIGTERM останавливает его\n' +
      'run the node (passphrase from DMSNET_PASSPHRASE or DMSNET_PASSPHRASE_FILE); Ctrl-C or SIGTERM stops it',
  )
  .action(async (dir: string) => {
    const running = await startNode(dir, { progress: say });
    process.stdout.write(`listening ${running.url}\n`);
    // Every stop signal is handled (npm forwards Ctrl-C a second time): the first closes the node, later ones wait.
    void stopSignals(say).requested.then(() => running.close().then(() => process.exit(0)));
  });

program
  .command('gost-key <dir>')
  .description(
    "put a GOST R 34.10-2012 signing key and its certificate into the node's encrypted key file " +
      '(then register it: PUT /v1/signature-profile on the running node)',
  )
  .requiredOption('--key <file>', 'the private key, PKCS#8 PEM')
  .requiredOption('--cert <file>', 'its signing certificate, PEM')
  .option('--chain <file>', 'intermediate CA certificates, PEM')
  .action(async (dir: string, o: { key: string; cert: string; chain?: string }) => {
    const r = await importGostKey({ node: dir, ...o });
    process.stdout.write(
      `GOST key stored: ${r.subject}, valid until ${r.notAfter}, SHA-256 ${r.fingerprint}\n`,
    );
  });

program
  .command('export <id>')
  .description(
    'write a GOST-signed document as e-document tools check it: the canonical bytes, the detached .sig and the ' +
      "signer's certificate chain (asks the running node)",
  )
  .requiredOption('--dir <dir>', 'where to write the files')
  .option('--node <dir>', 'the node directory (its config names the API port and token)', '.')
  .action(async (id: string, o: { dir: string; node: string }) => {
    const files = await exportDocument({ id, out: o.dir, node: o.node });
    for (const [what, file] of Object.entries(files)) process.stdout.write(`${what}\t${file}\n`);
  });

for (const [verb, status, en, ru] of [
  [
    'suspend-org',
    'SUSPENDED',
    "suspend in the directory every participant of an organisation leaving the channel (on the association's node)",
    'приостановить в справочнике всех участников организации, покидающей канал (на узле ассоциации)',
  ],
  [
    'reinstate-org',
    'ACTIVE',
    "reinstate the participants of a suspended organisation still in the channel (on the association's node)",
    'восстановить участников приостановленной организации, ещё состоящей в канале (на узле ассоциации)',
  ],
] as const) {
  program
    .command(`${verb} <dir>`)
    .description(`${en}\n${ru}`)
    .requiredOption(
      '--msp <id>',
      "the organisation's MSP id / идентификатор MSP организации",
      (v: string) => {
        if (!/^[A-Za-z][A-Za-z0-9]{1,40}MSP$/.test(v))
          throw new InvalidArgumentError('an MSP id: letters and digits ending in MSP, e.g. Insurer3MSP');
        return v;
      },
    )
    .action(async (dir: string, o: { msp: string }) => {
      const r = await setStatusFromNode(dir, o.msp, status, say);
      process.stdout.write(
        `${status === 'SUSPENDED' ? 'suspended' : 'reinstated'}: ${r.changed.join(', ') || '-'}; ` +
          `unchanged: ${r.unchanged.join(', ') || '-'}\n`,
      );
      if (r.alsoElsewhere.length)
        process.stdout.write(
          `left as they are (identities in other organisations too): ${r.alsoElsewhere.join(', ')}\n`,
        );
    });
}

program
  .command('evidence <id>')
  .description(
    'записать пакет доказательств документа (zip для юриста; проверяется `dmsnet-verify` без сети) / write the ' +
      "document's evidence bundle (asks the running node)",
  )
  .option('--out <file>', 'куда записать / where to write the zip (default: evidence-<id>.zip here)')
  .option('--node <dir>', 'каталог узла / the node directory (its config names the API port and token)', '.')
  .action(async (id: string, o: { out?: string; node: string }) => {
    const r = await writeEvidence({ id, node: o.node, out: o.out, say });
    process.stdout.write(`${r.file}\t${r.bytes} bytes\n`);
  });

program
  .command('mappings')
  .description('the mappings that read spreadsheets and CSV files, with the headers each expects')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    const all = await listMappings();
    if (o.json) return void process.stdout.write(JSON.stringify(all, null, 2) + '\n');
    for (const m of all) {
      process.stdout.write(`${m.name}  (${m.type}, ${m.format})\n`);
      for (const h of m.headers)
        process.stdout.write(`    ${h.header}${h.optional ? '  [необязательный / optional]' : ''}\n`);
    }
  });

program
  .command('import <file>')
  .description(
    'convert and validate a file with a mapping; print every error at its row and column; send nothing',
  )
  .requiredOption('--mapping <name>', 'a mapping name (see `dmsnet-node mappings`) or a mapping file')
  .option(
    '--to <ogrn>',
    'получатель (ОГРН), если файл его не называет / the addressee ОГРН when the file names none',
  )
  .option(
    '--node <dir>',
    'проверить на работающем узле: получатель из файла, реквизиты, данные из реестра прикреплённых / convert at the running node of DIR, as its console and folder drop do (addressee from the file, roster data)',
  )
  .option(
    '--set <field=value>',
    'реквизит документа, которого нет в файле (invoiceNumber=512, contract/number=12-ДМС/2026) / a header field the file lacks',
    (v: string, all: string[] = []) => [...all, v],
  )
  .option('--json', 'print the report as JSON')
  .action(
    async (
      file: string,
      o: { mapping: string; to?: string; node?: string; set?: string[]; json?: boolean },
    ) => {
      const fields: Record<string, string> = {};
      for (const s of o.set ?? []) {
        const eq = s.indexOf('=');
        if (eq < 1) throw new Error(`--set ${s}: write field=value`);
        fields[s.slice(0, eq)] = s.slice(eq + 1);
      }
      const check = o.node
        ? await checkImportAtNode(file, { mapping: o.mapping, node: o.node, to: o.to, fields })
        : await checkImport(file, await findMapping(o.mapping), { addresseeOgrn: o.to, fields });
      if (o.json) process.stdout.write(JSON.stringify({ rows: check.rows, ...check.report }, null, 2) + '\n');
      else if (check.report.errors.length) process.stdout.write(reportText(check.report));
      else process.stdout.write(`${file}: ${check.rows} строк / rows, ошибок нет / no errors\n`);
      process.exitCode = check.report.errors.length ? 1 : 0;
    },
  );

program
  .command('registration <dir>')
  .description(
    'записать заявку на регистрацию узла в справочнике (ОГРН, роль, идентичность Fabric, открытые ключи) для ассоциации\n' +
      'write the node’s registration request for the association (ОГРН, role, Fabric identity, public keys)',
  )
  .requiredOption('--out <file>', 'файл заявки / the request file')
  .action(async (dir: string, o: { out: string }) => {
    const r = await writeRegistration(dir, o.out);
    process.stdout.write(`${o.out}: ${String(r.id)} (${String(r.role)})\n`);
  });

const participant = program
  .command('participant')
  .description(
    'справочник участников (узел ассоциации должен работать) / the participant directory (the association’s node running)',
  );
const nodeOption = ['--node <dir>', 'папка узла ассоциации / the association’s node directory', '.'] as const;
const printJson = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');

participant
  .command('register <file>')
  .description('зарегистрировать участника по заявке / register a participant from its request file')
  .option(...nodeOption)
  .action(async (file: string, o: { node: string }) => {
    printJson(await callNode(o.node, 'POST', '/v1/governance/participants', await readRegistration(file)));
  });

for (const [verb, ru, en] of [
  ['suspend', 'приостановить участника', 'suspend a participant'],
  ['resume', 'возобновить участника', 'resume a suspended participant'],
] as const) {
  participant
    .command(`${verb} <ogrn>`)
    .description(`${ru} / ${en}`)
    .option(...nodeOption)
    .action(async (ogrn: string, o: { node: string }) => {
      printJson(
        await callNode(o.node, 'POST', `/v1/governance/participants/${encodeURIComponent(ogrn)}/${verb}`),
      );
    });
}

const correspondent = program
  .command('correspondent')
  .description(
    'адресная книга почтового моста: корреспонденты вне сети (узел должен работать)\n' +
      'the mail bridge’s address book: correspondents not on the network (the node running)',
  );
const mailNodeOption = ['--node <dir>', 'папка узла / the node directory', '.'] as const;

correspondent
  .command('add')
  .description('добавить или заменить корреспондента / add or replace a correspondent')
  .requiredOption('--ogrn <ogrn>', 'ОГРН корреспондента / its ОГРН')
  .requiredOption('--inn <inn>', 'ИНН корреспондента / its ИНН')
  .requiredOption('--name <name>', 'наименование / its name')
  .option('--role <role>', 'clinic | insurer | assistance', 'clinic')
  .requiredOption(
    '--address <email...>',
    'адреса, с которых он может присылать документы / the addresses allowed to send for it',
  )
  .requiredOption(
    '--mapping <match=mapping...>',
    'какое сопоставление читает какие вложения: «\\.csv$=clinic-invoice-register.csv» / ' +
      'which mapping reads which attachments (a regular expression on the file name = a mapping name or file)',
  )
  .option(
    '--age-recipient <age1…>',
    'его открытый ключ age: документы ему уходят зашифрованным вложением, а не ссылкой / ' +
      'its age public key: documents go to it as an encrypted attachment instead of a link',
  )
  .option(...mailNodeOption)
  .action(
    async (o: {
      ogrn: string;
      inn: string;
      name: string;
      role: string;
      address: string[];
      mapping: string[];
      ageRecipient?: string;
      node: string;
    }) => {
      const mappings = o.mapping.map((m) => {
        const i = m.lastIndexOf('=');
        return i > 0 ? { match: m.slice(0, i), mapping: m.slice(i + 1) } : { match: '', mapping: m };
      });
      printJson(
        await callNode(o.node, 'POST', '/v1/mail/correspondents', {
          ogrn: o.ogrn,
          inn: o.inn,
          name: o.name,
          role: o.role,
          addresses: o.address,
          mappings,
          ...(o.ageRecipient ? { ageRecipient: o.ageRecipient } : {}),
        }),
      );
    },
  );

correspondent
  .command('list')
  .description('корреспонденты адресной книги / the correspondents of the address book')
  .option(...mailNodeOption)
  .action(async (o: { node: string }) => {
    printJson(await callNode(o.node, 'GET', '/v1/mail/correspondents'));
  });

correspondent
  .command('remove <ogrn>')
  .description('убрать корреспондента / remove a correspondent')
  .option(...mailNodeOption)
  .action(async (ogrn: string, o: { node: string }) => {
    await callNode(o.node, 'DELETE', `/v1/mail/correspondents/${encodeURIComponent(ogrn)}`);
    process.stdout.write(`${ogrn}: удалён / removed\n`);
  });

program
  .command('rules')
  .description(
    'правила голосования по форматам: кто голосует и какая доля «за» утверждает версию (ассоциация)\n' +
      'the voting rules on formats: who votes and the share of yes that approves a version (the association)',
  )
  .requiredOption(
    '--voters <roles>',
    'insurer,clinic,assistance,association (через запятую / comma-separated)',
  )
  .requiredOption('--quorum <fraction>', 'доля в (0, 1] / a fraction in (0, 1]', (v) => Number(v))
  .option(...nodeOption)
  .action(async (o: { voters: string; quorum: number; node: string }) => {
    printJson(
      await callNode(o.node, 'PUT', '/v1/governance/rules', {
        voterRoles: o.voters.split(',').map((s) => s.trim()),
        quorum: o.quorum,
      }),
    );
  });

program
  .command('rotate-keys')
  .description(
    'сменить ключи шифрования и подписи узла; документы, зашифрованные на прежние ключи, по-прежнему открываются\n' +
      'rotate the node’s box and signing keys; documents sealed to earlier keys still open',
  )
  .option('--node <dir>', 'папка узла / the node directory', '.')
  .action(async (o: { node: string }) => {
    printJson(await callNode(o.node, 'POST', '/v1/keys/rotate'));
  });

program
  .command('renew-cert <dir>')
  .description(
    'обновить сертификат узла в реестре до истечения срока (узел остановлен): Fabric — сначала --request, CA ' +
      'организации подписывает msp/renew/csr.pem в msp/renew/cert.pem, затем без --request; встроенный реестр — одной ' +
      'командой. Новый сертификат добавляется в справочник, доказывает, что действует, и выводит прежний\n' +
      'renew the node’s ledger certificate before it expires (node stopped): on Fabric first --request, the ' +
      'organisation’s CA signs msp/renew/csr.pem into msp/renew/cert.pem, then again without --request; embedded in ' +
      'one step. The renewed certificate is added to the directory, proves it acts, and retires the old one',
  )
  .option('--request', 'Fabric: write a new key and msp/renew/csr.pem for the CA / write the CSR')
  .action(async (dir: string, o: { request?: boolean }) => {
    if (o.request) {
      const csr = await requestRenewal(dir);
      process.stdout.write(`${csr}\n`);
      return;
    }
    const r = await renewCertificate(dir, { progress: say });
    process.stdout.write(
      `certificate renewed for ${r.participantId}: SHA-256 ${r.current}, valid until ${r.notAfter}; retired ${r.retired}\n`,
    );
  });

program
  .command('backup <dir>')
  .description(
    'записать зашифрованную копию остановленного узла (вся папка: настройки, ключи, сертификаты, хранилище); ' +
      'ключ копии выводится из пароля узла (Argon2id), без пароля копия бесполезна\n' +
      'write an encrypted copy of a stopped node (the whole folder: config, keys, certificates, store); the copy’s key ' +
      'comes from the node’s passphrase (Argon2id), so the copy is useless without it',
  )
  .requiredOption('--out <file>', 'файл копии (не перезаписывается) / the backup file (never overwritten)')
  .action(async (dir: string, o: { out: string }) => {
    const passphrase = await passphraseOnce({ tty: !!process.stdin.isTTY && !!process.stderr.isTTY });
    const r = await backupNode({ dir, out: o.out, passphrase, progress: say });
    process.stdout.write(`${o.out}\t${r.files} files\n`);
  });

program
  .command('restore <file>')
  .description(
    'восстановить узел из копии в новую или пустую папку; запущенный узел дочитает из реестра всё, что было после копии\n' +
      'restore a node from a backup into a new or empty folder; started, it reads from the ledger what came after the copy',
  )
  .requiredOption('--dir <dir>', 'папка узла (новая или пустая) / the node folder (new or empty)')
  .action(async (file: string, o: { dir: string }) => {
    const passphrase = await passphraseOnce({ tty: !!process.stdin.isTTY && !!process.stderr.isTTY });
    const r = await restoreNode({ file, dir: o.dir, passphrase, progress: say });
    process.stdout.write(`${o.dir}\t${r.files} files\n`);
    say(`start it with: dmsnet-node start ${o.dir}`);
  });

const user = program
  .command('user')
  .description(
    'people’s accounts for the web console (the node must be stopped); passwords from stdin or DMSNET_USER_PASSWORD',
  );

user
  .command('add <dir> <username>')
  .requiredOption(
    '--role <role>',
    'clinic: registrar|accountant|expert|admin; insurer: operator|expert|admin; association: secretary|admin',
  )
  .requiredOption(
    '--name <fullName>',
    'full name, as the audit log shows it (e.g. "Петрова Ирина Андреевна")',
  )
  .action(async (dir: string, username: string, o: { role: string; name: string }) => {
    const password = await readPassword();
    const u = await withUsers(dir, (users) =>
      users.add({ username, fullName: o.name, role: o.role, password }),
    );
    process.stdout.write(`added ${u.username} (${u.role})\n`);
  });

user
  .command('list <dir>')
  .option('--json', 'print JSON')
  .action(async (dir: string, o: { json?: boolean }) => {
    const all = await withUsers(dir, (users) => users.list());
    if (o.json) return void process.stdout.write(JSON.stringify(all, null, 2) + '\n');
    for (const u of all)
      process.stdout.write(
        `${u.username}\t${u.role}\t${u.disabled ? 'disabled' : 'active'}\t${u.fullName}\n`,
      );
  });

user.command('disable <dir> <username>').action(async (dir: string, username: string) => {
  await withUsers(dir, (users) => users.disable(username));
  process.stdout.write(`disabled ${username}\n`);
});

user.command('passwd <dir> <username>').action(async (dir: string, username: string) => {
  const password = await readPassword();
  await withUsers(dir, (users) => users.setPassword(username, password));
  process.stdout.write(`password changed for ${username}\n`);
});

program.parseAsync().catch((err: unknown) => {
  if (err instanceof DmsnetError) {
    process.stderr.write(`${err.code}: ${err.message}\n`);
    for (const e of err.errors) process.stderr.write(`  ${e.pointer || '/'}\t${e.code}\t${e.message}\n`);
  } else process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
