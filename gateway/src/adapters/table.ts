import iconv from 'iconv-lite';
import { detectFileKind } from './detect.js';
import { AdapterError } from './errors.js';
import { readSpreadsheet, writeSpreadsheet, type Sheet } from './spreadsheet.js';

export { AdapterError } from './errors.js';

/** One cell as read from a file: text, a number, or a date (Excel dates arrive as Date). */
export type CellValue = string | number | Date | null;

/** A row of a source file with its 1-based row number in that file, so errors can name it. */
export interface SourceRow {
  rowNumber: number;
  cells: CellValue[];
}

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
  const text =
    chosen === 'utf-8' ? new TextDecoder('utf-8').decode(bytes) : iconv.decode(Buffer.from(bytes), 'win1251');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** RFC 4180 with a configurable delimiter; quoted fields may hold the delimiter, quotes ("") and line breaks. */
export function parseCsv(text: string, delimiter = ';'): SourceRow[] {
  const rows: SourceRow[] = [];
  let cells: CellValue[] = [];
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
  if (quoted) {
    throw new AdapterError(
      'CSV_UNTERMINATED_QUOTE',
      `CSV: a quoted field opened on row ${rowStart} is never closed`,
    );
  }
  if (field !== '' || cells.length > 0) endRow();
  return rows;
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
