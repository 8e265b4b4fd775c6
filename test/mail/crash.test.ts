// The IMAP UID and the import commit together: the bridge is killed (SIGKILL) after it fetched a message and before
// it committed what the message became; restarted, it reads that message again, and in the end every message is in
// the inbox once — nothing lost, nothing doubled.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bridgeSettings, GOOD_ROWS, register, sendAsClinic, until, USERS } from './helpers.js';
import { mailServerMissing, startMailServer, type MailServer } from './mail-server.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.js');

function run(args: string[], onLine: (line: string, kill: () => void) => void): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        onLine(line, () => child.kill('SIGKILL'));
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

describe('mail bridge: a crash between fetch and commit loses and doubles nothing', function () {
  this.timeout(300_000);
  let server: MailServer;
  let dir: string;

  before(async function () {
    const missing = mailServerMissing();
    if (missing) {
      console.log(`    mail bridge tests skipped: ${missing}`);
      this.skip();
    }
    // Its own ports, beside the other mail test's.
    server = await startMailServer({
      users: USERS,
      spfPass: ['clinic.test'],
      portBase: Number(process.env.DMSNET_TEST_MAIL_PORT_BASE ?? 32000) + 300,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-mail-crash-'));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('re-reads the message it was killed on and imports each message once', async () => {
    const total = 4;
    const sent: string[] = [];
    for (let i = 0; i < total; i++) {
      const rows = GOOD_ROWS.map((r) => r.map((c) => (c === '02.12.2026' ? `1${i}.12.2026` : c)));
      sent.push(
        await sendAsClinic(server, {
          subject: `Счёт ${400 + i}`,
          attachments: [
            { filename: `r${400 + i}.csv`, content: register('АО «СК Тест»', String(400 + i), rows) },
          ],
        }),
      );
    }
    // All four in the mailbox before the bridge starts, so the UIDs are 1–4.
    await until('four messages in the mailbox', async () =>
      (await server.messages('inbox@insurer.test')).length === total ? true : undefined,
    );
    const settings = JSON.stringify(bridgeSettings(server));
    const seen: string[] = [];
    const code = await run([path.join(dir, 'net'), 'crash', '3', String(total), settings], (line, kill) => {
      seen.push(line);
      if (line === 'FETCHED 3') kill();
    });
    expect(code).to.equal(null);
    expect(seen.filter((l) => l.startsWith('mail uid'))).to.deep.equal([
      `mail uid 1: imported ${seen.find((l) => l.startsWith('mail uid 1'))!.split(' imported ')[1]}`,
      `mail uid 2: imported ${seen.find((l) => l.startsWith('mail uid 2'))!.split(' imported ')[1]}`,
    ]);
    let result: { handled: number; inbox: Array<{ id: string; mail: string }> } | undefined;
    const exit = await run([path.join(dir, 'net'), 'resume', '0', String(total), settings], (line) => {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7));
    });
    expect(exit).to.equal(0);
    // The restarted bridge handled exactly the two it had not committed: UID 3 again, and UID 4.
    expect(result!.handled).to.equal(2);
    expect(result!.inbox).to.have.length(total);
    expect(new Set(result!.inbox.map((r) => r.id)).size).to.equal(total);
    expect(result!.inbox.map((r) => r.mail).sort()).to.deep.equal([...sent].sort());
  });
});
