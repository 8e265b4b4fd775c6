import { expect } from 'chai';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The chaincode image (chaincode/Containerfile) installs the packed workspaces alone. This test takes the same steps
// without a container: npm pack of formats, gost and chaincode, npm install --omit=dev of the image's package.json with the
// repository's lockfile, offline from the npm cache that `npm ci` filled, then the installed server must listen. A runtime import the chaincode
// package does not declare fails here, as it would in the image.
const ROOT = resolve(import.meta.dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function listening(port: number, withinMs: number, exited: () => string | undefined): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    const why = exited();
    if (why) throw new Error(`the chaincode server exited before it listened: ${why}`);
    const open = await new Promise<boolean>((done) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('chaincode: the package installs and runs alone (what the CCaaS image holds)', function () {
  this.timeout(300_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dmsnet-chaincode-image-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('packs formats and chaincode, installs them offline without development dependencies, and listens', async () => {
    console.log('      packing @dmsnet/formats, @dmsnet/gost and @dmsnet/chaincode');
    execFileSync(
      'npm',
      [
        'pack',
        '--workspace',
        'formats',
        '--workspace',
        'gost',
        '--workspace',
        'chaincode',
        '--pack-destination',
        dir,
        '--silent',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    copyFileSync(join(ROOT, 'chaincode', 'image', 'package.json'), join(dir, 'package.json'));
    // As in the image: the repository's lockfile pins every version, and those are the ones `npm ci` cached.
    copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    console.log('      npm install --omit=dev --offline (from the npm cache)');
    execFileSync(
      'npm',
      ['install', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );

    const installed = readdirSync(join(dir, 'node_modules'));
    expect(installed).to.include.members(['@dmsnet', 'fabric-shim', 'fabric-contract-api', 'ajv']);
    // The gateway's runtime stays out of the image.
    for (const gatewayOnly of ['express', 'level', 'libsodium-wrappers-sumo', 'exceljs', 'pino'])
      expect(installed, gatewayOnly).to.not.include(gatewayOnly);
    expect(readdirSync(join(dir, 'node_modules', '@dmsnet')).sort()).to.deep.equal([
      'chaincode',
      'formats',
      'gost',
    ]);

    const server = join(dir, 'node_modules', '@dmsnet', 'chaincode', 'dist', 'server.js');
    expect(existsSync(server)).to.be.true;
    const port = await freePort();
    let exit: string | undefined;
    let stderr = '';
    const child = spawn(process.execPath, [server], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        CORE_CHAINCODE_ID: 'dmsnet_probe:0000',
        CORE_CHAINCODE_ADDRESS: `127.0.0.1:${port}`,
        CORE_PEER_LOCALMSPID: 'ProbeMSP',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code, signal) => (exit = `code ${code} signal ${signal}: ${stderr.trim()}`));
    try {
      console.log(`      starting the installed chaincode server on 127.0.0.1:${port}`);
      await listening(port, 60_000, () => exit);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
