// `dmsnet-network ca …`: the operator's verbs for their own organisation's Fabric CA (decision 0044): register an
// identity (a clinic's gateway with its participant attribute), sign a member's certificate request, revoke a
// certificate and put the CRL into the organisation's MSP on the channel so the peers refuse it.
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { findFabric, requireFabricCa, type FabricCaInstall } from './binaries.js';
import type { CliHelpers } from './consenters-cli.js';
import { publishCrl } from './crl.js';
import { NetworkError } from './errors.js';
import {
  caServer,
  checkRegistration,
  enrollCsr,
  generateCrl,
  register,
  revoke,
  startCaServer,
  usesFabricCa,
  withCaServer,
  type Registration,
} from './fabric-ca.js';
import type { OrgContext } from './org.js';
import { consoleProgress } from './progress.js';

/** The participant attribute the chaincode reads (chaincode/src/identity.ts, decision 0025). */
export const PARTICIPANT_ATTRIBUTE = 'dmsnet.participant';

const attrArg = (v: string, prev: Record<string, string> = {}) => {
  const at = v.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('name=value, e.g. dmsnet.region=77');
  return { ...prev, [v.slice(0, at)]: v.slice(at + 1) };
};

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number from 1');
  return n;
};

/**
 * Runs `fn` with the organisation's CA server up (started for the command and stopped after when it was not running);
 * refused where the organisation runs the in-process CA.
 */
async function withOwnCa<T>(ctx: OrgContext, fn: (bin: FabricCaInstall) => Promise<T>): Promise<T> {
  if (!usesFabricCa(ctx.t, ctx.org.key))
    throw new NetworkError(
      'FABRIC_CA_MISSING',
      `${ctx.org.mspId} has no Fabric CA of its own (made without Fabric CA installed: its CA is in-process, orgs/${ctx.org.key}/ca)`,
    );
  const bin = await requireFabricCa();
  return withCaServer(ctx.t, ctx.org.key, bin, () => fn(bin), consoleProgress());
}

