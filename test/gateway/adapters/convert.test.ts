import { expect } from 'chai';
import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import {
  columnLetter,
  detectEncoding,
  exportTable,
  importTable,
  parseCsv,
  parseMapping,
  parseMoney,
  parseRuDate,
  readTable,
  type TableMapping,
} from '../../../gateway/src/adapters/index.js';
import {
  repoPath,
  validateDocument,
  type DmsnetError,
  type InsuredListRow,
  type InvoiceLine,
  type PriceListLine,
} from '@dmsnet/formats';
import { CLINIC, CREATED_AT, INSURER, mapping, sample } from './helpers.js';

const MAPPING_FILE = (name: string) => repoPath('gateway', 'mappings', `${name}.yaml`);

// What the sample files do not say about themselves is typed by the sender (the console's form, `--set`); what they
// do say — a contract, an invoice's number, date and month, a price list's start — is read from their title lines.
const contractFields = { 'contract/number': '12-ДМС/2026', 'contract/date': '15.11.2026' };
interface Opts {
  sender: typeof INSURER;
  addressee: typeof CLINIC;
  createdAt: string;
  fields: Record<string, string>;
}
const fromInsurer: Opts = {
  sender: INSURER,
  addressee: CLINIC,
  createdAt: CREATED_AT,
  fields: { listNumber: '12-ДМС/2026-П', listDate: '15.11.2026' },
};
const fromClinic: Opts = {
  sender: CLINIC,
  addressee: INSURER,
  createdAt: CREATED_AT,
  fields: { priceListNumber: 'ПР-2027' },
};
/** For files with no title at all (MIS exports), and those whose title has no contract date. */
const withContract = (o: Opts, more: Record<string, string> = {}): Opts => ({
  ...o,
  fields: { ...o.fields, ...contractFields, ...more },
});
const invoiceFields = { invoiceNumber: '345', invoiceDate: '05.01.2027', billingPeriod: 'декабрь 2026' };

function csv1251(lines: string[]): Uint8Array {
  return new Uint8Array(iconv.encode(lines.join('\r\n') + '\r\n', 'win1251'));
}

async function rejects(p: Promise<unknown>): Promise<DmsnetError> {
  try {
    await p;
  } catch (e) {
    return e as DmsnetError;
  }
  throw new Error('expected a rejection');
}

describe('adapters: cells', () => {
  it('reads dd.mm.yyyy, ISO and Excel dates and refuses dates not in the calendar', () => {
    expect(parseRuDate('15.01.1994')).to.equal('1994-01-15');
    expect(parseRuDate('1.2.2026')).to.equal('2026-02-01');
    expect(parseRuDate(new Date(Date.UTC(1984, 4, 17)))).to.equal('1984-05-17');
    expect(parseRuDate('31.02.2026')).to.equal(null);
    expect(parseRuDate('2026/01/01')).to.equal(null);
  });

  it('reads money with decimal commas and thousands spaces into kopecks', () => {
    expect(parseMoney('2 450,00')).to.equal(245000);
    expect(parseMoney('650,5')).to.equal(65050);
    expect(parseMoney(2200)).to.equal(220000);
    expect(parseMoney('12,345')).to.equal(null);
    expect(parseMoney('abc')).to.equal(null);
  });

  it('parses RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes', () => {
    const rows = parseCsv('a;"b;c";"say ""hi"""\r\n"x\ny";2\r\n');
    expect(rows.map((r) => r.cells)).to.deep.equal([
      ['a', 'b;c', 'say "hi"'],
      ['x\ny', '2'],
    ]);
    expect(rows[1]!.rowNumber).to.equal(2);
  });

  it('names columns as spreadsheets do', () => {
    expect([0, 25, 26, 27, 701].map(columnLetter)).to.deep.equal(['A', 'Z', 'AA', 'AB', 'ZZ']);
  });

  it('detects Windows-1251 and UTF-8', () => {
    expect(detectEncoding(sample('insured-list-attach.csv'))).to.equal('windows-1251');
    expect(detectEncoding(new TextEncoder().encode('Фамилия;Имя'))).to.equal('utf-8');
  });
});

