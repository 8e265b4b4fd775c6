import { expect } from 'chai';
import fc from 'fast-check';
import { parseCsv, type SourceRow } from '@dmsnet/tables/table';
import { parseRuDate } from '../../../gateway/src/adapters/convert.js';

/**
 * The CSV reader as first written, a character at a time: the oracle the slicing reader must match on every
 * input, row numbers and refusals included.
 */
function oracle(text: string, delimiter = ';'): SourceRow[] | 'UNTERMINATED' {
  const rows: SourceRow[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  let i = 0;
  const endRow = (): void => {
    cells.push(field);
    rows.push({ rowNumber: rowStart, cells });
    cells = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      cells.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowStart = line;
    } else field += ch;
    i++;
  }
  if (quoted) return 'UNTERMINATED';
  if (field !== '' || cells.length > 0) endRow();
  return rows;
}

function ours(text: string, delimiter?: string): SourceRow[] | 'UNTERMINATED' {
  try {
    return parseCsv(text, delimiter);
  } catch (err) {
    if ((err as { code?: string }).code === 'CSV_UNTERMINATED_QUOTE') return 'UNTERMINATED';
    throw err;
  }
}

const pieces = ['a', 'Бв', ';', ',', '"', '""', '\r', '\n', '\r\n', ' ', '1'];

describe('gateway adapters: the CSV and date readers', () => {
  it('reads every text as the character-wise reader does: cells, row numbers, refusals (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((p) => p.join('')),
        fc.constantFrom(';', ',', '\t', ';;'),
        (text, delimiter) => {
          expect(ours(text, delimiter)).to.deep.equal(oracle(text, delimiter));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('handles the edges by name: a trailing delimiter, a last line without a break, an empty quoted field', () => {
    for (const text of ['a;', 'a;b', '""', '"";', 'a\r\n;', '"x"y;"', '"a\nb"\n"c"', '\n\n', 'a;"b"c"d"\r']) {
      expect(ours(text), JSON.stringify(text)).to.deep.equal(oracle(text));
    }
  });

  it('takes a written day as a date exactly when the calendar has it (every day and month, leap rules)', () => {
    // The oracle: what a Date made of the ISO text says back.
    const exists = (iso: string) => {
      const d = new Date(`${iso}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
    };
    let checked = 0;
    for (const year of ['0000', '0004', '1900', '1999', '2000', '2024', '2026', '2100', '2400', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const mm = String(month).padStart(2, '0');
          const dd = String(day).padStart(2, '0');
          const iso = `${year}-${mm}-${dd}`;
          const want = exists(iso) ? iso : null;
          expect(parseRuDate(`${day}.${month}.${year}`), iso).to.equal(want);
          expect(parseRuDate(`${dd}.${mm}.${year}`), iso).to.equal(want);
          expect(parseRuDate(iso), iso).to.equal(want);
          checked++;
        }
      }
    }
    expect(checked).to.equal(10 * 14 * 33);
  });
});
