// Care requests in the console (decision record 0047), end to end in Chromium against a real embedded network: the
// insurer's coordinator sends requests, the clinic's registrar sees them nearest deadline first, offers a slot or
// refuses, and the coordinator follows; a screenshot of each screen and axe-core with no serious violation.
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt } from './browser.js';
import { checkScreen } from './screen-checks.js';

describe('console: care requests and appointments (Chromium, real embedded network)', function () {
  this.timeout(180_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s));

  const login = (gateway: string, username: string): Promise<Page> =>
    loginAt(browser, t.url(gateway), username, { viewport: { width: 1360, height: 900 } });

  const check = checkScreen;

  /** Refreshes the list until a row with `text` shows what is expected. */
  async function rowUntil(page: Page, text: string, expected: string | RegExp): Promise<string> {
    const end = Date.now() + 20_000;
    for (;;) {
      const row = page.getByRole('row').filter({ hasText: text });
      const inner = (await row.count()) ? await row.first().innerText() : '';
      if (typeof expected === 'string' ? inner.includes(expected) : expected.test(inner)) return inner;
      if (Date.now() > end) throw new Error(`row ${text} never showed ${String(expected)}: ${inner}`);
      await page.getByRole('button', { name: 'Обновить' }).click();
      await page.waitForTimeout(300);
    }
  }

  async function sendRequest(page: Page, number: string, urgency: string): Promise<void> {
    const p = t.story.person;
    if (!(await page.getByLabel('№ заявки').isVisible())) await page.getByText('Новая заявка').click();
    await page.getByLabel('№ заявки').fill(number);
    await page.getByLabel('Срочность').selectOption(urgency);
    await page.getByLabel('Фамилия').fill(p.lastName);
    await page.getByLabel('Имя', { exact: true }).fill(p.firstName);
    if (p.middleName) await page.getByLabel('Отчество').fill(p.middleName);
    // Dates are typed as people here write them.
    await page.getByLabel('Дата рождения').fill(p.birthDate.split('-').reverse().join('.'));
    await page.getByLabel('Желаемые даты с').fill('03.12.2026');
    await page.getByLabel('по', { exact: true }).fill('05.12.2026');
    await page.locator('select[name="care-sex"]').selectOption(p.sex);
    await page.getByLabel('Номер полиса').fill(t.story.policy);
    await page.getByLabel('Жалобы').fill('Боль в горле, температура 38,2 второй день');
    await page.getByLabel('Специалист').fill('врач-оториноларинголог');
    await page.getByRole('button', { name: 'Направить заявку' }).click();
    await page.getByRole('status').filter({ hasText: 'Заявка направлена в клинику.' }).waitFor();
    // A sent request leaves an empty form for the next one (the notice may still be the previous request's: wait).
    const end = Date.now() + 20_000;
    while ((await page.getByLabel('№ заявки').inputValue()) !== '' && Date.now() < end)
      await page.waitForTimeout(200);
    expect(await page.getByLabel('№ заявки').inputValue()).to.equal('');
    expect(await page.getByLabel('Дата рождения').inputValue()).to.equal('');
  }

  it('the coordinator sends; the registrar sees the nearest deadline first, books one and refuses the other; the coordinator follows', async () => {
    const op = await login('insurer', 'op');
    await op.getByRole('navigation').getByRole('link', { name: 'Заявки на приём' }).click();
    await op.getByRole('heading', { name: 'Заявки в клиники' }).waitFor();
    await sendRequest(op, 'ЗМП-E2E-1', 'planned');
    await sendRequest(op, 'ЗМП-E2E-2', 'urgent');
    await rowUntil(op, 'ЗМП-E2E-2', 'ждёт ответа клиники');
    await check(op, 'care-01-coordinator-sent');

    const reg = await login('clinic', 'reg');
    await reg.getByRole('navigation').getByRole('link', { name: 'Заявки на приём' }).click();
    await reg.getByRole('heading', { name: 'Заявки на приём' }).waitFor();
    await rowUntil(reg, 'ЗМП-E2E-1', 'плановая');
    await rowUntil(reg, 'ЗМП-E2E-2', 'неотложная');
    // The urgent request (an hour) stands above the planned one (a day) though it came later.
    const numbers = await reg.getByRole('row').allInnerTexts();
    const order = numbers.filter((r) => r.includes('ЗМП-E2E')).map((r) => (r.includes('ЗМП-E2E-2') ? 2 : 1));
    expect(order).to.deep.equal([2, 1]);
    expect(numbers.join('\n')).to.contain(t.story.person.lastName);
    await check(reg, 'care-02-registrar-queue');

    const urgent = reg.getByRole('row').filter({ hasText: 'ЗМП-E2E-2' });
    await urgent.getByRole('button', { name: 'Записать' }).click();
    await urgent.getByLabel('Дата и время приёма').fill('2026-12-03T10:20');
    await urgent.getByLabel('Врач (ФИО)').fill('Смирнов Андрей Петрович');
    await urgent.getByLabel('Адрес и кабинет').fill('ул. Примерная, д. 1, кабинет 312');
    await urgent.getByLabel('Что взять с собой').fill('Паспорт и полис ДМС');
    await check(reg, 'care-03-registrar-offers-slot');
    await urgent.getByRole('button', { name: 'Подтвердить запись' }).click();
    await rowUntil(reg, 'ЗМП-E2E-2', 'записан');

    const planned = reg.getByRole('row').filter({ hasText: 'ЗМП-E2E-1' });
    await planned.getByRole('button', { name: 'Отказать' }).click();
    await planned.getByLabel('Причина').fill('ЛОР-врач в отпуске до 15.12');
    await planned.getByRole('button', { name: 'Подтвердить отказ' }).click();
    // A refused case leaves the registrar's open queue.
    await reg.getByLabel('Только ждущие ответа и записанные').uncheck();
    await rowUntil(reg, 'ЗМП-E2E-1', 'клиника отказала');

    const booked = await rowUntil(op, 'ЗМП-E2E-2', 'записан');
    expect(booked).to.contain('Смирнов Андрей Петрович');
    await op.getByLabel('Только ждущие ответа и записанные').uncheck();
    const refused = await rowUntil(op, 'ЗМП-E2E-1', 'клиника отказала');
    expect(refused).to.contain('ЛОР-врач в отпуске до 15.12');
    await check(op, 'care-04-coordinator-follows');

    // The coordinator cancels the booked visit; the registrar sees it cancelled.
    const row = op.getByRole('row').filter({ hasText: 'ЗМП-E2E-2' });
    await row.getByRole('button', { name: 'Отменить' }).click();
    await row.getByLabel('Причина').fill('Пациент госпитализирован');
    await row.getByRole('button', { name: 'Подтвердить отмену' }).click();
    await rowUntil(reg, 'ЗМП-E2E-2', 'отменена');
    await op.context().close();
    await reg.context().close();
  });
});
