// Folder-drop conversion speed: a 20,000-row Windows-1251 insured list (the real sample's rows, repeated with
// fresh row numbers and policy numbers), and the same rows as an XLSX workbook, imported through its mapping, beside
// validateDocument of the very document each yields, in the same run: the conversion's own cost is the ratio above 1.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import iconv from 'iconv-lite';
import { repoPath, validateDocument } from '@dmsnet/formats';
import { importTable, loadMapping, writeSpreadsheet } from '../gateway/src/adapters/index.js';
import { result, type Bench } from './types.js';

const ROWS = 20_000;
const ROUNDS = 5;

async function medianMs(fn: () => Promise<void> | void, rounds: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export const benches: Bench[] = [
  {
    name: 'adapters: import an insured list (CSV, XLSX)',
    async run({ progress }) {
      const mapping = loadMapping(repoPath('gateway', 'mappings', 'insurer-insured-list-attach.csv.yaml'));
      const text = iconv.decode(
        readFileSync(repoPath('gateway', 'mappings', 'samples', 'insured-list-attach.csv')),
        'win1251',
      );
      const lines = text.split('\r\n');
      const header = lines.findIndex((l) => l.startsWith('№ п/п'));
      const data = lines.slice(header + 1).filter((l) => /^\d+;/.test(l));
      progress(
        `building a ${ROWS.toLocaleString('en-US')}-row Windows-1251 CSV from the sample's ${data.length} rows`,
      );
      const out = lines.slice(0, header + 1);
      for (let i = 0; i < ROWS; i++) {
        const cells = data[i % data.length]!.split(';');
        cells[0] = String(i + 1);
        cells[6] = `ДМС-77-${String(1_000_000 + i)}`;
        out.push(cells.join(';'));
      }
      const bytes = new Uint8Array(iconv.encode(out.join('\r\n') + '\r\n', 'win1251'));
      const parties = {
        sender: { ogrn: '1027739820921' },
        addressee: { ogrn: '1027700132195' },
        // The list's own number and date are not in the sample: a sender types them.
        fields: { listNumber: 'B-1', listDate: '15.11.2026' },
      };
      const first = await importTable(bytes, mapping, parties);
      if (first.errors.length !== 0)
        throw new Error(`the generated list should be valid, got ${first.errors.length} errors`);
      progress(
        `${(bytes.length / 1e6).toFixed(1)} MB; timing importTable and validateDocument, ${ROUNDS} rounds each`,
      );
      const importMs = await medianMs(async () => {
        await importTable(bytes, mapping, parties);
      }, ROUNDS);
      const validateMs = await medianMs(() => {
        validateDocument(first.document);
      }, ROUNDS);
      // The same rows as an XLSX workbook (the lines above the header too, as Excel would hold them: the mapping reads
      // the contract from them), through the same mapping.
      progress('the same rows as an XLSX workbook');
      const table = out.map((l) => l.split(';'));
      const xlsx = await writeSpreadsheet(table, 'xlsx');
      const firstXlsx = await importTable(xlsx, mapping, parties);
      if (firstXlsx.errors.length !== 0)
        throw new Error(`the generated workbook should be valid, got ${firstXlsx.errors.length} errors`);
      const importXlsxMs = await medianMs(async () => {
        await importTable(xlsx, mapping, parties);
      }, ROUNDS);
      const validateXlsxMs = await medianMs(() => {
        validateDocument(firstXlsx.document);
      }, ROUNDS);
      return [
        result(
          `import ${ROWS} CSV rows (decode, parse, map, validate)`,
          importMs,
          'ms',
          'validateDocument of the same document',
          validateMs,
          'import within 3x of validation alone',
        ),
        result(
          `import ${ROWS} XLSX rows (unzip, parse, map, validate)`,
          importXlsxMs,
          'ms',
          'validateDocument of the same document',
          validateXlsxMs,
          'import within 3x of validation alone',
        ),
      ];
    },
  },
];
