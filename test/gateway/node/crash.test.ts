import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));

function run(
  dir: string,
  mode: string,
  killAfterQueued?: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, '1000', mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const queued = [...out.matchAll(/queued (\d+)/g)].map((m) => Number(m[1]));
      if (killAfterQueued && queued.length && Math.max(...queued) >= killAfterQueued && p.exitCode === null) {
        p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) =>
      code && code !== 0 && !killAfterQueued ? reject(new Error(err)) : resolve({ code, out }),
    );
  });
}

describe('gateway crash safety', function () {
  this.timeout(600_000);

  it('a sender killed -9 while sending 1,000 documents and restarted delivers exactly 1,000, none twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-crash-'));
    try {
      const first = await run(dir, 'send', 400);
      expect(first.code).to.equal(null); // killed by the signal, not finished
      const second = await run(dir, 'resume');
      const line = second.out.split('\n').find((l) => l.startsWith('RESULT '));
      expect(line, second.out).to.not.equal(undefined);
      const result = JSON.parse(line!.slice(7)) as Record<string, number>;
      expect(result).to.deep.equal({ inbox: 1000, distinct: 1000, ledger: 1000, ledgerDistinct: 1000 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
