// A document's header fields (invoice number and date, billing period, contract, list number) and its addressee come
// from the file — the title lines above the table («Реестр … к счету № 512 от 01.12.2026 за декабрь 2026»,
// «Плательщик: АО «СК «Северная»») or a cell the mapping names — or from the person who sends it, never from
// constants in a mapping: a constant sent every register as the same invoice.
import type { FieldError } from '@dmsnet/formats';
import { pointer } from '@dmsnet/formats';
import type { CellValue, SourceRow } from '@dmsnet/tables/table';

export type HeaderKind = 'text' | 'date' | 'month' | 'integer';

/** One header field: where the file holds it (a pattern over the title lines, or a cell), or nowhere (the form). */
export interface HeaderFieldMapping {
  /** Path under the body, "/"-separated (contract/number). */
  field: string;
  kind: HeaderKind;
  /** Russian label for the form that asks for it when the file has none. */
  label: string;
  /** A regular expression over each title line (its cells joined by spaces); group 1 is the value. */
  pattern?: string;
  /** A cell of the table's sheet, A1 style. */
  cell?: string;
}

/** The field code and the words of a header text that does not read as its kind. */
const KIND_FAULT: Record<Exclude<HeaderKind, 'text'>, [string, string]> = {
  date: ['DATE_INVALID', 'date dd.mm.yyyy'],
  month: ['MONTH_INVALID', 'month («декабрь 2026»)'],
  integer: ['INTEGER_INVALID', 'whole number'],
};

/** Where the addressee's name is written in the file. */
export interface AddresseeMapping {
  pattern?: string;
  cell?: string;
}

export interface HeaderValue {
  field: string;
  pointer: string;
  kind: HeaderKind;
  label: string;
  /** As the document will carry it (a month as {from, to}). */
  value?: unknown;
  /** The text in the file it was read from. */
  text?: string;
  /** local: from the node's own data (a register's contract from the list that attached its patients). */
  source?: 'file' | 'form' | 'local';
}

const MONTHS = [
  'январ',
  'феврал',
  'март',
  'апрел',
  'ма',
  'июн',
  'июл',
  'август',
  'сентябр',
  'октябр',
  'ноябр',
  'декабр',
];

function cellText(cell: CellValue | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/** «декабрь 2026», «за декабрь 2026 г.», «12.2026» → the month's first and last day. */
export function parseMonth(t: string): { from: string; to: string } | null {
  const s = t.toLowerCase().replace(/ё/g, 'е').trim();
  let month = -1;
  let year = NaN;
  const named = /^([а-я]+)\s+(\d{4})/.exec(s);
  if (named) {
    const word = named[1]!;
    // «май»/«мая» share only «ма», which also begins «март»: the longer stems are tried first.
    month =
      MONTHS.map((m, i) => [m, i] as const)
        .sort((a, b) => b[0].length - a[0].length)
        .find(([m]) => word.startsWith(m) && (m !== 'ма' || /^ма[йя]$/.test(word)))?.[1] ?? -1;
    year = Number(named[2]);
  } else {
    const digits = /^(\d{1,2})\.(\d{4})$/.exec(s);
    if (digits) {
      month = Number(digits[1]) - 1;
      year = Number(digits[2]);
    }
  }
  if (month < 0 || month > 11 || !Number.isInteger(year)) return null;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const mm = String(month + 1).padStart(2, '0');
  return { from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` };
}

function cellAt(rows: readonly SourceRow[], ref: string): CellValue | undefined {
  const m = /^([A-Z]{1,3})(\d{1,7})$/.exec(ref.toUpperCase());
  if (!m) return undefined;
  const col = [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return rows.find((r) => r.rowNumber === Number(m[2]))?.cells[col];
}

function find(
  rows: readonly SourceRow[],
  titleLines: readonly string[],
  where: { pattern?: string; cell?: string },
): string | undefined {
  if (where.cell !== undefined) return cellText(cellAt(rows, where.cell)) || undefined;
  if (where.pattern === undefined) return undefined;
  const re = new RegExp(where.pattern, 'iu');
  for (const line of titleLines) {
    const hit = re.exec(line)?.[1]?.trim();
    if (hit) return hit;
  }
  return undefined;
}

/** The title lines: every row above the table's header row, its non-empty cells joined by spaces. */
export function titleLinesOf(rows: readonly SourceRow[], headerAt: number): string[] {
  return (
    rows
      .slice(0, headerAt)
      // A merged title repeats its text in every cell it spans: each text once.
      .map((r) => [...new Set(r.cells.map(cellText).filter(Boolean))].join(' '))
      .filter(Boolean)
  );
}

/**
 * Reads the mapping's header fields from the file; a value the person typed (`given`, by field path) wins over the
 * file's. A field the file does not hold and nobody typed stays without a value: the document's validation then names
 * it (/body/<field> required), and the console asks for it.
 */
export function readHeaderFields(
  rows: readonly SourceRow[],
  headerAt: number,
  fields: readonly HeaderFieldMapping[],
  given: Readonly<Record<string, unknown>>,
  parseDate: (t: string) => string | null,
): { values: HeaderValue[]; errors: FieldError[] } {
  const lines = titleLinesOf(rows, headerAt);
  const values: HeaderValue[] = [];
  const errors: FieldError[] = [];
  for (const f of fields) {
    const ptr = pointer('body', ...f.field.split('/'));
    const base = { field: f.field, pointer: ptr, kind: f.kind, label: f.label };
    const typed = given[f.field];
    // What the sender typed reads as the file's text would (a date as dd.mm.yyyy or ISO, a month as «декабрь 2026»).
    const source = typed !== undefined && typed !== '' ? 'form' : 'file';
    if (source === 'form' && typeof typed !== 'string') {
      values.push({ ...base, value: typed, source });
      continue;
    }
    const text = source === 'form' ? (typed as string).trim() : find(rows, lines, f);
    if (text === undefined) {
      values.push(base);
      continue;
    }
    const value =
      f.kind === 'date'
        ? parseDate(text)
        : f.kind === 'month'
          ? parseMonth(text)
          : f.kind === 'integer'
            ? /^\d{1,9}$/.test(text)
              ? Number(text)
              : null
            : text;
    if (value === null) {
      const where = source === 'form' ? 'as typed' : 'in the file’s title';
      const [code, what] = KIND_FAULT[f.kind as Exclude<HeaderKind, 'text'>];
      errors.push({ pointer: ptr, code, message: `«${text}» ${where} is not a ${what}` });
      values.push({ ...base, text });
      continue;
    }
    values.push({ ...base, value, text, source });
  }
  return { values, errors };
}

/** The addressee's name as the file writes it, if the mapping says where. */
export function readAddresseeName(
  rows: readonly SourceRow[],
  headerAt: number,
  where: AddresseeMapping | undefined,
): string | undefined {
  if (!where) return undefined;
  const name = find(rows, titleLinesOf(rows, headerAt), where);
  // «АО «СОГАЗ»;;;» leaves trailing separators when a CSV line is read as one cell.
  return name?.replace(/[;,\s]+$/u, '') || undefined;
}
