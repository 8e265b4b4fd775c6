// The contract suite's Fabric backend: a fresh native network per suite, identities issued by its organisations' CAs,
// clients over @hyperledger/fabric-gateway.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalCA } from '../../gateway/src/ledger/embedded/local-ca.js';
import { FabricLedger } from '../../gateway/src/ledger/fabric/fabric-ledger.js';
import { networkDown } from '../../network/src/down.js';
import { consoleProgress } from '../../network/src/progress.js';
import type { NetworkState } from '../../network/src/state.js';
import { paths } from '../../network/src/topology.js';
import { networkUp } from '../../network/src/up.js';
import type { LedgerBackend } from '../chaincode/backend.js';

export const FABRIC_PORT_BASE = Number(process.env.DMSNET_TEST_FABRIC_PORT_BASE ?? 28000);

export async function fabricClient(
  state: NetworkState,
  identity: { mspId: string; certificate: string; privateKey: string },
): Promise<FabricLedger> {
  const t = state.topology;
  const org = t.orgs.find((o) => o.mspId === identity.mspId);
  const peer = t.peers.find((n) => n.org === org?.key);
  if (!org || !peer) throw new Error(`no organisation ${identity.mspId} in the network`);
  const tlsRootCertificate = await readFile(
    path.join(paths(t).node(org.key, peer.name), 'tls', 'ca.crt'),
    'utf8',
  );
  return FabricLedger.connect({
    peerEndpoint: `${peer.host}:${peer.port}`,
    // The certificate names the peer; grpc-js would otherwise send the IP address as the TLS server name.
    serverNameOverride: peer.name,
    tlsRootCertificate,
    ...identity,
    channel: t.channel,
    chaincode: t.chaincode,
  });
}

export async function issueIdentity(
  state: NetworkState,
  mspId: string,
  commonName: string,
  attributes?: Record<string, string>,
): Promise<{ mspId: string; certificate: string; privateKey: string }> {
  const org = state.topology.orgs.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`no organisation ${mspId} in the network`);
  const ca = await LocalCA.open(paths(state.topology).ca(org.key), mspId);
  return { mspId, ...(await ca.issue({ commonName, attributes })) };
}

export async function startFabric(
  name: string,
  o: { bft?: boolean } = {},
): Promise<{ dir: string; state: NetworkState }> {
  const dir = await mkdtemp(path.join(tmpdir(), `dmsnet-fabric-${name}-`));
  const state = await networkUp({
    dir,
    portBase: FABRIC_PORT_BASE,
    consensus: o.bft ? 'bft' : 'raft',
    progress: process.env.DMSNET_TEST_QUIET ? undefined : consoleProgress(),
  });
  return { dir, state };
}

export const fabricBackend: LedgerBackend = {
  name: 'Fabric network',
  async start(mspIds) {
    const { dir, state } = await startFabric('contracts');
    const missing = mspIds.filter((m) => !state.topology.orgs.some((o) => o.mspId === m));
    if (missing.length) throw new Error(`the Fabric network has no ${missing.join(', ')}`);
    const clients: FabricLedger[] = [];
    return {
      async identity(mspId, commonName, attributes) {
        const id = await issueIdentity(state, mspId, commonName, attributes);
        const client = await fabricClient(state, id);
        clients.push(client);
        return { mspId, certificate: id.certificate, client };
      },
      async close() {
        for (const c of clients) await c.close();
        await networkDown({ dir });
      },
    };
  },
};
