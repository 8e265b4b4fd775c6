export { EmbeddedLedger, LedgerError, type Identity } from './ledger.js';
