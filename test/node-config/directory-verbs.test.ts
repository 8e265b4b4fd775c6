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
import { CONFIG_FILE } from '../../node-config/src/config.js';
import { initNode } from '../../node-config/src/init.js';
import { startNode, type RunningNode } from '../../node-config/src/node.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../node-config/src/cli.js', import.meta.url));

/** Runs dmsnet-node; answers its exit code and both streams instead of throwing on a refusal. */
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

describe('dmsnet-node: the association’s directory verbs against its running node', function () {
  // Each dmsnet-node process loads the whole gateway; on a loaded shared machine that alone takes seconds.
  this.timeout(600_000);
  let dir: string;
  let assoc: string;
  let running: RunningNode | undefined;
  const ogrn = generateOgrn(createRng(4401));

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-verbs-'));
    assoc = path.join(dir, 'association');
    const libsodium = await sodium();
    const kdf = {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    await initNode({
      dir: assoc,
      role: 'association',
      ogrn,
      name: 'Ассоциация',
      port: 0,
      passphrase: 'pw',
      kdf,
    });
    // The CLI reaches the node at the configured port: take a free one by starting on 0, then write it back.
    running = await startNode(assoc, { passphrase: 'pw' });
    const config = parse(await readFile(path.join(assoc, CONFIG_FILE), 'utf8')) as { api: { port: number } };
    config.api.port = Number(new URL(running.url).port);
    await writeFile(path.join(assoc, CONFIG_FILE), stringify(config));
  });
  after(async () => {
    await running?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('init refuses an ОГРН whose check digit is wrong, naming the field', async () => {
    const bad = ogrn.slice(0, 12) + String((Number(ogrn[12]) + 1) % 10);
    const r = await cli(
      'init',
      '--role',
      'clinic',
      '--ogrn',
      bad,
      '--name',
      'К',
      '--dir',
      path.join(dir, 'bad'),
    );
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/\/participant\/id\s+OGRN_CHECKSUM/);
  });

  it('founds the directory from the node’s own registration, sets the rules, refuses malformed and unknown input, rotates keys', async () => {
    const request = path.join(dir, 'association.json');
    expect((await cli('registration', assoc, '--out', request)).code).to.equal(0);
    const req = JSON.parse(await readFile(request, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(req)).to.not.match(/PRIVATE KEY|"box"|"sign"/);

    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ ...req, keys: { x25519: 'short' } }));
    const refused = await cli('participant', 'register', broken, '--node', assoc);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('REQUEST_INVALID');
    expect(refused.stderr).to.match(/\/body\/keys\/x25519/);
    expect(refused.stderr).to.match(/\/body\/keys\/ed25519/);

    const founded = await cli('participant', 'register', request, '--node', assoc);
    expect(founded.code, founded.stderr).to.equal(0);
    expect(JSON.parse(founded.stdout)).to.include({ id: ogrn, role: 'association', status: 'ACTIVE' });

    const rules = await cli('rules', '--voters', 'association,insurer', '--quorum', '0.5', '--node', assoc);
    expect(rules.code, rules.stderr).to.equal(0);
    expect(JSON.parse(rules.stdout)).to.deep.equal({ voterRoles: ['association', 'insurer'], quorum: 0.5 });

    const unknown = await cli('participant', 'suspend', generateOgrn(createRng(4402)), '--node', assoc);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('PARTICIPANT_NOT_FOUND');

    const rotated = await cli('rotate-keys', '--node', assoc);
    expect(rotated.code, rotated.stderr).to.equal(0);
    expect(JSON.parse(rotated.stdout)).to.include({ version: 2 });
    const kf = JSON.parse(await readFile(path.join(assoc, 'secrets', 'participant-keys.json'), 'utf8')) as {
      public: { x25519: string };
    };
    expect(kf.public.x25519, 'the key file now shows the new public keys').to.equal(
      (JSON.parse(rotated.stdout) as { x25519: string }).x25519,
    );
  });
});
