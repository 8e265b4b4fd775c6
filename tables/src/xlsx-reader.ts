import { AdapterError } from './errors.js';
import type { CellValue, SourceRow } from './cells.js';
import { CLOSE, EMPTY, END, OPEN, Unsupported, XmlScanner } from './xml-scan.js';
import { readEntry, tooLarge, zipEntries, type ZipEntry } from './zip.js';

/**
 * The XLSX table reader: the parts a table needs (workbook.xml and its rels for the sheets and their order,
 * sharedStrings.xml, styles.xml for date formats, the worksheets), unzipped by zlib and read by one forward scan
 * each, instead of exceljs's whole object model (eight times the import's own cost on a 20,000-row list, profiled).
 *
 * It hands the import exactly what the exceljs reader did, quirks included, so the mapping and everything after it
 * is unchanged; the tests hold it to exceljs on random workbooks. Where exceljs's answer depends on a feature read
 * here only partly (overlapping merges, unusual sheet ids or names, inline text mixed with runs, rows numbered 0…)
 * the reader throws Unsupported and the caller reads that workbook with exceljs instead, once the archive has been
 * checked to inflate within bounds and its sheets to stay within the row and merge limits.
 */
export interface XlsxSheet {
  name: string;
  rows: SourceRow[];
}

/**
 * Every part read counts against this, so a workbook of many huge sheets is bounded too (decision 0021,
 * «Ceilings»). A 20 MB upload of a real register inflates to about 215 MB (the bench's generated 50,000-row list:
 * 2.5 MB → 27 MB, 10.7×; the same row repeated 50,000 times: 11.7×); the largest importable list (200,000 rows of
 * 20 columns) to about 165 MB. 320 MB is 1.5× the former and 16× a full upload: only filler repeated far beyond a
 * real sheet's ratio, or a bomb, reaches it.
 */
export const MAX_TOTAL_BYTES = 320 * 1024 * 1024;
/** Excel's own limits: a reference beyond them is not a spreadsheet's. */
const MAX_ROW = 1_048_576;
const MAX_COL = 16_384;
/**
 * Cells materialised across a workbook (holes between sparse cells included). The schemas cap a list at 200,000
 * rows: 4 million cells at 20 columns; a 20 MB upload of real rows holds about 5.3 million (3.9 compressed bytes a
 * cell measured). 10 million is twice that, and costs at most a few hundred MB of heap (a slot and a value each).
 */
export const MAX_CELLS = 10_000_000;
/** Merged cells (exceljs makes an object of each): far above a form's titles and headers, a fifth of MAX_CELLS. */
export const MAX_MERGED_CELLS = 2_000_000;

/** What exceljs hands over for a cell it holds as an object without a value it knows (String of an object). */
const OBJECT_TEXT = '[object Object]';

function bad(message: string): AdapterError {
  return new AdapterError('XLSX_NOT_A_WORKBOOK', `the XLSX workbook cannot be read: ${message}`);
}

/** exceljs's own date test on a number format: any of y m d h s b outside quotes and brackets. */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** Built-in number formats that exceljs knows and reads as dates (ids 14–22, 45–47). */
const BUILTIN_DATE_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** The second entity decoding exceljs applies to sheet names and text formula results. */
function xmlDecodeAgain(text: string): string {
  return text.replace(/&([a-z]*);/g, (c) => {
    switch (c) {
      case '&lt;':
        return '<';
      case '&gt;':
        return '>';
      case '&amp;':
        return '&';
      case '&apos;':
        return "'";
      case '&quot;':
        return '"';
      default:
        return c;
    }
  });
}

/** OOXML's escape for characters XML cannot hold (_x000D_), as exceljs decodes it in shared strings and runs. */
function unescapeOoxml(text: string): string {
  return text.includes('_x')
    ? text.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : text;
}

