// What every console test starts from: Debian's Chromium driven by playwright-core, and a person logged in.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoPath } from '@dmsnet/formats';
import { CONSOLE_DIR } from '../../gateway/src/api/console.js';
import { PASSWORD } from './network.js';

export const CHROMIUM = process.env.DMSNET_CHROMIUM ?? '/usr/bin/chromium';
/** Where the screenshots go, to be looked at. */
export const OUT = repoPath('test-output', 'console');

/** Headless Chromium in Russian; no Chromium or no built console fails the tests here, loudly. */
export async function launchConsoleBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  if (!existsSync(path.join(CONSOLE_DIR, 'index.html')))
    throw new Error('the console is not built: npm run build:console');
  await mkdir(OUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage', '--lang=ru-RU'],
  });
}

/**
 * Logs a person in at a gateway's console (by `localhost`, the console's own origin) in a new page, or in `page`
 * when given, and waits for the menu.
 */
export async function loginAt(
  browser: Browser,
  gatewayUrl: string,
  username: string,
  o: { viewport?: { width: number; height: number }; page?: Page } = {},
): Promise<Page> {
  let page = o.page;
  if (!page) {
    const ctx = await browser.newContext({
      locale: 'ru-RU',
      viewport: o.viewport ?? { width: 1360, height: 900 },
    });
    page = await ctx.newPage();
  }
  if (!page.url().startsWith('http')) await page.goto(gatewayUrl.replace('127.0.0.1', 'localhost') + '/');
  await page.getByLabel('Имя пользователя').fill(username);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('navigation').waitFor();
  return page;
}
