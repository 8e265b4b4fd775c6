// A sender killed -9 in the middle of a file's pieces resumes after its last committed piece (decision record 0058):
// the ledger holds each piece once, the document is delivered, and the insurer opens the very bytes.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./file-crash-child.js', import.meta.url));

function run(
  dir: string,
  mode: 'send' | 'resume',
  killAfter = 0,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, mode, String(killAfter)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) =>
      code && code !== 0 ? reject(new Error(err.slice(-4000))) : resolve({ code: signal ? null : code, out }),
    );
  });
}

const line = (out: string, tag: string) => {
  const l = out.split('\n').find((x) => x.startsWith(`${tag} `));
  return l ? (JSON.parse(l.slice(tag.length + 1)) as Record<string, unknown>) : undefined;
};

describe('a file transfer killed midway resumes', function () {
  this.timeout(600_000);

  it('a sender killed -9 after 3 of 7 pieces resumes at the next one; delivered once, opened equal', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-file-crash-'));
    try {
      const first = await run(dir, 'send', 3);
      expect(first.code).to.equal(null);
      const killed = line(first.out, 'KILLED');
      expect(killed?.sent as number).to.be.within(3, 6);
      const second = await run(dir, 'resume');
      expect(line(second.out, 'RESULT'), second.out.slice(-2000)).to.deep.equal({
        outbox: 'DELIVERED',
        sent: 7,
        ledgerChunks: 7,
        received: 'RECEIVED',
        equal: true,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
