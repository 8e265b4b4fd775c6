import 'reflect-metadata';
import { expect } from 'chai';
import { checkedFetch } from '../gateway/fixtures/contract.js';
import * as x509 from '@peculiar/x509';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { createRng, generateOgrn, repoPath } from '@dmsnet/formats';
import { sodium } from '../../gateway/src/crypto/index.js';
import { CONFIG_FILE } from '../../node-config/src/config.js';
import { initNode } from '../../node-config/src/init.js';
import { checkNode, startNode } from '../../node-config/src/node.js';

const run = promisify(execFile);

describe('node-config: init → check → start', () => {
  let dir: string;
  const ogrn = generateOgrn(createRng(42));
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-node-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('brings a working node up from nothing', async () => {
    const libsodium = await sodium();
    const kdf = {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    const nodeDir = path.join(dir, 'clinic');
    await initNode({
      dir: nodeDir,
      role: 'clinic',
      ogrn,
      name: 'ООО «Тест»',
      port: 0,
      passphrase: 'pw',
      kdf,
      webhooks: ['http://127.0.0.1:9/hook'],
    });
    expect((await stat(path.join(nodeDir, 'secrets', 'api-token'))).mode & 0o777).to.equal(0o600);
    const configText = await readFile(path.join(nodeDir, CONFIG_FILE), 'utf8');
    expect(configText).to.not.contain('pw');
    const report = await checkNode(nodeDir);
    expect(report.errors).to.deep.equal([]);
    expect(report.ok).to.equal(true);

    const running = await startNode(nodeDir, { passphrase: 'pw' });
    try {
      expect((await checkedFetch(`${running.url}/v1/health`)).status).to.equal(200);
      const unauth = await checkedFetch(`${running.url}/v1/participants`);
      expect(unauth.status).to.equal(401);
      const res = await checkedFetch(`${running.url}/v1/participants`, {
        headers: { authorization: `Bearer ${running.token}` },
      });
      expect(res.status).to.equal(200);
      const body = JSON.stringify(res.body);
      expect(body).to.contain(ogrn);
      const formats = await checkedFetch(`${running.url}/v1/formats`, {
        headers: { authorization: `Bearer ${running.token}` },
      });
      expect(formats.status).to.equal(200);
      expect(JSON.stringify(formats.body)).to.contain('insured-list');
      const hooks = await checkedFetch(`${running.url}/v1/webhooks`, {
        headers: { authorization: `Bearer ${running.token}` },
      });
      expect(JSON.stringify(hooks.body)).to.contain('http://127.0.0.1:9/hook');
      // The edge workflows run on a node started from its directory: the clinic answers a coverage check.
      const coverage = await checkedFetch(`${running.url}/v1/coverage?policy=NONE-1&date=2026-01-15`, {
        headers: { authorization: `Bearer ${running.token}` },
      });
      expect(coverage.status).to.equal(200);
      expect((coverage.body as { covered?: boolean }).covered).to.equal(false);
    } finally {
      await running.close();
    }
  });

  it('runs the configured folder drop: a sample file dropped into in/ is converted, sent and moved to done/', async () => {
    const libsodium = await sodium();
    const kdf = {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    const nodeDir = path.join(dir, 'insurer-drop');
    const me = generateOgrn(createRng(7));
    await initNode({
      dir: nodeDir,
      role: 'insurer',
      ogrn: me,
      name: 'АО «Тест»',
      port: 0,
      passphrase: 'pw',
      kdf,
    });
    const configPath = path.join(nodeDir, CONFIG_FILE);
    const config = parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    const mappingFile = repoPath('gateway', 'mappings', 'insurer-insured-list-attach.csv.yaml');
    // The sandbox's only other participant is its association: the first start bootstraps it, then the route names it.
    const first = await startNode(nodeDir, { passphrase: 'pw' });
    const directory = await first.node.participants({});
    await first.close();
    const association = directory.items.find((p) => p.role === 'association')!.id;
    // A mapping path that does not exist: check and start name the setting; nothing starts.
    config.adapters = { mappings: [{ file: 'no/such/mapping.yaml', addressee: association }] };
    await writeFile(configPath, stringify(config));
    expect((await checkNode(nodeDir)).errors).to.deep.equal([
      {
        pointer: '/adapters/mappings/0/file',
        code: 'FILE_MISSING',
        message: '/adapters/mappings/0/file: no/such/mapping.yaml does not exist',
      },
    ]);
    const refused = await startNode(nodeDir, { passphrase: 'pw' }).then(
      (n) => n.close().then(() => undefined),
      (err: { errors?: Array<{ pointer: string }> }) => err,
    );
    expect(refused?.errors?.map((e) => e.pointer)).to.deep.equal(['/adapters/mappings/0/file']);
    // The list's own number and date are not in the file: the route's configuration gives them.
    config.adapters = {
      mappings: [
        {
          file: mappingFile,
          addressee: association,
          match: 'attach.*\\.csv$',
          body: { listNumber: 'DROP-1', listDate: '2026-11-15' },
        },
      ],
    };
    await writeFile(configPath, stringify(config));
    expect((await checkNode(nodeDir)).errors).to.deep.equal([]);
    const running = await startNode(nodeDir, { passphrase: 'pw' });
    try {
      const health = (await (await fetch(`${running.url}/v1/health`)).json()) as {
        adapters: Array<{ kind: string; status: string; mappings: Array<{ type: string }> }>;
      };
      expect(health.adapters).to.have.length(1);
      expect(health.adapters[0]).to.include({ kind: 'folder-drop', status: 'running' });
      expect(health.adapters[0]!.mappings[0]).to.include({ type: 'insured-list' });
      const sample = await readFile(repoPath('gateway', 'mappings', 'samples', 'insured-list-attach.csv'));
      await writeFile(path.join(nodeDir, 'exchange', 'in', 'attach-december.csv'), sample);
      const deadline = Date.now() + 30_000;
      while (
        !existsSync(path.join(nodeDir, 'exchange', 'done', 'attach-december.csv')) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(existsSync(path.join(nodeDir, 'exchange', 'done', 'attach-december.csv'))).to.equal(true);
      const out = await running.node.listOutbox({ type: 'insured-list' });
      expect(out.items).to.have.length(1);
    } finally {
      await running.close();
    }
  });

  it('check names every broken key at once', async () => {
    const nodeDir = path.join(dir, 'broken');
    const libsodium = await sodium();
    const kdf = {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    await initNode({ dir: nodeDir, role: 'insurer', ogrn, name: 'АО «Тест»', passphrase: 'pw', kdf });
    const file = path.join(nodeDir, CONFIG_FILE);
    const c = parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
    c.api.port = 70000;
    c.participant.role = 'pharmacy';
    delete c.keys.file;
    c.api.colour = 'blue';
    c.ledger.mode = 'fabric';
    await writeFile(file, stringify(c));
    const r = await checkNode(nodeDir);
    expect(r.ok).to.equal(false);
    const got = r.errors.map((e) => `${e.pointer} ${e.code}`);
    expect(got).to.include.members([
      '/api/port CONFIG_MAXIMUM',
      '/participant/role CONFIG_ENUM',
      '/keys/file CONFIG_REQUIRED',
      '/api/colour CONFIG_UNKNOWN_KEY',
      '/ledger/fabric CONFIG_REQUIRED',
    ]);
  });
});

describe('node-config: the dmsnet-node binary and fabric mode', () => {
  let dir: string;
  const ogrn = generateOgrn(createRng(43));
  const bin = fileURLToPath(new URL('../../node-config/src/cli.js', import.meta.url));
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-node-fab-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('init --ledger fabric writes a CSR naming the participant and the MSP layout; check reports the unreachable peer', async () => {
    const nodeDir = path.join(dir, 'insurer');
    const env = { ...process.env, DMSNET_PASSPHRASE: 'pw' };
    await run(
      process.execPath,
      [
        bin,
        'init',
        '--role',
        'insurer',
        '--ogrn',
        ogrn,
        '--name',
        'АО «Ф»',
        '--dir',
        nodeDir,
        '--ledger',
        'fabric',
        '--peer-endpoint',
        '127.0.0.1:1',
      ],
      { env },
    );
    const csr = new x509.Pkcs10CertificateRequest(
      await readFile(path.join(nodeDir, 'msp', 'csr.pem'), 'utf8'),
    );
    expect(csr.subject).to.contain(`CN=${ogrn}`);
    expect(await csr.verify()).to.equal(true);
    for (const d of ['msp/keystore/key.pem', 'msp/signcerts', 'msp/cacerts', 'tls']) {
      await stat(path.join(nodeDir, d));
    }
    let out = '';
    let code = 0;
    try {
      await run(process.execPath, [bin, 'check', nodeDir], { env });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
      code = (err as { code: number }).code;
    }
    expect(code).to.equal(1);
    expect(out).to.contain('/ledger/fabric/tls/caCert\tFILE_MISSING');
    expect(out).to.contain('/ledger/fabric/peerEndpoint\tLEDGER_UNREACHABLE');
  });
});
