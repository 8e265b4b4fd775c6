// From the cells of the months asked to the tables a dashboard draws: sums over months, averages from sums and
// counts. Cheap: a year of a busy clinic is a few hundred cells.
import { PAY_DAY_BUCKETS, REQUEST_TYPES, TURNAROUND_TYPES } from './facts.js';
import { parseCellKey, type CellKey } from './fold.js';
import type { Dashboard, FigureTable, FiguresQuery } from './shapes.js';

export type { Dashboard, FigureTable, FiguresQuery };

const sumInto = (m: Map<string, number[]>, k: string, v: readonly number[]) => {
  const into = m.get(k) ?? [];
  for (let i = 0; i < v.length; i++) into[i] = (into[i] ?? 0) + v[i]!;
  m.set(k, into);
};
const at = (v: readonly number[] | undefined, i: number) => v?.[i] ?? 0;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Every month from `from` to `to`, so a chart shows a quiet month as zero rather than skip it. */
function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  while (out.length < 240) {
    const k = `${y}-${String(m).padStart(2, '0')}`;
    if (k > to) break;
    out.push(k);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export function dashboardOf(
  cells: ReadonlyArray<[CellKey, number[]]>,
  range: { from: string; to: string },
  role: string,
): Dashboard {
  const byMonth = new Map<string, number[]>();
  const byParty = new Map<string, number[]>();
  const defects = new Map<string, number[]>();
  const sla = new Map<string, number[]>();
  const payDays = new Map<string, number[]>();
  const turnaround = new Map<string, number[]>();
  for (const [key, v] of cells) {
    const { month, metric, dimension } = parseCellKey(key);
    if (month < range.from || month > range.to) continue;
    if (metric === 'money') {
      sumInto(byMonth, month, v);
      sumInto(byParty, dimension, v);
    } else if (metric === 'defect') sumInto(defects, dimension, v);
    else if (metric === 'sla') sumInto(sla, dimension, v);
    else if (metric === 'payDays') sumInto(payDays, dimension, v);
    else if (metric === 'turnaround') sumInto(turnaround, dimension, v);
  }
  const money = [
    { key: 'invoices', type: 'count' as const },
    { key: 'billed', type: 'money' as const },
    { key: 'withheld', type: 'money' as const },
    { key: 'paid', type: 'money' as const },
  ];
  const moneyRow = (v: number[] | undefined) => [at(v, 0), at(v, 1), at(v, 2), at(v, 3)];
  const tables: FigureTable[] = [
    {
      id: 'by-month',
      columns: [{ key: 'month', type: 'month' }, ...money],
      rows: monthsOf(range.from, range.to).map((m) => [m, ...moneyRow(byMonth.get(m))]),
    },
    {
      id: 'by-counterparty',
      columns: [{ key: 'counterparty', type: 'text' }, ...money],
      rows: [...byParty]
        .sort((a, b) => at(b[1], 1) - at(a[1], 1) || a[0].localeCompare(b[0]))
        .map(([p, v]) => [p, ...moneyRow(v)]),
    },
    {
      id: 'defects',
      columns: [
        { key: 'code', type: 'text' },
        { key: 'lines', type: 'count' },
        { key: 'amount', type: 'money' },
      ],
      rows: [...defects]
        .sort((a, b) => at(b[1], 0) - at(a[1], 0) || at(b[1], 1) - at(a[1], 1) || a[0].localeCompare(b[0]))
        .map(([code, v]) => [code, at(v, 0), at(v, 1)]),
    },
    {
      id: 'service-level',
      columns: [
        { key: 'kind', type: 'text' },
        { key: 'requests', type: 'count' },
        { key: 'inTime', type: 'count' },
        { key: 'late', type: 'count' },
        { key: 'open', type: 'count' },
        { key: 'inTimeShare', type: 'percent' },
      ],
      rows: REQUEST_TYPES.map((kind) => {
        const v = sla.get(kind);
        const answered = at(v, 1) + at(v, 2);
        return [
          kind,
          at(v, 0),
          at(v, 1),
          at(v, 2),
          at(v, 3),
          answered ? round1((100 * at(v, 1)) / answered) : 0,
        ];
      }),
    },
    {
      id: 'payment-days',
      columns: [
        { key: 'interval', type: 'text' },
        { key: 'payments', type: 'count' },
        { key: 'averageDays', type: 'days' },
        { key: 'amount', type: 'money' },
      ],
      rows: PAY_DAY_BUCKETS.map((b) => {
        const v = payDays.get(b);
        return [b, at(v, 0), at(v, 0) ? round1(at(v, 1) / at(v, 0)) : 0, at(v, 2)];
      }),
    },
  ];
  // The payer watches how fast clinics take its lists and letters; a clinic sends neither.
  if (role !== 'clinic')
    tables.push({
      id: 'turnaround',
      columns: [
        { key: 'type', type: 'text' },
        { key: 'sent', type: 'count' },
        { key: 'accepted', type: 'count' },
        { key: 'averageHours', type: 'hours' },
      ],
      rows: [...TURNAROUND_TYPES].map((t) => {
        const v = turnaround.get(t);
        return [t, at(v, 0), at(v, 1), at(v, 1) ? round1(at(v, 2) / at(v, 1) / 60) : 0];
      }),
    });
  return { from: range.from, to: range.to, tables };
}
