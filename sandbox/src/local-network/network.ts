// A whole dmsnet network on one machine: a local CA per organisation, one embedded ledger, and a node per
// participant. The demo, the tests and the sandbox mode of node-config all start networks this way.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';
import {
  bundledSchemaText,
  createRng,
  DOCUMENT_TYPES,
  generateInn10,
  generateOgrn,
  type PartyRef,
} from '@dmsnet/formats';
import {
  generateParticipantKeys,
  loadKeyFile,
  publicKeysBase64,
  saveKeyFile,
  sodium,
  type ParticipantKeys,
} from '../../../gateway/src/crypto/index.js';
import { EmbeddedLedger } from '../../../embedded-ledger/src/index.js';
import { LocalCA, type CertificateIssuer } from '../../../node-config/src/local-ca.js';
import { SandboxGostCa } from './gost-ca.js';
import type { LedgerClient } from '../../../gateway/src/ledger/types.js';
import { GatewayNode, type DocumentHandler } from '../../../gateway/src/node/index.js';
import type { PayloadWaitOptions } from '../../../gateway/src/node/awaiting.js';
import { Workflows, type CareDeadlineTerms, type Contract } from '../../../gateway/src/workflows/index.js';

export type Role = 'association' | 'insurer' | 'clinic' | 'assistance';

export interface ParticipantSpec {
  key: string;
  role: Role;
  name: string;
  /**
   * The organisation (MSP) whose CA issues its certificate. Clinics act under a neutral host organisation's CA with
   * their participant id as a certificate attribute (never under an insurer, whose competitors' documents would then
   * pass through it), as on the Fabric network.
   */
  mspId: string;
  viaAttribute?: boolean;
  /** Sign with GOST R 34.10-2012 (a certificate from the sandbox GOST CA) instead of Ed25519. */
  signatureProfile?: 'gost2012-256';
}

export interface LocalParticipant extends ParticipantSpec {
  id: string;
  inn: string;
  party: PartyRef;
  keys: ParticipantKeys;
  identity: { mspId: string; certificate: string; privateKey: string };
  ledger: LedgerClient;
  node: GatewayNode;
  workflows?: Workflows;
}

/**
 * Where a local network's ledger comes from: the embedded ledger (default) or a Fabric network whose organisations'
 * CAs issue the participants' identities (network/ provides that one; the gateway does not depend on it).
 */
export interface LedgerProvider {
  name: string;
  /** The CA of an organisation, to issue participants' identities. */
  ca(mspId: string): Promise<CertificateIssuer>;
  connect(identity: { mspId: string; certificate: string; privateKey: string }): LedgerClient;
  /** Number of committed blocks, when the backend can tell it cheaply (lets nodes know they caught up). */
  height?(): bigint;
  close(): Promise<void>;
}

export async function embeddedProvider(dir: string, mspIds: readonly string[]): Promise<LedgerProvider> {
  const cas = new Map<string, LocalCA>();
  for (const mspId of new Set(mspIds)) cas.set(mspId, await LocalCA.open(path.join(dir, 'ca', mspId), mspId));
  const ledger = await EmbeddedLedger.open({
    dir: path.join(dir, 'ledger'),
    msps: [...cas].map(([mspId, ca]) => ({ mspId, rootCertificate: ca.certificate })),
  });
  return {
    name: 'embedded ledger',
    async ca(mspId) {
      const ca = cas.get(mspId);
      if (!ca) throw new Error(`no CA for ${mspId}`);
      return ca;
    },
    connect: (identity) => ledger.connect(identity),
    height: () => ledger.height(),
    close: () => ledger.close(),
  };
}

export interface LocalNetwork {
  dir: string;
  ledger: LedgerProvider;
  participants: Map<string, LocalParticipant>;
  get(key: string): LocalParticipant;
  close(): Promise<void>;
}

export const DEMO_PARTICIPANTS: readonly ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз страховщиков ДМС (демо)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «Страховая компания «Северная»', mspId: 'Insurer1MSP' },
  { key: 'insurer2', role: 'insurer', name: 'АО «СК «Южный полис»', mspId: 'Insurer2MSP' },
  {
    key: 'clinic1',
    role: 'clinic',
    name: 'ООО «Клиника Здоровье»',
    mspId: 'ClinicHostMSP',
    viaAttribute: true,
    signatureProfile: 'gost2012-256',
  },
  {
    key: 'clinic2',
    role: 'clinic',
    name: 'ООО «Медицинский центр «Исток»',
    mspId: 'ClinicHostMSP',
    viaAttribute: true,
  },
  // An assistance company organising care for an insurer's patients (decision 0055): like a clinic, it acts under the
  // neutral host organisation, never under an insurer whose competitors it may also serve.
  {
    key: 'assistance',
    role: 'assistance',
    name: 'АО «Ассистанс Плюс»',
    mspId: 'ClinicHostMSP',
    viaAttribute: true,
  },
];

