// The login page for real staff, in Chromium against a real gateway: it names the organisation whose cabinet it is
// (from the directory), a lockout says how long, and someone guessing at a colleague's name from another address
// cannot lock that colleague out (the throttle counts by user name AND address, OWASP's advice).
import { expect } from 'chai';
import http from 'node:http';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { PASSWORD, type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt, OUT } from './browser.js';

/** A login attempt over HTTP from a loopback address of our choosing (another machine, as the gateway sees it). */
function loginFrom(url: string, localAddress: string, username: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL('/v1/session', url);
    const body = JSON.stringify({ username, password });
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        localAddress,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Host: u.host,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('console login: the organisation named, a lockout that says how long, no lockout by guessing (Chromium)', function () {
  this.timeout(120_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s));

  it('names the organisation on the login page, from the directory', async () => {
    const ctx = await browser.newContext({ locale: 'ru-RU' });
    const page = await ctx.newPage();
    await page.goto(t.url('clinic').replace('127.0.0.1', 'localhost') + '/');
    await page.locator('[data-organisation]', { hasText: 'ООО «Клиника Здоровье»' }).waitFor();
    await page.screenshot({ path: path.join(OUT, 'login-organisation.png'), fullPage: true });
    await ctx.close();
  });

  it('a guesser at another address cannot lock the accountant out; the guesser is held back, and told for how long', async () => {
    // Thirty wrong passwords for «acc» from another address: far past every per-name limit but the global one.
    const codes: number[] = [];
    for (let i = 0; i < 30; i++)
      codes.push(await loginFrom(t.url('clinic'), '127.0.0.2', 'acc', `guess ${i}`));
    expect(codes.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(codes.slice(5).every((c) => c === 429)).to.equal(true);
    // The accountant at their own desk logs in as usual.
    const page = await loginAt(browser, t.url('clinic'), 'acc');
    await page.getByRole('heading', { name: 'Входящие' }).waitFor();
    await page.context().close();
    // The guesser is still held back, even with the right password.
    expect(await loginFrom(t.url('clinic'), '127.0.0.2', 'acc', PASSWORD)).to.equal(429);

    // At the desk, five wrong passwords hold this address back for this name, and the page says how long.
    const ctx = await browser.newContext({ locale: 'ru-RU' });
    const desk = await ctx.newPage();
    await desk.goto(t.url('clinic').replace('127.0.0.1', 'localhost') + '/');
    for (let i = 0; i < 6; i++) {
      await desk.getByLabel('Имя пользователя').fill('reg');
      await desk.getByLabel('Пароль').fill('not the password');
      await desk.getByRole('button', { name: 'Войти' }).click();
      await desk.getByRole('alert').waitFor();
    }
    await desk.getByText(/Слишком много неудачных попыток\. Повторите через (1[0-5]) мин\./).waitFor();
    await desk.screenshot({ path: path.join(OUT, 'login-throttled-for.png'), fullPage: true });
    await ctx.close();
    // Another colleague at the same desk is not held back by it.
    const other = await loginAt(browser, t.url('clinic'), 'adm');
    await other.getByRole('navigation').waitFor();
    await other.context().close();
  });
});
