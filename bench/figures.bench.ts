// The dashboards over 100,000 documents: a clinic's node gets 100,000 realistic documents (invoices it sent, acts,
// payment notices and care requests it received, its appointments answering them) stored as the node stores what
// arrives — record, opened document and notification in one batch — then its figures module folds them all, and
// «Показатели» is opened in headless Chromium until every chart is drawn. Each figure beside a baseline of the same
// run: the fold per document beside storing that document; the screen beside the API's answer it draws.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { messageIdOf } from '@dmsnet/formats';
import { CONSOLE_DIR } from '../gateway/src/api/console.js';
import { closeCryptoWorkers } from '../gateway/src/crypto/index.js';
import { Sublevel } from '../gateway/src/node/layout.js';
import type { BatchOp } from '../gateway/src/store/store.js';
import { PASSWORD, startConsoleNetwork } from '../test/console/network.js';
import { result, type Bench } from './types.js';

const CHROMIUM = process.env.DMSNET_CHROMIUM ?? '/usr/bin/chromium';
const DOCS = 100_000;
const INSURERS = Array.from({ length: 12 }, (_, i) => `10277000${String(10_000 + i).slice(-5)}`);
const DEFECTS = ['1.1.1', '1.3.2', '1.10.2', '2.1.1', '2.1.2', '3.2.1', '3.6.1', '4.2'];
const SERVICES = ['B01.047.001', 'A09.05.023', 'A05.10.006', 'B01.001.001', 'A06.09.007'];

