// A running native network as a ledger provider for the gateway's local networks (the demo, the tests): identities
// from the organisations' CAs, clients over the Fabric Gateway of each organisation's own peer.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalCA } from '../../../node-config/src/local-ca.js';
import { FabricLedger } from '../../../gateway/src/ledger/fabric/fabric-ledger.js';
import type { LedgerProvider } from './network.js';
import { requireFabricCa } from '../../../network/src/binaries.js';
import { FabricCaIssuer, usesFabricCa, type CertificateIssuer } from '../../../network/src/fabric-ca.js';
import type { NetworkState } from '../../../network/src/state.js';
import { paths } from '../../../network/src/topology.js';

export interface FabricIdentity {
  mspId: string;
  certificate: string;
  privateKey: string;
}

function orgOf(state: NetworkState, mspId: string) {
  const t = state.topology;
  const org = t.orgs.find((o) => o.mspId === mspId);
  const peer = t.peers.find((n) => n.org === org?.key);
  if (!org || !peer) throw new Error(`no organisation ${mspId} in the network`);
  return { org, peer };
}

/** The organisation's signing CA: its Fabric CA server when it runs one (decision 0044), else the in-process CA. */
export async function orgCa(state: NetworkState, mspId: string): Promise<CertificateIssuer> {
  const { org } = orgOf(state, mspId);
  if (usesFabricCa(state.topology, org.key))
    return FabricCaIssuer.open(state.topology, org.key, await requireFabricCa(), 'ca');
  return LocalCA.open(paths(state.topology).ca(org.key), mspId);
}

/** A client of the identity's own organisation's peer. */
export function fabricClient(
  state: NetworkState,
  identity: FabricIdentity,
  tlsRootCertificate: string,
): FabricLedger {
  const { peer } = orgOf(state, identity.mspId);
  const others = state.topology.peers.filter((n) => n.org === peer.org && n !== peer);
  return FabricLedger.connect({
    peerEndpoint: `${peer.host}:${peer.port}`,
    tlsRootCertificate,
    // The certificate names the peer; grpc-js would otherwise send the IP address as the TLS server name.
    serverNameOverride: peer.name,
    // Events come from the sibling while the first peer, rebuilt from a snapshot, holds no earlier block.
    otherPeers: others.map((n) => ({ endpoint: `${n.host}:${n.port}`, serverNameOverride: n.name })),
    ...identity,
    channel: state.topology.channel,
    chaincode: state.topology.chaincode,
  });
}

export async function peerTlsRoot(state: NetworkState, mspId: string): Promise<string> {
  const { org, peer } = orgOf(state, mspId);
  return readFile(path.join(paths(state.topology).node(org.key, peer.name), 'tls', 'ca.crt'), 'utf8');
}

export async function fabricProvider(state: NetworkState): Promise<LedgerProvider> {
  const roots = new Map<string, string>();
  for (const o of state.topology.orgs) roots.set(o.mspId, await peerTlsRoot(state, o.mspId));
  const clients: FabricLedger[] = [];
  return {
    name: `Fabric ${state.fabricVersion} network`,
    ca: (mspId) => orgCa(state, mspId),
    connect(identity) {
      const client = fabricClient(state, identity, roots.get(identity.mspId) ?? '');
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) await c.close();
    },
  };
}