/** A spreadsheet serial → Date, with exceljs's arithmetic (whatever the operand: it coerces as it does). */
function excelToDate(v: unknown, date1904: boolean): Date {
  return new Date(Math.round((Number(v) - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

class Archive {
  private total = 0;
  constructor(
    private readonly bytes: Uint8Array,
    readonly entries: Map<string, ZipEntry>,
  ) {}

  /** A part's text; counted against the ceiling unless it is a second look at a part already counted. */
  text(name: string, counted = true): string | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (counted) this.total += entry.size;
    if (this.total > MAX_TOTAL_BYTES) throw tooLarge(`its parts exceed ${MAX_TOTAL_BYTES} bytes`);
    return new TextDecoder().decode(readEntry(this.bytes, entry));
  }

  /** Before exceljs reads it all: every entry inflates within its declared size, the sum within the ceiling. */
  checkAll(): void {
    let total = 0;
    for (const entry of this.entries.values()) {
      total += entry.size;
      if (total > MAX_TOTAL_BYTES) throw tooLarge(`its parts exceed ${MAX_TOTAL_BYTES} bytes`);
      readEntry(this.bytes, entry);
    }
  }
}

/** The root element must be the unprefixed one exceljs recognises; anything else is its call. */
function root(scan: XmlScanner, name: string): void {
  for (;;) {
    const kind = scan.next();
    if (kind === END) throw new Unsupported(`no <${name}>`);
    if (kind === OPEN || kind === EMPTY) {
      if (scan.tag() !== name) throw new Unsupported(`<${scan.tag()}> instead of <${name}>`);
      return;
    }
  }
}

interface SheetRef {
  name: string | undefined;
  id: string | undefined;
  rId: string | undefined;
}

function readWorkbook(xml: string): { sheets: SheetRef[]; date1904: boolean } {
  const scan = new XmlScanner(xml);
  root(scan, 'workbook');
  const sheets: SheetRef[] = [];
  let date1904 = false;
  for (let kind = scan.next(); kind !== END; kind = scan.next()) {
    if (kind === CLOSE) continue;
    if (scan.tag() === 'sheet') {
      const a = scan.attrs();
      sheets.push({ name: a.name, id: a.sheetId, rId: a['r:id'] });
    } else if (scan.tag() === 'workbookPr') date1904 = scan.attr('date1904') === '1';
    else if (scan.tag() === 'definedNames' || scan.tag() === 'extLst') scan.skip();
  }
  return { sheets, date1904 };
}

function readRels(xml: string | undefined): Map<string, string | undefined> {
  const rels = new Map<string, string | undefined>();
  if (xml === undefined) return rels;
  const scan = new XmlScanner(xml);
  root(scan, 'Relationships');
  for (let kind = scan.next(); kind !== END; kind = scan.next()) {
    if (kind !== CLOSE && scan.tag() === 'Relationship') {
      const a = scan.attrs();
      if (a.Id !== undefined) rels.set(a.Id, a.Target);
    }
  }
  return rels;
}

/** A shared string: its text, or the runs of a rich text (a run without <t> has no text), or exceljs's {}. */
type Shared = string | { runs: string[] } | null;

function sharedText(s: Shared): string {
  if (typeof s === 'string') return s;
  return s === null ? OBJECT_TEXT : s.runs.join('');
}

/** A run (<r>): the text of its <t>, _xHHHH_ decoded; formatting (<rPr>) skipped. */
function readRun(scan: XmlScanner): string {
  let text = '';
  for (let kind = scan.next(); ; kind = scan.next()) {
    if (kind === END) throw new Unsupported('an unclosed run');
    if (kind === CLOSE) {
      if (scan.tag() === 'r') return text;
      continue;
    }
    if (scan.tag() === 't') text = unescapeOoxml(scan.text() ?? '');
    else if (scan.tag() === 'rPr') scan.skip();
  }
}

function readSharedStrings(xml: string | undefined): Shared[] | undefined {
  if (xml === undefined) return undefined;
  const scan = new XmlScanner(xml);
  root(scan, 'sst');
  const out: Shared[] = [];
  for (let kind = scan.next(); kind !== END; kind = scan.next()) {
    if (kind === CLOSE) continue;
    if (scan.tag() !== 'si') throw new Unsupported(`<${scan.tag()}> in the shared strings`);
    let item: Shared = null;
    if (kind === OPEN) {
      for (let k = scan.next(); !scan.closes('si'); k = scan.next()) {
        if (k === END) throw new Unsupported('an unclosed <si>');
        if (k === CLOSE) continue;
        if (scan.tag() === 't') item = unescapeOoxml(scan.text() ?? '');
        else if (scan.tag() === 'r') {
          if (typeof item === 'string') throw new Unsupported('a run after the text of a shared string');
          const run = k === EMPTY ? '' : readRun(scan);
          if (item === null) item = { runs: [run] };
          else item.runs.push(run);
        } else if (scan.tag() === 'rPh') scan.skip();
      }
    }
    out.push(item);
  }
  return out;
}

/** Per cellXfs index: is a number in that style a date (to exceljs)? */
function readDateStyles(xml: string | undefined): boolean[] | undefined {
  if (xml === undefined) return undefined;
  const scan = new XmlScanner(xml);
  root(scan, 'styleSheet');
  const custom = new Map<number, string>();
  const xfs: number[] = [];
  const skipped = new Set([
    'fonts',
    'fills',
    'borders',
    'cellStyleXfs',
    'dxfs',
    'cellStyles',
    'tableStyles',
    'extLst',
    'colors',
  ]);
  for (let kind = scan.next(); kind !== END; kind = scan.next()) {
    if (kind === CLOSE) continue;
    if (skipped.has(scan.tag())) scan.skip();
    else if (scan.tag() === 'numFmts' && kind === OPEN) {
      for (let k = scan.next(); !scan.closes('numFmts'); k = scan.next()) {
        if (k === END) throw new Unsupported('an unclosed <numFmts>');
        if (k === CLOSE || scan.tag() !== 'numFmt') continue;
        const a = scan.attrs();
        if (a.formatCode === undefined) throw new Unsupported('a number format without a code');
        custom.set(parseInt(a.numFmtId ?? '', 10), a.formatCode.replace(/[\\](.)/g, '$1'));
        scan.skip();
      }
    } else if (scan.tag() === 'cellXfs' && kind === OPEN) {
      for (let k = scan.next(); !scan.closes('cellXfs'); k = scan.next()) {
        if (k === END) throw new Unsupported('an unclosed <cellXfs>');
        if (k === CLOSE || scan.tag() !== 'xf') continue;
        xfs.push(parseInt(scan.attr('numFmtId') ?? '', 10));
        scan.skip();
      }
    }
  }
  return xfs.map((id) => {
    if (!id) return false;
    const code = custom.get(id);
    if (code) return isDateFormat(code);
    return BUILTIN_DATE_IDS.has(id);
  });
}

interface Context {
  shared: Shared[] | undefined;
  dates: boolean[] | undefined;
  date1904: boolean;
  /** The attributes of the cell being read, reused from cell to cell. */
  attrs: { r: string | undefined; s: string | undefined; t: string | undefined };
  /** The column of the cell readCell last returned a value for. */
  col: number;
  /** The cell references of the current sheet's external hyperlinks (those exceljs resolves), if any. */
  links: Set<string> | undefined;
}

/** A column from a cell reference as exceljs reads it (the letters; the row part is not used): [$]A-ZZZ[$]digits. */
function columnOf(ref: string): number {
  let i = ref.charCodeAt(0) === 0x24 ? 1 : 0;
  const lettersFrom = i;
  let col = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 0x41 || c > 0x5a) break;
    col = col * 26 + c - 64;
  }
  const letters = i - lettersFrom;
  if (ref.charCodeAt(i) === 0x24) i++;
  const digitsFrom = i;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
  }
  if (letters < 1 || letters > 3 || i === digitsFrom || i !== ref.length)
    throw new Unsupported(`the cell reference «${ref}»`);
  if (col > MAX_COL) throw bad(`the cell reference «${ref}» is beyond column XFD`);
  return col;
}

