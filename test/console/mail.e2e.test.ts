// The insurer's e-mail in its console, beside the network inbox (Chromium, a real Postfix and Dovecot, a real
// embedded network): a clinic on e-mail only sends a register, which arrives; a message whose sender the server did
// not authenticate is held, read and released after a confirmation, and becomes a document; a guarantee letter sent
// to the clinic by e-mail shows as waiting for it to join. An expert, who does not decide, sees no held mail.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { type Browser } from 'playwright-core';
import { repoPath } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { CONSOLE_DIR } from '../../gateway/src/api/console.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import type { RunningServer } from '../../gateway/src/api/server.js';
import { MailBridge } from '../../gateway/src/mail/bridge.js';
import { startLocalNetwork, type LocalNetwork } from '../../sandbox/src/local-network/network.js';
import {
  bridgeSettings,
  CLINIC_MAIL,
  CORRESPONDENT,
  GOOD_ROWS,
  register,
  sendAsClinic,
  until,
  USERS,
} from '../mail/helpers.js';
import { MAIL_PORT_BASE, mailServerMissing, startMailServer, type MailServer } from '../mail/mail-server.js';
import { launchConsoleBrowser, loginAt } from './browser.js';
import { checkScreen } from './screen-checks.js';
import { PASSWORD } from './network.js';

const PAYER = 'АО «СК Тест»';

