import { DmsnetError } from '@dmsnet/formats/errors';

/** A failed transaction or query, with the chaincode's code parsed from its message as a Fabric client must. */
export class LedgerError extends DmsnetError {}
