// A real mail server on loopback for the mail bridge's tests and the demo's e-mail-only clinic, from Debian's packages:
// Postfix takes SMTP and delivers over LMTP to Dovecot, which serves the mailboxes over IMAP. Both run from a temporary
// configuration folder as child processes of the caller, on the ports it gives (tests: DMSNET_TEST_MAIL_PORT_BASE),
// never as system services.
//
// Authentication-Results: on loopback there is no DNS to check SPF against, so the server's SPF verdict comes from a
// fixed table in Postfix itself (check_sender_access PREPEND): the domains the test names pass from 127.0.0.1, every
// other envelope sender fails. The header is then written by the real server, above its own Received line, exactly
// where a milter's would be, and a header a client forged stays below it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import net from 'node:net';

export const AUTHSERV_ID = 'mx.insurer.test';

/** Why the real mail server cannot run here, or undefined when it can (the binaries of Debian's packages). */
export function mailServerMissing(): string | undefined {
  const need = ['/usr/sbin/dovecot', '/usr/sbin/postconf'];
  const absent = need.filter((f) => !existsSync(f));
  if (absent.length)
    return `no ${absent.join(', ')}: apt-get install postfix dovecot-imapd dovecot-lmtpd (as .ci/run does)`;
  if (!existsSync(path.join(postfixDaemonDir(), 'master'))) return 'no Postfix master daemon';
  if (process.getuid?.() !== 0) return 'Postfix and Dovecot run from a temporary folder only as root';
  return undefined;
}

function postfixDaemonDir(): string {
  const r = spawnSync('/usr/sbin/postconf', ['-h', 'daemon_directory'], { encoding: 'utf8' });
  return r.stdout.trim() || '/usr/lib/postfix/sbin';
}

export interface MailServer {
  dir: string;
  ports: { mx: number; submission: number; lmtp: number; imap: number; submit: number };
  users: Record<string, string>;
  /** The self-signed certificate (PEM) the authenticated submission port presents after STARTTLS. */
  certificate: string;
  stop(): Promise<void>;
  /** Signals both servers to stop, at once and without waiting (for a process that is exiting). */
  kill(): void;
  /** The messages of a mailbox, parsed, oldest first. */
  messages(user: string): Promise<Array<{ uid: number; parsed: ParsedMail; source: Buffer }>>;
  /** The server's log (Postfix's maillog), for a test's failure message. */
  log(): Promise<string>;
}

export interface MailServerOptions {
  /** Mailbox users (address → password). */
  users: Record<string, string>;
  /** Envelope-sender domains whose SPF passes from loopback. */
  spfPass: string[];
  /** Postfix's message_size_limit (bytes). */
  maxMessageBytes?: number;
  /** The ports are base+24 (LMTP), +25 (MX), +87 (plain submission), +143 (IMAP), +587 (submission with auth). */
  portBase: number;
}

async function waitForPort(port: number, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.once('exit', () => (clearTimeout(t), resolve()));
    c.kill('SIGTERM');
  });
}

