#!/usr/bin/env node
// npm run network:up | network:down | network:status — the native Fabric network of this machine.
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { dmsnetVersion } from '@dmsnet/formats/paths';
import { findFabric, findFabricCa } from './binaries.js';
import { networkDown } from './down.js';
import { PACKAGE_ROOT } from './nodes.js';
import { consoleProgress } from './progress.js';
import { networkStatus } from './status.js';
import { networkUp } from './up.js';
import {
  applicationOrgs,
  checkUpdate,
  fetchConfig,
  mergeUpdateFiles,
  proposeAddOrg,
  signUpdate,
  submitUpdate,
  type PolicyCheck,
} from './channel-update.js';
import {
  approveChaincode,
  commitChaincode,
  installChaincode,
  joinChannel,
  nextChaincodeDefinition,
  startOrgPeer,
  type ChaincodeDefinition,
} from './membership.js';
import { createOrg, MEMBER_KINDS, openOrg, orgDefinition, readDefinition, writeDefinition } from './org.js';
import { describeCouncil, proposeCouncilChange, readCouncil, type CouncilChange } from './council.js';
import { proposeRemoveOrg } from './leave.js';
import { orderer } from './consenters-cli.js';
import { rebuildPeer } from './rebuild.js';
import { finishUpgrade, prepareUpgrade } from './upgrade.js';
import { renewNode } from './renew.js';
import { finishOrdererRenewal, proposeOrdererRenewal } from './orderer-renew.js';
import { ca } from './ca-cli.js';

const portBase = (v: string) => {
  const n = Number(v);
  // The network uses about 150 ports from its base.
  if (!Number.isInteger(n) || n < 1024 || n > 65_000)
    throw new InvalidArgumentError('a port number from 1024 to 65000');
  return n;
};

/** An MSP id as `org create` accepts one, checked before anything is fetched. */
const mspArg = (v: string) => {
  if (!/^[A-Za-z][A-Za-z0-9]{1,40}MSP$/.test(v))
    throw new InvalidArgumentError('an MSP id: letters and digits ending in MSP, e.g. Insurer3MSP');
  return v;
};
const mspListArg = (v: string) => v.split(',').map((m) => mspArg(m.trim()));

/** Help in both languages an operator may read: English first, then Russian. */
const both = (en: string, ru: string) => `${en}\n${ru}`;

export const DEFAULT_DIR = process.env.DMSNET_FABRIC_DIR ?? path.join(PACKAGE_ROOT, '.run', 'fabric');

const program = new Command('dmsnet-network')
  .version(dmsnetVersion())
  .description('A native Hyperledger Fabric network for dmsnet (no Docker)');
program.option('--dir <dir>', 'state directory of the network', DEFAULT_DIR);

program
  .command('up')
  .description(
    'bring the network up: association (orderers + peer), two insurers, the clinic host organisation',
  )
  .option('--bft', 'four SmartBFT orderers instead of three Raft orderers')
  .addOption(
    new Option('--port-base <n>', 'first port of the network (all on 127.0.0.1)')
      .default(27000)
      .argParser(portBase),
  )
  .option('--batch-timeout <d>', 'ordering batch timeout', '100ms')
  .option(
    '--orgs <keys>',
    both(
      'founding organisations, comma-separated (association,insurer1,insurer2,clinichost); others join later',
      'организации-учредители через запятую; остальные вступают позже',
    ),
  )
  .action(async (o: { bft?: boolean; portBase: number; batchTimeout: string; orgs?: string }) => {
    const t0 = Date.now();
    await networkUp({
      dir: program.opts<{ dir: string }>().dir,
      consensus: o.bft ? 'bft' : 'raft',
      portBase: o.portBase,
      batchTimeout: o.batchTimeout,
      orgs: o.orgs?.split(',').map((k) => k.trim()),
      progress: consoleProgress(),
    });
    console.log(
      `up in ${((Date.now() - t0) / 1000).toFixed(1)} s; state in ${program.opts<{ dir: string }>().dir}`,
    );
  });

program
  .command('down')
  .description('stop every process the network started and remove its state')
  .action(async () => {
    await networkDown({ dir: program.opts<{ dir: string }>().dir, progress: consoleProgress() });
  });

