import { wireCode } from '@dmsnet/formats/error-codes';
import { Worker } from 'node:worker_threads';
import { CryptoError } from './errors.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A single lazily started worker: enough to keep the event loop free; sealing stays in arrival order. */
class CryptoWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  run(request: Request): Promise<unknown> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (res: WorkerResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      // Idle workers must never keep the process alive.
      if (this.pending.size === 0) worker.unref();
      if (res.ok) p.resolve(res.value);
      else p.reject(new CryptoError(wireCode(res.code), res.message));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new CryptoError('CRYPTO_WORKER_EXITED', 'the crypto worker exited'));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** Above this size the work moves to the worker thread so that the API keeps answering. */
export const WORKER_THRESHOLD_BYTES = 256 * 1024;

export const cryptoWorker = new CryptoWorker();

export function closeCryptoWorkers(): Promise<void> {
  return cryptoWorker.close();
}
