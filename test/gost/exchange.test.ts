import { startLocalNetwork } from '../../sandbox/src/local-network/network.js';
import { GOST_SPECS, gostExchangeSuite } from './exchange-suite.js';

gostExchangeSuite('embedded ledger', (dir) =>
  startLocalNetwork({ dir, participants: GOST_SPECS, workflows: false }),
);
