// The XLSX table reader against exceljs, the reader it replaces: random workbooks written by exceljs (and by
// SheetJS, whose XML differs), the bundled samples, hand-written parts exercising what writers rarely produce, and
// hostile archives that must be refused with a typed error.
import { deflateRawSync } from 'node:zlib';
import XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { expect } from 'chai';
import fc from 'fast-check';
import { readXlsxWithExcelJs, type Sheet } from '@dmsnet/tables/spreadsheet';
import { columnLetter, readSheets } from '@dmsnet/tables/table';
import { MAX_CELLS, MAX_MERGED_CELLS, MAX_TOTAL_BYTES, readXlsxSheets } from '@dmsnet/tables/xlsx-reader';
import { MAX_ENTRY_BYTES } from '@dmsnet/tables/zip';
import { Unsupported } from '@dmsnet/tables/xml-scan';
import type { DmsnetError } from '@dmsnet/formats';
import { sample } from './helpers.js';

// ---- random workbooks -------------------------------------------------------------------------------------------

type RandomCell =
  | { kind: 'text'; v: string }
  | { kind: 'int'; v: number }
  | { kind: 'decimal'; v: number }
  | { kind: 'date'; v: Date }
  | { kind: 'formatted'; v: number; fmt: string }
  | { kind: 'bool'; v: boolean }
  | { kind: 'formula'; v: number | string }
  | { kind: 'rich'; v: string[] }
  | { kind: 'link'; v: string }
  | null;

const pieces = [
  'а',
  'Ё',
  'ж',
  'Ким',
  'z',
  ' ',
  '  ',
  '<',
  '>',
  '&',
  '"',
  "'",
  '&amp;',
  '_x000D_',
  '\n',
  '1',
  ';',
];
const text = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
const FORMATS = ['0.00', 'dd.mm.yyyy', '#,##0 "руб."', 'yyyy-mm-dd hh:mm', '@', '[Red]0', 'General', 'mm:ss'];

const cell: fc.Arbitrary<RandomCell> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: text.map((v) => ({ kind: 'text' as const, v })) },
  { weight: 2, arbitrary: fc.integer({ min: -1e9, max: 1e9 }).map((v) => ({ kind: 'int' as const, v })) },
  {
    weight: 2,
    arbitrary: fc
      .double({ min: -1e7, max: 1e7, noNaN: true, noDefaultInfinity: true })
      .map((v) => ({ kind: 'decimal' as const, v })),
  },
  {
    weight: 2,
    arbitrary: fc
      .date({
        min: new Date('1901-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((v) => ({ kind: 'date' as const, v })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ v: fc.integer({ min: 1, max: 80_000 }), fmt: fc.constantFrom(...FORMATS) })
      .map(({ v, fmt }) => ({ kind: 'formatted' as const, v, fmt })),
  },
  { weight: 1, arbitrary: fc.boolean().map((v) => ({ kind: 'bool' as const, v })) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.integer({ min: 0, max: 3 }), text).map((v) => ({ kind: 'formula' as const, v })),
  },
  {
    weight: 1,
    arbitrary: fc.array(text, { minLength: 1, maxLength: 3 }).map((v) => ({ kind: 'rich' as const, v })),
  },
  { weight: 1, arbitrary: text.map((v) => ({ kind: 'link' as const, v })) },
);

const SHEET_NAMES = ['Список', 'Лист1', 'Инструкция', 'Data', 'Прейскурант & цены', 'Sheet <2>'];
const workbookSpec = fc.record({
  sheets: fc.uniqueArray(fc.constantFrom(...SHEET_NAMES), { minLength: 1, maxLength: 3 }).chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.record({
          name: fc.constant(name),
          rows: fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 8 }),
          /** A blank row or two before the table, as forms have. */
          offset: fc.integer({ min: 0, max: 3 }),
          merge: fc.boolean(),
        }),
      ),
    ),
  ),
  sharedStrings: fc.boolean(),
});

