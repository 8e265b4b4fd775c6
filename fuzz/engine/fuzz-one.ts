// One target's campaign, in a process of its own started with `--import register.js` (so the parsers load
// instrumented): seeds from the corpus folder, then mutate-run-keep-what-reached-something-new until the time is up.
// Prints progress every few seconds and a JSON summary line at the end; findings are written to .run/fuzz/findings/.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { repoPath } from '@dmsnet/formats/paths';
import type { FuzzTarget } from '../targets/target.js';
import { Mutator } from './mutate.js';

const [name, secondsArg] = process.argv.slice(2);
if (!name) throw new Error('usage: fuzz-one.js <target> [seconds]');
const seconds = Number(secondsArg ?? 60);
const coverage = globalThis.__dmsnetFuzz;
if (!coverage) throw new Error('fuzz-one.js must run with --import dist/fuzz/engine/register.js');

const target = (await import(`../targets/${name}.js`)).default as FuzzTarget;
const timeoutMs = target.timeoutMs ?? 2000;
const findingsDir = repoPath('.run', 'fuzz', 'findings', name);
const grownDir = repoPath('.run', 'fuzz', 'corpus', name);
mkdirSync(findingsDir, { recursive: true });
mkdirSync(grownDir, { recursive: true });

// The watchdog thread sees the input being run and since when: an input that never returns is written out by it
// (the main thread is stuck in it) and the process is killed.
const shared = new SharedArrayBuffer(16 + target.maxLength);
const clock = new Float64Array(shared, 0, 1);
const length = new Int32Array(shared, 8, 1);
const current = new Uint8Array(shared, 16);
const watchdog = new Worker(new URL('./watchdog.js', import.meta.url), {
  workerData: { shared, timeoutMs, file: path.join(findingsDir, 'timeout-') },
});
watchdog.unref();

/** Hit counts in AFL's buckets, one bit each: a counter reaching a new bucket is new coverage. */
const BUCKET = new Uint8Array(65536);
for (let c = 1; c < 65536; c++)
  BUCKET[c] =
    c === 1 ? 1 : c === 2 ? 2 : c === 3 ? 4 : c < 8 ? 8 : c < 16 ? 16 : c < 32 ? 32 : c < 128 ? 64 : 128;
const seen = new Uint8Array(coverage.array.length);
let features = 0;

/** Reads and clears the counters; the number of features this input showed first. */
function collect(): number {
  const counts = coverage!.array;
  const used = coverage!.used();
  let fresh = 0;
  for (let i = 0; i < used; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    counts[i] = 0;
    const b = BUCKET[c]!;
    if ((seen[i]! & b) === 0) {
      seen[i]! |= b;
      fresh++;
    }
  }
  features += fresh;
  return fresh;
}

const findings = new Set<string>();
let crashes = 0;
let slow = 0;

function record(data: Uint8Array, error: unknown): void {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  // One report per distinct failure: its message without numbers and the first frame that is ours.
  const frame = stack.split('\n').find((l) => l.includes('/dist/') && !l.includes('/fuzz/')) ?? '';
  const key = (error instanceof Error ? error.message : String(error)).replace(/\d+/g, 'N') + frame;
  if (findings.has(key)) return;
  findings.add(key);
  crashes++;
  const file = path.join(findingsDir, `crash-${createHash('sha1').update(data).digest('hex').slice(0, 12)}`);
  writeFileSync(file, data);
  console.log(`[${name}] FINDING ${file}\n${stack}`);
}

async function runOne(data: Uint8Array): Promise<{ fresh: number; failed: boolean }> {
  current.set(data);
  length[0] = data.length;
  clock[0] = Date.now();
  let failed = false;
  try {
    const p = target.run(data);
    if (p) await p;
  } catch (e) {
    failed = true;
    record(data, e);
  }
  const took = Date.now() - clock[0]!;
  clock[0] = 0;
  if (took > timeoutMs) {
    slow++;
    record(data, new Error(`one input took ${took} ms (the bound is ${timeoutMs} ms)`));
  }
  return { fresh: collect(), failed };
}

const corpus: Uint8Array[] = [];
const seedDir = repoPath('fuzz', 'corpus', name);
const seeds = [seedDir, grownDir].flatMap((dir) => {
  try {
    return readdirSync(dir).map((f) => readFileSync(path.join(dir, f)));
  } catch {
    return [];
  }
});
for (const seed of seeds.length ? seeds : [Buffer.alloc(1)]) {
  const input = new Uint8Array(seed.subarray(0, target.maxLength));
  const { fresh } = await runOne(input);
  if (fresh > 0 || corpus.length === 0) corpus.push(input);
}

const mutator = new Mutator(
  target.maxLength,
  (target.dictionary ?? []).map((t) => Buffer.from(t, 'utf8')),
);
const start = Date.now();
const deadline = start + seconds * 1000;
let execs = seeds.length;
let lastReport = start;
console.log(
  `[${name}] ${seeds.length} seeds, corpus ${corpus.length}, ${features} features; fuzzing for ${seconds} s`,
);
while (Date.now() < deadline) {
  // A batch between clock reads: Date.now() per input would be a visible share of a fast parser's time.
  for (let k = 0; k < 64; k++) {
    const parent = corpus[Math.floor(Math.random() * corpus.length)]!;
    const other = corpus[Math.floor(Math.random() * corpus.length)]!;
    const input = mutator.mutate(parent, other);
    const { fresh } = await runOne(input);
    execs++;
    if (fresh > 0) {
      corpus.push(input);
      writeFileSync(path.join(grownDir, createHash('sha1').update(input).digest('hex').slice(0, 16)), input);
    }
  }
  const now = Date.now();
  if (now - lastReport >= 10_000) {
    lastReport = now;
    const s = (now - start) / 1000;
    console.log(
      `[${name}] ${s.toFixed(0)} s: ${execs} execs (${Math.round(execs / s)}/s), corpus ${corpus.length}, ` +
        `${features} features, ${crashes} findings, rss ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MB`,
    );
  }
}
const took = (Date.now() - start) / 1000;
const summary = {
  target: name,
  execs,
  seconds: Number(took.toFixed(1)),
  corpus: corpus.length,
  features,
  crashes,
  slow,
};
console.log(`[${name}] done: ${JSON.stringify(summary)}`);
writeFileSync(repoPath('.run', 'fuzz', `${name}.summary.json`), JSON.stringify(summary) + '\n');
await watchdog.terminate();
process.exit(crashes > 0 ? 1 : 0);
