import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));

function run(args: string[], killAfter?: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const n = (out.match(/^committed /gm) ?? []).length;
      if (killAfter !== undefined && n >= killAfter && p.exitCode === null) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code ? reject(new Error(err)) : resolve({ code, out })));
  });
}

describe('embedded ledger crash safety', function () {
  this.timeout(300_000);

  it('after kill -9 mid-way through 1,000 sends it holds a whole prefix, and events replay from the last seen block with no gap', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-ledger-crash-'));
    try {
      const first = await run([dir, 'send'], 300);
      expect(first.code).to.equal(null);
      const committed = [...first.out.matchAll(/^committed (\d+) block (\d+)$/gm)].map((m) => ({
        i: Number(m[1]),
        block: Number(m[2]),
      }));
      expect(committed.length).to.be.at.least(300);
      // A consumer that saw some of the events resumes from the block after the last one it saw.
      const lastSeen = committed[Math.floor(committed.length / 2)].block;
      const check = await run([dir, 'check', String(lastSeen + 1)]);
      const result = JSON.parse(
        check.out
          .split('\n')
          .find((l) => l.startsWith('RESULT '))!
          .slice(7),
      ) as {
        seen: string[];
        whole: number;
        events: Array<{ block: string; id: string }>;
      };
      const k = result.seen.length;
      // Everything the child was told was committed is there; at most the one in flight when it died is extra.
      expect(k).to.be.within(committed.length, committed.length + 1);
      // Ledger ids carry their sender: `<ОГРН>:crash-NNNN`.
      expect(result.seen.map((id) => id.slice(id.indexOf(':') + 1))).to.deep.equal(
        Array.from({ length: k }, (_, i) => `crash-${String(i).padStart(4, '0')}`),
      );
      expect(result.whole).to.equal(k);
      const blocks = result.events.map((e) => Number(e.block));
      expect(blocks[0]).to.equal(lastSeen + 1);
      expect(blocks).to.deep.equal(Array.from({ length: blocks.length }, (_, i) => lastSeen + 1 + i));
      expect(result.events.at(-1)?.id).to.equal(result.seen.at(-1));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
