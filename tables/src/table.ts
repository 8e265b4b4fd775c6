import iconv from 'iconv-lite';
import { detectFileKind } from './detect.js';
import { AdapterError } from './errors.js';
import { readSpreadsheet, writeSpreadsheet, type Sheet } from './spreadsheet.js';
import type { CellValue, SourceRow } from './cells.js';

export type { CellValue, SourceRow } from './cells.js';

export { AdapterError } from './errors.js';

/** The kind a mapping exports to; on import the kind is read from the file's bytes. */
export type TableFormat = 'csv' | 'xlsx' | 'xls' | 'ods';
export type CsvEncoding = 'utf-8' | 'windows-1251' | 'auto';

export interface ReadTableOptions {
  /** Kept for callers' clarity; the file's bytes decide how it is read. */
  format?: TableFormat;
  encoding?: CsvEncoding;
  delimiter?: string;
}

/**
 * Clinics save CSV from Excel in Windows-1251 far more often than in UTF-8; bytes that are not valid UTF-8
 * are therefore read as 1251 (a 1251 Cyrillic text is almost never valid UTF-8).
 */
export function detectEncoding(bytes: Uint8Array): 'utf-8' | 'windows-1251' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'windows-1251';
  }
}

export function decodeCsv(bytes: Uint8Array, encoding: CsvEncoding = 'auto'): string {
  const chosen = encoding === 'auto' ? detectEncoding(bytes) : encoding;
  const text = chosen === 'utf-8' ? new TextDecoder('utf-8').decode(bytes) : decode1251(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Windows-1251 through the runtime's native decoder (five times iconv-lite's speed on a 20,000-row list). The two
 * tables differ only at 0x98, a byte 1251 leaves unassigned: WHATWG reads U+0098, iconv-lite (and so far dmsnet)
 * the replacement character, which is kept.
 */
function decode1251(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('windows-1251').decode(bytes);
  } catch {
    // A runtime built without ICU's legacy encodings.
    return iconv.decode(Buffer.from(bytes), 'win1251');
  }
  return text.includes('\u0098') ? text.replaceAll('\u0098', '\ufffd') : text;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * RFC 4180 with a configurable delimiter; quoted fields may hold the delimiter, quotes ("") and line breaks.
 * A field is cut out with one slice rather than built a character at a time: on a 20,000-row list the
 * character-wise build was a third of the import (profiled).
 */
export function parseCsv(text: string, delimiter = ';'): SourceRow[] {
  const rows: SourceRow[] = [];
  const delim = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  const n = text.length;
  let cells: CellValue[] = [];
  let line = 1;
  let rowStart = 1;
  let i = 0;
  // Where the next quote, CR and LF are (n when none): a line without a quote is cut with one native split.
  let nextQuote = -1;
  let nextCr = -1;
  let nextLf = -1;
  while (i < n) {
    if (cells.length === 0 && delim >= 0) {
      if (nextQuote < i) nextQuote = indexOr(text, '"', i, n);
      if (nextCr < i) nextCr = indexOr(text, '\r', i, n);
      if (nextLf < i) nextLf = indexOr(text, '\n', i, n);
      const end = nextCr < nextLf ? nextCr : nextLf;
      if (nextQuote > end) {
        const row = text.slice(i, end).split(delimiter);
        if (end === n) {
          if (row.length > 1 || row[0] !== '') rows.push({ rowNumber: rowStart, cells: row });
          return rows;
        }
        rows.push({ rowNumber: rowStart, cells: row });
        i = end + 1;
        if (end === nextCr && nextLf === i) i++;
        line++;
        rowStart = line;
        continue;
      }
    }
    let field = '';
    // A quote opens a quoted part only at the start of a field; elsewhere it is a character like any other.
    if (text.charCodeAt(i) === QUOTE) {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          throw new AdapterError(
            'CSV_UNTERMINATED_QUOTE',
            `CSV: a quoted field opened on row ${rowStart} is never closed`,
          );
        }
        for (let k = i; k < q; k++) if (text.charCodeAt(k) === LF) line++;
        field += text.slice(i, q);
        i = q + 1;
        if (text.charCodeAt(i) !== QUOTE) break;
        field += '"';
        i++;
      }
    }
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === delim || c === CR || c === LF) break;
      j++;
    }
    if (j > i) field += text.slice(i, j);
    cells.push(field);
    if (j >= n) {
      // The last line without a line break: a row unless it is nothing at all.
      if (field !== '' || cells.length > 1) rows.push({ rowNumber: rowStart, cells });
      return rows;
    }
    const c = text.charCodeAt(j);
    i = j + 1;
    if (c === delim) {
      // A delimiter at the very end leaves one empty field after it.
      if (i === n) {
        cells.push('');
        rows.push({ rowNumber: rowStart, cells });
      }
      continue;
    }
    if (c === CR && text.charCodeAt(i) === LF) i++;
    rows.push({ rowNumber: rowStart, cells });
    cells = [];
    line++;
    rowStart = line;
  }
  return rows;
}

function indexOr(text: string, s: string, from: number, none: number): number {
  const at = text.indexOf(s, from);
  return at < 0 ? none : at;
}

export function writeCsv(rows: ReadonlyArray<ReadonlyArray<string>>, delimiter = ';'): string {
  const quote = (s: string): string =>
    s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')
      ? `"${s.replace(/"/g, '""')}"`
      : s;
  return rows.map((r) => r.map(quote).join(delimiter)).join('\r\n') + '\r\n';
}

export async function writeXlsx(
  rows: ReadonlyArray<ReadonlyArray<CellValue>>,
  sheetName = 'dmsnet',
): Promise<Uint8Array> {
  return writeSpreadsheet(rows, 'xlsx', sheetName);
}

/**
 * Every sheet of a file. The kind comes from the bytes (a ZIP holding xl/ is XLSX, one whose mimetype is an
 * OpenDocument spreadsheet is ODS, an OLE file with a Workbook stream is XLS, text is CSV), never the extension.
 */
export async function readSheets(bytes: Uint8Array, options: ReadTableOptions = {}): Promise<Sheet[]> {
  const kind = detectFileKind(bytes);
  if (kind !== 'csv') return readSpreadsheet(bytes, kind);
  return [{ name: 'CSV', rows: parseCsv(decodeCsv(bytes, options.encoding), options.delimiter ?? ';') }];
}

/** The first sheet's rows. */
export async function readTable(bytes: Uint8Array, options: ReadTableOptions = {}): Promise<SourceRow[]> {
  return (await readSheets(bytes, options))[0]!.rows;
}

/** Spreadsheet column letter of a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
