// Spreadsheets as offices have them: XLSX, XLS (Excel 97–2003) and ODS read through the same mappings, the kind
// taken from the bytes, dates read as the calendar day whatever time or zone a cell carries, amounts exact to the
// kopeck, and the table found on whichever sheet holds it. Every fixture is written here, by exceljs (XLSX) or
// SheetJS (XLS, ODS).
import XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { expect } from 'chai';
import {
  detectFileKind,
  exportTable,
  importTable,
  parseMoney,
  parseRuDate,
  type TableMapping,
} from '../../../gateway/src/adapters/index.js';
import type { DmsnetError, InsuredListRow, PriceListLine } from '@dmsnet/formats';
import { CLINIC, CREATED_AT, INSURER, mapping } from './helpers.js';

// These workbooks have no title: their header fields are the ones a sender types.
const fromInsurer = {
  sender: INSURER,
  addressee: CLINIC,
  createdAt: CREATED_AT,
  fields: {
    listNumber: '12-ДМС/2026-О',
    listDate: '01.12.2026',
    'contract/number': '12-ДМС/2026',
    'contract/date': '15.11.2026',
  },
};
const fromClinic = {
  sender: CLINIC,
  addressee: INSURER,
  createdAt: CREATED_AT,
  fields: { priceListNumber: 'ПР-2027', 'validity/from': '01.01.2027' },
};

/** A cell written as a number with a number format (a date is a serial day number with a date format). */
interface Num {
  n: number;
  fmt?: string;
}
type Cell = string | Num | null;
interface SheetSpec {
  name: string;
  rows: Cell[][];
}
type Kind = 'xlsx' | 'xls' | 'ods';
const KINDS: Kind[] = ['xlsx', 'xls', 'ods'];

async function workbook(kind: Kind, sheets: SheetSpec[]): Promise<Uint8Array> {
  if (kind === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    for (const s of sheets) {
      const ws = wb.addWorksheet(s.name);
      s.rows.forEach((r, i) =>
        r.forEach((c, j) => {
          if (c === null) return;
          const cell = ws.getCell(i + 1, j + 1);
          if (typeof c === 'string') cell.value = c;
          else {
            cell.value = c.n;
            if (c.fmt) cell.numFmt = c.fmt;
          }
        }),
      );
    }
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }
  const wb = XLSX.utils.book_new();
  for (const s of sheets) {
    const ws = XLSX.utils.aoa_to_sheet(
      s.rows.map((r) => r.map((c) => (c && typeof c === 'object' ? c.n : c))),
    );
    s.rows.forEach((r, i) =>
      r.forEach((c, j) => {
        if (!c || typeof c !== 'object' || !c.fmt) return;
        const at = XLSX.utils.encode_cell({ r: i, c: j });
        // ODS has date cells of its own (office:date-value="1985-03-14T21:00:00.000Z"); XLS has formatted numbers.
        if (kind === 'ods') ws[at] = { t: 'd', v: new Date(Math.round((c.n - 25_569) * 86_400_000)) };
        else ws[at]!.z = c.fmt;
      }),
    );
    XLSX.utils.book_append_sheet(wb, ws, s.name);
  }
  return new Uint8Array(
    XLSX.write(wb, { type: 'buffer', bookType: kind === 'xls' ? 'biff8' : 'ods' }) as Buffer,
  );
}

async function rejects(p: Promise<unknown>): Promise<DmsnetError> {
  try {
    await p;
  } catch (e) {
    return e as DmsnetError;
  }
  throw new Error('expected a rejection');
}

/** Serial day number of a UTC instant in Excel's 1900 system. */
const serial = (ms: number): number => ms / 86_400_000 + 25_569;
const DATE = 'dd.mm.yyyy';
const DATE_TIME = 'dd.mm.yyyy hh:mm';

const HEADER: Cell[] = ['№', 'ФИО', 'Дата рождения', '№ полиса', 'Программа', 'Дата открепления'];
const INSTRUCTION: SheetSpec = {
  name: 'Инструкция',
  rows: [['Инструкция по заполнению'], ['Заполните лист «Список»: ФИО, дата рождения, номер полиса.']],
};