/** A cell exceljs does not keep (no value and no style). */
const NO_CELL = Symbol('no cell');

/** One <c>: the value exceljs would hand over (its column into ctx.col), or NO_CELL. */
/**
 * What a cell may hold besides v, t, f and r: exceljs reads a cell with any other element in it its own way (found by
 * fuzzing: <workbookPr/> after a shared string's <v> left the cell empty there), so such a cell is its call.
 */
const CELL_CHILDREN = new Set(['is', 'rPh', 'phoneticPr', 'extLst', 'ext']);

function readCell(scan: XmlScanner, ctx: Context, previousCol: number): CellValue | typeof NO_CELL {
  const a = ctx.attrs;
  scan.cellAttrs(a);
  let value: string | undefined;
  let runs: string[] | undefined;
  let formula: string | undefined;
  let shareType: string | undefined;
  const quick = scan.kind === OPEN ? scan.cellValue() : null;
  if (quick !== null) value = quick;
  else if (scan.kind === OPEN) {
    for (let k = scan.next(); !scan.closes('c'); k = scan.next()) {
      if (k === END) throw new Unsupported('an unclosed <c>');
      if (k === CLOSE) continue;
      const name = scan.tag();
      if (name === 'v' || name === 't') {
        const text = scan.text();
        if (text !== undefined && runs === undefined) value = value === undefined ? text : value + text;
      } else if (name === 'f') {
        shareType = scan.attr('t');
        const text = scan.text();
        if (text !== undefined) formula = formula === undefined ? text : formula + text;
      } else if (name === 'r') {
        if (value !== undefined) throw new Unsupported('a run after the text of an inline string');
        const run = k === EMPTY ? '' : readRun(scan);
        (runs ??= []).push(run);
      } else if (!CELL_CHILDREN.has(name)) throw new Unsupported(`<${name}> in a cell`);
    }
  }
  const t = a.t;
  const styleId = a.s ? parseInt(a.s, 10) : undefined;
  const isFormula = !!formula || !!shareType;
  const hasValue = value !== undefined || runs !== undefined;
  const ref = a.r;
  // exceljs turns a cell under an external hyperlink into {text, hyperlink}, empty cells included.
  const linked = ctx.links !== undefined && ref !== undefined && ctx.links.has(ref);
  if (!isFormula && !hasValue && !styleId && !linked) return NO_CELL;
  let col: number;
  if (ref !== undefined) col = columnOf(ref);
  else if (previousCol > 0) col = previousCol + 1;
  else throw new Unsupported('a first cell without a reference');
  if (col > MAX_COL) throw bad('a cell beyond column XFD');
  ctx.col = col;
  // exceljs looks a style up in cellXfs and fails when a styles part has none.
  if (styleId && ctx.dates !== undefined && ctx.dates.length === 0) throw new Unsupported('no cell styles');
  const isDate = !!styleId && ctx.dates !== undefined && ctx.dates[styleId] === true;
  // Runs anywhere but in an inline string make exceljs treat an object as text: its call.
  if (runs !== undefined && (isFormula || t !== 'inlineStr'))
    throw new Unsupported('runs outside an inline string');

  if (isFormula) {
    let result: unknown;
    if (value) {
      if (t === 'str') result = xmlDecodeAgain(value);
      else if (t === 'b') result = parseInt(value, 10) !== 0;
      else if (t === 'e') result = { error: value };
      else result = parseFloat(value);
    }
    if (result !== undefined && isDate) result = excelToDate(result, ctx.date1904);
    if (linked) return result === undefined ? null : plain(result);
    // A cached 0 or FALSE is the formula's value (exceljs drops falsy results, and once read them as the text
    // "[object Object]"; its fallback path now reads them as empty); no cached value is an empty cell.
    if (result === undefined) return null;
    return plain(result);
  }
  if (linked) return linkedText(t, value, runs, isDate, ctx);
  if (!hasValue) return null;
  if (runs !== undefined) return runs.join('');
  switch (t) {
    case 's': {
      const index = parseInt(value!, 10);
      // Without a shared-strings part exceljs keeps the index itself.
      if (ctx.shared === undefined) return index;
      const s = ctx.shared[index];
      if (s === undefined) throw bad(`a cell refers to shared string ${value} of ${ctx.shared.length}`);
      return sharedText(s);
    }
    case 'str':
      return xmlDecodeAgain(value!);
    case 'inlineStr':
      return value!;
    case 'b':
      return String(parseInt(value!, 10) !== 0);
    case 'e':
      return null;
    default: {
      const n = parseFloat(value!);
      return isDate ? excelToDate(n, ctx.date1904) : n;
    }
  }
}