export interface StartOptions {
  dir: string;
  participants?: readonly ParticipantSpec[];
  seed?: number;
  logger?: Logger;
  handlers?: (p: Omit<LocalParticipant, 'node'>) => Partial<Record<string, DocumentHandler>>;
  progress?: (message: string) => void;
  /** Leave the nodes stopped (a test may want to start them itself). */
  startNodes?: boolean;
  /** Protects the sandbox participants' key files; a sandbox, so a default is fine. */
  passphrase?: string;
  /** Run the edge workflows (roster, letters, price lists, invoice check); default true. */
  workflows?: boolean;
  /** The ledger; default: an embedded ledger in `dir` with a local CA per organisation. */
  provider?: LedgerProvider;
  /** Contracts on file at clinics, by clinic key. */
  contracts?: (
    clinic: Omit<LocalParticipant, 'node'>,
    all: Array<Omit<LocalParticipant, 'node'>>,
  ) => Contract[];
  /** How long the nodes wait for a missing ciphertext before asking its sender (decision 0053); default the node's. */
  payloadWait?: PayloadWaitOptions;
  /** A payer's terms for answering care requests (its node configuration's `careDeadlines`), by participant. */
  careDeadlines?: (
    p: Omit<LocalParticipant, 'node'>,
    all: Array<Omit<LocalParticipant, 'node'>>,
  ) => CareDeadlineTerms | undefined;
  /** A party's terms for answering guarantee-letter requests (its node configuration's `priorAuthDeadlines`). */
  priorAuthDeadlines?: (
    p: Omit<LocalParticipant, 'node'>,
    all: Array<Omit<LocalParticipant, 'node'>>,
  ) => CareDeadlineTerms | undefined;
}

interface SavedParticipant {
  spec: ParticipantSpec;
  id: string;
  inn: string;
  identity: { mspId: string; certificate: string; privateKey: string };
}

const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as unknown;

export async function startLocalNetwork(o: StartOptions): Promise<LocalNetwork> {
  const specs = o.participants ?? DEMO_PARTICIPANTS;
  const say = o.progress ?? (() => undefined);
  const logger = o.logger ?? pino({ level: process.env.DMSNET_LOG_LEVEL ?? 'warn' });
  const rng = createRng(o.seed ?? 2026);
  await mkdir(o.dir, { recursive: true });

  if (!o.provider) say('creating a local CA per organisation');
  const ledger =
    o.provider ??
    (await embeddedProvider(
      o.dir,
      specs.map((s) => s.mspId),
    ));

  const statePath = path.join(o.dir, 'network.json');
  const passphrase = o.passphrase ?? 'dmsnet-sandbox';
  const libsodium = await sodium();
  // Sandbox key files: interactive Argon2id limits keep restarts fast; production key files use node-config's defaults.
  const kdf = {
    opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
    memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
  };
  const keyFile = (key: string) => path.join(o.dir, 'keys', `${key}.json`);
  const partial: Array<Omit<LocalParticipant, 'node'>> = [];
  if (existsSync(statePath)) {
    // A restart: same identities, same keys, the ledger already knows them.
    say('reopening the existing network');
    const saved = JSON.parse(await readFile(statePath, 'utf8')) as SavedParticipant[];
    for (const sp of saved) {
      partial.push({
        ...sp.spec,
        id: sp.id,
        inn: sp.inn,
        party: { ogrn: sp.id, inn: sp.inn, name: sp.spec.name },
        keys: await loadKeyFile(keyFile(sp.spec.key), passphrase),
        identity: sp.identity,
        ledger: ledger.connect(sp.identity),
      });
    }
  } else {
    const gostCa = specs.some((s) => s.signatureProfile === 'gost2012-256')
      ? await SandboxGostCa.open(path.join(o.dir, 'gost-ca'))
      : undefined;
    for (const spec of specs) {
      const id = generateOgrn(rng);
      const inn = generateInn10(rng);
      const ca = await ledger.ca(spec.mspId);
      const cert = await ca.issue({
        commonName: `${spec.key}.${spec.mspId.toLowerCase()}`,
        attributes: spec.viaAttribute ? { 'dmsnet.participant': id } : undefined,
      });
      const identity = { mspId: spec.mspId, certificate: cert.certificate, privateKey: cert.privateKey };
      const keys = await generateParticipantKeys();
      if (spec.signatureProfile === 'gost2012-256' && gostCa) {
        // The directory holds a certificate to the ОГРН and ИНН (ИННЮЛ) its subject names.
        keys.gost = gostCa.issue(
          `CN=${spec.name.replace(/[,+"\\<>;=]/g, ' ')}, 1.2.643.100.1=${id}, 1.2.643.100.4=${inn}, C=RU`,
        );
      }
      await saveKeyFile(keyFile(spec.key), keys, passphrase, kdf);
      partial.push({
        ...spec,
        id,
        inn,
        party: { ogrn: id, inn, name: spec.name },
        keys,
        identity,
        ledger: ledger.connect(identity),
      });
    }
    await registerAll(partial, say);
    if (gostCa) await registerGostProfiles(partial, gostCa, say);
    const saved: SavedParticipant[] = partial.map((p) => ({
      spec: {
        key: p.key,
        role: p.role,
        name: p.name,
        mspId: p.mspId,
        viaAttribute: p.viaAttribute,
        signatureProfile: p.signatureProfile,
      },
      id: p.id,
      inn: p.inn,
      identity: p.identity,
    }));
    await writeFile(statePath, JSON.stringify(saved, null, 2), { mode: 0o600 });
  }

  say('opening a gateway node per participant');
  const participants = new Map<string, LocalParticipant>();
  for (const p of partial) {
    const node = await GatewayNode.open({
      participantId: p.id,
      dataDir: path.join(o.dir, 'nodes', p.key),
      ledger: p.ledger,
      keys: p.keys,
      keyVersion: 1,
      saveKeys: (keys) => saveKeyFile(keyFile(p.key), keys, passphrase, kdf),
      logger,
      ledgerHeight: ledger.height ? () => (ledger.height as () => bigint)() : undefined,
      handlers: o.handlers?.(p),
      ...(o.payloadWait ? { payloadWait: o.payloadWait } : {}),
    });
    let workflows: Workflows | undefined;
    if (o.workflows !== false) {
      const careDeadlines = o.careDeadlines?.(p, partial);
      const priorAuthDeadlines = o.priorAuthDeadlines?.(p, partial);
      workflows = new Workflows(node, {
        role: p.role,
        contracts: o.contracts?.(p, partial),
        ...(careDeadlines ? { careDeadlines } : {}),
        ...(priorAuthDeadlines ? { priorAuthDeadlines } : {}),
      });
      node.setHandlers(workflows.handlers());
      await workflows.start();
    }
    if (o.startNodes !== false) await node.start();
    participants.set(p.key, { ...p, node, workflows });
  }
  return {
    dir: o.dir,
    ledger,
    participants,
    get(key) {
      const p = participants.get(key);
      if (!p) throw new Error(`no participant ${key}`);
      return p;
    },
    async close() {
      for (const p of participants.values()) await p.node.stop();
      await ledger.close();
    },
  };
}

