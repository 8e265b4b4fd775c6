import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import {
  bundledSchemaText,
  createRng,
  defaultRoutes,
  DOCUMENT_TYPES,
  generateOgrn,
  type FieldError,
} from '@dmsnet/formats';
import {
  loadKeyFile,
  passphraseFromEnv,
  publicKeysBase64,
  saveKeyFile,
} from '../../gateway/src/crypto/index.js';
import { EmbeddedLedger } from '../../embedded-ledger/src/index.js';
import { LocalCA } from './local-ca.js';
import { FabricLedger } from '../../gateway/src/ledger/fabric/fabric-ledger.js';
import type { LedgerClient } from '../../gateway/src/ledger/types.js';
import { GatewayNode } from '../../gateway/src/node/index.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import { CONSOLE_DIR } from '../../gateway/src/api/console.js';
import { Workflows } from '../../gateway/src/workflows/index.js';
import { TargetPolicy } from '../../gateway/src/webhooks/targets.js';
import { MailBridge } from '../../gateway/src/mail/bridge.js';
import { mailSettingsOf } from '../../gateway/src/mail/settings.js';
import {
  FolderDrop,
  loadMapping,
  type DropRoute,
  type ImportCompletion,
  type TableMapping,
} from '../../gateway/src/adapters/index.js';
import { loadConfig, NodeConfigError, readToken, resolveIn, type NodeConfig } from './config.js';
import { SANDBOX_ASSOCIATION_MSP } from './init.js';

export interface CheckReport {
  ok: boolean;
  errors: FieldError[];
  ledger?: string;
  /** What start does not need but the operator should know (e.g. the directory has no entry for this node yet). */
  notes?: string[];
}

/** Validates the config and reaches the ledger; never throws for a broken node, it reports. */
export async function checkNode(dir: string): Promise<CheckReport> {
  let config: NodeConfig;
  try {
    config = await loadConfig(dir);
  } catch (err) {
    if (err instanceof NodeConfigError) {
      const errors = err.errors.length
        ? [...err.errors]
        : [{ pointer: '', code: err.code, message: err.message }];
      return { ok: false, errors };
    }
    throw err;
  }
  const errors: FieldError[] = [];
  const need = (p: string, file: string) => {
    if (!existsSync(resolveIn(dir, file)))
      errors.push({ pointer: p, code: 'FILE_MISSING', message: `${p}: ${file} does not exist` });
  };
  need('/keys/file', config.keys.file);
  if (config.api.tokenFile) need('/api/tokenFile', config.api.tokenFile);
  errors.push(...loadAdapters(dir, config).errors);
  if (config.mail) {
    // The bridge's mail servers answer now, or `start` would only say so in its log.
    for (const [name, s] of [
      ['imap', config.mail.imap],
      ['smtp', config.mail.smtp],
    ] as const) {
      if (s.passwordFile) need(`/mail/${name}/passwordFile`, s.passwordFile);
      if (s.passwordEnv && !process.env[s.passwordEnv])
        errors.push({
          pointer: `/mail/${name}/passwordEnv`,
          code: 'CONFIG_REQUIRED',
          message: `/mail/${name}/passwordEnv: the variable ${s.passwordEnv} is empty`,
        });
      const reached = await tcpReach(s.host, s.port, 5000);
      if (reached !== true)
        errors.push({
          pointer: `/mail/${name}/host`,
          code: 'MAIL_SERVER_UNREACHABLE',
          message: `${s.host}:${s.port}: ${reached}`,
        });
    }
  }
  if (config.ledger.mode === 'fabric') {
    const f = config.ledger.fabric!;
    need('/ledger/fabric/tls/caCert', f.tls.caCert);
    if (f.tls.clientCert) need('/ledger/fabric/tls/clientCert', f.tls.clientCert);
    if (f.tls.clientKey) need('/ledger/fabric/tls/clientKey', f.tls.clientKey);
    const [host, port] = f.peerEndpoint.split(':');
    const reached = await tcpReach(host as string, Number(port), f.connectTimeoutMs ?? 5000);
    if (reached !== true) {
      errors.push({
        pointer: '/ledger/fabric/peerEndpoint',
        code: 'LEDGER_UNREACHABLE',
        message: `${f.peerEndpoint}: ${reached}`,
      });
    }
    if (reached !== true || errors.length) return { ok: false, errors };
    return checkFabricIdentity(dir, config);
  }
  if (errors.length) return { ok: false, errors };
  // Embedded: opening the ledger proves the directory is usable and not held by a running node.
  try {
    const ledger = await openEmbedded(dir, config);
    const height = ledger.height();
    await ledger.close();
    return { ok: true, errors, ledger: `embedded ledger at height ${height}` };
  } catch (err) {
    errors.push({
      pointer: '/ledger/embedded/dir',
      code: 'LEDGER_UNAVAILABLE',
      message: (err as Error).message,
    });
    return { ok: false, errors };
  }
}

