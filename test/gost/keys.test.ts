// The GOST key in the node's encrypted key file: round trip, no secret in clear, and a key that does not match its
// certificate refused on load.
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CryptoError,
  GostKeyFileSigner,
  generateParticipantKeys,
  loadKeyFile,
  saveKeyFile,
  sodium,
} from '../../gateway/src/crypto/index.js';
import { generateGostKeyPair, verifyCms } from '@dmsnet/gost';
import { testCa, testSigner } from './pki.js';

describe('GOST keys in the key file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-gostkeys-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('round-trips the key and certificate under the passphrase; the file never holds the private key in clear', async () => {
    const libsodium = await sodium();
    const kdf = {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    const ca = testCa('keys root');
    const s = testSigner(ca, 'keys clinic');
    const keys = await generateParticipantKeys();
    keys.gost = { privateKey: s.key.privateKey, certificate: s.cert.der };
    const file = path.join(dir, 'k.json');
    await saveKeyFile(file, keys, 'pw', kdf);
    const text = await readFile(file, 'utf8');
    for (const form of ['base64', 'hex'] as const) {
      expect(text).to.not.include(Buffer.from(s.key.privateKey).toString(form));
    }
    const loaded = await loadKeyFile(file, 'pw');
    expect(Buffer.from(loaded.gost!.privateKey).equals(Buffer.from(s.key.privateKey))).to.be.true;
    const signer = new GostKeyFileSigner(loaded.gost!.privateKey, loaded.gost!.certificate);
    const content = Buffer.from('{"a":1}');
    const v = verifyCms({ signature: await signer.sign(content), content, trustedRoots: [ca.cert] });
    expect(v.signer.fingerprint).to.equal(s.cert.fingerprint);

    // A certificate of another key beside this key: refused on load, not discovered at the first signature.
    keys.gost = { privateKey: generateGostKeyPair().privateKey, certificate: s.cert.der };
    const bad = path.join(dir, 'bad.json');
    await saveKeyFile(bad, keys, 'pw', kdf);
    try {
      await loadKeyFile(bad, 'pw');
      expect.fail('expected KEYFILE_CORRUPT');
    } catch (err) {
      expect(err).to.be.instanceOf(CryptoError);
      expect((err as CryptoError).code).to.equal('KEYFILE_CORRUPT');
    }
    await writeFile(bad, '');
  });
});