export function ca(program: Command, h: CliHelpers): void {
  const { both, acting, actingOptions, printCheck } = h;
  const cmd = program
    .command('ca')
    .description(
      both(
        'your organisation’s own Fabric CA: register, sign a member’s certificate request, revoke, publish the CRL',
        'собственный Fabric CA организации: регистрация, подпись запроса на сертификат участника, отзыв, публикация CRL',
      ),
    );

  actingOptions(
    cmd
      .command('start')
      .description(both('start your organisation’s CA server', 'запустить сервер УЦ организации')),
  ).action(async (o) => {
    const ctx = await acting(o);
    if (!usesFabricCa(ctx.t, ctx.org.key))
      throw new NetworkError(
        'FABRIC_CA_MISSING',
        `${ctx.org.mspId} has no Fabric CA of its own (its CA is in-process)`,
      );
    await startCaServer(ctx.t, ctx.org.key, await requireFabricCa(), consoleProgress());
    const s = caServer(ctx.t, ctx.org.key);
    console.log(`${s.names.ca} and ${s.names.tlsca} serve https://${s.host}:${s.port}`);
  });

  actingOptions(
    cmd
      .command('register')
      .description(
        both(
          'register an identity at your CA and print its one-time enrolment secret (hand it to the member with its enrolment id)',
          'зарегистрировать идентификатор в УЦ и вывести одноразовый секрет для выпуска (передайте его участнику вместе с идентификатором)',
        ),
      )
      .requiredOption(
        '--name <id>',
        both(
          'enrolment id; the certificate request’s CN must equal it (a node made by dmsnet-node init uses its ОГРН)',
          'идентификатор выпуска; CN запроса на сертификат должен совпадать с ним (узел dmsnet-node init использует свой ОГРН)',
        ),
      )
      .option('--type <type>', 'client | peer | orderer | admin', 'client')
      .option(
        '--participant <id>',
        both(
          `the participant (ОГРН) a clinic’s gateway acts for: the ${PARTICIPANT_ATTRIBUTE} certificate attribute`,
          `участник (ОГРН), от имени которого работает шлюз клиники: атрибут сертификата ${PARTICIPANT_ATTRIBUTE}`,
        ),
      )
      .option(
        '--attr <name=value>',
        both('another certificate attribute (repeatable)', 'другой атрибут сертификата (можно повторять)'),
        attrArg,
      )
      .option(
        '--max-enrollments <n>',
        both(
          'how often the secret may enrol (default 1)',
          'сколько раз секрет можно использовать (по умолчанию 1)',
        ),
        positive,
      ),
  ).action(
    async (o: {
      home?: string;
      org?: string;
      name: string;
      type: Registration['type'];
      participant?: string;
      attr?: Record<string, string>;
      maxEnrollments?: number;
    }) => {
      if (o.participant !== undefined && !/^\d{13}(\d{2})?$/.test(o.participant))
        throw new NetworkError(
          'CA_REQUEST_INVALID',
          '/participant: an ОГРН (13 digits) or ОГРНИП (15 digits)',
        );
      const r = checkRegistration({
        name: o.name,
        type: o.type,
        attributes: { ...o.attr, ...(o.participant ? { [PARTICIPANT_ATTRIBUTE]: o.participant } : {}) },
        maxEnrollments: o.maxEnrollments,
      });
      const ctx = await acting(o);
      const secret = await withOwnCa(ctx, (bin) => register(ctx.t, ctx.org.key, bin, 'ca', r));
      console.log(`registered ${r.name} (${r.type}) at ${caServer(ctx.t, ctx.org.key).names.ca}`);
      console.log(`enrolment secret: ${secret}`);
    },
  );

  actingOptions(
    cmd
      .command('enroll')
      .description(
        both(
          'sign a member’s certificate request with your CA (the member keeps its key): the certificate carries the attributes its registration granted',
          'подписать запрос на сертификат участника вашим УЦ (ключ остаётся у участника): сертификат несёт атрибуты, выданные при регистрации',
        ),
      )
      .requiredOption('--name <id>', both('the enrolment id', 'идентификатор выпуска'))
      .requiredOption('--secret <secret>', both('its enrolment secret', 'его секрет выпуска'))
      .requiredOption('--csr <file>', both('the certificate request (PEM)', 'запрос на сертификат (PEM)'))
      .requiredOption(
        '--out <file>',
        both('where to write the certificate (PEM)', 'куда записать сертификат (PEM)'),
      ),
  ).action(
    async (o: { home?: string; org?: string; name: string; secret: string; csr: string; out: string }) => {
      checkRegistration({ name: o.name, type: 'client' });
      const csr = await readFile(o.csr, 'utf8').catch((err: Error) => {
        throw new NetworkError('CA_REQUEST_INVALID', `/csr: ${o.csr}: ${err.message}`);
      });
      const ctx = await acting(o);
      const cert = await withOwnCa(ctx, () =>
        enrollCsr(ctx.t, ctx.org.key, 'ca', { name: o.name, secret: o.secret, csr }),
      );
      await writeFile(o.out, cert);
      console.log(`certificate for ${o.name} written to ${o.out}`);
    },
  );

  actingOptions(
    cmd
      .command('revoke')
      .description(
        both(
          'revoke an identity’s certificates (or one by serial and AKI), then put the new CRL into your MSP on the channel so peers refuse them',
          'отозвать сертификаты идентификатора (или один по серийному номеру и AKI), затем внести новый CRL в MSP организации в канале, чтобы пиры их отвергали',
        ),
      )
      .option('--name <id>', both('the enrolment id', 'идентификатор выпуска'))
      .option('--serial <hex>', both('one certificate’s serial', 'серийный номер одного сертификата'))
      .option('--aki <hex>', both('its authority key identifier', 'его идентификатор ключа УЦ (AKI)'))
      .option(
        '--reason <reason>',
        'unspecified | keycompromise | affiliationchange | superseded | cessationofoperation | certificatehold',
      )
      .option(
        '--no-publish',
        both(
          'only revoke at the CA; publish the CRL later with ca gencrl --publish',
          'только отозвать в УЦ; опубликовать CRL позже: ca gencrl --publish',
        ),
      ),
  ).action(
    async (o: {
      home?: string;
      org?: string;
      name?: string;
      serial?: string;
      aki?: string;
      reason?: string;
      publish: boolean;
    }) => {
      const ctx = await acting(o);
      const crl = await withOwnCa(ctx, (bin) => revoke(ctx.t, ctx.org.key, bin, o));
      console.log(`revoked ${o.name ?? `serial ${o.serial}`} at ${caServer(ctx.t, ctx.org.key).names.ca}`);
      if (!o.publish)
        return console.log('CRL not published: run "ca gencrl --publish" to make peers refuse it');
      printCheck(await publishCrl(ctx, await findFabric(), crl, consoleProgress()));
      console.log(
        `CRL in ${ctx.org.mspId}'s MSP on channel '${ctx.t.channel}': peers refuse the revoked certificates`,
      );
    },
  );

  actingOptions(
    cmd
      .command('gencrl')
      .description(
        both(
          'write your CA’s current CRL; with --publish put it into your MSP on the channel',
          'записать текущий CRL вашего УЦ; с --publish внести его в MSP организации в канале',
        ),
      )
      .option('--out <file>', both('where to write the CRL (PEM)', 'куда записать CRL (PEM)'))
      .option('--publish', both('submit it to the channel', 'отправить его в канал')),
  ).action(async (o: { home?: string; org?: string; out?: string; publish?: boolean }) => {
    const ctx = await acting(o);
    const crl = await withOwnCa(ctx, (bin) => generateCrl(ctx.t, ctx.org.key, bin));
    if (o.out) {
      await writeFile(o.out, crl);
      console.log(`CRL written to ${o.out}`);
    }
    if (o.publish) {
      printCheck(await publishCrl(ctx, await findFabric(), crl, consoleProgress()));
      console.log(`CRL in ${ctx.org.mspId}'s MSP on channel '${ctx.t.channel}'`);
    } else if (!o.out) process.stdout.write(crl);
  });
}