/**
 * What start needs of Fabric beyond a reachable port: the TLS root that verifies the peer, and an identity (MSP id,
 * certificate from that organisation's CA) the channel accepts — proven by asking the directory who we are, the
 * read every gateway makes first. Each failure is reported at the setting an operator changes to fix it.
 */
async function checkFabricIdentity(dir: string, config: NodeConfig): Promise<CheckReport> {
  const f = config.ledger.fabric!;
  let client: FabricLedger;
  try {
    client = await connectFabric(dir, config);
  } catch (err) {
    const e = err as { code?: string; message: string };
    return {
      ok: false,
      errors: [{ pointer: '/ledger/fabric', code: e.code ?? 'LEDGER_UNAVAILABLE', message: e.message }],
    };
  }
  try {
    const me = JSON.parse(Buffer.from(await client.evaluate('directory:whoAmI', [])).toString('utf8')) as {
      id: string;
      name: string;
      status: string;
    };
    const errors: FieldError[] = [];
    if (me.id !== config.participant.id) {
      errors.push({
        pointer: '/participant/id',
        code: 'PARTICIPANT_MISMATCH',
        message: `the certificate msp/signcerts/cert.pem acts for participant ${me.id} (${me.name}), not ${config.participant.id}`,
      });
    }
    const notes = me.status === 'ACTIVE' ? [] : [`the directory marks ${me.id} ${me.status}`];
    return {
      ok: errors.length === 0,
      errors,
      notes,
      ledger: `peer ${f.peerEndpoint} accepts ${f.mspId}; this node acts for ${me.id} (${me.name})`,
    };
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code === 'IDENTITY_UNKNOWN') {
      return {
        ok: true,
        errors: [],
        notes: [
          `the directory has no entry for this certificate yet: the association registers ${config.participant.id} ` +
            '(dmsnet-node participant register) before this node can send',
        ],
        ledger: `peer ${f.peerEndpoint} accepts ${f.mspId}`,
      };
    }
    return { ok: false, errors: [fabricFailure(e, config)] };
  } finally {
    await client.close();
  }
}

/** The setting behind a refused connection or identity, so the operator knows which line to change. */
function fabricFailure(e: { code?: string; message: string }, config: NodeConfig): FieldError {
  const f = config.ledger.fabric!;
  if (e.code === 'LEDGER_ACCESS_DENIED') {
    return {
      pointer: '/ledger/fabric/mspId',
      code: e.code,
      message:
        `the channel refuses ${f.mspId} with msp/signcerts/cert.pem: is ${f.mspId} the MSP id of the ` +
        `organisation whose CA signed the certificate, and is it a member of channel ${f.channel}? (${e.message})`,
    };
  }
  if (/certificate|SSL|TLS|handshake|self[- ]signed|altname|Hostname/i.test(e.message)) {
    return {
      pointer: '/ledger/fabric/tls/caCert',
      code: 'TLS_UNTRUSTED',
      message:
        `the peer's TLS certificate does not verify against ${f.tls.caCert}` +
        `${f.peerHostAlias ? ` for the name ${f.peerHostAlias}` : ' (is /ledger/fabric/peerHostAlias the name in its certificate?)'}: ${e.message}`,
    };
  }
  return { pointer: '/ledger/fabric/peerEndpoint', code: e.code ?? 'LEDGER_UNAVAILABLE', message: e.message };
}

function tcpReach(host: string, port: number, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (r: true | string) => {
      s.destroy();
      resolve(r);
    };
    s.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    s.once('connect', () => done(true));
    s.once('error', (e) => done(e.message));
  });
}

export async function openEmbedded(dir: string, config: NodeConfig): Promise<EmbeddedLedger> {
  const e = config.ledger.embedded!;
  const msps = [e.mspId, ...(e.sandboxAssociation ? [SANDBOX_ASSOCIATION_MSP] : [])];
  const roots = [];
  for (const mspId of msps) {
    const ca = await LocalCA.open(path.join(dir, 'ca', mspId), mspId);
    roots.push({ mspId, rootCertificate: ca.certificate });
  }
  return EmbeddedLedger.open({ dir: resolveIn(dir, e.dir), msps: roots });
}

