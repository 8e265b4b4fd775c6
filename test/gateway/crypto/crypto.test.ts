import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument } from '@dmsnet/formats';
import {
  CryptoError,
  closeCryptoWorkers,
  generateParticipantKeys,
  loadKeyFile,
  openDocument,
  passphraseFromEnv,
  publicKeysBase64,
  saveKeyFile,
  sealDocument,
  sodium,
  type ParticipantKeys,
} from '../../../gateway/src/crypto/index.js';
import { exceedsSize } from '../../../gateway/src/crypto/documents.js';

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(CryptoError);
    expect((err as CryptoError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('gateway crypto', () => {
  let alice: ParticipantKeys;
  let bob: ParticipantKeys;
  let carol: ParticipantKeys;
  const doc = generateDocument('guarantee-letter', { seed: 7 });

  before(async () => {
    [alice, bob, carol] = await Promise.all([
      generateParticipantKeys(),
      generateParticipantKeys(),
      generateParticipantKeys(),
    ]);
  });
  after(() => closeCryptoWorkers());

  const seal = (document: { header: unknown; body: unknown } = doc, signer = alice, to = bob) =>
    sealDocument({
      document,
      signSecretKey: signer.signSecretKey,
      senderId: 'A',
      keyVersion: 1,
      recipientBoxPublicKey: to.boxPublicKey,
    });
  const open = (ciphertext: Uint8Array, me = bob, signKey = alice.signPublicKey) =>
    openDocument({
      ciphertext,
      boxPublicKey: me.boxPublicKey,
      boxSecretKey: me.boxSecretKey,
      resolveSignKey: async () => signKey,
      expectedSender: { participant: 'A', keyVersion: 1 },
    });

  it('seals, opens and verifies a document to an identical value', async () => {
    const opened = await open(await seal());
    expect(opened.document).to.deep.equal(doc);
    expect(opened.signer).to.deep.equal({ participant: 'A', keyVersion: 1 });
    expect(opened.digest).to.match(/^[0-9a-f]{64}$/);
  });

  it('never leaves the plaintext readable in the ciphertext', async () => {
    const ct = Buffer.from(await seal());
    expect(ct.includes(Buffer.from(doc.header.documentId))).to.equal(false);
  });

  it('rejects a ciphertext with any altered byte', async () => {
    const ct = await seal();
    for (const i of [0, 31, 32, 47, 48, Math.floor(ct.length / 2), ct.length - 1]) {
      const tampered = Uint8Array.from(ct);
      tampered[i] ^= 0x01;
      await expectCode(open(tampered), 'SEAL_OPEN_FAILED');
    }
  });

  it('a third participant cannot open a message not addressed to it', async () => {
    await expectCode(open(await seal(), carol), 'SEAL_OPEN_FAILED');
  });

  it('rejects a signature made with a key other than the directory key of that version', async () => {
    const forged = await seal(doc, carol, bob); // Carol signs while claiming to be A v1
    await expectCode(open(forged), 'SIGNATURE_INVALID');
  });

  it('rejects a payload whose signer is not the sender the ledger names', async () => {
    const ct = await seal();
    await expectCode(
      openDocument({
        ciphertext: ct,
        boxPublicKey: bob.boxPublicKey,
        boxSecretKey: bob.boxSecretKey,
        resolveSignKey: async () => alice.signPublicKey,
        expectedSender: { participant: 'A', keyVersion: 2 },
      }),
      'SIGNER_MISMATCH',
    );
  });

  it('refuses a payload that decompresses beyond the limit (compression bomb)', async () => {
    const big = generateDocument('insured-list', { rows: 2000, seed: 1 });
    const ct = await seal(big);
    await expectCode(
      openDocument({
        ciphertext: ct,
        boxPublicKey: bob.boxPublicKey,
        boxSecretKey: bob.boxSecretKey,
        resolveSignKey: async () => alice.signPublicKey,
        maxPlaintextBytes: 10_000,
      }),
      'PAYLOAD_DECOMPRESS_FAILED',
    );
  });

  it('refuses a sealed box that holds something other than a dmsnet payload', async () => {
    const libsodium = await sodium();
    const junk = libsodium.crypto_box_seal(Buffer.from('not deflate'), bob.boxPublicKey);
    await expectCode(open(junk), 'PAYLOAD_DECOMPRESS_FAILED');
  });

  it('processes a multi-megabyte document in the worker with the same result as inline', async () => {
    const big = generateDocument('insured-list', { rows: 15000, seed: 3 });
    expect(JSON.stringify(big).length).to.be.greaterThan(5_000_000);
    const viaWorker = await seal(big);
    const openedWorker = await open(viaWorker);
    const openedInline = await openDocument(
      {
        ciphertext: viaWorker,
        boxPublicKey: bob.boxPublicKey,
        boxSecretKey: bob.boxSecretKey,
        resolveSignKey: async () => alice.signPublicKey,
      },
      { inline: true },
    );
    expect(openedWorker.canonical).to.equal(openedInline.canonical);
    expect(openedWorker.document).to.deep.equal(big);
  });

  it('seal then open is the identity for arbitrary JSON documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (header, body) => {
        const document = JSON.parse(JSON.stringify({ header, body })) as { header: unknown; body: unknown };
        const opened = await open(await seal(document));
        expect(opened.document).to.deep.equal(document);
      }),
      { numRuns: 60 },
    );
  });

  it('decides where to seal by a size walk that agrees with the JSON length around the threshold', () => {
    const row = { name: 'Иванов Иван Иванович', policy: '7700000000000001', amount: 125000, active: true };
    const doc = {
      header: { type: 'list' },
      body: { rows: Array.from({ length: 2000 }, () => ({ ...row })) },
    };
    const jsonLength = JSON.stringify(doc).length;
    expect(exceedsSize(doc, jsonLength / 4)).to.be.true;
    expect(exceedsSize(doc, jsonLength * 4)).to.be.false;
    expect(exceedsSize({ header: null, body: 'x' }, 64)).to.be.false;
  });

  describe('key files', () => {
    let dir: string;
    let limits: { opslimit: number; memlimit: number };
    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-keys-'));
      const libsodium = await sodium();
      limits = {
        opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      };
    });

    it('round-trips keys under a passphrase, mode 0600, with no secret key in any encoding', async () => {
      const file = path.join(dir, 'keys.json');
      await saveKeyFile(file, alice, 'correct horse', limits);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      const text = await readFile(file, 'utf8');
      for (const secret of [alice.boxSecretKey, alice.signSecretKey]) {
        const b = Buffer.from(secret);
        for (const enc of ['base64', 'hex', 'base64url'] as const)
          expect(text).not.to.include(b.toString(enc));
      }
      expect(text).to.include(publicKeysBase64(alice).ed25519);
      const loaded = await loadKeyFile(file, 'correct horse');
      expect(Buffer.from(loaded.signSecretKey).equals(Buffer.from(alice.signSecretKey))).to.equal(true);
      expect(Buffer.from(loaded.boxSecretKey).equals(Buffer.from(alice.boxSecretKey))).to.equal(true);
    });

    it('names a wrong passphrase, a corrupt file and a missing file apart', async () => {
      const file = path.join(dir, 'k2.json');
      await saveKeyFile(file, alice, 'right', limits);
      await expectCode(loadKeyFile(file, 'wrong'), 'KEYFILE_PASSPHRASE_WRONG');
      const kf = JSON.parse(await readFile(file, 'utf8')) as { public: { ed25519: string } };
      kf.public.ed25519 = publicKeysBase64(bob).ed25519;
      await writeFile(path.join(dir, 'swapped.json'), JSON.stringify(kf));
      await expectCode(loadKeyFile(path.join(dir, 'swapped.json'), 'right'), 'KEYFILE_CORRUPT');
      await writeFile(path.join(dir, 'junk.json'), '{"v":1}');
      await expectCode(loadKeyFile(path.join(dir, 'junk.json'), 'right'), 'KEYFILE_CORRUPT');
      await expectCode(loadKeyFile(path.join(dir, 'absent.json'), 'right'), 'KEYFILE_UNREADABLE');
    });

    it('takes the passphrase from the environment or a file, and says which to set when neither is', async () => {
      expect(await passphraseFromEnv({ DMSNET_PASSPHRASE: 'p1' })).to.equal('p1');
      const pf = path.join(dir, 'pass.txt');
      await writeFile(pf, 'p2\n');
      expect(await passphraseFromEnv({ DMSNET_PASSPHRASE_FILE: pf })).to.equal('p2');
      try {
        await passphraseFromEnv({});
        expect.fail('expected PASSPHRASE_MISSING');
      } catch (err) {
        expect((err as CryptoError).code).to.equal('PASSPHRASE_MISSING');
        expect((err as Error).message).to.include('DMSNET_PASSPHRASE_FILE');
      }
    });
  });
});