/**
 * A hyperlinked cell's value: the text of what it holds (exceljs hands over {text, hyperlink}; spreadsheet.ts reads
 * that text as a plain cell's, so rich text is its runs, an error or nothing is empty).
 */
function linkedText(
  t: string | undefined,
  value: string | undefined,
  runs: string[] | undefined,
  isDate: boolean,
  ctx: Context,
): CellValue {
  if (runs !== undefined) return runs.join('');
  if (value === undefined) return null;
  switch (t) {
    case 's': {
      const index = parseInt(value, 10);
      if (ctx.shared === undefined) return String(index);
      const s = ctx.shared[index];
      if (s === undefined) throw bad(`a cell refers to shared string ${value} of ${ctx.shared.length}`);
      return sharedText(s);
    }
    case 'str':
      return xmlDecodeAgain(value);
    case 'inlineStr':
      return value;
    case 'b':
      return String(parseInt(value, 10) !== 0);
    case 'e':
      return null;
    default: {
      const n = parseFloat(value);
      return isDate ? excelToDate(n, ctx.date1904) : n;
    }
  }
}

/** A formula's result as the table gets it (exceljsCell in spreadsheet.ts). */
function plain(result: unknown): CellValue {
  if (typeof result === 'string' || typeof result === 'number' || result instanceof Date) return result;
  if (typeof result === 'boolean') return String(result);
  if (typeof result === 'object' && result !== null) {
    if ('richText' in result) return (result as { richText: string[] }).richText.join('');
    if ('error' in result) return null;
  }
  return String(result);
}

interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function decodeRange(ref: string): Merge {
  const m = /^\$?([A-Z]{1,3})\$?([0-9]+)(?::\$?([A-Z]{1,3})\$?([0-9]+))?$/.exec(ref);
  if (!m) throw new Unsupported(`the merge «${ref}»`);
  const col = (s: string): number => {
    let c = 0;
    for (let i = 0; i < s.length; i++) c = c * 26 + s.charCodeAt(i) - 64;
    return c;
  };
  const r1 = Number(m[2]);
  const c1 = col(m[1]!);
  const r2 = m[4] === undefined ? r1 : Number(m[4]);
  const c2 = m[3] === undefined ? c1 : col(m[3]);
  const merge = {
    top: Math.min(r1, r2),
    left: Math.min(c1, c2),
    bottom: Math.max(r1, r2),
    right: Math.max(c1, c2),
  };
  if (merge.top < 1 || merge.left < 1) throw new Unsupported(`the merge «${ref}»`);
  if (merge.bottom > MAX_ROW || merge.right > MAX_COL)
    throw bad(`the merge «${ref}» is beyond the sheet's limits`);
  return merge;
}

/**
 * The references of a sheet's hyperlinks that exceljs resolves (those with an r:id, through the sheet's rels), or
 * undefined when it has none. The <hyperlinks> list follows the cells, so it is found first, by a scan of its own.
 */
