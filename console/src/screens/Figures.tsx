// «Показатели»: the dashboards of this node's own documents, folded by the gateway as they were stored
// (GET /v1/figures, decision record 0060). Each chart is drawn by uPlot on a canvas that screen readers skip; the table
// beside it carries the same figures for everyone, and each table downloads as XLSX. This screen and uPlot load only
// when it is opened (their own chunk), so the rest of the console does not carry them.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, queryString, type Me } from '../api';
import { ErrorBox, nameOf, useParticipants, type Participant } from '../common';
import { formatMoney } from '../format';
import { useI18n, type Lang } from '../i18n';

interface Column {
  key: string;
  type: 'text' | 'month' | 'count' | 'money' | 'days' | 'hours' | 'percent';
}
interface Table {
  id: 'by-month' | 'by-counterparty' | 'defects' | 'service-level' | 'payment-days' | 'turnaround';
  columns: Column[];
  rows: Array<Array<string | number>>;
}
interface Dashboard {
  from: string;
  to: string;
  tables: Table[];
}

const WORDS: Record<Lang, Record<string, string>> = {
  ru: {
    title: 'Показатели',
    hint: 'Считаются по документам этого узла по мере их сохранения.',
    from: 'С месяца',
    to: 'По месяц',
    download: 'Скачать таблицу (XLSX)',
    loading: 'Загрузка…',
    'by-month': 'Выставлено, снято и оплачено по месяцам',
    'by-counterparty': 'Выставлено, снято и оплачено по контрагентам',
    defects: 'Коды дефектов: сколько строк снято и на какую сумму',
    'service-level': 'Ответы на запросы в установленный срок',
    'payment-days': 'Дни от счёта до оплаты',
    turnaround: 'От отправки до принятия: списки застрахованных и гарантийные письма',
    month: 'Месяц',
    counterparty: 'Контрагент',
    invoices: 'Счетов',
    billed: 'Выставлено',
    withheld: 'Снято',
    paid: 'Оплачено',
    code: 'Код дефекта',
    lines: 'Строк',
    amount: 'Сумма',
    kind: 'Вид запроса',
    requests: 'Запросов',
    inTime: 'Отвечено в срок',
    late: 'С опозданием',
    open: 'Без ответа',
    inTimeShare: 'В срок, %',
    interval: 'Дней от счёта до оплаты',
    payments: 'Платёжных поручений',
    averageDays: 'В среднем дней',
    type: 'Документ',
    sent: 'Отправлено',
    accepted: 'Принято',
    averageHours: 'В среднем часов',
    empty: 'За этот период данных нет.',
    chartOf: 'График:',
  },
  en: {
    title: 'Figures',
    hint: 'Counted from this node’s own documents as they are stored.',
    from: 'From month',
    to: 'To month',
    download: 'Download the table (XLSX)',
    loading: 'Loading…',
    'by-month': 'Billed, withheld and paid by month',
    'by-counterparty': 'Billed, withheld and paid by counterparty',
    defects: 'Defect codes: lines withheld and their amount',
    'service-level': 'Requests answered within their service level',
    'payment-days': 'Days from invoice to payment',
    turnaround: 'From sending to acceptance: insured lists and guarantee letters',
    month: 'Month',
    counterparty: 'Counterparty',
    invoices: 'Invoices',
    billed: 'Billed',
    withheld: 'Withheld',
    paid: 'Paid',
    code: 'Defect code',
    lines: 'Lines',
    amount: 'Amount',
    kind: 'Request',
    requests: 'Requests',
    inTime: 'In time',
    late: 'Late',
    open: 'Unanswered',
    inTimeShare: 'In time, %',
    interval: 'Days from invoice to payment',
    payments: 'Payment orders',
    averageDays: 'Average days',
    type: 'Document',
    sent: 'Sent',
    accepted: 'Accepted',
    averageHours: 'Average hours',
    empty: 'Nothing in this period.',
    chartOf: 'Chart:',
  },
};

