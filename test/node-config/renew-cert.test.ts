// A node's ledger certificate renewed before it expires (issue 22): the current certificate adds the renewed one,
// the renewed one proves itself and retires the current one, the files change last; afterwards the old certificate
// acts for nobody, the directory keeps it in the participant's identity trail, and the node starts with the new one.
// A renewal cut short after the directory step completes when run again.
import 'reflect-metadata';
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng, generateOgrn } from '@dmsnet/formats';
import { certificateFingerprint } from '@dmsnet/chaincode/identity';
import { closeCryptoWorkers, sodium } from '../../gateway/src/crypto/index.js';
import { LocalCA } from '../../node-config/src/local-ca.js';
import { loadConfig } from '../../node-config/src/config.js';
import { initNode } from '../../node-config/src/init.js';
import { openEmbedded, startNode } from '../../node-config/src/node.js';
import { renewCertificate } from '../../node-config/src/renew-cert.js';

type Identity = { mspId: string; certificate: string; privateKey: string };

describe('dmsnet-node renew-cert on the embedded ledger', function () {
  this.timeout(120_000);
  let dir: string;
  const ogrn = generateOgrn(createRng(4242));

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-renew-'));
    const libsodium = await sodium();
    await initNode({
      dir,
      role: 'insurer',
      ogrn,
      name: 'АО «СК Продление»',
      port: 0,
      passphrase: 'pw',
      kdf: {
        opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      },
    });
    // The first start bootstraps the sandbox ledger and registers the node.
    await (await startNode(dir, { passphrase: 'pw' })).close();
  });
  after(async () => {
    await closeCryptoWorkers();
    await rm(dir, { recursive: true, force: true });
  });

  const identityFile = () => path.join(dir, 'secrets', 'identity.json');
  const read = async (f: string) => JSON.parse(await readFile(f, 'utf8')) as Identity;

  /** Who an identity acts for, asked of the directory on the node's own ledger (the node stopped). */
  async function actsFor(id: Identity): Promise<string> {
    const ledger = await openEmbedded(dir, await loadConfig(dir));
    try {
      const answer = await ledger.connect(id).evaluate('directory:whoAmI', []);
      return String((JSON.parse(Buffer.from(answer).toString('utf8')) as { id: string }).id);
    } catch (err) {
      return (err as { code?: string }).code ?? 'ERROR';
    } finally {
      await ledger.close();
    }
  }

  it('swaps the certificate on the ledger first and in the files last; the old one then acts for nobody', async () => {
    const old = await read(identityFile());
    expect(await actsFor(old)).to.equal(ogrn);
    const steps: string[] = [];
    const r = await renewCertificate(dir, { progress: (m) => steps.push(m) });
    const renewed = await read(identityFile());
    expect(renewed.certificate).to.not.equal(old.certificate);
    expect(r.current).to.equal(certificateFingerprint(renewed.certificate));
    expect(r.retired).to.equal(certificateFingerprint(old.certificate));
    expect(Date.parse(r.notAfter)).to.be.above(Date.now());
    expect(steps.join(' | ')).to.match(/adds the renewed one.*retires the current one/);
    expect(await actsFor(renewed)).to.equal(ogrn);
    expect(await actsFor(old)).to.equal('IDENTITY_UNKNOWN');
    // The old files are kept aside, not deleted: the operator decides when to destroy the key.
    expect(await readdir(path.join(dir, 'secrets', 'retired'))).to.have.length(1);

    // The directory keeps the trail; a certificate cannot retire itself.
    const ledger = await openEmbedded(dir, await loadConfig(dir));
    try {
      const entry = JSON.parse(
        Buffer.from(await ledger.connect(renewed).evaluate('directory:get', [ogrn])).toString('utf8'),
      ) as { identities: Array<{ certificate?: string }>; retiredIdentities: Array<{ fingerprint: string }> };
      expect(entry.retiredIdentities.map((x) => x.fingerprint)).to.deep.equal([r.retired]);
      expect(entry.identities.map((i) => i.certificate)).to.deep.equal([renewed.certificate]);
      const self = await ledger
        .connect(renewed)
        .submit('directory:retireIdentity', [ogrn, r.current])
        .then(
          () => 'retired',
          (e: { code?: string }) => e.code,
        );
      expect(self).to.equal('NOT_AUTHORIZED');
      // Someone else's renewed certificate is not added by this participant.
      const ca = await LocalCA.open(path.join(dir, 'ca', renewed.mspId), renewed.mspId);
      const stranger = await ca.issue({ commonName: 'stranger' });
      const foreign = await ledger
        .connect(renewed)
        .submit('directory:addIdentity', ['1027700000017', stranger.certificate])
        .then(
          () => 'added',
          (e: { code?: string }) => e.code,
        );
      expect(foreign).to.equal('NOT_AUTHORIZED');
    } finally {
      await ledger.close();
    }

    // The node starts with the renewed certificate and works.
    const running = await startNode(dir, { passphrase: 'pw' });
    try {
      const res = await fetch(`${running.url}/v1/participants/${ogrn}`, {
        headers: { authorization: `Bearer ${running.token}` },
      });
      expect(res.status).to.equal(200);
    } finally {
      await running.close();
    }
  });

  it('completes a renewal cut short after the renewed certificate was added', async () => {
    const old = await read(identityFile());
    const mspId = old.mspId;
    // What a crash after the directory's first step leaves: the issued certificate pending, already added.
    const ca = await LocalCA.open(path.join(dir, 'ca', mspId), mspId);
    const next = await ca.issue({ commonName: `${ogrn}.${mspId.toLowerCase()}` });
    await writeFile(path.join(dir, 'secrets', 'identity.renew.json'), JSON.stringify({ mspId, ...next }));
    const ledger = await openEmbedded(dir, await loadConfig(dir));
    try {
      await ledger.connect(old).submit('directory:addIdentity', [ogrn, next.certificate]);
    } finally {
      await ledger.close();
    }
    const r = await renewCertificate(dir);
    expect(r.current).to.equal(certificateFingerprint(next.certificate));
    expect(existsSync(path.join(dir, 'secrets', 'identity.renew.json'))).to.equal(false);
    expect(await actsFor(await read(identityFile()))).to.equal(ogrn);
    expect(await actsFor(old)).to.equal('IDENTITY_UNKNOWN');
  });
});
