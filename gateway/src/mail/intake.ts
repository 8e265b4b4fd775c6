// One e-mail message in, one outcome out: documents in the node's inbox, an answer naming rows and columns, a
// message held for a person, or nothing at all for a message already handled. Whatever it decides lands in one
// batch of the node's store with the caller's own writes (the bridge's IMAP position), so a crash before the batch
// leaves the message to be read again and a crash after it leaves nothing to redo (decision record 0042).
import { createHash } from 'node:crypto';
import { simpleParser, type Attachment, type ParsedMail } from 'mailparser';
import { DmsnetError } from '@dmsnet/formats/errors';
import {
  buildReport,
  convertFile,
  findMapping,
  type ConversionNode,
  type ReportEntry,
  type TableMapping,
} from '../adapters/index.js';
import type { GatewayNode, InboxRecord } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import { authenticatedFor, headerLines, trustedResults } from './authentication.js';
import type { AddressBook, Correspondent } from './correspondents.js';
import type { MailOutbound } from './outbound.js';
import { MailSublevel, type HeldMessage, type OutgoingMail, type SeenMessage } from './records.js';
import { outgoingOp } from './outgoing.js';

export { outgoingOp };

export interface IntakeSettings {
  /** The authserv-id the node's own mail server writes in Authentication-Results (RFC 8601). */
  authservId: string;
  /** The bridge's own address: answers come from it, and mail from it is never answered. */
  address: string;
  maxMessageBytes: number;
  maxAttachmentBytes: number;
}

/** What the bridge read from the mailbox: the whole message, or only its header when it is over the size limit. */
export interface FetchedMail {
  source: Buffer;
  /** The size the server gave for the whole message. */
  size: number;
  /** True when `source` holds the header only (the message is over the limit and was not downloaded). */
  headerOnly: boolean;
}

export type IntakeOutcome =
  | { outcome: 'imported'; key: string; documents: string[]; answered: boolean }
  | { outcome: 'answered'; key: string; code: string }
  | { outcome: 'held'; key: string; heldId: string; code: string; reason: string }
  | { outcome: 'decided'; key: string; document: string; code: string }
  | { outcome: 'duplicate'; key: string };

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** The key a message is known by: its Message-ID, or a hash of its bytes where it has none (RFC 5322 allows that). */
export function messageKey(source: Buffer, messageId: string | undefined): string {
  const id = messageId?.trim();
  return id ? `mid:${sha256(id)}` : `raw:${sha256(source)}`;
}

export class MailIntake {
  constructor(
    private readonly node: GatewayNode,
    private readonly book: AddressBook,
    private readonly settings: IntakeSettings,
    private readonly outbound?: MailOutbound,
  ) {}