/** Colours with at least 3:1 contrast on white, told apart by more than hue (the table carries the numbers). */
const COLOURS = ['#1f5fa8', '#b4451f', '#2e7d32'];

const thisMonth = () => new Date().toISOString().slice(0, 7);
function monthsBack(to: string, n: number): string {
  const d = new Date(Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)) - 1 - n, 1));
  return d.toISOString().slice(0, 7);
}

/** What each chart draws of its table: the label column and the series (column keys). */
const CHART: Record<Table['id'], { series: string[] }> = {
  'by-month': { series: ['billed', 'withheld', 'paid'] },
  'by-counterparty': { series: ['billed', 'withheld', 'paid'] },
  defects: { series: ['lines'] },
  'service-level': { series: ['inTime', 'late', 'open'] },
  'payment-days': { series: ['payments'] },
  turnaround: { series: ['averageHours'] },
};

export function Figures({ me }: { me: Me }) {
  const { lang } = useI18n();
  const w = WORDS[lang];
  const participants = useParticipants();
  const [to, setTo] = useState(thisMonth());
  const [from, setFrom] = useState(monthsBack(thisMonth(), 11));
  const [data, setData] = useState<Dashboard | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    setData(undefined);
    api<Dashboard>('GET', `/v1/figures${queryString({ from, to })}`)
      .then((d) => live && (setData(d), setError(undefined)))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [from, to]);
  const months = periodMonths(lang);
  const drawn = data ? data.tables.length : 0;
  return (
    <section aria-labelledby="fig-title" className="figures" data-role={me.participantRole}>
      <h1 id="fig-title">{w.title}</h1>
      <p className="hint">{w.hint}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {w.from}
          <select value={from} onChange={(e) => setFrom(e.target.value)}>
            {months
              .filter(([m]) => m <= to)
              .map(([m, name]) => (
                <option key={m} value={m}>
                  {name}
                </option>
              ))}
          </select>
        </label>
        <label>
          {w.to}
          <select value={to} onChange={(e) => setTo(e.target.value)}>
            {months
              .filter(([m]) => m >= from)
              .map(([m, name]) => (
                <option key={m} value={m}>
                  {name}
                </option>
              ))}
          </select>
        </label>
      </form>
      <ErrorBox error={error} />
      {!data ? (
        <p>{w.loading}</p>
      ) : (
        <div className="figure-list" data-charts={drawn}>
          {data.tables.map((t) => (
            <Figure key={t.id} table={t} period={data} lang={lang} participants={participants} />
          ))}
        </div>
      )}
    </section>
  );
}