/** One detachment row per way of writing 15.03.1985 in a date cell. */
const BIRTH_FORMS: Array<[string, Cell]> = [
  ['an Excel date at midnight', { n: 31121, fmt: DATE }],
  ['an Excel date carrying a time (10:30)', { n: 31121.4375, fmt: DATE_TIME }],
  [
    'a local Moscow midnight written in UTC (1985-03-14T21:00:00Z)',
    { n: serial(Date.UTC(1985, 2, 14, 21)), fmt: DATE },
  ],
  [
    'a local Kamchatka midnight written in UTC (12:00 the day before)',
    { n: serial(Date.UTC(1985, 2, 14, 12)), fmt: DATE_TIME },
  ],
  ['a serial a hair before midnight (floating point)', { n: 31120.999999999, fmt: DATE }],
  ['a serial number in General format', { n: 31121 }],
  ['text as 1С writes it, «15.03.1985 0:00:00»', '15.03.1985 0:00:00'],
  ['ISO text in UTC, «1985-03-14T21:00:00Z»', '1985-03-14T21:00:00Z'],
  ['ISO text with the Moscow offset', '1985-03-15T00:00:00+03:00'],
];

function detachList(forms: Array<[string, Cell]>): SheetSpec {
  return {
    name: 'Список',
    rows: [
      ['Список застрахованных лиц на открепление'],
      HEADER,
      ...forms.map(([, birth], i): Cell[] => [
        String(i + 1),
        `Ким Алёна${'а'.repeat(i)}`,
        birth,
        `ДМС-77-25235${String(i).padStart(2, '0')}`,
        'Амбулаторно-поликлиническая помощь',
        '15.12.2026',
      ]),
      ['Итого: ' + forms.length],
    ],
  };
}

describe('adapters: the kind of a file comes from its bytes', () => {
  it('tells XLSX, XLS, ODS and CSV apart whatever the name says', async () => {
    const sheets = [detachList(BIRTH_FORMS.slice(0, 1))];
    for (const kind of KINDS) expect(detectFileKind(await workbook(kind, sheets)), kind).to.equal(kind);
    expect(detectFileKind(new TextEncoder().encode('Фамилия;Имя\r\n'))).to.equal('csv');
  });

  it('refuses other kinds naming what they are (not "the XLSX workbook has no worksheet")', async () => {
    // A one-entry ZIP, stored: local header, data, central directory entry, end of central directory.
    const zipWith = (entry: string, content: string): Uint8Array => {
      const name = Buffer.from(entry);
      const data = Buffer.from(content);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt32LE(data.length, 20);
      central.writeUInt32LE(data.length, 24);
      central.writeUInt16LE(name.length, 28);
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(1, 8);
      end.writeUInt16LE(1, 10);
      end.writeUInt32LE(46 + name.length, 12);
      end.writeUInt32LE(30 + name.length + data.length, 16);
      return new Uint8Array(Buffer.concat([local, name, data, central, name, end]));
    };
    const cases: Array<[Uint8Array, string]> = [
      [new TextEncoder().encode('%PDF-1.7\n…'), 'a PDF document'],
      [zipWith('mimetype', 'application/vnd.oasis.opendocument.text'), 'an OpenDocument text (ODT)'],
      [zipWith('word/document.xml', ''), 'a Word document (DOCX)'],
      [
        new TextEncoder().encode(
          '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
        ),
        'an Excel 2003 XML spreadsheet',
      ],
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), 'a PNG image'],
    ];
    for (const [bytes, kind] of cases) {
      const e = await rejects(importTable(bytes, mapping('insurer-insured-list-detach.xlsx'), fromInsurer));
      expect(e.code, kind).to.equal('FILE_KIND_UNSUPPORTED');
      expect(e.message).to.equal(
        `the file is ${kind}; dmsnet reads CSV, XLSX, XLS (Excel 97–2003) and ODS tables`,
      );
    }
  });

  it("reads an XLSX mapping's list from a CSV file too: the mapping names columns, not the file kind", async () => {
    const csv = [
      HEADER.join(';'),
      '1;Ким Алёна;15.03.1985;ДМС-77-2523500;Амбулаторно-поликлиническая помощь;15.12.2026',
    ];
    const r = await importTable(
      new TextEncoder().encode(csv.join('\r\n')),
      mapping('insurer-insured-list-detach.xlsx'),
      fromInsurer,
    );
    expect(r.errors).to.deep.equal([]);
    expect((r.document.body.rows as InsuredListRow[])[0]!.person.birthDate).to.equal('1985-03-15');
  });
});

