// The web console in headless Chromium: the JavaScript a first visit downloads, the inbox's time to interactive
// with 10,000 documents at the node, and the coverage check through the UI, each beside a baseline of the same run.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { generateDocument, repoPath } from '@dmsnet/formats';
import { CONSOLE_DIR } from '../gateway/src/api/console.js';
import { closeCryptoWorkers } from '../gateway/src/crypto/index.js';
import { PASSWORD, startConsoleNetwork } from '../test/console/network.js';
import { result, type Bench } from './types.js';

const CHROMIUM = process.env.DMSNET_CHROMIUM ?? '/usr/bin/chromium';
const DOCS = 10_000;
const CHECKS = 200;

/** Gzipped bytes of every script index.html loads (the first screen loads the whole console). */
async function consoleScriptBytes(): Promise<number> {
  const html = await readFile(path.join(CONSOLE_DIR, 'index.html'), 'utf8');
  let total = 0;
  for (const m of html.matchAll(/<script[^>]+src="\/([^"]+)"/g)) {
    total += gzipSync(await readFile(path.join(CONSOLE_DIR, m[1] as string)), { level: 9 }).length;
  }
  return total;
}

/** The same measure for React and ReactDOM alone, as their packages ship them for production (already minified). */
async function reactAloneBytes(): Promise<number> {
  const files = [
    'react/cjs/react.production.js',
    'react/cjs/react-jsx-runtime.production.js',
    'react-dom/cjs/react-dom.production.js',
    'react-dom/cjs/react-dom-client.production.js',
    'scheduler/cjs/scheduler.production.js',
  ];
  const text = await Promise.all(files.map((f) => readFile(repoPath('node_modules', ...f.split('/')))));
  return gzipSync(Buffer.concat(text), { level: 9 }).length;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] as number;

export const benches: Bench[] = [
  {
    name: 'console',
    async run({ progress }) {
      if (!existsSync(path.join(CONSOLE_DIR, 'index.html')))
        throw new Error('the console is not built: npm run build');
      const ours = await consoleScriptBytes();
      const react = await reactAloneBytes();
      const out = [
        result(
          'console JavaScript, first screen, gzipped',
          ours / 1024,
          'KB',
          'React + ReactDOM alone',
          react / 1024,
          '≤ 500 KB',
        ),
      ];
      if (!existsSync(CHROMIUM)) {
        progress(
          `console: no Chromium at ${CHROMIUM}: the browser figures are skipped (apt-get install chromium)`,
        );
        return out;
      }
      progress('console: an embedded network with people of every role');
      const t = await startConsoleNetwork();
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
      });
      try {
        progress(`console: ${DOCS} price lists into the insurer's inbox`);
        const insurer = t.net.get('insurer');
        const clinic = t.net.get('clinic');
        for (let i = 0; i < DOCS; i++) {
          await clinic.node.send(
            generateDocument('price-list', {
              seed: 10_000 + i,
              rows: 1,
              sender: clinic.party,
              addressee: insurer.party,
            }),
          );
          if (i % 2000 === 1999) progress(`console: ${i + 1} queued`);
        }
        progress('console: waiting for delivery');
        await clinic.node.whenIdle(600_000);
        await insurer.node.whenIdle(600_000);
        const base = t.url('insurer').replace('127.0.0.1', 'localhost');
        const page: Page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
        await page.goto(base + '/');
        await page.getByLabel('Имя пользователя').fill('op');
        await page.getByLabel('Пароль').fill(PASSWORD);
        await page.getByRole('button', { name: 'Войти' }).click();
        await page.locator('table.grid tbody tr').first().waitFor();
        // Time to interactive: a fresh load of the inbox until its rows are on screen and the page answers input.
        const tti: number[] = [];
        for (let i = 0; i < 10; i++) {
          const t0 = performance.now();
          await page.goto(base + '/#/inbox');
          await page.reload();
          await page.locator('table.grid tbody tr').nth(49).waitFor();
          await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
          tti.push(performance.now() - t0);
        }
        const api: number[] = [];
        for (let i = 0; i < 10; i++) {
          const t0 = performance.now();
          await t.client('insurer').call('GET', '/v1/inbox?limit=50&order=desc');
          api.push(performance.now() - t0);
        }
        out.push(
          result(
            `console inbox time to interactive, ${DOCS.toLocaleString('en-US')} documents (median)`,
            tti.sort((a, b) => a - b)[5] as number,
            'ms',
            'the same page of the inbox from the API',
            api.sort((a, b) => a - b)[5] as number,
            '< 2000 ms',
          ),
        );
        progress(`console: ${CHECKS} coverage checks through the UI`);
        const reg = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
        await reg.goto(t.url('clinic').replace('127.0.0.1', 'localhost') + '/');
        await reg.getByLabel('Имя пользователя').fill('reg');
        await reg.getByLabel('Пароль').fill(PASSWORD);
        await reg.getByRole('button', { name: 'Войти' }).click();
        await reg.getByLabel('Номер полиса').waitFor();
        await reg.getByLabel('На дату').fill(t.story.serviceDate.split('-').reverse().join('.'));
        const ui: number[] = [];
        for (let i = 0; i < CHECKS; i++) {
          // Covered and not covered in turn, so each answer is told from the one before.
          await reg.getByLabel('Номер полиса').fill(i % 2 ? t.story.policy : `NOBODY-${i}`);
          const t0 = performance.now();
          await reg.getByRole('button', { name: 'Проверить' }).click();
          await reg.locator(`.verdict[data-covered="${i % 2 ? 'true' : 'false'}"]`).waitFor();
          ui.push(performance.now() - t0);
        }
        const direct: number[] = [];
        for (let i = 0; i < CHECKS; i++) {
          const t0 = performance.now();
          await t.client('clinic').call('GET', `/v1/coverage?policy=${encodeURIComponent(t.story.policy)}`);
          direct.push(performance.now() - t0);
        }
        out.push(
          result(
            'coverage check through the UI, p95',
            p95(ui),
            'ms',
            'GET /v1/coverage, p95',
            p95(direct),
            '< 300 ms',
          ),
        );
      } finally {
        await browser.close();
        await t.close();
        await closeCryptoWorkers();
      }
      return out;
    },
  },
];
