// The console at the scale of real files (issue 21, item 9): a 50,000-line expertise act froze the insurer's tab for
// about two minutes and then showed 50,000 editable rows with no filter. Here the expert opens that act in Debian's
// Chromium, finds lines by defect, code and patient, edits one and saves it; the page holds only the rows in view.
// The clinic's accountant meets the same register on the upload screen: the check shows its steps with the buttons
// disabled, and the preview holds every row. Screenshots in test-output/console/.
import { expect } from 'chai';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import iconv from 'iconv-lite';
import { type Browser, type Page } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt, OUT } from './browser.js';
import { sendBigInvoice, type BigInvoice } from './big-invoice.js';

const LINES = 50_000;

interface ActLine {
  invoiceLineId: string;
  decision: string;
  paidAmount: number;
  claimedAmount: number;
  defectCode?: string;
  reason?: string;
}

describe('web console: a 50,000-line expertise act (Chromium)', function () {
  this.timeout(600_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  let big: BigInvoice;
  useConsoleNetwork(
    (s) => ({ network: t, browser } = s),
    {},
    async () => {
      big = await sendBigInvoice(t, LINES, 'E2E-50K', (m) => console.log(`      ${m}`));
    },
  );

  const rowsInPage = (page: Page) => page.locator('[data-table="act-lines"] tbody tr[data-line]').count();
  const plain = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ');
  const range = async (page: Page) =>
    plain(await page.locator('[data-table="act-lines"] [data-range]').innerText());
  /** Waits until the words above the table say `text`; on a timeout, says what they said instead. */
  async function rangeSays(page: Page, text: string): Promise<void> {
    const until = Date.now() + 30_000;
    let last = '';
    while (!(last = await range(page)).includes(plain(text))) {
      if (Date.now() > until) throw new Error(`the table says «${last}», not «${text}»`);
      await page.waitForTimeout(100);
    }
  }
  const act = async () =>
    (
      await t
        .client('insurer')
        .call<{ act: { lines: ActLine[]; totals: Record<string, number> } }>(
          'GET',
          `/v1/expertise-acts/${encodeURIComponent(big.invoiceId)}`,
        )
    ).body.act;

  it('opens at once with the rows in view only, filters by defect, code and patient, and saves one edited line', async () => {
    const before = await act();
    expect(before.lines).to.have.length(LINES);
    const withheld = before.lines.filter((l) => l.decision === 'WITHHELD').length;
    const overpriced = before.lines.filter((l) => l.defectCode === '1.3.2');
    // The register was made to give both kinds of line.
    expect(withheld).to.be.within(1, LINES - 1);
    expect(overpriced.length).to.be.greaterThan(0);

    const page = await loginAt(browser, t.url('insurer'), 'exp');
    const t0 = performance.now();
    await page.goto(new URL(`/#/acts/${encodeURIComponent(big.invoiceId)}`, page.url()).toString());
    await page.locator('[data-line="1"]').waitFor({ timeout: 120_000 });
    const opened = performance.now() - t0;
    console.log(`      the act opened in ${Math.round(opened)} ms`);
    // Only a window of rows is in the page, and it says which of how many.
    expect(await rowsInPage(page)).to.be.within(5, 120);
    expect(await range(page)).to.match(/^Строки 1–\d+ из 50 000/);
    // The invoice's patients fill the lines once its lines arrive; the progress line goes away.
    await page.locator('[data-line="1"] td').first().filter({ hasText: big.firstPatient }).waitFor();
    await page.locator('.progress').waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(OUT, 'scale-01-act-opened.png') });

    // The last line is reached by scrolling the table, and still only a window of rows is in the page.
    await page
      .locator('[data-table="act-lines"] .vtable-scroll')
      .evaluate((e) => (e.scrollTop = e.scrollHeight));
    await page.locator(`[data-line="${LINES}"]`).waitFor();
    expect(await rowsInPage(page)).to.be.within(5, 120);
    await page.locator('[data-table="act-lines"] .vtable-scroll').evaluate((e) => (e.scrollTop = 0));
    await page.locator('[data-line="1"]').waitFor();

    // Defects only: every row in view is withheld, and the count is the act's.
    await page.getByLabel('Только с дефектами').check();
    await rangeSays(page, `из ${withheld.toLocaleString('ru-RU')} (отобрано из 50\u00a0000)`);
    const classes = await page
      .locator('[data-table="act-lines"] tbody tr[data-line]')
      .evaluateAll((trs) => trs.map((tr) => tr.className));
    expect(classes.length).to.be.greaterThan(0);
    expect(classes.every((c) => c.includes('withheld'))).to.equal(true);

    // By defect code: the lines billed above the price list.
    await page.locator('select[name="defect-code"]').selectOption('1.3.2');
    await rangeSays(page, `из ${overpriced.length.toLocaleString('ru-RU')} (отобрано`);
    // And by patient: the roster's first person among them.
    await page.getByLabel('Пациент или полис').fill(big.firstPatient);
    const mine = overpriced.filter((l) => (Number(l.invoiceLineId) - 1) % t.story.rosterSize === 0);
    await rangeSays(page, `из ${mine.length.toLocaleString('ru-RU')} (отобрано`);
    const names = await page
      .locator('[data-table="act-lines"] tbody tr[data-line] td:nth-of-type(1)')
      .allInnerTexts();
    expect(names.length).to.be.greaterThan(0);
    expect(names.every((n) => n === big.firstPatient)).to.equal(true);
    await page.screenshot({ path: path.join(OUT, 'scale-02-act-filtered.png') });

    // An edit of the first line found: part of the withheld sum is paid after all, with the expert's words.
    const target = mine[0] as ActLine;
    const id = target.invoiceLineId;
    const paid = target.paidAmount + 5_000;
    await page
      .getByLabel(`К оплате, Строка ${id}`)
      .fill(((paid / 100).toFixed(2) as string).replace('.', ','));
    await page.getByLabel(`Пояснение, Строка ${id}`).fill('Цена по прейскуранту, частичная оплата');
    const totalPaid = await page.locator('[data-total="paid"]').innerText();
    const money = (s: string) => Number(s.replace(/[^\d,]/g, '').replace(',', '.'));
    expect(Math.round(money(totalPaid) * 100)).to.equal(before.totals.paid! + 5_000);
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Изменения сохранены').waitFor();
    await page.screenshot({ path: path.join(OUT, 'scale-03-act-saved.png') });

    const after = await act();
    const changed = after.lines.filter(
      (l, i) => JSON.stringify(l) !== JSON.stringify(before.lines[i] as ActLine),
    );
    expect(changed.map((l) => l.invoiceLineId)).to.deep.equal([id]);
    expect(changed[0]).to.include({
      decision: 'WITHHELD',
      paidAmount: paid,
      defectCode: '1.3.2',
      reason: 'Цена по прейскуранту, частичная оплата',
    });
    expect(after.totals.paid).to.equal(before.totals.paid! + 5_000);
    await page.context().close();
  });

  it('checks a 50,000-row register file with its steps shown and the buttons disabled, and previews every row', async () => {
    const p = t.story.person;
    const ru = (iso: string) => iso.split('-').reverse().join('.');
    const [y, m] = t.story.serviceDate.split('-').map(Number) as [number, number];
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const first = Number(t.story.serviceDate.slice(8, 10));
    const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    const name = [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');
    const rows = Array.from({ length: LINES }, (_, i) => {
      const day = String(first + (i % (days - first + 1))).padStart(2, '0');
      return `${i + 1};${name};${t.story.policy};;${day}.${String(m).padStart(2, '0')}.${y};К-001;Прием терапевта;1;2200,00;2200,00`;
    });
    const csv = [
      `Реестр оказанных медицинских услуг к счету № 50000 от ${ru(next)} за ${String(m).padStart(2, '0')}.${y};;;;;;;;;`,
      'Плательщик: АО «СК «Северная»;;;;;;;;;',
      '№;ФИО пациента;№ полиса;№ гарантийного письма;Дата оказания;Код услуги;Наименование;Кол-во;Цена;Сумма',
      ...rows,
      `Итого;;;;;;;;;${((LINES * 220000) / 100).toFixed(2).replace('.', ',')}`,
    ].join('\r\n');
    const page = await loginAt(browser, t.url('clinic'), 'acc');
    await page.getByRole('navigation').getByRole('link', { name: 'Загрузка файла' }).click();
    await page.getByLabel('Сопоставление').selectOption('clinic-invoice-register.csv');
    await page.getByLabel('Файл', { exact: true }).setInputFiles({
      name: 'register-50000.csv',
      mimeType: 'text/csv',
      buffer: iconv.encode(csv, 'win1251'),
    });
    const button = page.locator('form').getByRole('button', { name: 'Проверить файл' });
    await button.click();
    // While the node checks, the page says which step it is on and the button cannot be pressed again.
    const progress = page.locator('.progress[data-step]');
    await progress.waitFor();
    expect(await button.isDisabled()).to.equal(true);
    const steps = new Set<string>();
    while (await progress.count()) {
      const step = (await progress.getAttribute('data-step').catch(() => null)) ?? '';
      if (step === 'stepCheck' && !steps.has(step)) {
        expect(await button.isDisabled()).to.equal(true);
        await page.screenshot({ path: path.join(OUT, 'scale-04-register-checking.png') });
      }
      steps.add(step);
      await page.waitForTimeout(100);
    }
    expect([...steps]).to.include('stepCheck');
    await page.locator('[data-summary]').waitFor({ timeout: 300_000 });
    expect(await button.isDisabled()).to.equal(false);
    expect(plain(await page.locator('[data-summary] [data-rows]').innerText())).to.equal('50000');
    // Every row is in the preview, a window of them in the page, and the line above says so.
    const preview = page.locator('[data-table="register-rows"]');
    expect(plain(await preview.locator('[data-range]').innerText())).to.match(
      /^Строки 1–\d+ из 50 000; прокрутите/,
    );
    expect(await preview.locator('tbody tr[data-row]').count()).to.be.within(5, 120);
    await page.screenshot({ path: path.join(OUT, 'scale-05-register-preview.png') });
    await preview.locator('.vtable-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await preview.locator(`tr[data-row="${LINES - 1}"]`).waitFor();
    expect(
      await preview
        .locator(`tr[data-row="${LINES - 1}"] td`)
        .first()
        .innerText(),
    ).to.equal(String(LINES + 3));
    await page.context().close();
  });
});
