// Guarantee-letter requests in the console (decision record 0054), end to end in Chromium against a real embedded
// network: the clinic's registrar checks coverage per service, starts the request from the service that needs a
// letter first, the insurer's operator asks for more information, the registrar sends it, the operator issues the
// letter; a screenshot of each screen and axe-core with no serious violation.
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { generateDocument } from '@dmsnet/formats';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt } from './browser.js';
import { checkScreen } from './screen-checks.js';

const COVERED = 'B01.047.001';
const NEEDS_LETTER = 'A05.10.006';

describe('console: guarantee-letter requests from the coverage check (Chromium, real embedded network)', function () {
  this.timeout(240_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  // The insurer's programme for the story's patient: consultations covered, imaging only with a letter first; and a
  // price list in force today that prices both.
  useConsoleNetwork(
    (s) => ({ network: t, browser } = s),
    {},
    async ({ network }) => {
      const c = network.client;
      const insurer = network.net.get('insurer');
      const clinic = network.net.get('clinic');
      const today = new Date().toISOString().slice(0, 10);
      const asked = await c('clinic').call<{
        coverage: Array<{ programme: { code: string; name: string } }>;
      }>(
        'GET',
        `/v1/coverage?policy=${encodeURIComponent(network.story.policy)}&date=${network.story.serviceDate}`,
      );
      const programme = asked.body.coverage[0]?.programme;
      if (!programme) throw new Error(`the story's patient is not covered: ${JSON.stringify(asked.body)}`);
      const mp = structuredClone(
        generateDocument('medical-programme', {
          seed: 540,
          rows: 1,
          sender: insurer.party,
          addressee: clinic.party,
        }),
      );
      mp.body = {
        programme,
        version: 1,
        validity: { from: '2020-01-01', to: '2030-12-31' },
        territory: 'г. Москва',
        currency: 'RUB',
        franchise: { percent: 10 },
        limits: { amount: 10_000_000 },
        services: [
          { rowId: '1', match: 'prefix', code: 'B01', cover: 'included', limit: { visits: 5 } },
          { rowId: '2', match: 'prefix', code: 'A05', cover: 'letter' },
        ],
      };
      const pl = structuredClone(
        generateDocument('price-list', {
          seed: 541,
          rows: 1,
          sender: clinic.party,
          addressee: insurer.party,
        }),
      );
      pl.body.validity = { from: today };
      pl.body.version = 99;
      pl.body.lines = [
        { rowId: '1', serviceCode: COVERED, name: 'Приём врача-терапевта первичный', price: 220000 },
        { rowId: '2', serviceCode: NEEDS_LETTER, name: 'МРТ головного мозга', price: 850000 },
      ];
      for (const [from, to, doc] of [
        ['insurer', 'clinic', mp],
        ['clinic', 'insurer', pl],
      ] as const) {
        const r = await c(from).call('POST', '/v1/documents', doc);
        if (r.status !== 202) throw new Error(`seed refused: ${JSON.stringify(r.body)}`);
        await c(to).waitFor(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
      }
      await c('insurer').call('POST', `/v1/price-lists/${pl.header.documentId}/accept`, {});
      for (const [who, id] of [
        ['insurer', mp.header.documentId],
        ['clinic', pl.header.documentId],
      ] as const)
        await c(who).waitFor<{ status: string }>(
          `/v1/documents/${id}`,
          (s, b) => s === 200 && b.status === 'ACCEPTED',
        );
    },
  );

  const login = (gateway: string, username: string): Promise<Page> =>
    loginAt(browser, t.url(gateway), username, { viewport: { width: 1360, height: 900 } });

  const check = checkScreen;

  /** Refreshes the list until a row with `text` shows what is expected. */
  async function rowUntil(page: Page, text: string, expected: string): Promise<void> {
    const end = Date.now() + 30_000;
    for (;;) {
      const row = page.getByRole('row').filter({ hasText: text });
      const inner = (await row.count()) ? await row.first().innerText() : '';
      if (inner.includes(expected)) return;
      if (Date.now() > end) throw new Error(`row ${text} never showed ${expected}: ${inner}`);
      await page.getByRole('button', { name: 'Обновить' }).click();
      await page.waitForTimeout(300);
    }
  }

  it('the registrar asks from the coverage answer; the operator pends, the registrar answers, the operator issues the letter', async () => {
    const p = t.story.person;
    const reg = await login('clinic', 'reg');
    await reg.getByRole('heading', { name: 'Проверка полиса' }).waitFor();
    await reg.locator('input[name="policy"]').fill(t.story.policy);
    // The day the story's patient is covered (the roster's period may start after today).
    await reg.locator('input[name="date"]').fill(t.story.serviceDate.split('-').reverse().join('.'));
    await reg.getByLabel('Коды услуг (через запятую)').fill(`${COVERED}, ${NEEDS_LETTER}`);
    await reg.getByRole('button', { name: 'Проверить' }).click();
    const perService = reg.getByRole('table', { name: 'Покрытие по услугам' });
    await perService.waitFor();
    expect(await perService.locator(`tr[data-service="${COVERED}"]`).innerText()).to.contain('покрывается');
    const letterRow = perService.locator(`tr[data-service="${NEEDS_LETTER}"]`);
    expect(await letterRow.innerText()).to.contain('нужно гарантийное письмо');
    expect(await perService.locator(`tr[data-service="${COVERED}"] a`).count(), 'no letter needed').to.equal(
      0,
    );
    await check(reg, 'prior-auth-01-coverage-per-service');

    await letterRow.getByRole('link', { name: 'Запросить гарантийное письмо' }).click();
    await reg.getByRole('heading', { name: 'Запросы гарантийных писем' }).waitFor();
    // The request starts filled from the coverage answer: the policy and the service that needs the letter.
    expect(await reg.getByLabel('Номер полиса').inputValue()).to.equal(t.story.policy);
    expect(await reg.getByLabel('Коды услуг (через запятую)').inputValue()).to.equal(NEEDS_LETTER);
    await reg.getByLabel('№ запроса').fill('ЗГП-E2E-1');
    await reg.getByLabel('Срочность').selectOption('urgent');
    await reg.getByLabel('Фамилия').fill(p.lastName);
    await reg.getByLabel('Имя', { exact: true }).fill(p.firstName);
    if (p.middleName) await reg.getByLabel('Отчество').fill(p.middleName);
    await reg.getByLabel('Дата рождения').fill(p.birthDate.split('-').reverse().join('.'));
    await reg.locator('select[name="pa-sex"]').selectOption(p.sex);
    await reg.getByLabel('Диагноз (МКБ-10)').fill('G43.0');
    await reg
      .getByLabel('Обоснование')
      .fill('Головные боли 2 месяца, неврологом назначена МРТ головного мозга');
    await check(reg, 'prior-auth-02-new-request');
    await reg.getByRole('button', { name: 'Направить запрос' }).click();
    await reg.getByRole('status').filter({ hasText: 'Запрос направлен страховщику.' }).waitFor();
    // A sent request leaves an empty form for the next one.
    expect(await reg.getByLabel('№ запроса').inputValue()).to.equal('');
    await rowUntil(reg, 'ЗГП-E2E-1', 'ждёт решения страховщика');
    expect(await reg.getByRole('row').filter({ hasText: 'ЗГП-E2E-1' }).innerText()).to.contain(
      '8\u00a0500,00',
    );

    const op = await login('insurer', 'op');
    await op.getByRole('navigation').getByRole('link', { name: 'Запросы писем' }).click();
    await op.getByRole('heading', { name: 'Запросы гарантийных писем от клиник' }).waitFor();
    await rowUntil(op, 'ЗГП-E2E-1', 'ждёт решения страховщика');
    const opRow = op.getByRole('row').filter({ hasText: 'ЗГП-E2E-1' });
    expect(await opRow.innerText()).to.contain(p.lastName);
    await opRow.getByRole('button', { name: 'Запросить сведения' }).click();
    await opRow.getByLabel('Какие сведения нужны').fill('Заключение невролога с результатами осмотра');
    await opRow.getByLabel('Представить до').fill('31.12.2026');
    await opRow.getByRole('button', { name: 'Направить запрос сведений' }).click();
    await rowUntil(op, 'ЗГП-E2E-1', 'страховщик запросил сведения');
    await check(op, 'prior-auth-03-operator-pended');

    await rowUntil(reg, 'ЗГП-E2E-1', 'Заключение невролога');
    const regRow = reg.getByRole('row').filter({ hasText: 'ЗГП-E2E-1' });
    await regRow.getByRole('button', { name: 'Направить сведения' }).click();
    await regRow
      .getByRole('textbox', { name: 'Сведения', exact: true })
      .fill('Заключение невролога от 01.12 направлено отдельным документом');
    await regRow.getByRole('button', { name: 'Отправить сведения' }).click();
    await rowUntil(reg, 'ЗГП-E2E-1', 'ждёт решения страховщика');

    await rowUntil(op, 'ЗГП-E2E-1', 'направлено отдельным документом');
    await opRow.getByRole('button', { name: 'Выдать письмо' }).click();
    await opRow.getByLabel('Номер письма').fill('ГП-E2E-77');
    await opRow.getByRole('button', { name: 'Выдать гарантийное письмо' }).click();
    await op.getByRole('status').filter({ hasText: 'Готово.' }).waitFor();

    // Decided requests leave the open list; the whole list shows the letter.
    await reg.getByLabel('Только ждущие решения и сведений').uncheck();
    await rowUntil(reg, 'ЗГП-E2E-1', 'письмо выдано');
    expect(await regRow.innerText()).to.contain('ГП-E2E-77');
    await check(reg, 'prior-auth-04-registrar-letter-issued');
  });
});