function readLinks(xml: string, archive: Archive, path: string): Set<string> | undefined {
  if (!xml.includes('<hyperlink')) return undefined;
  const scan = new XmlScanner(xml);
  root(scan, 'worksheet');
  const links = new Set<string>();
  let rels: Map<string, string | undefined> | undefined;
  for (let kind = scan.next(); kind !== END; kind = scan.next()) {
    if (kind === CLOSE) continue;
    const name = scan.tag();
    if (name === 'sheetData' || name === 'mergeCells' || name === 'extLst') scan.skip();
    else if (name === 'hyperlinks' && kind === OPEN) {
      for (let k = scan.next(); !scan.closes('hyperlinks'); k = scan.next()) {
        if (k === END) throw new Unsupported('an unclosed <hyperlinks>');
        if (k === CLOSE || scan.tag() !== 'hyperlink') continue;
        const a = scan.attrs();
        if (!a['r:id']) continue; // an internal link (location only): exceljs leaves the cell as it is
        if (a.ref === undefined) throw new Unsupported('a hyperlink without a reference');
        const n = WORKSHEET_PART.exec(path)![1];
        rels ??= readRels(archive.text(`xl/worksheets/_rels/sheet${n}.xml.rels`, false));
        if (!rels.has(a['r:id'])) throw new Unsupported('a hyperlink without its relationship');
        // A range (A1:B2) names no single cell, and a link without a target links nothing: as in exceljs.
        if (rels.get(a['r:id'])) links.add(a.ref);
      }
    }
  }
  return links;
}

/** A worksheet part → its rows, numbered from 1 to the last, as exceljs's eachRow({ includeEmpty }) gives them. */
function readWorksheet(xml: string, ctx: Context, budget: { cells: number }): SourceRow[] {
  const scan = new XmlScanner(xml);
  root(scan, 'worksheet');
  const byNumber: CellValue[][] = [];
  const merges: Merge[] = [];
  let lastRow = 0;
  // Parts of a worksheet exceljs reads whole, by their own rules: their insides are not cells.
  const skipped = new Set([
    'sheetPr',
    'dimension',
    'sheetViews',
    'sheetFormatPr',
    'autoFilter',
    'rowBreaks',
    'pageMargins',
    'dataValidations',
    'pageSetup',
    'headerFooter',
    'printOptions',
    'picture',
    'drawing',
    'sheetProtection',
    'tableParts',
    'conditionalFormatting',
    'extLst',
    'hyperlinks', // read beforehand (readLinks)
  ]);
  for (let kind = scan.next(); kind !== END; kind = scan.next()) {
    if (kind === CLOSE) continue;
    const name = scan.tag();
    if (skipped.has(name)) scan.skip();
    else if (name === 'cols' && kind === OPEN) {
      // Column widths are no table's business, but exceljs makes an object for each column up to <col max>: one
      // beyond XFD is refused here, as the fallback's guard refuses it (found by fuzzing: max="9999999999").
      for (let k = scan.next(); !scan.closes('cols'); k = scan.next()) {
        if (k === END) throw new Unsupported('an unclosed <cols>');
        if (k !== CLOSE && scan.tag() === 'col') checkColRange(scan.attr('min'), scan.attr('max'));
      }
    } else if (name === 'mergeCells' && kind === OPEN) {
      for (let k = scan.next(); !scan.closes('mergeCells'); k = scan.next()) {
        if (k === END) throw new Unsupported('an unclosed <mergeCells>');
        // exceljs stops taking merges at any other element in the list (found by fuzzing: «<mergeC\ufffdll>»).
        if (k !== CLOSE && scan.tag() !== 'mergeCell')
          throw new Unsupported(`<${scan.tag()}> in <mergeCells>`);
        if (k !== CLOSE) {
          const ref = scan.attr('ref');
          if (ref === undefined) throw new Unsupported('a merge without a range');
          merges.push(decodeRange(ref));
        }
      }
    } else if (name === 'sheetData' && kind === OPEN) {
      for (let k = scan.next(); !scan.closes('sheetData'); k = scan.next()) {
        if (k === END) throw new Unsupported('an unclosed <sheetData>');
        if (k === CLOSE) continue;
        if (scan.tag() !== 'row') throw new Unsupported(`<${scan.tag()}> in <sheetData>`);
        const rAttr = scan.attr('r');
        const r = parseInt(rAttr ?? '', 10);
        if (!(r >= 1)) throw new Unsupported(`the row number «${rAttr}»`);
        if (r > MAX_ROW) throw bad(`row ${r} is beyond the sheet's ${MAX_ROW} rows`);
        const cells: CellValue[] = [];
        let previousCol = 0;
        if (k === OPEN) {
          for (let c = scan.next(); !scan.closes('row'); c = scan.next()) {
            if (c === END) throw new Unsupported('an unclosed <row>');
            if (c === CLOSE || scan.tag() !== 'c') continue;
            const cell = readCell(scan, ctx, previousCol);
            if (cell === NO_CELL) continue;
            const col = ctx.col;
            previousCol = col;
            while (cells.length < col - 1) cells.push(null);
            cells[col - 1] = cell;
            if (cells.length > MAX_COL) throw bad('a row beyond column XFD');
          }
        }
        // A row written twice: exceljs keeps the later one.
        if (byNumber[r - 1] !== undefined) budget.cells -= byNumber[r - 1]!.length;
        byNumber[r - 1] = cells;
        budget.cells += cells.length;
        if (budget.cells > MAX_CELLS) throw tooLarge(`more than ${MAX_CELLS} cells`);
        if (r > lastRow) lastRow = r;
      }
    }
  }
  applyMerges(byNumber, merges, budget);
  for (const m of merges) if (m.bottom > lastRow) lastRow = m.bottom;
  const rows: SourceRow[] = new Array<SourceRow>(lastRow);
  for (let i = 0; i < lastRow; i++) rows[i] = { rowNumber: i + 1, cells: byNumber[i] ?? [] };
  return rows;
}

