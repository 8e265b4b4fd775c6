// Each chart's table as a workbook an accountant opens: Russian headers, money in roubles with kopecks, the months
// and names as the dashboard shows them (exceljs, as the other exports).
import ExcelJS from 'exceljs';
import type { FigureTable } from './shapes.js';

/** The column headers in Russian, by column key. */
const HEADERS: Record<string, string> = {
  month: 'Месяц',
  counterparty: 'Контрагент (ОГРН)',
  invoices: 'Счетов',
  billed: 'Выставлено, ₽',
  withheld: 'Снято, ₽',
  paid: 'Оплачено, ₽',
  code: 'Код дефекта',
  lines: 'Строк',
  amount: 'Сумма, ₽',
  kind: 'Вид запроса',
  requests: 'Запросов',
  inTime: 'Отвечено в срок',
  late: 'Отвечено с опозданием',
  open: 'Без ответа',
  inTimeShare: 'В срок, %',
  interval: 'Дней от счёта до оплаты',
  payments: 'Платёжных поручений',
  averageDays: 'В среднем дней',
  type: 'Документ',
  sent: 'Отправлено',
  accepted: 'Принято',
  averageHours: 'В среднем часов до принятия',
};

export const TABLE_TITLES: Record<FigureTable['id'], string> = {
  'by-month': 'Выставлено, снято и оплачено по месяцам',
  'by-counterparty': 'Выставлено, снято и оплачено по контрагентам',
  defects: 'Коды дефектов',
  'service-level': 'Ответы на запросы в срок',
  'payment-days': 'Дни от счёта до оплаты',
  turnaround: 'От отправки до принятия: списки и гарантийные письма',
};

/** Words in the text columns that are codes in the API (request kinds, document types). */
const WORDS: Record<string, string> = {
  'care-request': 'запрос на организацию помощи',
  'prior-auth-request': 'запрос гарантийного письма',
  'documentation-request': 'запрос медицинской документации',
  'insured-list': 'список застрахованных',
  'guarantee-letter': 'гарантийное письмо',
};

export async function figureTableXlsx(
  t: FigureTable,
  period: { from: string; to: string },
  nameOf: (ogrn: string) => string,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(TABLE_TITLES[t.id].slice(0, 31));
  ws.addRow([`${TABLE_TITLES[t.id]}, ${period.from} — ${period.to}`]).font = { bold: true };
  const head = ws.addRow(t.columns.map((c) => HEADERS[c.key] ?? c.key));
  head.font = { bold: true };
  for (const row of t.rows) {
    ws.addRow(
      row.map((v, i) => {
        const c = t.columns[i]!;
        if (c.type === 'money' && typeof v === 'number') return v / 100;
        if (c.key === 'counterparty' && typeof v === 'string') return `${nameOf(v)} (${v})`;
        if (typeof v === 'string') return WORDS[v] ?? v;
        return v;
      }),
    );
  }
  t.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = Math.max(14, (HEADERS[c.key] ?? c.key).length + 2);
    if (c.type === 'money') col.numFmt = '#,##0.00';
  });
  ws.getColumn(1).width = 40;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