describe('the console’s e-mail beside the network inbox (Chromium, real Postfix and Dovecot)', function () {
  this.timeout(300_000);
  let server: MailServer;
  let net: LocalNetwork;
  let dir: string;
  let bridge: MailBridge;
  let api: RunningServer;
  let browser: Browser;
  const log: string[] = [];

  before(async function () {
    const missing = mailServerMissing();
    if (missing) {
      console.log(`    console mail tests skipped: ${missing}`);
      this.skip();
    }
    browser = await launchConsoleBrowser();
    // Ports apart from the mail tests' own, so the two can never meet.
    server = await startMailServer({
      users: USERS,
      spfPass: ['clinic.test'],
      portBase: MAIL_PORT_BASE + 2000,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-console-mail-'));
    net = await startLocalNetwork({
      dir,
      workflows: false,
      participants: [
        { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
        { key: 'insurer', role: 'insurer', name: PAYER, mspId: 'InsurerMSP' },
      ],
    });
    bridge = new MailBridge(
      net.get('insurer').node,
      bridgeSettings(server, { publicUrl: 'http://127.0.0.1:1' }),
      { log: (l) => log.push(l) },
    );
    await bridge.book.add(CORRESPONDENT);
    api = await startNodeApi(
      { node: net.get('insurer').node, ledger: net.get('insurer').ledger, mail: bridge },
      { port: 0, token: 'token-insurer', participantRole: 'insurer', consoleDir: CONSOLE_DIR },
    );
    await api.access.users.add({
      username: 'op',
      role: 'operator',
      fullName: 'Кузнецов Дмитрий Сергеевич',
      password: PASSWORD,
    });
    await api.access.users.add({
      username: 'exp',
      role: 'expert',
      fullName: 'Петрова Ирина Андреевна',
      password: PASSWORD,
    });
    bridge.start();
  });
  after(async () => {
    await browser?.close();
    await bridge?.stop();
    await api?.close();
    await net?.close();
    await closeCryptoWorkers();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const check = checkScreen;

  it('shows mail received, held and sent; a person releases held mail after a confirmation', async () => {
    await sendAsClinic(server, {
      subject: 'Реестр к счёту № 501',
      attachments: [{ filename: 'Реестр 501.csv', content: register(PAYER, '501', GOOD_ROWS) }],
    });
    // The clinic's address in From:, but sent from a server its domain does not authorise: held.
    await sendAsClinic(server, {
      subject: 'Реестр к счёту № 502',
      envelopeFrom: 'relay@elsewhere.test',
      attachments: [{ filename: 'Реестр 502.csv', content: register(PAYER, '502', [GOOD_ROWS[0]!]) }],
    });
    await until('both messages handled', async () =>
      log.filter((l) => l.startsWith('mail uid')).length >= 2 ? true : undefined,
    );
    const example = JSON.parse(
      readFileSync(repoPath('formats', 'examples', 'valid', 'guarantee-letter.json'), 'utf8'),
    ) as { header: Record<string, unknown>; body: unknown };
    const insurer = net.get('insurer');
    await bridge.outbound.send({
      header: {
        ...example.header,
        documentId: 'GL-CONSOLE-1',
        sender: { ogrn: insurer.id, inn: insurer.inn, name: insurer.name },
        addressee: { ogrn: CORRESPONDENT.ogrn, inn: CORRESPONDENT.inn, name: CORRESPONDENT.name },
      },
      body: example.body,
    });

    const page = await loginAt(browser, api.url, 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Почта' }).click();
    await page.getByRole('heading', { name: 'Почта', level: 1 }).waitFor();
    const received = page.getByRole('table', { name: 'Получено по почте' });
    const held = page.getByRole('table', { name: 'Задержанные письма' });
    const sent = page.getByRole('table', { name: 'Отправлено по почте' });
    await received.locator('tr[data-received]').first().waitFor();
    expect(await received.locator('tr[data-received]').count()).to.equal(1);
    expect(await received.innerText())
      .to.include('Реестр 501.csv')
      .and.include('clinic@clinic.test');
    expect(await held.locator('tr[data-held]').count()).to.equal(1);
    const heldRow = held.locator('tr[data-held]');
    expect(await heldRow.getAttribute('data-code')).to.equal('MAIL_NOT_AUTHENTICATED');
    expect(await heldRow.innerText()).to.include('Реестр к счёту № 502');
    const sentRow = sent.locator('tr[data-sent]');
    expect(await sentRow.getAttribute('data-status')).to.equal('HELD_FOR_JOIN');
    expect(await sentRow.innerText())
      .to.include('GL-CONSOLE-1')
      .and.include('ждёт подключения адресата')
      .and.include('ссылка и код');
    await heldRow.getByText('Текст письма', { exact: true }).click();
    await check(page, 'mail-01-received-held-sent');

    await heldRow.getByRole('button', { name: /^Пропустить: / }).click();
    await page
      .getByRole('group', { name: 'Пропустить письмо от' })
      .getByRole('button', { name: 'Подтвердить' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Письмо пропущено' }).waitFor();
    await until('the released register in the table', async () =>
      (await received.locator('tr[data-received]').count()) === 2 ? true : undefined,
    );
    expect(await held.count()).to.equal(0);
    expect(await page.getByText('Писем нет.').count()).to.equal(1);
    // The node's record: who let it in.
    const inbox = (await net.get('insurer').node.listInbox({ limit: 10 })).items;
    expect(inbox.map((r) => r.email?.admittedBy)).to.include('released by op');
    await check(page, 'mail-02-released');
    await page.context().close();
  });

  it('an operator sends a document by e-mail from the form, sees it opened, and sends a new link after a confirmation', async () => {
    const example = JSON.parse(
      readFileSync(repoPath('formats', 'examples', 'valid', 'guarantee-letter.json'), 'utf8'),
    ) as { header: Record<string, unknown>; body: Record<string, unknown> };
    const insurer = net.get('insurer');
    const documentId = 'GL-CONSOLE-FORM';
    const letter = {
      header: {
        ...example.header,
        documentId,
        sender: { ogrn: insurer.id, inn: insurer.inn, name: insurer.name },
      },
      body: example.body,
    };
    const file = (doc: unknown) => ({
      name: 'letter.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(doc)),
    });
    const page = await loginAt(browser, api.url, 'op');
    await page.getByRole('navigation').getByRole('link', { name: 'Почта' }).click();
    const form = page.getByRole('form', { name: 'Отправить документ по почте' });
    await form.getByLabel('Корреспондент').selectOption(CORRESPONDENT.ogrn);
    // A letter without its patient: refused by the gateway, each error at its field, nothing e-mailed.
    const { patient: _p, ...noPatient } = letter.body;
    await form.getByLabel('Документ (файл JSON)').setInputFiles(file({ ...letter, body: noPatient }));
    await form.getByRole('button', { name: 'Отправить по почте' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-code')).to.equal('DOCUMENT_INVALID');
    expect(await alert.locator('li[data-pointer]').count()).to.be.greaterThan(0);

    await form.getByLabel('Документ (файл JSON)').setInputFiles(file(letter));
    await form.locator(`[data-document="${documentId}"]`).waitFor();
    expect(await form.innerText()).to.include('Гарантийное письмо № GL-CONSOLE-FORM');
    await form.getByRole('button', { name: 'Отправить по почте' }).click();
    await form.getByRole('status').filter({ hasText: 'Документ отправлен по почте' }).waitFor();
    const sent = page.getByRole('table', { name: 'Отправлено по почте' });
    const row = sent.locator(`tr[data-sent="${insurer.id}:${documentId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-state]').innerText()).to.equal('отправлен → ждёт подключения адресата');
    expect(await row.innerText()).to.include('ссылка действует до');

    // The clinic opens the link with the code of the second e-mail (the link's path on this gateway).
    const mails = await until('the link and the code', async () => {
      const m = (await server.messages(CLINIC_MAIL)).filter((x) =>
        (x.parsed.subject ?? '').includes(`[dmsnet:${documentId}]`),
      );
      return m.length >= 2 ? m : undefined;
    });
    const linkOf = (text: string) => /\/letter\/[A-Za-z0-9_-]{43}/.exec(text)![0];
    const link = linkOf(
      mails.find((m) => m.parsed.headers.get('x-dmsnet-code') === 'DOCUMENT_LINK')!.parsed.text!,
    );
    const code = /: (\d{8})\b/.exec(
      mails.find((m) => m.parsed.headers.get('x-dmsnet-code') === 'DOCUMENT_CODE')!.parsed.text!,
    )![1]!;
    const openLink = (path: string, c: string) =>
      fetch(api.url + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ code: c }).toString(),
      }).then((r) => r.status);
    expect(await openLink(link, code)).to.equal(200);
    await page.reload();
    await row.waitFor();
    expect(await row.locator('[data-state]').innerText()).to.match(
      /^отправлен → открыт .+ → ждёт подключения адресата$/,
    );

    await row.getByRole('button', { name: `Отправить новую ссылку: № ${documentId}` }).click();
    await check(page, 'mail-03-send-form-resend-confirm');
    await row
      .getByRole('group', { name: 'Отправить новую ссылку' })
      .getByRole('button', { name: 'Подтвердить' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Новая ссылка и код отправлены' }).waitFor();
    await until('the row says two links', async () =>
      (await row.innerText()).includes('ссылок отправлено: 2') ? true : undefined,
    );
    // The new pair opens; the old link stays dead.
    const fresh = await until('the new link and code', async () => {
      const m = (await server.messages(CLINIC_MAIL)).filter((x) =>
        (x.parsed.subject ?? '').includes(`[dmsnet:${documentId}]`),
      );
      return m.length >= 4 ? m : undefined;
    });
    const newLink = linkOf(
      fresh.filter((m) => m.parsed.headers.get('x-dmsnet-code') === 'DOCUMENT_LINK').at(-1)!.parsed.text!,
    );
    const newCode = /: (\d{8})\b/.exec(
      fresh.filter((m) => m.parsed.headers.get('x-dmsnet-code') === 'DOCUMENT_CODE').at(-1)!.parsed.text!,
    )![1]!;
    expect(await openLink(link, newCode)).to.equal(410);
    expect(await openLink(newLink, newCode)).to.equal(200);
    await check(page, 'mail-04-sent-opened-resent');
    await page.context().close();
  });

  it('an expert, who does not decide, sees what came and went but no held mail', async () => {
    const page = await loginAt(browser, api.url, 'exp');
    await page.getByRole('navigation').getByRole('link', { name: 'Почта' }).click();
    await page.getByRole('table', { name: 'Отправлено по почте' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Задержанные письма' }).count()).to.equal(0);
    // Nor, sending nothing, the form or the buttons that send.
    expect(await page.getByRole('form', { name: 'Отправить документ по почте' }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: /^Отправить новую ссылку/ }).count()).to.equal(0);
    await page.context().close();
  });
});