describe('adapters: the real sample files', () => {
  it('reads the Windows-1251 attachment list with its title lines, «№ п/п», СНИЛС and employer as they are', async () => {
    const r = await importTable(
      sample('insured-list-attach.csv'),
      mapping('insurer-insured-list-attach.csv'),
      fromInsurer,
    );
    expect(r.errors).to.deep.equal([]);
    const rows = r.document.body.rows as InsuredListRow[];
    expect(rows).to.have.length(20);
    expect(rows[0]).to.deep.include({ rowId: '1', action: 'attach', phone: '+7 (995) 827-34-50' });
    expect(rows[0]!.person).to.deep.equal({
      lastName: 'Смирнова',
      firstName: 'Анна',
      middleName: 'Дмитриевна',
      birthDate: '1994-01-15',
      sex: 'F',
      policyNumber: 'ДМС-77-1043330',
      snils: '22459268684',
    });
    expect(rows[0]!.policyholder).to.deep.equal({ name: 'ООО «Ромашка»', inn: '5024123459' });
    // The contract and the clinic are the title's; the list's number and date, as typed.
    expect(r.document.body.contract).to.deep.equal({ number: '12-ДМС/2026', date: '2026-11-15' });
    expect(r.document.body).to.include({ listNumber: '12-ДМС/2026-П', listDate: '2026-11-15' });
    expect(r.addresseeInFile).to.equal('ООО «Клиника Здоровье»');
    expect(r.header.find((h) => h.field === 'contract/number')).to.include({ source: 'file' });
    expect(r.header.find((h) => h.field === 'listNumber')).to.include({ source: 'form' });
    expect(rows[16]!.person.middleName, 'empty Отчество is none').to.equal(undefined);
    expect(r.sourceMap.get('/body/rows/0/person/snils')).to.deep.equal({
      row: 5,
      column: 'H',
      header: 'СНИЛС',
    });
  });

  it('reads the XLSX detachment list: merged titles, one «ФИО» cell, Excel and text dates, a totals row', async () => {
    const r = await importTable(
      sample('insured-list-detach.xlsx'),
      mapping('insurer-insured-list-detach.xlsx'),
      { ...fromInsurer, fields: { ...fromInsurer.fields, 'contract/date': '15.11.2026' } },
    );
    expect(r.errors).to.deep.equal([]);
    expect(r.document.body.contract, 'the number from the merged title').to.deep.equal({
      number: '12-ДМС/2026',
      date: '2026-11-15',
    });
    const rows = r.document.body.rows as InsuredListRow[];
    expect(rows).to.have.length(5);
    expect(rows[1]).to.deep.equal({
      action: 'detach',
      rowId: '2',
      person: {
        lastName: 'Ким',
        firstName: 'Алёна',
        birthDate: '1984-05-17',
        policyNumber: 'ДМС-77-2523599',
      },
      programme: { code: 'APP', name: 'Амбулаторно-поликлиническая помощь' },
      period: { to: '2026-12-15' },
      comment: 'окончание договора',
    });
  });

  it('reads the XLSX price list: sections, a Cyrillic «А» in a code, prices as numbers and as «2 450,00»', async () => {
    const r = await importTable(sample('pricelist.xlsx'), mapping('clinic-price-list.xlsx'), fromClinic);
    expect(r.errors).to.deep.equal([]);
    expect(r.document.body.validity, '«Действует с 01.01.2027»').to.deep.equal({ from: '2027-01-01' });
    const lines = r.document.body.lines as PriceListLine[];
    expect(lines).to.have.length(12);
    expect(lines.find((l) => l.clinicServiceCode === 'Л-101')).to.deep.include({
      price: 245000,
      section: '2. Лабораторная диагностика',
    });
    expect(lines.find((l) => l.clinicServiceCode === 'У-301')!.serviceCode).to.equal('A04.22.001');
    expect(lines.at(-1)!.section).to.equal('4. Стоматология');
  });

  it('reads ОМС-style MIS exports: «НЕТ» patronymic is none, T_PRIK gives the action, CODE_USL maps through the price list', async () => {
    const list = await importTable(
      sample('mis-oms-attach.csv'),
      mapping('oms-style-insured-list.csv'),
      withContract(fromInsurer),
    );
    expect(list.errors).to.deep.equal([]);
    const rows = list.document.body.rows as InsuredListRow[];
    expect(rows[0]!.person.middleName).to.equal(undefined);
    expect(rows[0]!.action).to.equal('attach');
    const inv = await importTable(
      sample('mis-oms-invoice-register.csv'),
      mapping('oms-style-invoice-register.csv'),
      withContract(fromClinic, invoiceFields),
    );
    expect(inv.errors).to.deep.equal([]);
    expect(inv.document.body.billingPeriod).to.deep.equal({ from: '2026-12-01', to: '2026-12-31' });
    const lines = inv.document.body.lines as InvoiceLine[];
    expect(lines.map((l) => l.serviceCode)).to.deep.equal(['B01.047.001', 'B01.065.001']);
    expect(inv.document.body.total).to.equal(590000);
  });

  it('derives the documentId from the file content: the same file is the same document', async () => {
    const m = mapping('insurer-insured-list-attach.csv');
    const a = await importTable(sample('insured-list-attach.csv'), m, fromInsurer);
    const b = await importTable(sample('insured-list-attach.csv'), m, {
      ...fromInsurer,
      createdAt: '2027-01-01T00:00:00Z',
    });
    expect(a.document.header.documentId).to.equal(b.document.header.documentId);
    const other = await importTable(
      sample('mis-oms-attach.csv'),
      mapping('oms-style-insured-list.csv'),
      fromInsurer,
    );
    expect(other.document.header.documentId).to.not.equal(a.document.header.documentId);
    // The same file to another addressee (sent again after a withdrawal from the wrong one) is another document.
    const elsewhere = await importTable(sample('insured-list-attach.csv'), m, {
      ...fromInsurer,
      addressee: { ...CLINIC, ogrn: '1027700000018' },
    });
    expect(elsewhere.document.header.documentId).to.not.equal(a.document.header.documentId);
  });

  it('reads header fields from the title, lets typed ones win, and refuses constants in a mapping', async () => {
    const m = mapping('clinic-invoice-register.csv');
    const r = await importTable(sample('invoice-register.csv'), m, fromClinic);
    expect(r.document.body).to.deep.include({
      invoiceNumber: '345',
      invoiceDate: '2027-01-05',
      billingPeriod: { from: '2026-12-01', to: '2026-12-31' },
    });
    expect(r.addresseeInFile).to.equal('АО «СОГАЗ»');
    // The register names no contract: without the roster nor a typed one, it is the document's missing field.
    expect(r.errors.filter((e) => e.pointer === '/body/contract').map((e) => e.code)).to.deep.equal([
      'SCHEMA_REQUIRED',
    ]);
    const typed = await importTable(sample('invoice-register.csv'), m, {
      ...fromClinic,
      fields: { invoiceNumber: '512', invoiceDate: '01.12.2026', billingPeriod: 'ноябрь 2026' },
    });
    expect(typed.document.body).to.deep.include({
      invoiceNumber: '512',
      invoiceDate: '2026-12-01',
      billingPeriod: { from: '2026-11-01', to: '2026-11-30' },
    });
    const bad = await importTable(sample('invoice-register.csv'), m, {
      ...fromClinic,
      fields: { invoiceDate: '31.02.2026', billingPeriod: 'смарт 2026' },
    });
    expect(
      bad.errors.filter((e) => !e.pointer.startsWith('/body/lines') && e.pointer !== '/body/contract'),
    ).to.deep.equal([
      {
        pointer: '/body/invoiceDate',
        code: 'DATE_INVALID',
        message: '«31.02.2026» as typed is not a date dd.mm.yyyy',
      },
      {
        pointer: '/body/billingPeriod',
        code: 'MONTH_INVALID',
        message: '«смарт 2026» as typed is not a month («декабрь 2026»)',
      },
    ]);
    const withConstant = `${readFileSync(MAPPING_FILE('clinic-invoice-register.csv'), 'utf8')}\n`.replace(
      'bodyDefaults:\n  currency: RUB',
      'bodyDefaults:\n  currency: RUB\n  invoiceNumber: "345"',
    );
    const err = (() => {
      try {
        parseMapping(withConstant, 'x');
      } catch (e) {
        return e as DmsnetError;
      }
      return undefined;
    })();
    expect(err?.errors).to.deep.include({
      pointer: '/bodyDefaults/invoiceNumber',
      code: 'HEADER_CONSTANT',
      message:
        'invoiceNumber differs from file to file: declare it under header (read from the file or asked of the sender)',
    });
  });
});

