// The whole `npm start` story, run as a person runs it, on a real Fabric network.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { expectCareBeforeTheBill } from '../network/story-steps.js';

describe('npm start -- --fabric --once: the document story on a real Fabric network', function () {
  this.timeout(600_000);

  it('runs every step of the story over the gateways and brings the network down', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(PACKAGE_ROOT, 'dist', 'sandbox', 'src', 'demo', 'start.js'),
        '--fabric',
        '--once',
        '--port-base',
        '7401',
      ],
      {
        cwd: PACKAGE_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      process.stdout.write(c);
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out.slice(-2000)).to.equal(0);
    expect(out).to.match(/gateways on a Fabric 3\.1\.\d+ network \(7 peers, 3 orderers\)/);
    expect(out.match(/SENT → DELIVERED → ACCEPTED/g)?.length).to.be.at.least(6);
    expect(out).to.include('SENT → DELIVERED → REJECTED');
    expect(out).to.include('SNILS_CHECKSUM');
    expect(out).to.include('1.10.2');
    expect(out).to.include('→ 404 (only the addressee can open it)');
    expect(out).to.include('bringing the Fabric network down');
    expectCareBeforeTheBill(out);
  });
});
