// The mail bridge against a real mail server (Postfix → LMTP → Dovecot, on loopback): a clinic that is not on the
// network e-mails a register to the insurer's mailbox; the insurer's bridge reads it over IMAP, answers its row errors
// by e-mail in Russian, takes the corrected file into the inbox, and answers the person's decision. Then what a
// mailbox really receives: a resend, a forged From:, an unknown sender, broken MIME, a 30 MB attachment, a zip bomb,
// Cyrillic names and bodies in RFC 2231/2047, Windows-1251 and KOI8-R.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import path from 'node:path';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { startLocalNetwork, type LocalNetwork } from '../../sandbox/src/local-network/network.js';
import { MailBridge } from '../../gateway/src/mail/bridge.js';
import type { InboxRecord } from '../../gateway/src/node/index.js';
import { checkResponse } from '../gateway/fixtures/contract.js';
import {
  bridgeSettings,
  CLINIC_MAIL,
  CORRESPONDENT,
  GOOD_ROWS,
  INBOX,
  register,
  sendAsClinic,
  sendRaw,
  until,
  USERS,
} from './helpers.js';
import { mailServerMissing, startMailServer, type MailServer } from './mail-server.js';

const PAYER = 'АО «СК Тест»';

describe('mail bridge: a correspondent e-mails documents to a node (real Postfix and Dovecot)', function () {
  this.timeout(300_000);
  let server: MailServer;
  let net: LocalNetwork;
  let dir: string;
  let bridge: MailBridge;
  const log: string[] = [];

  before(async function () {
    const missing = mailServerMissing();
    if (missing) {
      console.log(`    mail bridge tests skipped: ${missing}`);
      this.skip();
    }
    server = await startMailServer({ users: USERS, spfPass: ['clinic.test'] });
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-mail-net-'));
    net = await startLocalNetwork({
      dir,
      workflows: false,
      participants: [
        { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
        { key: 'insurer', role: 'insurer', name: PAYER, mspId: 'InsurerMSP' },
      ],
    });
    bridge = new MailBridge(net.get('insurer').node, bridgeSettings(server), { log: (l) => log.push(l) });
    await bridge.book.add(CORRESPONDENT);
    bridge.start();
  });
  after(async () => {
    await bridge?.stop();
    await net?.close();
    await closeCryptoWorkers();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const handled = (n: number) =>
    until(`${n} messages handled`, async () =>
      log.filter((l) => l.startsWith('mail uid')).length >= n ? log : undefined,
    );
  const lastHandled = () => log.filter((l) => l.startsWith('mail uid')).at(-1);
  const count = () => log.filter((l) => l.startsWith('mail uid')).length;
  const answers = async (n: number) =>
    until(`${n} answers in the clinic's mailbox`, async () => {
      const m = await server.messages(CLINIC_MAIL);
      return m.length >= n ? m : undefined;
    });
  const inbox = async () => (await net.get('insurer').node.listInbox({ limit: 100 })).items;

  it('answers row errors in Russian naming rows and columns, then takes the corrected file into the inbox', async () => {
    const bad = register(PAYER, '345', [
      GOOD_ROWS[0]!,
      [
        '2',
        'Ким',
        'Алёна',
        '',
        'Ж',
        '17.05.1984',
        'ДМС-77-2523599',
        '31.02.2026',
        'С-400',
        '1',
        '1500,00',
        '1500,00',
      ],
      [
        '3',
        'Петров',
        'Олег',
        '',
        'М',
        '01.01.1980',
        'ДМС-77-3000001',
        '03.12.2026',
        'Х-999',
        '1',
        '900,00',
        '900,00',
      ],
    ]);
    const first = await sendAsClinic(server, {
      subject: 'Реестр к счёту № 345',
      attachments: [{ filename: 'Реестр счёта № 345.csv', content: bad }],
    });
    await handled(1);
    expect(lastHandled()).to.match(/answered ROW_ERRORS/);
    const [reply] = await answers(1);
    expect(reply!.parsed.subject).to.equal('Re: Реестр к счёту № 345');
    expect(reply!.parsed.inReplyTo).to.equal(first);
    const text = reply!.parsed.text!;
    expect(text).to.include('Файл «Реестр счёта № 345.csv» не принят: ошибок 2');
    expect(text).to.match(/строка 5, столбец H \(«Дата оказания»\): .*\[DATE_INVALID\]/);
    expect(text).to.match(/строка 6, столбец I \(«Код услуги»\): .*\[SERVICE_CODE_UNKNOWN\]/);
    expect(await inbox()).to.have.length(0);

    const good = register(PAYER, '345', GOOD_ROWS);
    const second = await sendAsClinic(server, {
      subject: 'Re: Реестр к счёту № 345 (исправлен)',
      attachments: [{ filename: 'Реестр счёта № 345.csv', content: good }],
    });
    await handled(2);
    expect(lastHandled()).to.match(/imported/);
    const [rec] = await inbox();
    expect(rec!.sender).to.equal(CORRESPONDENT.ogrn);
    expect(rec!.documentType).to.equal('invoice');
    expect(rec!.email!.messageId).to.equal(second);
    expect(rec!.email!.from).to.equal(CLINIC_MAIL);
    expect(rec!.email!.attachment.name).to.equal('Реестр счёта № 345.csv');
    expect(rec!.email!.authenticationResults).to.deep.equal([
      'mx.insurer.test; spf=pass smtp.mailfrom=clinic.test',
    ]);
    // An e-mailed record is what the API's contract says an inbox record is.
    checkResponse({
      method: 'GET',
      path: '/v1/inbox',
      status: 200,
      contentType: 'application/json',
      body: { items: await inbox() },
    });
    const view = await net.get('insurer').node.getDocument(rec!.messageId);
    const doc = view.document as {
      header: { sender: { ogrn: string }; addressee: { ogrn: string } };
      body: { lines: unknown[]; total: number };
    };
    expect(doc.header.sender.ogrn).to.equal(CORRESPONDENT.ogrn);
    expect(doc.header.addressee.ogrn).to.equal(net.get('insurer').id);
    expect(doc.body.lines).to.have.length(2);

    // The person accepts it; the correspondent hears of it by e-mail.
    await net.get('insurer').node.accept(rec!.messageId, { comment: 'Принято к оплате' });
    const after = await answers(2);
    expect(after[1]!.parsed.text).to.include(`(документ ${rec!.messageId.split(':')[1]}) принят`);
    expect(after[1]!.parsed.text).to.include('Принято к оплате');
  });

  it('never imports the same message or the same attachment twice', async () => {
    const before = (await inbox()).length;
    const n = count();
    const content = register(
      PAYER,
      '346',
      GOOD_ROWS.map((r) => r.map((c) => (c === '02.12.2026' ? '04.12.2026' : c))),
    );
    const id = `<resend-346@clinic.test>`;
    // One at a time: the mail server may deliver messages sent together in either order.
    await sendAsClinic(server, {
      subject: 'Счёт 346',
      messageId: id,
      attachments: [{ filename: 'r346.csv', content }],
    });
    await handled(n + 1);
    // The same DATA again (a client that never saw the 250 sends it again): same Message-ID.
    await sendAsClinic(server, {
      subject: 'Счёт 346',
      messageId: id,
      attachments: [{ filename: 'r346.csv', content }],
    });
    await handled(n + 2);
    // The same file in a new message.
    await sendAsClinic(server, {
      subject: 'Счёт 346 ещё раз',
      attachments: [{ filename: 'копия.csv', content }],
    });
    await handled(n + 3);
    const lines = log.filter((l) => l.startsWith('mail uid')).slice(n);
    expect(lines[0]).to.match(/imported/);
    expect(lines[1]).to.match(/duplicate/);
    expect(lines[2]).to.match(/answered/);
    expect((await inbox()).length).to.equal(before + 1);
    const mails = await answers(3);
    expect(mails.at(-1)!.parsed.text).to.include('Файл «копия.csv» уже был получен раньше');
  });

  it('takes a message once when the client dropped the connection before the 250 and sent the DATA again', async () => {
    const n = count();
    const before = (await inbox()).length;
    const content = register(
      PAYER,
      '351',
      GOOD_ROWS.map((r) => r.map((c) => (c === '02.12.2026' ? '11.12.2026' : c))),
    );
    const raw = [
      'From: clinic@clinic.test',
      'To: inbox@insurer.test',
      'Subject: r351',
      'Message-ID: <dropped-351@clinic.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/csv',
      'Content-Disposition: attachment; filename="r351.csv"',
      'Content-Transfer-Encoding: base64',
      '',
      content.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b--',
      '',
    ].join('\r\n');
    // The whole DATA and its final dot, then the connection is cut without reading the server's 250.
    await new Promise<void>((resolve, reject) => {
      const s = connect(server.ports.mx, '127.0.0.1');
      const script = ['EHLO clinic.test', 'MAIL FROM:<clinic@clinic.test>', `RCPT TO:<${INBOX}>`, 'DATA'];
      let step = 0;
      s.on('data', (d: Buffer) => {
        const text = d.toString('latin1');
        if (step < script.length && /^(220|250|354) /m.test(text)) {
          s.write(script[step++] + '\r\n');
        } else if (step === script.length && /^354 /m.test(text)) {
          step++;
          s.end(raw + '.\r\n', () => s.destroy());
        }
      });
      s.once('close', () => resolve());
      s.once('error', reject);
    });
    // The client never saw the 250, so it sends the same message again.
    await sendRaw(server, 'clinic@clinic.test', Buffer.from(raw, 'latin1'));
    await handled(n + 2);
    const lines = log.filter((l) => l.startsWith('mail uid')).slice(n);
    expect(lines.filter((l) => /imported/.test(l))).to.have.length(1);
    expect(lines.filter((l) => /duplicate/.test(l))).to.have.length(1);
    expect((await inbox()).length).to.equal(before + 1);
  });

  it('holds a forged From: and a message from an unknown address, and imports one a person releases', async () => {
    const n = count();
    const before = (await inbox()).length;
    // The envelope comes from elsewhere, the From: says the clinic, and a forged pass sits in the header it brought.
    await sendAsClinic(server, {
      subject: 'Срочно: счёт 347',
      envelopeFrom: 'mailer@evil.test',
      headers: { 'Authentication-Results': 'mx.insurer.test; dmarc=pass header.from=clinic.test' },
      attachments: [{ filename: 'r347.csv', content: register(PAYER, '347', GOOD_ROWS.slice(0, 1)) }],
    });
    await handled(n + 1);
    await sendAsClinic(server, {
      subject: 'Реестр',
      envelopeFrom: 'someone@clinic.test',
      from: 'someone@clinic.test',
      attachments: [{ filename: 'r348.csv', content: register(PAYER, '348', GOOD_ROWS.slice(0, 1)) }],
    });
    await handled(n + 2);
    const lines = log.filter((l) => l.startsWith('mail uid')).slice(n);
    expect(lines[0]).to.match(/held MAIL_NOT_AUTHENTICATED/);
    expect(lines[1]).to.match(/held MAIL_SENDER_UNKNOWN/);
    expect((await inbox()).length).to.equal(before);
    const held = await bridge.held();
    checkResponse({
      method: 'GET',
      path: '/v1/mail/held',
      status: 200,
      contentType: 'application/json',
      body: { items: held },
    });
    const forged = held.find((h) => h.code === 'MAIL_NOT_AUTHENTICATED')!;
    expect(forged.reason).to.match(/spf=fail \(evil\.test\)/);
    expect(forged.subject).to.equal('Срочно: счёт 347');
    const out = await bridge.release(forged.id, 'operator');
    expect(out.outcome).to.equal('imported');
    const recs = await inbox();
    expect(recs.length).to.equal(before + 1);
    expect(recs.at(-1)!.email!.admittedBy).to.equal('released by operator');
    expect((await bridge.held()).map((h) => h.id)).not.to.include(forged.id);
    // A released message is not released twice.
    let code = '';
    await bridge.release(forged.id, 'operator').catch((e: { code: string }) => (code = e.code));
    expect(code).to.equal('MAIL_NOT_HELD');
  });

  it('decodes Cyrillic names in RFC 2231 and 2047 and KOI8-R and Windows-1251 bodies', async () => {
    const n = count();
    const csv = register(
      PAYER,
      '349',
      GOOD_ROWS.map((r) => r.map((c) => (c === '02.12.2026' ? '09.12.2026' : c))),
    );
    const name1251 = [...iconv.encode('Реестр декабрь.csv', 'win1251')]
      .map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0'))
      .join('');
    const subjectKoi = `=?KOI8-R?B?${iconv.encode('Счёт за декабрь', 'koi8-r').toString('base64')}?=`;
    const raw = [
      'From: =?windows-1251?B?' +
        iconv.encode('Клиника', 'win1251').toString('base64') +
        '?= <clinic@clinic.test>',
      'To: inbox@insurer.test',
      `Subject: ${subjectKoi}`,
      'Message-ID: <koi8-349@clinic.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=koi8-r',
      'Content-Transfer-Encoding: 8bit',
      '',
      iconv.encode('Добрый день! Реестр во вложении.', 'koi8-r').toString('latin1'),
      '--b1',
      'Content-Type: text/csv',
      `Content-Disposition: attachment; filename*=windows-1251''${name1251}`,
      'Content-Transfer-Encoding: base64',
      '',
      csv.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b1--',
      '',
    ].join('\r\n');
    await sendRaw(server, 'clinic@clinic.test', Buffer.from(raw, 'latin1'));
    await handled(n + 1);
    // A Windows-1251 body from an unknown address: held, its text readable for the person who decides.
    const raw1251 = [
      'From: stranger@clinic.test',
      'To: inbox@insurer.test',
      'Subject: =?UTF-8?Q?=D0=92=D0=BE=D0=BF=D1=80=D0=BE=D1=81?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=windows-1251',
      'Content-Transfer-Encoding: 8bit',
      '',
      iconv.encode('Прошу подключить нашу клинику к обмену.', 'win1251').toString('latin1'),
      '',
    ].join('\r\n');
    await sendRaw(server, 'stranger@clinic.test', Buffer.from(raw1251, 'latin1'));
    await handled(n + 2);
    const rec = (await inbox()).find((r: InboxRecord) => r.email?.messageId === '<koi8-349@clinic.test>')!;
    expect(rec.email!.subject).to.equal('Счёт за декабрь');
    expect(rec.email!.attachment.name).to.equal('Реестр декабрь.csv');
    const held = (await bridge.held()).find((h) => h.from === 'stranger@clinic.test')!;
    expect(held.subject).to.equal('Вопрос');
    expect(held.text).to.equal('Прошу подключить нашу клинику к обмену.');
  });

  it('gives broken MIME, a 30 MB attachment and a zip bomb each a clear result, and goes on', async () => {
    const n = count();
    // A multipart whose boundary never comes and whose base64 is broken.
    await sendRaw(
      server,
      'clinic@clinic.test',
      [
        'From: clinic@clinic.test',
        'To: inbox@insurer.test',
        'Subject: broken',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="never"',
        '',
        '--nothere',
        'Content-Type: text/csv',
        'Content-Disposition: attachment; filename="x.csv"',
        'Content-Transfer-Encoding: base64',
        '',
        '@@@@ not base64 at all ####',
        '',
      ].join('\r\n'),
    );
    await handled(n + 1);
    // 30 MB: over the bridge's 25 MB limit; it is not even downloaded.
    const big = Buffer.alloc(30 * 1024 * 1024, 'А;');
    await sendAsClinic(server, {
      subject: 'Большой реестр',
      attachments: [{ filename: 'big.csv', content: big }],
    });
    await handled(n + 2);
    // An .xlsx whose entry inflates far past the size it declares.
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<Types/>');
    zip.file('xl/workbook.xml', '<workbook/>');
    zip.file('xl/worksheets/sheet1.xml', Buffer.alloc(20 * 1024 * 1024, 0x20));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    declareSmall(bomb, 'xl/worksheets/sheet1.xml', 100);
    await sendAsClinic(server, {
      subject: 'Прейскурант',
      attachments: [{ filename: 'prices.xlsx', content: bomb }],
    });
    await handled(n + 3);
    const lines = log.filter((l) => l.startsWith('mail uid')).slice(n);
    expect(lines[0]).to.match(/answered ROW_ERRORS|held MAIL_MALFORMED/);
    expect(lines[1]).to.match(/answered MAIL_TOO_LARGE/);
    expect(lines[2]).to.match(/answered ROW_ERRORS/);
    const mails = await until('three more answers', async () => {
      const m = await server.messages(CLINIC_MAIL);
      return m.filter((x) => /broken|Большой реестр|Прейскурант/.test(x.parsed.subject ?? '')).length >= 3
        ? m
        : undefined;
    });
    const of = (s: string) => mails.find((m) => m.parsed.subject === `Re: ${s}`)!.parsed.text!;
    expect(of('Большой реестр')).to.match(/больше предела 25\.0 МБ/);
    expect(of('Прейскурант')).to.match(/Файл «prices\.xlsx» не принят/);
    expect(of('broken')).to.match(/MAIL_NO_DOCUMENT|не принят/);
    // Still alive: a good register after all that is imported.
    const before = (await inbox()).length;
    await sendAsClinic(server, {
      subject: 'Счёт 350',
      attachments: [{ filename: 'r350.csv', content: register(PAYER, '350', GOOD_ROWS.slice(1)) }],
    });
    await handled(n + 4);
    expect((await inbox()).length).to.equal(before + 1);
  });
});

/** Rewrites an entry's declared uncompressed size (local and central headers), as a zip bomb does. */
function declareSmall(zip: Buffer, name: string, size: number): void {
  for (let i = 0; i < zip.length - 4; i++) {
    const sig = zip.readUInt32LE(i);
    if (sig === 0x04034b50 && zip.toString('latin1', i + 30, i + 30 + zip.readUInt16LE(i + 26)) === name)
      zip.writeUInt32LE(size, i + 22);
    if (sig === 0x02014b50 && zip.toString('latin1', i + 46, i + 46 + zip.readUInt16LE(i + 28)) === name)
      zip.writeUInt32LE(size, i + 24);
  }
}
