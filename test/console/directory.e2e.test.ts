// The association keeps the directory in its console, as an operator does with `dmsnet-node participant …`: a
// newcomer registered from the file its node wrote (shown before it is signed; a wrong ОГРН refused at its field),
// suspended and resumed after a confirmation that names it, the format voting rules changed; the secretary sees
// the directory and changes nothing. Each step is checked on the ledger through the API, not only on the screen.
import { expect } from 'chai';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { createRng, generateInn10, generateOgrn } from '@dmsnet/formats';
import { publicKeysBase64 } from '../../gateway/src/crypto/index.js';
import { generateParticipantKeys } from '../../gateway/src/crypto/keys.js';
import { type ConsoleNetwork } from './network.js';
import { useConsoleNetwork } from './session.js';
import { loginAt, OUT } from './browser.js';

describe('the association keeps the directory in the console (Chromium, real embedded network)', function () {
  this.timeout(120_000);
  let t: ConsoleNetwork;
  let browser: Browser;
  useConsoleNetwork((s) => ({ network: t, browser } = s), {
    people: { aadm: ['association', 'admin', 'Волкова Елена Сергеевна'] },
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  const entry = async (id: string) =>
    (await t.client('association').call<{ status: string; name: string }>('GET', `/v1/participants/${id}`))
      .body;

  it('registers a newcomer from its request file, suspends and resumes it, and sets the voting rules', async () => {
    const page = await loginAt(browser, t.url('association'), 'aadm');
    await page.getByRole('navigation').getByRole('link', { name: 'Участники' }).click();
    const table = page.getByRole('table', { name: 'Участники сети' });
    await table.locator('tr[data-participant]').first().waitFor();
    expect(await table.locator('tr[data-participant]').count()).to.equal(3);

    const keys = await generateParticipantKeys();
    const ogrn = generateOgrn(createRng(9301));
    const request = {
      id: ogrn,
      role: 'clinic',
      name: 'ООО «Клиника Новая»',
      inn: generateInn10(createRng(9302)),
      identities: [{ mspId: 'HostMSP', kind: 'attribute' }],
      keys: publicKeysBase64(keys),
    };
    const upload = (name: string, body: string) =>
      page.locator('input[name="registrationFile"]').setInputFiles({
        name,
        mimeType: 'application/json',
        buffer: Buffer.from(body),
      });

    // Not a request at all: said at once, nothing to register.
    await upload('заявка.txt', 'это не заявка');
    await page.getByRole('alert').filter({ hasText: 'не читается как заявка' }).waitFor();

    // An ОГРН whose check digit is wrong: shown first, then refused by the gateway at the field.
    const last = Number(ogrn.slice(-1));
    const badOgrn = ogrn.slice(0, -1) + String((last + 1) % 10);
    await upload('заявка-ошибка.json', JSON.stringify({ ...request, id: badOgrn }));
    const preview = page.getByRole('definition').filter({ hasText: badOgrn });
    await preview.waitFor();
    await page.getByRole('button', { name: 'Зарегистрировать', exact: true }).click();
    await page
      .getByRole('group', { name: 'Зарегистрировать в справочнике сети' })
      .getByRole('button', {
        name: 'Подтвердить',
      })
      .click();
    const refusal = page.locator('.alert.error');
    await refusal.waitFor();
    const field = refusal.locator('[data-pointer="/body/id"]');
    expect(await field.count(), await refusal.innerText()).to.equal(1);
    expect(await field.getAttribute('data-code')).to.equal('OGRN_CHECKSUM');
    expect(await field.innerText()).to.contain('неверное контрольное число ОГРН');
    expect((await t.client('association').call('GET', `/v1/participants/${badOgrn}`)).status).to.equal(404);

    // The right file: its facts are shown, a confirmation names it, and the ledger has it.
    await upload('заявка.json', JSON.stringify(request, null, 2));
    await page.getByRole('definition').filter({ hasText: ogrn }).waitFor();
    expect(await page.locator('dl.summary').innerText()).to.contain(
      'по атрибуту в сертификате организации-хоста',
    );
    await shot(page, '60-directory-request');
    await page.getByRole('button', { name: 'Зарегистрировать', exact: true }).click();
    const ask = page.getByRole('group', { name: 'Зарегистрировать в справочнике сети' });
    expect(await ask.innerText()).to.contain(`«ООО «Клиника Новая»», ОГРН ${ogrn}?`);
    await ask.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByRole('status').filter({ hasText: 'Участник зарегистрирован' }).waitFor();
    const row = table.locator(`tr[data-participant="${ogrn}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).to.equal('ACTIVE');
    expect((await entry(ogrn)).status).to.equal('ACTIVE');

    // Suspension is asked first and says what it means; «Отмена» changes nothing.
    await row.getByRole('button', { name: 'Приостановить: ООО «Клиника Новая»' }).click();
    const suspend = row.getByRole('group', { name: 'Приостановить участника' });
    expect(await suspend.innerText()).to.contain('не сможет отправлять документы');
    await shot(page, '61-directory-suspend-asks');
    await suspend.getByRole('button', { name: 'Отмена' }).click();
    expect((await entry(ogrn)).status).to.equal('ACTIVE');
    await row.getByRole('button', { name: 'Приостановить: ООО «Клиника Новая»' }).click();
    await row.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByRole('status').filter({ hasText: 'Участие приостановлено' }).waitFor();
    await page.locator(`tr[data-participant="${ogrn}"][data-status="SUSPENDED"]`).waitFor();
    expect((await entry(ogrn)).status).to.equal('SUSPENDED');
    // The filter by state finds it alone.
    await page.getByLabel('Состояние').selectOption('SUSPENDED');
    expect(await table.locator('tr[data-participant]').count()).to.equal(1);
    await page.getByLabel('Состояние').selectOption('');
    await row.getByRole('button', { name: 'Возобновить: ООО «Клиника Новая»' }).click();
    await row.getByRole('button', { name: 'Подтвердить' }).click();
    await page.locator(`tr[data-participant="${ogrn}"][data-status="ACTIVE"]`).waitFor();
    expect((await entry(ogrn)).status).to.equal('ACTIVE');
    // The association cannot suspend itself from here.
    const self = table.locator(`tr[data-participant="${t.net.get('association').id}"]`);
    expect(await self.getByRole('button').count()).to.equal(0);

    // Voting rules: a quorum above 1 is refused at its field; 0,6 with insurers and the association is saved.
    const rules = page.getByRole('form', { name: 'Правила голосования о форматах' });
    await rules.getByLabel('Кворум, доля голосов «за»').fill('2');
    await rules.getByRole('button', { name: 'Сохранить правила' }).click();
    await page.locator('#quorum-error').waitFor();
    await rules.getByLabel('страховщик').check();
    await rules.getByLabel('объединение').check();
    await rules.getByLabel('клиника').uncheck();
    await rules.getByLabel('Кворум, доля голосов «за»').fill('0,6');
    await rules.getByRole('button', { name: 'Сохранить правила' }).click();
    await page.getByRole('status').filter({ hasText: 'Правила сохранены' }).waitFor();
    const saved = (
      await t
        .client('association')
        .call<{ voterRoles: string[]; quorum: number }>('GET', '/v1/governance/rules')
    ).body;
    expect(saved.quorum).to.equal(0.6);
    expect([...saved.voterRoles].sort()).to.deep.equal(['association', 'insurer']);
    await shot(page, '62-directory');
  });

  it('the secretary sees the directory and changes nothing', async () => {
    const page = await loginAt(browser, t.url('association'), 'sec');
    await page.getByRole('navigation').getByRole('link', { name: 'Участники' }).click();
    const table = page.getByRole('table', { name: 'Участники сети' });
    await table.locator('tr[data-participant]').first().waitFor();
    expect(await table.getByRole('button').count()).to.equal(0);
    expect(await page.locator('input[name="registrationFile"]').count()).to.equal(0);
    expect(await page.getByRole('button', { name: 'Сохранить правила' }).count()).to.equal(0);
    // Members do not see the association's directory screen.
    const op = await loginAt(browser, t.url('insurer'), 'op');
    expect(await op.getByRole('navigation').getByRole('link', { name: 'Участники' }).count()).to.equal(0);
  });
});
