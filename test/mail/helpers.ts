import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import { repoPath } from '@dmsnet/formats';
import type { MailBridgeSettings } from '../../gateway/src/mail/bridge.js';
import { AUTHSERV_ID, type MailServer } from './mail-server.js';

export const INBOX = 'inbox@insurer.test';
export const CLINIC_MAIL = 'clinic@clinic.test';
export const USERS = { [INBOX]: 'inbox-secret', [CLINIC_MAIL]: 'clinic-secret' };

/** A clinic not on the network, as the insurer registers it in its address book. */
export const CORRESPONDENT = {
  ogrn: '1027700132195',
  inn: '7707083893',
  name: 'ООО «Клиника Почта»',
  role: 'clinic',
  addresses: [CLINIC_MAIL],
  mappings: [
    {
      match: '\\.csv$',
      mapping: repoPath('test', 'mail', 'fixtures', 'email-invoice-register.csv.yaml'),
    },
    { match: '\\.xlsx$', mapping: 'clinic-price-list.xlsx' },
  ],
};

export function bridgeSettings(
  server: MailServer,
  over: Partial<MailBridgeSettings> = {},
): MailBridgeSettings {
  return {
    authservId: AUTHSERV_ID,
    address: INBOX,
    maxMessageBytes: 25 * 1024 * 1024,
    maxAttachmentBytes: 15 * 1024 * 1024,
    pollMs: 200,
    imap: { host: '127.0.0.1', port: server.ports.imap, secure: false, user: INBOX, password: USERS[INBOX] },
    smtp: { host: '127.0.0.1', port: server.ports.submission, secure: false },
    ...over,
  };
}

/** A register in Windows-1251 as a clinic's MIS writes it, with the rows given. */
export function register(payer: string, number: string, rows: string[][]): Buffer {
  const lines = [
    `Реестр оказанных медицинских услуг к счёту № ${number} от 05.01.2027 за декабрь 2026, договор № Д-77 от 01.01.2026;;;;;;;;;;;`,
    `Плательщик: ${payer};;;;;;;;;;;`,
    '№ п/п;Фамилия;Имя;Отчество;Пол;Дата рождения;№ полиса;Дата оказания;Код услуги;Кол-во;Цена;Сумма',
    ...rows.map((r) => r.join(';')),
  ];
  return iconv.encode(lines.join('\r\n') + '\r\n', 'win1251');
}

export const GOOD_ROWS = [
  [
    '1',
    'Смирнова',
    'Анна',
    'Дмитриевна',
    'Ж',
    '15.01.1994',
    'ДМС-77-1043330',
    '02.12.2026',
    'К-001',
    '2',
    '2200,00',
    '4400,00',
  ],
  [
    '2',
    'Ким',
    'Алёна',
    '',
    'Ж',
    '17.05.1984',
    'ДМС-77-2523599',
    '07.12.2026',
    'С-400',
    '1',
    '1500,00',
    '1500,00',
  ],
];

/** The clinic's mail client: it hands the message to the insurer's MX as the clinic's provider would. */
export async function sendAsClinic(
  server: MailServer,
  m: {
    subject: string;
    attachments?: Array<{ filename: string; content: Buffer }>;
    envelopeFrom?: string;
    from?: string;
    messageId?: string;
    headers?: Record<string, string>;
    text?: string;
  },
): Promise<string> {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.ports.mx,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await t.sendMail({
      from: m.from ?? CLINIC_MAIL,
      to: INBOX,
      subject: m.subject,
      text: m.text ?? 'Добрый день! Реестр во вложении.',
      envelope: { from: m.envelopeFrom ?? CLINIC_MAIL, to: INBOX },
      ...(m.messageId ? { messageId: m.messageId } : {}),
      ...(m.headers ? { headers: m.headers } : {}),
      attachments: m.attachments ?? [],
    });
    return info.messageId;
  } finally {
    t.close();
  }
}

/** Sends raw message bytes to the MX (for what a mail client would never write). */
export async function sendRaw(server: MailServer, envelopeFrom: string, raw: Buffer | string): Promise<void> {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.ports.mx,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await t.sendMail({ envelope: { from: envelopeFrom, to: [INBOX] }, raw });
  } finally {
    t.close();
  }
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
