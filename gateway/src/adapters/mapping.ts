import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { isDocumentType, type DocumentType, type FieldError } from '@dmsnet/formats';
import type { AddresseeMapping, HeaderFieldMapping } from './header-block.js';
import { AdapterError, type CsvEncoding, type TableFormat } from '@dmsnet/tables/table';

/** How a cell's text becomes a value of the shared format, and back. */
export type ColumnKind =
  | 'text'
  | 'date'
  | 'money'
  | 'integer'
  | 'sex'
  | 'fullName'
  | 'snils'
  | 'partyWithInn'
  | 'serviceCode'
  | 'serviceScope'
  | 'programme'
  | 'enum'
  | 'rowId'
  | 'ignore';

export interface ColumnMapping {
  /** Accepted header spellings (case and spacing ignored); the first is written on export. */
  headers: string[];
  /** Path under the row object, "/"-separated (e.g. person/birthDate). */
  field?: string;
  kind: ColumnKind;
  optional?: boolean;
  /** Cell texts that mean "no value" (ОМС exports write a missing patronymic as «НЕТ»). */
  none?: string[];
  /** programme: name as written → programme code. */
  codes?: Record<string, string>;
  /** serviceCode: a clinic's own code → Nomenclature code (an invoice register mapped through the price list). */
  via?: Record<string, string>;
  /** enum: cell text → value (ОМС T_PRIK 1/2 → attach/detach). */
  values?: Record<string, string>;
}

export interface TableMapping {
  type: DocumentType;
  /** The kind received documents are exported to; a file to import may be of any kind the adapters read. */
  format: TableFormat;
  /** The sheet that holds the table; without it, the first sheet holding the mapping's headers. */
  sheet?: string;
  encoding?: CsvEncoding;
  delimiter?: string;
  /** Array in the body the rows go to (rows for lists, lines for price lists and invoices). */
  rowsField: string;
  /**
   * Body fields that are the same in every file of this kind (currency, VAT exemption). A document's own header
   * fields — its number, date, period, contract — are never here: they are `header` fields.
   */
  bodyDefaults?: Record<string, unknown>;
  /** The document's header fields: read from the file's title lines or a cell, or asked of the sender. */
  header?: HeaderFieldMapping[];
  /** Where the file names its addressee (an invoice's «Плательщик: …»). */
  addressee?: AddresseeMapping;
  /** Fields every row gets (e.g. action: attach). */
  rowDefaults?: Record<string, unknown>;
  /** Rows whose first non-empty cell matches end the table (totals, signatures). */
  stopAt?: string[];
  /** Row field set from a section row (a row whose non-empty cells all hold one text). */
  sectionField?: string;
  /** Body field that holds the sum of a row field (an invoice's total of its line amounts). */
  sum?: { into: string; of: string };
  columns: ColumnMapping[];
}

const KINDS: readonly ColumnKind[] = [
  'text',
  'date',
  'money',
  'integer',
  'sex',
  'fullName',
  'snils',
  'partyWithInn',
  'serviceCode',
  'serviceScope',
  'programme',
  'enum',
  'rowId',
  'ignore',
];

/** Validates a parsed mapping file, naming each wrong field by JSON Pointer. */
export function parseMapping(text: string, source = 'mapping'): TableMapping {
  let raw: unknown;
  try {
    // parse() would print each warning (an unresolved tag, a collection as a key…) to stderr through
    // process.emitWarning, away from the operator who wrote the file and slowly; a file the parser is unsure of is
    // refused with the warning as its reason instead, as an error is.
    const doc = parseDocument(text, { logLevel: 'error' });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw problem;
    raw = doc.toJS();
  } catch (e) {
    throw new AdapterError('MAPPING_YAML_INVALID', `${source}: not valid YAML: ${(e as Error).message}`);
  }
  const errors: FieldError[] = [];
  const m = raw as Partial<TableMapping> | null;
  if (!m || typeof m !== 'object')
    throw new AdapterError('MAPPING_INVALID', `${source}: must be a YAML mapping`);
  if (!isDocumentType(m.type))
    errors.push({ pointer: '/type', code: 'ENUM', message: 'type must be a dmsnet document type' });
  if (!['csv', 'xlsx', 'xls', 'ods'].includes(m.format as string))
    errors.push({ pointer: '/format', code: 'ENUM', message: 'format must be csv, xlsx, xls or ods' });
  if (m.sheet !== undefined && (typeof m.sheet !== 'string' || m.sheet === ''))
    errors.push({ pointer: '/sheet', code: 'TYPE', message: 'sheet must be the name of a sheet' });
  if (m.encoding !== undefined && !['utf-8', 'windows-1251', 'auto'].includes(m.encoding)) {
    errors.push({
      pointer: '/encoding',
      code: 'ENUM',
      message: 'encoding must be utf-8, windows-1251 or auto',
    });
  }
  if (typeof m.rowsField !== 'string')
    errors.push({ pointer: '/rowsField', code: 'REQUIRED', message: 'rowsField is required' });
  if (!Array.isArray(m.columns) || m.columns.length === 0) {
    errors.push({ pointer: '/columns', code: 'REQUIRED', message: 'columns must be a non-empty list' });
  } else {
    m.columns.forEach((c, i) => {
      // A list item left empty («- ») is null, and a scalar item is no column either.
      if (typeof c !== 'object' || c === null || Array.isArray(c)) {
        errors.push({ pointer: `/columns/${i}`, code: 'TYPE', message: 'a column must be a mapping' });
        return;
      }
      if (
        !Array.isArray(c.headers) ||
        c.headers.length === 0 ||
        !c.headers.every((h) => typeof h === 'string')
      ) {
        errors.push({
          pointer: `/columns/${i}/headers`,
          code: 'REQUIRED',
          message: 'headers must be a non-empty list of texts',
        });
      }
      if (!KINDS.includes(c.kind))
        errors.push({
          pointer: `/columns/${i}/kind`,
          code: 'ENUM',
          message: `kind must be one of ${KINDS.join(', ')}`,
        });
      // A service scope sets two fields of the row itself (match and code) unless a field names where they go.
      if (!['ignore', 'rowId', 'serviceScope'].includes(c.kind) && typeof c.field !== 'string') {
        errors.push({
          pointer: `/columns/${i}/field`,
          code: 'REQUIRED',
          message: 'field is required for this kind',
        });
      }
      if (c.kind === 'enum' && (typeof c.values !== 'object' || c.values === null)) {
        errors.push({
          pointer: `/columns/${i}/values`,
          code: 'REQUIRED',
          message: 'an enum column needs values (text → value)',
        });
      }
      if (c.kind === 'programme' && (typeof c.codes !== 'object' || c.codes === null)) {
        errors.push({
          pointer: `/columns/${i}/codes`,
          code: 'REQUIRED',
          message: 'a programme column needs codes (name → code)',
        });
      }
    });
  }
  checkHeader(m, errors);
  if (errors.length > 0)
    throw new AdapterError('MAPPING_INVALID', `${source}: the mapping file is invalid`, errors);
  return m as TableMapping;
}