program
  .command('check')
  .description(
    'find the Fabric binaries (FABRIC_BIN or PATH) and check their version; exit 1 naming what is missing; say whether Fabric CA is installed',
  )
  .action(async () => {
    const f = await findFabric();
    console.log(`Fabric ${f.version}: ${Object.values(f.bin).join(', ')}; config ${f.configDir}`);
    const ca = await findFabricCa();
    console.log(
      'ca' in ca
        ? `Fabric CA ${ca.ca.version}: ${ca.ca.server}, ${ca.ca.client} (each organisation runs its own CA)`
        : `no Fabric CA, organisations' CAs run in-process: ${ca.reason}`,
    );
  });

program
  .command('status')
  .description('processes, channel heights, committed chaincode')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    const s = await networkStatus(program.opts<{ dir: string }>().dir);
    if (o.json) return console.log(JSON.stringify(s, null, 2));
    if (!s.exists) return console.log(`no network in ${s.dir}`);
    console.log(`network in ${s.dir} (${s.consensus})`);
    for (const p of s.processes)
      console.log(`  ${p.alive ? 'running' : 'stopped'}  ${p.name.padEnd(28)} pid ${p.pid ?? '-'}`);
    for (const h of s.heights)
      console.log(
        `  height ${String(h.height ?? '?').padStart(6)}  ${h.peer}${h.error ? `  (${h.error})` : ''}`,
      );
    console.log(`  chaincode: ${s.chaincode}`);
    for (const r of s.releases)
      console.log(
        `  release ${r.org.padEnd(14)} ${r.version}` +
          (r.next ? `  upgrade pending: ${r.next.version} installed beside it (cc.${r.org}.next)` : ''),
      );
  });

interface Acting {
  home?: string;
  org?: string;
}
const actingOptions = (c: Command) =>
  c
    .option('--home <dir>', both('your organisation’s own folder', 'папка вашей организации'))
    .option(
      '--org <key>',
      both(
        'a founding organisation of the local network in --dir',
        'организация-учредитель локальной сети в --dir',
      ),
    );
/** The organisation this admin acts for: its own folder, or a founder of the local network's folder. */
const acting = (o: Acting) => openOrg(o.home ?? program.opts<{ dir: string }>().dir, o.org);

const printCheck = (c: PolicyCheck) => {
  console.log(`policy: ${c.policies.join('; ')}`);
  console.log(`signed by: ${c.signedBy.join(', ') || '-'}`);
  console.log(c.satisfied ? 'enough signatures to submit' : `missing: ${c.missing.join('; ')}`);
};

const org = program
  .command('org')
  .description(
    both(
      'your own organisation: material, definition, joining',
      'своя организация: ключи, определение, вступление',
    ),
  );

org
  .command('create')
  .description(
    both(
      'make your organisation’s CA, TLS CA, peer and admin in a folder of its own; private keys never leave it',
      'создать УЦ, TLS-УЦ, пир и администратора организации в её собственной папке; закрытые ключи её не покидают',
    ),
  )
  .requiredOption('--home <dir>', both('the folder to create', 'создаваемая папка'))
  .requiredOption('--key <key>', both('short name, e.g. insurer3', 'краткое имя, например insurer3'))
  .requiredOption('--msp <id>', both('MSP id, e.g. Insurer3MSP', 'идентификатор MSP, например Insurer3MSP'))
  .addOption(
    new Option('--kind <kind>', both('what the organisation is', 'вид организации'))
      .choices(MEMBER_KINDS)
      .default('insurer'),
  )
  .option('--host <ip>', both('address of your nodes', 'адрес ваших узлов'), '127.0.0.1')
  .addOption(
    new Option(
      '--peers <n>',
      both(
        'how many peers (default 2: a ciphertext addressed to you reaches a second machine before a send commits)',
        'сколько пиров (по умолчанию 2: адресованный вам шифртекст попадает на вторую машину до фиксации отправки)',
      ),
    ).argParser((v: string) => {
      if (v !== '1' && v !== '2') throw new InvalidArgumentError('1 or 2');
      return Number(v);
    }),
  )
  .addOption(
    new Option('--port-base <n>', both('your peer’s first port', 'первый порт вашего пира'))
      .default(29700)
      .argParser(portBase),
  )
  .action(
    async (o: {
      home: string;
      key: string;
      msp: string;
      kind: 'insurer' | 'assistance' | 'clinic-host';
      host: string;
      portBase: number;
      peers?: number;
    }) => {
      await createOrg({
        dir: o.home,
        key: o.key,
        mspId: o.msp,
        kind: o.kind,
        host: o.host,
        portBase: o.portBase,
        peers: o.peers,
        progress: consoleProgress(),
      });
      console.log(`${o.msp} created in ${o.home}; next: org start, org definition`);
    },
  );