describe('adapters: XLSX, XLS and ODS through the same mapping', () => {
  for (const kind of KINDS) {
    it(`${kind}: every form of 15.03.1985 reads as 15.03.1985, on the sheet after «Инструкция»`, async () => {
      const bytes = await workbook(kind, [INSTRUCTION, detachList(BIRTH_FORMS)]);
      const r = await importTable(bytes, mapping('insurer-insured-list-detach.xlsx'), fromInsurer);
      expect(r.errors).to.deep.equal([]);
      const rows = r.document.body.rows as InsuredListRow[];
      expect(rows).to.have.length(BIRTH_FORMS.length);
      rows.forEach((row, i) => expect(row.person.birthDate, BIRTH_FORMS[i]![0]).to.equal('1985-03-15'));
      expect(rows[0]!.period).to.deep.equal({ to: '2026-12-15' });
      expect(r.sourceMap.get('/body/rows/2/person/birthDate')).to.deep.equal({
        row: 5,
        column: 'C',
        header: 'Дата рождения',
      });
    });
  }

  it('the three kinds give the same document body', async () => {
    const bodies = [];
    for (const kind of KINDS) {
      const bytes = await workbook(kind, [INSTRUCTION, detachList(BIRTH_FORMS)]);
      bodies.push(
        (await importTable(bytes, mapping('insurer-insured-list-detach.xlsx'), fromInsurer)).document.body,
      );
    }
    expect(bodies[1]).to.deep.equal(bodies[0]);
    expect(bodies[2]).to.deep.equal(bodies[0]);
  });

  it('a date cell that is a real time of day keeps its day; a non-date in a date column is still refused at its cell', async () => {
    const forms: Array<[string, Cell]> = [
      ['14:37 on 15.03.1985', { n: 31121 + (14 * 60 + 37) / 1440, fmt: DATE_TIME }],
      ['not a date', 'вчера'],
    ];
    const r = await importTable(
      await workbook('xls', [detachList(forms)]),
      mapping('insurer-insured-list-detach.xlsx'),
      fromInsurer,
    );
    expect((r.document.body.rows as InsuredListRow[])[0]!.person.birthDate).to.equal('1985-03-15');
    expect(r.errors.map((e) => [e.code, e.row, e.column])).to.deep.equal([['DATE_INVALID', 4, 'C']]);
  });

  it('the sheet a mapping names is used, and a missing one is refused naming the sheets there are', async () => {
    const bytes = await workbook('ods', [INSTRUCTION, detachList(BIRTH_FORMS.slice(0, 2))]);
    const named: TableMapping = { ...mapping('insurer-insured-list-detach.xlsx'), sheet: 'список' };
    expect((await importTable(bytes, named, fromInsurer)).errors).to.deep.equal([]);
    const e = await rejects(importTable(bytes, { ...named, sheet: 'Лист1' }, fromInsurer));
    expect([e.code, e.message]).to.deep.equal([
      'SHEET_NOT_FOUND',
      'the workbook has no sheet «Лист1»; it has «Инструкция», «Список»',
    ]);
    const none = await rejects(importTable(await workbook('xls', [INSTRUCTION]), named, fromInsurer));
    expect(none.code).to.equal('SHEET_NOT_FOUND');
    const unnamed = await rejects(
      importTable(
        await workbook('xls', [INSTRUCTION, INSTRUCTION_COPY]),
        mapping('insurer-insured-list-detach.xlsx'),
        fromInsurer,
      ),
    );
    expect(unnamed.code).to.equal('HEADER_NOT_FOUND');
    expect(unnamed.message).to.include('on any of 2 sheets');
  });

  for (const kind of ['xls', 'ods'] as const) {
    it(`a mapping that exports ${kind} writes a file that reads back to the same document`, async () => {
      const m: TableMapping = { ...mapping('insurer-insured-list-detach.xlsx'), format: kind };
      const first = await importTable(
        await workbook('xlsx', [detachList(BIRTH_FORMS.slice(0, 3))]),
        m,
        fromInsurer,
      );
      const bytes = await exportTable(first.document, m);
      expect(detectFileKind(bytes)).to.equal(kind);
      const again = await importTable(bytes, m, fromInsurer);
      expect(again.errors).to.deep.equal([]);
      expect(again.document.body).to.deep.equal(first.document.body);
    });
  }
});