export interface RunningNode {
  url: string;
  token: string;
  node: GatewayNode;
  close(): Promise<void>;
}

type Identity = { mspId: string; certificate: string; privateKey: string };
const readJson = async <T>(file: string) => JSON.parse(await readFile(file, 'utf8')) as T;

/** Runs the gateway from a node directory; in embedded sandbox mode the first start bootstraps the ledger. */
export async function startNode(
  dir: string,
  o: {
    passphrase?: string;
    progress?: (m: string) => void;
    port?: number;
    /**
     * A sandbox ledger this process holds already, shared with other participants' nodes (tests do this, so that a
     * node folder can be wiped while its ledger lives on); the node neither opens nor closes it.
     */
    embeddedLedger?: EmbeddedLedger;
  } = {},
): Promise<RunningNode> {
  const say = o.progress ?? (() => undefined);
  const config = await loadConfig(dir);
  // Before anything opens: a configured adapter that cannot start stops the node at its setting's pointer.
  const broken = loadAdapters(dir, config).errors;
  if (broken.length) throw new NodeConfigError('CONFIG_INVALID', 'a configured adapter cannot start', broken);
  const passphrase = o.passphrase ?? (await passphraseFromEnv());
  const logger = pino({ level: process.env.DMSNET_LOG_LEVEL ?? 'warn' });
  if (config.ledger.mode === 'fabric') {
    say(`connecting to the Fabric peer ${config.ledger.fabric!.peerEndpoint}`);
    const client = await connectFabric(dir, config);
    say('decrypting the participant keys');
    const keys = await loadKeyFile(resolveIn(dir, config.keys.file), passphrase);
    return serveNode(dir, config, {
      client,
      keys,
      passphrase,
      logger,
      say,
      port: o.port,
      close: () => client.close(),
    });
  }
  say('opening the embedded ledger');
  const ledger = o.embeddedLedger ?? (await openEmbedded(dir, config));
  const identity = await readJson<Identity>(path.join(dir, 'secrets', 'identity.json'));
  const client = ledger.connect(identity);
  say('decrypting the participant keys');
  const keys = await loadKeyFile(resolveIn(dir, config.keys.file), passphrase);
  if (config.ledger.embedded!.sandboxAssociation && ledger.height() <= 1n) {
    say('bootstrapping the sandbox ledger (association, this participant, v1 formats)');
    const assocIdentity = await readJson<Identity>(path.join(dir, 'secrets', 'sandbox-association.json'));
    const assocKeys = await loadKeyFile(
      path.join(dir, 'secrets', 'sandbox-association-keys.json'),
      passphrase,
    );
    await bootstrap(
      ledger.connect(assocIdentity),
      assocIdentity,
      publicKeysBase64(assocKeys),
      config,
      identity,
      publicKeysBase64(keys),
    );
  }
  return serveNode(dir, config, {
    client,
    keys,
    passphrase,
    logger,
    say,
    port: o.port,
    ledgerHeight: () => ledger.height(),
    close: () => (o.embeddedLedger ? Promise.resolve() : ledger.close()),
  });
}

/** The Fabric identity the operator's CA issued for this node's CSR, and a client of the organisation's peer. */
export async function connectFabric(dir: string, config: NodeConfig): Promise<FabricLedger> {
  const certFile = path.join(dir, 'msp', 'signcerts', 'cert.pem');
  if (!existsSync(certFile)) {
    throw new NodeConfigError(
      'FABRIC_IDENTITY_MISSING',
      `${certFile} is missing: have your organisation's CA sign msp/csr.pem (with the attributes in msp/enrollment.json) and put the certificate there`,
    );
  }
  return connectFabricAs(dir, config, {
    certificate: await readFile(certFile, 'utf8'),
    privateKey: await readFile(path.join(dir, 'msp', 'keystore', 'key.pem'), 'utf8'),
  });
}

/** A client of the organisation's peer acting with the given certificate of this node's MSP. */
export async function connectFabricAs(
  dir: string,
  config: NodeConfig,
  id: { certificate: string; privateKey: string },
): Promise<FabricLedger> {
  const f = config.ledger.fabric!;
  return FabricLedger.connect({
    peerEndpoint: f.peerEndpoint,
    ...(f.peerHostAlias ? { serverNameOverride: f.peerHostAlias } : {}),
    ...(f.otherPeers?.length
      ? {
          otherPeers: f.otherPeers.map((p) => ({
            endpoint: p.endpoint,
            ...(p.hostAlias ? { serverNameOverride: p.hostAlias } : {}),
          })),
        }
      : {}),
    tlsRootCertificate: await readFile(resolveIn(dir, f.tls.caCert), 'utf8'),
    mspId: f.mspId,
    ...id,
    channel: f.channel,
    chaincode: f.chaincode,
  });
}