/** A merged range shows its top-left cell's value in every cell it covers, as exceljs's merge cells do. */
function applyMerges(rows: CellValue[][], merges: Merge[], budget: { cells: number }): void {
  let merged = 0;
  for (const m of merges) {
    const area = (m.bottom - m.top + 1) * (m.right - m.left + 1);
    merged += area;
    budget.cells += area;
    if (merged > MAX_MERGED_CELLS) throw tooLarge(`more than ${MAX_MERGED_CELLS} merged cells`);
    if (budget.cells > MAX_CELLS) throw tooLarge(`more than ${MAX_CELLS} cells`);
  }
  // exceljs refuses overlapping merges; each row's merged spans are compared with the spans already on it.
  const spans = new Map<number, Array<[number, number]>>();
  for (const m of merges) {
    for (let r = m.top; r <= m.bottom; r++) {
      const list = spans.get(r);
      if (list === undefined) spans.set(r, [[m.left, m.right]]);
      else {
        for (const [left, right] of list)
          if (m.left <= right && left <= m.right) throw new Unsupported('overlapping merges');
        list.push([m.left, m.right]);
      }
    }
  }
  const at = (r: number): CellValue[] => (rows[r - 1] ??= []);
  for (const m of merges) {
    const master = at(m.top);
    while (master.length < m.left) master.push(null);
    const value = master[m.left - 1]!;
    for (let r = m.top; r <= m.bottom; r++) {
      const row = at(r);
      while (row.length < m.right) row.push(null);
      for (let c = m.left; c <= m.right; c++) if (r > m.top || c > m.left) row[c - 1] = value;
    }
  }
}

/** exceljs refuses these sheet names when it builds its workbook; the fallback reports that refusal. */
function acceptableName(name: string): boolean {
  return name !== '' && name !== 'History' && !/[*?:/\\[\]]/.test(name) && !/(^')|('$)/.test(name);
}

const WORKSHEET_PART = /xl\/worksheets\/sheet(\d+)[.]xml/;

/** A <col> range must stay within column XFD: exceljs loops up to its max (a column object each). */
function checkColRange(min: string | undefined, max: string | undefined): void {
  for (const v of [min, max]) {
    if (v !== undefined && parseInt(v, 10) > MAX_COL)
      throw bad(`a column range up to «${v}», beyond column XFD`);
  }
}

