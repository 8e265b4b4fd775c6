// Documents to correspondents, the organisations not yet on the network (decision record 0049). Nothing personal
// crosses the mail in clear: the document travels as an age file where the correspondent registered a key, and
// otherwise stays on this node behind a one-time, expiring link whose code goes in a second e-mail. The
// correspondent answers on the link's page or by a reply the bridge reads; when it joins the network, what it has
// not answered yet is handed over on the ledger.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Encrypter } from 'age-encryption';
import { validateDocument, messageIdOf } from '@dmsnet/formats';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { DmsnetError } from '@dmsnet/formats/errors';
import { isFinalCode } from '@dmsnet/formats/error-codes';
import type { GatewayNode } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import type { AddressBook, Correspondent } from './correspondents.js';
import { outgoingOp } from './outgoing.js';
import { codeText, invitation, notificationText } from './outbound-letters.js';
import {
  MailSublevel,
  type LinkState,
  type OutgoingMail,
  type PageSession,
  type SentMail,
} from './records.js';

export interface OutboundSettings {
  /** The bridge's own address: notifications come from it and replies go to it. */
  address: string;
  /** Where correspondents reach this gateway's link pages (`https://dms.example.ru`); no links without it. */
  publicUrl?: string;
  /** How long a download link works (default 72 hours). */
  linkTtlMs?: number;
  /** Wrong codes a link tolerates before it locks (default 5). */
  maxWrongCodes?: number;
}

/** A document sent by e-mail as the API shows it: everything but the document itself. */
export type SentView = Omit<SentMail, 'document'>;

export type Decision = { status: 'ACCEPTED' | 'REJECTED'; reason?: string };

const sha256 = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');
const PAGE_SESSION_MS = 30 * 60_000;
/** What a reply says: «ПРИНЯТО», or «ОТКЛОНЕНО: причина», anywhere in its subject or on its first line. */
const DECISION_WORD = /(?<!\p{L})(ПРИНЯТО|ОТКЛОНЕНО)(?!\p{L})(?:\s*:\s*([^\n[]*))?/iu;
const DOCUMENT_TOKEN = /\[dmsnet:([^\]\s]{1,200})\]/;

function refused(code: ConstructorParameters<typeof DmsnetError>[0], message: string, pointer: string) {
  return new DmsnetError(code, message, [{ pointer, code: String(code), message }]);
}

export function viewOf(s: SentMail): SentView {
  const { document: _d, ...view } = s;
  return view;
}

