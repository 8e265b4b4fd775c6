// Crypto material for a native network, made by the project's own CA code (no cryptogen needed): per organisation a
// signing CA and a TLS CA, the channel MSP with NodeOUs, an admin, and each node's MSP and TLS pair.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalCA } from '../../node-config/src/local-ca.js';
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
  ca: LocalCA,
  tlsCa: LocalCA,
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
  tlsCa: LocalCA,
  pair: { certificate: string; privateKey: string },
): Promise<void> {
  await write(path.join(dir, 'ca.crt'), tlsCa.certificate);
  await write(path.join(dir, 'server.crt'), pair.certificate);
  await write(path.join(dir, 'server.key'), pair.privateKey, 0o600);
}

export async function orgCAs(
  t: Topology,
  org: string,
  mspId: string,
): Promise<{ ca: LocalCA; tlsCa: LocalCA }> {
  const p = paths(t);
  const ca = await LocalCA.open(p.ca(org), mspId);
  const tlsCa = await LocalCA.open(p.tlsCa(org), mspId, `tlsca.${org}`);
  return { ca, tlsCa };
}

/** Writes every organisation's MSP, admin and node material under the network's folder. */
export async function generateCryptoMaterial(t: Topology): Promise<void> {
  for (const org of t.orgs) await generateOrgMaterial(t, org.key);
}

/**
 * One organisation's CAs, MSP, admin and nodes, all under its own folder (`paths(t).org(key)`): what an operator
 * makes on their own machine. Nothing of another organisation is read or written.
 */
export async function generateOrgMaterial(t: Topology, key: string): Promise<void> {
  const p = paths(t);
  const org = t.orgs.find((o) => o.key === key);
  if (!org) throw new Error(`no organisation ${key} in the topology`);
  const hosts = [
    ...new Set(['127.0.0.1', 'localhost', ...t.peers.filter((n) => n.org === key).map((n) => n.host)]),
  ];
  const { ca, tlsCa } = await orgCAs(t, org.key, org.mspId);
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
  cas: { ca: LocalCA; tlsCa: LocalCA },
  hosts: readonly string[],
): Promise<void> {
  const dir = paths(t).node(key, n.name);
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

/** One more node of an organisation that exists (an orderer added later), issued by its own CAs in its own folder. */
export async function generateNodeMaterial(
  t: Topology,
  key: string,
  n: { name: string; ou: 'peer' | 'orderer'; host: string },
): Promise<void> {
  const org = t.orgs.find((o) => o.key === key);
  if (!org) throw new Error(`no organisation ${key} in the topology`);
  const hosts = [...new Set(['127.0.0.1', 'localhost', n.host])];
  await writeNode(t, key, n, await orgCAs(t, org.key, org.mspId), hosts);
}
