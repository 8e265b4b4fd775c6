// Streebog-256 of a document's bytes, off the main thread when the document is large: a 24 MB register would
// otherwise hold the event loop (and every other request) for the length of its digest.
import { streebog256 } from '@dmsnet/gost/streebog';
import { cryptoWorker, WORKER_THRESHOLD_BYTES } from './pool.js';

export async function streebog256OffThread(data: Uint8Array): Promise<Uint8Array> {
  if (data.byteLength <= WORKER_THRESHOLD_BYTES) return streebog256(data);
  return new Uint8Array((await cryptoWorker.run({ op: 'streebog256', data })) as Uint8Array);
}
