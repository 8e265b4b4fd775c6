import { createHash } from 'node:crypto';
import {
  normalizeDigits,
  normalizeServiceCode,
  pointer,
  validateDocument,
  type DmsDocument,
  type FieldError,
  type PartyRef,
} from '../../../formats/src/index.js';
import type { ColumnMapping, TableMapping } from './mapping.js';
import { writeSpreadsheet } from './spreadsheet.js';
import {
  AdapterError,
  columnLetter,
  readSheets,
  writeCsv,
  type CellValue,
  type SourceRow,
  type TableFormat,
} from './table.js';

/** Where a value of the document came from in the source file. */
export interface SourceLocation {
  row: number;
  column: string;
  header: string;
}

/** A row error as the local system needs it: the file's row and column beside the JSON Pointer. */
export interface RowError extends FieldError {
  row?: number;
  column?: string;
  header?: string;
}

export interface ImportOptions {
  sender: PartyRef;
  addressee: PartyRef;
  /** Overrides of the mapping's bodyDefaults (e.g. contract per addressee). */
  body?: Record<string, unknown>;
  createdAt?: string;
  /**
   * Completes a row from local data before validation, e.g. a clinic register that names a patient only by
   * name and policy gets birth date and sex from the roster. Fields it adds have no source cell.
   */
  completeRow?: (row: Record<string, unknown>) => void | Promise<void>;
}

export interface ImportResult {
  document: DmsDocument;
  /** JSON Pointer → source cell. */
  sourceMap: Map<string, SourceLocation>;
  errors: RowError[];
}

const norm = (s: string): string => s.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();

function text(cell: CellValue): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

// Paths and pointer suffixes repeat on every row: split and escape each once (the source map of a
// 50,000-row list holds over half a million pointers).
const splitCache = new Map<string, string[]>();
function split(path: string): string[] {
  let parts = splitCache.get(path);
  if (!parts) splitCache.set(path, (parts = path.split('/')));
  return parts;
}
const suffixCache = new Map<string, string>();
function suffix(path: string): string {
  let s = suffixCache.get(path);
  if (s === undefined) suffixCache.set(path, (s = pointer(...split(path))));
  return s;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = split(path);
  let o = target;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = value;
}

function getPath(source: unknown, path: string): unknown {
  let o = source;
  for (const p of path.split('/')) {
    if (typeof o !== 'object' || o === null) return undefined;
    o = (o as Record<string, unknown>)[p];
  }
  return o;
}

const DAY_MS = 86_400_000;
const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The calendar day an instant without a zone stands for (an Excel date, a serial, an ISO time in UTC). A birth
 * date is a day, not an instant: a time in the morning or working day keeps its day, but a writer that turned a
 * local midnight into UTC leaves it on the evening before — Russia's zones (UTC+2…+12) give 12:00–22:00 — always
 * on a whole quarter hour, so such a time is read as the next day. A hair before midnight is floating-point
 * rounding of the next day's serial.
 */
export function calendarDayOf(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const day = Math.floor(ms / DAY_MS);
  const time = ms - day * DAY_MS;
  const shiftedMidnight = time >= 12 * 3_600_000 && time % 900_000 === 0;
  const roundedUp = time >= DAY_MS - 1000;
  return isoDay(day + (shiftedMidnight || roundedUp ? 1 : 0));
}

/** Excel's serial day numbers (1900 system) from 1900-03-01 to 9999-12-31: a date stored in a General cell. */
const SERIAL_MIN = 61;
const SERIAL_MAX = 2_958_465;

function isRealDate(y: string, mo: string, d: string): string | null {
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().slice(0, 10) === iso ? iso : null;
}

const RU_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A date cell → YYYY-MM-DD, or null when it is not a real date. Read: dd.mm.yyyy (with a wall-clock time as 1С
 * writes it, «15.03.1985 0:00:00»: the written day), ISO dates, ISO times with an offset (the day written) or in
 * UTC (the day it stands for, see calendarDayOf), spreadsheet dates and serial numbers in General format.
 */
