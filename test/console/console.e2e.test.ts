// The web console end to end: Debian's Chromium (headless, playwright-core) against a real embedded network, each
// role's main path through the UI only, the refusals (login, CSRF, a role's forbidden screen refused by the API),
// a screenshot of every main screen and an axe-core scan of each (0 serious or critical violations).
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { type Browser, type Page } from 'playwright-core';
import { repoPath } from '@dmsnet/formats';
import { PASSWORD, type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { checkScreen } from './screen-checks.js';

describe('web console in Chromium (playwright-core, real embedded network)', function () {
  this.timeout(120_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s));

  async function open(gateway: string): Promise<Page> {
    const ctx = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1360, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(t.url(gateway).replace('127.0.0.1', 'localhost') + '/');
    return page;
  }

  async function login(gateway: string, username: string, password = PASSWORD): Promise<Page> {
    const page = await open(gateway);
    await page.getByLabel('Имя пользователя').fill(username);
    await page.getByLabel('Пароль').fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
    return page;
  }

  /** An ISO date as people type it: dd.mm.yyyy. */
  const ru = (iso: string) => iso.split('-').reverse().join('.');

  /** Fills the letter form for the story's patient: number, start date, person, policy, the first service's quantity. */
  async function fillLetter(page: Page, number: string, quantity: number): Promise<void> {
    const p = t.story.person;
    await page.getByLabel('Номер письма').fill(number);
    await page.getByLabel('С', { exact: true }).fill(ru(t.story.serviceDate));
    await page.getByLabel('Фамилия').fill(p.lastName);
    await page.getByLabel('Имя', { exact: true }).fill(p.firstName);
    if (p.middleName) await page.getByLabel('Отчество').fill(p.middleName);
    await page.getByLabel('Дата рождения').fill(ru(p.birthDate));
    await page.locator('select[name="sex"]').selectOption(p.sex);
    await page.getByLabel('Номер полиса').first().fill(t.story.policy);
    await page
      .getByLabel(/^Кол-во, /)
      .first()
      .fill(String(quantity));
  }

  const check = checkScreen;

  it('refuses a wrong password on the login page', async () => {
    const page = await login('clinic', 'reg', 'not the password');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).to.contain('Неверное имя пользователя или пароль');
    await check(page, '01-login-failed');
    await page.context().close();
  });

  it('registrar: checks a patient’s coverage by policy and by name (answer and letters on one screen)', async () => {
    const page = await login('clinic', 'reg');
    // A registrar starts on the coverage check.
    await page.getByRole('heading', { name: 'Проверка полиса' }).waitFor();
    await page.getByLabel('Номер полиса').fill(t.story.policy);
    await page.getByLabel('На дату').fill(t.story.serviceDate.split('-').reverse().join('.'));
    await page.getByRole('button', { name: 'Проверить' }).click();
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-covered')).to.equal('true');
    expect(await verdict.innerText()).to.match(/Обслуживается — \d{2}\.\d{2}\.\d{4}/);
    await check(page, '02-coverage');
    await page.getByLabel('Номер полиса').fill('NOBODY-1');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.locator('.verdict[data-covered="false"]').waitFor();
    await page.context().close();
  });

  it('registrar: finds a covered patient by name without the отчество; an unreadable birth date is an error at its field', async () => {
    const p = t.story.person;
    // The case of the issue: a person who has an отчество, asked for without it.
    expect(p.middleName, 'the story’s patient has a middle name').to.be.a('string').and.not.equal('');
    const page = await login('clinic', 'reg');
    await page.getByRole('heading', { name: 'Проверка полиса' }).waitFor();
    await page.getByLabel('Фамилия').fill(p.lastName);
    await page.getByLabel('Имя', { exact: true }).fill(p.firstName);
    const birth = page.getByLabel('Дата рождения');
    await birth.fill(ru(p.birthDate));
    await page.getByLabel('На дату').fill(ru(t.story.serviceDate));
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.locator('.verdict[data-covered="true"]').waitFor();
    // Typed with a two-digit year: not read as some date, nor dropped; the field says so.
    const [d, m, y] = ru(p.birthDate).split('.');
    await birth.fill(`${d}.${m}.${y!.slice(2)}`);
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.locator('#birthDate-error').waitFor();
    expect(await page.locator('#birthDate-error').innerText()).to.contain('Дата не распознана');
    expect(await birth.getAttribute('aria-invalid')).to.equal('true');
    expect(await birth.getAttribute('aria-describedby')).to.equal('birthDate-error');
    expect(await page.locator('.verdict').count()).to.equal(0);
    await check(page, '02b-coverage-bad-date');
    await page.context().close();
  });

  it('registrar: a screen outside the role is refused by the API, not only hidden from the menu', async () => {
    const page = await login('clinic', 'reg');
    await page.getByRole('heading', { name: 'Проверка полиса' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Загрузка файла' }).count()).to.equal(
      0,
    );
    const refused = page.waitForResponse((r) => r.url().includes('/v1/imports/mappings'));
    await page.goto(page.url().replace(/#.*$/, '') + '#/import');
    const rr = await refused;
    expect(rr.status(), `${rr.url()} ${await rr.text()}`).to.equal(403);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).to.contain('Вашей роли это не разрешено');
    await check(page, '03-forbidden');
    await page.context().close();
  });

  it('works from the keyboard alone: log in, skip to content, move through the menu, open a document', async () => {
    const page = await open('clinic');
    const focused = () =>
      page.evaluate(
        'document.activeElement?.textContent || document.activeElement?.getAttribute("name") || ""',
      ) as Promise<string>;
    const tabTo = async (text: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if ((await focused()).trim() === text) return;
      }
      throw new Error(`Tab never reached ${text}`);
    };
    await tabTo('username');
    await page.keyboard.type('acc');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Входящие' }).waitFor();
    await page.keyboard.press('Tab');
    expect((await focused()).trim()).to.equal('К содержимому');
    await tabTo('Исходящие');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Исходящие' }).waitFor();
    await page.locator('tbody a').first().waitFor();
    const first = (await page.locator('tbody a').first().innerText()).trim();
    await tabTo(first);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(first) }).waitFor();
    await page.context().close();
  });

  it('refuses a state-changing request from the logged-in page without the CSRF token', async () => {
    const page = await login('clinic', 'acc');
    await page.getByRole('heading', { name: 'Входящие' }).waitFor();
    const r = await page.evaluate(async () => {
      const res = await fetch('/v1/inbox/ANY-1/accept', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as { code: string } };
    });
    expect(r.status).to.equal(403);
    expect(r.body.code).to.equal('CSRF_TOKEN_INVALID');
    await page.context().close();
  });

  it('insurer expert: edits the drafted act (a line withheld with its defect code), totals follow, confirms and sends', async () => {
    const page = await login('insurer', 'exp');
    await page.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    // The list says the invoice's own number, not its id in the exchange.
    await page.getByRole('link', { name: t.story.invoiceNumber, exact: true }).click();
    await page.locator('[data-line="1"]').waitFor();
    const paidBefore = await page.locator('[data-total="paid"]').innerText();
    expect(paidBefore).to.match(/^\d[\d\u00a0]*,\d{2}\u00a0₽$/);
    await page.getByLabel('Решение, Строка 2').selectOption('WITHHELD');
    await page.getByLabel('Код дефекта, Строка 2').fill('3.2.1');
    await page.getByLabel('Пояснение, Строка 2').fill('Услуга не подтверждена медицинской документацией');
    expect(await page.locator('[data-total="paid"]').innerText()).not.to.equal(paidBefore);
    await check(page, '04-act-editor');
    await page.getByRole('button', { name: 'Утвердить и отправить в клинику' }).click();
    await page.getByRole('button', { name: 'Да, утвердить и отправить' }).click();
    await page.getByText('Акт отправлен в клинику.').waitFor();
    // The act's own state; the clinic's status of the sent act stands beside it and can read «отправлен» too.
    await page.locator('h1 .status:not([data-act-status])', { hasText: 'отправлен' }).waitFor();
    const act = await t.client('insurer').call<{
      state: string;
      act: {
        expert?: { name: string };
        lines: Array<{ invoiceLineId: string; decision: string; defectCode?: string }>;
      };
    }>('GET', `/v1/expertise-acts/${t.story.invoiceId}`);
    expect(act.body.state).to.equal('SENT');
    expect(act.body.act.expert?.name).to.equal('Петрова Ирина Андреевна');
    expect(act.body.act.lines.find((l) => l.invoiceLineId === '2')).to.include({
      decision: 'WITHHELD',
      defectCode: '3.2.1',
    });
    await page.context().close();
  });

  it('clinic accountant: sees the act arrive, reads it as a form and table, disputes it; history says who', async () => {
    const page = await login('clinic', 'acc');
    await page.getByRole('heading', { name: 'Входящие' }).waitFor();
    // The act as people know it: the number the insurer wrote on it.
    const actId = `ЭА-${t.story.invoiceNumber}`;
    await page.getByRole('link', { name: actId, exact: true }).waitFor({ timeout: 30_000 });
    await check(page, '05-inbox');
    await page.getByRole('link', { name: actId, exact: true }).click();
    await page
      .getByRole('heading', { name: new RegExp(`Акт экспертизы № ${actId} от \\d{2}\\.\\d{2}\\.\\d{4}`) })
      .waitFor();
    expect(await page.locator('table.grid').first().innerText()).to.contain('3.2.1');
    // The receipt this gateway signed on arrival, and (once the insurer's acknowledgement lands) its verification.
    const receipts = page.locator('ul.receipts');
    await receipts.waitFor();
    expect(await receipts.innerText()).to.contain('Квитанция адресата о получении: подписана этим узлом');
    await check(page, '06-document');
    await page.getByRole('button', { name: 'Оспорить строки' }).click();
    await page.getByLabel('Оспорить, Строка 2').check();
    await page.getByLabel('Причина, Строка 2').fill('Документация будет представлена');
    await page.getByRole('button', { name: 'Отправить возражения' }).click();
    await page.getByText('Возражения отправлены страховщику.').waitFor();
    await page.locator('h1 .status[data-status="DISPUTED"]').waitFor();
    const history = page.locator('ul.audit');
    await history.waitFor();
    expect(await history.innerText()).to.contain('Смирнов Олег Ильич (бухгалтер): оспорил строки акта');
    // The insurer's outbox shows the dispute live, over SSE.
    const insurer = await login('insurer', 'exp');
    await insurer.getByRole('navigation').getByRole('link', { name: 'Исходящие' }).click();
    await insurer.locator('.badge.live').waitFor();
    await insurer.locator(`tr:has(a:text("${actId}")) [data-status="DISPUTED"]`).waitFor({ timeout: 30_000 });
    await check(insurer, '07-outbox');
    await insurer.context().close();
    await page.context().close();
  });

  it('insurer operator: uploads an insured list, sees every row error before sending, sends the clean file', async () => {
    const page = await login('insurer', 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Загрузка файла' }).click();
    const sample = await readFile(repoPath('gateway', 'mappings', 'samples', 'insured-list-attach.csv'));
    const text = iconv.decode(sample, 'win1251');
    const snils = /\d{3}-\d{3}-\d{3} \d{2}/.exec(text)?.[0] as string;
    const broken = iconv.encode(
      text.replace(snils, snils.slice(0, -2) + String((Number(snils.slice(-2)) + 1) % 100).padStart(2, '0')),
      'win1251',
    );
    await page.getByLabel('Сопоставление').selectOption('insurer-insured-list-attach.csv');
    await page
      .getByLabel('Файл', { exact: true })
      .setInputFiles({ name: 'list-broken.csv', mimeType: 'text/csv', buffer: broken });
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    await page.locator('tr[data-code="SNILS_CHECKSUM"]').waitFor();
    expect(await page.locator('tr[data-code="SNILS_CHECKSUM"]').innerText()).to.match(/\d+\s+[A-Z]+ «СНИЛС»/);
    await check(page, '08-import-errors');
    await page
      .getByLabel('Файл', { exact: true })
      .setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: sample });
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    // The list's own number and date are not in the file: typed into the header fields, then checked again.
    const header = page.locator('fieldset.header-fields');
    await header.getByLabel('Номер списка').fill('12-ДМС/2026-П');
    await header.getByLabel('Дата списка').fill('15.11.2026');
    await header.getByRole('button', { name: 'Проверить файл' }).click();
    await page.getByRole('button', { name: 'Подписать и отправить' }).click();
    await page.getByText('Отправлено.').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Исходящие' }).click();
    await page.locator('tbody tr', { hasText: 'Список застрахованных' }).first().waitFor();
    await page.context().close();
  });

  it('insurer operator: contests a clinic’s price list with a reason', async () => {
    const page = await login('insurer', 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Прейскуранты' }).click();
    const row = page.locator('tr', { hasText: t.story.openPriceListId });
    await row.waitFor();
    await check(page, '09-price-lists');
    await row.getByRole('textbox').fill('Цены выше согласованных');
    await row.getByRole('button', { name: 'Оспорить' }).click();
    await row.locator('.status', { hasText: 'оспорен' }).waitFor();
    await t
      .client('clinic')
      .waitFor<{ status: string }>(
        `/v1/documents/${t.story.openPriceListId}`,
        (s, b) => s === 200 && b.status === 'REJECTED',
      );
    await page.context().close();
  });

  it('insurer operator: issues a guarantee letter priced from the accepted price list; the registrar sees it; revokes it', async () => {
    const page = await login('insurer', 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Гарантийные письма' }).click();
    await fillLetter(page, 'ГП-E2E-1', 2);
    await check(page, '11-letter-issue');
    await page.getByRole('button', { name: 'Выдать письмо' }).click();
    await page.locator('[data-letter="ГП-E2E-1"]').waitFor();
    expect(await page.locator('[data-letter="ГП-E2E-1"]').innerText()).to.contain('выдано');
    const reg = await login('clinic', 'reg');
    await reg.getByLabel('Номер полиса').fill(t.story.policy);
    await reg.getByLabel('На дату').fill(ru(t.story.serviceDate));
    const find = async () => {
      await reg.getByRole('button', { name: 'Проверить' }).click();
      await reg.locator('.verdict').waitFor();
      return reg.locator('tr', { hasText: 'ГП-E2E-1' }).count();
    };
    for (let i = 0; i < 100 && !(await find()); i++) await reg.waitForTimeout(100);
    expect(await reg.locator('tr', { hasText: 'ГП-E2E-1' }).innerText()).to.contain('выдано');
    await reg.context().close();
    await page.locator('[data-letter="ГП-E2E-1"]').getByRole('button', { name: 'Отозвать' }).click();
    await page.locator('[data-letter="ГП-E2E-1"]').getByRole('button', { name: 'Да, отозвать' }).click();
    await page.locator('[data-letter="ГП-E2E-1"]', { hasText: 'отозвано' }).waitFor();
    await page.context().close();
  });

  it('insurer operator: a double click on «Выдать письмо» issues one letter', async () => {
    const letters = async () =>
      (
        await t
          .client('insurer')
          .call<{ items: unknown[] }>('GET', '/v1/outbox?type=guarantee-letter&limit=500')
      ).body.items.length;
    const before = await letters();
    const page = await login('insurer', 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Гарантийные письма' }).click();
    await fillLetter(page, 'ГП-E2E-DBL', 1);
    const answers: Array<Promise<unknown>> = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/guarantee-letters')) answers.push(r.response());
    });
    await page.getByRole('button', { name: 'Выдать письмо' }).dblclick();
    await page.locator('[data-letter="ГП-E2E-DBL"]').waitFor();
    // Every request the page made has been answered before the outbox is counted.
    await Promise.all(answers);
    expect(answers.length).to.be.greaterThan(0);
    expect(await letters()).to.equal(before + 1);
    await page.context().close();
  });

  it('clinic registrar: pages through the roster, finds people by name or policy, filters by date', async () => {
    const page = await login('clinic', 'reg');
    await page.getByRole('navigation').getByRole('link', { name: 'Застрахованные' }).click();
    await page.getByRole('heading', { name: 'Застрахованные' }).waitFor();
    const rows = page.locator('tbody tr[data-policy]');
    // The page's CSP forbids eval: the predicates are functions run in the page, not strings.
    const policies = () =>
      page.evaluate(() =>
        [
          ...(
            globalThis as unknown as {
              document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> };
            }
          ).document.querySelectorAll('tbody tr[data-policy]'),
        ].map((r) => (r.textContent ?? '').toLowerCase().replace(/ё/g, 'е')),
      );
    const until = async (ok: (rows: string[]) => boolean) => {
      for (let i = 0; i < 200; i++) {
        if (ok(await policies())) return;
        await page.waitForTimeout(50);
      }
      throw new Error(`the roster never showed what was expected: ${(await policies()).length} rows`);
    };
    const countIs = (n: number) => until((rows) => rows.length === n);
    await countIs(25);
    // Other tests attach people too (an uploaded list): the whole roster is what the API holds now.
    const total = (await t.client('clinic').call<{ items: unknown[] }>('GET', '/v1/roster?limit=500')).body
      .items.length;
    expect(total).to.be.at.least(t.story.rosterSize);
    for (let shown = 25; shown < total; shown = Math.min(shown + 25, total)) {
      await page.getByRole('button', { name: 'Показать ещё' }).click();
      await countIs(Math.min(shown + 25, total));
    }
    expect(await page.getByRole('button', { name: 'Показать ещё' }).count()).to.equal(0);
    const p = t.story.person;
    const mine = page.locator(`tr[data-policy="${t.story.policy}"]`);
    expect(await mine.innerText()).to.contain(p.birthDate.split('-').reverse().join('.'));
    await check(page, '13-roster');
    // By a part of the last name, in lower case: only rows that carry it.
    const part = p.lastName.slice(0, 4).toLowerCase();
    await page.getByLabel('ФИО или номер полиса').fill(part);
    await page.getByRole('button', { name: 'Применить' }).click();
    const needle = part.replace(/ё/g, 'е');
    await until((rows) => rows.length > 0 && rows.every((r) => r.includes(needle)));
    await mine.waitFor();
    expect(await rows.count()).to.be.lessThan(t.story.rosterSize);
    await page.getByLabel('ФИО или номер полиса').fill(t.story.policy.slice(-6));
    await page.getByRole('button', { name: 'Применить' }).click();
    await countIs(1);
    await mine.waitFor();
    await page.getByLabel('ФИО или номер полиса').fill('');
    await page.getByLabel('Действует на дату').fill('01.01.1990');
    await page.getByRole('button', { name: 'Применить' }).click();
    await page.getByText('Пока ничего нет.').waitFor();
    await page.getByRole('button', { name: 'Сбросить' }).click();
    await countIs(25);
    await page.context().close();
  });

  it('insurer expert: reads its copy of the clinic’s roster (its own people the clinic accepted)', async () => {
    const page = await login('insurer', 'exp');
    await page.getByRole('navigation').getByRole('link', { name: 'Застрахованные' }).click();
    await page.getByRole('heading', { name: 'Застрахованные' }).waitFor();
    // The clinic is chosen (the only one); no insurer filter: the copy holds this insurer's people only.
    expect(await page.getByLabel('Клиника').inputValue()).to.equal(t.net.get('clinic').id);
    expect(await page.getByLabel('Страховщик').count()).to.equal(0);
    // A first page of the copy, then the story's patient found by policy (pages go in blinded-key order).
    await page.locator('tbody tr').first().waitFor();
    const mine = page.locator(`tr[data-policy="${t.story.policy}"]`);
    await page.getByLabel('ФИО или номер полиса').fill(t.story.policy.slice(-6));
    await page.getByRole('button', { name: 'Применить' }).click();
    for (let i = 0; (await page.locator('tbody tr').count()) !== 1; i++) {
      if (i > 100) throw new Error('the search never narrowed to one row');
      await new Promise((r) => setTimeout(r, 50));
    }
    await mine.waitFor();
    await check(page, '18-insurer-roster');
    await page.context().close();
  });

  it('insurer operator: amends a guarantee letter (services from the accepted price list); the registrar sees the amended version', async () => {
    const page = await login('insurer', 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Гарантийные письма' }).click();
    await fillLetter(page, 'ГП-E2E-2', 1);
    await page.getByRole('button', { name: 'Выдать письмо' }).click();
    const letter = page.locator('[data-letter="ГП-E2E-2"]');
    await letter.waitFor();
    const limitBefore = await letter.locator('td.num').innerText();
    await letter.getByRole('button', { name: 'Изменить: ГП-E2E-2' }).click();
    await page.getByRole('heading', { name: 'Изменение письма ГП-E2E-2' }).waitFor();
    expect(await page.getByLabel('Номер письма').inputValue()).to.equal('ГП-E2E-2');
    const second = page.getByLabel(/^Кол-во, /).nth(1);
    const code = ((await second.getAttribute('aria-label')) ?? '').replace(/^Кол-во, /, '');
    await second.fill('3');
    // The limit follows the services again when the person clears it.
    await page.getByLabel('Лимит').fill('');
    await check(page, '14-letter-amend');
    await page.getByRole('button', { name: 'Отправить изменённое письмо' }).click();
    await page.locator('[data-letter="ГП-E2E-2"]', { hasText: 'изменено' }).waitFor();
    expect(await letter.locator('td.num').innerText()).not.to.equal(limitBefore);
    const reg = await login('clinic', 'reg');
    await reg.getByLabel('Номер полиса').fill(t.story.policy);
    await reg.getByLabel('На дату').fill(ru(t.story.serviceDate));
    const amended = reg.locator('tr[data-letter="ГП-E2E-2"]', { hasText: 'изменено' });
    for (let i = 0; i < 100; i++) {
      await reg.getByRole('button', { name: 'Проверить' }).click();
      await reg.locator('.verdict').waitFor();
      if (await amended.count()) break;
      await reg.waitForTimeout(100);
    }
    expect(await amended.innerText()).to.contain(`${code} × 3`);
    await reg.context().close();
    await page.context().close();
  });

  it('clinic accountant: an invoice register without birth dates is completed from the roster; an unknown policy is marked', async () => {
    const page = await login('clinic', 'acc');
    await page.getByRole('navigation').getByRole('link', { name: 'Загрузка файла' }).click();
    const p = t.story.person;
    const csv = [
      'Реестр оказанных медицинских услуг к счету № E2E-2 от 05.01.2027 за декабрь 2026;;;;;;;;;',
      '№;ФИО пациента;№ полиса;№ гарантийного письма;Дата оказания;Код услуги;Наименование;Кол-во;Цена;Сумма',
      `1;${[p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ')};${t.story.policy};;10.12.2026;К-001;Прием терапевта;1;2200,00;2200,00`,
      '2;Неизвестная Ольга Игоревна;ДМС-00-0000001;;11.12.2026;К-001;Прием терапевта;1;2200,00;2200,00',
      `3;Подставной Пётр Ильич;${t.story.policy};;12.12.2026;К-001;Прием терапевта;1;2200,00;2200,00`,
      'Итого;;;;;;;;;6600,00',
    ].join('\r\n');
    await page.getByLabel('Сопоставление').selectOption('clinic-invoice-register.csv');
    // This register does not name its payer: the accountant chooses the insurer.
    await page.getByLabel('Получатель').selectOption(t.net.get('insurer').id);
    // The picker is reached from the keyboard: Tab from the addressee lands on the (visually hidden) file input.
    await page.getByLabel('Получатель').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).to.equal('file');
    // The visible, localised picker; the input itself still takes the file.
    await page.getByText('Выбрать файл…').waitFor();
    await page.getByText('файл не выбран').waitFor();
    await page
      .getByLabel('Файл', { exact: true })
      .setInputFiles({ name: 'register.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'win1251') });
    await page.locator('#file-name', { hasText: 'register.csv' }).waitFor();
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    const known = page.locator('tr[data-row="0"]');
    await known.waitFor();
    expect(await known.innerText()).to.contain(ru(p.birthDate));
    expect(await known.innerText()).to.contain(p.sex === 'F' ? 'Ж' : 'М');
    expect(await known.getAttribute('data-note')).to.equal(null);
    const unknown = page.locator('tr[data-row="1"]');
    expect(await unknown.getAttribute('data-note')).to.equal('ROSTER_POLICY_UNKNOWN');
    expect(await unknown.innerText()).to.contain('нет в списке застрахованных');
    // A known policy under another person's name is marked too: the insurer's check would withhold it.
    const stranger = page.locator('tr[data-row="2"]');
    expect(await stranger.getAttribute('data-note')).to.equal('ROSTER_NAME_DIFFERS');
    expect(await stranger.innerText()).to.contain('по этому полису другое ФИО');
    // The real cause at the file's row and the policy's column, not the birth date and sex the register never had.
    expect(await page.locator('tr[data-code="SCHEMA_REQUIRED"]').count()).to.equal(0);
    const cause = page.locator('tr[data-code="ROSTER_POLICY_UNKNOWN"]');
    expect(await cause.innerText()).to.contain('полиса нет в списке застрахованных клиники');
    expect(await cause.innerText()).to.contain('«№ полиса»');
    // One row number everywhere: the error's is the preview's, and that row is marked.
    const fileRow = (await cause.locator('td').first().innerText()).trim();
    expect(await unknown.getAttribute('data-file-row')).to.equal(fileRow);
    expect(await unknown.getAttribute('data-error')).to.equal('');
    expect((await unknown.locator('td').first().innerText()).trim()).to.equal(fileRow);
    await check(page, '15-register-preview');
    await page.context().close();
  });

  it('clinic accountant: uploads a price list (preview, send); the insurer’s operator sees it to decide', async () => {
    const page = await login('clinic', 'acc');
    await page.getByRole('navigation').getByRole('link', { name: 'Загрузка файла' }).click();
    await page.getByLabel('Сопоставление').selectOption('clinic-price-list.xlsx');
    // A price list names no insurer: the accountant chooses the one it goes to.
    await page.getByLabel('Получатель').selectOption(t.net.get('insurer').id);
    await page.getByLabel('Файл', { exact: true }).setInputFiles({
      name: 'pricelist.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await readFile(repoPath('gateway', 'mappings', 'samples', 'pricelist.xlsx')),
    });
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    // The start date is the file's («Действует с 01.01.2027»); the list's number is typed.
    await page.locator('fieldset.header-fields').getByLabel('Номер прейскуранта').fill('ПР-2027');
    await page.locator('fieldset.header-fields').getByRole('button', { name: 'Проверить файл' }).click();
    await page.locator('[data-summary]').waitFor();
    // The services as they will be sent, priced the Russian way.
    expect(await page.locator('tr[data-row="0"] td.num').innerText()).to.match(
      /^\d[\d\u00a0]*,\d{2}\u00a0₽$/,
    );
    await check(page, '16-price-list-upload');
    const sent = page.waitForResponse(
      (r) => r.url().endsWith('/v1/documents') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Подписать и отправить' }).click();
    const record = (await (await sent).json()) as { messageId: string };
    await page.getByText('Отправлено.').waitFor();
    const op = await login('insurer', 'op');
    await op.getByRole('navigation').getByRole('link', { name: 'Прейскуранты' }).click();
    // The screen shows the clinic's number for the list: the ledger id without the clinic's ОГРН.
    const number = record.messageId.slice(record.messageId.indexOf(':') + 1);
    const row = op.locator('tr', { hasText: number });
    for (let i = 0; i < 100 && !(await row.count()); i++) {
      await op.reload();
      await op.waitForTimeout(200);
    }
    await row.locator('.status', { hasText: 'получен' }).waitFor();
    await row.getByRole('button', { name: 'Принять' }).waitFor();
    await op.context().close();
    await page.context().close();
  });

  it('association secretary: sees what a proposal breaks against the active version and votes for it', async () => {
    const page = await login('association', 'sec');
    await page.getByRole('navigation').getByRole('link', { name: 'Форматы' }).click();
    const { type, version } = t.story.proposal;
    await page
      .getByRole('heading', {
        name: `Изменения относительно действующей версии: Список застрахованных ${version} (сравнение с версией 1)`,
      })
      .waitFor();
    await page.locator('tr[data-kind="breaking"][data-rule="REQUIRED_ADDED"]').waitFor();
    expect(
      await page.locator('tr[data-kind="compatible"][data-rule="PROPERTY_ADDED"]').innerText(),
    ).to.contain('совместимое');
    await check(page, '17-formats-vote');
    await page.getByRole('button', { name: `Голосовать «за»: Список застрахованных ${version}` }).click();
    // A vote cannot be taken back: the console asks once more.
    await page.getByRole('button', { name: 'Да, голосовать' }).click();
    await page.locator(`tr[data-proposal="${type}/${version}"] [data-state="APPROVED"]`).waitFor();
    await page.getByRole('status').waitFor();
    const v = await t
      .client('association')
      .call<{ state: string; votes: Record<string, string> }>(
        'GET',
        `/v1/governance/proposals/${type}/${version}`,
      );
    expect(v.body.state).to.equal('APPROVED');
    expect(Object.values(v.body.votes)).to.deep.equal(['yes']);
    await page.context().close();
  });

  it('clinic admin: adds a registrar and disables them; the new account logs in only until disabled', async () => {
    const page = await login('clinic', 'adm');
    await page.getByRole('navigation').getByRole('link', { name: 'Пользователи' }).click();
    await page.locator('[data-user="adm"]').waitFor();
    await page.getByLabel('Имя пользователя').fill('newreg');
    await page.getByLabel('ФИО').fill('Новикова Ольга Сергеевна');
    await page.locator('select[name="role"]').selectOption('registrar');
    await page.getByLabel('Пароль').fill('a new registrar password');
    await page.getByRole('button', { name: 'Добавить пользователя' }).click();
    await page.locator('[data-user="newreg"]').waitFor();
    await check(page, '12-users');
    const fresh = await login('clinic', 'newreg', 'a new registrar password');
    await fresh.getByRole('heading', { name: 'Проверка полиса' }).waitFor();
    await fresh.context().close();
    await page
      .locator('[data-user="newreg"]')
      .getByRole('button', { name: /Отключить/ })
      .click();
    await page.locator('[data-user="newreg"]', { hasText: 'отключён' }).waitFor();
    const refused = await login('clinic', 'newreg', 'a new registrar password');
    await refused.getByRole('alert').waitFor();
    await refused.context().close();
    await page.context().close();
  });

  it('association secretary: follows the format proposals and the participants; switches to English', async () => {
    const page = await login('association', 'sec');
    await page.getByRole('navigation').getByRole('link', { name: 'Форматы' }).click();
    await page.getByRole('heading', { name: 'Форматы' }).waitFor();
    await page.locator('tbody tr', { hasText: 'Счёт с реестром' }).first().waitFor();
    await check(page, '10-formats');
    await page.getByLabel('Язык').selectOption('en');
    await page.getByRole('heading', { name: 'Formats' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await page.context().close();
  });
});
