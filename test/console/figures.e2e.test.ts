// «Показатели» in Chromium on a real embedded network: after the expert's act and the insurer's two payment orders,
// the clinic's manager and the insurer's manager each see their own figures drawn (uPlot canvases) with the tables
// beside them, a period filter, and an XLSX link per table. Screenshots to look at, the Russian-screen check and
// axe-core with no serious violation.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt } from './browser.js';
import { checkRussianScreen } from './screen-checks.js';

describe('console: the dashboards of a clinic and of an insurer (Chromium, real embedded network)', function () {
  this.timeout(180_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  let month: string;
  useConsoleNetwork(
    (s) => ({ network: t, browser } = s),
    {
      people: {
        boss: ['clinic', 'manager', 'Лебедева Ольга Сергеевна'],
        chief: ['insurer', 'manager', 'Волков Андрей Петрович'],
      },
    },
    async ({ network }) => {
      // The story's invoice gets its act and is paid by two orders, as in the payments screen's test.
      const insurer = network.client('insurer');
      const id = network.story.invoiceId;
      const sent = await insurer.call('POST', `/v1/expertise-acts/${id}/send`, {});
      expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
      const state = await insurer.call<{ outstanding: number; invoiceDate: string }>(
        'GET',
        `/v1/payments/${id}`,
      );
      month = state.body.invoiceDate.slice(0, 7);
      const today = new Date().toISOString().slice(0, 10);
      const half = Math.floor(state.body.outstanding / 2);
      for (const [n, amount] of [
        ['701', half],
        ['702', state.body.outstanding - half],
      ] as const) {
        const r = await insurer.call('POST', '/v1/payments', {
          invoiceId: id,
          paidAmount: amount,
          paymentOrder: { number: n, date: today },
        });
        expect(r.status, JSON.stringify(r.body)).to.equal(202);
      }
      await network
        .client('clinic')
        .waitFor<{ state: string }>(`/v1/payments/${id}`, (s, b) => s === 200 && b.state === 'paid');
    },
  );

  const check = checkRussianScreen;

  /** Opens «Показатели», sets the period to the invoice's month and waits until every chart is drawn. */
  async function open(username: string, gateway: string): Promise<Page> {
    const page = await loginAt(browser, t.url(gateway), username);
    await page.getByRole('navigation').getByRole('link', { name: 'Показатели' }).click();
    await page.getByRole('heading', { name: 'Показатели', level: 1 }).waitFor();
    await page.getByLabel('С месяца').selectOption(month);
    await page.getByLabel('По месяц').selectOption(month);
    await page.locator('.figure-list').waitFor();
    const charts = Number(await page.locator('.figure-list').getAttribute('data-charts'));
    await page.waitForFunction(
      (n) =>
        (
          globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
        ).document.querySelectorAll('.chart[data-drawn] canvas').length >= n,
      charts - (await page.getByText('За этот период данных нет.').count()),
    );
    return page;
  }

  const rowOf = async (page: Page, section: string, first: string) =>
    (
      await page
        .getByRole('region', { name: section })
        .locator('tbody tr')
        .filter({ hasText: first })
        .first()
        .innerText()
    ).replace(/\s+/g, ' ');

  it('shows the clinic’s manager billed, withheld and paid by insurer, defects and days to payment', async () => {
    const page = await open('boss', 'clinic');
    const byParty = await rowOf(page, 'Выставлено, снято и оплачено по контрагентам', 'Северная');
    expect(byParty).to.contain('6 570,00 ₽').and.contain('150,00 ₽').and.contain('6 420,00 ₽');
    expect(await rowOf(page, 'Коды дефектов: сколько строк снято и на какую сумму', '1.3.2')).to.match(
      /1\.3\.2 1 150,00 ₽/,
    );
    expect(await page.getByRole('region', { name: /От отправки до принятия/ }).count()).to.equal(0);
    const link = page.getByRole('link', { name: 'Скачать таблицу (XLSX)' }).first();
    expect(await link.getAttribute('href')).to.equal(`/v1/figures/by-month/xlsx?from=${month}&to=${month}`);
    const xlsx = await page.evaluate(
      `fetch(${JSON.stringify(`/v1/figures/by-month/xlsx?from=${month}&to=${month}`)}).then((r) => [r.status, r.headers.get('content-type')])`,
    );
    expect(xlsx).to.deep.equal([200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    await check(page, 'figures-clinic');
  });

  it('shows the insurer’s manager the same by clinic, and how fast its lists were accepted', async () => {
    const page = await open('chief', 'insurer');
    const byParty = await rowOf(page, 'Выставлено, снято и оплачено по контрагентам', 'Здоровье');
    expect(byParty).to.contain('6 570,00 ₽').and.contain('6 420,00 ₽');
    const turnaround = page.getByRole('region', { name: /От отправки до принятия/ });
    expect(await turnaround.count()).to.equal(1);
    await check(page, 'figures-insurer');
    // A registrar has no figures: the menu hides them and the gateway refuses them.
    const reg = await loginAt(browser, t.url('clinic'), 'reg');
    expect(await reg.getByRole('navigation').getByRole('link', { name: 'Показатели' }).count()).to.equal(0);
    const refused = await reg.evaluate(`fetch('/v1/figures').then((r) => r.status)`);
    expect(refused).to.equal(403);
  });
});
