import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';

const start = (...args: string[]) =>
  spawnSync(
    process.execPath,
    [path.join(PACKAGE_ROOT, 'dist', 'sandbox', 'src', 'demo', 'start.js'), ...args],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );

describe('npm start: its command line', () => {
  it('--help prints the usage and exits 0 without starting anything', () => {
    const r = start('--help');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.include('Usage: npm start -- [options]').and.include('--fabric');
  });

  it('an unknown option or a bad port is refused with the usage, exit 1', () => {
    for (const args of [['--bogus'], ['--port-base', 'x']]) {
      const r = start(...args);
      expect(r.status, args.join(' ')).to.equal(1);
      expect(r.stderr).to.match(/unknown option|is invalid/);
      expect(r.stderr).to.include('Usage:');
    }
  });
});

describe('npm run network:up: its command line', () => {
  it('refuses a port base that is not a usable port, before starting anything', () => {
    const r = spawnSync(
      process.execPath,
      [
        path.join(PACKAGE_ROOT, 'dist', 'network', 'src', 'cli.js'),
        '--dir',
        '/nonexistent/dmsnet-net',
        'up',
        '--port-base',
        'abc',
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include("option '--port-base <n>' argument 'abc' is invalid");
  });
});
