// `npm run bench [-- --json FILE] [-- --only NAME] [-- --fabric [--growth]]`: runs every bench/*.bench.js module and prints one table.
import { readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Bench, BenchResult } from './types.js';

async function loadBenches(): Promise<Bench[]> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.js')).sort();
  const benches: Bench[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { benches: Bench[] };
    benches.push(...mod.benches);
  }
  return benches;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    `${formatNumber(r.value)} ${r.unit}`,
    r.baseline,
    `${formatNumber(r.baselineValue)} ${r.unit}`,
    r.ratio.toFixed(3),
    r.goal ?? '',
  ]);
  const header = ['benchmark', 'ours', 'baseline', 'baseline value', 'ratio', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

const HELP = `npm run bench [-- --only NAME] [-- --json FILE] [-- --quick] [-- --fabric]
  --only NAME   run only the benches whose name contains NAME / только бенчмарки, в имени которых есть NAME
  --json FILE   also write the figures as JSON / записать результаты ещё и в JSON
  --quick       smaller runs where a bench offers one (mail: 40 messages) / укороченный прогон, где он есть
  --fabric      include the benches against a native Fabric network / включить бенчмарки на сети Fabric
  --growth      with --fabric: only the channel grown from 4 to 12 organisations (docs/scale.md) /
                вместе с --fabric: только рост канала с 4 до 12 организаций
Benches / бенчмарки:
%BENCHES%`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    const names = (await loadBenches()).map((b) => `  ${b.name}`).join('\n');
    console.log(HELP.replace('%BENCHES%', names));
    return;
  }
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  if (jsonAt >= 0 && !jsonFile) throw new Error('--json needs a file name');
  const onlyAt = args.indexOf('--only');
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  // The growth bench takes most of an hour: asked for, it runs alone.
  const only = onlyAt >= 0 ? args[onlyAt + 1] : flags.has('--growth') ? 'fabric-growth' : undefined;
  const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

  const results: BenchResult[] = [];
  for (const bench of await loadBenches()) {
    if (only && !bench.name.includes(only)) continue;
    progress(`running ${bench.name}`);
    results.push(...(await bench.run({ progress, flags })));
  }
  printTable(results);
  if (jsonFile) {
    const plain = results.map(({ name, value, unit, baseline, baselineValue, ratio }) => ({
      name,
      value,
      unit,
      baseline,
      baselineValue,
      ratio,
    }));
    await writeFile(jsonFile, JSON.stringify(plain, null, 2) + '\n');
    progress(`wrote ${jsonFile}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
