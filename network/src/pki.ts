// Crypto material for a native network (no cryptogen needed): per organisation a signing CA and a TLS CA, the channel
// MSP with NodeOUs, an admin, and each node's MSP and TLS pair. The CAs are the organisation's own Fabric CA server
// when Fabric CA is installed (decision 0044), else the project's in-process CA.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalCA } from '../../node-config/src/local-ca.js';
import { findFabricCa, requireFabricCa, type FabricCaInstall } from './binaries.js';
import { FabricCaIssuer, usesFabricCa, withCaServer, type CertificateIssuer } from './fabric-ca.js';
import { silentProgress, type Progress } from './progress.js';
import { paths, type Topology } from './topology.js';

const NODE_OUS = `NodeOUs:
  Enable: true
  ClientOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: client }
  PeerOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: peer }
  AdminOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: admin }
  OrdererOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: orderer }
`;

async function write(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { mode });
}

async function writeMsp(
  dir: string,
  ca: CertificateIssuer,
  tlsCa: CertificateIssuer,
  own?: { certificate: string; privateKey: string },
): Promise<void> {
  await write(path.join(dir, 'cacerts', 'ca.pem'), ca.certificate);
  await write(path.join(dir, 'tlscacerts', 'tlsca.pem'), tlsCa.certificate);
  await write(path.join(dir, 'config.yaml'), NODE_OUS);
  if (own) {
    await write(path.join(dir, 'signcerts', 'cert.pem'), own.certificate);
    await write(path.join(dir, 'keystore', 'priv_sk'), own.privateKey, 0o600);
  }
}

async function writeTls(
  dir: string,
  tlsCa: CertificateIssuer,
  pair: { certificate: string; privateKey: string },
): Promise<void> {
  await write(path.join(dir, 'ca.crt'), tlsCa.certificate);
  await write(path.join(dir, 'server.crt'), pair.certificate);
  await write(path.join(dir, 'server.key'), pair.privateKey, 0o600);
}

export interface OrgCAs {
  ca: CertificateIssuer;
  tlsCa: CertificateIssuer;
}

/**
 * The organisation's two CAs: its Fabric CA server when it already runs one or when `fabricCa` is given for a new
 * organisation; otherwise the in-process CA in orgs/<org>/ca and tlsca.
 */
export async function orgCAs(
  t: Topology,
  org: string,
  mspId: string,
  fabricCa?: FabricCaInstall,
): Promise<OrgCAs> {
  const p = paths(t);
  if (usesFabricCa(t, org) || fabricCa) {
    const bin = fabricCa ?? (await requireFabricCa());
    return {
      ca: await FabricCaIssuer.open(t, org, bin, 'ca'),
      tlsCa: await FabricCaIssuer.open(t, org, bin, 'tlsca'),
    };
  }
  const ca = await LocalCA.open(p.ca(org), mspId);
  const tlsCa = await LocalCA.open(p.tlsCa(org), mspId, `tlsca.${org}`);
  return { ca, tlsCa };
}

/**
 * Fabric CA for new organisations when installed, else undefined after saying, once, that the in-process CA stays.
 * DMSNET_FABRIC_CA=off keeps the in-process CA even where Fabric CA is installed.
 */
export async function fabricCaForNewOrgs(
  say: Progress = silentProgress,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FabricCaInstall | undefined> {
  if (env.DMSNET_FABRIC_CA === 'off') {
    say('DMSNET_FABRIC_CA=off: each organisation’s CA runs in-process (orgs/<org>/ca, tlsca)');
    return undefined;
  }
  const found = await findFabricCa(env);
  if ('reason' in found) {
    say(
      `no Fabric CA (${found.reason.split('. ')[0]}): each organisation’s CA runs in-process (orgs/<org>/ca, tlsca)`,
    );
    return undefined;
  }
  return found.ca;
}

/** Writes every organisation's MSP, admin and node material under the network's folder. */
export async function generateCryptoMaterial(t: Topology, fabricCa?: FabricCaInstall): Promise<void> {
  for (const org of t.orgs) await generateOrgMaterial(t, org.key, fabricCa);
}

/**
 * One organisation's CAs, MSP, admin and nodes, all under its own folder (`paths(t).org(key)`): what an operator
 * makes on their own machine. Nothing of another organisation is read or written.
 */
export async function generateOrgMaterial(
  t: Topology,
  key: string,
  fabricCa?: FabricCaInstall,
  say: Progress = silentProgress,
): Promise<void> {
  const p = paths(t);
  const org = t.orgs.find((o) => o.key === key);
  if (!org) throw new Error(`no organisation ${key} in the topology`);
  const hosts = [
    ...new Set(['127.0.0.1', 'localhost', ...t.peers.filter((n) => n.org === key).map((n) => n.host)]),
  ];
  if (fabricCa) say(`${org.mspId}: its own Fabric CA; registering and enrolling the admin and nodes`);
  const { ca, tlsCa } = await orgCAs(t, org.key, org.mspId, fabricCa);
  await writeMsp(p.orgMsp(org.key), ca, tlsCa);
  const admin = await ca.issue({ commonName: `admin.${org.key}`, ou: 'admin' });
  await writeMsp(p.adminMsp(org.key), ca, tlsCa, admin);
  // osnadmin and the peer CLI talk mutual TLS with this pair.
  await writeTls(
    path.join(path.dirname(p.adminMsp(org.key)), 'tls'),
    tlsCa,
    await tlsCa.issue({ commonName: `admin.${org.key}`, hosts }),
  );
  const nodes = [
    ...t.peers.filter((n) => n.org === org.key).map((n) => ({ name: n.name, ou: 'peer' as const })),
    ...t.orderers.filter((n) => n.org === org.key).map((n) => ({ name: n.name, ou: 'orderer' as const })),
  ];
  for (const n of nodes) await writeNode(t, org.key, n, { ca, tlsCa }, hosts);
}

async function writeNode(
  t: Topology,
  key: string,
  n: { name: string; ou: 'peer' | 'orderer' },
  cas: OrgCAs,
  hosts: readonly string[],
  dir = paths(t).node(key, n.name),
): Promise<void> {
  await writeMsp(
    path.join(dir, 'msp'),
    cas.ca,
    cas.tlsCa,
    await cas.ca.issue({ commonName: n.name, ou: n.ou }),
  );
  await writeTls(
    path.join(dir, 'tls'),
    cas.tlsCa,
    await cas.tlsCa.issue({ commonName: n.name, hosts: [n.name, ...hosts] }),
  );
}

/**
 * One more node of an organisation that exists (an orderer added later), issued by its own CAs in its own folder;
 * `into` another folder than the node's (an orderer's renewed material, staged until the channel names it).
 */
export async function generateNodeMaterial(
  t: Topology,
  key: string,
  n: { name: string; ou: 'peer' | 'orderer'; host: string },
  into?: string,
): Promise<void> {
  const org = t.orgs.find((o) => o.key === key);
  if (!org) throw new Error(`no organisation ${key} in the topology`);
  const hosts = [...new Set(['127.0.0.1', 'localhost', n.host])];
  const issue = async () => writeNode(t, key, n, await orgCAs(t, org.key, org.mspId), hosts, into);
  if (usesFabricCa(t, key)) await withCaServer(t, key, await requireFabricCa(), issue);
  else await issue();
}