org
  .command('start')
  .description(both('start your organisation’s peers', 'запустить пиры организации'))
  .requiredOption('--home <dir>', both('your organisation’s own folder', 'папка вашей организации'))
  .action(async (o: { home: string }) => {
    await startOrgPeer(await openOrg(o.home), await findFabric(), consoleProgress());
  });

actingOptions(
  org
    .command('definition')
    .description(
      both(
        'write the definition file others need: MSP certificates, TLS roots, node addresses, anchor peers (no private key)',
        'записать файл определения для других: сертификаты MSP, корни TLS, адреса узлов, якорные пиры (без закрытых ключей)',
      ),
    )
    .requiredOption('--out <file>', both('the definition file', 'файл определения')),
).action(async (o: Acting & { out: string }) => {
  await writeDefinition(await orgDefinition(await acting(o), await findFabric()), o.out);
  console.log(`definition written to ${o.out}`);
});

org
  .command('join')
  .description(
    both(
      'once the channel names you: join your peer, start your chaincode server and install the package',
      'после включения в канал: подключить пир, запустить сервер чейнкода и установить пакет',
    ),
  )
  .requiredOption('--home <dir>', both('your organisation’s own folder', 'папка вашей организации'))
  .requiredOption(
    '--ordering <file>',
    both(
      'the ordering organisation’s definition file',
      'файл определения организации, ведущей упорядочивание',
    ),
  )
  .action(async (o: { home: string; ordering: string }) => {
    const fabric = await findFabric();
    const ctx = await openOrg(o.home);
    const say = consoleProgress();
    await joinChannel(ctx, fabric, await readDefinition(o.ordering), say);
    const id = await installChaincode(ctx, fabric, say);
    console.log(`joined; package ${id}; next: chaincode approve-next in every organisation`);
  });

const channel = program
  .command('channel')
  .description(
    both('change the running channel’s configuration', 'изменить конфигурацию работающего канала'),
  );

actingOptions(
  channel
    .command('propose-add-org')
    .description(
      both(
        'compute the update adding an organisation from its definition and the current config block',
        'вычислить изменение, добавляющее организацию, по её определению и текущему блоку конфигурации',
      ),
    )
    .requiredOption(
      '--definition <file>',
      both('the newcomer’s definition file', 'файл определения новой организации'),
    )
    .requiredOption(
      '--out <file>',
      both('the update file to hand around', 'файл изменения для передачи на подпись'),
    ),
).action(async (o: Acting & { definition: string; out: string }) => {
  const c = await proposeAddOrg(
    await acting(o),
    await findFabric(),
    await readDefinition(o.definition),
    o.out,
  );
  console.log(`update written to ${o.out}`);
  printCheck(c);
});

actingOptions(
  channel
    .command('sign-update')
    .description(
      both(
        'add your admin’s signature to the update file, in place',
        'добавить подпись вашего администратора в файл изменения',
      ),
    )
    .requiredOption('--file <file>', both('the update file', 'файл изменения')),
).action(async (o: Acting & { file: string }) => {
  const ctx = await acting(o);
  const fabric = await findFabric();
  await signUpdate(ctx, fabric, o.file);
  printCheck(await checkUpdate(ctx, fabric, o.file));
});

actingOptions(
  channel
    .command('merge-signatures')
    .description(
      both(
        'merge copies of one update signed in parallel into --file (each signature once; copies of another update refused)',
        'объединить в --file копии одного изменения, подписанные параллельно (каждая подпись один раз; копии другого изменения отвергаются)',
      ),
    )
    .requiredOption(
      '--file <file>',
      both('the update file to merge into', 'файл изменения, в который объединять'),
    )
    .requiredOption('--with <files...>', both('signed copies', 'подписанные копии')),
).action(async (o: Acting & { file: string; with: string[] }) => {
  const n = await mergeUpdateFiles(o.file, [o.file, ...o.with]);
  console.log(`${n} signatures in ${o.file}`);
  printCheck(await checkUpdate(await acting(o), await findFabric(), o.file));
});

actingOptions(
  channel
    .command('check-update')
    .description(
      both(
        'who signed the update, which policy applies, whose signatures are missing',
        'кто подписал изменение, какая политика действует, чьих подписей не хватает',
      ),
    )
    .requiredOption('--file <file>', both('the update file', 'файл изменения')),
).action(async (o: Acting & { file: string }) => {
  printCheck(await checkUpdate(await acting(o), await findFabric(), o.file));
});

