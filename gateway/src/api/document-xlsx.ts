// A document's table as a workbook staff open in Excel: an invoice register, an expertise act, a guarantee letter or a
// price list, with a title block above the table as Russian office sheets have it. Money is a number in roubles with
// two decimals (the format's integer kopecks divided once, here), dates are real dates shown дд.мм.гггг, so that
// sums and filters work in the spreadsheet.
import ExcelJS from 'exceljs';
import { DmsnetError } from '@dmsnet/formats/errors';
import type {
  DmsDocument,
  ExpertiseActBody,
  GuaranteeLetterBody,
  InvoiceBody,
  PartyRef,
  Person,
  PriceListBody,
} from '@dmsnet/formats/types';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Cell = string | number | Date | null;
interface Column {
  header: string;
  width: number;
  kind?: 'money' | 'date' | 'int';
}
interface Sheet {
  name: string;
  title: string;
  /** Label → value lines under the title (parties, period, contract). */
  facts: Array<[string, string]>;
  columns: Column[];
  rows: Cell[][];
  /** A totals row: the label in the first column, sums under the money columns named. */
  totals?: Array<{ column: number; value: number }>;
}

const rub = (kopecks: number) => Math.round(kopecks) / 100;
const ruDate = (iso: string | undefined) => (iso ? iso.split('-').reverse().join('.') : '');
const day = (iso: string | undefined) => (iso ? new Date(`${iso}T00:00:00Z`) : null);
const party = (p: PartyRef | undefined) => (p ? `${p.name ?? ''} (ОГРН ${p.ogrn})`.trim() : '');
const person = (p: Pick<Person, 'lastName' | 'firstName' | 'middleName'>) =>
  [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');

const DECISION: Record<string, string> = { PAID: 'к оплате', WITHHELD: 'снято' };
const STATUS: Record<string, string> = { issued: 'выдано', amended: 'изменено', revoked: 'отозвано' };

function invoiceSheet(doc: DmsDocument, b: InvoiceBody): Sheet {
  return {
    name: 'Реестр',
    title: `Реестр оказанных медицинских услуг к счёту № ${b.invoiceNumber} от ${ruDate(b.invoiceDate)}`,
    facts: [
      ['Исполнитель', party(doc.header.sender)],
      ['Заказчик', party(doc.header.addressee)],
      ['Договор', `№ ${b.contract.number}${b.contract.date ? ` от ${ruDate(b.contract.date)}` : ''}`],
      ['Период', `${ruDate(b.billingPeriod.from)} — ${ruDate(b.billingPeriod.to)}`],
    ],
    columns: [
      { header: '№ п/п', width: 7 },
      { header: 'ФИО пациента', width: 32 },
      { header: 'Дата рождения', width: 13, kind: 'date' },
      { header: '№ полиса', width: 18 },
      { header: '№ гарантийного письма', width: 16 },
      { header: 'Дата оказания', width: 13, kind: 'date' },
      { header: 'Код услуги', width: 14 },
      { header: 'Наименование услуги', width: 40 },
      { header: 'Кол-во', width: 8, kind: 'int' },
      { header: 'Цена, ₽', width: 13, kind: 'money' },
      { header: 'Сумма, ₽', width: 14, kind: 'money' },
    ],
    rows: b.lines.map((l) => [
      l.rowId,
      person(l.patient),
      day(l.patient.birthDate),
      l.patient.policyNumber,
      l.guaranteeLetter?.letterNumber ?? '',
      day(l.serviceDate),
      l.serviceCode,
      l.serviceName ?? '',
      l.quantity,
      rub(l.unitPrice),
      rub(l.amount),
    ]),
    totals: [{ column: 10, value: rub(b.total) }],
  };
}

function actSheet(doc: DmsDocument, b: ExpertiseActBody): Sheet {
  return {
    name: 'Акт',
    title: `Акт экспертизы № ${b.actNumber} от ${ruDate(b.actDate)} к счёту № ${b.invoiceNumber ?? b.invoiceId}`,
    facts: [
      ['Страховщик', party(doc.header.sender)],
      ['Медицинская организация', party(doc.header.addressee)],
      ['Эксперт', b.expert?.name ?? ''],
    ],
    columns: [
      { header: '№ п/п', width: 7 },
      { header: 'Строка счёта', width: 12 },
      { header: 'Решение', width: 12 },
      { header: 'Предъявлено, ₽', width: 15, kind: 'money' },
      { header: 'К оплате, ₽', width: 15, kind: 'money' },
      { header: 'Снято, ₽', width: 14, kind: 'money' },
      { header: 'Код дефекта', width: 12 },
      { header: 'Пояснение', width: 48 },
    ],
    rows: b.lines.map((l) => [
      l.rowId,
      l.invoiceLineId,
      DECISION[l.decision] ?? l.decision,
      rub(l.claimedAmount),
      rub(l.paidAmount),
      rub(l.withheldAmount),
      l.defectCode ?? '',
      l.reason ?? '',
    ]),
    totals: [
      { column: 3, value: rub(b.totals.claimed) },
      { column: 4, value: rub(b.totals.paid) },
      { column: 5, value: rub(b.totals.withheld) },
    ],
  };
}

function letterSheet(doc: DmsDocument, b: GuaranteeLetterBody): Sheet {
  return {
    name: 'Гарантийное письмо',
    title: `Гарантийное письмо № ${b.letterNumber} от ${ruDate(b.issueDate)} (${STATUS[b.status] ?? b.status})`,
    facts: [
      ['Страховщик', party(doc.header.sender)],
      ['Медицинская организация', party(doc.header.addressee)],
      [
        'Пациент',
        `${person(b.patient)}, ${ruDate(b.patient.birthDate)} г. р., полис № ${b.patient.policyNumber}`,
      ],
      ['Срок действия', `${ruDate(b.validity.from)} — ${ruDate(b.validity.to)}`],
      ['Лимит, ₽', rub(b.amountLimit).toFixed(2).replace('.', ',')],
    ],
    columns: [
      { header: '№ п/п', width: 7 },
      { header: 'Код услуги', width: 14 },
      { header: 'Наименование услуги', width: 44 },
      { header: 'Кол-во', width: 8, kind: 'int' },
      { header: 'Цена, ₽', width: 13, kind: 'money' },
      { header: 'Сумма, ₽', width: 14, kind: 'money' },
    ],
    rows: b.lines.map((l) => [
      l.rowId,
      l.serviceCode,
      l.name ?? '',
      l.quantity,
      rub(l.unitPrice),
      rub(l.amount),
    ]),
    totals: [{ column: 5, value: rub(b.lines.reduce((s, l) => s + l.amount, 0)) }],
  };
}

function priceListSheet(doc: DmsDocument, b: PriceListBody): Sheet {
  return {
    name: 'Прейскурант',
    title: `Прейскурант, действует с ${ruDate(b.validity.from)}`,
    facts: [
      ['Медицинская организация', party(doc.header.sender)],
      ['Страховщик', party(doc.header.addressee)],
    ],
    columns: [
      { header: '№ п/п', width: 7 },
      { header: 'Раздел', width: 20 },
      { header: 'Код услуги', width: 14 },
      { header: 'Наименование услуги', width: 50 },
      { header: 'Ед.', width: 8 },
      { header: 'Цена, ₽', width: 13, kind: 'money' },
    ],
    rows: b.lines.map((l) => [l.rowId, l.section ?? '', l.serviceCode, l.name, l.unit ?? '', rub(l.price)]),
  };
}

function sheetOf(doc: DmsDocument): Sheet {
  switch (doc.header.type) {
    case 'invoice':
      return invoiceSheet(doc, doc.body as InvoiceBody);
    case 'expertise-act':
      return actSheet(doc, doc.body as ExpertiseActBody);
    case 'guarantee-letter':
      return letterSheet(doc, doc.body as GuaranteeLetterBody);
    case 'price-list':
      return priceListSheet(doc, doc.body as PriceListBody);
    default:
      throw new DmsnetError(
        'EXPORT_NOT_TABULAR',
        `a ${doc.header.type} has no table to export: invoices, expertise acts, guarantee letters and price lists have`,
      );
  }
}

const FORMAT = { money: '#,##0.00', date: 'dd.mm.yyyy', int: '0' } as const;

/** The workbook's bytes. */
export async function documentXlsx(doc: DmsDocument): Promise<Buffer> {
  const s = sheetOf(doc);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'dmsnet';
  const ws = wb.addWorksheet(s.name, {
    pageSetup: {
      paperSize: 9,
      orientation: s.columns.length > 8 ? 'landscape' : 'portrait',
      fitToPage: true,
    },
  });
  ws.columns = s.columns.map((c) => ({ width: c.width }));
  ws.addRow([s.title]).font = { bold: true, size: 13 };
  for (const [k, v] of s.facts) ws.addRow([k, v]).getCell(1).font = { bold: true };
  ws.addRow([]);
  const head = ws.addRow(s.columns.map((c) => c.header));
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  const headAt = head.number;
  for (const r of s.rows) ws.addRow(r);
  if (s.totals) {
    const total = ws.addRow(['Итого']);
    total.font = { bold: true };
    for (const t of s.totals) total.getCell(t.column + 1).value = t.value;
  }
  s.columns.forEach((c, i) => {
    if (c.kind) ws.getColumn(i + 1).eachCell((cell, row) => row > headAt && (cell.numFmt = FORMAT[c.kind!]));
  });
  const last = ws.lastRow?.number ?? headAt;
  for (let r = headAt; r <= last; r++) {
    for (let c = 1; c <= s.columns.length; c++) {
      ws.getCell(r, c).border = {
        top: { style: 'thin' },
        left: { style: 'thin' },
        bottom: { style: 'thin' },
        right: { style: 'thin' },
      };
    }
  }
  // The header row stays in view while scrolling and is printed on every page.
  ws.views = [{ state: 'frozen', ySplit: headAt }];
  ws.pageSetup.printTitlesRow = `${headAt}:${headAt}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A file name safe in a Content-Disposition header: the document's id, ASCII only. */
export function xlsxFileName(doc: DmsDocument): string {
  return `${doc.header.type}-${doc.header.documentId}`.replace(/[^A-Za-z0-9._-]/g, '_') + '.xlsx';
}
