// The tests' real mail server is the sandbox's (Postfix + Dovecot from a temporary folder, see
// sandbox/src/local-mail/mail-server.ts), on ports from DMSNET_TEST_MAIL_PORT_BASE (default 32000) unless a test names
// its own base.
import {
  startMailServer as startSandboxMailServer,
  type MailServer,
  type MailServerOptions,
} from '../../sandbox/src/local-mail/mail-server.js';

export { AUTHSERV_ID, mailServerMissing, type MailServer } from '../../sandbox/src/local-mail/mail-server.js';

export const MAIL_PORT_BASE = Number(process.env.DMSNET_TEST_MAIL_PORT_BASE ?? 32000);

export function startMailServer(
  o: Omit<MailServerOptions, 'portBase'> & { portBase?: number },
): Promise<MailServer> {
  return startSandboxMailServer({ ...o, portBase: o.portBase ?? MAIL_PORT_BASE });
}
