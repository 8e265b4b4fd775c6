import { embeddedBackend } from './backend.js';
import { contractSuite } from './contract-suite.js';

contractSuite(embeddedBackend);
