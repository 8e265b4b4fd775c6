// The whole `npm start -- --once` story on the embedded network, run as a person runs it.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { expectCareBeforeTheBill } from './story-steps.js';

// Six gateways from the base, the e-mail-only clinic's mail server from the base + 200 (decision record 0049).
const PORT_BASE = Number(process.env.DMSNET_TEST_STORY_PORT_BASE ?? 22000);

describe('npm start -- --once: the document story on the embedded network', function () {
  this.timeout(300_000);

  it('runs every step in order, the care before the bill included, and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(PACKAGE_ROOT, 'dist', 'sandbox', 'src', 'demo', 'start.js'),
        '--once',
        '--port-base',
        String(PORT_BASE),
      ],
      { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out.slice(-3000)).to.equal(0);
    expect(out.match(/SENT → DELIVERED → ACCEPTED/g)?.length).to.be.at.least(8);
    expect(out).to.include('SENT → DELIVERED → REJECTED');
    expect(out).to.include('1.10.2');
    expect(out).to.include('no differences');
    expect(out).to.include('→ 404 (only the addressee can open it)');
    expectCareBeforeTheBill(out);
  });
});
