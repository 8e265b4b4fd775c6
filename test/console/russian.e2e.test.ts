// The console speaks Russian to the people who use it (issue 21): every screen of every role walked in Chromium
// with no Latin-script word outside identifiers, and the gateway's refusals said at the row and field a person
// sees, in the registry's words, with no code, pointer or kopecks in sight.
import { expect } from 'chai';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { PEOPLE, type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { latinWords } from './latin.js';
import { latinOn } from './screen-checks.js';
import { loginAt, OUT } from './browser.js';

describe('web console in Russian (Chromium, real embedded network)', function () {
  this.timeout(240_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s));

  const login = (gateway: string, username: string, page?: Page): Promise<Page> =>
    loginAt(browser, t.url(gateway), username, page ? { page } : {});

  /** Waits until the screen has loaded what it asked the gateway for. */
  async function settled(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByText('Загрузка…').first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.waitForTimeout(200);
  }

  /** The page's visible text and its Latin-script words, with a screenshot to look at. */
  async function readScreen(page: Page, name: string): Promise<string[]> {
    await settled(page);
    await page.screenshot({ path: path.join(OUT, `ru-${name}.png`), fullPage: true });
    return (await latinOn(page)).map((w) => `${name}: ${w}`);
  }

  it('the Latin-word check itself finds what a person would stumble on, and passes identifiers', () => {
    expect(latinWords('Валюта RUB; applied 3 rows — clinicServiceCode')).to.deep.equal([
      'RUB',
      'applied',
      'rows',
      'clinicServiceCode',
    ]);
    expect(
      latinWords('A01.01.001 INV-E2E-1 Консоль dmsnet clinic-invoice-register.csv 1027700132195'),
    ).to.deep.equal([]);
    // A programme's code is the insurer's identifier; the same letters as a word are not.
    expect(latinWords('программы FULL, APP-HOME. Full cover')).to.deep.equal(['Full', 'cover']);
  });

  it('walks every screen of every role, and the documents they open: no Latin-script word outside identifiers', async function () {
    // Every person's every screen (the e-mail screen among them) on a shared machine: longer than one screen's test.
    this.timeout(480_000);
    const found: string[] = [];
    for (const [username, [gateway]] of Object.entries(PEOPLE)) {
      const page = await login(gateway, username);
      const links = await page
        .getByRole('navigation')
        .getByRole('link')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(links.length, username).to.be.greaterThan(0);
      for (const href of links) {
        await page.goto(page.url().replace(/#.*$/, '') + href);
        const screen = href.replace(/^#\//, '');
        found.push(...(await readScreen(page, `${username}-${screen}`)));
        // The first document a list links to, read as its addressee or sender reads it.
        if (screen === 'inbox' || screen === 'outbox' || screen === 'acts') {
          const first = page.locator('table.grid tbody a').first();
          if (await first.count()) {
            await first.click();
            found.push(...(await readScreen(page, `${username}-${screen}-first`)));
          }
        }
      }
      await page.context().close();
    }
    expect([...new Set(found)]).to.deep.equal([]);
  });

  it('lists say the document’s own number, date and amount, with each answer under the document it answers', async () => {
    // The API leaves replies out on request, and only then.
    const all = await t
      .client('clinic')
      .call<{ items: Array<{ documentType: string }> }>('GET', '/v1/inbox?limit=500');
    const lean = await t
      .client('clinic')
      .call<{ items: Array<{ documentType: string }> }>('GET', '/v1/inbox?limit=500&replies=exclude');
    expect(all.body.items.some((x) => x.documentType === 'reply')).to.be.true;
    expect(lean.body.items.some((x) => x.documentType === 'reply')).to.be.false;
    expect(lean.body.items.length).to.equal(all.body.items.filter((x) => x.documentType !== 'reply').length);

    const invoice = await t
      .client('clinic')
      .call<{ document: { body: { total: number; invoiceDate: string } } }>(
        'GET',
        `/v1/documents/${t.story.invoiceId}`,
      );
    const { total, invoiceDate } = invoice.body.document.body;
    const page = await login('clinic', 'acc');
    await page.getByRole('navigation').getByRole('link', { name: 'Исходящие' }).click();
    const row = page.locator('tbody tr', {
      has: page.getByRole('link', { name: t.story.invoiceNumber, exact: true }),
    });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).to.contain(invoiceDate.split('-').reverse().join('.'));
    const rub = `${String(Math.floor(total / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0')},${String(total % 100).padStart(2, '0')}\u00a0₽`;
    expect(text).to.contain(rub);
    expect(text).not.to.contain(t.story.invoiceId);
    // The insurer's answer to the price list it accepted stands under it; no reply has a row of its own.
    const answered = page.locator('tbody tr', { has: page.locator('[data-status="ACCEPTED"]') }).filter({
      hasText: 'Прейскурант',
    });
    expect(await answered.first().locator('[data-answer]').innerText()).to.match(/^↳ Ответ: принят/);
    for (const box of ['Исходящие', 'Входящие']) {
      await page.getByRole('navigation').getByRole('link', { name: box }).click();
      await page.locator('tbody tr').first().waitFor();
      const types = await page.locator('tbody tr td:nth-child(2)').allInnerTexts();
      expect(types, box).not.to.include('Ответ');
      expect(types.length, box).to.be.greaterThan(0);
    }
    await page.screenshot({ path: path.join(OUT, 'ru-inbox-numbers.png'), fullPage: true });
    await page.context().close();
  });

  it('expert: a withheld line without a defect code is refused at «Строка 2, «Код дефекта»», in Russian', async () => {
    const page = await login('insurer', 'exp');
    await page.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    await page.locator('table.grid tbody a').first().click();
    await page.locator('[data-line="2"]').waitFor();
    await page.getByLabel('Решение, Строка 2').selectOption('WITHHELD');
    await page.getByRole('button', { name: 'Сохранить изменения' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).to.contain('Строка 2, «Код дефекта»: для снятия укажите код дефекта');
    expect(latinWords(text)).to.deep.equal([]);
    expect(text).not.to.match(/ACT_|\/body|kopecks/);
    expect(await page.locator('[data-code="ACT_DEFECT_REQUIRED"]').getAttribute('data-pointer')).to.equal(
      '/body/lines/1/defectCode',
    );
    await page.screenshot({ path: path.join(OUT, 'ru-act-defect-required.png'), fullPage: true });
    // Back to «оплатить»: the defect code typed meanwhile goes with the decision, and the save says it saved.
    await page.getByLabel('Код дефекта, Строка 2').fill('3.2.1');
    await page.getByLabel('Решение, Строка 2').selectOption('PAID');
    await page.getByLabel('Решение, Строка 2').selectOption('WITHHELD');
    expect(await page.getByLabel('Код дефекта, Строка 2').inputValue()).to.equal('');
    await page.getByLabel('Решение, Строка 2').selectOption('PAID');
    await page.getByRole('button', { name: 'Сохранить изменения' }).click();
    await page.getByText('Изменения сохранены; акт остаётся черновиком.').waitFor();
    await page.context().close();
  });

  it('registrar: the empty coverage form is answered in Russian, without codes', async () => {
    const page = await login('clinic', 'reg');
    await page.getByRole('heading', { name: 'Проверка полиса' }).waitFor();
    await page.getByRole('button', { name: 'Проверить' }).click();
    // Said at the fields or in the box, whichever the answer calls for.
    const said = page.locator('[role="alert"], .field-error').first();
    await said.waitFor();
    const text = await page
      .locator('#cov-title + form, [role="alert"]')
      .allInnerTexts()
      .then((x) => x.join('\n'));
    expect(await said.innerText()).to.match(/[А-Яа-я]{4,}/);
    expect(latinWords(text)).to.deep.equal([]);
    await page.screenshot({ path: path.join(OUT, 'ru-coverage-empty.png'), fullPage: true });
    await page.context().close();
  });

  it('login: the lockout after failed attempts says how long to wait', async () => {
    const ctx = await browser.newContext({ locale: 'ru-RU' });
    const page = await ctx.newPage();
    await page.goto(t.url('association').replace('127.0.0.1', 'localhost') + '/');
    // The secretary's account, after every other test here has used it (this one runs last but one).
    for (let i = 0; i < 7; i++) {
      await page.getByLabel('Имя пользователя').fill('sec');
      await page.getByLabel('Пароль').fill('not the password');
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('alert').waitFor();
    }
    await page.getByText(/Слишком много неудачных попыток\. Повторите через (1[0-5]) мин\./).waitFor();
    await page.screenshot({ path: path.join(OUT, 'ru-login-throttled.png'), fullPage: true });
    await ctx.close();
  });

  it('a second tab that logs in again does not leave the first one refused with a CSRF code', async () => {
    const first = await login('insurer', 'exp');
    await first.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    await first.locator('table.grid tbody a').first().click();
    await first.locator('[data-line="3"]').waitFor();
    // The same person in a second tab of the same browser logs out and in again: a new session, a new CSRF token.
    const second = await first.context().newPage();
    await second.goto(t.url('insurer').replace('127.0.0.1', 'localhost') + '/');
    await second.getByRole('button', { name: 'Выйти' }).click();
    await login('insurer', 'exp', second);
    await first.bringToFront();
    await first.getByLabel('Решение, Строка 3').selectOption('WITHHELD');
    await first.getByLabel('Код дефекта, Строка 3').fill('3.2.1');
    await first.getByRole('button', { name: 'Сохранить изменения' }).click();
    await first.getByText('Изменения сохранены; акт остаётся черновиком.').waitFor();
    expect(await first.getByRole('alert').count()).to.equal(0);
    await first.context().close();
  });
});
