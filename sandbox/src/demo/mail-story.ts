// The story's e-mail-only clinic (decision records 0042, 0049) and its closing evidence bundle (0034): a real Postfix
// and Dovecot on loopback from Debian's packages, the insurer's mail bridge on them, and the clinic's own mail client
// — imapflow to read its mailbox, fetch to open the link with the code of the second e-mail, nodemailer to answer.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { createRng, generateDocument, generateInn10, generateOgrn } from '@dmsnet/formats';
import { MailBridge } from '../../../gateway/src/mail/bridge.js';
import type { SentView } from '../../../gateway/src/mail/outbound.js';
import { bundleFileName } from '../../../gateway/src/evidence/bundle.js';
import {
  AUTHSERV_ID,
  mailServerMissing,
  startMailServer,
  type MailServer,
} from '../local-mail/mail-server.js';
import type { LocalParticipant } from '../local-network/network.js';
import type { GatewayClient } from './client.js';

type Say = (line: string) => void;

const INSURER_MAIL = 'dms@insurer.demo';
const CLINIC_MAIL = 'reception@clinic.demo';
const rngOgrn = createRng(2602);
/** A clinic that is not on the network: the insurer has it in its address book of correspondents. */
export const MAIL_CLINIC = {
  ogrn: generateOgrn(rngOgrn),
  inn: generateInn10(rngOgrn),
  name: 'ООО «Клиника на Почтовой»',
  role: 'clinic',
  addresses: [CLINIC_MAIL],
  mappings: [{ match: '\\.xlsx$', mapping: 'clinic-price-list.xlsx' }],
};

export interface DemoMail {
  server: MailServer;
  users: Record<string, string>;
  bridge?: MailBridge;
  stop(): Promise<void>;
}

/** A port the system picks now, for a gateway whose link pages must be named before it listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/**
 * Starts the loopback mail server the e-mail-only clinic's step runs on, or says in one line why it cannot run here
 * and resolves undefined (the story then skips that step).
 */
export async function startDemoMail(portBase: number | undefined, say: Say): Promise<DemoMail | undefined> {
  const missing = portBase === undefined ? 'no port base for the mail server was given' : mailServerMissing();
  if (missing) {
    say(`  · the e-mail-only clinic is skipped: ${missing}`);
    return undefined;
  }
  const secret = () => randomBytes(12).toString('base64url');
  const users = { [INSURER_MAIL]: `i-${secret()}`, [CLINIC_MAIL]: `c-${secret()}` };
  const server = await startMailServer({ users, spfPass: ['clinic.demo'], portBase: portBase! });
  say(`  · a mail server on loopback (Postfix + Dovecot, ports ${portBase! + 24}–${portBase! + 587})`);
  // A story that fails exits the process: the mail server, its child, goes with it rather than hold the ports.
  const onExit = () => server.kill();
  process.once('exit', onExit);
  const mail: DemoMail = {
    server,
    users,
    async stop() {
      process.off('exit', onExit);
      await mail.bridge?.stop();
      await server.stop();
    },
  };
  return mail;
}

/** The insurer's mail bridge on the demo's mail server; its link pages are on the insurer's gateway. */
export async function demoMailBridge(mail: DemoMail, insurer: LocalParticipant, publicUrl: string) {
  const s = mail.server;
  mail.bridge = new MailBridge(insurer.node, {
    authservId: AUTHSERV_ID,
    address: INSURER_MAIL,
    maxMessageBytes: 25 * 1024 * 1024,
    maxAttachmentBytes: 15 * 1024 * 1024,
    pollMs: 300,
    imap: {
      host: '127.0.0.1',
      port: s.ports.imap,
      secure: false,
      user: INSURER_MAIL,
      password: mail.users[INSURER_MAIL]!,
    },
    // Submission with STARTTLS and a login, the server's self-signed certificate checked as the node's caFile would.
    smtp: {
      host: '127.0.0.1',
      port: s.ports.submit,
      secure: false,
      requireTLS: true,
      user: INSURER_MAIL,
      password: mail.users[INSURER_MAIL],
      ca: s.certificate,
    },
    publicUrl,
  });
  await mail.bridge.book.add(MAIL_CLINIC);
  return mail.bridge;
}

