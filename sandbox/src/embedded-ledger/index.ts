export { EmbeddedLedger, LedgerError, type Identity } from './ledger.js';
export { LocalCA, FABRIC_ATTRIBUTE_OID } from './local-ca.js';
