// The contract suite's Fabric backend: a fresh native network per suite, identities issued by its organisations' CAs,
// clients over @hyperledger/fabric-gateway.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FabricLedger } from '../../gateway/src/ledger/fabric/fabric-ledger.js';
import { networkDown } from '../../network/src/down.js';
import { fabricClient, orgCa, peerTlsRoot } from '../../sandbox/src/local-network/fabric-provider.js';
import { consoleProgress } from '../../network/src/progress.js';
import type { NetworkState } from '../../network/src/state.js';
import { networkUp } from '../../network/src/up.js';
import type { LedgerBackend } from '../chaincode/backend.js';

export const FABRIC_PORT_BASE = Number(process.env.DMSNET_TEST_FABRIC_PORT_BASE ?? 28000);

export async function startFabric(
  name: string,
  o: { bft?: boolean; batchTimeout?: string } = {},
): Promise<{ dir: string; state: NetworkState }> {
  const dir = await mkdtemp(path.join(tmpdir(), `dmsnet-fabric-${name}-`));
  const state = await networkUp({
    dir,
    portBase: FABRIC_PORT_BASE,
    consensus: o.bft ? 'bft' : 'raft',
    batchTimeout: o.batchTimeout,
    progress: consoleProgress(),
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
        const id = { mspId, ...(await (await orgCa(state, mspId)).issue({ commonName, attributes })) };
        const client = fabricClient(state, id, await peerTlsRoot(state, mspId));
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