  /**
   * Handles one message and commits its outcome with `position` (the writes that move the caller past it).
   * `release`: a person let a held message in (its authentication is then the person's word, not the server's).
   */
  async take(
    mail: FetchedMail,
    position: readonly BatchOp[],
    release?: { heldId: string; by: string },
  ): Promise<IntakeOutcome> {
    const lines = headerLines(mail.source);
    const header = (name: string) => lines.find(([n]) => n === name)?.[1];
    const rawMessageId = header('message-id');
    const key = messageKey(mail.source, rawMessageId);
    const seen = await this.node.store.get<SeenMessage>(MailSublevel.seen, key);
    if (seen && !(release && seen.outcome === 'held')) {
      await this.node.receiveOffLedger([], position);
      return { outcome: 'duplicate', key };
    }
    const done = (s: Omit<SeenMessage, 'at'>): BatchOp => ({
      type: 'put',
      sublevel: MailSublevel.seen,
      key,
      value: { ...s, at: new Date().toISOString() } satisfies SeenMessage,
    });
    const releaseOps: BatchOp[] = release
      ? [{ type: 'del', sublevel: MailSublevel.held, key: release.heldId }]
      : [];
    let parsed: ParsedMail | undefined;
    const hold = async (
      code: string,
      reason: string,
      keepSource: boolean,
      from?: string,
      subject?: string,
    ) => {
      const heldId = key.slice(0, 3) + '-' + key.slice(4, 28);
      const held: HeldMessage = {
        id: heldId,
        key,
        code,
        reason,
        at: new Date().toISOString(),
        size: mail.size,
        ...(rawMessageId ? { messageId: rawMessageId } : {}),
        ...(from ? { from } : {}),
        ...(subject ? { subject } : {}),
        // What the sender wrote, for the person who decides (decoded from whatever charset it came in).
        ...(parsed?.text ? { text: parsed.text.trim().slice(0, 4000) } : {}),
        // Sealed in the store like every value; kept so that a release reads the very bytes that arrived.
        ...(keepSource ? { source: mail.source.toString('base64') } : {}),
      };
      await this.node.receiveOffLedger(
        [],
        [
          ...position,
          ...releaseOps.filter((op) => op.key !== heldId),
          { type: 'put', sublevel: MailSublevel.held, key: heldId, value: held },
          done({ outcome: 'held', code }),
        ],
      );
      return { outcome: 'held' as const, key, heldId, code, reason };
    };

    if (!mail.headerOnly) {
      try {
        parsed = await simpleParser(mail.source, {
          skipHtmlToText: true,
          skipTextLinks: true,
          skipImageLinks: true,
        });
      } catch (err) {
        return hold('MAIL_MALFORMED', `the message cannot be parsed: ${(err as Error).message}`, true);
      }
    }
    const fromHeader = header('from');
    const fromList = parsed
      ? (parsed.from?.value ?? []).map((a) => a.address ?? '').filter(Boolean)
      : [...(fromHeader ?? '').matchAll(/[^\s<>"(),;:]+@[^\s<>"(),;:]+/g)].map((m) => m[0]);
    const subject = parsed?.subject ?? header('subject');
    // RFC 5322 allows several From: authors; a document has one sender, so such a message waits for a person.
    if (fromList.length !== 1)
      return hold(
        'MAIL_MALFORMED',
        `the message has ${fromList.length} From: addresses, not one`,
        !mail.headerOnly,
        undefined,
        subject,
      );
    const from = fromList[0]!.toLowerCase();
    const correspondent = await this.book.byAddress(from);
    if (!correspondent)
      return hold(
        'MAIL_SENDER_UNKNOWN',
        `${from} is not an address of a correspondent`,
        !mail.headerOnly,
        from,
        subject,
      );
    const auth = trustedResults(lines, this.settings.authservId);
    const verdict = authenticatedFor(auth, from.slice(from.lastIndexOf('@') + 1));
    if (!verdict.pass && !release)
      return hold('MAIL_NOT_AUTHENTICATED', verdict.why, !mail.headerOnly, from, subject);
    const admittedBy = release ? `released by ${release.by}` : verdict.why;
    const answer = (text: string, code: string): OutgoingMail => ({
      to: from,
      subject: `Re: ${subject ?? ''}`.trim(),
      text,
      ...(rawMessageId ? { inReplyTo: rawMessageId } : {}),
      code,
    });

    // An answer to a document this node sent by e-mail (decision record 0049): the decision, and a confirmation,
    // read and committed while no page can answer the same document.
    const outbound = this.outbound;
    const replied =
      parsed && outbound
        ? await outbound.exclusive(async () => {
            const r = await outbound.replyDecision(correspondent, {
              from,
              ...(subject ? { subject } : {}),
              ...(parsed!.text ? { text: parsed!.text } : {}),
              ...(parsed!.inReplyTo ? { inReplyTo: parsed!.inReplyTo } : {}),
            });
            if (!r) return undefined;
            await this.node.receiveOffLedger(
              [],
              [
                ...position,
                ...releaseOps,
                ...r.ops,
                outgoingOp(answer(letter(correspondent, subject, [r.answer]), r.code)),
                done({ outcome: 'answered', code: r.code }),
              ],
            );
            return r;
          })
        : undefined;
    if (replied)
      return replied.document
        ? { outcome: 'decided', key, document: replied.document, code: replied.code }
        : { outcome: 'answered', key, code: replied.code };

    if (mail.headerOnly || mail.size > this.settings.maxMessageBytes || !parsed) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      const text = letter(correspondent, subject, [
        `Письмо размером ${mb(mail.size)} МБ больше предела ${mb(this.settings.maxMessageBytes)} МБ, который принимает узел; ` +
          'оно не обработано. Разделите реестр на несколько файлов или пришлите его в архиве меньшего размера.',
      ]);
      await this.node.receiveOffLedger(
        [],
        [
          ...position,
          ...releaseOps,
          outgoingOp(answer(text, 'MAIL_TOO_LARGE')),
          done({ outcome: 'answered', code: 'MAIL_TOO_LARGE' }),
        ],
      );
      return { outcome: 'answered', key, code: 'MAIL_TOO_LARGE' };
    }

