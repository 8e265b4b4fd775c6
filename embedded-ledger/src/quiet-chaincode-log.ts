// In-process, a chaincode refusal is already a typed LedgerError for the caller; Fabric's contract logger would print
// each one again as an error. On a peer the operator's CORE_CHAINCODE_LOGGING_LEVEL applies instead.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
export {};
