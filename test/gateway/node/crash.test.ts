import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crashResult, runCrashChild } from './crash-runner.js';

describe('gateway crash safety', function () {
  this.timeout(600_000);

  it('a sender killed -9 while sending 1,000 documents and restarted delivers exactly 1,000, none twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-crash-'));
    try {
      const first = await runCrashChild(dir, 'send', { killAfterQueued: 400 });
      expect(first.code).to.equal(null); // killed by the signal, not finished
      const second = await runCrashChild(dir, 'resume');
      const result = crashResult(second);
      expect(result, second.out).to.not.equal(undefined);
      expect(result).to.deep.equal({ inbox: 1000, distinct: 1000, ledger: 1000, ledgerDistinct: 1000 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
