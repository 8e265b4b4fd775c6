// The XLSX table reader (xlsx-reader.ts). The input is the text of a workbook's parts, separated by NUL bytes —
// worksheet, shared strings, styles, workbook, workbook relationships — each absent one a plain default, zipped as
// stored entries: mutations land in the XML the reader scans, not in deflate streams. Invariant: a typed error,
// Unsupported (the caller falls back to exceljs), or sheets — and then exceljs reads the same sheets, except for a
// formula's falsy cached value, which exceljs drops (it reads empty where ours reads 0 or "false").
import { crc32 } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { readXlsxWithExcelJs, type Sheet } from '@dmsnet/tables/spreadsheet';
import { readXlsxSheets } from '@dmsnet/tables/xlsx-reader';
import { Unsupported } from '@dmsnet/tables/xml-scan';
import { AdapterError } from '@dmsnet/tables/errors';
import { allowTyped, InvariantBroken, type FuzzTarget } from './target.js';

const SPREADSHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const PART_NAMES = [
  'xl/worksheets/sheet1.xml',
  'xl/sharedStrings.xml',
  'xl/styles.xml',
  'xl/workbook.xml',
  'xl/_rels/workbook.xml.rels',
];
const DEFAULTS = [
  `<worksheet ${SPREADSHEET_NS}><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`,
  `<sst ${SPREADSHEET_NS}><si><t>a</t></si></sst>`,
  `<styleSheet ${SPREADSHEET_NS}><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>`,
  `<workbook ${SPREADSHEET_NS} ${RNS}><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" ' +
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    '</Relationships>',
];

/** A ZIP of stored entries (what a writer may produce; CRCs right, as exceljs's unzipper may check them). */
export function storedZip(parts: ReadonlyArray<{ name: string; data: Uint8Array }>): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const crc = crc32(p.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(p.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(p.data.length, 20);
    dir.writeUInt32LE(p.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    chunks.push(local, name, Buffer.from(p.data));
    central.push(dir, name);
    offset += 30 + name.length + p.data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, dir, end]));
}

export function workbookOf(data: Uint8Array): Uint8Array {
  const texts: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i <= data.length && texts.length < PART_NAMES.length; i++) {
    if (i === data.length || data[i] === 0) {
      texts.push(data.subarray(from, i));
      from = i + 1;
    }
  }
  return storedZip(
    PART_NAMES.map((name, i) => ({
      name,
      data: texts[i] && texts[i]!.length ? texts[i]! : Buffer.from(DEFAULTS[i]!),
    })),
  );
}

/** Equal, but for the cells exceljs left empty where ours reads a formula's falsy cached value. */
function agree(ours: Sheet[], theirs: Sheet[]): boolean {
  if (isDeepStrictEqual(ours, theirs)) return true;
  if (ours.length !== theirs.length) return false;
  return ours.every((sheet, s) => {
    const other = theirs[s]!;
    if (sheet.name !== other.name || sheet.rows.length !== other.rows.length) return false;
    return sheet.rows.every((row, r) => {
      const o = other.rows[r]!;
      if (row.rowNumber !== o.rowNumber || row.cells.length !== o.cells.length) return false;
      return row.cells.every(
        (c, i) => isDeepStrictEqual(c, o.cells[i]) || (o.cells[i] === null && (c === 0 || c === 'false')),
      );
    });
  });
}

const target: FuzzTarget = {
  name: 'xlsx',
  maxLength: 32 * 1024,
  timeoutMs: 5000,
  dictionary: [
    '\x00',
    '<row r="2">',
    '</row>',
    '<c r="B1" t="s"><v>0</v></c>',
    '<c r="A2" s="1"><v>45000</v></c>',
    '<c t="inlineStr"><is><t>x</t></is></c>',
    '<f>1+1</f>',
    '<mergeCells><mergeCell ref="A1:B2"/></mergeCells>',
    '<hyperlinks><hyperlink ref="A1" r:id="rId9"/></hyperlinks>',
    '<numFmts><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>',
    '<xf numFmtId="14"/>',
    '<si><r><t>a</t></r></si>',
    '<workbookPr date1904="1"/>',
    '_x000D_',
    '&amp;',
    't="b"',
    't="e"',
    't="str"',
    'XFD1048576',
    '<![CDATA[x]]>',
    '<!-- -->',
  ],
  async run(data) {
    const bytes = workbookOf(data);
    let ours: Sheet[];
    try {
      ours = readXlsxSheets(bytes);
    } catch (e) {
      allowTyped(e, Unsupported);
      return;
    }
    // No sheet: the import refuses it (SPREADSHEET_NO_SHEET) without asking exceljs, which would parse every
    // worksheet part, even one no sheet names, unguarded (found by fuzzing: a hang on <col max="9999999999">).
    if (ours.length === 0) return;
    let theirs: Sheet[];
    try {
      theirs = await readXlsxWithExcelJs(bytes);
    } catch (e) {
      if (e instanceof AdapterError) return; // exceljs refuses what ours reads: nothing to compare
      throw e;
    }
    if (!agree(ours, theirs))
      throw new InvariantBroken(
        `the reader and exceljs differ:\nours   ${JSON.stringify(ours).slice(0, 600)}\nexceljs ${JSON.stringify(theirs).slice(0, 600)}`,
      );
  },
};
export default target;
