// Documents to a clinic that is on e-mail only, against a real mail server (Postfix submission with STARTTLS and
// SASL auth via Dovecot, LMTP into Dovecot, read back over IMAP) and the insurer's real gateway over HTTP: the
// notification and the code arrive as two messages with nothing personal in clear, the link opens once with the
// right code, expires, locks after wrong codes; the clinic answers on the page and by a reply; a key it registered
// gets the document as an age file; and when it joins, what it left unanswered is handed over on the ledger once.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { pino } from 'pino';
import { createRng, generateInn10, generateOgrn } from '@dmsnet/formats';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { closeCryptoWorkers, generateParticipantKeys } from '../../gateway/src/crypto/index.js';
import { GatewayNode } from '../../gateway/src/node/index.js';
import { MailBridge } from '../../gateway/src/mail/bridge.js';
import { MailOutbound, type SentView } from '../../gateway/src/mail/outbound.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import type { RunningServer } from '../../gateway/src/api/server.js';
import {
  participantRegistration,
  startLocalNetwork,
  type LocalNetwork,
} from '../../sandbox/src/local-network/network.js';
import { repoPath } from '@dmsnet/formats';
import { readFileSync } from 'node:fs';
import { bridgeSettings, CLINIC_MAIL, INBOX, sendAsClinic, until, USERS } from './helpers.js';
import { mailServerMissing, startMailServer, type MailServer } from './mail-server.js';

const PAYER = 'АО «СК Почта»';
const TOKEN = 't-insurer';
const rng = createRng(4926);
const CLINIC = {
  ogrn: generateOgrn(rng),
  inn: generateInn10(rng),
  name: 'ООО «Клиника только почта»',
  role: 'clinic',
  addresses: [CLINIC_MAIL],
  mappings: [{ match: '\\.xlsx$', mapping: 'clinic-price-list.xlsx' }],
};
/** What must never be in a message's clear text: the patient, the policy, the СНИЛС, the diagnosis. */
const PERSONAL = ['Тарасов', 'Николай', 'ДМС-77-2606631', '161-654-977 88', 'H52.1', '1989-07-17'];