describe('adapters: round trip file → shared format → file', () => {
  const cases: Array<[string, string, Opts]> = [
    ['insured-list-attach.csv', 'insurer-insured-list-attach.csv', fromInsurer],
    ['insured-list-detach.xlsx', 'insurer-insured-list-detach.xlsx', withContract(fromInsurer)],
    ['pricelist.xlsx', 'clinic-price-list.xlsx', fromClinic],
    ['mis-oms-attach.csv', 'oms-style-insured-list.csv', withContract(fromInsurer)],
    [
      'mis-oms-invoice-register.csv',
      'oms-style-invoice-register.csv',
      withContract(fromClinic, invoiceFields),
    ],
  ];
  for (const [file, map, opts] of cases) {
    it(`${file}: the exported file reads back to the same document, field for field`, async () => {
      const m = mapping(map);
      const first = await importTable(sample(file), m, opts);
      expect(first.errors).to.deep.equal([]);
      const bytes = await exportTable(first.document, m);
      // An exported file is the table without its title: the header fields go with it as the values read.
      const fields = Object.fromEntries(first.header.map((h) => [h.field, h.value]));
      const again = await importTable(bytes, m, { ...opts, fields });
      expect(again.errors).to.deep.equal([]);
      expect(again.document.body).to.deep.equal(first.document.body);
      expect(validateDocument(again.document)).to.deep.equal([]);
    });
  }

  it('writes the source cells back as the clinic wrote them (dates dd.mm.yyyy, decimal commas, own codes)', async () => {
    const m = mapping('oms-style-invoice-register.csv');
    const doc = (
      await importTable(sample('mis-oms-invoice-register.csv'), m, withContract(fromClinic, invoiceFields))
    ).document;
    const source = (await readTable(sample('mis-oms-invoice-register.csv'), { format: 'csv' })).map(
      (r) => r.cells,
    );
    const written = (await readTable(await exportTable(doc, m), { format: 'csv', encoding: 'auto' })).map(
      (r) => r.cells,
    );
    expect(written).to.deep.equal(source);
  });
});

