// Delegations in the console (decision record 0055), end to end in Chromium against a real embedded network: the
// insurer's admin delegates to an assistance company on its «Поручения» screen, the assistance company sends a
// guarantee letter on the insurer's behalf, the clinic reads «АО «Ассистанс» по поручению АО «СК …»» in its inbox
// and in the document, the insurer sees what was done in its name, revokes with a reason and reads the trail; a
// screenshot of each screen, axe-core with no serious violation, and no Latin-script word on the new screen.
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { generateDocument } from '@dmsnet/formats';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt } from './browser.js';
import { checkScreen, latinOn } from './screen-checks.js';

const AGENT = 'АО «Ассистанс»';
const INSURER = 'АО «СК «Северная»';

describe('console: an insurer’s delegations to an assistance company (Chromium, real embedded network)', function () {
  this.timeout(240_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s), {
    participants: [
      { key: 'assistance', role: 'assistance', name: AGENT, mspId: 'InsurerMSP', viaAttribute: true },
    ],
    people: {
      insadm: ['insurer', 'admin', 'Волков Сергей Андреевич'],
    },
  });

  const login = (gateway: string, username: string): Promise<Page> =>
    loginAt(browser, t.url(gateway), username, { viewport: { width: 1360, height: 900 } });

  const check = checkScreen;

  /** Refreshes until a row with `text` shows what is expected. */
  async function rowUntil(page: Page, scope: string, text: string, expected: string): Promise<string> {
    const end = Date.now() + 30_000;
    for (;;) {
      const row = page.locator(`${scope} tbody tr`).filter({ hasText: text });
      const inner = (await row.count()) ? await row.first().innerText() : '';
      if (inner.includes(expected)) return inner;
      if (Date.now() > end) throw new Error(`row ${text} never showed ${expected}: ${inner}`);
      await page.waitForTimeout(400);
      await page.reload();
      await page.getByRole('heading', { level: 1 }).waitFor();
    }
  }

  let letterId = '';

  it('the insurer’s admin delegates on «Поручения»; its operator sees the list but may not delegate', async () => {
    const adm = await login('insurer', 'insadm');
    await adm.getByRole('navigation').getByRole('link', { name: 'Поручения' }).click();
    await adm.getByRole('heading', { name: 'Поручения ассистирующим компаниям' }).waitFor();
    await adm.getByText('Поручений нет.').waitFor();
    await adm.getByText('Новое поручение').click();
    expect(await adm.getByLabel('Ассистирующая компания').locator('option:checked').innerText()).to.equal(
      AGENT,
    );
    await adm.getByLabel('Действует с').fill('01.01.2026');
    const sends = adm.getByRole('group', {
      name: 'Документы, которые компания направляет клиникам от нашего имени',
    });
    await sends.getByLabel('Гарантийное письмо').check();
    await sends.getByLabel('Заявка на приём').check();
    await adm
      .getByRole('group', { name: 'Документы клиник, которые компания получает за нас' })
      .getByLabel('Счёт с реестром')
      .check();
    // A number in Cyrillic, or no document type, is said at its field before anything is sent; the form keeps what
    // was typed.
    await adm.getByLabel('№ поручения').fill('ПОР-1');
    await adm.getByRole('button', { name: 'Выдать поручение' }).click();
    await adm.locator('#dlg-id-error').waitFor();
    expect(await adm.locator('#dlg-id-error').innerText()).to.contain('Латинские буквы, цифры');
    expect(await adm.getByLabel('№ поручения').getAttribute('aria-invalid')).to.equal('true');
    expect(await latinOn(adm), 'the refused form').to.deep.equal([]);
    await check(adm, 'delegations-00-field-refused');
    expect(await sends.getByLabel('Гарантийное письмо').isChecked()).to.equal(true);
    await adm.getByLabel('№ поручения').fill('DLG-2026-1');
    expect(await latinOn(adm), 'the new-delegation form').to.deep.equal([]);
    await check(adm, 'delegations-01-new');
    await adm.getByRole('button', { name: 'Выдать поручение' }).click();
    await adm.getByRole('status').filter({ hasText: 'Поручение записано в реестр сети.' }).waitFor();
    const row = await rowUntil(adm, '', 'DLG-2026-1', 'действует');
    expect(row).to.contain(AGENT).and.contain('Гарантийное письмо').and.contain('Счёт с реестром');
    expect(row).to.contain('01.01.2026 — до отзыва').and.contain('все программы и полисы');
    // What the ledger holds is what the screen said.
    const ledger = await t
      .client('insurer')
      .call<{ items: Array<Record<string, unknown>> }>('GET', '/v1/delegations?inForce=true');
    expect(ledger.body.items).to.have.length(1);
    expect(ledger.body.items[0]).to.deep.include({
      id: 'DLG-2026-1',
      agent: t.net.get('assistance').id,
      validFrom: '2026-01-01',
    });
    await adm.context().close();

    // The operator reads delegations; giving and revoking them is the admin's (the access table).
    const op = await login('insurer', 'op');
    await op.getByRole('navigation').getByRole('link', { name: 'Поручения' }).click();
    await rowUntil(op, '', 'DLG-2026-1', 'действует');
    expect(await op.getByText('Новое поручение').count()).to.equal(0);
    expect(await op.getByRole('button', { name: 'Отозвать' }).count()).to.equal(0);
    await op.context().close();
  });

  it('the assistance company sends a guarantee letter on the insurer’s behalf; the clinic reads for whom it came, and whom its invoice went to', async () => {
    const assistance = t.net.get('assistance');
    const clinic = t.net.get('clinic');
    const letter = structuredClone(
      generateDocument('guarantee-letter', { seed: 771, sender: assistance.party, addressee: clinic.party }),
    );
    letter.header = { ...letter.header, documentId: 'GL-DLG-E2E-1', onBehalfOf: t.net.get('insurer').id };
    const sent = await t.client('assistance').call<{ messageId: string }>('POST', '/v1/documents', letter);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    letterId = sent.body.messageId;
    await t.client('clinic').waitFor(`/v1/documents/${letterId}`, (s) => s === 200);

    const acc = await login('clinic', 'acc');
    const row = acc.locator('tbody tr', {
      has: acc.locator(`a[href="#/doc/${encodeURIComponent(letterId)}"]`),
    });
    await row.waitFor();
    expect(await row.locator('[data-party]').innerText()).to.equal(`${AGENT} по поручению ${INSURER}`);
    await check(acc, 'delegations-02-clinic-inbox');
    await row.getByRole('link').click();
    const note = acc.locator('[data-on-behalf]');
    await note.waitFor();
    expect(await note.innerText()).to.equal(`Отправитель: ${AGENT} по поручению ${INSURER}`);
    // The header's field names the insurer from the directory too, never its bare ОГРН.
    const field = acc
      .locator('dl.fields div')
      .filter({ has: acc.locator('dt', { hasText: 'По поручению' }) });
    expect(await field.locator('dd').innerText()).to.equal(INSURER);
    await check(acc, 'delegations-03-clinic-document');

    // The clinic bills the insurer; the invoice goes to the assistance company that receives invoices for it, and
    // the clinic's outbox says so.
    const invoice = structuredClone(
      generateDocument('invoice', { seed: 773, sender: clinic.party, addressee: t.net.get('insurer').party }),
    );
    invoice.header = { ...invoice.header, documentId: 'INV-DLG-E2E-1' };
    const billed = await t
      .client('clinic')
      .call<{ messageId: string; addressee: string }>('POST', '/v1/documents', invoice);
    expect(billed.status, JSON.stringify(billed.body)).to.equal(202);
    expect(billed.body.addressee).to.equal(assistance.id);
    await acc.getByRole('navigation').getByRole('link', { name: 'Исходящие' }).click();
    const out = acc.locator('tbody tr', {
      has: acc.locator(`a[href="#/doc/${encodeURIComponent(billed.body.messageId)}"]`),
    });
    await out.waitFor();
    expect(await out.locator('[data-party]').innerText()).to.equal(`${AGENT} по поручению ${INSURER}`);
    await acc.context().close();
  });

  it('the insurer sees what was done in its name, revokes with a reason and reads the trail; the next send is refused', async () => {
    const adm = await login('insurer', 'insadm');
    await adm.getByRole('navigation').getByRole('link', { name: 'Поручения' }).click();
    const done = await rowUntil(adm, 'section[aria-labelledby="dlg-behalf"]', 'Гарантийное письмо', AGENT);
    expect(done).to.contain('ООО «Клиника Здоровье»');
    const row = adm.locator('tr[data-delegation="DLG-2026-1"]');
    await row.getByRole('button', { name: 'Отозвать' }).click();
    await row.getByLabel('Причина отзыва').fill('Договор с ассистансом расторгнут');
    await row.getByRole('button', { name: 'Подтвердить отзыв' }).click();
    await adm.getByRole('status').filter({ hasText: 'Поручение отозвано.' }).waitFor();
    const revoked = await rowUntil(adm, '', 'DLG-2026-1', 'отозвано');
    expect(revoked).to.contain('Договор с ассистансом расторгнут');
    await adm.locator('tr[data-delegation="DLG-2026-1"]').getByRole('button', { name: 'История' }).click();
    const trail = adm.locator('tr.trail li');
    await trail.nth(1).waitFor();
    const steps = await trail.allInnerTexts();
    expect(steps).to.have.length(2);
    expect(steps[0]).to.contain('записано в реестр').and.contain(AGENT);
    expect(steps[1]).to.contain('отозвано: «Договор с ассистансом расторгнут»');
    await adm.getByLabel('Показать').selectOption('inForce');
    await adm.getByText('Поручений нет.').waitFor();
    await adm.getByLabel('Показать').selectOption('revoked');
    await adm.locator('tr[data-delegation="DLG-2026-1"]').waitFor();
    expect(await latinOn(adm), 'the delegations screen').to.deep.equal([]);
    await check(adm, 'delegations-04-insurer-revoked');
    await adm.context().close();

    // Revoked is ended: the assistance company may no longer act for the insurer.
    const again = structuredClone(
      generateDocument('guarantee-letter', {
        seed: 772,
        sender: t.net.get('assistance').party,
        addressee: t.net.get('clinic').party,
      }),
    );
    again.header = { ...again.header, documentId: 'GL-DLG-E2E-2', onBehalfOf: t.net.get('insurer').id };
    const refused = await t.client('assistance').call<{ code: string }>('POST', '/v1/documents', again);
    expect([refused.status, refused.body.code]).to.deep.equal([422, 'DELEGATION_NOT_IN_FORCE']);
  });
});
