// One organisation administering itself: its own folder (CA, TLS CA, peer, admin), made on its own machine, and the
// definition file that is all it hands to others (MSP certificates, TLS roots, node addresses, anchor peers).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { FabricInstall } from './binaries.js';
import { ordererTlsCa, runTool, type OrdererAccess } from './cli-tools.js';
import { orgSection } from './configtx.js';
import { NetworkError } from './errors.js';
import { stopCaServer, usesFabricCa } from './fabric-ca.js';
import { fabricCaForNewOrgs, generateOrgMaterial } from './pki.js';
import { silentProgress, type Progress } from './progress.js';
import { readState, type OrgChaincode } from './state.js';
import {
  CHAINCODE,
  CHANNEL,
  orgPeerNodes,
  paths,
  type OrgSpec,
  type PeerNode,
  type Topology,
} from './topology.js';

/** The file in an organisation's own folder that says what it is and, once known, how it reaches the orderers. */
export const HOME_FILE = 'org.json';

export interface OrgHome {
  format: 'dmsnet-org/1';
  /** The organisation's own view: itself only, no orderers of its own. */
  topology: Topology;
  /** Learnt from the ordering organisation's definition when joining. */
  orderer?: OrdererAccess;
  /** The chaincode release its server runs once upgraded (absent: the first). */
  chaincode?: OrgChaincode;
}

/** An organisation as its admin acts for it: in its own folder or, for a founder, in the local network's folder. */
export interface OrgContext {
  t: Topology;
  org: OrgSpec;
  peer: PeerNode;
  orderer?: OrdererAccess;
  /** Where the context lives: org.json of an own folder, or network.json of a local network. */
  source: 'home' | 'network';
}

export interface OrgDefinition {
  format: 'dmsnet-org-definition/1';
  key: string;
  mspId: string;
  kind: OrgSpec['kind'];
  /** The organisation's channel config group as Fabric encodes it (configtxgen -printOrg, JSON). */
  group: Record<string, unknown>;
  peers: Array<{ name: string; host: string; port: number }>;
  orderers: Array<{ name: string; host: string; port: number }>;
  /** PEM of the TLS CA that signs the nodes' TLS certificates. */
  tlsRootCertificate: string;
}

export interface CreateOrgOptions {
  dir: string;
  key: string;
  mspId: string;
  kind?: OrgSpec['kind'];
  /** Loopback address of the organisation's nodes; a separate one per simulated machine. */
  host?: string;
  portBase: number;
  /**
   * How many peers it runs; by default two for an organisation that receives documents (topology.ts `peerCount`). One
   * peer holds the only copy of a ciphertext addressed to it until delivery (README: which topology guarantees what).
   */
  peers?: number;
  channel?: string;
  progress?: Progress;
}

/** The kinds of organisation an operator creates to join a running channel. */
export const MEMBER_KINDS: ReadonlyArray<OrgSpec['kind']> = ['insurer', 'assistance', 'clinic-host'];

/** Makes an organisation's own material in `dir`; refuses a folder that already holds one. */
export async function createOrg(o: CreateOrgOptions): Promise<OrgHome> {
  if (!/^[a-z][a-z0-9]{1,30}$/.test(o.key))
    throw new NetworkError(
      'ORG_DEFINITION_INVALID',
      `organisation key ${o.key}: lower-case letters and digits`,
    );
  if (!/^[A-Za-z][A-Za-z0-9]{1,40}MSP$/.test(o.mspId))
    throw new NetworkError('ORG_DEFINITION_INVALID', `MSP id ${o.mspId}: letters and digits ending in MSP`);
  const dir = path.resolve(o.dir);
  if (existsSync(path.join(dir, HOME_FILE)))
    throw new NetworkError('ORG_EXISTS', `${dir} already holds an organisation (${HOME_FILE})`);
  if (o.kind !== undefined && !MEMBER_KINDS.includes(o.kind))
    throw new NetworkError(
      'ORG_DEFINITION_INVALID',
      `kind ${String(o.kind)}: ${MEMBER_KINDS.join(', ')} (the association is founded by "network up", not created)`,
    );
  if (o.peers !== undefined && o.peers !== 1 && o.peers !== 2)
    throw new NetworkError('ORG_DEFINITION_INVALID', `peers ${o.peers}: 1 or 2`);
  const host = o.host ?? '127.0.0.1';
  const spec: OrgSpec = { key: o.key, mspId: o.mspId, kind: o.kind ?? 'insurer', orderers: 0 };
  const p = o.portBase;
  const t: Topology = {
    dir,
    channel: o.channel ?? CHANNEL,
    chaincode: CHAINCODE,
    consensus: 'raft',
    orgs: [spec],
    peers: orgPeerNodes(spec, host, p, o.peers),
    orderers: [],
    batchTimeout: '100ms',
  };
  await mkdir(dir, { recursive: true });
  const say = o.progress ?? silentProgress;
  await generateOrgMaterial(t, o.key, await fabricCaForNewOrgs(say), say);
  // Made, not started: "org start" runs the CA beside the peer.
  if (usesFabricCa(t, o.key)) await stopCaServer(t, o.key);
  const home: OrgHome = { format: 'dmsnet-org/1', topology: t };
  await writeHome(home);
  return home;
}

