export { EmbeddedLedger, LedgerError, type Identity } from './ledger.js';
export { LocalCA, FABRIC_ATTRIBUTE_OID, type CertificateIssuer } from './local-ca.js';
