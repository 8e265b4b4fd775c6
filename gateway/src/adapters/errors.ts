import { DmsnetError } from '@dmsnet/formats';

/** A file or mapping the adapters cannot read, with a stable code and the field (JSON Pointer) at fault. */
export class AdapterError extends DmsnetError {}
