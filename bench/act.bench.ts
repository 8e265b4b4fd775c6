// The expertise act at the scale of real registers, in headless Chromium: a 50,000-line act beside a 1,000-line one
// of the same run — time to open, and the interaction latency of scrolling, filtering and typing in a line (input to
// the next frame). Goal: under 200 ms for the 50,000-line act (issue 21, item 9).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { CONSOLE_DIR } from '../gateway/src/api/console.js';
import { closeCryptoWorkers } from '../gateway/src/crypto/index.js';
import { sendBigInvoice, type BigInvoice } from '../test/console/big-invoice.js';
import { PASSWORD, startConsoleNetwork } from '../test/console/network.js';
import { result, type Bench, type BenchResult } from './types.js';

const CHROMIUM = process.env.DMSNET_CHROMIUM ?? '/usr/bin/chromium';
const LARGE = 50_000;
const SMALL = 1_000;
const OPENS = 3;
const SCROLLS = 40;

interface Figures {
  firstRows: number;
  open: number;
  scroll: number;
  filter: number;
  typing: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] as number;

/** The longest Event Timing entry (input to the next paint) since the observer was installed, then cleared. */
const EVENT_TIMING = `(() => {
  const w = globalThis;
  if (!w.__longest) {
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  }
  const x = w.__longest;
  w.__longest = 0;
  return x;
})()`;

/**
 * Each jump of the table's scroll to another place, timed in the page from the jump to the frame that shows the new
 * rows: far jumps (the scroll bar dragged) and near ones (the wheel) in turn, each drawing rows not drawn before.
 * A string, as it runs in the browser and not in Node.
 */
const SCROLL_LATENCIES = (steps: number) => `(async () => {
  const box = document.querySelector('[data-table="act-lines"] .vtable-scroll');
  const out = [];
  for (let i = 0; i < ${steps}; i++) {
    const t0 = performance.now();
    box.scrollTop = i % 2 ? box.scrollTop + 600 : ((i * 7919) % 97) * (box.scrollHeight / 97);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    out.push(performance.now() - t0);
  }
  box.scrollTop = 0;
  return out;
})()`;

async function measure(page: Page, base: string, act: BigInvoice, progress: (m: string) => void) {
  const url = `${base}/#/acts/${encodeURIComponent(act.invoiceId)}`;
  const firstRows: number[] = [];
  const opens: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    await page.goto(`${base}/#/acts`);
    await page.locator('h1').first().waitFor();
    const t0 = performance.now();
    await page.goto(url);
    await page.locator('[data-line="1"]').waitFor({ timeout: 300_000 });
    firstRows.push(performance.now() - t0);
    // Open means the lines say whose they are: the invoice's patients have arrived too.
    await page.locator('.progress').waitFor({ state: 'detached', timeout: 300_000 });
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
    opens.push(performance.now() - t0);
  }
  progress(
    `act: ${act.lines} lines: first rows after ${Math.round(median(firstRows))} ms, open after ${Math.round(median(opens))} ms (medians of ${OPENS})`,
  );
  const scroll = p95((await page.evaluate(SCROLL_LATENCIES(SCROLLS))) as number[]);
  await page.evaluate(EVENT_TIMING);
  // Filters, each from the input to the table showing what it selects.
  const filters: number[] = [];
  const range = page.locator('[data-table="act-lines"] [data-range]');
  const applied = async (fn: () => Promise<void>, wanted: (text: string) => boolean) => {
    const t0 = performance.now();
    await fn();
    while (!wanted(await range.innerText())) await page.waitForTimeout(1);
    filters.push(performance.now() - t0);
  };
  for (let i = 0; i < 3; i++) {
    await applied(
      () => page.getByLabel('Только с дефектами').check(),
      (s) => s.includes('отобрано'),
    );
    await applied(
      () =>
        page
          .locator('select[name="defect-code"]')
          .selectOption('1.3.2')
          .then(() => undefined),
      (s) => s.includes('отобрано'),
    );
    await applied(
      () => page.getByLabel('Пациент или полис').fill(act.firstPatient),
      (s) => s.includes('отобрано'),
    );
    await applied(
      () => page.getByRole('button', { name: 'Сбросить отбор' }).click(),
      (s) => !s.includes('отобрано'),
    );
  }
  const filterEvents = (await page.evaluate(EVENT_TIMING)) as number;
  // Typing in a withheld line's explanation: the longest input-to-paint of the keystrokes.
  await page.getByLabel('Только с дефектами').check();
  const reason = page.locator('[data-table="act-lines"] input[name$="-reason"]').first();
  await reason.click();
  await page.keyboard.type(' проверено экспертом', { delay: 20 });
  const typing = (await page.evaluate(EVENT_TIMING)) as number;
  await page.getByRole('button', { name: 'Сбросить отбор' }).click();
  return {
    firstRows: median(firstRows),
    open: median(opens),
    scroll,
    filter: Math.max(p95(filters), filterEvents),
    typing,
  } satisfies Figures;
}

export const benches: Bench[] = [
  {
    name: 'console-act',
    async run({ progress }) {
      if (!existsSync(path.join(CONSOLE_DIR, 'index.html')))
        throw new Error('the console is not built: npm run build');
      if (!existsSync(CHROMIUM)) {
        progress(`act: no Chromium at ${CHROMIUM}: skipped (apt-get install chromium)`);
        return [];
      }
      progress('act: an embedded network with people of every role');
      const t = await startConsoleNetwork();
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
      });
      try {
        const small = await sendBigInvoice(t, SMALL, 'BENCH-1K', (m) => progress(`act: ${m}`));
        const large = await sendBigInvoice(t, LARGE, 'BENCH-50K', (m) => progress(`act: ${m}`));
        const base = t.url('insurer').replace('127.0.0.1', 'localhost');
        const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
        await page.goto(base + '/');
        await page.getByLabel('Имя пользователя').fill('exp');
        await page.getByLabel('Пароль').fill(PASSWORD);
        await page.getByRole('button', { name: 'Войти' }).click();
        await page.getByRole('navigation').waitFor();
        progress(`act: measuring the ${SMALL.toLocaleString('en-US')}-line act`);
        const s = await measure(page, base, small, progress);
        progress(`act: measuring the ${LARGE.toLocaleString('en-US')}-line act`);
        const l = await measure(page, base, large, progress);
        const name = (what: string) => `act of ${LARGE.toLocaleString('en-US')} lines: ${what}`;
        const baseline = (what: string) => `${SMALL.toLocaleString('en-US')}-line act: ${what}`;
        const out: BenchResult[] = [
          result(
            name('first rows on screen (median)'),
            l.firstRows,
            'ms',
            baseline('first rows'),
            s.firstRows,
          ),
          result(
            name('open, until every line shows its patient (median)'),
            l.open,
            'ms',
            baseline('open'),
            s.open,
          ),
          result(
            name('scroll, jump to the next frame (p95)'),
            l.scroll,
            'ms',
            baseline('scroll'),
            s.scroll,
            '< 200 ms',
          ),
          result(
            name('filter, input to the rows shown (p95)'),
            l.filter,
            'ms',
            baseline('filter'),
            s.filter,
            '< 200 ms',
          ),
          result(
            name('typing in a line, longest input to paint (Event Timing)'),
            l.typing,
            'ms',
            baseline('typing'),
            s.typing,
            '< 200 ms',
          ),
        ];
        return out;
      } finally {
        await browser.close();
        await t.close();
        await closeCryptoWorkers();
      }
    },
  },
];