actingOptions(
  channel
    .command('submit-update')
    .description(
      both(
        'submit the update once its modification policy is met; refused before, naming who is missing',
        'отправить изменение, когда политика изменения выполнена; до того — отказ с перечнем недостающих подписей',
      ),
    )
    .requiredOption('--file <file>', both('the update file', 'файл изменения')),
).action(async (o: Acting & { file: string }) => {
  printCheck(await submitUpdate(await acting(o), await findFabric(), o.file));
  console.log('submitted');
});

actingOptions(
  channel
    .command('propose-remove-org')
    .description(
      both(
        'compute the update removing an organisation (suspend its participants in the directory first): its peers stop endorsing and receiving blocks; what it sent and received stays readable',
        'вычислить изменение, исключающее организацию (сначала приостановите её участников в справочнике): её пиры перестают одобрять и получать блоки; отправленное и полученное ею остаётся читаемым',
      ),
    )
    .requiredOption('--msp <id>', both('the organisation’s MSP id', 'идентификатор MSP организации'), mspArg)
    .requiredOption(
      '--out <file>',
      both('the update file to hand around', 'файл изменения для передачи на подпись'),
    ),
).action(async (o: Acting & { msp: string; out: string }) => {
  const c = await proposeRemoveOrg(await acting(o), await findFabric(), o.msp, o.out);
  console.log(`update written to ${o.out}; once submitted: chaincode approve-next / commit-next`);
  printCheck(c);
});

const council = program
  .command('council')
  .description(
    both(
      'who signs channel changes: the association and an elected council (decision 0029)',
      'кто подписывает изменения канала: ассоциация и выбранный совет (решение 0029)',
    ),
  );

actingOptions(
  council
    .command('show')
    .description(both('the council and who must sign what', 'состав совета и кто что должен подписывать')),
).action(async (o: Acting) => {
  const config = await fetchConfig(await acting(o), await findFabric());
  for (const line of describeCouncil(readCouncil(config), applicationOrgs(config))) console.log(line);
});

const councilVerb = (
  name: string,
  en: string,
  ru: string,
  change: (o: { member?: string; members?: string[]; chair?: string }) => CouncilChange,
  extra: (c: Command) => Command,
) =>
  actingOptions(
    extra(council.command(name).description(both(en, ru))).requiredOption(
      '--out <file>',
      both('the update file to hand around', 'файл изменения для передачи на подпись'),
    ),
  ).action(async (o: Acting & { out: string; member?: string; members?: string[]; chair?: string }) => {
    const c = await proposeCouncilChange(await acting(o), await findFabric(), change(o), o.out);
    console.log(`update written to ${o.out}`);
    printCheck(c);
  });

councilVerb(
  'propose-elect',
  'compute the update electing an organisation of the channel to the council',
  'вычислить изменение, избирающее организацию канала в совет',
  (o) => ({ kind: 'elect', member: o.member as string }),
  (c) => c.requiredOption('--member <msp>', both('its MSP id', 'её идентификатор MSP'), mspArg),
);
councilVerb(
  'propose-remove',
  'compute the update removing a member from the council (its own signature is not needed)',
  'вычислить изменение, выводящее члена из совета (его подпись не нужна)',
  (o) => ({ kind: 'remove', member: o.member as string }),
  (c) => c.requiredOption('--member <msp>', both('its MSP id', 'её идентификатор MSP'), mspArg),
);
councilVerb(
  'propose-found',
  'replace MAJORITY Admins with a council on a channel made before councils: the chair and the elected members',
  'заменить MAJORITY Admins советом в канале, созданном до появления советов: председатель и выбранные члены',
  (o) => ({
    kind: 'found',
    council: {
      chair: o.chair as string,
      members: o.members ?? [],
    },
  }),
  (c) =>
    c
      .requiredOption(
        '--chair <msp>',
        both('the association’s MSP id', 'идентификатор MSP ассоциации'),
        mspArg,
      )
      .requiredOption(
        '--members <msps>',
        both('elected MSP ids, comma-separated', 'выбранные идентификаторы MSP через запятую'),
        mspListArg,
      ),
);

const chaincode = program
  .command('chaincode')
  .description(
    both(
      'the chaincode definition after the channel changed, and upgrades to a new version',
      'определение чейнкода после изменения канала и обновление до новой версии',
    ),
  );