/** The clinic's mail client: the messages of its mailbox about one document, read over IMAP. */
async function clinicMessages(mail: DemoMail, documentId: string): Promise<ParsedMail[]> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: mail.server.ports.imap,
    secure: false,
    auth: { user: CLINIC_MAIL, pass: mail.users[CLINIC_MAIL]! },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  const out: ParsedMail[] = [];
  try {
    // Dovecot makes the mailbox at its first delivery: before it, there is nothing to read yet.
    const lock = await client.getMailboxLock('INBOX').catch(() => undefined);
    if (!lock) return [];
    try {
      if ((client.mailbox as { exists: number }).exists > 0)
        for await (const m of client.fetch('1:*', { source: true })) out.push(await simpleParser(m.source!));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return out.filter((m) => (m.subject ?? '').includes(`[dmsnet:${documentId}]`));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The insurer sends a guarantee letter to the clinic that has only e-mail: a link in one message, its code in another;
 * the clinic's client opens the link with the code and answers «ПРИНЯТО» by a reply the insurer's bridge reads.
 */
export async function mailOnlyClinicStep(
  mail: DemoMail,
  insurer: LocalParticipant,
  api: GatewayClient,
  say: Say,
): Promise<void> {
  const letter = structuredClone(
    generateDocument('guarantee-letter', {
      seed: 2601,
      rows: 2,
      sender: insurer.party,
      addressee: { ogrn: MAIL_CLINIC.ogrn, inn: MAIL_CLINIC.inn, name: MAIL_CLINIC.name },
    }),
  );
  letter.header.documentId = 'GL-EMAIL-0001';
  const sent = await api.call<SentView & { code?: string }>('POST', '/v1/mail/outbound', {
    document: letter,
  });
  if (sent.status !== 201) throw new Error(`e-mail send refused: ${JSON.stringify(sent.body)}`);
  const id = sent.body.documentId;
  say(
    `  ${insurer.key} → ${MAIL_CLINIC.name} (ОГРН ${MAIL_CLINIC.ogrn}, not on the network, ${CLINIC_MAIL}): ${letter.header.type} ${id}`,
  );
  say(
    `    sent by e-mail as «${sent.body.channel}», state ${sent.body.status}: nothing personal in the mail itself`,
  );
  const [notice, coded] = await until('the notification and the code in the clinic’s mailbox', async () => {
    const m = await clinicMessages(mail, id);
    const n = m.find((x) => x.headers.get('x-dmsnet-code') === 'DOCUMENT_LINK');
    const c = m.find((x) => x.headers.get('x-dmsnet-code') === 'DOCUMENT_CODE');
    return n && c ? ([n, c] as const) : undefined;
  });
  const url = /(https?:\/\/\S+\/letter\/[A-Za-z0-9_-]{43})/.exec(notice.text ?? '')?.[1];
  const code = /: (\d{8})\b/.exec(coded.text ?? '')?.[1];
  if (!url || !code) throw new Error('the notification has no link or the second message no code');
  say(`  the clinic’s mail client (IMAP) has two messages: «${notice.subject}» and «${coded.subject}»`);
  const opened = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code }).toString(),
  });
  const page = await opened.text();
  if (opened.status !== 200) throw new Error(`the link did not open: ${opened.status}`);
  say(
    `  the clinic opens the link with the code → ${opened.status}, the letter on the insurer’s page (${page.length} bytes of HTML)`,
  );
  const again = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code }).toString(),
  });
  say(`  the same link a second time → ${again.status} (a link opens once)`);
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: mail.server.ports.mx,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await t.sendMail({
      from: CLINIC_MAIL,
      to: INSURER_MAIL,
      subject: `Re: ПРИНЯТО [dmsnet:${id}]`,
      text: 'ПРИНЯТО\n\nПациента ждём.',
      inReplyTo: notice.messageId,
      references: notice.messageId,
    });
  } finally {
    t.close();
  }
  say('  the clinic answers by e-mail: «Re: ПРИНЯТО [dmsnet:…]»');
  const decided = await api.waitFor<SentView>(
    `/v1/mail/outbound/${encodeURIComponent(sent.body.id)}`,
    (st, b) => st === 200 && b.status !== 'HELD_FOR_JOIN',
    60_000,
  );
  say(
    `  the insurer’s bridge read the reply (SPF checked by its mail server): ${decided.status} via ${decided.decision?.via} from ${decided.decision?.from}`,
  );
  const confirmation = await until('the confirmation to the clinic', async () =>
    (await clinicMessages(mail, id)).find((x) => x.headers.get('x-dmsnet-code') === 'DECISION_ACCEPTED'),
  );
  say(
    `  the clinic gets the confirmation: «${(confirmation.text ?? '').split('\n').find((l) => /записан/.test(l)) ?? confirmation.subject}»`,
  );
}

/** `dmsnet-verify`, the program a lawyer runs: compiled beside this story. */
const VERIFY_CLI = fileURLToPath(new URL('../../../node-config/src/verify-cli.js', import.meta.url));

/**
 * The sender's gateway writes one document's evidence bundle (what `dmsnet-node evidence ID` saves), and
 * `dmsnet-verify` checks it in a separate process, with nothing but the file.
 */
export async function evidenceStep(
  api: GatewayClient,
  messageId: string,
  outDir: string,
  say: Say,
): Promise<void> {
  const r = await fetch(`${api.url}/v1/documents/${encodeURIComponent(messageId)}/evidence`, {
    headers: { Authorization: `Bearer ${api.token}` },
  });
  if (r.status !== 200) throw new Error(`evidence refused: ${r.status} ${await r.text()}`);
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, bundleFileName(messageId));
  await writeFile(file, Buffer.from(await r.arrayBuffer()));
  say(`  the insurer’s gateway wrote the bundle of ${messageId}: ${file}`);
  say(`  dmsnet-verify ${path.basename(file)} (offline: no network, no gateway):`);
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [VERIFY_CLI, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (c) => resolve({ code: c, out }));
  });
  for (const line of out.trimEnd().split('\n')) say(`    ${line}`);
  if (code !== 0) throw new Error(`dmsnet-verify did not pass the bundle (exit ${code})`);
}
