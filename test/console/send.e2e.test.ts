// The send path of the web console end to end, as a clinic's accountant met it (issue 21): the upload screen once
// preselected the first insurer and sent a register to it in one click, with no summary, as invoice «345» whatever
// the file said, and a document sent to the wrong insurer could not be taken back nor sent again. Debian's Chromium
// (headless, playwright-core) against a real embedded network with two insurers; screenshots in test-output/console/.
import { expect } from 'chai';
import path from 'node:path';
import axe from 'axe-core';
import iconv from 'iconv-lite';
import { type Browser, type Page } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt, OUT } from './browser.js';

const MONTHS = [
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
];

describe('web console: sending a file, and taking back one sent to the wrong insurer (Chromium)', function () {
  this.timeout(180_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  // A second insurer: a register can go to the wrong one.
  useConsoleNetwork((s) => ({ network: t, browser } = s), {
    participants: [
      { key: 'south', role: 'insurer', name: 'АО «Страховая компания «Южная»', mspId: 'SouthMSP' },
    ],
    people: { op2: ['south', 'operator', 'Белова Светлана Игоревна'] },
  });

  const login = (gateway: string, username: string): Promise<Page> =>
    loginAt(browser, t.url(gateway), username);

  /** A screenshot to look at, and no serious or critical accessibility violation on the screen. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
    await page.evaluate(axe.source);
    const violations = (await page.evaluate(async () => {
      const w = globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } };
      return (await w.axe.run()).violations;
    })) as Array<{ id: string; impact?: string; help: string }>;
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help}`),
      name,
    ).to.deep.equal([]);
  }

  const ru = (iso: string) => iso.split('-').reverse().join('.');

  /** A register of one service to the story's patient, as a clinic's system writes it (Windows-1251, title lines). */
  function register(
    title: string[],
    invoiceNumber: string,
  ): { bytes: Buffer; invoiceDate: string; month: string } {
    const p = t.story.person;
    const [y, m] = t.story.serviceDate.split('-').map(Number) as [number, number];
    const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    const month = `${MONTHS[m - 1]} ${y}`;
    const csv = [
      `Реестр оказанных медицинских услуг к счету № ${invoiceNumber} от ${ru(next)} за ${month};;;;;;;;;`,
      ...title,
      '№;ФИО пациента;№ полиса;№ гарантийного письма;Дата оказания;Код услуги;Наименование;Кол-во;Цена;Сумма',
      `1;${[p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ')};${t.story.policy};;${ru(t.story.serviceDate)};К-001;Прием терапевта;1;2200,00;2200,00`,
      'Итого;;;;;;;;;2200,00',
    ].join('\r\n');
    return { bytes: iconv.encode(csv, 'win1251'), invoiceDate: next, month };
  }

  async function upload(page: Page, name: string, bytes: Buffer): Promise<void> {
    await page.getByRole('navigation').getByRole('link', { name: 'Загрузка файла' }).click();
    await page.getByLabel('Сопоставление').selectOption('clinic-invoice-register.csv');
    await page
      .getByLabel('Файл', { exact: true })
      .setInputFiles({ name, mimeType: 'text/csv', buffer: bytes });
  }

  it('takes the addressee and the invoice number, date and month from the file and shows a summary before the signed send', async () => {
    const north = t.net.get('insurer');
    const file = register(['Плательщик: АО «СК «Северная»;;;;;;;;;'], '512');
    const page = await login('clinic', 'acc');
    await upload(page, 'register-512.csv', file.bytes);
    // Nothing is preselected: not the first insurer of the directory.
    expect(await page.getByLabel('Получатель').inputValue()).to.equal('');
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    const summary = page.locator('[data-summary]');
    await summary.waitFor();
    // The insurer the file names, chosen in the form too.
    expect(await page.getByLabel('Получатель').inputValue()).to.equal(north.id);
    expect(await summary.locator('[data-addressee]').innerText())
      .to.contain('АО «СК «Северная»')
      .and.contain('указан в файле');
    expect(await summary.locator('[data-number]').innerText()).to.equal(
      `Счёт с реестром № 512 от ${ru(file.invoiceDate)}`,
    );
    expect(await summary.locator('[data-rows]').innerText()).to.equal('1');
    expect(await summary.locator('[data-total]').innerText()).to.equal('2\u00a0200,00\u00a0₽');
    // The header fields and where each came from: the month from the title, the contract from the insured list.
    expect(await page.locator('[data-field="billingPeriod"]').getAttribute('data-source')).to.equal('file');
    expect(await page.locator('[data-field="contract/number"]').getAttribute('data-source')).to.equal(
      'local',
    );
    await check(page, 'send-01-summary');
    const sent = page.waitForResponse(
      (r) => r.url().endsWith('/v1/documents') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Подписать и отправить' }).click();
    const record = (await (await sent).json()) as { messageId: string; addressee: string };
    expect(record.addressee).to.equal(north.id);
    await page.getByText('Отправлено.').waitFor();
    const got = await t
      .client('insurer')
      .waitFor<{ document: { body: Record<string, unknown> } }>(
        `/v1/documents/${encodeURIComponent(record.messageId)}`,
        (s) => s === 200,
      );
    expect(got.document.body).to.deep.include({ invoiceNumber: '512', invoiceDate: file.invoiceDate });
    await page.context().close();
  });

  it('a register sent to the wrong insurer is withdrawn with a reason, the insurer sees it and cannot decide it, and the file goes again to the right one', async () => {
    const south = t.net.get('south');
    const north = t.net.get('insurer');
    // This file does not name its payer: the accountant chooses, and chooses wrong.
    const file = register([], '513');
    const page = await login('clinic', 'acc');
    await upload(page, 'register-513.csv', file.bytes);
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    // No addressee in the file and none chosen: said at the field, nothing sent.
    await page.getByRole('alert').waitFor();
    // People read the registry's Russian; the code stays in the alert's data-code for support.
    expect(await page.getByRole('alert').getAttribute('data-code')).to.equal('ADDRESSEE_REQUIRED');
    expect(await page.getByRole('alert').innerText()).to.contain('не указан получатель');
    await page.getByLabel('Получатель').selectOption(south.id);
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    // Southern has no insured list of this patient, so no contract to take: the accountant types it.
    const header = page.locator('fieldset.header-fields');
    await header.waitFor();
    expect(await page.locator('[data-field="contract/number"]').getAttribute('data-source')).to.equal(
      'missing',
    );
    await header.getByLabel('Номер договора').fill('7-ДМС/2026');
    await header.getByLabel('Дата договора').fill('01.11.2026');
    await header.getByRole('button', { name: 'Проверить файл' }).click();
    const summary = page.locator('[data-summary]');
    await summary.waitFor();
    expect(await summary.locator('[data-addressee]').innerText())
      .to.contain('Южная')
      .and.not.contain('указан в файле');
    const sent = page.waitForResponse(
      (r) => r.url().endsWith('/v1/documents') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Подписать и отправить' }).click();
    const wrong = (await (await sent).json()) as { messageId: string };
    await page.getByText('Отправлено.').waitFor();
    await t.client('south').waitFor(`/v1/documents/${encodeURIComponent(wrong.messageId)}`, (s) => s === 200);

    // The accountant opens it and withdraws it, confirming with a reason.
    await page.goto(page.url().replace(/#.*$/, '') + `#/doc/${encodeURIComponent(wrong.messageId)}`);
    await page.getByRole('button', { name: 'Отозвать документ' }).click();
    const confirm = page.getByRole('button', { name: 'Подтвердить отзыв' });
    expect(await confirm.isDisabled(), 'no withdrawal without a reason').to.equal(true);
    await page.getByLabel('Причина отзыва').fill('Отправлен не тому страховщику');
    await check(page, 'send-02-withdraw-confirm');
    await confirm.click();
    await page.getByText('Документ отозван.').waitFor();
    await page.locator('h1 [data-status="WITHDRAWN"]').waitFor();
    expect(await page.locator('ol.trail').innerText())
      .to.contain('отозван')
      .and.contain('Отправлен не тому страховщику');
    await check(page, 'send-03-withdrawn-sender');

    // The wrong insurer's gateway marks it, shows why, and refuses to decide it.
    await t
      .client('south')
      .waitFor<{ status: string }>(
        `/v1/documents/${encodeURIComponent(wrong.messageId)}`,
        (s, b) => s === 200 && b.status === 'WITHDRAWN',
      );
    const op = await login('south', 'op2');
    await op.goto(op.url().replace(/#.*$/, '') + `#/doc/${encodeURIComponent(wrong.messageId)}`);
    await op.locator('[data-withdrawal]').waitFor();
    expect(await op.locator('[data-withdrawal]').innerText())
      .to.contain('Отправитель отозвал документ')
      .and.contain('Отправлен не тому страховщику');
    expect(await op.getByRole('button', { name: 'Принять' }).count()).to.equal(0);
    expect(await op.locator('ol.trail').innerText()).to.contain('Отправлен не тому страховщику');
    await check(op, 'send-04-withdrawn-addressee');
    const accept = await t
      .client('south')
      .call<{ code: string }>('POST', `/v1/inbox/${encodeURIComponent(wrong.messageId)}/accept`, {});
    expect(accept.status).to.equal(409);
    expect(accept.body.code).to.equal('MESSAGE_WITHDRAWN');
    // The insurer's expert cannot send an expertise act for it either.
    const act = await t
      .client('south')
      .call<{ code: string }>('POST', `/v1/expertise-acts/${encodeURIComponent(wrong.messageId)}/send`, {});
    expect(act.status).to.equal(409);
    expect(act.body.code).to.equal('MESSAGE_WITHDRAWN');
    await op.context().close();

    // The same file again, to the right insurer: a new document, not MESSAGE_ID_CONFLICT.
    await upload(page, 'register-513.csv', file.bytes);
    await page.getByLabel('Получатель').selectOption(north.id);
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    await page.locator('[data-summary]').waitFor();
    const again = page.waitForResponse(
      (r) => r.url().endsWith('/v1/documents') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Подписать и отправить' }).click();
    const right = await again;
    expect(right.status()).to.equal(202);
    const rec = (await right.json()) as { messageId: string; addressee: string };
    expect(rec.addressee).to.equal(north.id);
    expect(rec.messageId).to.not.equal(wrong.messageId);
    await page.getByText('Отправлено.').waitFor();
    await page.context().close();
  });
});
