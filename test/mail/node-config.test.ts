// The mail bridge as an operator runs it: the `mail:` settings of dmsnet-node.yaml checked by `check` with
// pointers, `dmsnet-node start` running the bridge, and `dmsnet-node correspondent add|list|remove` on the running
// node, refusing malformed input by field.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { createRng, generateOgrn } from '@dmsnet/formats';
import { sodium } from '../../gateway/src/crypto/index.js';
import { may } from '../../gateway/src/access/roles.js';
import { checkedFetch } from '../gateway/fixtures/contract.js';
import { CONFIG_FILE } from '../../node-config/src/config.js';
import { initNode } from '../../node-config/src/init.js';
import { checkNode, startNode, type RunningNode } from '../../node-config/src/node.js';
import {
  CLINIC_MAIL,
  CORRESPONDENT,
  GOOD_ROWS,
  INBOX,
  register,
  sendAsClinic,
  until,
  USERS,
} from './helpers.js';
import {
  AUTHSERV_ID,
  MAIL_PORT_BASE,
  mailServerMissing,
  startMailServer,
  type MailServer,
} from './mail-server.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../node-config/src/cli.js', import.meta.url));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, DMSNET_PASSPHRASE: 'pw' },
    });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('dmsnet-node: the mail bridge’s settings, its start and the correspondent verbs', function () {
  this.timeout(600_000);
  let server: MailServer;
  let dir: string;
  let nodeDir: string;
  let running: RunningNode | undefined;

  before(async function () {
    const missing = mailServerMissing();
    if (missing) {
      console.log(`    mail bridge tests skipped: ${missing}`);
      this.skip();
    }
    server = await startMailServer({
      users: USERS,
      spfPass: ['clinic.test'],
      portBase: MAIL_PORT_BASE + 600,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-mail-node-'));
    nodeDir = path.join(dir, 'node');
    const na = await sodium();
    await initNode({
      dir: nodeDir,
      role: 'association',
      ogrn: generateOgrn(createRng(5501)),
      name: 'Ассоциация',
      port: 0,
      passphrase: 'pw',
      kdf: {
        opslimit: na.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        memlimit: na.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      },
    });
    await writeFile(path.join(nodeDir, 'mail-password'), USERS[INBOX] + '\n');
  });
  after(async () => {
    await running?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const setMail = async (mail: unknown, port?: number) => {
    const file = path.join(nodeDir, CONFIG_FILE);
    const config = parse(await readFile(file, 'utf8')) as Record<string, unknown> & { api: { port: number } };
    config.mail = mail;
    if (port !== undefined) config.api.port = port;
    await writeFile(file, stringify(config));
  };

  it('check names each wrong mail setting by its pointer', async () => {
    await setMail({
      address: 'not an address',
      authservId: AUTHSERV_ID,
      imap: { host: 'imap.example.org', port: 143, user: INBOX, passwordFile: 'nowhere' },
      smtp: { host: '127.0.0.1', port: server.ports.submission, user: 'x' },
      pollSeconds: 0,
      publicUrl: 'ftp://dms.example.org',
      linkHours: 0,
    });
    const schema = await checkNode(nodeDir);
    expect(schema.ok).to.equal(false);
    expect(schema.errors.map((e) => `${e.pointer} ${e.code}`)).to.include.members([
      '/mail/address CONFIG_PATTERN',
      '/mail/pollSeconds CONFIG_MINIMUM',
      '/mail/publicUrl CONFIG_PATTERN',
      '/mail/linkHours CONFIG_MINIMUM',
    ]);
    await setMail({
      address: INBOX,
      authservId: AUTHSERV_ID,
      imap: { host: 'imap.example.org', port: 143, user: INBOX, passwordFile: 'nowhere' },
      smtp: { host: '127.0.0.1', port: server.ports.submission, user: 'x' },
      // A link opens a document: off loopback it is HTTPS only.
      publicUrl: 'http://dms.example.org',
    });
    const rules = await checkNode(nodeDir);
    expect(rules.errors.map((e) => `${e.pointer} ${e.code}`)).to.include.members([
      '/mail/imap/secure CONFIG_TLS_REQUIRED',
      '/mail/smtp/passwordFile CONFIG_REQUIRED',
      '/mail/publicUrl CONFIG_TLS_REQUIRED',
    ]);
  });

  it('starts the bridge with the node, and manages the address book through the node with field errors', async () => {
    const mail = {
      address: INBOX,
      authservId: AUTHSERV_ID,
      imap: { host: '127.0.0.1', port: server.ports.imap, user: INBOX, passwordFile: 'mail-password' },
      smtp: { host: '127.0.0.1', port: server.ports.submission },
      pollSeconds: 1,
    };
    await setMail(mail);
    const checked = await checkNode(nodeDir);
    expect(checked.errors).to.deep.equal([]);
    running = await startNode(nodeDir, { passphrase: 'pw' });
    await setMail(mail, Number(new URL(running.url).port));

    const bad = await cli(
      'correspondent',
      'add',
      '--node',
      nodeDir,
      '--ogrn',
      '1027700132196',
      '--inn',
      '7707083893',
      '--name',
      'К',
      '--address',
      'nobody',
      '--mapping',
      '(=x',
    );
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('CORRESPONDENT_INVALID');
    expect(bad.stderr).to.match(/\/ogrn/);
    expect(bad.stderr).to.match(/\/addresses\/0/);
    expect(bad.stderr).to.match(/\/mappings\/0\/match/);

    const added = await cli(
      'correspondent',
      'add',
      '--node',
      nodeDir,
      '--ogrn',
      CORRESPONDENT.ogrn,
      '--inn',
      CORRESPONDENT.inn,
      '--name',
      CORRESPONDENT.name,
      '--address',
      CLINIC_MAIL,
      '--mapping',
      `${CORRESPONDENT.mappings[0]!.match}=${CORRESPONDENT.mappings[0]!.mapping}`,
    );
    expect(added.code, added.stderr).to.equal(0);
    // The same routes over HTTP, each answer held to the API contract.
    const token = running.token;
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const refused = await checkedFetch(`${running.url}/v1/mail/correspondents`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ ...CORRESPONDENT, inn: '7707083894', extra: 1 }),
    });
    expect(refused.status).to.equal(422);
    expect(
      (refused.body as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer),
    ).to.deep.equal(['/extra', '/inn']);
    const book = await checkedFetch(`${running.url}/v1/mail/correspondents`, { headers: auth });
    expect((book.body as { items: unknown[] }).items).to.have.length(1);
    const held = await checkedFetch(`${running.url}/v1/mail/held`, { headers: auth });
    expect(held.body).to.deep.equal({ items: [] });
    const none = await checkedFetch(`${running.url}/v1/mail/held/nothing/release`, {
      method: 'POST',
      headers: auth,
    });
    expect(none.status).to.equal(404);
    expect((none.body as { code: string }).code).to.equal('MAIL_NOT_HELD');

    const listed = await cli('correspondent', 'list', '--node', nodeDir);
    expect(
      (JSON.parse(listed.stdout) as { items: Array<{ ogrn: string; addresses: string[] }> }).items,
    ).to.deep.include.members([{ ...(JSON.parse(added.stdout) as object) }]);

    // The running bridge reads the mailbox: an invoice is not the association's to receive, and the clinic hears so.
    await sendAsClinic(server, {
      subject: 'Реестр',
      attachments: [{ filename: 'r.csv', content: register('Ассоциация', '1', GOOD_ROWS) }],
    });
    const answer = await until('the bridge’s answer', async () => {
      const m = await server.messages(CLINIC_MAIL);
      return m[0];
    });
    expect(answer.parsed.text).to.match(/Файл «r\.csv» не принят/);

    const removed = await cli('correspondent', 'remove', CORRESPONDENT.ogrn, '--node', nodeDir);
    expect(removed.code, removed.stderr).to.equal(0);
    const gone = await cli('correspondent', 'remove', CORRESPONDENT.ogrn, '--node', nodeDir);
    expect(gone.code).to.equal(1);
    expect(gone.stderr).to.contain('NOT_FOUND');
  });

  it('keeps the address book the admin’s and held mail a decision', () => {
    expect(may('insurer', 'admin', 'correspondents')).to.equal(true);
    expect(may('insurer', 'operator', 'correspondents')).to.equal(false);
    expect(may('clinic', 'registrar', 'decide')).to.equal(false);
  });
});
