import { DmsnetError } from '@dmsnet/formats/errors';

/**
 * A file or mapping the adapters cannot read, with a stable code and the field (JSON Pointer) at fault. Declared with
 * the readers that throw it most; the gateway's adapters throw the same class for mappings.
 */
export class AdapterError extends DmsnetError {}
