// `npm run fuzz [target…]`: every target (or the named ones), one after another, each in a process of its own for
// FUZZ_SECONDS (60 by default), then a table of what each did. Exits non-zero when any target had a finding.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { repoPath } from '@dmsnet/formats/paths';

interface Summary {
  target: string;
  execs: number;
  seconds: number;
  corpus: number;
  features: number;
  crashes: number;
}

const targetsDir = fileURLToPath(new URL('./targets/', import.meta.url));
const all = readdirSync(targetsDir)
  .filter((f) => f.endsWith('.js') && f !== 'target.js' && f !== 'index.js')
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((t) => !all.includes(t));
if (unknown.length) {
  console.error(`unknown target(s) ${unknown.join(', ')}; the targets are ${all.join(', ')}`);
  process.exit(2);
}
const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
if (!(seconds > 0)) {
  console.error(`FUZZ_SECONDS must be a positive number of seconds, not «${process.env.FUZZ_SECONDS}»`);
  process.exit(2);
}
// A heap far below the machine's: a parser that tries to allocate gigabytes dies here as a finding.
const heapMb = Number(process.env.FUZZ_HEAP_MB ?? 2048);

const rows: Summary[] = [];
let failed = false;
for (const target of wanted.length ? wanted : all) {
  rmSync(repoPath('.run', 'fuzz', `${target}.summary.json`), { force: true });
  const result = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${heapMb}`,
      '--import',
      new URL('./engine/register.js', import.meta.url).href,
      fileURLToPath(new URL('./engine/fuzz-one.js', import.meta.url)),
      target,
      String(seconds),
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    failed = true;
    console.log(`[${target}] ended with ${result.signal ?? `exit code ${result.status}`}`);
  }
  try {
    rows.push(
      JSON.parse(readFileSync(repoPath('.run', 'fuzz', `${target}.summary.json`), 'utf8')) as Summary,
    );
  } catch {
    rows.push({ target, execs: 0, seconds: 0, corpus: 0, features: 0, crashes: 1 });
  }
}

console.log('\ntarget               execs   seconds   execs/s  corpus  features  findings');
for (const r of rows)
  console.log(
    `${r.target.padEnd(16)} ${String(r.execs).padStart(9)} ${r.seconds.toFixed(1).padStart(9)} ${String(
      Math.round(r.execs / Math.max(r.seconds, 0.001)),
    ).padStart(
      9,
    )} ${String(r.corpus).padStart(7)} ${String(r.features).padStart(9)} ${String(r.crashes).padStart(9)}`,
  );
const total = rows.reduce((s, r) => s + r.execs, 0);
console.log(`total: ${total} executions; findings (if any) are in .run/fuzz/findings/`);
process.exit(failed ? 1 : 0);