export class MailOutbound {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly node: GatewayNode,
    private readonly book: AddressBook,
    private readonly settings: OutboundSettings,
    private readonly onQueued: () => void = () => undefined,
  ) {}

  /**
   * Link state and answers change one at a time: two requests racing with wrong codes must both count, and a page's
   * answer and a reply's must not both be taken. The intake reads and commits a reply's answer inside it too.
   */
  exclusive<T>(f: () => Promise<T>): Promise<T> {
    const next = this.chain.then(f, f);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async send(input: unknown): Promise<SentView> {
    if (!this.settings.publicUrl)
      throw new DmsnetError(
        'MAIL_OUTBOUND_NOT_CONFIGURED',
        'this node has no mail.publicUrl: correspondents could not reach a download link',
      );
    const errors = validateDocument(input);
    if (errors.length)
      throw new DmsnetError(
        'DOCUMENT_INVALID',
        `the document breaks ${errors.length} format rule(s)`,
        errors,
      );
    const doc = input as {
      header: {
        documentId: string;
        type: string;
        sender: { ogrn: string; name?: string };
        addressee: { ogrn: string; inn?: string };
      };
      body: unknown;
    };
    const h = doc.header;
    if (h.sender.ogrn !== this.node.participantId)
      throw refused(
        'SENDER_NOT_SELF',
        `this node sends as ${this.node.participantId}`,
        '/header/sender/ogrn',
      );
    const correspondent = (await this.book.list()).find((c) => c.ogrn === h.addressee.ogrn);
    if (!correspondent)
      throw refused(
        'MAIL_ADDRESSEE_NOT_CORRESPONDENT',
        `${h.addressee.ogrn} is not in the address book of correspondents`,
        '/header/addressee/ogrn',
      );
    if (h.addressee.inn && h.addressee.inn !== correspondent.inn)
      throw refused(
        'PARTY_MISMATCH',
        `the address book gives ${correspondent.inn} as the ИНН of ${correspondent.ogrn}`,
        '/header/addressee/inn',
      );
    if (await this.isMember(h.addressee.ogrn))
      throw refused(
        'MAIL_ADDRESSEE_IS_MEMBER',
        `${h.addressee.ogrn} is on the network: send the document on the ledger`,
        '/header/addressee/ogrn',
      );
    const canonical = canonicalJson({ header: doc.header, body: doc.body });
    const digest = sha256(canonical);
    const id = messageIdOf(this.node.participantId, h.documentId);
    const existing = await this.node.store.get<SentMail>(MailSublevel.sent, id);
    if (existing) {
      // A resend of the same document answers what was sent; another document under its id is a conflict.
      if (existing.digest === digest) return viewOf(existing);
      throw refused(
        'MESSAGE_ID_CONFLICT',
        `document ${h.documentId} was already sent with other content`,
        '/header/documentId',
      );
    }
    const at = new Date();
    const notificationId = `<${randomBytes(12).toString('hex')}.${h.documentId.replace(/[^A-Za-z0-9._-]/g, '_')}@dmsnet>`;
    const channel = correspondent.ageRecipient ? 'encrypted' : 'link';
    const sender = await this.senderName(h.sender.name);
    const ops: BatchOp[] = [];
    const sent: SentMail = {
      id,
      documentId: h.documentId,
      documentType: h.type,
      addressee: correspondent.ogrn,
      to: correspondent.addresses,
      channel,
      status: 'HELD_FOR_JOIN',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      digest,
      document: { header: doc.header, body: doc.body },
      notificationId,
    };
    const subject = `Документ № ${h.documentId} от ${sender} [dmsnet:${h.documentId}]`;
    const join = invitation(correspondent);
    if (channel === 'encrypted') {
      const e = new Encrypter();
      e.addRecipient(correspondent.ageRecipient!);
      const cipher = await e.encrypt(canonical);
      for (const to of correspondent.addresses)
        ops.push(
          outgoingOp({
            to,
            subject,
            text: notificationText({ sender, documentId: h.documentId, channel, join }),
            messageId: notificationId,
            autoSubmitted: 'auto-generated',
            attachments: [
              {
                filename: `${h.documentId.replace(/[^A-Za-z0-9._-]/g, '_')}.json.age`,
                contentType: 'application/octet-stream',
                base64: Buffer.from(cipher).toString('base64'),
              },
            ],
            code: 'DOCUMENT_ENCRYPTED',
          }),
        );
    } else {
      const link = this.linkOps(sent, correspondent, { sender, subject, join, at });
      sent.linkExpiresAt = link.expiresAt;
      ops.push(...link.ops);
    }
    ops.unshift({ type: 'put', sublevel: MailSublevel.sent, key: id, value: sent });
    await this.node.store.batch(ops);
    this.onQueued();
    return viewOf(sent);
  }

  /**
   * A new link and code, in two new messages, for a document sent by link that is not answered yet (decision record
   * 0057): the old link was lost, locked or ran out. Every earlier link of the document ends now, expired or not, so
   * at most one works at a time; the notification keeps its Message-ID, so a reply to the first one still names it.
   */
  reissueLink(id: string): Promise<SentView> {
    return this.exclusive(async () => {
      if (!this.settings.publicUrl)
        throw new DmsnetError(
          'MAIL_OUTBOUND_NOT_CONFIGURED',
          'this node has no mail.publicUrl: correspondents could not reach a download link',
        );
      const sent = await this.node.store.get<SentMail>(MailSublevel.sent, id);
      if (!sent) throw refused('MAIL_OUTBOUND_UNKNOWN', `no document ${id} was sent by e-mail`, '/path/id');
      if (sent.channel !== 'link')
        throw refused(
          'MAIL_NO_LINK',
          `document ${sent.documentId} went as an encrypted attachment: it has no link to re-send`,
          '/path/id',
        );
      if (sent.status !== 'HELD_FOR_JOIN')
        throw refused(
          'MAIL_ALREADY_DECIDED',
          `document ${sent.documentId} is ${sent.status} already: no new link`,
          '/path/id',
        );
      const correspondent = (await this.book.list()).find((c) => c.ogrn === sent.addressee);
      if (!correspondent)
        throw refused(
          'MAIL_ADDRESSEE_NOT_CORRESPONDENT',
          `${sent.addressee} is no longer in the address book of correspondents`,
          '/path/id',
        );
      const at = new Date();
      const ops: BatchOp[] = [];
      for await (const [key, st] of this.node.store.sublevel<LinkState>(MailSublevel.links).iterator())
        if (st.sentId === id && !st.replacedAt)
          ops.push({
            type: 'put',
            sublevel: MailSublevel.links,
            key,
            value: { ...st, replacedAt: at.toISOString() } satisfies LinkState,
          });
      const h = (sent.document as { header: { sender: { name?: string } } }).header;
      const sender = await this.senderName(h.sender.name);
      const link = this.linkOps(sent, correspondent, {
        sender,
        subject: `Новая ссылка: документ № ${sent.documentId} от ${sender} [dmsnet:${sent.documentId}]`,
        join: invitation(correspondent),
        at,
      });
      const record: SentMail = {
        ...sent,
        to: correspondent.addresses,
        linkExpiresAt: link.expiresAt,
        linksIssued: (sent.linksIssued ?? 1) + 1,
        updatedAt: at.toISOString(),
      };
      await this.node.store.batch([
        { type: 'put', sublevel: MailSublevel.sent, key: id, value: record },
        ...ops,
        ...link.ops,
      ]);
      this.onQueued();
      return viewOf(record);
    });
  }

  /** A fresh link's state and its two messages: the notification with the link, and the code apart. */
  private linkOps(
    sent: SentMail,
    correspondent: Correspondent,
    o: { sender: string; subject: string; join: string; at: Date },
  ): { ops: BatchOp[]; expiresAt: string } {
    const token = randomBytes(32).toString('base64url');
    const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const expiresAt = new Date(o.at.getTime() + (this.settings.linkTtlMs ?? 72 * 3600_000)).toISOString();
    const ops: BatchOp[] = [
      {
        type: 'put',
        sublevel: MailSublevel.links,
        key: sha256(token),
        value: {
          sentId: sent.id,
          codeHash: codeHash(sent.id, code),
          expiresAt,
          wrongCodes: 0,
        } satisfies LinkState,
      },
    ];
    const url = `${this.settings.publicUrl!.replace(/\/+$/, '')}/letter/${token}`;
    const documentId = sent.documentId;
    for (const to of correspondent.addresses) {
      ops.push(
        outgoingOp({
          to,
          subject: o.subject,
          text: notificationText({
            sender: o.sender,
            documentId,
            channel: 'link',
            join: o.join,
            url,
            expiresAt,
          }),
          messageId: sent.notificationId,
          autoSubmitted: 'auto-generated',
          code: 'DOCUMENT_LINK',
        }),
      );
      // A second message, so the link alone (a forwarded notification, a proxy's log) opens nothing.
      ops.push(
        outgoingOp({
          to,
          subject: `Код доступа к документу № ${documentId} [dmsnet:${documentId}]`,
          text: codeText({ sender: o.sender, documentId, code, expiresAt }),
          autoSubmitted: 'auto-generated',
          code: 'DOCUMENT_CODE',
        }),
      );
    }
    return { ops, expiresAt };
  }

  async get(id: string): Promise<SentView> {
    const s = await this.node.store.get<SentMail>(MailSublevel.sent, id);
    if (!s) throw refused('MAIL_OUTBOUND_UNKNOWN', `no document ${id} was sent by e-mail`, '/path/id');
    return viewOf(s);
  }

  async list(): Promise<SentView[]> {
    const out: SentView[] = [];
    for await (const s of this.node.store.sublevel<SentMail>(MailSublevel.sent).values()) out.push(viewOf(s));
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Whether a link can still be opened (for the page that asks for the code); throws its reason when not. */
  async linkUsable(token: string): Promise<SentView> {
    const st = await this.node.store.get<LinkState>(MailSublevel.links, sha256(token));
    const problem = st && this.linkProblem(st);
    if (!st) throw refused('MAIL_LINK_UNKNOWN', 'no such link', '/path/token');
    if (problem) throw problem;
    return this.get(st.sentId);
  }

  private linkProblem(st: LinkState): DmsnetError | undefined {
    if (st.replacedAt)
      return refused(
        'MAIL_LINK_EXPIRED',
        `the link was replaced by a new one at ${st.replacedAt}: open the newest e-mail`,
        '/path/token',
      );
    if (st.usedAt) return refused('MAIL_LINK_USED', 'the link was already opened', '/path/token');
    if (st.wrongCodes >= this.maxWrong) return refused('MAIL_LINK_LOCKED', 'too many wrong codes', '/code');
    if (Date.parse(st.expiresAt) <= Date.now())
      return refused('MAIL_LINK_EXPIRED', `the link expired at ${st.expiresAt}`, '/path/token');
    return undefined;
  }

  private get maxWrong(): number {
    return this.settings.maxWrongCodes ?? 5;
  }

  /**
   * The right code opens the link, once: the page gets a short-lived session to read the document and decide, and
   * the link is spent. A wrong code counts; the last allowed one locks the link for good.
   */
  open(token: string, code: string): Promise<{ session: string; sent: SentMail }> {
    return this.exclusive(async () => {
      const key = sha256(token);
      const st = await this.node.store.get<LinkState>(MailSublevel.links, key);
      if (!st) throw refused('MAIL_LINK_UNKNOWN', 'no such link', '/path/token');
      const problem = this.linkProblem(st);
      if (problem) throw problem;
      const given = Buffer.from(codeHash(st.sentId, code.trim()), 'hex');
      if (!timingSafeEqual(given, Buffer.from(st.codeHash, 'hex'))) {
        const wrongCodes = st.wrongCodes + 1;
        await this.node.store.batch([
          { type: 'put', sublevel: MailSublevel.links, key, value: { ...st, wrongCodes } },
        ]);
        const left = this.maxWrong - wrongCodes;
        if (left <= 0) throw refused('MAIL_LINK_LOCKED', 'too many wrong codes: the link is locked', '/code');
        throw refused('MAIL_CODE_WRONG', `the code is wrong; ${left} attempt(s) left`, '/code');
      }
      const sent = await this.node.store.get<SentMail>(MailSublevel.sent, st.sentId);
      if (!sent) throw refused('MAIL_LINK_UNKNOWN', 'the document behind the link is gone', '/path/token');
      const session = randomBytes(32).toString('base64url');
      const openedAt = new Date().toISOString();
      await this.node.store.batch([
        // The sender sees that the correspondent opened it (the first time counts).
        {
          type: 'put',
          sublevel: MailSublevel.sent,
          key: sent.id,
          value: { ...sent, openedAt: sent.openedAt ?? openedAt },
        },
        {
          type: 'put',
          sublevel: MailSublevel.links,
          key,
          value: { ...st, usedAt: openedAt },
        },
        {
          type: 'put',
          sublevel: MailSublevel.pageSessions,
          key: sha256(session),
          value: {
            sentId: sent.id,
            expiresAt: new Date(Date.now() + PAGE_SESSION_MS).toISOString(),
          } satisfies PageSession,
        },
      ]);
      return { session, sent };
    });
  }

  /** The document a page session may read (its JSON download). */
  async sessionDocument(session: string): Promise<SentMail> {
    const ps = await this.pageSession(session);
    const sent = await this.node.store.get<SentMail>(MailSublevel.sent, ps.sentId);
    if (!sent) throw refused('MAIL_LINK_UNKNOWN', 'the document is gone', '/session');
    return sent;
  }

  private async pageSession(session: string): Promise<PageSession> {
    const ps = await this.node.store.get<PageSession>(MailSublevel.pageSessions, sha256(session));
    if (!ps || Date.parse(ps.expiresAt) <= Date.now())
      throw refused('MAIL_LINK_EXPIRED', 'the page’s time is up: answer by e-mail instead', '/session');
    return ps;
  }

  /** The correspondent's answer on the link's page; the page session ends with it. */
  decideOnPage(session: string, input: { decision?: unknown; reason?: unknown }): Promise<SentView> {
    return this.exclusive(async () => {
      const ps = await this.pageSession(session);
      const decision = checkDecision(input);
      const sent = await this.node.store.get<SentMail>(MailSublevel.sent, ps.sentId);
      if (!sent) throw refused('MAIL_LINK_UNKNOWN', 'the document is gone', '/session');
      const { ops, record } = this.decisionOps(sent, decision, 'page');
      ops.push({ type: 'del', sublevel: MailSublevel.pageSessions, key: sha256(session) });
      await this.node.store.batch(ops);
      return viewOf(record);
    });
  }

  private decisionOps(
    sent: SentMail,
    d: Decision,
    via: 'page' | 'reply',
    from?: string,
  ): { ops: BatchOp[]; record: SentMail } {
    if (sent.status !== 'HELD_FOR_JOIN')
      throw refused(
        'MAIL_ALREADY_DECIDED',
        `document ${sent.documentId} is ${sent.status} already`,
        '/decision',
      );
    const at = new Date().toISOString();
    const record: SentMail = {
      ...sent,
      status: d.status,
      updatedAt: at,
      decision: { ...d, via, at, ...(from ? { from } : {}) },
    };
    return { ops: [{ type: 'put', sublevel: MailSublevel.sent, key: sent.id, value: record }], record };
  }

  /**
   * A reply that answers a document: «ПРИНЯТО» or «ОТКЛОНЕНО: причина» in its subject or on its first line, the
   * document named by the `[dmsnet:…]` token of the subject or by In-Reply-To. Returns undefined for mail that is no
   * such answer (it goes on to the attachments), else the writes to commit with the message and the answer to send.
   */
  async replyDecision(
    c: Correspondent,
    mail: { from: string; subject?: string; text?: string; inReplyTo?: string },
  ): Promise<{ ops: BatchOp[]; answer: string; code: string; document?: string } | undefined> {
    const subject = mail.subject ?? '';
    const firstLine = (mail.text ?? '').split('\n').find((l) => l.trim() && !l.startsWith('>')) ?? '';
    const said = DECISION_WORD.exec(subject) ?? DECISION_WORD.exec(firstLine);
    if (!said) return undefined;
    const token = DOCUMENT_TOKEN.exec(subject)?.[1];
    let sent = token
      ? await this.node.store.get<SentMail>(MailSublevel.sent, messageIdOf(this.node.participantId, token))
      : undefined;
    if (!sent && mail.inReplyTo)
      sent = (await this.allSent()).find((s) => s.notificationId === mail.inReplyTo!.trim());
    if (!token && !sent) return undefined;
    if (!sent || sent.addressee !== c.ogrn)
      return {
        ops: [],
        code: 'MAIL_OUTBOUND_UNKNOWN',
        answer: `Документ ${token ?? ''} не найден среди отправленных ${c.name}; ответ не записан [MAIL_OUTBOUND_UNKNOWN].`,
      };
    const status = said[1]!.toUpperCase() === 'ПРИНЯТО' ? 'ACCEPTED' : 'REJECTED';
    const reason = said[2]?.trim();
    if (status === 'REJECTED' && !reason)
      return {
        ops: [],
        code: 'REQUEST_REQUIRED',
        answer:
          `Ответ на документ № ${sent.documentId} не записан: после «ОТКЛОНЕНО:» укажите причину, ` +
          `например «ОТКЛОНЕНО: неверная сумма [dmsnet:${sent.documentId}]» [REQUEST_REQUIRED].`,
      };
    try {
      const { ops } = this.decisionOps(
        sent,
        { status, ...(reason ? { reason: reason.slice(0, 1000) } : {}) },
        'reply',
        mail.from,
      );
      return {
        ops,
        document: sent.id,
        code: `DECISION_${status}`,
        answer: `Ваш ответ на документ № ${sent.documentId} записан: ${status === 'ACCEPTED' ? 'принят' : `отклонён (${reason})`}.`,
      };
    } catch (err) {
      if ((err as { code?: string }).code !== 'MAIL_ALREADY_DECIDED') throw err;
      return {
        ops: [],
        code: 'MAIL_ALREADY_DECIDED',
        answer: `На документ № ${sent.documentId} ответ уже записан (${sent.status === 'ACCEPTED' ? 'принят' : sent.status === 'REJECTED' ? 'отклонён' : sent.status}); новый ответ не записан [MAIL_ALREADY_DECIDED].`,
      };
    }
  }

  private async allSent(): Promise<SentMail[]> {
    const out: SentMail[] = [];
    for await (const s of this.node.store.sublevel<SentMail>(MailSublevel.sent).values()) out.push(s);
    return out;
  }

  /**
   * Hands over on the ledger every document still waiting for an addressee that has now joined (the directory
   * lists it ACTIVE). The outbox takes a resend of the same id and bytes as the same document, so a crash between
   * the send and the record's update never puts it on the ledger twice.
   */
  async handOver(log?: (line: string) => void): Promise<number> {
    let n = 0;
    const members = new Map<string, boolean>();
    for (const s of await this.allSent()) {
      if (s.status !== 'HELD_FOR_JOIN') continue;
      if (!members.has(s.addressee))
        members.set(
          s.addressee,
          // A directory that cannot be read now is asked again on the next pass; the bridge's mail goes on.
          await this.isMember(s.addressee).catch((err: unknown) => {
            log?.(`mail: directory unreadable for ${s.addressee}: ${(err as { code?: string }).code ?? err}`);
            return false;
          }),
        );
      if (!members.get(s.addressee)) continue;
      // Re-read and written while no page or reply can answer it: an answer that came first stands.
      const handed = await this.exclusive(async () => {
        const now = await this.node.store.get<SentMail>(MailSublevel.sent, s.id);
        if (now?.status !== 'HELD_FOR_JOIN') return false;
        let update: Partial<SentMail>;
        try {
          await this.node.send(now.document);
          update = { status: 'HANDED_OVER', handedOverAt: new Date().toISOString() };
          log?.(`mail: ${s.id} handed over on the ledger to ${s.addressee}, who joined`);
        } catch (err) {
          // A refusal no retry can fix (its name in the directory differs, no route for the type) is kept and
          // shown; anything else (the ledger is away) is tried again on the next pass.
          const code = (err as { code?: string }).code;
          if (!(err instanceof DmsnetError) || !isFinalCode(err.code)) {
            log?.(`mail: ${s.id} hand-over postponed: ${code ?? (err as Error).message}`);
            return false;
          }
          update = { status: 'FAILED', failure: { code: err.code, message: err.message } };
          log?.(`mail: ${s.id} hand-over refused: ${err.code}`);
        }
        await this.node.store.batch([
          {
            type: 'put',
            sublevel: MailSublevel.sent,
            key: s.id,
            value: { ...now, ...update, updatedAt: new Date().toISOString() },
          },
        ]);
        return update.status === 'HANDED_OVER';
      });
      if (handed) n++;
    }
    return n;
  }

  private async isMember(ogrn: string): Promise<boolean> {
    try {
      return (await this.node.participant(ogrn)).status === 'ACTIVE';
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return false;
      throw err;
    }
  }

  private async senderName(fromHeader?: string): Promise<string> {
    if (fromHeader) return fromHeader;
    try {
      return (await this.node.participant(this.node.participantId)).name;
    } catch {
      return this.node.participantId;
    }
  }
}

function codeHash(sentId: string, code: string): string {
  return sha256(`${sentId}\u0000${code}`);
}

export function checkDecision(input: { decision?: unknown; reason?: unknown }): Decision {
  if (input.decision !== 'ACCEPTED' && input.decision !== 'REJECTED')
    throw refused('REQUEST_INVALID', 'decision is ACCEPTED or REJECTED', '/decision');
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (input.decision === 'REJECTED' && !reason)
    throw refused('REQUEST_INVALID', 'a rejection gives its reason', '/reason');
  if (reason.length > 1000)
    throw refused('REQUEST_INVALID', 'a reason of at most 1,000 characters', '/reason');
  return { status: input.decision, ...(reason ? { reason } : {}) };
}

export type { OutgoingMail };