/** Row numbers and merged areas of every worksheet part, by a plain pattern scan (the fallback's guard). */
function checkSheetBounds(archive: Archive): void {
  let merged = 0;
  for (const name of archive.entries.keys()) {
    if (!WORKSHEET_PART.test(name)) continue;
    const xml = archive.text(name, false)!;
    for (const m of xml.matchAll(/<row\b[^>]*?\sr\s*=\s*["']\s*([0-9]+)/g)) {
      if (parseInt(m[1]!, 10) > MAX_ROW) throw bad(`row ${m[1]} is beyond the sheet's ${MAX_ROW} rows`);
    }
    for (const m of xml.matchAll(/<col\b([^>]*)>/g)) {
      const attr = (name: string): string | undefined =>
        new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`).exec(m[1]!)?.[1];
      checkColRange(attr('min'), attr('max'));
    }
    for (const m of xml.matchAll(/<mergeCell\b[^>]*?\sref\s*=\s*["']([^"']*)["']/g)) {
      let range: Merge;
      try {
        range = decodeRange(m[1]!);
      } catch (e) {
        if (e instanceof Unsupported) continue; // exceljs refuses it or reads it its way: bounded either way
        throw e;
      }
      merged += (range.bottom - range.top + 1) * (range.right - range.left + 1);
      if (merged > MAX_MERGED_CELLS) throw tooLarge(`more than ${MAX_MERGED_CELLS} merged cells`);
    }
  }
}

/**
 * Every worksheet of an XLSX file with its rows. Throws AdapterError for a file that is not a readable,
 * bounded workbook, and Unsupported for one this reader does not match exceljs on (the caller falls back).
 */
export function readXlsxSheets(bytes: Uint8Array): XlsxSheet[] {
  const archive = new Archive(bytes, zipEntries(bytes));
  try {
    return readSheets(archive);
  } catch (e) {
    if (e instanceof AdapterError) throw e;
    // Before exceljs reads it all, every entry must inflate within bounds and every sheet stay within the limits
    // exceljs itself does not keep (it makes an object per row up to the last row number, per merged cell).
    archive.checkAll();
    checkSheetBounds(archive);
    throw e instanceof Unsupported ? e : new Unsupported(String(e));
  }
}

function readSheets(archive: Archive): XlsxSheet[] {
  const workbookXml = archive.text('xl/workbook.xml');
  if (workbookXml === undefined) return [];
  const { sheets, date1904 } = readWorkbook(workbookXml);
  const rels = readRels(archive.text('xl/_rels/workbook.xml.rels'));
  const chosen: Array<{ name: string; path: string }> = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const paths = new Set<string>();
  for (const sheet of sheets) {
    if (sheet.rId === undefined || !rels.has(sheet.rId)) continue;
    const target = rels.get(sheet.rId);
    if (target === undefined) throw new Unsupported('a relationship without a target');
    const path = `xl/${target.replace(/^(\s|\/xl\/)+/, '')}`;
    if (!archive.entries.has(path) || !WORKSHEET_PART.test(path)) continue; // chartsheets and the like
    // Unusual ids, names or shared parts change what exceljs shows or make it refuse the file: its call.
    if (sheet.id === undefined || !/^[1-9][0-9]*$/.test(sheet.id) || ids.has(sheet.id))
      throw new Unsupported('an unusual sheet id');
    if (sheet.name === undefined) throw new Unsupported('a sheet without a name');
    const name = xmlDecodeAgain(sheet.name);
    if (!acceptableName(name) || name.length > 31 || names.has(name.toLowerCase()) || paths.has(path))
      throw new Unsupported('an unusual sheet name');
    ids.add(sheet.id);
    names.add(name.toLowerCase());
    paths.add(path);
    chosen.push({ name, path });
  }
  if (chosen.length === 0) return [];
  const ctx: Context = {
    shared: readSharedStrings(archive.text('xl/sharedStrings.xml')),
    dates: readDateStyles(archive.text('xl/styles.xml')),
    date1904,
    attrs: { r: undefined, s: undefined, t: undefined },
    col: 0,
    links: undefined,
  };
  const budget = { cells: 0 };
  return chosen.map(({ name, path }) => {
    const xml = archive.text(path)!;
    ctx.links = readLinks(xml, archive, path);
    return { name, rows: readWorksheet(xml, ctx, budget) };
  });
}