    const paragraphs: string[] = [];
    const arrivals: Array<{ record: InboxRecord; document: unknown }> = [];
    const extra: BatchOp[] = [];
    const claimed = new Set<string>();
    let failed = 0;
    for (const att of parsed.attachments) {
      const name = att.filename ?? '(без имени)';
      const route = await this.routeOf(correspondent, att);
      if (!route) continue;
      if (att.size > this.settings.maxAttachmentBytes) {
        failed++;
        paragraphs.push(
          `Файл «${name}» (${(att.size / 1024 / 1024).toFixed(1)} МБ) больше предела ` +
            `${(this.settings.maxAttachmentBytes / 1024 / 1024).toFixed(1)} МБ и не обработан [MAIL_TOO_LARGE].`,
        );
        continue;
      }
      const hash = sha256(att.content);
      const before = await this.node.store.get<string>(MailSublevel.attachments, hash);
      if (before || claimed.has(hash)) {
        paragraphs.push(
          `Файл «${name}» уже был получен раньше (документ ${before ?? 'в этом письме'}); повторно он не загружен.`,
        );
        continue;
      }
      const result = await this.convert(correspondent, route, att, name);
      if ('errors' in result) {
        failed++;
        paragraphs.push(rowErrorsText(name, result.errors));
        continue;
      }
      // One attachment, one document id: the same bytes can never become two documents, whatever the message.
      const documentId = `EM-${hash.slice(0, 32)}`;
      const document = result.document as { header: Record<string, unknown>; body: Record<string, unknown> };
      document.header.documentId = documentId;
      const messageId = `${correspondent.ogrn}:${documentId}`;
      const at = new Date().toISOString();
      arrivals.push({
        record: {
          messageId,
          documentType: String(document.header.type),
          formatVersion: String(document.header.formatVersion ?? '1'),
          sender: correspondent.ogrn,
          status: 'RECEIVED',
          receivedAt: at,
          updatedAt: at,
          digest: sha256(JSON.stringify(document)),
          email: {
            messageId: rawMessageId ?? `sha256:${key.slice(4)}`,
            from,
            ...(subject ? { subject } : {}),
            authenticationResults: auth.trusted,
            admittedBy,
            attachment: { name, sha256: hash },
            fileRows: result.fileRows,
          },
        },
        document,
      });
      claimed.add(hash);
      extra.push({ type: 'put', sublevel: MailSublevel.attachments, key: hash, value: messageId });
      paragraphs.push(`Файл «${name}» принят: документ ${documentId}, строк ${result.rows}.`);
    }
    if (arrivals.length === 0 && failed === 0 && paragraphs.length === 0) {
      const names =
        parsed.attachments.map((a) => `«${a.filename ?? 'без имени'}»`).join(', ') || 'нет вложений';
      paragraphs.push(
        `В письме нет файла, который узел умеет читать от ${correspondent.name} (вложения: ${names}) [MAIL_NO_DOCUMENT].`,
      );
      failed++;
    }
    // The sender hears back when something was not taken (errors, or only files already received); a message
    // whose every file was imported needs no answer: the person's decision will be one.
    const answered = failed > 0 || arrivals.length === 0;
    const code = failed > 0 ? 'ROW_ERRORS' : 'ALREADY_RECEIVED';
    if (answered) extra.push(outgoingOp(answer(letter(correspondent, subject, paragraphs), code)));
    await this.node.receiveOffLedger(arrivals, [
      ...position,
      ...releaseOps,
      ...extra,
      done(
        arrivals.length
          ? { outcome: 'imported', documents: arrivals.map((a) => a.record.messageId) }
          : { outcome: 'answered', code },
      ),
    ]);
    return arrivals.length
      ? { outcome: 'imported', key, documents: arrivals.map((a) => a.record.messageId), answered }
      : { outcome: 'answered', key, code };
  }

  /** The first mapping of the correspondent whose `match` takes the attachment's name. */
  private async routeOf(c: Correspondent, att: Attachment): Promise<TableMapping | undefined> {
    const name = att.filename ?? '';
    for (const m of c.mappings) if (new RegExp(m.match, 'i').test(name)) return findMapping(m.mapping);
    return undefined;
  }

  /** The file through the one conversion every adapter uses, as the correspondent's document to this node. */
  private async convert(
    c: Correspondent,
    mapping: TableMapping,
    att: Attachment,
    name: string,
  ): Promise<
    { document: unknown; rows: number; fileRows: Array<number | null> } | { errors: ReportEntry[] }
  > {
    try {
      const conversion = await convertFile(this.asSender(c), {
        bytes: new Uint8Array(att.content.buffer, att.content.byteOffset, att.content.byteLength),
        mapping,
        addressee: this.node.participantId,
      });
      if (conversion.errors.length) return { errors: buildReport(name, conversion.errors).errors };
      return { document: conversion.document, rows: conversion.rows, fileRows: conversion.fileRows };
    } catch (err) {
      // A file that does not read at all (damaged, an archive that unpacks too large, the wrong addressee) is
      // answered with its code; anything else is this node's fault and must not be blamed on the sender.
      if (!(err instanceof DmsnetError)) throw err;
      const fields = err.errors.length ? err.errors : [{ pointer: '', code: err.code, message: err.message }];
      return { errors: buildReport(name, fields).errors };
    }
  }

  /** The conversion sees the correspondent as the sender and this node, from the directory, as the addressee. */
  private asSender(c: Correspondent): ConversionNode {
    const self = { id: c.ogrn, name: c.name, role: c.role, inn: c.inn, status: 'ACTIVE' };
    return {
      participantId: c.ogrn,
      participant: async (ogrn) => (ogrn === c.ogrn ? self : this.node.participant(ogrn)),
      participants: (q) => this.node.participants(q),
      sendingFormat: (type) => this.node.sendingFormat(type),
    };
  }
}

/** The row errors of one file, one line each: its row, its column and its header, in Russian. */
export function rowErrorsText(name: string, errors: readonly ReportEntry[]): string {
  const lines = errors.slice(0, 200).map((e) => {
    const where =
      e.row !== undefined
        ? `строка ${e.row}${e.column ? `, столбец ${e.column}` : ''}${e.header ? ` («${e.header}»)` : ''}`
        : 'файл целиком';
    return `  – ${where}: ${e.messageRu} [${e.code}]`;
  });
  if (errors.length > 200) lines.push(`  … и ещё ${errors.length - 200} ошибок.`);
  return [
    `Файл «${name}» не принят: ошибок ${errors.length}. Исправьте их и пришлите файл снова.`,
    ...lines,
  ].join('\n');
}

function letter(c: Correspondent, subject: string | undefined, paragraphs: string[]): string {
  return [
    'Здравствуйте!',
    '',
    `Ваше письмо «${subject ?? 'без темы'}» получено. Результат обработки вложений для ${c.name} (ОГРН ${c.ogrn}):`,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    'Это письмо отправлено автоматически узлом сети dmsnet.',
  ].join('\n');
}
