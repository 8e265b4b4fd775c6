// The flows staff expect, end to end in Chromium against a real embedded network: guarantee letters (the patient from
// the roster, the limit following the quantities, revocation asked and confirmed, every letter filtered by status and
// period), the roster (alphabetical among the people shown, a bad date said at its field, rows leading to the coverage
// check and the letters), the registrar's screens on a 390 px phone, the association proposing a format version and a
// vote asked before it is cast, and paper (A4 PDFs of a letter, an invoice register and an act) and XLSX exports.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoPath } from '../../formats/src/index.js';
import { CONSOLE_DIR } from '../../gateway/src/api/console.js';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { PASSWORD, startConsoleNetwork, type ConsoleNetwork } from './network.js';

const CHROMIUM = process.env.DMSNET_CHROMIUM ?? '/usr/bin/chromium';
const OUT = repoPath('test-output', 'console');
const PHONE = { width: 390, height: 844 };

/** Kopecks from a money text as the console prints it (`1 500,00`). */
const kopecks = (text: string) =>
  Math.round(Number(text.replace(/[\s\u00a0₽]/g, '').replace(',', '.')) * 100);
const ru = (iso: string) => iso.split('-').reverse().join('.');
const day = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString().slice(0, 10);

describe('console flows staff expect (Chromium, real embedded network)', function () {
  this.timeout(120_000);
  let t: ConsoleNetwork;
  let browser: Browser;

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
    if (!existsSync(path.join(CONSOLE_DIR, 'index.html')))
      throw new Error('the console is not built: npm run build');
    await mkdir(OUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage', '--lang=ru-RU'],
    });
    console.log('    starting the embedded network for the console…');
    t = await startConsoleNetwork();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await closeCryptoWorkers();
  });

  async function login(
    gateway: string,
    username: string,
    viewport = { width: 1360, height: 900 },
  ): Promise<Page> {
    const ctx = await browser.newContext({ locale: 'ru-RU', viewport });
    const page = await ctx.newPage();
    await page.goto(t.url(gateway).replace('127.0.0.1', 'localhost') + '/');
    await page.getByLabel('Имя пользователя').fill(username);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('navigation').waitFor();
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });

  /** Waits until `fn` holds, polling: the console answers asynchronously. */
  async function until(what: string, fn: () => Promise<boolean>, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await fn())) {
      if (Date.now() > end) throw new Error(`never happened: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** How wide the page scrolls: more than the viewport means sideways scrolling. */
  const sideways = (page: Page) =>
    page.evaluate(() => {
      const d = (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } | null } })
        .document;
      return d.scrollingElement?.scrollWidth ?? 0;
    });

  it('letters: the patient from the roster, the limit follows the quantities, revocation asked and said, all letters filtered', async () => {
    const page = await login('insurer', 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Гарантийные письма' }).click();
    const p = t.story.person;

    // The patient is found in the clinic's roster (the insurer's copy) and chosen: the form is filled from it.
    await page.getByLabel('Найти пациента в списке застрахованных').fill(t.story.policy);
    await page.getByRole('button', { name: 'Найти', exact: true }).click();
    const pick = page.getByRole('list', { name: 'Найти пациента в списке застрахованных' }).locator('li');
    await pick.first().waitFor();
    expect(await pick.count()).to.be.greaterThan(0);
    await pick.filter({ hasText: t.story.policy }).first().getByRole('button', { name: 'Выбрать' }).click();
    expect(await page.getByLabel('Фамилия').inputValue()).to.equal(p.lastName);
    expect(await page.getByLabel('Имя', { exact: true }).inputValue()).to.equal(p.firstName);
    expect(await page.getByLabel('Дата рождения').inputValue()).to.equal(ru(p.birthDate));
    expect(await page.locator('input[name="policyNumber"]').inputValue()).to.equal(t.story.policy);
    expect(await page.locator('select[name="sex"]').inputValue()).to.equal(p.sex);

    // The limit follows the services' sum as quantities change.
    await page.getByLabel('Номер письма').fill('ГП-FL-1');
    await page.getByLabel('С', { exact: true }).fill(ru(t.story.serviceDate));
    const qty = page.getByLabel(/^Кол-во, /).first();
    await qty.fill('1');
    const limit = page.getByLabel('Лимит');
    const one = kopecks(await limit.inputValue());
    expect(one).to.be.greaterThan(0);
    await qty.fill('3');
    expect(kopecks(await limit.inputValue())).to.equal(3 * one);
    await qty.fill('2');
    expect(kopecks(await limit.inputValue())).to.equal(2 * one);
    // An unreadable limit is said at the field and nothing is sent.
    await limit.fill('две тысячи');
    await page.getByRole('button', { name: 'Выдать письмо' }).click();
    await page.locator('#amountLimit-error').waitFor();
    expect(await page.locator('#amountLimit-error').innerText()).to.contain('Сумма не распознана');
    expect(await page.locator('[data-letter="ГП-FL-1"]').count()).to.equal(0);
    await page.getByRole('button', { name: 'Поставить сумму услуг' }).click();
    expect(kopecks(await limit.inputValue())).to.equal(2 * one);
    await shot(page, '30-letter-from-roster');
    await page.getByRole('button', { name: 'Выдать письмо' }).click();
    const first = page.locator('[data-letter="ГП-FL-1"]');
    await first.waitFor();
    expect(kopecks(await first.locator('td.num').innerText())).to.equal(2 * one);

    // A second letter of the same patient, left in force.
    await page.getByLabel('Номер письма').fill('ГП-FL-2');
    await page
      .getByLabel(/^Кол-во, /)
      .first()
      .fill('1');
    await page.getByRole('button', { name: 'Выдать письмо' }).click();
    await page.locator('[data-letter="ГП-FL-2"]').waitFor();

    // Revocation asks first: «no» keeps the letter, «yes» revokes it and says so.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/revoke')) posts.push(r.url());
    });
    await first.getByRole('button', { name: 'Отозвать: ГП-FL-1' }).click();
    const ask = first.getByRole('group', { name: 'Отозвать письмо' });
    expect(await ask.innerText()).to.contain('Отозвать письмо ГП-FL-1?');
    await shot(page, '31-letter-revoke-asks');
    await ask.getByRole('button', { name: 'Нет, оставить' }).click();
    expect(await first.innerText()).to.contain('выдано');
    expect(posts).to.deep.equal([]);
    await first.getByRole('button', { name: 'Отозвать: ГП-FL-1' }).click();
    await first.getByRole('button', { name: 'Да, отозвать' }).click();
    await page.locator('[role="status"]', { hasText: 'Отозвано письмо ГП-FL-1' }).waitFor();
    await page.locator('[data-letter="ГП-FL-1"][data-status="revoked"]').waitFor();
    expect(posts).to.have.length(1);

    // Every letter, then by status, then by a period none of them touches; an unreadable date is said at its field.
    await page.getByRole('button', { name: 'Сбросить' }).click();
    await page.getByRole('table', { name: 'Все письма' }).waitFor();
    await until(
      'both letters listed',
      async () => (await page.locator('[data-letter^="ГП-FL-"]').count()) === 2,
    );
    await page.locator('select[name="status"]').selectOption('revoked');
    await page.getByRole('button', { name: 'Применить' }).click();
    await until(
      'only the revoked letter listed',
      async () =>
        (await page.locator('[data-letter="ГП-FL-2"]').count()) === 0 &&
        (await page.locator('[data-letter="ГП-FL-1"]').count()) === 1,
    );
    expect(await page.locator('tbody tr[data-status]:not([data-status="revoked"])').count()).to.equal(0);
    await shot(page, '32-letters-by-status');
    await page.locator('select[name="status"]').selectOption('');
    await page.getByLabel('Период с').fill(ru(day(t.story.serviceDate, 400)));
    await page.getByRole('button', { name: 'Применить' }).click();
    await until(
      'no letter in a later period',
      async () => (await page.locator('[data-letter^="ГП-FL-"]').count()) === 0,
    );
    await page.getByLabel('Период с').fill(ru(t.story.serviceDate));
    await page.getByLabel('Период по').fill(ru(t.story.serviceDate));
    await page.getByRole('button', { name: 'Применить' }).click();
    await until(
      'both letters in force that day',
      async () => (await page.locator('[data-letter^="ГП-FL-"]').count()) === 2,
    );
    await page.getByLabel('Период по').fill('31.02.2026');
    await page.getByRole('button', { name: 'Применить' }).click();
    await page.locator('#to-error').waitFor();
    expect(await page.locator('#to-error').innerText()).to.contain('Дата не распознана');
    expect(await page.getByLabel('Период по').getAttribute('aria-invalid')).to.equal('true');
    await shot(page, '33-letters-bad-date');
    await page.context().close();
  });

  it('roster: alphabetical among the people shown, a bad date at its field, rows lead to the coverage check and the letters', async () => {
    const page = await login('clinic', 'reg');
    await page.getByRole('navigation').getByRole('link', { name: 'Застрахованные' }).click();
    const names = () => page.locator('tbody tr[data-policy] td.name').allInnerTexts();
    await page.locator('tbody tr[data-policy]').first().waitFor();
    const collator = new Intl.Collator('ru', { sensitivity: 'base' });
    // Surname first, then first name, then middle name: «Воробьёв М.» before «Воробьёва К.».
    const parts = (x: string) => x.split(' ').join('\u0001');
    const sorted = (xs: string[]) => [...xs].sort((a, b) => collator.compare(parts(a), parts(b)));
    const firstPage = await names();
    expect(firstPage.length).to.equal(25);
    expect(firstPage).to.deep.equal(sorted(firstPage));
    // The next page joins the people shown, and the whole list is in order again.
    await page.getByRole('button', { name: 'Показать ещё' }).click();
    await until('the second page', async () => (await names()).length === t.story.rosterSize);
    const all = await names();
    expect(all).to.deep.equal(sorted(all));
    expect(await page.locator('#roster-count').innerText()).to.contain('По алфавиту среди показанных');
    await shot(page, '34-roster-sorted');

    // An impossible date is an error at the field, not a box in the API's words.
    await page.getByLabel('Действует на дату').fill('31.02.2026');
    await page.getByRole('button', { name: 'Применить' }).click();
    await page.locator('#date-error').waitFor();
    expect(await page.locator('#date-error').innerText()).to.contain('Дата не распознана');
    expect(await page.getByLabel('Действует на дату').getAttribute('aria-invalid')).to.equal('true');
    expect(await page.getByRole('alert').count()).to.equal(0);
    await shot(page, '35-roster-bad-date');
    await page.getByLabel('Действует на дату').fill('');

    // A row leads to the person's coverage check, asked at once, and to their letters.
    await page.getByLabel('ФИО или номер полиса').fill(t.story.policy);
    await page.getByRole('button', { name: 'Применить' }).click();
    const row = page.locator(`tr[data-policy="${t.story.policy}"]`).first();
    await until('the person found', async () => (await page.locator('tbody tr[data-policy]').count()) === 1);
    await row.getByRole('link', { name: /^Проверить полис: / }).click();
    await page.locator('.verdict').waitFor();
    expect(page.url()).to.contain(`#/coverage/${encodeURIComponent(t.story.policy)}`);
    expect(await page.getByLabel('Номер полиса').inputValue()).to.equal(t.story.policy);
    await page.getByRole('navigation').getByRole('link', { name: 'Застрахованные' }).click();
    await page.getByLabel('ФИО или номер полиса').fill(t.story.policy);
    await page.getByRole('button', { name: 'Применить' }).click();
    await until(
      'the person found again',
      async () => (await page.locator('tbody tr[data-policy]').count()) === 1,
    );
    await row.getByRole('link', { name: /^Письма: / }).click();
    await page.getByRole('heading', { name: 'Гарантийные письма' }).waitFor();
    expect(await page.locator('input[name="findPolicy"]').inputValue()).to.equal(t.story.policy);
    // The letters issued above reach the clinic; they are listed here as the policy's.
    await until('the patient’s letters at the clinic', async () => {
      await page.getByRole('button', { name: 'Применить' }).click();
      await page.waitForTimeout(200);
      return (await page.locator('[data-letter^="ГП-FL-"]').count()) === 2;
    });
    expect(await page.getByRole('table', { name: `Письма по полису ${t.story.policy}` }).count()).to.equal(1);
    await shot(page, '36-roster-to-letters');
    await page.context().close();
  });

  it('phone (390 px): the coverage check and the roster fit the width; other screens do not widen the page', async () => {
    const page = await login('clinic', 'reg', PHONE);
    // The registrar starts on the coverage check.
    await page.getByLabel('Номер полиса').fill(t.story.policy);
    await page.getByLabel('На дату').fill(ru(t.story.serviceDate));
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.locator('.verdict').waitFor();
    await until('letters listed', async () => (await page.locator('tr[data-letter]').count()) > 0);
    expect(await sideways(page), 'coverage').to.be.at.most(PHONE.width);
    await shot(page, '37-phone-coverage');
    await page.getByRole('navigation').getByRole('link', { name: 'Застрахованные' }).click();
    await page.locator('tbody tr[data-policy]').first().waitFor();
    expect(await sideways(page), 'roster').to.be.at.most(PHONE.width);
    await shot(page, '38-phone-roster');
    for (const [screen, ready] of [
      ['inbox', 'main table, main p'],
      ['outbox', 'main table, main p'],
      [`letters/${encodeURIComponent(t.story.policy)}`, 'main table'],
    ] as const) {
      await page.goto(page.url().replace(/#.*$/, `#/${screen}`));
      await page.locator(ready).first().waitFor();
      expect(await sideways(page), screen).to.be.at.most(PHONE.width);
    }
    await shot(page, '39-phone-letters');
    await page.context().close();
  });
});