const HEADER_KINDS = ['text', 'date', 'month', 'integer'];
/** The header fields that a document's identity depends on may not hide in bodyDefaults as constants. */
const HEADER_FIELDS = [
  'invoiceNumber',
  'invoiceDate',
  'billingPeriod',
  'contract',
  'listNumber',
  'listDate',
  'priceListNumber',
  'programme',
  'validity',
  'letterNumber',
  'actNumber',
  'actDate',
];

function checkPattern(p: unknown, at: string, errors: FieldError[]): void {
  if (p === undefined) return;
  if (typeof p !== 'string') {
    errors.push({ pointer: at, code: 'TYPE', message: 'a pattern is a regular expression text' });
    return;
  }
  try {
    if (new RegExp(`${p}|`, 'u').exec('')!.length < 2)
      errors.push({
        pointer: at,
        code: 'PATTERN_GROUP',
        message: 'the pattern needs a group ( … ) for the value',
      });
  } catch (e) {
    errors.push({ pointer: at, code: 'PATTERN_INVALID', message: (e as Error).message });
  }
}

function checkHeader(m: Partial<TableMapping>, errors: FieldError[]): void {
  const defaults = typeof m.bodyDefaults === 'object' && m.bodyDefaults !== null ? m.bodyDefaults : {};
  for (const f of HEADER_FIELDS) {
    if (Object.hasOwn(defaults, f))
      errors.push({
        pointer: `/bodyDefaults/${f}`,
        code: 'HEADER_CONSTANT',
        message: `${f} differs from file to file: declare it under header (read from the file or asked of the sender)`,
      });
  }
  if (m.header !== undefined && !Array.isArray(m.header)) {
    errors.push({ pointer: '/header', code: 'TYPE', message: 'header must be a list of fields' });
    return;
  }
  (m.header ?? []).forEach((h, i) => {
    if (typeof h !== 'object' || h === null) {
      errors.push({ pointer: `/header/${i}`, code: 'TYPE', message: 'a header field must be a mapping' });
      return;
    }
    if (typeof h.field !== 'string' || !/^[A-Za-z][A-Za-z0-9]*(\/[A-Za-z][A-Za-z0-9]*)*$/.test(h.field))
      errors.push({
        pointer: `/header/${i}/field`,
        code: 'REQUIRED',
        message: 'field is a body path (contract/number)',
      });
    if (!HEADER_KINDS.includes(h.kind))
      errors.push({
        pointer: `/header/${i}/kind`,
        code: 'ENUM',
        message: `kind must be one of ${HEADER_KINDS.join(', ')}`,
      });
    if (typeof h.label !== 'string' || !h.label)
      errors.push({
        pointer: `/header/${i}/label`,
        code: 'REQUIRED',
        message: 'label (Russian) names the field in the form',
      });
    checkPattern(h.pattern, `/header/${i}/pattern`, errors);
    if (h.cell !== undefined && (typeof h.cell !== 'string' || !/^[A-Z]{1,3}[1-9][0-9]{0,6}$/i.test(h.cell)))
      errors.push({ pointer: `/header/${i}/cell`, code: 'PATTERN', message: 'cell is an A1 reference (B2)' });
  });
  if (m.addressee !== undefined) {
    if (typeof m.addressee !== 'object' || m.addressee === null)
      errors.push({
        pointer: '/addressee',
        code: 'TYPE',
        message: 'addressee is a mapping with pattern or cell',
      });
    else {
      checkPattern(m.addressee.pattern, '/addressee/pattern', errors);
      if (m.addressee.pattern === undefined && m.addressee.cell === undefined)
        errors.push({
          pointer: '/addressee',
          code: 'REQUIRED',
          message: 'addressee needs a pattern or a cell',
        });
    }
  }
}

export function loadMapping(path: string): TableMapping {
  return parseMapping(readFileSync(path, 'utf8'), path);
}
