// The node's mail bridge: reads the node's mailbox over IMAP, hands each new message to the intake, and sends the
// answers the intake and people's decisions wrote down. It polls: NOOP, then the UIDs above the last one whose
// outcome is committed (imapflow's status() on the open mailbox may not see new mail; decision record 0042).
import { ImapFlow, type MailboxObject } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { GatewayNode, InboxRecord, Notification } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import { AddressBook } from './correspondents.js';
import { MailIntake, outgoingOp, type IntakeOutcome, type IntakeSettings } from './intake.js';
import { decisionText } from './decision-letter.js';
import { MailSublevel, type HeldMessage, type MailboxPosition, type OutgoingMail } from './records.js';
import { MailOutbound } from './outbound.js';

export interface MailBridgeSettings extends IntakeSettings {
  imap: { host: string; port: number; secure: boolean; user: string; password: string; mailbox?: string };
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    requireTLS?: boolean;
    user?: string;
    password?: string;
    /** PEM of the CA (or the self-signed certificate) the SMTP server's certificate is checked against. */
    ca?: string;
  };
  pollMs: number;
  /** Where correspondents reach this gateway's link pages; documents go out by e-mail only with it (0049). */
  publicUrl?: string;
  /** How long a download link works. */
  linkTtlMs?: number;
}

export interface MailBridgeOptions {
  /** One line per message handled and per failure (ids and codes, never content). */
  log?: (line: string) => void;
  /** Called after a message is fetched and before its outcome is committed (the crash test stops the bridge here). */
  beforeCommit?: (uid: number) => Promise<void>;
}

/** The key under MailSublevel.position of how far the people's decisions have been answered by e-mail. */
const DECISIONS_SEEN = '\u0000decisions';

export class MailBridge {
  readonly book: AddressBook;
  /** Documents to correspondents by e-mail, their links and answers (decision record 0049). */
  readonly outbound: MailOutbound;
  private readonly intake: MailIntake;
  private readonly transport: Transporter;
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;
  private client?: ImapFlow;
  private unsubscribe?: () => void;
  private readonly mailbox: string;

