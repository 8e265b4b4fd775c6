// The very contract suite of the embedded ledger, on a real Fabric network.
import { contractSuite } from '../chaincode/contract-suite.js';
import { fabricBackend } from './backend.js';

contractSuite(fabricBackend);