/** A day within the last twelve months, the n-th document's. */
const dayOf = (n: number) => new Date(Date.now() - (n % 360) * 86_400_000).toISOString().slice(0, 10);
/** What the page's check reads of the DOM (the bench compiles without the DOM's types). */
interface Doc {
  querySelector(s: string): { dataset: Record<string, string | undefined> } | null;
  querySelectorAll(s: string): { length: number };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * The n-th document of the stream, as the clinic's node holds it: its record and its opened body. A stream of
 * fives: an invoice, its act, a payment notice on it, a care request and the appointment answering it.
 */
function documentOf(clinic: string, n: number) {
  const k = Math.floor(n / 5);
  const insurer = INSURERS[k % INSURERS.length]!;
  const date = dayOf(k);
  const at = `${date}T09:00:00.000Z`;
  const invoiceDoc = `INV-B-${k}`;
  const lines = Array.from({ length: 4 }, (_, i) => ({
    rowId: String(i + 1),
    serviceCode: SERVICES[(k + i) % SERVICES.length]!,
    amount: 150_000 + ((k * 7 + i * 13) % 20) * 10_000,
  }));
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const common = {
    formatVersion: '1',
    updatedAt: at,
    digest: '0'.repeat(64),
    ciphertextHash: '0'.repeat(64),
  };
  switch (n % 5) {
    case 0:
      return {
        out: true,
        id: messageIdOf(clinic, invoiceDoc),
        record: {
          ...common,
          messageId: messageIdOf(clinic, invoiceDoc),
          documentType: 'invoice',
          addressee: insurer,
          status: 'ACCEPTED',
          createdAt: at,
          size: 4000,
          attempts: 0,
          summary: { number: String(k), date, amount: total },
        },
        body: {
          invoiceNumber: String(k),
          invoiceDate: date,
          currency: 'RUB',
          total,
          lines: lines.map((l) => ({ ...l, serviceDate: date, quantity: 1, unitPrice: l.amount })),
        },
      };
    case 1: {
      const withheld = k % 3 === 0 ? lines.slice(0, 1 + (k % 2)) : [];
      const held = withheld.reduce((s, l) => s + l.amount, 0);
      const id = messageIdOf(insurer, `ACT-B-${k}`);
      return {
        out: false,
        id,
        record: {
          ...common,
          messageId: id,
          documentType: 'expertise-act',
          sender: insurer,
          status: 'ACCEPTED',
          receivedAt: at,
          summary: { number: `A-${k}`, date, amount: total - held },
        },
        body: {
          actNumber: `A-${k}`,
          actDate: date,
          invoiceId: invoiceDoc,
          expertiseType: 'medico-economic',
          currency: 'RUB',
          totals: { claimed: total, paid: total - held, withheld: held },
          lines: lines.map((l, i) =>
            i < withheld.length
              ? {
                  rowId: l.rowId,
                  invoiceLineId: l.rowId,
                  decision: 'WITHHELD',
                  claimedAmount: l.amount,
                  paidAmount: 0,
                  withheldAmount: l.amount,
                  defectCode: DEFECTS[(k + i) % DEFECTS.length],
                }
              : {
                  rowId: l.rowId,
                  invoiceLineId: l.rowId,
                  decision: 'PAID',
                  claimedAmount: l.amount,
                  paidAmount: l.amount,
                  withheldAmount: 0,
                },
          ),
        },
      };
    }
    case 2: {
      const id = messageIdOf(insurer, `PAY-B-${k}`);
      const paidOn = new Date(Date.parse(date) + (5 + (k % 70)) * 86_400_000).toISOString().slice(0, 10);
      return {
        out: false,
        id,
        record: {
          ...common,
          messageId: id,
          documentType: 'payment-notice',
          sender: insurer,
          status: 'ACCEPTED',
          receivedAt: at,
          summary: { number: `P-${k}`, date: paidOn, amount: total },
        },
        body: {
          noticeNumber: `P-${k}`,
          noticeDate: paidOn,
          invoiceId: invoiceDoc,
          currency: 'RUB',
          paidAmount: Math.floor(total * 0.8),
          withheldAmount: 0,
          paymentOrder: { number: String(k), date: paidOn },
        },
      };
    }
    case 3: {
      const id = messageIdOf(insurer, `CARE-B-${k}`);
      return {
        out: false,
        id,
        record: {
          ...common,
          messageId: id,
          documentType: 'care-request',
          sender: insurer,
          status: 'ACCEPTED',
          receivedAt: at,
          summary: { number: `C-${k}`, date },
        },
        body: {
          requestNumber: `C-${k}`,
          requestDate: date,
          status: 'active',
          urgency: 'routine',
          respondBy: `${date}T13:00:00.000Z`,
        },
      };
    }
    default: {
      const id = messageIdOf(clinic, `APP-B-${k}`);
      // Most answered within the four hours, one in five late.
      const answeredAt = `${date}T${k % 5 === 0 ? '15' : '11'}:00:00.000Z`;
      return {
        out: true,
        id,
        record: {
          ...common,
          messageId: id,
          documentType: 'appointment',
          addressee: insurer,
          status: 'ACCEPTED',
          createdAt: answeredAt,
          size: 900,
          attempts: 0,
          replyTo: messageIdOf(insurer, `CARE-B-${k}`),
          summary: { number: `C-${k}`, date },
        },
        body: { requestNumber: `C-${k}`, status: 'booked', start: `${date}T16:00:00+03:00` },
      };
    }
  }
}

export const benches: Bench[] = [
  {
    name: 'figures',
    async run({ progress }) {
      if (!existsSync(path.join(CONSOLE_DIR, 'index.html')))
        throw new Error('the console is not built: npm run build');
      progress('figures: an embedded network with a clinic manager');
      const t = await startConsoleNetwork({
        people: { boss: ['clinic', 'manager', 'Лебедева Ольга Сергеевна'] },
      });
      try {
        const clinic = t.net.get('clinic');
        const node = clinic.node;
        const figures = clinic.workflows!.figures;
        await figures.catchUp();
        // Stored first, folded after: the two costs apart.
        figures.stop();
        progress(`figures: storing ${DOCS.toLocaleString('en-US')} documents at the clinic's node`);
        const t0 = performance.now();
        for (let n = 0; n < DOCS; n++) {
          const d = documentOf(clinic.id, n);
          const r = d.record as { documentType: string; addressee?: string; sender?: string; status: string };
          const ops: BatchOp[] = [
            { type: 'put', sublevel: d.out ? Sublevel.outbox : Sublevel.inbox, key: d.id, value: d.record },
            {
              type: 'put',
              sublevel: d.out ? Sublevel.outboxDoc : Sublevel.inboxDoc,
              key: d.id,
              value: { header: { type: r.documentType }, body: d.body },
            },
          ];
          await node.notify(
            {
              kind: d.out ? 'status.changed' : 'document.received',
              messageId: d.id,
              documentType: r.documentType,
              sender: d.out ? clinic.id : r.sender!,
              addressee: d.out ? r.addressee! : clinic.id,
              status: r.status,
            },
            ops,
          );
          if (n % 20_000 === 19_999) progress(`figures: ${n + 1} stored`);
        }
        const stored = performance.now() - t0;
        progress('figures: folding them');
        const t1 = performance.now();
        await figures.catchUp((n, of) => {
          if (n % 20_000 < 200) progress(`figures: ${n} of ${of} notifications folded`);
        });
        const folded = performance.now() - t1;
        progress(`figures: stored in ${Math.round(stored)} ms, folded in ${Math.round(folded)} ms`);
        const cells = Object.keys(await figures.cells()).length;
        progress(`figures: ${cells} cells hold the sums of ${DOCS.toLocaleString('en-US')} documents`);
        const out = [
          result(
            'figures: fold per document (100,000 at a clinic)',
            (folded * 1000) / DOCS,
            'µs',
            'storing that document (record, body, notification)',
            (stored * 1000) / DOCS,
            'fold ≤ storing',
          ),
        ];
        const api: number[] = [];
        for (let i = 0; i < 7; i++) {
          const s = performance.now();
          const r = await t.client('clinic').call('GET', '/v1/figures');
          if (r.status !== 200) throw new Error(`GET /v1/figures answered ${r.status}`);
          api.push(performance.now() - s);
        }
        if (!existsSync(CHROMIUM)) {
          progress(`figures: no Chromium at ${CHROMIUM}: the screen's figure is skipped`);
          return out;
        }
        const browser = await chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
        });
        try {
          const base = t.url('clinic').replace('127.0.0.1', 'localhost');
          const page = await (
            await browser.newContext({ locale: 'ru-RU', viewport: { width: 1360, height: 900 } })
          ).newPage();
          await page.goto(base + '/');
          await page.getByLabel('Имя пользователя').fill('boss');
          await page.getByLabel('Пароль').fill(PASSWORD);
          await page.getByRole('button', { name: 'Войти' }).click();
          await page.getByRole('navigation').waitFor();
          // A function, not a string: the console's Content-Security-Policy forbids eval.
          const drawn = () => {
            const d = (globalThis as unknown as { document: Doc }).document;
            const l = d.querySelector('.figure-list');
            return !!l && d.querySelectorAll('.chart[data-drawn] canvas').length >= Number(l.dataset.charts);
          };
          const screen: number[] = [];
          for (let i = 0; i < 7; i++) {
            await page.goto(base + '/#/inbox');
            await page.getByRole('navigation').waitFor();
            // From the click on «Показатели» to every chart drawn (the screen's chunk, the API call, uPlot).
            const s = performance.now();
            await page.getByRole('navigation').getByRole('link', { name: 'Показатели' }).click();
            await page.waitForFunction(drawn, undefined, { polling: 'raf' });
            screen.push(performance.now() - s);
          }
          const rows = (await page.evaluate(
            `[...document.querySelectorAll('.figure table tbody tr')].length`,
          )) as number;
          progress(
            `figures: the screen shows ${rows} table rows; runs ${screen.map((x) => Math.round(x)).join(', ')} ms`,
          );
          out.push(
            result(
              'figures: «Показатели» drawn over 100,000 documents (median)',
              median(screen),
              'ms',
              'GET /v1/figures from the API',
              median(api),
              '< 1000 ms',
            ),
          );
        } finally {
          await browser.close();
        }
        return out;
      } finally {
        await t.close();
        await closeCryptoWorkers();
      }
    },
  },
];