const definitionOf = async (
  o: Acting & { sequence?: string; policy?: string; version?: string },
): Promise<ChaincodeDefinition> => {
  const next = await nextChaincodeDefinition(await acting(o), await findFabric());
  return {
    sequence: o.sequence ? Number(o.sequence) : next.sequence,
    policy: o.policy ?? next.policy,
    version: o.version,
  };
};

for (const [verb, en, ru] of [
  [
    'approve-next',
    'approve the next definition for your organisation (endorsement by any two of the channel’s organisations)',
    'одобрить следующее определение от вашей организации (одобрение любыми двумя организациями канала)',
  ],
  [
    'commit-next',
    'commit the next definition once the association and a majority of the council approved it',
    'зафиксировать следующее определение, когда его одобрили ассоциация и большинство совета',
  ],
] as const) {
  actingOptions(
    chaincode
      .command(verb)
      .description(both(en, ru))
      .option(
        '--sequence <n>',
        both(
          'the agreed sequence (default: committed + 1)',
          'согласованный номер (по умолчанию: текущий + 1)',
        ),
      )
      .option('--policy <p>', both('the agreed endorsement policy', 'согласованная политика одобрения'))
      .option(
        '--version <v>',
        both(
          'the definition’s version (default: the committed one; the new one after "chaincode upgrade")',
          'версия определения (по умолчанию: зафиксированная; новая после «chaincode upgrade»)',
        ),
      ),
  ).action(async (o: Acting & { sequence?: string; policy?: string; version?: string }) => {
    const d = await definitionOf(o);
    const ctx = await acting(o);
    if (verb === 'approve-next') await approveChaincode(ctx, await findFabric(), d);
    else await commitChaincode(ctx, await findFabric(), d);
    console.log(
      `${verb === 'approve-next' ? 'approved' : 'committed'}: sequence ${d.sequence}, ${d.policy}` +
        (d.version ? `, version ${d.version}` : ''),
    );
  });
}

actingOptions(
  chaincode
    .command('upgrade')
    .description(
      both(
        'start upgrading your organisation to a new chaincode version: package it, start its chaincode server on a second port beside the running one, install it on your peers and approve the new definition (new sequence); then "chaincode commit-next --version" once enough organisations approved, then "chaincode finish-upgrade" in each organisation',
        'начать обновление чейнкода вашей организации до новой версии: упаковать её, запустить её сервер чейнкода на втором порту рядом с работающим, установить на ваши пиры и одобрить новое определение (новый номер); затем «chaincode commit-next --version», когда одобрило достаточно организаций, затем «chaincode finish-upgrade» в каждой организации',
      ),
    )
    .requiredOption('--version <v>', both('the new version, e.g. 1.1', 'новая версия, например 1.1'))
    .option(
      '--sequence <n>',
      both('the agreed sequence (default: committed + 1)', 'согласованный номер (по умолчанию: текущий + 1)'),
    )
    .option(
      '--policy <p>',
      both(
        'the agreed endorsement policy (default: any two of the channel’s organisations)',
        'согласованная политика одобрения (по умолчанию: любые две организации канала)',
      ),
    )
    .addOption(
      new Option(
        '--port <n>',
        both(
          'the new chaincode server’s port (default: the other of your two)',
          'порт нового сервера чейнкода (по умолчанию: второй из двух ваших)',
        ),
      ).argParser(portBase),
    ),
).action(async (o: Acting & { version: string; sequence?: string; policy?: string; port?: number }) => {
  const d = await prepareUpgrade(await acting(o), await findFabric(), {
    version: o.version,
    sequence: o.sequence ? Number(o.sequence) : undefined,
    policy: o.policy,
    port: o.port,
    progress: consoleProgress(),
  });
  console.log(
    `approved: version ${d.version}, sequence ${d.sequence}, ${d.policy}; package ${d.release.packageId}; ` +
      `next: "chaincode commit-next --version ${d.version}" once enough organisations approved`,
  );
});

actingOptions(
  chaincode
    .command('finish-upgrade')
    .description(
      both(
        'once the new version is committed: wait until your peers run it, stop the old chaincode server',
        'после фиксации новой версии: дождаться, что ваши пиры работают с ней, и остановить старый сервер чейнкода',
      ),
    ),
).action(async (o: Acting) => {
  const r = await finishUpgrade(await acting(o), await findFabric(), consoleProgress());
  console.log(`runs chaincode ${r.version}; package ${r.packageId}`);
});

const peer = program.command('peer').description(both('your organisation’s peers', 'пиры вашей организации'));

