// The GOST signature suite (test/gost/exchange-suite.ts) on a real Fabric network: the same profiles, the same
// OpenSSL checks and the same refusals with their codes as on the embedded ledger.
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { startLocalNetwork } from '../../sandbox/src/local-network/network.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { GOST_SPECS, gostExchangeSuite } from '../gost/exchange-suite.js';
import { startFabric } from './backend.js';

const fabricDirs: string[] = [];

gostExchangeSuite(
  'Fabric network',
  async (dir) => {
    const { dir: fabricDir, state } = await startFabric('gost');
    fabricDirs.push(fabricDir);
    return startLocalNetwork({
      dir,
      participants: GOST_SPECS,
      workflows: false,
      provider: await fabricProvider(state),
    });
  },
  {
    timeoutMs: 600_000,
    async cleanup() {
      await closeCryptoWorkers();
      for (const dir of fabricDirs.splice(0)) await networkDown({ dir });
    },
  },
);