async function serveNode(
  dir: string,
  config: NodeConfig,
  o: {
    client: LedgerClient;
    keys: Awaited<ReturnType<typeof loadKeyFile>>;
    passphrase: string;
    logger: Logger;
    say: (m: string) => void;
    port?: number;
    ledgerHeight?: () => bigint;
    close: () => Promise<void>;
  },
): Promise<RunningNode> {
  const { client, keys, logger, say } = o;
  const adapters = loadAdapters(dir, config);
  const node = await GatewayNode.open({
    participantId: config.participant.id,
    dataDir: resolveIn(dir, config.dataDir ?? 'data'),
    ledger: client,
    keys,
    keyVersion: config.keys.version,
    // Rotation rewrites the key file with the same passphrase and the Argon2id limits it was written with.
    saveKeys: (k) => saveKeyFile(resolveIn(dir, config.keys.file), k, o.passphrase),
    logger,
    ledgerHeight: o.ledgerHeight,
  });
  // The edge workflows (roster and coverage, letters, price lists, the invoice check) run on every node as in the
  // demo, so the console's screens and their API answer on a node started from its directory too.
  const workflows = new Workflows(node, {
    role: config.participant.role,
    ...(config.careDeadlines ? { careDeadlines: config.careDeadlines } : {}),
    ...(config.priorAuthDeadlines ? { priorAuthDeadlines: config.priorAuthDeadlines } : {}),
  });
  node.setHandlers(workflows.handlers());
  await workflows.start();
  await node.start();
  const token = await readToken(dir, config);
  const mail = config.mail
    ? new MailBridge(
        node,
        await mailSettingsOf(
          config.mail,
          async (x) =>
            x.passwordFile
              ? (await readFile(resolveIn(dir, x.passwordFile), 'utf8')).trim()
              : x.passwordEnv
                ? process.env[x.passwordEnv]
                : undefined,
          (name) => readFile(resolveIn(dir, name), 'utf8'),
        ),
        { log: (line) => logger.info(line) },
      )
    : undefined;
  // The health answer is served before the drop starts, and reads it once it has.
  const adapterState: { drop?: FolderDrop } = {};
  const server = await startNodeApi(
    { node, ledger: client, workflows, ...(mail ? { mail } : {}) },
    {
      host: config.api.host,
      port: o.port ?? config.api.port,
      token,
      logger,
      maxBodyBytes: config.api.maxBodyBytes,
      participantRole: config.participant.role,
      access: { hostNames: config.api.hostNames, secureCookies: config.api.secureCookies },
      consoleDir: CONSOLE_DIR,
      webhooks: { targets: new TargetPolicy(config.webhookAllow ?? []) },
      adapters: () =>
        adapters.entries.length
          ? [
              {
                kind: 'folder-drop',
                status: adapterState.drop ? 'running' : 'starting',
                dir: config.adapters?.dropDir ?? 'exchange',
                mappings: adapters.entries,
              },
            ]
          : [],
    },
  );
  // Config webhooks are registered once; a restart finds them in the store (their cursors and secrets survive).
  const known = new Set((await server.webhooks.list()).map((h) => h.url));
  for (const url of config.webhooks ?? []) {
    if (!known.has(new URL(url).toString())) await server.webhooks.register({ url });
  }
  say(`gateway listening on ${server.url}`);
  const drop = await startFolderDrop(dir, config, node, adapters, workflows.importCompletion(), say);
  adapterState.drop = drop;
  if (mail) {
    mail.start();
    say(`mail bridge reading ${config.mail!.address} (${config.mail!.imap.host}:${config.mail!.imap.port})`);
  }
  return {
    url: server.url,
    token,
    node,
    async close() {
      await drop?.stop();
      await mail?.stop();
      await server.close();
      await node.stop();
      await o.close();
    },
  };
}

