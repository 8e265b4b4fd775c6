// The flows staff expect, end to end in Chromium against a real embedded network: guarantee letters (the patient from
// the roster, the limit following the quantities, revocation asked and confirmed, every letter filtered by status and
// period), the roster (alphabetical among the people shown, a bad date said at its field, rows leading to the coverage
// check and the letters), the registrar's screens on a 390 px phone, the association proposing a format version and a
// vote asked before it is cast, and paper (A4 PDFs of a letter, an invoice register and an act), XLSX exports and
// the invoice register for the ФНС format (КНД 1110388).
import { expect } from 'chai';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { type Browser, type Page } from 'playwright-core';
import { bundledSchemaText } from '@dmsnet/formats';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt, OUT } from './browser.js';

const PHONE = { width: 390, height: 844 };

/** Kopecks from a money text as the console prints it (`1 500,00`). */
const kopecks = (text: string) =>
  Math.round(Number(text.replace(/[\s\u00a0₽]/g, '').replace(',', '.')) * 100);
const russianDate = (iso: string) => iso.split('-').reverse().join('.');
const day = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString().slice(0, 10);

describe('console flows staff expect (Chromium, real embedded network)', function () {
  this.timeout(120_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s));

  const login = (gateway: string, username: string, viewport = { width: 1360, height: 900 }): Promise<Page> =>
    loginAt(browser, t.url(gateway), username, { viewport });

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

  /** The elements reaching furthest right, to say what widens a page. */
  const widest = (page: Page) =>
    page.evaluate(() => {
      type El = { tagName: string; className: unknown; getBoundingClientRect(): { right: number } };
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } })
        .document;
      return Array.from(d.querySelectorAll('body *'))
        .map((e) => ({ e, right: Math.round(e.getBoundingClientRect().right) }))
        .sort((a, b) => b.right - a.right)
        .slice(0, 3)
        .map((x) => `${x.e.tagName.toLowerCase()}.${String(x.e.className)} → ${x.right}px`)
        .join('; ');
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
    expect(await page.getByLabel('Дата рождения').inputValue()).to.equal(russianDate(p.birthDate));
    expect(await page.locator('input[name="policyNumber"]').inputValue()).to.equal(t.story.policy);
    expect(await page.locator('select[name="sex"]').inputValue()).to.equal(p.sex);

    // The limit follows the services' sum as quantities change.
    await page.getByLabel('Номер письма').fill('ГП-FL-1');
    await page.getByLabel('С', { exact: true }).fill(russianDate(t.story.serviceDate));
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
    await page.getByLabel('Период с').fill(russianDate(day(t.story.serviceDate, 400)));
    await page.getByRole('button', { name: 'Применить' }).click();
    await until(
      'no letter in a later period',
      async () => (await page.locator('[data-letter^="ГП-FL-"]').count()) === 0,
    );
    await page.getByLabel('Период с').fill(russianDate(t.story.serviceDate));
    await page.getByLabel('Период по').fill(russianDate(t.story.serviceDate));
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
    await page.getByLabel('На дату').fill(russianDate(t.story.serviceDate));
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
      expect(await sideways(page), `${screen}: ${await widest(page)}`).to.be.at.most(PHONE.width);
    }
    await shot(page, '39-phone-letters');
    await page.context().close();
  });

  it('formats: the association proposes a version from a schema file in the console; a vote is asked before it is cast', async () => {
    const page = await login('association', 'sec');
    await page.getByRole('navigation').getByRole('link', { name: 'Форматы' }).click();
    const form = page.getByRole('form', { name: 'Предложить версию' });
    await form.locator('select[name="type"] option').first().waitFor({ state: 'attached' });
    await form.locator('select[name="type"]').selectOption('price-list');
    await form.getByLabel('Версия').fill('2');
    await form.getByLabel('Действует с').fill('01.01.2099');
    // A file that is not JSON is said at the field and nothing is proposed.
    await form.locator('input[name="schemaFile"]').setInputFiles({
      name: 'schema.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{ not json'),
    });
    await until('the file read', async () => (await form.locator('textarea').inputValue()) === '{ not json');
    await form.getByRole('button', { name: 'Предложить версию' }).click();
    await page.locator('#schemaText-error').waitFor();
    expect(await page.locator('#schemaText-error').innerText()).to.contain('не является JSON');
    expect(await page.locator('[data-proposal="price-list/2"]').count()).to.equal(0);
    // The schema of version 1 with one optional field more: a compatible change.
    const v1 = JSON.parse(bundledSchemaText('price-list', '1')) as { properties: Record<string, unknown> };
    const v2 = { ...v1, properties: { ...v1.properties, note: { type: 'string' } } };
    await form.locator('input[name="schemaFile"]').setInputFiles({
      name: 'price-list-2.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(v2, null, 2)),
    });
    await until('the file read', async () =>
      (await form.locator('textarea').inputValue()).includes('"note"'),
    );
    await form.getByRole('button', { name: 'Предложить версию' }).click();
    await page.locator('[role="status"]', { hasText: 'Предложено: Прейскурант 2' }).waitFor();
    const row = page.locator('[data-proposal="price-list/2"]');
    await row.waitFor();
    expect(await row.locator('[data-state]').getAttribute('data-state')).to.equal('PROPOSED');
    await page.getByRole('heading', { name: /Прейскурант 2/ }).waitFor();
    await page.locator('tr[data-rule="PROPERTY_ADDED"][data-kind="compatible"]').waitFor();
    await shot(page, '40-format-proposed');

    // A vote is asked first: «Отмена» casts nothing, «Да, голосовать» casts it.
    const votes = async () =>
      (
        await t
          .client('association')
          .call<Array<{ type: string; version: string; votes?: Record<string, string> }>>(
            'GET',
            '/v1/governance/proposals',
          )
      ).body.find((p) => p.type === 'price-list' && p.version === '2')?.votes ?? {};
    await row.getByRole('button', { name: 'Голосовать «за»: Прейскурант 2' }).click();
    const ask = row.getByRole('group', { name: 'Подать голос' });
    expect(await ask.innerText()).to.contain('Голосовать «за»: Прейскурант 2?');
    await shot(page, '41-format-vote-asks');
    await ask.getByRole('button', { name: 'Отмена' }).click();
    expect(Object.keys(await votes())).to.have.length(0);
    await row.getByRole('button', { name: 'Голосовать «за»: Прейскурант 2' }).click();
    await row.getByRole('button', { name: 'Да, голосовать' }).click();
    await page.locator('[role="status"]', { hasText: 'Голос учтён' }).waitFor();
    expect(Object.values(await votes())).to.deep.equal(['yes']);
    await page.context().close();
  });

  /** Chromium's paper: the page as printed (A4), how many sheets, and a screenshot of the print layout to look at. */
  async function paper(page: Page, name: string): Promise<{ pages: number; width: number; height: number }> {
    await page.emulateMedia({ media: 'print' });
    await shot(page, name);
    const pdf = await page.pdf({
      path: path.join(OUT, `${name}.pdf`),
      preferCSSPageSize: true,
      printBackground: true,
    });
    await page.emulateMedia({ media: 'screen' });
    const text = pdf.toString('latin1');
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)/.exec(text);
    return {
      pages: (text.match(/\/Type\s*\/Page(?!s)/g) ?? []).length,
      width: Number(box?.[1]),
      height: Number(box?.[2]),
    };
  }
  /** A4 in PDF points: 210 × 297 mm. */
  const A4 = (p: { width: number; height: number }) => {
    expect(p.width).to.be.closeTo(595.3, 1.5);
    expect(p.height).to.be.closeTo(841.9, 1.5);
  };
  async function workbook(page: Page, url: string): Promise<ExcelJS.Worksheet> {
    const r = await page.request.get(url);
    expect(r.status(), await r.text().catch(() => '')).to.equal(200);
    expect(r.headers()['content-type']).to.contain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await r.body()) as unknown as ArrayBuffer);
    return wb.worksheets[0] as ExcelJS.Worksheet;
  }

  it('paper and spreadsheets: a letter, an invoice register and an act print on A4 without the screen around them and export to XLSX', async () => {
    // The letter, laid out as staff file it, one A4 page without menu, filters or buttons.
    const op = await login('insurer', 'op');
    await op.getByRole('navigation').getByRole('link', { name: 'Гарантийные письма' }).click();
    const row = op.locator('[data-letter="ГП-FL-2"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Печать: ГП-FL-2' }).click();
    const letter = op.getByRole('article', { name: 'Гарантийное письмо № ГП-FL-2' });
    await letter.waitFor();
    expect(await letter.innerText()).to.contain('ГАРАНТИЙНОЕ ПИСЬМО № ГП-FL-2');
    expect(await letter.innerText()).to.contain(t.story.policy);
    await shot(op, '42-letter-preview');
    const lp = await paper(op, '43-letter-print');
    A4(lp);
    expect(lp.pages).to.equal(1);
    await op.emulateMedia({ media: 'print' });
    expect(await op.getByRole('navigation').isVisible()).to.equal(false);
    expect(await op.locator('form.filters').first().isVisible()).to.equal(false);
    expect(await letter.isVisible()).to.equal(true);
    expect(await op.locator('table.letters').isVisible()).to.equal(false);
    await op.emulateMedia({ media: 'screen' });
    // Its spreadsheet: the title, the services, the sum.
    const ls = await workbook(
      op,
      await row
        .getByRole('link', { name: 'Скачать XLSX: ГП-FL-2' })
        .evaluate((a) => (a as unknown as { href: string }).href),
    );
    expect(String(ls.getCell(1, 1).value)).to.contain('Гарантийное письмо № ГП-FL-2');

    // The invoice register as received: printed with its lines, exported with money as numbers.
    await op.goto(op.url().replace(/#.*$/, `#/doc/${t.story.invoiceId}`));
    await op.getByRole('heading', { level: 1 }).waitFor();
    const inv = await paper(op, '44-invoice-print');
    A4(inv);
    expect(inv.pages).to.be.at.least(1);
    const href = await op.getByRole('link', { name: 'Скачать XLSX' }).getAttribute('href');
    // The same register for the ФНС format (КНД 1110388, from its published description: decision record 0061).
    const knd = await op.request.get(
      new URL(
        (await op
          .getByRole('link', { name: 'Скачать реестр в формате ФНС (КНД 1110388)' })
          .getAttribute('href')) as string,
        op.url(),
      ).toString(),
    );
    expect(knd.status()).to.equal(200);
    expect(knd.headers()['content-disposition']).to.match(
      /filename="ON_REESTRUSLDMS_\d+_\d+_\d{8}_[0-9a-f-]{36}\.xml"/,
    );
    expect(iconv.decode(await knd.body(), 'win1251')).to.contain('<Документ КНД="1110388"');
    await shot(op, '44-invoice-downloads');
    const ws = await workbook(op, new URL(href as string, op.url()).toString());
    expect(String(ws.getCell(1, 1).value)).to.equal(
      'Реестр оказанных медицинских услуг к счёту № E2E-1 от ' +
        russianDate(
          (
            await t
              .client('insurer')
              .call<{ document: { body: { invoiceDate: string } } }>(
                'GET',
                `/v1/documents/${t.story.invoiceId}`,
              )
          ).body.document.body.invoiceDate,
        ),
    );
    const invoice = (
      await t.client('insurer').call<{
        document: { body: { total: number; lines: Array<{ amount: number; serviceCode: string }> } };
      }>('GET', `/v1/documents/${t.story.invoiceId}`)
    ).body.document.body;
    let head = 0;
    ws.eachRow((r, n) => {
      if (r.getCell(1).value === '№ п/п') head = n;
    });
    expect(head).to.be.greaterThan(1);
    invoice.lines.forEach((l, i) => {
      expect(ws.getCell(head + 1 + i, 7).value).to.equal(l.serviceCode);
      expect(ws.getCell(head + 1 + i, 11).value).to.equal(l.amount / 100);
      expect(ws.getCell(head + 1 + i, 11).numFmt).to.equal('#,##0.00');
    });
    const totalRow = head + 1 + invoice.lines.length;
    expect(ws.getCell(totalRow, 1).value).to.equal('Итого');
    expect(ws.getCell(totalRow, 11).value).to.equal(invoice.total / 100);
    await op.context().close();

    // The expertise act: the expert's screen printed, then the act sent and exported.
    const exp = await login('insurer', 'exp');
    await exp.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    // The list says the invoice's own number, not its id in the exchange.
    await exp.getByRole('link', { name: t.story.invoiceNumber, exact: true }).click();
    await exp.locator('[data-line="1"]').waitFor();
    const act = await paper(exp, '45-act-print');
    A4(act);
    await exp.emulateMedia({ media: 'print' });
    expect(await exp.locator('table.act').isVisible()).to.equal(true);
    expect(await exp.getByRole('navigation').isVisible()).to.equal(false);
    await exp.emulateMedia({ media: 'screen' });
    const sent = await t
      .client('insurer')
      .call<{ record: { messageId: string } }>('POST', `/v1/expertise-acts/${t.story.invoiceId}/send`, {});
    expect(sent.status).to.equal(202);
    const as = await workbook(
      exp,
      new URL(`/v1/documents/${encodeURIComponent(sent.body.record.messageId)}/xlsx`, exp.url()).toString(),
    );
    expect(String(as.getCell(1, 1).value)).to.match(/^Акт экспертизы № /);
    // An insured list is not exported (it is personal data in bulk, and no register): refused with a stable code.
    const lists = await t
      .client('insurer')
      .call<{ items: Array<{ messageId: string }> }>('GET', '/v1/outbox?type=insured-list&limit=1');
    const listId = (lists.body.items[0] as { messageId: string }).messageId;
    const refused = await exp.request.get(
      new URL(`/v1/documents/${encodeURIComponent(listId)}/xlsx`, exp.url()).toString(),
    );
    expect(refused.status()).to.equal(422);
    expect(((await refused.json()) as { code: string }).code).to.equal('EXPORT_NOT_TABULAR');
    await exp.context().close();
  });
});
