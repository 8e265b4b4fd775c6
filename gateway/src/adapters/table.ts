import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { DmsnetError } from '../../../formats/src/index.js';

/** One cell as read from a file: text, a number, or a date (Excel dates arrive as Date). */
export type CellValue = string | number | Date | null;

/** A row of a source file with its 1-based row number in that file, so errors can name it. */
export interface SourceRow {
  rowNumber: number;
  cells: CellValue[];
}

export type TableFormat = 'csv' | 'xlsx';
export type CsvEncoding = 'utf-8' | 'windows-1251' | 'auto';

export interface ReadTableOptions {
  format: TableFormat;
  encoding?: CsvEncoding;
  delimiter?: string;
}

export class AdapterError extends DmsnetError {}

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

function cellOf(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellOf(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
  }
  return String(value as unknown as string);
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export async function readXlsx(bytes: Uint8Array): Promise<SourceRow[]> {
  // exceljs on a non-zip file throws an obscure zip error; say plainly what is wrong instead.
  if (bytes.length < 4 || ZIP_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new AdapterError('XLSX_NOT_A_WORKBOOK', 'the file is not an XLSX workbook (no ZIP signature)');
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (e) {
    throw new AdapterError(
      'XLSX_NOT_A_WORKBOOK',
      `the XLSX workbook cannot be read: ${(e as Error).message}`,
    );
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AdapterError('XLSX_NO_SHEET', 'the XLSX workbook has no worksheet');
  const rows: SourceRow[] = [];
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: CellValue[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellOf(row.getCell(c).value));
    rows.push({ rowNumber, cells });
  });
  return rows;
}

export async function writeXlsx(
  rows: ReadonlyArray<ReadonlyArray<CellValue>>,
  sheetName = 'dmsnet',
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  for (const r of rows) ws.addRow([...r]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export async function readTable(bytes: Uint8Array, options: ReadTableOptions): Promise<SourceRow[]> {
  if (bytes.length === 0) throw new AdapterError('FILE_EMPTY', 'the file is empty (0 bytes)');
  if (options.format === 'xlsx') return readXlsx(bytes);
  return parseCsv(decodeCsv(bytes, options.encoding), options.delimiter ?? ';');
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