async function writeWithExcelJs(spec: {
  sheets: Array<{ name: string; rows: RandomCell[][]; offset: number; merge: boolean }>;
  sharedStrings: boolean;
}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const s of spec.sheets) {
    const ws = wb.addWorksheet(s.name);
    s.rows.forEach((r, i) =>
      r.forEach((c, j) => {
        if (c === null) return;
        const target = ws.getCell(i + 1 + s.offset, j + 1);
        switch (c.kind) {
          case 'formatted':
            target.value = c.v;
            target.numFmt = c.fmt;
            return;
          case 'formula':
            target.value = { formula: 'A1', result: c.v } as ExcelJS.CellFormulaValue;
            return;
          case 'link':
            target.value = { text: c.v, hyperlink: `https://example.org/${encodeURIComponent(c.v)}` };
            return;
          case 'rich':
            target.value = {
              richText: c.v.map((t, k) => (k % 2 ? { text: t, font: { bold: true } } : { text: t })),
            };
            return;
          default:
            target.value = c.v;
        }
      }),
    );
    // A merged title over the first row's first two columns, unless the table starts there.
    if (s.merge && s.offset > 0) ws.mergeCells(1, 1, 1, 2);
  }
  return new Uint8Array(await wb.xlsx.writeBuffer({ useSharedStrings: spec.sharedStrings } as never));
}

/**
 * Ours equals exceljs's reading, except where exceljs lost a formula's falsy cached value (it keeps no 0 or FALSE
 * result): there exceljs reads empty and ours may read the value itself — 0, "false" — or empty.
 */
async function expectAsExcelJs(ours: Sheet[], bytes: Uint8Array, label?: string): Promise<void> {
  const oracle = await readXlsxWithExcelJs(bytes);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const lost = new Set<string>();
  wb.worksheets.forEach((ws, i) =>
    ws.eachRow({ includeEmpty: true }, (row, r) => {
      for (let c = 1; c <= row.cellCount; c++) {
        const v = row.getCell(c).value;
        if (v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v) && !('result' in v))
          lost.add(`${i}:${r}:${c - 1}`);
      }
    }),
  );
  const expected = oracle.map((sheet, i) => ({
    ...sheet,
    rows: sheet.rows.map((row) => ({
      ...row,
      cells: row.cells.map((cell, c) => {
        const mine = ours[i]?.rows.find((x) => x.rowNumber === row.rowNumber)?.cells[c];
        return lost.has(`${i}:${row.rowNumber}:${c}`) && (mine === 0 || mine === 'false' || mine === null)
          ? mine
          : cell;
      }),
    })),
  }));
  expect(ours, label).to.deep.equal(expected);
}

describe('adapters: the XLSX table reader gives what exceljs gives', () => {
  it('on random workbooks written by exceljs: texts, numbers, dates, formats, formulas, rich text, merges (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(workbookSpec, async (spec) => {
        const bytes = await writeWithExcelJs(spec);
        await expectAsExcelJs(readXlsxSheets(bytes), bytes);
      }),
      { numRuns: 150 },
    );
  });

  it('on random workbooks written by SheetJS (inline strings, its own styles part) (fast-check)', async () => {
    const sheetjsCell = fc.oneof(
      fc.constant(null),
      text,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(sheetjsCell, { maxLength: 6 }), { maxLength: 8 }), async (rows) => {
        const wb = XLSX.utils.book_new();
        XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'Список');
        XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Итого'], [rows.length]]), 'Итоги');
        const bytes = new Uint8Array(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
        await expectAsExcelJs(readXlsxSheets(bytes), bytes);
      }),
      { numRuns: 100 },
    );
  });

  it('on the bundled samples', async () => {
    for (const name of ['insured-list-detach.xlsx', 'pricelist.xlsx']) {
      const bytes = sample(name);
      const ours = readXlsxSheets(bytes);
      await expectAsExcelJs(ours, bytes, name);
      expect(ours[0]!.rows.length, name).to.be.greaterThan(5);
    }
  });
});