/** The directory:register argument for a participant: who it is, how its identity is known, its public keys. */
export function participantRegistration(
  p: Pick<LocalParticipant, 'id' | 'role' | 'name' | 'inn' | 'viaAttribute' | 'identity' | 'keys'>,
): string {
  return JSON.stringify({
    id: p.id,
    role: p.role,
    name: p.name,
    inn: p.inn,
    identities: [
      p.viaAttribute
        ? { mspId: p.identity.mspId, kind: 'attribute' }
        : { mspId: p.identity.mspId, kind: 'certificate', certificate: p.identity.certificate },
    ],
    keys: publicKeysBase64(p.keys),
  });
}

async function registerAll(
  partial: Array<Omit<LocalParticipant, 'node'>>,
  say: (m: string) => void,
): Promise<void> {
  say('registering the participants in the directory');
  const association = partial.find((p) => p.role === 'association');
  if (!association) throw new Error('a local network needs an association');
  const registration = participantRegistration;
  for (const p of [association, ...partial.filter((x) => x !== association)]) {
    await association.ledger.submit('directory:register', [registration(p)]);
  }

  say('activating format v1 of every document type');
  await association.ledger.submit('formats:setRules', [
    JSON.stringify({ voterRoles: ['association'], quorum: 0.5 }),
  ]);
  const today = new Date().toISOString().slice(0, 10);
  const active = decode(await association.ledger.evaluate('formats:active', [])) as Array<{ type: string }>;
  for (const type of DOCUMENT_TYPES) {
    if (active.some((a) => a.type === type)) continue;
    const schemaText = bundledSchemaText(type, '1');
    const schemaHash = createHash('sha256').update(schemaText).digest('hex');
    await association.ledger.submit('formats:propose', [
      JSON.stringify({ type, version: '1', schemaText, schemaHash, effectiveFrom: today }),
    ]);
    await association.ledger.submit('formats:vote', [type, '1', 'yes']);
  }
}

/** The association trusts the sandbox GOST CA; each GOST participant registers its signing certificate. */
async function registerGostProfiles(
  partial: Array<Omit<LocalParticipant, 'node'>>,
  ca: SandboxGostCa,
  say: (m: string) => void,
): Promise<void> {
  const association = partial.find((p) => p.role === 'association');
  if (!association) throw new Error('a local network needs an association');
  say('trusting the sandbox GOST CA; registering GOST signing certificates');
  await association.ledger.submit('directory:addTrustedRoot', [
    JSON.stringify({ certificate: Buffer.from(ca.certificate.der).toString('base64') }),
  ]);
  for (const p of partial) {
    if (p.signatureProfile !== 'gost2012-256' || !p.keys.gost) continue;
    await p.ledger.submit('directory:setSignatureProfile', [
      p.id,
      JSON.stringify({
        profile: 'gost2012-256',
        certificate: Buffer.from(p.keys.gost.certificate).toString('base64'),
      }),
    ]);
  }
}

/** Wipes and recreates a run directory. */
export async function freshDir(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}
