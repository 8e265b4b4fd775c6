// The act between an insurer's expert and a clinic's accountant, end to end in Chromium on a real embedded network:
// the editor says it saved and what it saved, a line switched to «оплатить» loses its defect code, confirming asks
// first with the act's figures; the clinic reads each line beside the patient and the service, disputes single lines
// each with a reason (the act is «оспорен», not «отклонён»); the expert sees the dispute arrive without reloading,
// answers with a corrected act that names the disputed one, and both sides see it live (decision record 0041).
import { expect } from 'chai';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt, OUT } from './browser.js';
import { latinWords } from './latin.js';

const kopecks = (text: string) =>
  Math.round(Number(text.replace(/[\s\u00a0₽]/g, '').replace(',', '.')) * 100);

type Act = {
  state: string;
  actStatus?: string;
  actDocumentId?: string;
  corrects?: string;
  dispute?: { lines: Array<{ invoiceLineId: string; reason: string }> };
  act: {
    actNumber: string;
    totals: { claimed: number; paid: number; withheld: number };
    lines: Array<{ invoiceLineId: string; decision: string; defectCode?: string; reason?: string }>;
  };
};

describe('console: an act confirmed, disputed line by line and corrected (Chromium, real embedded network)', function () {
  this.timeout(180_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s));

  /** A screenshot to look at, and the screen held to Russian (no Latin-script word outside identifiers). */
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
    const text = (await page.evaluate('document.body.innerText')) as string;
    expect(latinWords(text), name).to.deep.equal([]);
  };
  const act = async () =>
    (await t.client('insurer').call<Act>('GET', `/v1/expertise-acts/${t.story.invoiceId}`)).body;

  it('paper: a long explanation prints whole, and the invoice register prints its columns in the paper order', async () => {
    const expert = await loginAt(browser, t.url('insurer'), 'exp');
    await expert.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    await expert.getByRole('link', { name: t.story.invoiceNumber, exact: true }).click();
    await expert.locator('[data-line="3"]').waitFor();
    await expert.getByLabel('Решение, Строка 3').selectOption('WITHHELD');
    const long =
      'Услуга оказана без согласования со страховщиком: гарантийное письмо на консультацию невролога не выдавалось, ' +
      'а медицинская документация, приложенная к реестру, не подтверждает экстренность обращения пациента ' +
      'в день оказания услуги; сумма снята полностью в соответствии с условиями договора.';
    await expert.getByLabel('Пояснение, Строка 3').fill(long);
    await expert.emulateMedia({ media: 'print' });
    const cell = expert.locator('tr[data-line="3"] td:last-child');
    // On paper the field is gone and its text wraps over several lines, every word of it on the page.
    expect(await cell.locator('input').isVisible()).to.equal(false);
    const printed = cell.locator('.print-only');
    expect(await printed.innerText()).to.equal(long);
    const box = await printed.boundingBox();
    const lineHeight = await printed.evaluate((e) => {
      const style = (
        globalThis as unknown as { getComputedStyle(x: unknown): { lineHeight: string; fontSize: string } }
      ).getComputedStyle(e);
      return parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    });
    expect(box!.height).to.be.greaterThan(2 * lineHeight);
    const cellBox = await cell.boundingBox();
    expect(box!.x + box!.width).to.be.at.most(cellBox!.x + cellBox!.width + 1);
    await expert.pdf({
      path: path.join(OUT, 'act-print-long-text.pdf'),
      format: 'A4',
      printBackground: true,
    });
    await shot(expert, 'act-print-long-text');
    await expert.emulateMedia({ media: 'screen' });
    await expert.context().close();

    const clinic = await loginAt(browser, t.url('clinic'), 'acc');
    await clinic.goto(
      `${t.url('clinic').replace('127.0.0.1', 'localhost')}/#/doc/${encodeURIComponent(t.story.invoiceId)}`,
    );
    const register = clinic.getByRole('table', { name: 'Строки' });
    await register.waitFor();
    const heads = (await register.locator('thead th').allInnerTexts()).map((x) => x.trim());
    expect(heads.slice(0, 9)).to.deep.equal([
      '№',
      'ФИО',
      'Полис',
      'Дата услуги',
      'Код услуги',
      'Услуга',
      'Кол-во',
      'Цена',
      'Сумма',
    ]);
    const first = (await register.locator('tbody tr').first().locator('td').allInnerTexts()).map((x) =>
      x.trim(),
    );
    const p = t.story.person;
    expect(first[1]).to.equal([p.lastName, p.firstName, p.middleName].filter(Boolean).join(' '));
    expect(first[2]).to.equal(t.story.policy);
    await clinic.emulateMedia({ media: 'print' });
    await shot(clinic, 'register-print');
    await clinic.emulateMedia({ media: 'screen' });
    await clinic.context().close();
  });

  it('the expert saves (and is told), «оплатить» clears the defect code, confirming asks with the figures; the clinic disputes one line with a reason; the corrected act answers it, live on both sides', async () => {
    const expert = await loginAt(browser, t.url('insurer'), 'exp');
    await expert.getByRole('navigation').getByRole('link', { name: 'Акты экспертизы' }).click();
    await expert.getByRole('link', { name: t.story.invoiceNumber, exact: true }).click();
    await expert.locator('[data-line="2"]').waitFor();

    // Withhold line 2 and save: the console says so, and the gateway holds it.
    await expert.getByLabel('Решение, Строка 2').selectOption('WITHHELD');
    await expert.getByLabel('Код дефекта, Строка 2').fill('3.2.1');
    await expert.getByLabel('Пояснение, Строка 2').fill('Нет записи в медицинской карте');
    await expert.getByRole('button', { name: 'Сохранить изменения' }).click();
    await expert.getByText('Изменения сохранены; акт остаётся черновиком.').waitFor();
    expect((await act()).act.lines.find((l) => l.invoiceLineId === '2')).to.include({
      decision: 'WITHHELD',
      defectCode: '3.2.1',
    });
    // Switched back to «оплатить», the line loses its defect code on screen and at the gateway once saved.
    await expert.getByLabel('Решение, Строка 2').selectOption('PAID');
    expect(await expert.getByLabel('Код дефекта, Строка 2').count()).to.equal(0);
    await expert.getByRole('button', { name: 'Сохранить изменения' }).click();
    await expert.getByText('Изменения сохранены; акт остаётся черновиком.').waitFor();
    const cleared = (await act()).act.lines.find((l) => l.invoiceLineId === '2');
    expect(cleared).to.include({ decision: 'PAID' });
    expect(cleared?.defectCode).to.equal(undefined);
    // Withheld again: the act that goes to the clinic.
    await expert.getByLabel('Решение, Строка 2').selectOption('WITHHELD');
    await expert.getByLabel('Код дефекта, Строка 2').fill('3.2.1');
    await expert.getByLabel('Пояснение, Строка 2').fill('Нет записи в медицинской карте');

    // Confirming asks first, with the line count and the amounts; «Вернуться к акту» sends nothing.
    await expert.getByRole('button', { name: 'Утвердить и отправить в клинику' }).click();
    const ask = expert.locator('[data-confirm]');
    await ask.waitFor();
    const saved = await act();
    expect(saved.state).to.equal('DRAFT');
    const withheldLines = saved.act.lines.filter((l) => l.decision === 'WITHHELD').length;
    expect(await ask.locator('[data-confirm-lines]').innerText()).to.equal(
      `${saved.act.lines.length} (${withheldLines} строк со снятием)`,
    );
    expect(kopecks(await ask.locator('[data-confirm-paid]').innerText())).to.equal(saved.act.totals.paid);
    expect(kopecks(await ask.locator('[data-confirm-withheld]').innerText())).to.equal(
      saved.act.totals.withheld,
    );
    await shot(expert, 'act-01-confirm');
    await expert.getByRole('button', { name: 'Вернуться к акту' }).click();
    expect(await ask.count()).to.equal(0);
    expect((await act()).state).to.equal('DRAFT');
    await expert.getByRole('button', { name: 'Утвердить и отправить в клинику' }).click();
    await expert.getByRole('button', { name: 'Да, утвердить и отправить' }).click();
    await expert.getByText('Акт отправлен в клинику.').waitFor();
    const first = await act();
    expect(first.state).to.equal('SENT');

    // The clinic's accountant: each line beside its patient and service (code and name).
    const clinic = await loginAt(browser, t.url('clinic'), 'acc');
    const actNumber = first.act.actNumber;
    await clinic.getByRole('link', { name: actNumber, exact: true }).first().waitFor({ timeout: 30_000 });
    await clinic.getByRole('link', { name: actNumber, exact: true }).first().click();
    const line2 = clinic.locator('.received-act tr[data-line="2"]');
    await line2.waitFor();
    const p = t.story.person;
    await clinic.locator('.received-act tr[data-line="1"]', { hasText: p.lastName }).waitFor();
    const invoice = await t.client('clinic').call<{
      document: { body: { lines: Array<{ rowId: string; serviceCode: string; serviceName?: string }> } };
    }>('GET', `/v1/documents/${t.story.invoiceId}`);
    const billed = invoice.body.document.body.lines.find((l) => l.rowId === '2');
    expect(billed?.serviceName, 'the register names its services').to.be.a('string');
    const text = await line2.innerText();
    expect(text).to.contain(`${p.lastName} ${p.firstName}`);
    expect(text).to.contain(billed!.serviceCode);
    expect(text).to.contain(billed!.serviceName!);
    expect(text).to.contain('3.2.1');

    // A dispute names lines, and each needs its reason.
    await clinic.getByRole('button', { name: 'Оспорить строки' }).click();
    await clinic.getByRole('button', { name: 'Отправить возражения' }).click();
    await clinic.getByText('Отметьте хотя бы одну строку').waitFor();
    await clinic.getByLabel('Оспорить, Строка 2').check();
    await clinic.getByRole('button', { name: 'Отправить возражения' }).click();
    await clinic.getByText('Укажите причину для каждой отмеченной строки').waitFor();
    expect(await clinic.getByLabel('Причина, Строка 2').getAttribute('aria-invalid')).to.equal('true');
    await shot(clinic, 'act-02-dispute-reason-required');
    expect((await act()).dispute, 'nothing went before the reason').to.equal(undefined);

    // The expert keeps the act open meanwhile: the dispute must arrive there without a reload.
    await expert.locator('h1 [data-act-status]').waitFor();
    await clinic.getByLabel('Причина, Строка 2').fill('Запись в медицинской карте есть, копия приложена');
    await clinic.getByRole('button', { name: 'Отправить возражения' }).click();
    await clinic.getByText('Возражения отправлены страховщику.').waitFor();
    await clinic.locator('h1 .status[data-status="DISPUTED"]', { hasText: 'оспорен' }).waitFor();
    expect(await clinic.locator('h1 .status').innerText()).not.to.contain('отклонён');
    await clinic
      .locator('.received-act tr[data-line="2"] [data-dispute-reason]', {
        hasText: 'Запись в медицинской карте есть, копия приложена',
      })
      .waitFor();
    await shot(clinic, 'act-03-disputed-at-clinic');

    await expert.locator('[data-dispute]').waitFor({ timeout: 30_000 });
    await expert.locator('h1 [data-act-status="DISPUTED"]', { hasText: 'оспорен' }).waitFor();
    await expert
      .locator('tr[data-line="2"].disputed [data-dispute-reason]', {
        hasText: 'Запись в медицинской карте есть, копия приложена',
      })
      .waitFor();
    await shot(expert, 'act-04-dispute-at-insurer');

    // The expert answers with a corrected act: line 2 paid after all.
    await expert.getByRole('button', { name: 'Подготовить исправленный акт' }).click();
    await expert.locator('[data-corrects]').waitFor();
    await expert.getByLabel('Решение, Строка 2').selectOption('PAID');
    await expert.getByRole('button', { name: 'Утвердить и отправить в клинику' }).click();
    await expert.getByText('Исправленный акт заменит оспоренный.').waitFor();
    await expert.getByRole('button', { name: 'Да, утвердить и отправить' }).click();
    await expert.getByText('Акт отправлен в клинику.').waitFor();
    const second = await act();
    expect(second.state).to.equal('SENT');
    expect(second.corrects).to.equal(first.actDocumentId);
    expect(second.actDocumentId).to.not.equal(first.actDocumentId);

    // The clinic, still on the disputed act, is shown the correction as it arrives, and accepts it.
    const link = clinic.locator('[data-correction] a');
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await clinic.locator('[data-corrects]').waitFor();
    await clinic.locator('.received-act tr[data-line="2"]', { hasText: 'оплатить' }).waitFor();
    // The corrected act starts clean: nothing ticked, no word of the earlier dispute's sending.
    expect(await clinic.locator('.received-act tr.disputed').count()).to.equal(0);
    expect(await clinic.getByText('Возражения отправлены страховщику.').count()).to.equal(0);
    await shot(clinic, 'act-05-corrected-at-clinic');
    await clinic.getByRole('button', { name: 'Принять' }).click();
    await clinic.locator('h1 .status[data-status="ACCEPTED"]').waitFor();
    // And the expert's screen says so without a reload.
    await expert.locator('h1 [data-act-status="ACCEPTED"]').waitFor({ timeout: 30_000 });
    await shot(expert, 'act-06-accepted-at-insurer');
    await clinic.context().close();
    await expert.context().close();
  });
});