export async function startMailServer(o: MailServerOptions): Promise<MailServer> {
  const base = o.portBase;
  const ports = {
    mx: base + 25,
    submission: base + 87,
    lmtp: base + 24,
    imap: base + 143,
    submit: base + 587,
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-mail-'));
  // Postfix's and Dovecot's unprivileged processes walk into it.
  await chmod(dir, 0o755);
  const pf = path.join(dir, 'postfix');
  const dv = path.join(dir, 'dovecot');
  const queue = path.join(pf, 'queue');
  await mkdir(path.join(queue, 'pid'), { recursive: true });
  const postfixUid = Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim());
  const postdrop = Number(
    spawnSync('getent', ['group', 'postdrop'], { encoding: 'utf8' }).stdout.split(':')[2],
  );
  for (const d of [
    'incoming',
    'active',
    'bounce',
    'defer',
    'deferred',
    'flush',
    'hold',
    'corrupt',
    'trace',
    'saved',
    'private',
    'maildrop',
    'public',
  ]) {
    const p = path.join(queue, d);
    await mkdir(p);
    await chown(p, postfixUid, d === 'maildrop' || d === 'public' ? postdrop : 0);
    await chmod(p, d === 'maildrop' ? 0o730 : d === 'public' ? 0o710 : 0o700);
  }
  // The submission port a node sends through as any mail client would: STARTTLS (a self-signed certificate the
  // client is given) and then a login, checked by Dovecot over Postfix's SASL socket.
  const cert = path.join(pf, 'cert.pem');
  const key = path.join(pf, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${AUTHSERV_ID}`,
      '-addext',
      `subjectAltName=DNS:${AUTHSERV_ID},IP:127.0.0.1`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make the test certificate: ${made.stderr}`);
  await chmod(key, 0o644);
  await mkdir(path.join(pf, 'data'));
  await chown(path.join(pf, 'data'), postfixUid, 0);
  const domains = [...new Set(Object.keys(o.users).map((u) => u.slice(u.indexOf('@') + 1)))];
  await writeFile(
    path.join(pf, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${queue}`,
      `data_directory = ${path.join(pf, 'data')}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      // Without syslog: Postfix's own log file, which it writes only under a listed prefix.
      `maillog_file = ${path.join(pf, 'maillog')}`,
      `maillog_file_prefixes = ${pf}`,
      `myhostname = ${AUTHSERV_ID}`,
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      `virtual_mailbox_domains = ${domains.join(' ')}`,
      `virtual_transport = lmtp:inet:127.0.0.1:${ports.lmtp}`,
      `message_size_limit = ${o.maxMessageBytes ?? 60 * 1024 * 1024}`,
      'smtputf8_enable = yes',
      'alias_maps =',
      'alias_database =',
      '',
    ].join('\n'),
  );
  const spf = [
    ...o.spfPass.map(
      (d) =>
        `/@${d.replace(/\./g, '\\.')}$/ PREPEND Authentication-Results: ${AUTHSERV_ID}; spf=pass smtp.mailfrom=${d}`,
    ),
    `/@(.+)$/ PREPEND Authentication-Results: ${AUTHSERV_ID}; spf=fail smtp.mailfrom=$1`,
    '',
  ].join('\n');
  await writeFile(path.join(pf, 'spf'), spf);
  const services = [
    ['pickup', 'unix', 'n', '-', 'n', '60', '1', 'pickup'],
    ['cleanup', 'unix', 'n', '-', 'n', '-', '0', 'cleanup'],
    ['qmgr', 'unix', 'n', '-', 'n', '300', '1', 'qmgr'],
    ['rewrite', 'unix', '-', '-', 'n', '-', '-', 'trivial-rewrite'],
    ['bounce', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
    ['defer', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
    ['trace', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
    ['verify', 'unix', '-', '-', 'n', '-', '1', 'verify'],
    ['flush', 'unix', 'n', '-', 'n', '1000?', '0', 'flush'],
    ['proxymap', 'unix', '-', '-', 'n', '-', '-', 'proxymap'],
    ['smtp', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
    ['relay', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
    ['showq', 'unix', 'n', '-', 'n', '-', '-', 'showq'],
    ['error', 'unix', '-', '-', 'n', '-', '-', 'error'],
    ['retry', 'unix', '-', '-', 'n', '-', '-', 'error'],
    ['discard', 'unix', '-', '-', 'n', '-', '-', 'discard'],
    ['lmtp', 'unix', '-', '-', 'n', '-', '-', 'lmtp'],
    ['anvil', 'unix', '-', '-', 'n', '-', '1', 'anvil'],
    ['scache', 'unix', '-', '-', 'n', '-', '1', 'scache'],
    ['postlog', 'unix-dgram', 'n', '-', 'n', '-', '1', 'postlogd'],
    ['tlsmgr', 'unix', '-', '-', 'n', '1000?', '1', 'tlsmgr'],
  ];
  await writeFile(
    path.join(pf, 'master.cf'),
    [
      // The inbound port other servers deliver to: it records the SPF verdict.
      `127.0.0.1:${ports.mx} inet n - n - - smtpd -o smtpd_sender_restrictions=check_sender_access,regexp:${path.join(pf, 'spf')}`,
      // The submission port the bridge sends its answers through.
      `127.0.0.1:${ports.submission} inet n - n - - smtpd`,
      // Submission with STARTTLS required and SASL auth via Dovecot: nothing is relayed for an unauthenticated client.
      [
        `127.0.0.1:${ports.submit} inet n - n - - smtpd`,
        '-o smtpd_tls_security_level=encrypt',
        `-o smtpd_tls_cert_file=${cert}`,
        `-o smtpd_tls_key_file=${key}`,
        '-o smtpd_tls_auth_only=yes',
        '-o smtpd_sasl_auth_enable=yes',
        '-o smtpd_sasl_type=dovecot',
        '-o smtpd_sasl_path=private/auth',
        '-o smtpd_client_restrictions=permit_sasl_authenticated,reject',
        '-o smtpd_relay_restrictions=permit_sasl_authenticated,reject',
      ].join(' '),
      ...services.map((s) => s.join(' ')),
      '',
    ].join('\n'),
  );
  await mkdir(path.join(dv, 'base'), { recursive: true });
  await mkdir(path.join(dv, 'state'));
  await mkdir(path.join(dv, 'mail'));
  const dovenull = spawnSync('id', ['-u', 'dovenull'], { encoding: 'utf8' }).stdout.trim();
  await chown(path.join(dv, 'mail'), Number(dovenull), 0);
  await writeFile(
    path.join(dv, 'users'),
    Object.entries(o.users)
      .map(([u, p]) => `${u}:{PLAIN}${p}`)
      .join('\n') + '\n',
  );
  await writeFile(
    path.join(dv, 'dovecot.conf'),
    `base_dir = ${path.join(dv, 'base')}
state_dir = ${path.join(dv, 'state')}
log_path = ${path.join(dv, 'dovecot.log')}
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${path.join(dv, 'mail')}/%u
mail_uid = dovenull
mail_gid = dovenull
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${path.join(dv, 'users')}
}
userdb {
  driver = static
  args = uid=dovenull gid=dovenull home=${path.join(dv, 'mail')}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service auth {
  unix_listener ${path.join(queue, 'private', 'auth')} {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${ports.lmtp}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
protocol lmtp {
  postmaster_address = postmaster@${domains[0]}
}
`,
  );
  const dovecot = spawn('/usr/sbin/dovecot', ['-F', '-c', path.join(dv, 'dovecot.conf')], {
    stdio: 'ignore',
  });
  const master = spawn(path.join(postfixDaemonDir(), 'master'), ['-c', pf, '-d'], { stdio: 'ignore' });
  const stop = async () => {
    await Promise.all([stopChild(master), stopChild(dovecot)]);
  };
  try {
    await Promise.all([
      waitForPort(ports.mx),
      waitForPort(ports.submission),
      waitForPort(ports.imap),
      waitForPort(ports.lmtp),
      waitForPort(ports.submit),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    ports,
    users: o.users,
    certificate: await readFile(cert, 'utf8'),
    kill() {
      for (const c of [master, dovecot]) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    },
    async stop() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
    async messages(user) {
      const client = new ImapFlow({
        host: '127.0.0.1',
        port: ports.imap,
        secure: false,
        auth: { user, pass: o.users[user]! },
        logger: false,
      });
      client.on('error', () => undefined);
      await client.connect();
      const out: Array<{ uid: number; parsed: ParsedMail; source: Buffer }> = [];
      const lock = await client.getMailboxLock('INBOX');
      try {
        if ((client.mailbox as { exists: number }).exists > 0)
          for await (const m of client.fetch('1:*', { uid: true, source: true }))
            out.push({ uid: m.uid, source: m.source!, parsed: await simpleParser(m.source!) });
      } finally {
        lock.release();
        await client.logout();
      }
      return out.sort((a, b) => a.uid - b.uid);
    },
    async log() {
      return readFile(path.join(pf, 'maillog'), 'utf8').catch(() => '');
    },
  };
}
