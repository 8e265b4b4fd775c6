// Format validation speed: a 50,000-row insured list validated (schema + every business rule) beside
// JSON.parse of the same text, measured in the same run so the ratio does not depend on the machine.
import { performance } from 'node:perf_hooks';
import { generateDocument } from '@dmsnet/formats/generator/generate';
import { validateDocument } from '@dmsnet/formats/validate';
import { result, type Bench } from './types.js';

const ROWS = 50_000;
const ROUNDS = 7;

/** Median wall time of `rounds` runs of fn, after two warm-up runs that let V8 optimise. */
function medianMs(fn: () => void, rounds: number): number {
  fn();
  fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export const benches: Bench[] = [
  {
    name: 'formats: validate insured list',
    async run({ progress }) {
      progress(`generating an insured list of ${ROWS.toLocaleString('en-US')} rows`);
      const text = JSON.stringify(generateDocument('insured-list', { rows: ROWS, seed: 1 }));
      progress(
        `${(text.length / 1e6).toFixed(1)} MB of JSON; timing JSON.parse and validateDocument, ${ROUNDS} rounds each`,
      );
      const doc: unknown = JSON.parse(text);
      let errors = -1;
      const parseMs = medianMs(() => {
        JSON.parse(text);
      }, ROUNDS);
      const validateMs = medianMs(() => {
        errors = validateDocument(doc).length;
      }, ROUNDS);
      // A benchmark of the valid path is only meaningful if the document really is valid.
      if (errors !== 0) throw new Error(`the generated list should be valid, got ${errors} errors`);
      progress(
        'timing a list with a bad СНИЛС and a missing programme per 100 rows (the allErrors pass runs too)',
      );
      const bad = JSON.parse(text) as {
        body: { rows: Array<{ person: { snils?: string }; programme?: unknown }> };
      };
      for (let i = 0; i < ROWS; i += 100) {
        bad.body.rows[i].person.snils = '112-233-445 96';
        delete bad.body.rows[i + 1].programme;
      }
      let badErrors = 0;
      const invalidMs = medianMs(() => {
        badErrors = validateDocument(bad).length;
      }, 3);
      if (badErrors !== (ROWS / 100) * 2)
        throw new Error(`expected ${(ROWS / 100) * 2} errors, got ${badErrors}`);
      const rowsPerSecond = (ms: number) => (ROWS * 1000) / ms;
      return [
        result(
          'validate 50k-row insured list (schema + rules)',
          rowsPerSecond(validateMs),
          'rows/s',
          'JSON.parse of the same text',
          rowsPerSecond(parseMs),
          'ratio >= 0.25 (validation within 4x parse time)',
        ),
        result(
          'validate 50k-row insured list, 1% rows invalid (every error)',
          rowsPerSecond(invalidMs),
          'rows/s',
          'JSON.parse of the same text',
          rowsPerSecond(parseMs),
        ),
      ];
    },
  },
];
