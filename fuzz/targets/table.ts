// Any uploaded table file: its kind detected from the bytes (detect.ts), then CSV in either encoding with the
// delimiter the first byte picks (table.ts), or a spreadsheet through its reader (spreadsheet.ts).
import { readSheets } from '@dmsnet/tables/table';
import { allowTyped, check, type FuzzTarget } from './target.js';

const DELIMITERS = [';', ',', '\t', '|', ';;'];
const ENCODINGS = ['auto', 'utf-8', 'windows-1251'] as const;

const target: FuzzTarget = {
  name: 'table',
  maxLength: 64 * 1024,
  dictionary: [
    '"',
    '""',
    ';',
    '\r\n',
    '\n',
    '\ufeff',
    'PK\x03\x04',
    '\xd0\xcf\x11\xe0',
    '<?xml',
    '<html',
    '\x00',
  ],
  async run(data) {
    if (data.length === 0) return;
    const choice = data[0]!;
    const bytes = data.subarray(1);
    try {
      const sheets = await readSheets(bytes, {
        delimiter: DELIMITERS[choice % DELIMITERS.length],
        encoding: ENCODINGS[(choice >> 4) % ENCODINGS.length],
      });
      check(sheets.length > 0, 'a table file read as no sheet at all');
      for (const sheet of sheets)
        for (const row of sheet.rows)
          check(Number.isInteger(row.rowNumber) && row.rowNumber >= 1, 'a bad row number');
    } catch (e) {
      allowTyped(e);
    }
  },
};
export default target;
