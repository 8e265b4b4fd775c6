import { DmsnetError } from '@dmsnet/formats/errors';

/** A network script's failure, with a stable code (FABRIC_BINARIES_MISSING, PORT_IN_USE, NETWORK_RUNNING, …). */
export class NetworkError extends DmsnetError {}