// ---- hand-written parts -----------------------------------------------------------------------------------------

interface Part {
  name: string;
  data: string | Uint8Array;
  /** Stored (method 0) unless deflated. */
  deflate?: boolean;
  /** What the central directory claims the entry inflates to (the truth unless a test lies). */
  declared?: number;
}

/** A ZIP from parts (CRC left 0: neither reader checks it). */
function zip(parts: Part[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const raw = typeof p.data === 'string' ? Buffer.from(p.data) : Buffer.from(p.data);
    const data = p.deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(p.name);
    const size = p.declared ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(p.deflate ? 8 : 0, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(p.deflate ? 8 : 0, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dir, end]));
}

const SPREADSHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** A workbook of the given sheet bodies (<sheetData>… and after), with optional shared strings and styles. */
function workbook(
  sheets: Array<{ name: string; body: string }>,
  extra: { sst?: string; styles?: string; date1904?: boolean } = {},
): Part[] {
  const parts: Part[] = [
    {
      name: 'xl/workbook.xml',
      data:
        `<?xml version="1.0" encoding="UTF-8"?>\n<workbook ${SPREADSHEET_NS} ${RNS}>` +
        (extra.date1904 ? '<workbookPr date1904="1"/>' : '') +
        '<sheets>' +
        sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets></workbook>',
      deflate: true,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        sheets
          .map(
            (_, i) =>
              `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
          )
          .join('') +
        '</Relationships>',
    },
    ...sheets.map((s, i) => ({
      name: `xl/worksheets/sheet${i + 1}.xml`,
      data: `<?xml version="1.0"?><worksheet ${SPREADSHEET_NS}>${s.body}</worksheet>`,
      deflate: true,
    })),
  ];
  if (extra.sst !== undefined)
    parts.push({ name: 'xl/sharedStrings.xml', data: `<sst ${SPREADSHEET_NS}>${extra.sst}</sst>` });
  if (extra.styles !== undefined)
    parts.push({ name: 'xl/styles.xml', data: `<styleSheet ${SPREADSHEET_NS}>${extra.styles}</styleSheet>` });
  return parts;
}

const STYLES =
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd\\.mm\\.yyyy"/><numFmt numFmtId="165" formatCode="0.00&quot;р.&quot;"/></numFmts>' +
  '<fonts count="1"><font><sz val="11"/></font></fonts><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>' +
  '<cellXfs count="5"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" xfId="0"/><xf numFmtId="14" xfId="0"/><xf numFmtId="4" xfId="0"><alignment wrapText="1"/></xf></cellXfs>';

async function same(parts: Part[]): Promise<void> {
  const bytes = zip(parts);
  await expectAsExcelJs(readXlsxSheets(bytes), bytes);
}

async function rejects(p: Promise<unknown>): Promise<DmsnetError> {
  try {
    await p;
  } catch (e) {
    return e as DmsnetError;
  }
  throw new Error('expected a rejection');
}

describe('adapters: the XLSX table reader on parts writers rarely produce', () => {
  it('shared strings: plain, rich-text runs, phonetic runs, _xHHHH_ escapes, entities, line ends, an empty item', async () => {
    const sst =
      '<si><t>Ким Алёна</t></si>' +
      '<si><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">Ива</t></r><r><t>нов &amp; К°</t></r></si>' +
      '<si><t>Текст</t><rPh sb="0" eb="1"><t>テキスト</t></rPh><phoneticPr fontId="1"/></si>' +
      '<si><t xml:space="preserve">  a_x000D_b_x0041__x00e9_ </t></si>' +
      '<si><t>&#x41;&#1041;&lt;&gt;&quot;&apos;</t></si>' +
      '<si><t>two\r\nlines\rhere</t></si>' +
      '<si/>' +
      '<si><t/></si>' +
      '<si><r><t>a</t></r><t>then plain</t></si>';
    const cells = Array.from(
      { length: 9 },
      (_, i) => `<c r="${String.fromCharCode(65 + i)}1" t="s"><v>${i}</v></c>`,
    );
    await same(
      workbook([{ name: 'Лист1', body: `<sheetData><row r="1">${cells.join('')}</row></sheetData>` }], {
        sst,
      }),
    );
  });

  it('cells: inline strings (plain and runs), text and boolean and error types, formulas and their cached values', async () => {
    const body =
      '<sheetData><row r="2" spans="1:12">' +
      '<c r="A2" t="inlineStr"><is><t xml:space="preserve"> плain _x0041_ </t></is></c>' +
      '<c r="B2" t="inlineStr"><is><r><t>a_x0042_</t></r><r><rPr><i/></rPr><t>c</t></r></is></c>' +
      '<c r="C2" t="str"><v>x &amp;amp; y</v></c>' +
      '<c r="D2" t="b"><v>1</v></c><c r="E2" t="b"><v>0</v></c>' +
      '<c r="F2" t="e"><v>#N/A</v></c>' +
      '<c r="G2"><f>1+1</f><v>2</v></c>' +
      '<c r="H2"><f>0*1</f><v>0</v></c>' +
      '<c r="I2" t="str"><f>"a"&amp;"b"</f><v>a&amp;amp;b</v></c>' +
      '<c r="J2" t="b"><f>TRUE()</f><v>1</v></c>' +
      '<c r="K2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' +
      '<c r="L2"><f t="shared" si="0"/><v>7.5</v></c>' +
      '</row><row r="3"><c r="A3"><f>A2</f></c><c r="B3" s="1"><f>NOW()</f><v>45000.5</v></c></row></sheetData>';
    await same(workbook([{ name: 'Лист1', body }], { styles: STYLES }));
    // A formula's cached 0 is 0 (an amount of nothing, not the text "[object Object]"); no cached value is empty.
    const [sheet] = readXlsxSheets(zip(workbook([{ name: 'Лист1', body }], { styles: STYLES })));
    const row = (n: number) => sheet!.rows.find((r) => r.rowNumber === n)!.cells;
    expect(row(2)[6]).to.equal(2);
    expect(row(2)[7]).to.equal(0);
    expect(row(3)[0]).to.equal(null);
  });

  it('numbers and dates: built-in and custom date formats, the 1904 system, styled empty cells, sparse cells and rows', async () => {
    const body =
      '<sheetData>' +
      '<row r="1"><c r="A1" s="1"><v>31121</v></c><c r="B1" s="2"><v>1500.5</v></c><c r="C1" s="3"><v>31121.4375</v></c>' +
      '<c r="D1" s="4"><v>1e3</v></c><c r="E1" s="0"><v>-0.25</v></c><c r="H1" s="2"/><c r="J1"/></row>' +
      '<row r="4"/><row r="6"><c r="XFD6"><v>1</v></c></row>' +
      '<row r="7"><c r="B7" t="n"><v>3</v></c><c><v>4</v></c><c><v>5</v></c></row>' +
      '</sheetData>';
    await same(workbook([{ name: 'Даты', body }], { styles: STYLES }));
    await same(workbook([{ name: 'Даты', body }], { styles: STYLES, date1904: true }));
    await same(workbook([{ name: 'Даты', body }]));
  });

  it('missing parts: shared-string cells without a shared-strings part, a sheet whose part is absent', async () => {
    const parts = workbook([
      { name: 'Лист1', body: '<sheetData><row r="1"><c r="A1" t="s"><v>3</v></c></row></sheetData>' },
      { name: 'Лист2', body: '<sheetData/>' },
    ]);
    await same(parts);
    await same(parts.filter((p) => !p.name.endsWith('sheet2.xml')));
  });

  it('merged titles, comments and CDATA, sheet names with entities, several sheets in the workbook order', async () => {
    const body =
      '<dimension ref="A1:D5"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>' +
      '<sheetData><!-- a comment --><row r="1"><c r="A1" t="inlineStr"><is><t>Список <!-- x -->застрахованных<![CDATA[ lost ]]></t></is></c></row>' +
      '<row r="3"><c r="B3"><v>1</v></c></row></sheetData>' +
      '<mergeCells count="2"><mergeCell ref="A1:D1"/><mergeCell ref="B3:B5"/></mergeCells>' +
      '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>';
    await same(
      workbook([
        { name: 'Инструкция', body: '<sheetData/>' },
        { name: 'Прейскурант &amp;amp; цены', body },
        { name: 'Итог', body: '<sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData>' },
      ]),
    );
  });

  it('hyperlinks: a cell under an external link reads as exceljs gives it, whatever it holds', async () => {
    const cells = [
      '<c r="A1" t="s"><v>0</v></c>',
      '<c r="B1" t="s"><v>1</v></c>',
      '<c r="C1"><v>42.5</v></c>',
      '<c r="D1" s="1"><v>31121</v></c>',
      '<c r="E1"><f>1-1</f><v>0</v></c>',
      '<c r="F1" t="b"><v>1</v></c>',
      '<c r="G1" t="e"><v>#REF!</v></c>',
      '<c r="H1"/>',
      '<c r="I1" t="inlineStr"><is><t>внутренняя</t></is></c>',
    ];
    const links = ['A1', 'B1', 'C1', 'D1', 'E1', 'F1', 'G1', 'H1', 'J1', 'A1:B2']
      .map((ref, i) => `<hyperlink ref="${ref}" r:id="rId${i + 1}"/>`)
      .join('');
    const parts = workbook(
      [
        {
          name: 'Ссылки',
          body:
            `<sheetData><row r="1">${cells.join('')}</row></sheetData>` +
            `<hyperlinks ${RNS}>${links}<hyperlink ref="I1" location="Ссылки!A1"/></hyperlinks>`,
        },
      ],
      { sst: '<si><t>почта</t></si><si><r><t>ri</t></r><r><t>ch</t></r></si>', styles: STYLES },
    );
    parts.push({
      name: 'xl/worksheets/_rels/sheet1.xml.rels',
      data:
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        Array.from(
          { length: 10 },
          (_, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="mailto:a${i}@example.org" TargetMode="External"/>`,
        ).join('') +
        '</Relationships>',
    });
    await same(parts);
    // A linked cell reads as the same cell without its link: rich text joined, numbers and dates as such, an error
    // or nothing as empty (exceljs's own reading once gave "[object Object]" and "undefined" there).
    const [sheet] = readXlsxSheets(zip(parts));
    expect(sheet!.rows[0]!.cells.slice(0, 8)).to.deep.equal([
      'почта',
      'rich',
      42.5,
      new Date(Date.UTC(1985, 2, 15)),
      0,
      'true',
      null,
      null,
    ]);
  });

  it('falls back to exceljs where it does not match it (a row numbered 0), and the import still reads the workbook', async () => {
    const parts = workbook([
      {
        name: 'Лист1',
        body: '<sheetData><row r="0"/><row r="1"><c r="A1" t="inlineStr"><is><t>почта</t></is></c></row></sheetData>',
      },
    ]);
    const bytes = zip(parts);
    expect(() => readXlsxSheets(bytes)).to.throw(Unsupported);
    await expectAsExcelJs(await readSheets(bytes), bytes);
  });
});