async function bootstrap(
  association: LedgerClient,
  assocIdentity: Identity,
  assocKeys: { x25519: string; ed25519: string },
  config: NodeConfig,
  identity: Identity,
  keys: { x25519: string; ed25519: string },
): Promise<void> {
  await association.submit('directory:register', [
    JSON.stringify({
      id: SANDBOX_ASSOCIATION_OGRN,
      role: 'association',
      name: 'Sandbox association',
      identities: [
        { mspId: assocIdentity.mspId, kind: 'certificate', certificate: assocIdentity.certificate },
      ],
      keys: assocKeys,
    }),
  ]);
  await association.submit('directory:register', [
    JSON.stringify({
      id: config.participant.id,
      role: config.participant.role,
      name: config.participant.name,
      ...(config.participant.inn ? { inn: config.participant.inn } : {}),
      identities: [{ mspId: identity.mspId, kind: 'certificate', certificate: identity.certificate }],
      keys,
    }),
  ]);
  await association.submit('formats:setRules', [
    JSON.stringify({ voterRoles: ['association'], quorum: 0.5 }),
  ]);
  const today = new Date().toISOString().slice(0, 10);
  for (const type of DOCUMENT_TYPES) {
    const schemaText = bundledSchemaText(type, '1');
    const schemaHash = createHash('sha256').update(schemaText).digest('hex');
    // A lone node has nobody of the other role to send to: the sandbox's formats also route every document of this
    // node's role to the sandbox association, so each send can be tried (routes are voted with a version).
    const routes =
      type === 'reply'
        ? defaultRoutes(type)
        : [...defaultRoutes(type), [config.participant.role, 'association']];
    await association.submit('formats:propose', [
      JSON.stringify({ type, version: '1', schemaText, schemaHash, effectiveFrom: today, routes }),
    ]);
    await association.submit('formats:vote', [type, '1', 'yes']);
  }
}

// A fixed seed gives every sandbox the same valid association ОГРН.
export const SANDBOX_ASSOCIATION_OGRN = generateOgrn(createRng(7700));

interface LoadedAdapters {
  routes: DropRoute[];
  outMappings: Partial<Record<TableMapping['type'], TableMapping>>;
  /** Each configured mapping, for the health answer. */
  entries: Array<{ file: string; type: string; addressee?: string; match?: string }>;
  /** A mapping that cannot be used, at its setting's JSON pointer. */
  errors: FieldError[];
}

/**
 * The folder drop's mappings, each read now: `check` and `start` refuse a mapping file that is missing or invalid at
 * its setting's pointer, rather than a node starting with an adapter that never converts a file.
 */
function loadAdapters(dir: string, config: NodeConfig): LoadedAdapters {
  const out: LoadedAdapters = { routes: [], outMappings: {}, entries: [], errors: [] };
  (config.adapters?.mappings ?? []).forEach((m, i) => {
    const at = `/adapters/mappings/${i}/file`;
    const file = resolveIn(dir, m.file);
    if (!existsSync(file)) {
      out.errors.push({ pointer: at, code: 'FILE_MISSING', message: `${at}: ${m.file} does not exist` });
      return;
    }
    let mapping: TableMapping;
    try {
      mapping = loadMapping(file);
    } catch (err) {
      const inner = (err as { errors?: FieldError[] }).errors ?? [];
      const detail = inner.map((e) => `${e.pointer} ${e.message}`).join('; ');
      out.errors.push({
        pointer: at,
        code: (err as { code?: string }).code ?? 'MAPPING_INVALID',
        message: `${at}: ${m.file}: ${detail || (err as Error).message}`,
      });
      return;
    }
    // A mapping with an addressee, a file-name pattern, or one the file names its addressee by takes files from in/;
    // the first mapping of each type also writes received documents of that type to out/.
    if (m.addressee || m.match || mapping.addressee)
      out.routes.push({
        match: new RegExp(m.match ?? '.', 'i'),
        mapping,
        ...(m.addressee ? { addressee: m.addressee } : {}),
        ...(m.body ? { body: m.body } : {}),
      });
    out.outMappings[mapping.type] ??= mapping;
    out.entries.push({ file: m.file, type: mapping.type, addressee: m.addressee, match: m.match });
  });
  return out;
}

/** The configured folder drop, if any mapping is configured: the clinic MIS's or back office's file interface. */
async function startFolderDrop(
  dir: string,
  config: NodeConfig,
  node: GatewayNode,
  adapters: LoadedAdapters,
  completion: ImportCompletion,
  say: (message: string) => void,
): Promise<FolderDrop | undefined> {
  if (!adapters.entries.length) return undefined;
  const root = resolveIn(dir, config.adapters?.dropDir ?? 'exchange');
  const drop = new FolderDrop({
    root,
    node,
    routes: adapters.routes,
    outMappings: adapters.outMappings,
    completion,
    log: say,
  });
  await drop.start();
  say(`folder drop watching ${path.join(root, 'in')}`);
  return drop;
}
