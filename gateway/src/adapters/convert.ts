import { createHash } from 'node:crypto';
import {
  normalizeDigits,
  normalizeServiceCode,
  pointer,
  validateDocument,
  type DmsDocument,
  type FieldError,
  type PartyRef,
} from '@dmsnet/formats';
import { readAddresseeName, readHeaderFields, type HeaderValue } from './header-block.js';
import type { ColumnMapping, TableMapping } from './mapping.js';
import { SourceMap, type SourceLocation } from './source-map.js';
import { writeSpreadsheet } from '@dmsnet/tables/spreadsheet';
import {
  AdapterError,
  columnLetter,
  readSheets,
  writeCsv,
  type CellValue,
  type SourceRow,
  type TableFormat,
} from '@dmsnet/tables/table';

/** A row error as the local system needs it: the file's row and column beside the JSON Pointer. */
export interface RowError extends FieldError {
  row?: number;
  column?: string;
  header?: string;
}

export interface ImportOptions {
  sender: PartyRef;
  /**
   * The addressee, or how to find it from the name the file gives (undefined when the mapping names no place for
   * it or the file leaves it empty); a resolver throws a typed error naming the field when it cannot.
   */
  addressee: PartyRef | ((nameInFile: string | undefined) => Promise<PartyRef>);
  /** Overrides of the mapping's bodyDefaults (e.g. contract per addressee). */
  body?: Record<string, unknown>;
  /** Header field values the sender typed, by field path (contract/number): they win over the file's. */
  fields?: Record<string, unknown>;
  createdAt?: string;
  /**
   * Completes a row from local data before validation, e.g. a clinic register that names a patient only by
   * name and policy gets birth date and sex from the roster. Fields it adds have no source cell.
   */
  completeRow?: (row: Record<string, unknown>) => void | Promise<void>;
  /** Completes body fields the file does not hold from local data, after the rows and before validation. */
  completeBody?: (body: Record<string, unknown>) => void | Promise<void>;
  /**
   * The format version to write and its schema text, as the registry holds it: a node sends the version active now
   * (GatewayNode.sendingFormat). Without it, version 1 and its bundled schema, as a check needing no network does.
   */
  format?: { version: string; schemaText?: string };
}

export interface ImportResult {
  document: DmsDocument;
  /** The mapping's header fields: each value and whether it came from the file or the form. */
  header: HeaderValue[];
  /** The addressee's name as the file writes it, where the mapping says where. */
  addresseeInFile?: string;
  /** JSON Pointer → source cell. */
  sourceMap: SourceMap;
  errors: RowError[];
}

const normalize = (s: string): string => s.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
/** Cells repeat (sex, patronymics, programmes): each distinct text is normalised once per few thousand. */
const normMemo = new Map<string, string>();
function norm(s: string): string {
  let n = normMemo.get(s);
  if (n === undefined) {
    if (normMemo.size >= 4096) normMemo.clear();
    normMemo.set(s, (n = normalize(s)));
  }
  return n;
}

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
  setParts(target, split(path), value);
}