describe('adapters: hostile or broken XLSX files are refused with a typed error', () => {
  const minimal = (body: string): Part[] => workbook([{ name: 'Лист1', body }]);

  it('a ZIP that is damaged, or holds a workbook without sheets or parts', async () => {
    const good = zip(minimal('<sheetData/>'));
    const damaged = good.slice(0, good.length - 30);
    const noSheets = await rejects(
      readSheets(zip([{ name: 'xl/workbook.xml', data: `<workbook ${SPREADSHEET_NS}/>` }])),
    );
    expect(noSheets.code).to.equal('SPREADSHEET_NO_SHEET');
    const noRels = minimal('<sheetData/>').filter((p) => !p.name.includes('_rels'));
    expect((await rejects(readSheets(zip(noRels)))).code).to.equal('SPREADSHEET_NO_SHEET');
    const e = await rejects(readSheets(damaged));
    expect(e.code).to.be.oneOf(['XLSX_NOT_A_WORKBOOK', 'FILE_KIND_UNSUPPORTED']);
    const garbage = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await rejects(readSheets(garbage))).code).to.be.oneOf([
      'XLSX_NOT_A_WORKBOOK',
      'FILE_KIND_UNSUPPORTED',
    ]);
    expect(() => readXlsxSheets(garbage))
      .to.throw()
      .with.property('code', 'XLSX_NOT_A_WORKBOOK');
  });

  it('a zip bomb: a part that inflates past what it declares, or declares more than is ever read', async () => {
    const bomb = '<sheetData>' + '<row r="1"/>'.repeat(200_000) + '</sheetData>';
    const parts = minimal(bomb);
    const sheet = parts.find((p) => p.name.endsWith('sheet1.xml'))!;
    sheet.declared = 1000;
    const e = await rejects(readSheets(zip(parts)));
    expect([e.code, e.message]).to.include('SPREADSHEET_TOO_LARGE');
    sheet.declared = 0xfffffff0;
    expect((await rejects(readSheets(zip(parts)))).code).to.equal('SPREADSHEET_TOO_LARGE');
  });

  it('absurd cell references: beyond the last row or column, malformed, a merge over the whole sheet', async () => {
    const cases = [
      '<sheetData><row r="99999999"><c r="A99999999"><v>1</v></c></row></sheetData>',
      '<sheetData><row r="1"><c r="ZZZZ1"><v>1</v></c></row></sheetData>',
      '<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>',
      '<sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData>',
      '<sheetData/><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    ];
    for (const body of cases) {
      const parts = minimal(body);
      parts.push({ name: 'xl/sharedStrings.xml', data: `<sst ${SPREADSHEET_NS}><si><t>a</t></si></sst>` });
      const e = await rejects(readSheets(zip(parts)));
      expect(e.code, body).to.be.oneOf(['XLSX_NOT_A_WORKBOOK', 'SPREADSHEET_TOO_LARGE']);
    }
  });

  it('a workbook handed to exceljs is held to the same limits first (no row objects up to row 99,999,999)', async () => {
    const body =
      '<sheetData><row r="0"/><row r="99999999"><c r="A99999999"><v>1</v></c></row></sheetData>' +
      '<hyperlinks><hyperlink ref="A1" location="A2"/></hyperlinks>';
    const e = await rejects(readSheets(zip(minimal(body))));
    expect(e.code).to.equal('XLSX_NOT_A_WORKBOOK');
    const merges =
      '<sheetData><row r="0"/></sheetData><mergeCells><mergeCell ref="A1:Z1"/><mergeCell ref="A2:XFD200"/></mergeCells>';
    expect((await rejects(readSheets(zip(minimal(merges))))).code).to.equal('SPREADSHEET_TOO_LARGE');
  });

  it('another element among the merges sends the workbook to exceljs, which stops taking merges there (fuzzing)', async () => {
    const body =
      '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row></sheetData>' +
      '<mergeCells><mergeCell ref="A1:B1"/><mergeC\ufffdll ref="A3:B3"/><mergeCell ref="A2:B2"/></mergeCells>';
    const bytes = zip(minimal(body));
    expect(() => readXlsxSheets(bytes)).to.throw(Unsupported);
    expect(await readSheets(bytes)).to.deep.equal(await readXlsxWithExcelJs(bytes));
  });

  it('an unknown element in a cell sends the workbook to exceljs, which reads that cell its way (fuzzing)', async () => {
    const sst = '<si><t>a</t></si><si><t>b</t></si>';
    const body =
      '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>' +
      '<row r="2"><c r="A2" t="s"><v>1</v><workbookPr date1904="1"/></c></row></sheetData>';
    const bytes = zip(workbook([{ name: 'Лист1', body }], { sst }));
    expect(() => readXlsxSheets(bytes)).to.throw(Unsupported);
    expect(await readSheets(bytes)).to.deep.equal(await readXlsxWithExcelJs(bytes));
  });

  it('a column range beyond XFD is refused before exceljs loops to it (found by fuzzing: max="9999999999")', async () => {
    const data = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>';
    const cols = (max: string): string => `<cols><col min="3" max="${max}" width="9"/></cols>`;
    await same(minimal(cols('16384') + data));
    expect(() => readXlsxSheets(zip(minimal(cols('9999999999') + data))))
      .to.throw()
      .with.property('code', 'XLSX_NOT_A_WORKBOOK');
    // The same range after a row numbered 0, which sends the workbook to exceljs: the fallback's guard refuses it.
    const fallback = '<sheetData><row r="0"/><row r="1"><c r="A1"><v>1</v></c></row></sheetData>';
    expect(() => readXlsxSheets(zip(minimal(fallback + cols('16384'))))).to.throw(Unsupported);
    expect((await rejects(readSheets(zip(minimal(fallback + cols('9999999999')))))).code).to.equal(
      'XLSX_NOT_A_WORKBOOK',
    );
  });

  it('any byte of a stored workbook changed: an answer or a typed error, never a crash (fast-check)', async () => {
    const sst = '<si><t>Ким</t></si><si><r><t>Ива</t></r><r><t>нов</t></r></si>';
    const body =
      '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>31121</v></c></row>' +
      '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="inlineStr"><is><t>x</t></is></c></row>' +
      '</sheetData><mergeCells><mergeCell ref="C1:D1"/></mergeCells>';
    const good = zip(
      workbook([{ name: 'Лист1', body }], { sst, styles: STYLES }).map((p) => ({ ...p, deflate: false })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.nat({ max: good.length - 1 }),
            fc.constantFrom(0x3c, 0x3e, 0x22, 0x26, 0x2f, 0x39, 0x41, 0x00, 0xff),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (changes) => {
          const bytes = good.slice();
          for (const [at, byte] of changes) bytes[at] = byte;
          try {
            await readSheets(bytes);
          } catch (e) {
            expect((e as DmsnetError).code, String(e)).to.be.a('string');
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('malformed XML in a part is an error or exceljs’s answer, never a crash', async () => {
    for (const body of [
      '<sheetData><row r="1"><c r="A1"><v>1</c></row>',
      '<sheetData><row r="1"><c r="A1" t="s"',
      '<!DOCTYPE x>',
    ]) {
      const bytes = zip(minimal(body));
      try {
        await readSheets(bytes);
      } catch (e) {
        expect((e as DmsnetError).code, body).to.be.a('string');
      }
    }
  });
});

describe('adapters: the XLSX ceilings at their edge (just under reads, just over is SPREADSHEET_TOO_LARGE)', () => {
  const minimal = (body: string): Part[] => workbook([{ name: 'Лист1', body }]);
  const sizeOf = (p: Part): number => p.declared ?? Buffer.byteLength(p.data);
  const tooLarge = (read: () => unknown): DmsnetError => {
    try {
      read();
    } catch (e) {
      expect((e as DmsnetError).code, String(e)).to.equal('SPREADSHEET_TOO_LARGE');
      return e as DmsnetError;
    }
    throw new Error('expected SPREADSHEET_TOO_LARGE');
  };

  it(`a part: ${MAX_ENTRY_BYTES} bytes declared are read, one more is refused before inflating`, async () => {
    const parts = minimal('<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>');
    const sheet = parts.find((p) => p.name.endsWith('sheet1.xml'))!;
    sheet.declared = MAX_ENTRY_BYTES;
    expect(readXlsxSheets(zip(parts))[0]!.rows[0]!.cells).to.deep.equal([1]);
    sheet.declared = MAX_ENTRY_BYTES + 1;
    expect(tooLarge(() => readXlsxSheets(zip(parts))).message).to.include(`at most ${MAX_ENTRY_BYTES}`);
    expect((await rejects(readSheets(zip(parts)))).code).to.equal('SPREADSHEET_TOO_LARGE');
  });

  it(`all parts: ${MAX_TOTAL_BYTES} bytes in all are read, one more is refused`, async () => {
    const body = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>';
    const parts = workbook([
      { name: 'Лист1', body },
      { name: 'Лист2', body },
    ]);
    const [one, two] = parts.filter((p) => p.name.includes('worksheets/sheet'));
    one!.declared = MAX_ENTRY_BYTES;
    two!.declared = 0;
    two!.declared = MAX_TOTAL_BYTES - parts.reduce((sum, p) => sum + sizeOf(p), 0);
    expect(readXlsxSheets(zip(parts))).to.have.length(2);
    two!.declared += 1;
    expect(tooLarge(() => readXlsxSheets(zip(parts))).message).to.include(`exceed ${MAX_TOTAL_BYTES} bytes`);
    expect((await rejects(readSheets(zip(parts)))).code).to.equal('SPREADSHEET_TOO_LARGE');
  });

  it(`cells: ${MAX_CELLS} materialised cells are read, one more is refused`, async () => {
    // Sparse rows (one cell at the last column XFD) materialise a whole row each from a few bytes of XML.
    const full = Math.floor(MAX_CELLS / 16_384);
    const rest = MAX_CELLS - full * 16_384;
    const rows: string[] = [];
    for (let r = 1; r <= full; r++) rows.push(`<row r="${r}"><c r="XFD${r}"><v>1</v></c></row>`);
    if (rest > 0)
      rows.push(`<row r="${full + 1}"><c r="${columnLetter(rest - 1)}${full + 1}"><v>2</v></c></row>`);
    const at = (extra: string): Uint8Array => zip(minimal(`<sheetData>${rows.join('')}${extra}</sheetData>`));
    const [sheet] = readXlsxSheets(at(''));
    expect(sheet!.rows.reduce((n, row) => n + row.cells.length, 0)).to.equal(MAX_CELLS);
    const over = `<row r="${full + 2}"><c r="A${full + 2}"><v>3</v></c></row>`;
    expect(tooLarge(() => readXlsxSheets(at(over))).message).to.include(`more than ${MAX_CELLS} cells`);
    expect((await rejects(readSheets(at(over)))).code).to.equal('SPREADSHEET_TOO_LARGE');
  });

  it(`merged cells: ${MAX_MERGED_CELLS} are read, one more is refused`, () => {
    const half = MAX_MERGED_CELLS / 2;
    const body = (extra: string): Uint8Array =>
      zip(
        minimal(
          `<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>` +
            `<mergeCells><mergeCell ref="A1:B${half}"/>${extra}</mergeCells>`,
        ),
      );
    const [sheet] = readXlsxSheets(body(''));
    expect(sheet!.rows).to.have.length(half);
    expect(sheet!.rows[half - 1]!.cells).to.deep.equal([1, 1]);
    expect(tooLarge(() => readXlsxSheets(body('<mergeCell ref="D1:D1"/>'))).message).to.include(
      `more than ${MAX_MERGED_CELLS} merged cells`,
    );
  });
});
