// The mail bridge's settings as an operator writes them in dmsnet-node.yaml (`mail:`): the schema `check` validates
// with pointers, the rules a schema cannot say, and the settings the bridge runs with.
import type { FieldError } from '@dmsnet/formats/errors';
import type { MailBridgeSettings } from './bridge.js';

const SERVER = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port'],
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 253 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    // TLS from the first byte (IMAPS 993, SMTPS 465); otherwise STARTTLS is required off loopback.
    secure: { type: 'boolean' },
    user: { type: 'string', minLength: 1, maxLength: 320 },
    passwordFile: { type: 'string', minLength: 1 },
    passwordEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
  },
} as const;

export const MAIL_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['address', 'authservId', 'imap', 'smtp'],
  properties: {
    /** The mailbox correspondents write to; answers come from it. */
    address: { type: 'string', pattern: '^[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+$' },
    /** The authserv-id the node's own mail server writes in Authentication-Results. */
    authservId: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' },
    imap: { ...SERVER, properties: { ...SERVER.properties, mailbox: { type: 'string', minLength: 1 } } },
    // caFile: the PEM the SMTP server's certificate is checked against (a private CA or a self-signed one).
    smtp: { ...SERVER, properties: { ...SERVER.properties, caFile: { type: 'string', minLength: 1 } } },
    /** Where correspondents reach this gateway's link pages (decision record 0049); no documents by e-mail without it. */
    publicUrl: { type: 'string', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', maxLength: 2000 },
    /** How long a download link works. */
    linkHours: { type: 'integer', minimum: 1, maximum: 720 },
    pollSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
    maxMessageMB: { type: 'integer', minimum: 1, maximum: 200 },
    maxAttachmentMB: { type: 'integer', minimum: 1, maximum: 200 },
  },
} as const;

export interface MailConfig {
  address: string;
  authservId: string;
  imap: ServerConfig & { mailbox?: string };
  smtp: ServerConfig & { caFile?: string };
  publicUrl?: string;
  linkHours?: number;
  pollSeconds?: number;
  maxMessageMB?: number;
  maxAttachmentMB?: number;
}

interface ServerConfig {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  passwordFile?: string;
  passwordEnv?: string;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/i;

/** The host of a URL, without an IPv6 address's brackets ('' for what does not parse: the schema names that). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

/**
 * What the schema cannot say: a password comes from one place, IMAP needs a login, and off loopback the connection
 * is encrypted (IMAPS, or SMTP with implicit TLS or STARTTLS required), so no password or document crosses a network
 * in clear.
 */
export function mailConfigErrors(c: MailConfig, base = '/mail'): FieldError[] {
  const out: FieldError[] = [];
  for (const [name, s] of [
    ['imap', c.imap],
    ['smtp', c.smtp],
  ] as const) {
    const at = `${base}/${name}`;
    if (s.passwordFile && s.passwordEnv)
      out.push({
        pointer: `${at}/passwordEnv`,
        code: 'CONFIG_ONE_OF',
        message: `${at}: passwordFile or passwordEnv, not both`,
      });
    if (name === 'imap' && !s.user)
      out.push({ pointer: `${at}/user`, code: 'CONFIG_REQUIRED', message: `${at}/user: the mailbox login` });
    if (name === 'imap' && !s.passwordFile && !s.passwordEnv)
      out.push({
        pointer: `${at}/passwordFile`,
        code: 'CONFIG_REQUIRED',
        message: `${at}: passwordFile or passwordEnv`,
      });
    if (s.user && name === 'smtp' && !s.passwordFile && !s.passwordEnv)
      out.push({
        pointer: `${at}/passwordFile`,
        code: 'CONFIG_REQUIRED',
        message: `${at}: a user needs passwordFile or passwordEnv`,
      });
    if (name === 'imap' && !LOOPBACK.test(s.host) && s.secure !== true)
      out.push({
        pointer: `${at}/secure`,
        code: 'CONFIG_TLS_REQUIRED',
        message: `${at}/secure must be true off loopback (IMAPS)`,
      });
  }
  // A link to a document is a secret: off loopback it travels only over HTTPS.
  if (c.publicUrl?.startsWith('http://') && !LOOPBACK.test(hostOf(c.publicUrl)))
    out.push({
      pointer: `${base}/publicUrl`,
      code: 'CONFIG_TLS_REQUIRED',
      message: `${base}/publicUrl must be https:// off loopback: the link opens a document`,
    });
  return out;
}

/** The settings the bridge runs with; `secret` reads a password file (relative to the node) or variable. */
export async function mailSettingsOf(
  c: MailConfig,
  secret: (
    s: { passwordFile?: string; passwordEnv?: string },
    pointer: string,
  ) => Promise<string | undefined>,
  /** Reads a file named in the config (relative to the node), for the SMTP server's CA. */
  file?: (name: string) => Promise<string>,
): Promise<MailBridgeSettings> {
  const MB = 1024 * 1024;
  const smtpPassword = await secret(c.smtp, '/mail/smtp');
  const smtpSecure = c.smtp.secure ?? c.smtp.port === 465;
  return {
    address: c.address,
    authservId: c.authservId,
    maxMessageBytes: (c.maxMessageMB ?? 25) * MB,
    maxAttachmentBytes: (c.maxAttachmentMB ?? 20) * MB,
    pollMs: (c.pollSeconds ?? 30) * 1000,
    ...(c.publicUrl ? { publicUrl: c.publicUrl } : {}),
    ...(c.linkHours ? { linkTtlMs: c.linkHours * 3600_000 } : {}),
    imap: {
      host: c.imap.host,
      port: c.imap.port,
      secure: c.imap.secure ?? c.imap.port === 993,
      user: c.imap.user ?? '',
      password: (await secret(c.imap, '/mail/imap')) ?? '',
      ...(c.imap.mailbox ? { mailbox: c.imap.mailbox } : {}),
    },
    smtp: {
      host: c.smtp.host,
      port: c.smtp.port,
      secure: smtpSecure,
      // Off loopback an SMTP session without implicit TLS must upgrade with STARTTLS or fail.
      requireTLS: !smtpSecure && !LOOPBACK.test(c.smtp.host),
      ...(c.smtp.user ? { user: c.smtp.user, password: smtpPassword ?? '' } : {}),
      ...(c.smtp.caFile && file ? { ca: await file(c.smtp.caFile) } : {}),
    },
  };
}