/** What the API answers, as far as these tests read it: an error, a sent document, or their list. */
type ApiBody = Partial<SentView> & {
  code?: string;
  errors: Array<{ pointer: string; code: string }>;
  items: SentView[];
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('mail outbound: documents to a clinic on e-mail only (real Postfix, Dovecot, HTTP)', function () {
  this.timeout(300_000);
  let server: MailServer;
  let net: LocalNetwork;
  let dir: string;
  let bridge: MailBridge;
  let api: RunningServer;
  let clinicNode: GatewayNode | undefined;
  const log: string[] = [];
  let sequence = 0;

  const letter = (documentId = `GL-MAIL-${++sequence}`) => {
    const example = JSON.parse(
      readFileSync(repoPath('formats', 'examples', 'valid', 'guarantee-letter.json'), 'utf8'),
    ) as { header: Record<string, unknown>; body: Record<string, unknown> };
    const insurer = net.get('insurer');
    return {
      header: {
        ...example.header,
        documentId,
        sender: { ogrn: insurer.id, inn: insurer.inn, name: insurer.name },
        addressee: { ogrn: CLINIC.ogrn, inn: CLINIC.inn, name: CLINIC.name },
      },
      body: example.body,
    };
  };
  const call = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(api.url + p, {
      method,
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as ApiBody };
  };
  const page = async (p: string, form?: Record<string, string>) => {
    const r = await fetch(api.url + p, {
      method: form ? 'POST' : 'GET',
      ...(form
        ? {
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(form).toString(),
          }
        : {}),
    });
    return { status: r.status, html: await r.text(), headers: r.headers };
  };
  /** The clinic's mailbox, the messages about one document (its [dmsnet:ID] token in the subject). */
  const mailsAbout = (documentId: string, n: number) =>
    until(`${n} messages about ${documentId}`, async () => {
      const all = await server.messages(CLINIC_MAIL);
      const m = all.filter((x) => (x.parsed.subject ?? '').includes(`[dmsnet:${documentId}]`));
      return m.length >= n ? m : undefined;
    });
  const linkAndCode = async (documentId: string) => {
    const m = await mailsAbout(documentId, 2);
    const notice = m.find((x) => x.parsed.headers.get('x-dmsnet-code') === 'DOCUMENT_LINK')!;
    const coded = m.find((x) => x.parsed.headers.get('x-dmsnet-code') === 'DOCUMENT_CODE')!;
    const url = /(http:\/\/\S+\/letter\/[A-Za-z0-9_-]{43})/.exec(notice.parsed.text ?? '')![1]!;
    const code = /: (\d{8})\b/.exec(coded.parsed.text ?? '')![1]!;
    return { path: new URL(url).pathname, code, notice, coded };
  };
  const sentStatus = (id: string) => call('GET', `/v1/mail/outbound/${encodeURIComponent(id)}`);

  before(async function () {
    const missing = mailServerMissing();
    if (missing) {
      console.log(`    mail outbound tests skipped: ${missing}`);
      this.skip();
    }
    server = await startMailServer({ users: USERS, spfPass: ['clinic.test'] });
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-mail-out-'));
    net = await startLocalNetwork({
      dir,
      workflows: false,
      participants: [
        { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
        { key: 'insurer', role: 'insurer', name: PAYER, mspId: 'InsurerMSP' },
      ],
    });
    const port = await freePort();
    bridge = new MailBridge(
      net.get('insurer').node,
      bridgeSettings(server, {
        // As off loopback: STARTTLS required, then a login; the server's certificate checked against its own.
        smtp: {
          host: '127.0.0.1',
          port: server.ports.submit,
          secure: false,
          requireTLS: true,
          user: INBOX,
          password: USERS[INBOX],
          ca: server.certificate,
        },
        publicUrl: `http://127.0.0.1:${port}`,
      }),
      { log: (l) => log.push(l) },
    );
    await bridge.book.add(CLINIC);
    api = await startNodeApi(
      { node: net.get('insurer').node, ledger: net.get('insurer').ledger, mail: bridge },
      { host: '127.0.0.1', port, token: TOKEN, participantRole: 'insurer' },
    );
    bridge.start();
  });
  after(async () => {
    await bridge?.stop();
    await api?.close();
    await clinicNode?.stop();
    await net?.close();
    await closeCryptoWorkers();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses what it cannot send, naming the field', async () => {
    const none = await call('POST', '/v1/mail/outbound', {});
    expect(none.status).to.equal(400);
    expect(none.body.errors[0].pointer).to.equal('/document');
    const stranger = letter('GL-STRANGER');
    (stranger.header.addressee as { ogrn: string }).ogrn = net.get('association').id;
    const member = await call('POST', '/v1/mail/outbound', { document: stranger });
    expect(member.status).to.equal(422);
    expect(member.body.code).to.equal('MAIL_ADDRESSEE_NOT_CORRESPONDENT');
    expect(member.body.errors[0].pointer).to.equal('/header/addressee/ogrn');
    const broken = letter('GL-BROKEN');
    delete (broken.body as Record<string, unknown>).patient;
    const invalid = await call('POST', '/v1/mail/outbound', { document: broken });
    expect(invalid.status).to.equal(422);
    expect(invalid.body.code).to.equal('DOCUMENT_INVALID');
    expect(invalid.body.errors.map((e: { pointer: string }) => e.pointer).join(' ')).to.include('/body');
  });

  let accepted: SentView;
  it('e-mails a link and, separately, a code: nothing personal in clear, an invitation to join, sent with STARTTLS and a login', async () => {
    const r = await call('POST', '/v1/mail/outbound', { document: letter() });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body).to.include({ status: 'HELD_FOR_JOIN', channel: 'link', addressee: CLINIC.ogrn });
    accepted = r.body as SentView;
    const { notice, coded } = await linkAndCode(accepted.documentId);
    for (const m of [notice, coded]) {
      const raw = m.source.toString('utf8');
      for (const p of PERSONAL) expect(m.parsed.text, p).to.not.include(p);
      for (const p of PERSONAL) expect(raw, p).to.not.include(p);
      expect(m.parsed.attachments).to.have.length(0);
      // Postfix writes ESMTPSA for a client that used TLS and authenticated.
      expect(String(m.parsed.headers.get('received'))).to.match(/ESMTPSA/);
      expect(m.parsed.from?.value[0]?.address).to.equal(INBOX);
    }
    expect(notice.parsed.text).to.not.match(/\b\d{8}\b/);
    expect(notice.parsed.text).to.include(`dmsnet-node init --role clinic --ogrn ${CLINIC.ogrn}`);
    expect(notice.parsed.messageId).to.equal(accepted.notificationId);
  });

  it('the link asks for the code, counts a wrong one, opens once with the right one, and takes the answer', async () => {
    const { path: link, code } = await linkAndCode(accepted.documentId);
    const ask = await page(link);
    expect(ask.status).to.equal(200);
    expect(ask.html).to.include('Код доступа').and.not.include('Тарасов');
    expect(ask.headers.get('content-security-policy')).to.include("script-src 'self'");
    expect(ask.headers.get('cache-control')).to.equal('no-store');
    const wrong = await page(link, { code: '00000000' === code ? '11111111' : '00000000' });
    expect(wrong.status).to.equal(403);
    expect(wrong.html).to.include('Неверный код');
    const open = await page(link, { code });
    expect(open.status).to.equal(200);
    expect(open.html).to.include('Тарасов').and.include('ДМС-77-2606631');
    const session = /name="session" value="([^"]+)"/.exec(open.html)![1]!;
    const again = await page(link, { code });
    expect(again.status).to.equal(410);
    expect(again.html).to.include('MAIL_LINK_USED');
    expect((await page(link)).status).to.equal(410);
    const noReason = await page(`${link}/decision`, { session, decision: 'REJECTED' });
    expect(noReason.status).to.equal(400);
    const decided = await page(`${link}/decision`, { session, decision: 'ACCEPTED' });
    expect(decided.status, decided.html).to.equal(200);
    expect(decided.html).to.include('принят');
    const st = await sentStatus(accepted.id);
    expect(st.body).to.include({ status: 'ACCEPTED' });
    expect(st.body.decision).to.include({ status: 'ACCEPTED', via: 'page' });
    // The page session ended with the answer: it cannot answer twice.
    expect((await page(`${link}/decision`, { session, decision: 'REJECTED', reason: 'x' })).status).to.equal(
      410,
    );
  });

  let locked: SentView;
  let lockedDocument: ReturnType<typeof letter>;
  it('locks a link after five wrong codes, whatever comes next', async () => {
    lockedDocument = letter();
    locked = (await call('POST', '/v1/mail/outbound', { document: lockedDocument })).body as SentView;
    const { path: link, code } = await linkAndCode(locked.documentId);
    const statuses: number[] = [];
    // Wrong for certain: the first digit is never the code's own (a fixed "9…" was the right code once in 100 runs).
    const wrong = (i: number) => `${(Number(code[0]) + 1) % 10}${i}${code.slice(2)}`;
    for (let i = 0; i < 5; i++) statuses.push((await page(link, { code: wrong(i) })).status);
    expect(statuses).to.deep.equal([403, 403, 403, 403, 429]);
    const right = await page(link, { code });
    expect(right.status).to.equal(429);
    expect(right.html).to.include('MAIL_LINK_LOCKED').and.not.include('Тарасов');
  });

  let expired: SentView;
  it('a link expires', async () => {
    // The same node's store and mail queue, with links of 1.5 s.
    const short = new MailOutbound(net.get('insurer').node, bridge.book, {
      address: INBOX,
      publicUrl: api.url,
      linkTtlMs: 1500,
    });
    expired = await short.send(letter());
    const { path: link, code } = await linkAndCode(expired.documentId);
    await new Promise((r) => setTimeout(r, 1600));
    const late = await page(link, { code });
    expect(late.status).to.equal(410);
    expect(late.html).to.include('MAIL_LINK_EXPIRED').and.not.include('Тарасов');
  });

  it('re-sends an expired link: a new link and code work, the old link stays dead (REST)', async () => {
    const first = await linkAndCode(expired.documentId);
    const again = await call('POST', `/v1/mail/outbound/${encodeURIComponent(expired.id)}/link`);
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    expect(again.body).to.include({ status: 'HELD_FOR_JOIN', channel: 'link', linksIssued: 2 });
    expect(Date.parse(again.body.linkExpiresAt!)).to.be.greaterThan(Date.now() + 3600_000);
    const all = await mailsAbout(expired.documentId, 4);
    const last = (code: string) => all.filter((m) => m.parsed.headers.get('x-dmsnet-code') === code).at(-1)!;
    const notice = last('DOCUMENT_LINK');
    const coded = last('DOCUMENT_CODE');
    expect(notice.parsed.subject).to.include('Новая ссылка');
    // The same notification id: a reply to the first e-mail still names the document.
    expect(notice.parsed.messageId).to.equal(expired.notificationId);
    for (const m of [notice, coded])
      for (const p of PERSONAL) expect(m.source.toString('utf8'), p).to.not.include(p);
    const link = new URL(/(http:\/\/\S+\/letter\/[A-Za-z0-9_-]{43})/.exec(notice.parsed.text ?? '')![1]!)
      .pathname;
    const code = /: (\d{8})\b/.exec(coded.parsed.text ?? '')![1]!;
    expect(link).to.not.equal(first.path);
    // The old link, with its own code or the new one, opens nothing.
    for (const c of [first.code, code]) {
      const old = await page(first.path, { code: c });
      expect(old.status).to.equal(410);
      expect(old.html).to.include('MAIL_LINK_EXPIRED').and.not.include('Тарасов');
    }
    const opened = await page(link, { code });
    expect(opened.status, opened.html).to.equal(200);
    expect(opened.html).to.include('Тарасов');
    const st = (await sentStatus(expired.id)).body;
    expect(st.status).to.equal('HELD_FOR_JOIN');
    expect(st.openedAt).to.be.a('string');
    // Re-sending again kills the one just opened too.
    expect((await call('POST', `/v1/mail/outbound/${encodeURIComponent(expired.id)}/link`)).status).to.equal(
      200,
    );
    expect((await page(link)).status).to.equal(410);
  });

  it('refuses to re-send a link for an answered, an unknown or a link-less document, naming why', async () => {
    const answered = await call('POST', `/v1/mail/outbound/${encodeURIComponent(accepted.id)}/link`);
    expect(answered.status).to.equal(409);
    expect(answered.body.code).to.equal('MAIL_ALREADY_DECIDED');
    const unknown = await call('POST', `/v1/mail/outbound/${encodeURIComponent('1027700000000:NOPE')}/link`);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.code).to.equal('MAIL_OUTBOUND_UNKNOWN');
    expect(unknown.body.errors[0].pointer).to.equal('/path/id');
  });

  let rejected: SentView;
  it('a reply «ОТКЛОНЕНО: причина» answers the document it names, once', async () => {
    rejected = (await call('POST', '/v1/mail/outbound', { document: letter() })).body as SentView;
    const { notice } = await linkAndCode(rejected.documentId);
    const subject = `Re: ОТКЛОНЕНО: лимит не согласован [dmsnet:${rejected.documentId}]`;
    await sendAsClinic(server, {
      subject,
      text: 'Добрый день.\n\n> исходное письмо',
      headers: { 'In-Reply-To': notice.parsed.messageId! },
    });
    await until('the reply taken', async () => {
      const s = await sentStatus(rejected.id);
      return s.body.status === 'REJECTED' ? s : undefined;
    });
    const st = (await sentStatus(rejected.id)).body;
    expect(st.decision).to.include({
      status: 'REJECTED',
      via: 'reply',
      reason: 'лимит не согласован',
      from: CLINIC_MAIL,
    });
    const confirm = await until('the confirmation', async () => {
      const m = (await server.messages(CLINIC_MAIL)).find(
        (x) => x.parsed.headers.get('x-dmsnet-code') === 'DECISION_REJECTED',
      );
      return m;
    });
    expect(confirm.parsed.text).to.include('отклонён (лимит не согласован)');
    // A second answer to the same document is refused by e-mail, and the first stands.
    await sendAsClinic(server, { subject: `ПРИНЯТО [dmsnet:${rejected.documentId}]` });
    await until('the refusal of a second answer', async () =>
      (await server.messages(CLINIC_MAIL)).find(
        (x) => x.parsed.headers.get('x-dmsnet-code') === 'MAIL_ALREADY_DECIDED',
      ),
    );
    expect((await sentStatus(rejected.id)).body.status).to.equal('REJECTED');
  });

  let encrypted: SentView;
  it('a clinic that registered an age key gets the document as an encrypted attachment only', async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const bad = await call('POST', '/v1/mail/correspondents', { ...CLINIC, ageRecipient: 'age1nope' });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors[0].pointer).to.equal('/ageRecipient');
    expect(
      (await call('POST', '/v1/mail/correspondents', { ...CLINIC, ageRecipient: recipient })).status,
    ).to.equal(201);
    const doc = letter();
    encrypted = (await call('POST', '/v1/mail/outbound', { document: doc })).body as SentView;
    expect(encrypted.channel).to.equal('encrypted');
    const [m] = await mailsAbout(encrypted.documentId, 1);
    const raw = m!.source.toString('utf8');
    for (const p of PERSONAL) expect(raw, p).to.not.include(p);
    expect(m!.parsed.text).to.not.match(/\/letter\//);
    expect(m!.parsed.attachments).to.have.length(1);
    const d = new Decrypter();
    d.addIdentity(identity);
    const plain = await d.decrypt(m!.parsed.attachments[0]!.content, 'text');
    expect(plain).to.equal(canonicalJson({ header: doc.header, body: doc.body }));
    const noLink = await call('POST', `/v1/mail/outbound/${encodeURIComponent(encrypted.id)}/link`);
    expect(noLink.status).to.equal(409);
    expect(noLink.body.code).to.equal('MAIL_NO_LINK');
  });

  it('when the clinic joins, what it left unanswered is handed over on the ledger exactly once', async () => {
    const held = ((await call('GET', '/v1/mail/outbound')).body.items as SentView[]).filter(
      (s) => s.status === 'HELD_FOR_JOIN',
    );
    expect(held.map((s) => s.id).sort()).to.deep.equal([locked.id, expired.id, encrypted.id].sort());
    // The clinic joins: its certificate, its keys, its entry in the directory, and its own node.
    const association = net.get('association');
    const ca = await net.ledger.ca('AssociationMSP');
    const cert = await ca.issue({ commonName: 'clinic-by-mail.associationmsp' });
    const identity = { mspId: 'AssociationMSP', certificate: cert.certificate, privateKey: cert.privateKey };
    const keys = await generateParticipantKeys();
    await association.ledger.submit('directory:register', [
      participantRegistration({
        id: CLINIC.ogrn,
        role: 'clinic',
        name: CLINIC.name,
        inn: CLINIC.inn,
        identity,
        keys,
      }),
    ]);
    clinicNode = await GatewayNode.open({
      participantId: CLINIC.ogrn,
      dataDir: path.join(dir, 'nodes', 'clinic-by-mail'),
      ledger: net.ledger.connect(identity),
      keys,
      keyVersion: 1,
      logger: pino({ level: 'warn' }),
    });
    await clinicNode.start();
    await until('the held documents handed over', async () => {
      const items = (await call('GET', '/v1/mail/outbound')).body.items as SentView[];
      return items.filter((s) => s.status === 'HANDED_OVER').length === 3 ? items : undefined;
    });
    const inbox = await until('the clinic’s inbox', async () => {
      const items = (await clinicNode!.listInbox({ limit: 100 })).items;
      return items.length >= 3 ? items : undefined;
    });
    // Another pass finds nothing left to hand over; the answered ones never went.
    expect(await bridge.outbound.handOver()).to.equal(0);
    // What a pass that crashed after the send and before updating its record does next time: send again. The outbox
    // takes the same id and bytes as the same document, so the ledger still has it once.
    const again = await net.get('insurer').node.send(lockedDocument);
    expect(again.messageId).to.equal(locked.id);
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await clinicNode.listInbox({ limit: 100 })).items;
    expect(after.map((r) => r.messageId).sort()).to.deep.equal([locked.id, expired.id, encrypted.id].sort());
    expect(inbox.length).to.equal(3);
    expect((await sentStatus(accepted.id)).body.status).to.equal('ACCEPTED');
    expect((await sentStatus(rejected.id)).body.status).to.equal('REJECTED');
    const outbox = (await net.get('insurer').node.listOutbox({ limit: 100 })).items;
    expect(outbox.filter((r) => r.addressee === CLINIC.ogrn)).to.have.length(3);
    expect(log.filter((l) => /handed over on the ledger/.test(l))).to.have.length(3);
  });
});
