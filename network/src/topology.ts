// The network's shape: who runs what, on which ports, in which folders. One place, so up/down/status, the gateway
// backend and the tests agree.
import path from 'node:path';

export type Consensus = 'raft' | 'bft';

export interface OrgSpec {
  /** Short name used in folders and host names. */
  key: string;
  mspId: string;
  /** What the organisation is in the market (README: what each organisation runs). */
  kind: 'association' | 'insurer' | 'assistance' | 'clinic-host';
  orderers: number;
}

export interface PeerNode {
  org: string;
  mspId: string;
  name: string;
  host: string;
  port: number;
  chaincodePort: number;
  operationsPort: number;
  /** The organisation's chaincode server (CCaaS), dialled by this peer. */
  ccServerPort: number;
}

export interface OrdererNode {
  org: string;
  mspId: string;
  name: string;
  id: number;
  host: string;
  port: number;
  adminPort: number;
  operationsPort: number;
}

export interface Topology {
  dir: string;
  channel: string;
  chaincode: string;
  consensus: Consensus;
  orgs: OrgSpec[];
  peers: PeerNode[];
  orderers: OrdererNode[];
  /** Raft/SmartBFT batch timeout (see README: why this value). */
  batchTimeout: string;
}

export const CHANNEL = 'dmsnet';
export const CHAINCODE = 'dmsnet';
export const HOST = '127.0.0.1';

/**
 * The association runs a peer and orderers; each insurer a peer; clinics are client identities of a neutral host
 * organisation (run by the association or a MIS vendor, never by an insurer) that has its own CA and peer. With
 * SmartBFT the ordering service is shared (decision 0030): the association runs 2 of the 4 orderers and each insurer
 * one, so the one fault SmartBFT tolerates may be the association's own misbehaving node and the association alone
 * can neither order nor change the orderers. Raft tolerates crashes only, so it stays with the association.
 */
export function defaultOrgs(consensus: Consensus): OrgSpec[] {
  const bft = consensus === 'bft';
  return [
    { key: 'association', mspId: 'AssociationMSP', kind: 'association', orderers: bft ? 2 : 3 },
    { key: 'insurer1', mspId: 'Insurer1MSP', kind: 'insurer', orderers: bft ? 1 : 0 },
    { key: 'insurer2', mspId: 'Insurer2MSP', kind: 'insurer', orderers: bft ? 1 : 0 },
    { key: 'clinichost', mspId: 'ClinicHostMSP', kind: 'clinic-host', orderers: 0 },
  ];
}

/**
 * How many peers an organisation runs: two where documents are addressed (insurers, clinic hosts, assistance
 * companies), so a ciphertext reaches a second machine of the addressee before the send is endorsed (decision 0045);
 * the association receives little and keeps one.
 */
export const peerCount = (kind: OrgSpec['kind']): number => (kind === 'association' ? 1 : 2);

/**
 * An organisation's peers from the first of its ten ports: peer0 on p..p+3, peer1 on p+4..p+6. Both dial the
 * organisation's one chaincode server (p+3); p+7 is left for a second chaincode's server (the bench's).
 */
export function orgPeerNodes(
  org: Pick<OrgSpec, 'key' | 'mspId' | 'kind'>,
  host: string,
  p: number,
  count = peerCount(org.kind),
): PeerNode[] {
  return Array.from({ length: count }, (_, i) => ({
    org: org.key,
    mspId: org.mspId,
    name: `peer${i}.${org.key}`,
    host,
    port: p + i * 4,
    chaincodePort: p + i * 4 + 1,
    operationsPort: p + i * 4 + 2,
    ccServerPort: p + 3,
  }));
}

/** The peers of one organisation, its first (the one its admin and gateways use by default) first. */
export const peersOf = (t: Pick<Topology, 'peers'>, org: string): PeerNode[] =>
  t.peers.filter((n) => n.org === org);

export function buildTopology(o: {
  dir: string;
  consensus?: Consensus;
  portBase?: number;
  batchTimeout?: string;
  /** Founding organisations by key (default: all four); each keeps its ports whatever the others are. */
  orgs?: readonly string[];
}): Topology {
  const consensus = o.consensus ?? 'raft';
  const base = o.portBase ?? 27000;
  const all = defaultOrgs(consensus);
  const unknown = (o.orgs ?? []).filter((k) => !all.some((a) => a.key === k));
  if (unknown.length) throw new Error(`no founding organisation ${unknown.join(', ')}`);
  if (o.orgs && !o.orgs.includes('association')) throw new Error('the association runs the ordering service');
  const orgs = o.orgs ? all.filter((a) => o.orgs?.includes(a.key)) : all;
  const orderers: OrdererNode[] = [];
  const peers: PeerNode[] = [];
  let id = 1;
  for (const org of orgs) {
    for (let i = 0; i < org.orderers; i++, id++) {
      orderers.push({
        org: org.key,
        mspId: org.mspId,
        name: `orderer${id}.${org.key}`,
        id,
        host: HOST,
        port: base + 50 + id,
        adminPort: base + 60 + id,
        operationsPort: base + 70 + id,
      });
    }
  }
  orgs.forEach((org) => {
    const p = base + 100 + all.findIndex((a) => a.key === org.key) * 10;
    peers.push(...orgPeerNodes(org, HOST, p));
  });
  return {
    dir: path.resolve(o.dir),
    channel: CHANNEL,
    chaincode: CHAINCODE,
    consensus,
    orgs,
    peers,
    orderers,
    batchTimeout: o.batchTimeout ?? '100ms',
  };
}

/** Folders of the network's state; everything lives under `topology.dir`. */
export const paths = (t: Topology) => ({
  state: path.join(t.dir, 'network.json'),
  org: (org: string) => path.join(t.dir, 'orgs', org),
  orgMsp: (org: string) => path.join(t.dir, 'orgs', org, 'msp'),
  ca: (org: string) => path.join(t.dir, 'orgs', org, 'ca'),
  tlsCa: (org: string) => path.join(t.dir, 'orgs', org, 'tlsca'),
  /** The organisation's fabric-ca-server home, when it runs Fabric CA (decision 0044). */
  fabricCa: (org: string) => path.join(t.dir, 'orgs', org, 'fabric-ca'),
  adminMsp: (org: string) => path.join(t.dir, 'orgs', org, 'users', 'admin', 'msp'),
  node: (org: string, name: string) => path.join(t.dir, 'orgs', org, 'nodes', name),
  data: (name: string) => path.join(t.dir, 'data', name),
  log: (name: string) => path.join(t.dir, 'logs', `${name}.log`),
  pid: (name: string) => path.join(t.dir, 'pids', `${name}.pid`),
  config: path.join(t.dir, 'config'),
  channelBlock: path.join(t.dir, 'config', `${t.channel}.block`),
  chaincode: path.join(t.dir, 'chaincode'),
});