export function parseRuDate(cell: CellValue): string | null {
  if (cell instanceof Date) return calendarDayOf(cell.getTime());
  if (typeof cell === 'number') {
    if (cell < SERIAL_MIN || cell > SERIAL_MAX) return null;
    return calendarDayOf(Math.round((cell - 25_569) * DAY_MS));
  }
  const t = text(cell);
  const ru = RU_DATE.exec(t);
  if (ru) return isRealDate(ru[3]!, ru[2]!, ru[1]!);
  const iso = ISO_DATE.exec(t);
  if (iso) {
    const day = isRealDate(iso[1]!, iso[2]!, iso[3]!);
    if (!day || iso[4] === undefined) return day;
    const zone = iso[8];
    if (zone !== undefined && zone !== 'Z' && !/^[+-]00:?00$/.test(zone)) return day; // local wall clock: its day
    const ms = Date.parse(`${day}T${iso[4]}:${iso[5]}:${iso[6] ?? '00'}${iso[7] ?? ''}Z`);
    return calendarDayOf(ms);
  }
  // A serial typed as text (a CSV saved from a General-format date column).
  if (/^\d{5}$/.test(t)) return parseRuDate(Number(t));
  return null;
}

export function formatRuDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

const CURRENCY = /^(?:₽|руб\.?|р\.?|rub\.?)?(.*?)(?:₽|руб(?:л(?:ей|я|ь))?\.?|р\.?|rub\.?)?$/iu;

