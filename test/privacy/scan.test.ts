// After the whole `npm start` story on the embedded network: no personal data anywhere in its state, in clear.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { runDemo } from '../../sandbox/src/demo/main.js';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { personalData, report, scan } from './scan.js';

describe('privacy scan after the story on the embedded network', function () {
  this.timeout(300_000);

  it('finds no surname, СНИЛС, policy number or birth date in any file of the ledger, the gateways or their stores', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-scan-'));
    const bodies: unknown[] = [];
    try {
      // The story's GOST export is the invoice in clear by the operator's choice: written apart, not scanned.
      const exportDir = path.join(tmpdir(), `${path.basename(dir)}-export`);
      // The e-mail-only clinic's step too, on the mail tests' ports + 3000 (skipped where Postfix cannot run).
      const mailPortBase = Number(process.env.DMSNET_TEST_MAIL_PORT_BASE ?? 32000) + 3000;
      await runDemo({
        once: true,
        dir,
        portBase: 0,
        observe: (b) => bodies.push(b),
        exportDir,
        mailPortBase,
      });
      await rm(exportDir, { recursive: true, force: true });
      await closeCryptoWorkers();
      const needles = personalData(bodies);
      expect(needles.size, 'the story used personal data').to.be.greaterThan(20);
      // Control: the same scan does find these values in a LevelDB that holds them in clear.
      const control = path.join(dir, 'control');
      const db = new Level<string, string>(control, { valueEncoding: 'json' });
      await db.put('k', JSON.stringify(bodies.slice(0, 20)));
      await db.close();
      expect((await scan([control], needles)).hits.length).to.be.greaterThan(0);
      await rm(control, { recursive: true, force: true });
      const r = await scan([dir], needles);
      console.log(`      ${report('embedded network', r, needles.size)}`);
      expect(r.hits, JSON.stringify(r.hits.slice(0, 10))).to.deep.equal([]);
      expect(r.files).to.be.greaterThan(10);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
