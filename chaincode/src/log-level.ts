// Fabric's contract logger prints every decorator at 'info' while loading; an operator who wants that sets the
// variable. Imported before fabric-contract-api so the default applies when its logger is created.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
export {};