/** An amount cell → kopecks, or why it is not one. Three decimals are refused, never rounded: money is exact. */
export function readMoney(cell: CellValue): { kopecks: number } | { error: string; message: string } {
  if (typeof cell === 'number') {
    const k = cell * 100;
    const r = Math.round(k);
    if (!Number.isFinite(k)) return { error: 'MONEY_INVALID', message: 'an amount must be a number' };
    // 1500.1 * 100 is 150010.00000000003 in binary floating point: that is still whole kopecks.
    if (Math.abs(k - r) > 1e-6) {
      return {
        error: 'MONEY_NOT_KOPECKS',
        message: `${cell} has more than two decimals: an amount must fit kopecks and is not rounded`,
      };
    }
    return { kopecks: r === 0 ? 0 : r };
  }
  const raw = text(cell).replace(/[\s\u00a0\u202f\u2009']/g, '');
  const t = (CURRENCY.exec(raw)?.[1] ?? raw).replace(',', '.');
  if (/^-?\d+\.\d{3,}$/.test(t)) {
    return {
      error: 'MONEY_NOT_KOPECKS',
      message: `${text(cell)} has more than two decimals: an amount must fit kopecks and is not rounded`,
    };
  }
  if (!/^-?\d+(\.\d{1,2})?$/.test(t))
    return { error: 'MONEY_INVALID', message: 'an amount must be a number with at most two decimals' };
  const [whole, frac = ''] = t.replace('-', '').split('.');
  const k = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return { kopecks: t.startsWith('-') ? -k : k };
}

/** «2 450,00», «2450.5 руб.», «1500,00 р.», 2200 → kopecks; null when not money (or not whole kopecks). */
export function parseMoney(cell: CellValue): number | null {
  const r = readMoney(cell);
  return 'kopecks' in r ? r.kopecks : null;
}

export function formatMoney(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const a = Math.abs(kopecks);
  return `${sign}${Math.floor(a / 100)},${String(a % 100).padStart(2, '0')}`;
}

interface Located {
  index: number;
  spec: ColumnMapping;
}

/** The header row is the first row that holds every non-optional column's header (title lines come before it). */
function findHeader(rows: SourceRow[], mapping: TableMapping): { at: number; columns: Located[] } | null {
  for (let r = 0; r < rows.length; r++) {
    const cells = rows[r]!.cells.map((c) => norm(text(c)));
    const columns: Located[] = [];
    let missing = false;
    for (const spec of mapping.columns) {
      const idx = cells.findIndex((c) => spec.headers.some((h) => norm(h) === c));
      if (idx >= 0) columns.push({ index: idx, spec });
      else if (!spec.optional) missing = true;
    }
    if (!missing) return { at: r, columns };
  }
  return null;
}

const ERR = {
  date: 'DATE_INVALID',
  integer: 'INTEGER_INVALID',
  sex: 'SEX_INVALID',
  fullName: 'FULL_NAME_INVALID',
  programme: 'PROGRAMME_UNKNOWN',
  serviceCode: 'SERVICE_CODE_UNKNOWN',
  partyWithInn: 'PARTY_INVALID',
} as const;

const noneCache = new WeakMap<ColumnMapping, string[]>();
function normalizedNone(spec: ColumnMapping): string[] {
  let none = noneCache.get(spec);
  if (!none) noneCache.set(spec, (none = (spec.none ?? []).map(norm)));
  return none;
}

/** Converts one cell; returns the fields to set (relative path → value) or an error code. */
function convertCell(
  spec: ColumnMapping,
  cell: CellValue,
): { set: Array<[string, unknown]> } | { error: string; message: string } {
  const t = text(cell);
  const field = spec.field ?? '';
  const none = normalizedNone(spec);
  if (t === '' || none.includes(norm(t))) return { set: [] };
  switch (spec.kind) {
    case 'text':
      return { set: [[field, t]] };
    case 'snils':
      return { set: [[field, normalizeDigits(t)]] };
    case 'date': {
      const d = parseRuDate(cell);
      return d
        ? { set: [[field, d]] }
        : { error: ERR.date, message: 'a date must be dd.mm.yyyy and exist in the calendar' };
    }
    case 'money': {
      const m = readMoney(cell);
      return 'kopecks' in m ? { set: [[field, m.kopecks]] } : m;
    }
    case 'integer': {
      const n = typeof cell === 'number' ? cell : Number(t.replace(',', '.'));
      return Number.isInteger(n)
        ? { set: [[field, n]] }
        : { error: ERR.integer, message: 'must be a whole number' };
    }
    case 'sex': {
      const s = norm(t);
      if (['м', 'm', 'муж', 'мужской', '1'].includes(s)) return { set: [[field, 'M']] };
      if (['ж', 'f', 'жен', 'женский', '2'].includes(s)) return { set: [[field, 'F']] };
      return { error: ERR.sex, message: 'sex must be М or Ж' };
    }
    case 'fullName': {
      const parts = t.split(/\s+/);
      if (parts.length < 2)
        return { error: ERR.fullName, message: 'a full name needs at least a surname and a first name' };
      const set: Array<[string, unknown]> = [
        [`${field}/lastName`, parts[0]],
        [`${field}/firstName`, parts[1]],
      ];
      const middle = parts.slice(2).join(' ');
      if (middle && !none.includes(norm(middle))) set.push([`${field}/middleName`, middle]);
      return { set };
    }
    case 'partyWithInn': {
      // The closing "(ИНН digits)" is found by position, not by a pattern over the whole cell: `^(.*?)\s*\(` took
      // quadratic time on a cell of many spaces.
      const open = t.lastIndexOf('(');
      const m = open >= 0 ? /^\(\s*ИНН\s*(\d+)\s*\)$/i.exec(t.slice(open)) : null;
      return m
        ? { set: [[field, { name: t.slice(0, open).trimEnd(), inn: m[1] }]] }
        : { set: [[field, { name: t }]] };
    }
    case 'programme': {
      const entry = Object.entries(spec.codes ?? {}).find(([name]) => norm(name) === norm(t));
      return entry
        ? { set: [[field, { code: entry[1], name: t }]] }
        : { error: ERR.programme, message: 'the programme is not in the mapping file' };
    }
    case 'enum': {
      const entry = Object.entries(spec.values ?? {}).find(([k]) => norm(k) === norm(t));
      return entry
        ? { set: [[field, entry[1]]] }
        : { error: 'VALUE_UNKNOWN', message: `must be one of ${Object.keys(spec.values ?? {}).join(', ')}` };
    }
    case 'serviceCode': {
      if (spec.via) {
        const hit = Object.entries(spec.via).find(([own]) => norm(own) === norm(t));
        if (!hit) return { error: ERR.serviceCode, message: 'the clinic code is not in the price list' };
        return { set: [[field, normalizeServiceCode(hit[1])]] };
      }
      return { set: [[field, normalizeServiceCode(t)]] };
    }
    case 'rowId':
    case 'ignore':
      return { set: [] };
  }
}

function contentId(type: string, bytes: Uint8Array): string {
  return `${type}-${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}`;
}

/**
 * The sheet and header row of the table: the sheet the mapping names, or the first sheet that holds the mapping's
 * headers (workbooks often open on an instruction page, «Инструкция», with the table on a later sheet).
 */
async function locateTable(
  bytes: Uint8Array,
  mapping: TableMapping,
): Promise<{ rows: SourceRow[]; header: { at: number; columns: Located[] } }> {
  const sheets = await readSheets(bytes, { encoding: mapping.encoding, delimiter: mapping.delimiter });
  const expected = mapping.columns.filter((c) => !c.optional).map((c) => c.headers[0]);
  let candidates = sheets;
  if (mapping.sheet !== undefined) {
    candidates = sheets.filter((s) => norm(s.name) === norm(mapping.sheet!));
    if (candidates.length === 0) {
      const names = sheets.map((s) => `«${s.name}»`).join(', ');
      throw new AdapterError(
        'SHEET_NOT_FOUND',
        `the workbook has no sheet «${mapping.sheet}»; it has ${names}`,
        [{ pointer: '/sheet', code: 'SHEET_NOT_FOUND', message: `sheets: ${names}` }],
      );
    }
  }
  for (const sheet of candidates) {
    const header = findHeader(sheet.rows, mapping);
    if (header) return { rows: sheet.rows, header };
  }
  const where = candidates.length > 1 ? ` on any of ${candidates.length} sheets` : '';
  throw new AdapterError(
    'HEADER_NOT_FOUND',
    `no row${where} holds the expected headers: ${expected.join(', ')}`,
    [{ pointer: '', code: 'HEADER_NOT_FOUND', message: `expected headers: ${expected.join(', ')}` }],
  );
}

/**
 * File bytes + mapping → a shared-format document, a map from every JSON Pointer it fills to the source cell,
 * and every error (conversion and validation) located in the file. The documentId is derived from the file's
 * content, so the same file converted twice is the same document.
 */
export async function importTable(
  bytes: Uint8Array,
  mapping: TableMapping,
  options: ImportOptions,
): Promise<ImportResult> {
  const { rows, header } = await locateTable(bytes, mapping);
  const headerCells = rows[header.at]!.cells.map(text);
  const stops = (mapping.stopAt ?? []).map((s) => new RegExp(s, 'iu'));
  const sourceMap = new Map<string, SourceLocation>();
  const errors: RowError[] = [];
  const out: Record<string, unknown>[] = [];
  let section: string | undefined;
  const rowsPtr = pointer('body', mapping.rowsField);
  for (const row of rows.slice(header.at + 1)) {
    const filled = row.cells.map(text).filter((c) => c !== '');
    if (filled.length === 0) continue;
    if (stops.some((re) => re.test(filled[0]!))) break;
    // A section heading («1. Консультации») is one text, merged across the row or alone in it.
    const oneText = new Set(filled).size === 1;
    const missesRequired = header.columns.some(
      (c) => !c.spec.optional && text(row.cells[c.index] ?? null) === '',
    );
    if (mapping.sectionField && oneText && (filled.length > 1 || missesRequired)) {
      section = filled[0];
      continue;
    }
    const index = out.length;
    const target: Record<string, unknown> = structuredClone(mapping.rowDefaults ?? {});
    const rowBase = `${rowsPtr}/${index}`;
    let rowId: string | undefined;
    for (const { index: col, spec } of header.columns) {
      const cell = row.cells[col] ?? null;
      const loc: SourceLocation = {
        row: row.rowNumber,
        column: columnLetter(col),
        header: headerCells[col] ?? spec.headers[0]!,
      };
      if (spec.kind === 'rowId') {
        rowId = text(cell) || undefined;
        sourceMap.set(`${rowBase}/rowId`, loc);
        continue;
      }
      const r = convertCell(spec, cell);
      if ('error' in r) {
        const p = rowBase + suffix(spec.field ?? '');
        sourceMap.set(p, loc);
        errors.push({ pointer: p, code: r.error, message: r.message, ...loc });
        continue;
      }
      for (const [path, value] of r.set) {
        setPath(target, path, value);
        sourceMap.set(rowBase + suffix(path), loc);
      }
      // An object-valued column (a programme, a full name) also answers for its own pointer.
      if (spec.field) sourceMap.set(rowBase + suffix(spec.field), loc);
    }
    target.rowId = rowId ?? String(index + 1);
    await options.completeRow?.(target);
    if (section !== undefined && mapping.sectionField) target[mapping.sectionField] = section;
    out.push(target);
  }
  const body: Record<string, unknown> = {
    ...structuredClone(mapping.bodyDefaults ?? {}),
    ...(options.body ?? {}),
  };
  body[mapping.rowsField] = out;
  if (mapping.sum) {
    const { into, of } = mapping.sum;
    body[into] = out.reduce(
      (acc, r) => acc + (typeof getPath(r, of) === 'number' ? (getPath(r, of) as number) : 0),
      0,
    );
  }
  const document: DmsDocument = {
    header: {
      documentId: contentId(mapping.type, bytes),
      type: mapping.type,
      formatVersion: '1',
      sender: options.sender,
      addressee: options.addressee,
      createdAt: options.createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    body,
  };
  if (out.length === 0) {
    errors.push({
      pointer: pointer('body', mapping.rowsField),
      code: 'NO_ROWS',
      message: 'the file holds no data rows under its header',
    });
  }
  const known = new Set(errors.map((e) => e.pointer));
  for (const e of validateDocument(document)) {
    if (known.has(e.pointer)) continue; // already reported with the conversion's own reason
    errors.push(locate(e, sourceMap));
  }
  return { document, sourceMap, errors };
}

/** The source of a pointer, or of its nearest ancestor that came from one cell (a missing field names its row). */
export function locate(error: FieldError, sourceMap: Map<string, SourceLocation>): RowError {
  let p = error.pointer;
  while (p !== '') {
    const loc = sourceMap.get(p);
    if (loc) return { ...error, ...loc };
    p = p.slice(0, p.lastIndexOf('/'));
  }
  // A row-level pointer (/body/rows/3/...) with no mapped cell still names the file row.
  const m = /^\/body\/[^/]+\/(\d+)/.exec(error.pointer);
  if (m) {
    for (const [k, v] of sourceMap) if (k.startsWith(m[0] + '/')) return { ...error, row: v.row };
  }
  return { ...error };
}

function cellFor(
  spec: ColumnMapping,
  row: Record<string, unknown>,
  index: number,
  format: TableFormat,
): CellValue {
  if (spec.kind === 'rowId') return String(row.rowId ?? index + 1);
  const v = spec.field ? getPath(row, spec.field) : undefined;
  switch (spec.kind) {
    case 'ignore':
      return '';
    case 'date':
      return typeof v === 'string' ? formatRuDate(v) : '';
    case 'money':
      return typeof v === 'number' ? (format === 'csv' ? formatMoney(v) : v / 100) : '';
    case 'integer':
      return typeof v === 'number' ? v : '';
    case 'sex':
      return v === 'M' ? 'М' : v === 'F' ? 'Ж' : '';
    case 'fullName': {
      const p = (v ?? {}) as Record<string, string | undefined>;
      return [p.lastName, p.firstName, p.middleName ?? spec.none?.[0]].filter(Boolean).join(' ');
    }
    case 'partyWithInn': {
      const p = v as { name?: string; inn?: string } | undefined;
      return p?.name ? (p.inn ? `${p.name} (ИНН ${p.inn})` : p.name) : '';
    }
    case 'enum':
      return Object.entries(spec.values ?? {}).find(([, val]) => val === v)?.[0] ?? '';
    case 'programme':
      return (v as { name?: string } | undefined)?.name ?? '';
    case 'serviceCode': {
      if (typeof v !== 'string') return '';
      const own = spec.via
        ? Object.entries(spec.via).find(([, code]) => normalizeServiceCode(code) === v)?.[0]
        : undefined;
      return own ?? v;
    }
    default:
      if (typeof v === 'string') return v;
      return spec.none?.[0] ?? '';
  }
}

/** Document → file bytes in the participant's local format: one header row, one row per document row. */
export async function exportTable(document: DmsDocument, mapping: TableMapping): Promise<Uint8Array> {
  const rows = (document.body[mapping.rowsField] ?? []) as Record<string, unknown>[];
  if (!Array.isArray(rows))
    throw new AdapterError('EXPORT_NO_ROWS', `body.${mapping.rowsField} is not an array`);
  const columns = mapping.columns.filter((c) => c.kind !== 'ignore');
  const table: CellValue[][] = [columns.map((c) => c.headers[0]!)];
  let section: unknown;
  rows.forEach((row, i) => {
    if (
      mapping.sectionField &&
      row[mapping.sectionField] !== undefined &&
      row[mapping.sectionField] !== section
    ) {
      section = row[mapping.sectionField];
      table.push(columns.map(() => String(section)));
    }
    table.push(columns.map((c) => cellFor(c, row, i, mapping.format)));
  });
  if (mapping.format !== 'csv') return writeSpreadsheet(table, mapping.format);
  const csv = writeCsv(
    table.map((r) => r.map((c) => (c === null ? '' : String(c)))),
    mapping.delimiter ?? ';',
  );
  return mapping.encoding === 'windows-1251'
    ? new Uint8Array((await import('iconv-lite')).default.encode(csv, 'win1251'))
    : new TextEncoder().encode(csv);
}
