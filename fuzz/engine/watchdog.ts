// The fuzzing process's watchdog thread: when one input has run past the bound, the main thread is stuck in it, so
// this thread writes the input out and kills the process (a worker's process.exit would end only the worker).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const { shared, timeoutMs, file } = workerData as {
  shared: SharedArrayBuffer;
  timeoutMs: number;
  file: string;
};
const clock = new Float64Array(shared, 0, 1);
const length = new Int32Array(shared, 8, 1);
const current = new Uint8Array(shared, 16);

// Generous: the main thread records a slow input itself when it does return; this is for one that never does.
const hang = Math.max(10 * timeoutMs, 10_000);
setInterval(() => {
  const since = clock[0]!;
  if (since === 0 || Date.now() - since < hang) return;
  const data = current.slice(0, length[0]!);
  const out = file + createHash('sha1').update(data).digest('hex').slice(0, 12);
  writeFileSync(out, data);
  console.log(`FINDING ${out}: one input has run for more than ${hang} ms`);
  process.kill(process.pid, 'SIGKILL');
}, 500);
