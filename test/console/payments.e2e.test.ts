// The clinic's payment view in Chromium on a real embedded network: the invoice appears as due once the act is sent,
// and each payment order the insurer records moves it, live, to partly paid and then paid (the page follows the
// node's payment.changed events, no reload). A screenshot to look at and axe-core with no serious violation.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt } from './browser.js';
import { checkRussianScreen } from './screen-checks.js';

describe('console: the clinic’s payment view follows the insurer’s payments live (Chromium, real embedded network)', function () {
  this.timeout(180_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s));

  const check = checkRussianScreen;

  it('shows the invoice due, then partly paid, then paid as the payment orders arrive', async () => {
    const insurer = t.client('insurer');
    const id = t.story.invoiceId;
    const sent = await insurer.call('POST', `/v1/expertise-acts/${id}/send`, {});
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    const acc = await loginAt(browser, t.url('clinic'), 'acc');
    await acc.getByRole('navigation').getByRole('link', { name: 'Оплаты' }).click();
    const row = acc.locator('tbody tr').filter({ hasText: t.story.invoiceNumber });
    await row.getByText('к оплате', { exact: true }).waitFor();
    const state = await insurer.call<{ outstanding: number }>('GET', `/v1/payments/${id}`);
    const half = Math.floor(state.body.outstanding / 2);
    const today = new Date().toISOString().slice(0, 10);
    const pay = (n: string, amount: number) =>
      insurer.call('POST', '/v1/payments', {
        invoiceId: id,
        paidAmount: amount,
        paymentOrder: { number: n, date: today },
      });
    expect((await pay('501', half)).status).to.equal(202);
    await row.getByText('оплачен частично', { exact: true }).waitFor();
    expect(await row.innerText()).to.contain('№ 501');
    await check(acc, 'payments-partly-paid');
    expect((await pay('502', state.body.outstanding - half)).status).to.equal(202);
    await row.getByText('оплачен', { exact: true }).waitFor();
    expect(await row.innerText()).to.contain('№ 502');
    await check(acc, 'payments-paid');
    // At the test's 1360 px the table fits its page: no horizontal scroll of the page, nor of the table in its frame.
    const fit = (await acc.evaluate(`(() => {
      const table = document.querySelector('table.grid');
      return {
        page: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        table: table.scrollWidth,
        frame: table.parentElement.clientWidth,
      };
    })()`)) as { page: number; viewport: number; table: number; frame: number };
    expect(fit.page, JSON.stringify(fit)).to.be.at.most(fit.viewport);
    expect(fit.table, JSON.stringify(fit)).to.be.at.most(fit.frame);
    await acc.getByLabel('Состояние оплаты').selectOption('overdue');
    await acc.getByText('Пока ничего нет.').waitFor();
  });
});
