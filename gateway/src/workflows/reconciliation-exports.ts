// What accountants take away: the reconciliation as a workbook in the two-sided layout of an акт сверки (each side's
// figures per invoice, the difference beside them), and the payments in 1CClientBankExchange text, the bank-statement
// format every 1С accounting configuration loads (decision record 0048).
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { ReconciliationLine } from '@dmsnet/formats/types';
import type { PaymentState } from './payment-state.js';
import { FIGURES, type Reconciliation } from './reconciliation-flow.js';

export interface Side {
  id: string;
  name: string;
  inn?: string;
}

const rub = (kopecks: number) => Math.round(kopecks) / 100;
const ruDate = (iso: string) => iso.split('-').reverse().join('.');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const FIGURE_RU: Record<string, string> = {
  billed: 'Предъявлено',
  accepted: 'Принято',
  withheld: 'Снято',
  paid: 'Оплачено',
  outstanding: 'Задолженность',
};
const thin = { style: 'thin' as const };

/**
 * The workbook: a title block, then one row per invoice with the sender's figures on the left, ours on the right and
 * the outstanding difference last; a sent statement has our figures only. Money in roubles, dates as dates.
 */
export async function reconciliationXlsx(r: Reconciliation, me: Side, other: Side): Promise<Buffer> {
  const s = r.statement;
  const sender = r.direction === 'out' ? me : other;
  const addressee = r.direction === 'out' ? other : me;
  const two = r.direction === 'in' && r.ours !== undefined;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'dmsnet';
  const ws = wb.addWorksheet('Акт сверки', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true },
  });
  const title = ws.addRow([
    `Акт сверки взаиморасчётов по договору ДМС за период ${ruDate(s.period.from)} — ${ruDate(s.period.to)}`,
  ]);
  title.font = { bold: true, size: 13 };
  for (const [k, v] of [
    ['Номер и дата', `№ ${s.statementNumber} от ${ruDate(s.statementDate)}`],
    ['Составил', `${sender.name} (ОГРН ${sender.id})`],
    ['Получатель', `${addressee.name} (ОГРН ${addressee.id})`],
  ] as const)
    ws.addRow([k, v]).getCell(1).font = { bold: true };
  ws.addRow([]);
  const figures = FIGURES.map((f) => FIGURE_RU[f] as string);
  const group = ws.addRow([
    '',
    '',
    '',
    `По данным: ${sender.name}`,
    ...Array<string>(FIGURES.length - 1).fill(''),
    ...(two ? [`По данным: ${me.name}`, ...Array<string>(FIGURES.length - 1).fill(''), ''] : []),
  ]);
  ws.mergeCells(group.number, 4, group.number, 3 + FIGURES.length);
  if (two) ws.mergeCells(group.number, 4 + FIGURES.length, group.number, 3 + 2 * FIGURES.length);
  const head = ws.addRow([
    '№ п/п',
    'Счёт №',
    'Дата счёта',
    ...figures,
    ...(two ? [...figures, 'Расхождение задолженности'] : []),
  ]);
  for (const row of [group, head]) {
    row.font = { bold: true };
    row.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  }
  const ours = new Map((r.ours?.lines ?? []).map((l) => [l.invoiceId, l]));
  const keys = [...new Set([...s.lines.map((l) => l.invoiceId), ...ours.keys()])];
  const theirs = new Map(s.lines.map((l) => [l.invoiceId, l]));
  const money = (l: ReconciliationLine | undefined) => FIGURES.map((f) => (l ? rub(l[f]) : null));
  keys.forEach((k, i) => {
    const t = theirs.get(k);
    const o = ours.get(k);
    const any = (t ?? o) as ReconciliationLine;
    ws.addRow([
      i + 1,
      any.invoiceNumber ?? k,
      day(any.invoiceDate),
      ...money(t),
      ...(two ? [...money(o), rub((t?.outstanding ?? 0) - (o?.outstanding ?? 0))] : []),
    ]);
  });
  const totals = ws.addRow([
    'Итого',
    '',
    '',
    ...FIGURES.map((f) => rub(s.totals[f])),
    ...(two && r.ours
      ? [...FIGURES.map((f) => rub(r.ours!.totals[f])), rub(s.totals.outstanding - r.ours.totals.outstanding)]
      : []),
  ]);
  totals.font = { bold: true };
  const width = 3 + FIGURES.length * (two ? 2 : 1) + (two ? 1 : 0);
  ws.columns = Array.from({ length: width }, (_, i) => ({ width: i === 0 ? 7 : i < 3 ? 14 : 15 }));
  for (let r2 = group.number; r2 <= totals.number; r2++)
    for (let c = 1; c <= width; c++) {
      const cell = ws.getCell(r2, c);
      cell.border = { top: thin, left: thin, bottom: thin, right: thin };
      if (r2 > head.number && c === 3) cell.numFmt = 'dd.mm.yyyy';
      if (r2 > head.number && c > 3) cell.numFmt = '#,##0.00';
    }
  ws.views = [{ state: 'frozen', ySplit: head.number }];
  ws.pageSetup.printTitlesRow = `${group.number}:${head.number}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Text of one 1CClientBankExchange key=value line: no line breaks inside a value. */
const kv = (k: string, v: string | number) => `${k}=${String(v).replace(/[\r\n]+/g, ' ')}`;

/**
 * The payments as a 1CClientBankExchange (version 1.03) file in Windows-1251, one «Платежное поручение» section per
 * payment order: 1С's «Загрузка выписки из банка» reads it, matches the payer by ИНН and the payment to the invoice by
 * the purpose line. `account` is this node's settlement account (the format carries no bank details).
 */
export function paymentsOneC(
  states: readonly PaymentState[],
  parties: (id: string) => Side,
  period: { from: string; to: string },
  account: string,
  self: string,
  now = new Date(),
): Buffer {
  const lines = [
    '1CClientBankExchange',
    kv('ВерсияФормата', '1.03'),
    kv('Кодировка', 'Windows'),
    kv('Отправитель', 'dmsnet'),
    kv('Получатель', ''),
    kv('ДатаСоздания', ruDate(now.toISOString().slice(0, 10))),
    kv('ВремяСоздания', now.toISOString().slice(11, 19)),
    kv('ДатаНачала', ruDate(period.from)),
    kv('ДатаКонца', ruDate(period.to)),
    kv('РасчСчет', account),
    kv('Документ', 'Платежное поручение'),
  ];
  for (const s of states) {
    const payer = parties(s.payer);
    const clinic = parties(s.clinic);
    for (const p of s.payments) {
      if (p.paymentOrder.date < period.from || p.paymentOrder.date > period.to) continue;
      lines.push(
        kv('СекцияДокумент', 'Платежное поручение'),
        kv('Номер', p.paymentOrder.number),
        kv('Дата', ruDate(p.paymentOrder.date)),
        kv('Сумма', rub(p.paidAmount).toFixed(2)),
        // Which side this node's account is on tells 1С an incoming payment from an outgoing one.
        kv(s.clinic === self ? 'ПолучательСчет' : 'ПлательщикСчет', account),
        kv('ПлательщикИНН', payer.inn ?? ''),
        kv('Плательщик', payer.name),
        kv('Плательщик1', payer.name),
        kv('ПолучательИНН', clinic.inn ?? ''),
        kv('Получатель', clinic.name),
        kv('Получатель1', clinic.name),
        kv('ДатаПоступило', ruDate(p.paymentOrder.date)),
        kv('ВидОплаты', '01'),
        kv('Очередность', '5'),
        kv(
          'НазначениеПлатежа',
          p.purpose ??
            `Оплата по счёту № ${s.invoiceNumber} от ${ruDate(s.invoiceDate)} по договору ДМС, без НДС`,
        ),
        'КонецДокумента',
      );
    }
  }
  lines.push('КонецФайла');
  return iconv.encode(lines.join('\r\n') + '\r\n', 'win1251');
}
