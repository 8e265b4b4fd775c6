import { expect } from 'chai';
import fc from 'fast-check';
import { sodium } from '../../../gateway/src/crypto/index.js';
import { ed25519Sign, ed25519Verify } from '../../../gateway/src/crypto/ed25519.js';

describe('gateway crypto: native Ed25519 with libsodium keys', () => {
  it('signs byte for byte as crypto_sign_detached and verifies both ways (fast-check)', async () => {
    const libsodium = await sodium();
    const kp = libsodium.crypto_sign_keypair();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (m) => {
        const ours = ed25519Sign(m, kp.privateKey);
        const theirs = libsodium.crypto_sign_detached(m, kp.privateKey);
        expect(Buffer.from(ours).equals(Buffer.from(theirs))).to.equal(true);
        expect(ed25519Verify(theirs, m, kp.publicKey)).to.equal(true);
        expect(libsodium.crypto_sign_verify_detached(ours, m, kp.publicKey)).to.equal(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a changed message, a changed signature and another key', async () => {
    const libsodium = await sodium();
    const a = libsodium.crypto_sign_keypair();
    const b = libsodium.crypto_sign_keypair();
    const m = Buffer.from('{"header":{},"body":{}}');
    const sig = ed25519Sign(m, a.privateKey);
    expect(ed25519Verify(sig, Buffer.from('{"header":{},"body":{"x":1}}'), a.publicKey)).to.equal(false);
    const bad = Buffer.from(sig);
    bad[5] ^= 1;
    expect(ed25519Verify(bad, m, a.publicKey)).to.equal(false);
    expect(ed25519Verify(sig, m, b.publicKey)).to.equal(false);
  });
});