function Figure({
  table,
  period,
  lang,
  participants,
}: {
  table: Table;
  period: { from: string; to: string };
  lang: Lang;
  participants: Participant[];
}) {
  const w = WORDS[lang];
  const { l } = useI18n();
  const titleId = `fig-${table.id}`;
  const text = (c: Column, v: string | number): string => {
    if (c.type === 'money') return formatMoney(Number(v));
    if (c.type === 'month') return monthName(String(v), lang);
    if (c.key === 'counterparty') return nameOf(participants, String(v));
    if (c.type === 'text') return l(String(v));
    if (c.type === 'days' || c.type === 'hours' || c.type === 'percent')
      return Number(v).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 });
    return Number(v).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB');
  };
  const labels = table.rows.map((r) => text(table.columns[0]!, r[0]!));
  return (
    <section className="figure" aria-labelledby={titleId}>
      <h2 id={titleId}>{w[table.id]}</h2>
      {table.rows.length === 0 ? (
        <p>{w.empty}</p>
      ) : (
        <>
          <Chart table={table} labels={labels} words={w} />
          <div className="table-wrap">
            <table className="grid">
              <caption className="sr-only">{w[table.id]}</caption>
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th
                      key={c.key}
                      scope="col"
                      className={c.type === 'text' || c.type === 'month' ? '' : 'num'}
                    >
                      {w[c.key] ?? c.key}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => {
                      const c = table.columns[j]!;
                      return j === 0 ? (
                        <th key={j} scope="row">
                          {labels[i]}
                        </th>
                      ) : (
                        <td key={j} className={c.type === 'text' ? '' : 'num'}>
                          {text(c, v)}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p>
        <a
          href={`/v1/figures/${table.id}/xlsx${queryString({ from: period.from, to: period.to })}`}
          download
          aria-describedby={titleId}
        >
          {w.download}
        </a>
      </p>
    </section>
  );
}

/**
 * The months a period may start or end in, newest first: the last three years, named in the console's language (a
 * month input would name them in the browser's, English on an English browser).
 */
function periodMonths(lang: Lang): Array<[string, string]> {
  const now = thisMonth();
  return Array.from({ length: 36 }, (_, i) => {
    const m = monthsBack(now, i);
    return [m, monthName(m, lang, 'long')];
  });
}

function monthName(m: string, lang: Lang, month: 'short' | 'long' = 'short'): string {
  const d = new Date(`${m}-01T00:00:00Z`);
  return d.toLocaleDateString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    month,
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** One table drawn: categories along x (months, counterparties, codes), one bar group per category. */
function Chart({ table, labels, words }: { table: Table; labels: string[]; words: Record<string, string> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const keys = CHART[table.id].series;
    const idx = keys.map((k) => table.columns.findIndex((c) => c.key === k));
    const money = keys.map((_, i) => table.columns[idx[i]!]!.type === 'money');
    const xs = table.rows.map((_, i) => i);
    const ys = idx.map((j, s) => table.rows.map((r) => Number(r[j]) / (money[s] ? 100 : 1)));
    const n = keys.length;
    const pad = Math.max(0, 6 - xs.length) / 2;
    // Counts step by whole numbers: half a line or half a request is no figure.
    const whole = keys.every((_, s) => ['count'].includes(table.columns[idx[s]!]!.type));
    const width = Math.max(320, el.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 240,
        // The legend is the page's own (below), in the page's words.
        legend: { show: false },
        cursor: { show: false },
        // At least six category slots, centred: a single month is one bar group, not bars across the page.
        scales: { x: { time: false, range: [-0.5 - pad, xs.length - 0.5 + pad] } },
        axes: [
          {
            splits: () => xs,
            values: (_u, splits) => splits.map((i) => shorten(labels[i] ?? '')),
            gap: 4,
          },
          {
            size: 70,
            values: (_u, splits) => splits.map((v) => compact(v)),
            ...(whole
              ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000] }
              : {}),
          },
        ],
        series: [
          {},
          ...keys.map((k, s) => ({
            label: words[k] ?? k,
            stroke: COLOURS[s % COLOURS.length]!,
            fill: COLOURS[s % COLOURS.length]!,
            width: 0,
            // Grouped bars: series s of n takes its slice of each category's 0.8 wide slot (in x's own units).
            paths: uPlot.paths.bars!({
              disp: {
                x0: { unit: 1, values: () => xs.map((x) => x - 0.4 + (0.8 * s) / n) },
                size: { unit: 1, values: () => xs.map(() => 0.8 / n) },
              },
            }),
            points: { show: false },
          })),
        ],
      },
      [xs, ...ys],
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(320, el.clientWidth), height: 240 }),
    );
    resize.observe(el);
    el.dataset.drawn = 'true';
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [table, labels, words]);
  return (
    <div className="chart-frame" aria-hidden="true">
      <ul className="legend">
        {CHART[table.id].series.map((k, s) => (
          <li key={k}>
            <span className={`swatch swatch-${s}`} />
            {words[k] ?? k}
          </li>
        ))}
      </ul>
      <div ref={box} className="chart" />
    </div>
  );
}

const shorten = (s: string) => (s.length > 16 ? `${s.slice(0, 15)}…` : s);
const compact = (v: number) =>
  Math.abs(v) >= 1e6
    ? `${(v / 1e6).toFixed(1)} млн`
    : Math.abs(v) >= 1e4
      ? `${Math.round(v / 1e3)} тыс.`
      : String(v);