  constructor(
    private readonly node: GatewayNode,
    private readonly settings: MailBridgeSettings,
    private readonly options: MailBridgeOptions = {},
  ) {
    this.book = new AddressBook(node.store);
    this.outbound = new MailOutbound(
      node,
      this.book,
      {
        address: settings.address,
        ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
        ...(settings.linkTtlMs ? { linkTtlMs: settings.linkTtlMs } : {}),
      },
      () => this.wake?.(),
    );
    this.intake = new MailIntake(node, this.book, settings, this.outbound);
    this.mailbox = settings.imap.mailbox ?? 'INBOX';
    const s = settings.smtp;
    this.transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.secure,
      ...(s.requireTLS ? { requireTLS: true } : {}),
      ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
      ...(s.ca ? { tls: { ca: s.ca } } : {}),
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // A decision on an e-mailed document wakes the loop, which answers it from the durable notification log.
    this.unsubscribe = this.node.notifications.subscribe((n) => {
      if (n.kind === 'status.changed') this.wake?.();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake?.();
    await this.client?.logout().catch(() => undefined);
    await this.loop;
    this.transport.close();
  }

  /** The messages waiting for a person, oldest first, without their bytes. */
  async held(): Promise<Array<Omit<HeldMessage, 'source'>>> {
    const out: Array<Omit<HeldMessage, 'source'>> = [];
    for await (const h of this.node.store.sublevel<HeldMessage>(MailSublevel.held).values()) {
      const { source: _s, ...rest } = h;
      out.push(rest);
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** A person lets a held message in: it is handled as if its sender were authenticated (decision record 0042). */
  async release(id: string, by: string): Promise<IntakeOutcome> {
    const h = await this.node.store.get<HeldMessage>(MailSublevel.held, id);
    if (!h)
      throw new DmsnetError('MAIL_NOT_HELD', `no held message ${id}`, [
        { pointer: '/path/id', code: 'MAIL_NOT_HELD', message: 'no held message has this id' },
      ]);
    const source = h.source ? Buffer.from(h.source, 'base64') : undefined;
    const out = await this.intake.take(
      { source: source ?? Buffer.alloc(0), size: h.size, headerOnly: !source },
      [],
      { heldId: id, by },
    );
    this.wake?.();
    return out;
  }

  /** One pass: new messages, the decisions to answer, the answers to send. Used by the loop, and by tests. */
  async pass(client: ImapFlow): Promise<void> {
    const box = client.mailbox as MailboxObject;
    const uidValidity = String(box.uidValidity);
    const stored = await this.node.store.get<MailboxPosition>(MailSublevel.position, this.mailbox);
    // A new UIDVALIDITY renumbers the mailbox: start over; the message keys keep anything from being taken twice.
    let last = stored && stored.uidValidity === uidValidity ? stored.uid : 0;
    if (box.exists > 0) {
      const fresh: Array<{ uid: number; size: number }> = [];
      for await (const m of client.fetch(`${last + 1}:*`, { uid: true, size: true }, { uid: true }))
        if (m.uid > last) fresh.push({ uid: m.uid, size: m.size ?? 0 });
      for (const { uid, size } of fresh.sort((a, b) => a.uid - b.uid)) {
        if (this.stopped) return;
        const over = size > this.settings.maxMessageBytes;
        const m = await client.fetchOne(String(uid), over ? { headers: true } : { source: true }, {
          uid: true,
        });
        if (!m) continue;
        const source = (over ? m.headers : m.source) ?? Buffer.alloc(0);
        await this.options.beforeCommit?.(uid);
        const position: BatchOp = {
          type: 'put',
          sublevel: MailSublevel.position,
          key: this.mailbox,
          value: { uidValidity, uid } satisfies MailboxPosition,
        };
        const out = await this.intake.take({ source, size, headerOnly: over }, [position]);
        last = uid;
        this.options.log?.(
          `mail uid ${uid}: ${out.outcome}` +
            ('code' in out ? ` ${out.code}` : '') +
            ('documents' in out ? ` ${out.documents.join(', ')}` : ''),
        );
      }
    }
    await this.answerDecisions();
    // The directory is watched here, once a pass: documents held for an ОГРН that has joined go on the ledger.
    await this.outbound.handOver(this.options.log);
    await this.flushOutgoing();
  }

  private async run(): Promise<void> {
    let backoff = 500;
    while (!this.stopped) {
      try {
        await this.session();
        backoff = 500;
      } catch (err) {
        if (this.stopped) break;
        this.options.log?.(
          `mail bridge: ${(err as { code?: string }).code ?? (err as Error).message}; retrying`,
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  private async session(): Promise<void> {
    const s = this.settings.imap;
    const client = new ImapFlow({
      host: s.host,
      port: s.port,
      secure: s.secure,
      auth: { user: s.user, pass: s.password },
      logger: false,
      disableAutoIdle: true,
    });
    // A dropped connection is reported here and by the next command: the loop reconnects.
    client.on('error', () => undefined);
    this.client = client;
    await client.connect();
    const lock = await client.getMailboxLock(this.mailbox);
    try {
      while (!this.stopped) {
        await this.pass(client);
        await this.sleep(this.settings.pollMs);
        if (this.stopped) break;
        await client.noop();
      }
    } finally {
      lock.release();
      await client.logout().catch(() => undefined);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /** People's decisions on e-mailed documents, answered by e-mail from the node's durable notification log. */
  private async answerDecisions(): Promise<void> {
    const seen = (await this.node.store.get<number>(MailSublevel.position, DECISIONS_SEEN)) ?? 0;
    let upTo = seen;
    const ops: BatchOp[] = [];
    for (;;) {
      const page: Notification[] = await this.node.notifications.list(upTo, 200);
      if (!page.length) break;
      for (const n of page) {
        upTo = n.seq;
        if (n.kind !== 'status.changed' || (n.status !== 'ACCEPTED' && n.status !== 'REJECTED')) continue;
        const rec = await this.node.received(n.messageId).catch(() => undefined);
        if (!rec?.email) continue;
        ops.push(outgoingOp(decisionMail(rec)));
      }
    }
    if (upTo === seen) return;
    ops.push({ type: 'put', sublevel: MailSublevel.position, key: DECISIONS_SEEN, value: upTo });
    await this.node.receiveOffLedger([], ops);
  }

  /** Sends the answers written down, each deleted once the SMTP server accepted it (so at least once). */
  private async flushOutgoing(): Promise<void> {
    for await (const [key, m] of this.node.store.sublevel<OutgoingMail>(MailSublevel.outgoing).iterator()) {
      if (this.stopped) return;
      await this.transport.sendMail({
        from: this.settings.address,
        to: m.to,
        subject: m.subject,
        text: m.text,
        ...(m.inReplyTo ? { inReplyTo: m.inReplyTo, references: [m.inReplyTo] } : {}),
        ...(m.messageId ? { messageId: m.messageId } : {}),
        ...(m.attachments
          ? {
              attachments: m.attachments.map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                content: Buffer.from(a.base64, 'base64'),
              })),
            }
          : {}),
        headers: { 'X-Dmsnet-Code': m.code, 'Auto-Submitted': m.autoSubmitted ?? 'auto-replied' },
      });
      await this.node.store.batch([{ type: 'del', sublevel: MailSublevel.outgoing, key }]);
      this.options.log?.(`mail answer sent: ${m.code}`);
    }
  }
}

function decisionMail(rec: InboxRecord): OutgoingMail {
  const email = rec.email!;
  return {
    to: email.from,
    subject: `Re: ${email.subject ?? ''}`.trim(),
    text: decisionText(rec),
    ...(email.messageId.startsWith('sha256:') ? {} : { inReplyTo: email.messageId }),
    code: `DECISION_${rec.status}`,
  };
}
