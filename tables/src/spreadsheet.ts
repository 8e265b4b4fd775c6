import XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { AdapterError } from './errors.js';
import type { CellValue, SourceRow } from './cells.js';
import { readXlsxSheets } from './xlsx-reader.js';
import { Unsupported } from './xml-scan.js';

/** One sheet of a workbook: its name and its rows (1-based row numbers as the spreadsheet shows them). */
export interface Sheet {
  name: string;
  rows: SourceRow[];
}

const DAY_MS = 86_400_000;
/** Day 0 of Excel's 1900 date system (1899-12-30, after Lotus's leap-year bug) in days since 1970-01-01. */
const EPOCH_1900 = 25_569;
/** The 1904 date system (old Mac workbooks) counts from 1904-01-01: 1,462 days later. */
const EPOCH_1904_SHIFT = 1_462;

/** A spreadsheet serial date → a Date holding the cell's wall-clock time as if it were UTC. */
export function serialToDate(serial: number, date1904 = false): Date {
  return new Date(Math.round((serial - EPOCH_1900 + (date1904 ? EPOCH_1904_SHIFT : 0)) * DAY_MS));
}

function exceljsCell(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return exceljsCell(value.result as ExcelJS.CellValue);
    // exceljs keeps no falsy result (0, FALSE): all it leaves is the formula, so the cell reads as empty.
    if ('formula' in value || 'sharedFormula' in value) return null;
    // A hyperlinked cell ({text, hyperlink}): its text read as a cell's own (rich text joined; nothing is empty).
    if ('text' in value) {
      const text = value.text as unknown;
      return text === undefined || text === null ? null : exceljsCell(text as ExcelJS.CellValue);
    }
    if ('error' in value) return null;
  }
  return String(value as unknown as string);
}

/**
 * XLSX through the table reader (xlsx-reader.ts); a workbook using a feature it does not match exceljs on is read
 * by exceljs, as every XLSX was before.
 */
async function readXlsx(bytes: Uint8Array): Promise<Sheet[]> {
  try {
    return readXlsxSheets(bytes);
  } catch (e) {
    if (e instanceof Unsupported) return readXlsxWithExcelJs(bytes);
    throw e;
  }
}

/** The exceljs reader: the fallback, and the oracle the table reader is tested against. */
export async function readXlsxWithExcelJs(bytes: Uint8Array): Promise<Sheet[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (e) {
    throw new AdapterError(
      'XLSX_NOT_A_WORKBOOK',
      `the XLSX workbook cannot be read: ${(e as Error).message}`,
    );
  }
  return wb.worksheets.map((ws) => {
    const rows: SourceRow[] = [];
    ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const cells: CellValue[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(exceljsCell(row.getCell(c).value));
      rows.push({ rowNumber, cells });
    });
    return { name: ws.name, rows };
  });
}

function sheetjsCell(cell: XLSX.CellObject | undefined, date1904: boolean): CellValue {
  if (!cell) return null;
  switch (cell.t) {
    case 's':
      return String(cell.v ?? '');
    case 'n': {
      const v = cell.v as number;
      // A number is a date when its number format is a date format, as the spreadsheet shows it.
      return cell.z !== undefined && XLSX.SSF.is_date(cell.z) ? serialToDate(v, date1904) : v;
    }
    case 'd':
      return cell.v instanceof Date ? cell.v : null;
    case 'b':
      return String(cell.v);
    default:
      return null; // errors (#N/A) and empty stubs
  }
}

/** XLS (BIFF, Excel 97–2003) and ODS through SheetJS; numbers stay numbers, date-formatted numbers become dates. */
function readWithSheetJs(bytes: Uint8Array, kind: 'xls' | 'ods'): Sheet[] {
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'array', cellNF: true, cellDates: false, dense: true });
  } catch (e) {
    throw new AdapterError(
      'SPREADSHEET_UNREADABLE',
      `the ${kind.toUpperCase()} workbook cannot be read: ${(e as Error).message}`,
    );
  }
  const date1904 = !!wb.Workbook?.WBProps?.date1904;
  return wb.SheetNames.map((name) => {
    const ws = wb.Sheets[name]!;
    const rows: SourceRow[] = [];
    const data = (ws['!data'] ?? []) as Array<Array<XLSX.CellObject | undefined> | undefined>;
    if (ws['!ref']) {
      const range = XLSX.utils.decode_range(ws['!ref']);
      for (let r = range.s.r; r <= range.e.r; r++) {
        const src = data[r] ?? [];
        const cells: CellValue[] = [];
        for (let c = 0; c <= range.e.c; c++) cells.push(sheetjsCell(src[c], date1904));
        while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
        rows.push({ rowNumber: r + 1, cells });
      }
    }
    return { name, rows };
  });
}

export async function readSpreadsheet(bytes: Uint8Array, kind: 'xlsx' | 'xls' | 'ods'): Promise<Sheet[]> {
  const sheets = kind === 'xlsx' ? await readXlsx(bytes) : readWithSheetJs(bytes, kind);
  if (sheets.length === 0)
    throw new AdapterError('SPREADSHEET_NO_SHEET', `the ${kind.toUpperCase()} workbook has no worksheet`);
  return sheets;
}

/** Rows → a one-sheet workbook: XLSX through exceljs (as before), XLS and ODS through SheetJS. */
export async function writeSpreadsheet(
  rows: ReadonlyArray<ReadonlyArray<CellValue>>,
  kind: 'xlsx' | 'xls' | 'ods',
  sheetName = 'dmsnet',
): Promise<Uint8Array> {
  if (kind === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(sheetName);
    for (const r of rows) ws.addRow([...r]);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows.map((r) => [...r])), sheetName);
  return new Uint8Array(
    XLSX.write(wb, { type: 'buffer', bookType: kind === 'xls' ? 'biff8' : 'ods' }) as Buffer,
  );
}