function setParts(target: Record<string, unknown>, parts: readonly string[], value: unknown): void {
  let o = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
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

/** y (four digits), month and day as written → YYYY-MM-DD when that day exists in the (proleptic Gregorian) calendar. */
function isRealDate(y: string, mo: string, d: string): string | null {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days ? `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}` : null;
}

const DIGITS_AT = [0, 1, 3, 4, 6, 7, 8, 9];
const isDigit = (t: string, i: number): boolean => {
  const c = t.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};
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
  // dd.mm.yyyy, by far the commonest form, without the regular expression.
  if (
    t.length === 10 &&
    t.charCodeAt(2) === 0x2e &&
    t.charCodeAt(5) === 0x2e &&
    DIGITS_AT.every((i) => isDigit(t, i))
  )
    return isRealDate(t.slice(6), t.slice(3, 5), t.slice(0, 2));
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

/**
 * A mapping's table (programme codes, enum values, own service codes) by normalised key, the first entry winning
 * as a search in file order would: normalising every key again for every cell was a tenth of an import. Kept per
 * table object: a loaded mapping is not changed afterwards.
 */
interface Lookup {
  byNorm: Map<string, [string, unknown]>;
  /** The answer for a cell text as written: a column repeats a handful of texts thousands of times. */
  byText: Map<string, [string, unknown] | undefined>;
}
const lookupCache = new WeakMap<object, Lookup>();
const BY_TEXT_MAX = 4096;
function lookup(table: Record<string, unknown> | undefined, t: string): [string, unknown] | undefined {
  if (!table) return undefined;
  let l = lookupCache.get(table);
  if (!l) {
    l = { byNorm: new Map(), byText: new Map() };
    for (const [k, v] of Object.entries(table)) {
      const n = norm(k);
      if (!l.byNorm.has(n)) l.byNorm.set(n, [k, v]);
    }
    lookupCache.set(table, l);
  }
  if (l.byText.has(t)) return l.byText.get(t);
  const hit = l.byNorm.get(norm(t));
  if (l.byText.size >= BY_TEXT_MAX) l.byText.clear();
  l.byText.set(t, hit);
  return hit;
}

const NOTHING: { set: Array<[string, unknown]> } = { set: [] };

/**
 * What a cell text reads as, remembered for the next few thousand distinct texts: a list repeats its dates (every
 * row's period), employers and programmes row after row.
 */
const MEMO_MAX = 8192;
const dateMemo = new Map<string, string | null>();
const partyMemo = new Map<string, [string, string | undefined]>();
function memo<T>(table: Map<string, T>, key: string, read: (key: string) => T): T {
  let v = table.get(key);
  if (v === undefined && !table.has(key)) {
    if (table.size >= MEMO_MAX) table.clear();
    table.set(key, (v = read(key)));
  }
  return v as T;
}

function readParty(t: string): [string, string | undefined] {
  // The closing "(ИНН digits)" is found by position, not by a pattern over the whole cell: `^(.*?)\s*\(` took
  // quadratic time on a cell of many spaces.
  const open = t.lastIndexOf('(');
  const m = open >= 0 ? /^\(\s*ИНН\s*(\d+)\s*\)$/i.exec(t.slice(open)) : null;
  return m ? [t.slice(0, open).trimEnd(), m[1]!] : [t, undefined];
}

/**
 * Converts one cell; returns the value of the column's field, or the fields to set (relative path → value), or an
 * error code. One value is the common case and is returned without building a list.
 */
function convertCell(
  spec: ColumnMapping,
  cell: CellValue,
  none: readonly string[] = normalizedNone(spec),
): { value: unknown } | { set: Array<[string, unknown]> } | { error: string; message: string } {
  const t = text(cell);
  const field = spec.field ?? '';
  if (t === '' || (none.length > 0 && none.includes(norm(t)))) return NOTHING;
  switch (spec.kind) {
    case 'text':
      return { value: t };
    case 'snils':
      return { value: normalizeDigits(t) };
    case 'date': {
      const d = typeof cell === 'string' ? memo(dateMemo, cell, parseRuDate) : parseRuDate(cell);
      return d
        ? { value: d }
        : { error: ERR.date, message: 'a date must be dd.mm.yyyy and exist in the calendar' };
    }
    case 'money': {
      const m = readMoney(cell);
      return 'kopecks' in m ? { value: m.kopecks } : m;
    }
    case 'integer': {
      const n = typeof cell === 'number' ? cell : Number(t.replace(',', '.'));
      return Number.isInteger(n) ? { value: n } : { error: ERR.integer, message: 'must be a whole number' };
    }
    case 'sex': {
      const s = norm(t);
      if (['м', 'm', 'муж', 'мужской', '1'].includes(s)) return { value: 'M' };
      if (['ж', 'f', 'жен', 'женский', '2'].includes(s)) return { value: 'F' };
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
      // A fresh object per row (rows are the caller's to change), from the text's parts read once.
      const [name, inn] = memo(partyMemo, t, readParty);
      return { value: inn === undefined ? { name } : { name, inn } };
    }
    case 'programme': {
      const entry = lookup(spec.codes, t);
      return entry
        ? { value: { code: entry[1], name: t } }
        : { error: ERR.programme, message: 'the programme is not in the mapping file' };
    }
    case 'enum': {
      const entry = lookup(spec.values, t);
      return entry
        ? { value: entry[1] }
        : { error: 'VALUE_UNKNOWN', message: `must be one of ${Object.keys(spec.values ?? {}).join(', ')}` };
    }
    case 'serviceCode': {
      if (spec.via) {
        const hit = lookup(spec.via, t);
        if (!hit) return { error: ERR.serviceCode, message: 'the clinic code is not in the price list' };
        return { value: normalizeServiceCode(hit[1] as string) };
      }
      return { value: normalizeServiceCode(t) };
    }
    case 'serviceScope': {
      // A programme's table writes a prefix with a star («A09.05.*»), a section as its letter or letter and type
      // («A», «B01»), and a service as its code; the format's rules judge the code itself.
      const at = (k: string) => (field ? `${field}/${k}` : k);
      const c = normalizeServiceCode(t.replace(/\s/g, ''));
      const star = /\.?\*$/.exec(c);
      const [match, code] = star
        ? ['prefix', c.slice(0, star.index)]
        : /^[AB](?:\d{2})?$/.test(c)
          ? ['section', c]
          : ['code', c];
      return {
        set: [
          [at('match'), match],
          [at('code'), code],
        ],
      };
    }
    case 'rowId':
    case 'ignore':
      return { set: [] };
  }
}

/**
 * The document id: the file's bytes, its addressee and what the sender typed. The same file to the same addressee is
 * the same document (a resend is idempotent); the same file to another addressee — sent again after a withdrawal
 * from the wrong one — is another document (decision record 0032).
 */
function contentId(
  type: string,
  bytes: Uint8Array,
  addressee: string,
  fields: Record<string, unknown> | undefined,
): string {
  const h = createHash('sha256').update(bytes).update(`\u0000${addressee}`);
  if (fields && Object.keys(fields).length)
    h.update(`\u0000${JSON.stringify(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)))}`);
  return `${type}-${h.digest('hex').slice(0, 32)}`;
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
  const addresseeInFile = readAddresseeName(rows, header.at, mapping.addressee);
  const addressee =
    typeof options.addressee === 'function' ? await options.addressee(addresseeInFile) : options.addressee;
  const head = readHeaderFields(rows, header.at, mapping.header ?? [], options.fields ?? {}, parseRuDate);
  const headerCells = rows[header.at]!.cells.map(text);
  const stops = (mapping.stopAt ?? []).map((s) => new RegExp(s, 'iu'));
  const rowsPtr = pointer('body', mapping.rowsField);
  const columnsOf: { column: string; header: string }[] = [];
  for (const { index, spec } of header.columns) {
    columnsOf[index] = { column: columnLetter(index), header: headerCells[index] ?? spec.headers[0]! };
  }
  const sourceMap = new SourceMap(rowsPtr, columnsOf);
  // What every row repeats for a column, worked out once.
  const plans = header.columns.map(({ index: col, spec }) => {
    const field = spec.field ?? '';
    return {
      col,
      spec,
      none: normalizedNone(spec),
      parts: split(field),
      fieldId: sourceMap.idOf(suffix(field)),
    };
  });
  const errors: RowError[] = [];
  const out: Record<string, unknown>[] = [];
  const rowDefaults = mapping.rowDefaults ?? {};
  let section: string | undefined;
  for (let r = header.at + 1; r < rows.length; r++) {
    const row = rows[r]!;
    // The first non-empty cell; how many there are and whether they all say the same only matter for sections.
    let filled = 0;
    let first = '';
    let oneText = true;
    for (const c of row.cells) {
      const t = text(c);
      if (t === '') continue;
      if (filled++ === 0) first = t;
      else if (t !== first) oneText = false;
      if (!mapping.sectionField) break;
    }
    if (filled === 0) continue;
    if (stops.some((re) => re.test(first))) break;
    // A section heading («1. Консультации») is one text, merged across the row or alone in it.
    if (mapping.sectionField && oneText) {
      const missesRequired = header.columns.some(
        (c) => !c.spec.optional && text(row.cells[c.index] ?? null) === '',
      );
      if (filled > 1 || missesRequired) {
        section = first;
        continue;
      }
    }
    const index = sourceMap.addRow(row.rowNumber);
    const target = cloneJson(rowDefaults) as Record<string, unknown>;
    let rowId: string | undefined;
    for (const { col, spec, none, parts, fieldId } of plans) {
      const cell = row.cells[col] ?? null;
      if (spec.kind === 'rowId') {
        rowId = text(cell) || undefined;
        sourceMap.set(index, '/rowId', col);
        continue;
      }
      const r = convertCell(spec, cell, none);
      if ('value' in r) {
        // The field's own pointer: set once, as the list form below would set it twice.
        setParts(target, parts, r.value);
        sourceMap.setId(index, fieldId, col);
        continue;
      }
      if ('error' in r) {
        const s = suffix(spec.field ?? '');
        sourceMap.set(index, s, col);
        const loc: SourceLocation = { row: row.rowNumber, ...columnsOf[col]! };
        errors.push({ pointer: `${rowsPtr}/${index}${s}`, code: r.error, message: r.message, ...loc });
        continue;
      }
      for (const [path, value] of r.set) {
        setPath(target, path, value);
        sourceMap.set(index, suffix(path), col);
      }
      // An object-valued column (a programme, a full name) also answers for its own pointer.
      if (spec.field) sourceMap.set(index, suffix(spec.field), col);
    }
    target.rowId = rowId ?? String(index + 1);
    if (options.completeRow) await options.completeRow(target);
    if (section !== undefined && mapping.sectionField) target[mapping.sectionField] = section;
    out.push(target);
  }
  const body: Record<string, unknown> = {
    ...structuredClone(mapping.bodyDefaults ?? {}),
    ...(options.body ?? {}),
  };
  for (const h of head.values) if (h.value !== undefined) setPath(body, h.field, h.value);
  body[mapping.rowsField] = out;
  if (mapping.sum) {
    const { into, of } = mapping.sum;
    body[into] = out.reduce(
      (acc, r) => acc + (typeof getPath(r, of) === 'number' ? (getPath(r, of) as number) : 0),
      0,
    );
  }
  if (options.completeBody) {
    await options.completeBody(body);
    for (const h of head.values) {
      const v = h.value === undefined ? getPath(body, h.field) : undefined;
      if (v !== undefined) Object.assign(h, { value: v, source: 'local' });
    }
  }
  const document: DmsDocument = {
    header: {
      documentId: contentId(mapping.type, bytes, addressee.ogrn, options.fields),
      type: mapping.type,
      formatVersion: options.format?.version ?? '1',
      sender: options.sender,
      addressee,
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
  errors.push(...head.errors);
  const known = new Set(errors.map((e) => e.pointer));
  const schemaText = options.format?.schemaText;
  for (const e of validateDocument(document, schemaText ? { schemaText } : {})) {
    if (known.has(e.pointer)) continue; // already reported with the conversion's own reason
    errors.push(locate(e, sourceMap));
  }
  return {
    document,
    sourceMap,
    errors,
    header: head.values,
    ...(addresseeInFile !== undefined ? { addresseeInFile } : {}),
  };
}

/** The source of a pointer, or of its nearest ancestor that came from one cell (a missing field names its row). */
export function locate(error: FieldError, sourceMap: SourceMap): RowError {
  let p = error.pointer;
  while (p !== '') {
    const loc = sourceMap.get(p);
    if (loc) return { ...error, ...loc };
    p = p.slice(0, p.lastIndexOf('/'));
  }
  // A row-level pointer (/body/rows/3/...) with no mapped cell still names the file row.
  const row = sourceMap.fileRowOf(error.pointer);
  return row === undefined ? { ...error } : { ...error, row };
}

/** A copy of a mapping's defaults (plain YAML data), for each row to own. */
function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A "__proto__" key stays an own property, as structuredClone kept it.
      if (k === '__proto__')
        Object.defineProperty(out, k, {
          value: cloneJson(v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[k] = cloneJson(v);
    }
    return out;
  }
  return value;
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
    case 'serviceScope': {
      const r = (spec.field ? v : row) as { match?: string; code?: string } | undefined;
      return r?.code ? (r.match === 'prefix' ? `${r.code}.*` : r.code) : '';
    }
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
export async function exportTable(
  document: DmsDocument,
  mapping: TableMapping,
  options: { encoding?: 'utf-8' | 'windows-1251' } = {},
): Promise<Uint8Array> {
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
  return (options.encoding ?? mapping.encoding) === 'windows-1251'
    ? new Uint8Array((await import('iconv-lite')).default.encode(csv, 'win1251'))
    : new TextEncoder().encode(csv);
}
