import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { CONFIG_FILE } from '../../node-config/src/config.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng, generateOgrn } from '@dmsnet/formats';
import { sodium } from '../../gateway/src/crypto/index.js';
import { initNode } from '../../node-config/src/init.js';
import { startNode } from '../../node-config/src/node.js';

const bin = fileURLToPath(new URL('../../node-config/src/cli.js', import.meta.url));

function cli(args: string[], o: { stdin?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DMSNET_PASSPHRASE: 'pw', ...o.env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(o.stdin ?? '');
  });
}

function hostStatus(url: string, host: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: '/v1/health', headers: { Host: host } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('node-config: dmsnet-node user add|list|disable|passwd', function () {
  this.timeout(60_000);
  let dir: string;
  let nodeDir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-users-'));
    nodeDir = path.join(dir, 'clinic');
    const libsodium = await sodium();
    await initNode({
      dir: nodeDir,
      role: 'clinic',
      ogrn: generateOgrn(createRng(44)),
      name: 'ООО «Тест»',
      port: 0,
      passphrase: 'pw',
      kdf: {
        opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      },
    });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const login = (url: string, username: string, password: string) =>
    fetch(`${url}/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('adds people with clinic roles, refuses a role of another kind of participant, lists them', async () => {
    const add = await cli(['user', 'add', nodeDir, 'anna', '--role', 'registrar', '--name', 'Иванова Анна'], {
      stdin: 'first password 1\n',
    });
    expect(add.code, add.stderr).to.equal(0);
    expect(add.stdout).to.contain('added anna (registrar)');
    const env = { DMSNET_USER_PASSWORD: 'second password' };
    expect(
      (await cli(['user', 'add', nodeDir, 'oleg', '--role', 'accountant', '--name', 'Смирнов О.'], { env }))
        .code,
    ).to.equal(0);
    const bad = await cli(['user', 'add', nodeDir, 'ivan', '--role', 'operator', '--name', 'И'], { env });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('ROLE_UNKNOWN').and.contain('/role');
    const short = await cli(['user', 'add', nodeDir, 'petr', '--role', 'admin', '--name', 'П'], {
      stdin: 'short\n',
    });
    expect(short.code).to.equal(1);
    expect(short.stderr).to.contain('PASSWORD_TOO_SHORT');
    const list = await cli(['user', 'list', nodeDir, '--json']);
    const users = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    expect(users.map((u) => [u.username, u.role, u.disabled])).to.deep.equal([
      ['anna', 'registrar', false],
      ['oleg', 'accountant', false],
    ]);
    expect(list.stdout).not.to.contain('argon2');
  });

  it('changes a password and disables a user; the running node honours both and the CLI says it is running', async () => {
    const pw = await cli(['user', 'passwd', nodeDir, 'anna'], { stdin: 'a brand new password\n' });
    expect(pw.code, pw.stderr).to.equal(0);
    expect((await cli(['user', 'disable', nodeDir, 'oleg'])).code).to.equal(0);
    // The console is reached by a configured name too; any other Host is refused.
    const file = path.join(nodeDir, CONFIG_FILE);
    const config = parse(await readFile(file, 'utf8')) as { api: Record<string, unknown> };
    config.api.hostNames = ['dms.clinic.example'];
    await writeFile(file, stringify(config));
    const running = await startNode(nodeDir, { passphrase: 'pw' });
    try {
      expect((await login(running.url, 'anna', 'first password 1')).status).to.equal(401);
      expect((await login(running.url, 'anna', 'a brand new password')).status).to.equal(200);
      expect((await login(running.url, 'oleg', 'second password')).status).to.equal(401);
      expect(await hostStatus(running.url, 'dms.clinic.example')).to.equal(200);
      expect(await hostStatus(running.url, 'evil.example')).to.equal(421);
      const busy = await cli(['user', 'list', nodeDir]);
      expect(busy.code).to.equal(1);
      expect(busy.stderr).to.contain('NODE_RUNNING');
    } finally {
      await running.close();
    }
  });
});