actingOptions(
  peer
    .command('rebuild')
    .description(
      both(
        'rebuild a peer that lost its ledger folder: join it again (from the genesis block, or from a snapshot of your other peer), reinstall the chaincode, catch up; its private data comes from your other peer',
        'восстановить пир, потерявший папку реестра: заново подключить к каналу (с первого блока или со снимка вашего другого пира), переустановить чейнкод, догнать остальных; закрытые данные он получает от вашего другого пира',
      ),
    )
    .requiredOption(
      '--node <name>',
      both('the peer to rebuild, e.g. peer0.clinichost', 'восстанавливаемый пир, например peer0.clinichost'),
    )
    .option(
      '--from-snapshot',
      both(
        'join from a snapshot of your other peer (fast on a long channel; serves no block up to the snapshot’s)',
        'подключить со снимка вашего другого пира (быстро на длинном канале; блоки до снимка включительно не отдаёт)',
      ),
    ),
).action(async (o: Acting & { node: string; fromSnapshot?: boolean }) => {
  const t0 = Date.now();
  const r = await rebuildPeer(
    await acting({ ...o, org: o.org ?? o.node.split('.')[1] }),
    await findFabric(),
    {
      node: o.node,
      fromSnapshot: o.fromSnapshot,
      progress: consoleProgress(),
    },
  );
  console.log(
    `${r.peer} rebuilt from the ${r.from === 'snapshot' ? `snapshot at block ${r.snapshotBlock}` : 'genesis block'} ` +
      `in ${((Date.now() - t0) / 1000).toFixed(1)} s; height ${r.height}`,
  );
});

const node = program.command('node').description(both('your organisation’s nodes', 'узлы вашей организации'));

actingOptions(
  node
    .command('renew')
    .description(
      both(
        'renew a node’s signing and TLS certificates (new keys) from your organisation’s CA before they expire, and restart it. ' +
          'A peer in one step; an orderer in two, as its certificates are in the channel config: with --out, enrol them and write ' +
          'the update replacing its consenter entry (sign and submit it with the channel verbs); then again without --out, ' +
          'to restart it with them',
        'продлить сертификаты подписи и TLS узла (новые ключи) в УЦ вашей организации до истечения срока и перезапустить его. ' +
          'Пир — за один шаг; узел упорядочивания — за два, так как его сертификаты входят в конфигурацию канала: с --out выпустить их ' +
          'и записать изменение его записи в составе консенсуса (подписать и отправить командами channel); затем снова без --out, ' +
          'чтобы перезапустить узел с ними',
      ),
    )
    .requiredOption(
      '--node <name>',
      both(
        'the peer or orderer, e.g. peer0.insurer1, orderer3.insurer1',
        'пир или узел упорядочивания, например peer0.insurer1, orderer3.insurer1',
      ),
    )
    .option(
      '--out <file>',
      both(
        'an orderer’s first step: the update file to hand around for signatures',
        'первый шаг для узла упорядочивания: файл изменения для передачи на подпись',
      ),
    ),
).action(async (o: Acting & { node: string; out?: string }) => {
  const ctx = await acting({ ...o, org: o.org ?? o.node.split('.')[1] });
  const fabric = await findFabric();
  const say = consoleProgress();
  if (ctx.t.orderers.some((n) => n.name === o.node && n.org === ctx.org.key)) {
    if (o.out) {
      const c = await proposeOrdererRenewal(ctx, fabric, o.node, o.out, say);
      console.log(
        `update renewing consenter ${c.id} (${o.node}) written to ${o.out}: signing certificate ${c.signing.serial} ` +
          `valid to ${c.signing.validTo}, TLS ${c.tls.serial} valid to ${c.tls.validTo}; sign with channel sign-update, ` +
          `submit with channel submit-update, then run node renew --node ${o.node} again`,
      );
      printCheck(c);
      return;
    }
    const r = await finishOrdererRenewal(ctx, fabric, o.node, say);
    console.log(
      `${r.node} renewed: signing certificate ${r.signing.after.serial} valid to ${r.signing.after.validTo}, ` +
        `TLS ${r.tls.after.serial} valid to ${r.tls.after.validTo}`,
    );
    return;
  }
  const r = await renewNode(ctx, fabric, { node: o.node, progress: say });
  console.log(
    `${r.node} renewed: signing certificate valid to ${r.signing.after.validTo}, TLS valid to ${r.tls.after.validTo}`,
  );
});

orderer(program, { both, acting, actingOptions, printCheck });
ca(program, { both, acting, actingOptions, printCheck });

program.parseAsync().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exit(1);
});