const INSTRUCTION_COPY: SheetSpec = { name: 'Пояснения', rows: [['Пояснения']] };

describe('adapters: amounts exact to the kopeck', () => {
  const priceHeader: Cell[] = [
    'Код услуги',
    'Код по Номенклатуре (804н)',
    'Наименование услуги',
    'Цена, руб.',
  ];
  const line = (i: number, price: Cell): Cell[] => [
    `К-${100 + i}`,
    `B01.047.00${i + 1}`,
    `Приём ${i + 1}`,
    price,
  ];

  for (const kind of KINDS) {
    it(`${kind}: «1500,00 р.», «1 500,00 руб.», «1500 ₽», «₽ 1500», 1500 and 1500.1 all read; three decimals are refused at their cell`, async () => {
      const prices: Cell[] = [
        '1500,00 р.',
        '1 500,00 руб.',
        '1500 ₽',
        '₽ 1500',
        '1500р',
        { n: 1500 },
        { n: 1500.1 },
        { n: 1500.125 },
        '1500,125',
      ];
      const bytes = await workbook(kind, [
        { name: 'Прейскурант', rows: [priceHeader, ...prices.map((p, i) => line(i, p))] },
      ]);
      const r = await importTable(bytes, mapping('clinic-price-list.xlsx'), fromClinic);
      const lines = r.document.body.lines as PriceListLine[];
      expect(lines.slice(0, 7).map((l) => l.price)).to.deep.equal([
        150000, 150000, 150000, 150000, 150000, 150000, 150010,
      ]);
      expect(lines[7]!.price, 'not rounded').to.equal(undefined);
      expect(
        r.errors.filter((e) => e.code === 'MONEY_NOT_KOPECKS').map((e) => [e.row, e.column, e.pointer]),
      ).to.deep.equal([
        [9, 'D', '/body/lines/7/price'],
        [10, 'D', '/body/lines/8/price'],
      ]);
    });
  }

  it('parseMoney refuses what does not fit kopecks instead of rounding it', () => {
    expect(parseMoney(1500.125)).to.equal(null);
    expect(parseMoney(0.1 + 0.2)).to.equal(30);
    expect(parseMoney('2 450,00 ₽')).to.equal(245000);
    expect(parseMoney('1500,00 руб')).to.equal(150000);
    expect(parseMoney('р.')).to.equal(null);
  });
});

describe('adapters: dates as calendar days', () => {
  it('reads every textual and numeric form as the day it stands for', () => {
    expect(parseRuDate('15.03.1985 0:00:00')).to.equal('1985-03-15');
    expect(parseRuDate('15.03.1985 23:00')).to.equal('1985-03-15');
    expect(parseRuDate('1985-03-14T21:00:00Z')).to.equal('1985-03-15');
    expect(parseRuDate('1985-03-14T21:00:00.000Z')).to.equal('1985-03-15');
    expect(parseRuDate('1985-03-15T00:00:00+03:00')).to.equal('1985-03-15');
    expect(parseRuDate('1985-03-15T10:30:00')).to.equal('1985-03-15');
    expect(parseRuDate(new Date('1985-03-14T21:00:00Z'))).to.equal('1985-03-15');
    expect(parseRuDate(new Date('1985-03-15T09:41:17Z'))).to.equal('1985-03-15');
    expect(parseRuDate(31121)).to.equal('1985-03-15');
    expect(parseRuDate('31121')).to.equal('1985-03-15');
    expect(parseRuDate(12)).to.equal(null);
    expect(parseRuDate('1985-02-30T00:00:00Z')).to.equal(null);
  });
});