describe('adapters: broken files are refused with the file row and column', () => {
  const m = mapping('insurer-insured-list-attach.csv');
  const header =
    '№ п/п;Фамилия;Имя;Отчество;Дата рождения;Пол;№ полиса;СНИЛС;Страхователь;Программа;Дата прикрепления;Дата окончания;Телефон';
  const good =
    '1;Смирнова;Анна;Дмитриевна;15.01.1994;Ж;ДМС-77-1043330;224-592-686 84;ООО «Ромашка» (ИНН 5024123459);АПП + вызов врача на дом;01.12.2026;30.11.2027;+7 (995) 827-34-50';

  it('a bad date and a bad СНИЛС checksum name row, column and header', async () => {
    const bad = good
      .replace('15.01.1994', '31.02.1994')
      .replace('224-592-686 84', '224-592-686 85')
      .replace(/^1;/, '2;');
    const r = await importTable(csv1251(['Список', '', header, good, '', bad]), m, fromInsurer);
    const byCode = Object.fromEntries(r.errors.map((e) => [e.code, e]));
    expect(byCode.DATE_INVALID).to.deep.include({
      row: 6,
      column: 'E',
      header: 'Дата рождения',
      pointer: '/body/rows/1/person/birthDate',
    });
    expect(byCode.SNILS_CHECKSUM).to.deep.include({
      row: 6,
      column: 'H',
      header: 'СНИЛС',
      pointer: '/body/rows/1/person/snils',
    });
  });

  it('a wrong header is HEADER_NOT_FOUND', async () => {
    const e = await rejects(
      importTable(csv1251([header.replace('Фамилия', 'Фамилиё'), good]), m, fromInsurer),
    );
    expect(e.code).to.equal('HEADER_NOT_FOUND');
    expect(e.message).to.include('Фамилия');
  });

  it('a file with only empty rows under its header is NO_ROWS', async () => {
    const r = await importTable(csv1251([header, ';;;;;;;;;;;;', '', ';;;']), m, fromInsurer);
    expect(r.errors.map((x) => x.code)).to.include('NO_ROWS');
  });

  it('a 0-byte file and a binary file renamed .xlsx are refused with their own codes', async () => {
    expect((await rejects(importTable(new Uint8Array(), m, fromInsurer))).code).to.equal('FILE_EMPTY');
    const binary = new Uint8Array(256).map((_, i) => (i * 37) % 256);
    const x = mapping('clinic-price-list.xlsx');
    const b = await rejects(importTable(binary, x, fromClinic));
    expect([b.code, b.message]).to.deep.equal([
      'FILE_KIND_UNSUPPORTED',
      'the file is binary data of an unknown kind; dmsnet reads CSV, XLSX, XLS (Excel 97–2003) and ODS tables',
    ]);
    const zipButNotXlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
    const z = await rejects(importTable(zipButNotXlsx, x, fromClinic));
    expect(z.code).to.equal('FILE_KIND_UNSUPPORTED');
    expect(z.message).to.include('a ZIP archive that is not a spreadsheet');
  });

  it('a missing required cell is located at its row even though no value was written', async () => {
    const noPolicy = good.replace('ДМС-77-1043330', '');
    const r = await importTable(csv1251([header, noPolicy]), m, fromInsurer);
    const e = r.errors.find((x) => x.pointer.startsWith('/body/rows/0/person'));
    expect(e, JSON.stringify(r.errors)).to.not.equal(undefined);
    expect(e!.row).to.equal(2);
  });

  it('a mapping file with a wrong kind is refused naming the field', async () => {
    const { parseMapping } = await import('../../../gateway/src/adapters/index.js');
    let err: DmsnetError | undefined;
    try {
      parseMapping(
        'type: insured-list\nformat: csv\nrowsField: rows\ncolumns:\n  - {headers: [A], field: x, kind: nope}\n',
      );
    } catch (e) {
      err = e as DmsnetError;
    }
    expect(err?.code).to.equal('MAPPING_INVALID');
    expect(err?.errors.map((e) => e.pointer)).to.deep.equal(['/columns/0/kind']);
  });

  it('a column left empty or not a mapping is refused naming it (found by fuzzing: a TypeError escaped)', async () => {
    const { parseMapping } = await import('../../../gateway/src/adapters/index.js');
    let err: DmsnetError | undefined;
    try {
      parseMapping(
        'type: insured-list\nformat: csv\nrowsField: rows\ncolumns:\n  - {headers: [A], field: x, kind: text}\n  -\n  - 7\n',
      );
    } catch (e) {
      err = e as DmsnetError;
    }
    expect(err?.code).to.equal('MAPPING_INVALID');
    expect(err?.errors.map((e) => e.pointer)).to.deep.equal(['/columns/1', '/columns/2']);
  });

  it('a mapping file the YAML parser warns about is refused with the warning, printing nothing', async () => {
    const { parseMapping } = await import('../../../gateway/src/adapters/index.js');
    const warned: unknown[] = [];
    const onWarning = (w: unknown): number => warned.push(w);
    process.on('warning', onWarning);
    try {
      for (const [text, reason] of [
        ['type: !foo insured-list\nformat: csv\n', 'Unresolved tag: !foo'],
        ['%FOO x\n---\ntype: insured-list\n', 'Unknown directive %FOO'],
        ['type: insured-list\n---\nformat: csv\n', 'multiple documents'],
      ] as const) {
        let err: DmsnetError | undefined;
        try {
          parseMapping(text, 'm.yaml');
        } catch (e) {
          err = e as DmsnetError;
        }
        expect(err?.code, text).to.equal('MAPPING_YAML_INVALID');
        expect(err?.message, text).to.include(reason);
      }
      await new Promise((resolve) => setImmediate(resolve)); // process.emitWarning emits on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warned).to.deep.equal([]);
  });

  it('exports in the mapping encoding: a Windows-1251 mapping writes 1251', async () => {
    const m1251: TableMapping = { ...m, encoding: 'windows-1251' };
    const doc = (await importTable(sample('insured-list-attach.csv'), m, fromInsurer)).document;
    const bytes = await exportTable(doc, m1251);
    expect(detectEncoding(bytes)).to.equal('windows-1251');
    expect(iconv.decode(Buffer.from(bytes), 'win1251').split('\r\n')[0]).to.equal(header);
  });
});

describe('adapters: the clinic invoice register, completed from the roster', () => {
  it('maps the clinic codes through the price list and takes birth date and sex from the attach list', async () => {
    const roster = await importTable(
      sample('insured-list-attach.csv'),
      mapping('insurer-insured-list-attach.csv'),
      fromInsurer,
    );
    const byPolicy = new Map(
      (roster.document.body.rows as InsuredListRow[]).map((r) => [r.person.policyNumber, r.person] as const),
    );
    const m = mapping('clinic-invoice-register.csv');
    const r = await importTable(sample('invoice-register.csv'), m, {
      ...withContract(fromClinic),
      completeRow: (row) => {
        const patient = row.patient as { policyNumber: string; birthDate?: string; sex?: string };
        const known = byPolicy.get(patient.policyNumber);
        if (known) Object.assign(patient, { birthDate: known.birthDate, sex: known.sex });
      },
    });
    expect(r.errors).to.deep.equal([]);
    const lines = r.document.body.lines as InvoiceLine[];
    expect(lines).to.have.length(12);
    expect(lines[0]).to.deep.include({
      serviceCode: 'B01.047.001',
      quantity: 2,
      unitPrice: 220000,
      amount: 440000,
    });
    expect(lines[0]!.guaranteeLetter).to.deep.equal({ letterNumber: 'ГП-2026-1000' });
    expect(lines[3]!.guaranteeLetter).to.equal(undefined);
    expect(r.document.body.total).to.equal(2915000);
    const again = await importTable(
      await exportTable(r.document, m),
      m,
      withContract(fromClinic, invoiceFields),
    );
    expect((again.document.body.lines as InvoiceLine[]).map((l) => l.serviceCode)).to.deep.equal(
      lines.map((l) => l.serviceCode),
    );
  });

  it('without the roster, each line missing birth date and sex is reported at its file row', async () => {
    const r = await importTable(
      sample('invoice-register.csv'),
      mapping('clinic-invoice-register.csv'),
      fromClinic,
    );
    const first = r.errors.filter((e) => e.pointer.startsWith('/body/lines/0/patient'));
    expect(first.length).to.be.greaterThan(0);
    expect(first.every((e) => e.row === 4)).to.equal(true);
  });
});