export async function writeHome(home: OrgHome): Promise<void> {
  const file = path.join(home.topology.dir, HOME_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(home, null, 2));
  await rename(`${file}.tmp`, file);
}

/**
 * The organisation an admin acts for: `dir` is its own folder (org.json), or a local network's folder (network.json)
 * with `key` naming one of its founders.
 */
export async function openOrg(dir: string, key?: string): Promise<OrgContext> {
  const abs = path.resolve(dir);
  const homeFile = path.join(abs, HOME_FILE);
  if (existsSync(homeFile)) {
    const home = JSON.parse(await readFile(homeFile, 'utf8')) as OrgHome;
    const org = home.topology.orgs[0] as OrgSpec;
    if (key && key !== org.key)
      throw new NetworkError('ORG_DEFINITION_INVALID', `${abs} is ${org.key}'s folder, not ${key}'s`);
    return {
      t: home.topology,
      org,
      peer: home.topology.peers[0] as PeerNode,
      orderer: home.orderer,
      source: 'home',
    };
  }
  const state = await readState(paths({ dir: abs } as Topology).state);
  if (!state)
    throw new NetworkError(
      'FABRIC_CONFIG_MISSING',
      `${abs} holds neither an organisation (${HOME_FILE}) nor a network`,
    );
  const t = state.topology;
  const org = t.orgs.find((o) => o.key === key);
  const peer = t.peers.find((n) => n.org === key);
  if (!org || !peer)
    throw new NetworkError(
      'ORG_DEFINITION_INVALID',
      `name the organisation with --org (${t.orgs.map((o) => o.key).join(', ')})`,
    );
  const o = t.orderers[0];
  return {
    t,
    org,
    peer,
    orderer: o ? { address: `${o.host}:${o.port}`, caFile: ordererTlsCa(t, o) } : undefined,
    source: 'network',
  };
}

/** The organisation's definition, made with configtxgen -printOrg from its own MSP folder. */
export async function orgDefinition(ctx: OrgContext, fabric: FabricInstall): Promise<OrgDefinition> {
  const p = paths(ctx.t);
  const work = path.join(p.org(ctx.org.key), 'definition');
  await mkdir(work, { recursive: true });
  await writeFile(
    path.join(work, 'configtx.yaml'),
    // Without its orderer endpoints: configtxgen -printOrg would encode an orderer-organisation group, which the
    // application group refuses; the orderer group gets its own (consenters.ts).
    stringify({ Organizations: [orgSection({ ...ctx.t, orderers: [] }, ctx.org.key)] }),
  );
  const out = await runTool(
    fabric.bin.configtxgen,
    ['-printOrg', ctx.org.mspId, '-configPath', work],
    { PATH: process.env.PATH, FABRIC_CFG_PATH: work },
    `configtxgen -printOrg ${ctx.org.mspId}`,
  );
  const json = out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1);
  const def: OrgDefinition = {
    format: 'dmsnet-org-definition/1',
    key: ctx.org.key,
    mspId: ctx.org.mspId,
    kind: ctx.org.kind,
    group: JSON.parse(json) as Record<string, unknown>,
    peers: ctx.t.peers
      .filter((n) => n.org === ctx.org.key)
      .map((n) => ({ name: n.name, host: n.host, port: n.port })),
    orderers: ctx.t.orderers
      .filter((n) => n.org === ctx.org.key)
      .map((n) => ({ name: n.name, host: n.host, port: n.port })),
    tlsRootCertificate: await readFile(path.join(p.orgMsp(ctx.org.key), 'tlscacerts', 'tlsca.pem'), 'utf8'),
  };
  checkDefinition(def);
  return def;
}

/** A definition as handed over: well formed, and public parts only. */
export function checkDefinition(def: OrgDefinition): OrgDefinition {
  const text = JSON.stringify(def);
  const decoded = JSON.stringify(def.group).match(/"[A-Za-z0-9+/=]{40,}"/g) ?? [];
  // MSP values inside the group are base64; a private key would show up only once decoded.
  const hidden = decoded.some((b) =>
    Buffer.from(b.slice(1, -1), 'base64').toString('latin1').includes('PRIVATE KEY'),
  );
  if (/PRIVATE KEY/.test(text) || hidden)
    throw new NetworkError('ORG_DEFINITION_INVALID', `the definition of ${def.mspId} holds a private key`);
  if (def.format !== 'dmsnet-org-definition/1' || !def.mspId || !def.group || !def.tlsRootCertificate)
    throw new NetworkError('ORG_DEFINITION_INVALID', 'not a dmsnet organisation definition');
  return def;
}

export async function readDefinition(file: string): Promise<OrgDefinition> {
  let def: OrgDefinition;
  try {
    def = JSON.parse(await readFile(file, 'utf8')) as OrgDefinition;
  } catch (err) {
    throw new NetworkError(
      'ORG_DEFINITION_INVALID',
      `${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return checkDefinition(def);
}

export async function writeDefinition(def: OrgDefinition, file: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, JSON.stringify(checkDefinition(def), null, 2));
}
