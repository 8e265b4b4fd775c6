// The assistance company's coordinator in the console (issue 24, decision record 0055), end to end in Chromium against
// a real embedded network: it reads the delegations it holds (from which insurer, which documents, from and until
// when, in force or ended), sends a care request on an insurer's behalf from the form, and follows it with the insurer
// named; the clinic's registrar reads «АО «Ассистанс» по поручению АО «СК …»» in its queue and in the document; the
// insurer sees the request among what was done in its name. A screenshot of each screen, axe-core with no serious
// violation, and no Latin-script word on the assistance company's screens.
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt } from './browser.js';
import { checkScreen, latinOn } from './screen-checks.js';

const AGENT = 'АО «Ассистанс»';
const INSURER = 'АО «СК «Северная»';
const NUMBER = 'ЗА-E2E-1';

describe('console: an assistance company’s coordinator acting for an insurer (Chromium, real embedded network)', function () {
  this.timeout(240_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork(
    (s) => ({ network: t, browser } = s),
    {
      participants: [
        { key: 'assistance', role: 'assistance', name: AGENT, mspId: 'InsurerMSP', viaAttribute: true },
      ],
      people: {
        asop: ['assistance', 'operator', 'Лебедева Ольга Игоревна'],
        insadm: ['insurer', 'admin', 'Волков Сергей Андреевич'],
      },
    },
    // The insurer delegates on the ledger (its own screen is tested in delegations.e2e): one delegation in force for
    // care requests and letters, one that ended in the summer.
    async ({ network }) => {
      const agent = network.net.get('assistance').id;
      for (const terms of [
        {
          id: 'DLG-AS-1',
          agent,
          sends: ['care-request', 'guarantee-letter'],
          receives: ['invoice'],
          validFrom: '2026-01-01',
        },
        {
          id: 'DLG-AS-0',
          agent,
          sends: ['care-request'],
          receives: [],
          validFrom: '2025-01-01',
          validUntil: '2025-12-31',
        },
      ]) {
        const r = await network.client('insurer').call('POST', '/v1/delegations', terms);
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
      }
    },
  );

  const login = (gateway: string, username: string): Promise<Page> =>
    loginAt(browser, t.url(gateway), username, { viewport: { width: 1360, height: 900 } });

  /** Refreshes the list until a row with `text` shows what is expected. */
  async function rowUntil(page: Page, text: string, expected: string): Promise<string> {
    const end = Date.now() + 30_000;
    for (;;) {
      const row = page.locator('tbody tr').filter({ hasText: text });
      const inner = (await row.count()) ? await row.first().innerText() : '';
      if (inner.includes(expected)) return inner;
      if (Date.now() > end) throw new Error(`row ${text} never showed ${expected}: ${inner}`);
      await page.getByRole('button', { name: 'Обновить' }).first().click();
      await page.waitForTimeout(400);
    }
  }

  it('the coordinator reads the delegations it holds: from which insurer, which documents, until when, in force or ended', async () => {
    const op = await login('assistance', 'asop');
    await op.getByRole('navigation').getByRole('link', { name: 'Поручения' }).click();
    await op.getByRole('heading', { name: 'Поручения страховщиков' }).waitFor();
    const held = await rowUntil(op, 'DLG-AS-1', 'действует');
    expect(held)
      .to.contain(INSURER)
      .and.contain('Заявка на приём')
      .and.contain('Гарантийное письмо')
      .and.contain('Счёт с реестром')
      .and.contain('01.01.2026 — до отзыва')
      .and.contain('все программы и полисы');
    const ended = await rowUntil(op, 'DLG-AS-0', 'срок истёк');
    expect(ended).to.contain('01.01.2025 — 31.12.2025');
    // Read only: the insurer gives and revokes.
    expect(await op.getByText('Новое поручение').count()).to.equal(0);
    expect(await op.getByRole('button', { name: 'Отозвать' }).count()).to.equal(0);
    await op.getByLabel('Показать').selectOption('inForce');
    await op.locator('tr[data-delegation="DLG-AS-0"]').waitFor({ state: 'detached' });
    await op.getByLabel('Показать').selectOption('all');
    expect(await latinOn(op), 'the delegations held').to.deep.equal([]);
    await checkScreen(op, 'assistance-01-delegations-held');
    await op.context().close();
  });

  it('the coordinator sends a care request on the insurer’s behalf; its list names the insurer, the clinic reads «… по поручению …»', async () => {
    const op = await login('assistance', 'asop');
    await op.getByRole('navigation').getByRole('link', { name: 'Заявки на приём' }).click();
    await op.getByRole('heading', { name: 'Заявки в клиники' }).waitFor();
    await op.getByText('Новая заявка').click();
    // Only the insurer whose delegation in force covers care requests is offered, besides the company's own name.
    const behalf = op.getByLabel('По поручению');
    await behalf.locator('option', { hasText: INSURER }).waitFor({ state: 'attached' });
    expect(await behalf.locator('option').allInnerTexts()).to.deep.equal(['от своего имени', INSURER]);
    await behalf.selectOption({ label: INSURER });
    const p = t.story.person;
    await op.getByLabel('№ заявки').fill(NUMBER);
    await op.getByLabel('Срочность').selectOption('urgent');
    await op.getByLabel('Фамилия').fill(p.lastName);
    await op.getByLabel('Имя', { exact: true }).fill(p.firstName);
    if (p.middleName) await op.getByLabel('Отчество').fill(p.middleName);
    await op.getByLabel('Дата рождения').fill(p.birthDate.split('-').reverse().join('.'));
    await op.locator('select[name="care-sex"]').selectOption(p.sex);
    await op.getByLabel('Номер полиса').fill(t.story.policy);
    await op.getByLabel('Жалобы').fill('Острая боль в пояснице после подъёма тяжести');
    await op.getByLabel('Специалист').fill('врач-невролог');
    expect(await latinOn(op), 'the new request on the insurer’s behalf').to.deep.equal([]);
    await checkScreen(op, 'assistance-02-care-on-behalf-form');
    await op.getByRole('button', { name: 'Направить заявку' }).click();
    await op.getByRole('status').filter({ hasText: 'Заявка направлена в клинику.' }).waitFor();
    const mine = await rowUntil(op, NUMBER, 'ждёт ответа клиники');
    expect(mine).to.contain(`по поручению ${INSURER}`);
    expect(await latinOn(op), 'the requests sent').to.deep.equal([]);
    await checkScreen(op, 'assistance-03-care-sent-on-behalf');
    await op.context().close();

    // What the clinic's queue and the document say: the company, acting for the insurer.
    const reg = await login('clinic', 'reg');
    await reg.getByRole('navigation').getByRole('link', { name: 'Заявки на приём' }).click();
    await reg.getByRole('heading', { name: 'Заявки на приём' }).waitFor();
    const queued = await rowUntil(reg, NUMBER, 'неотложная');
    expect(queued).to.contain(`от ${AGENT} по поручению ${INSURER}`);
    await checkScreen(reg, 'assistance-04-clinic-queue');
    await reg.getByRole('navigation').getByRole('link', { name: 'Входящие' }).click();
    const party = reg
      .locator('tbody tr [data-party]')
      .filter({ hasText: `${AGENT} по поручению ${INSURER}` });
    await party.first().waitFor();
    await reg.context().close();

    // The insurer sees the request among what was done in its name; the content stays sealed to the clinic.
    const ins = await login('insurer', 'insadm');
    await ins.getByRole('navigation').getByRole('link', { name: 'Поручения' }).click();
    const done = ins
      .locator('section[aria-labelledby="dlg-behalf"] tbody tr')
      .filter({ hasText: 'Заявка на приём' });
    // The ledger's index of what was done in its name may trail the send by a block: read again until it is there.
    const end = Date.now() + 30_000;
    while ((await done.count()) === 0 && Date.now() < end) {
      await ins.waitForTimeout(500);
      await ins
        .locator('section[aria-labelledby="dlg-behalf"]')
        .getByRole('button', { name: 'Обновить' })
        .click();
    }
    expect(await done.first().innerText())
      .to.contain(AGENT)
      .and.contain('ООО «Клиника Здоровье»');
    await ins.context().close();
  });
});
