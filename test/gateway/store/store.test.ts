import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sodium } from '../../../gateway/src/crypto/index.js';
import { GatewayStore, SMALL_VALUE_BYTES, sealedJson } from '../../../gateway/src/store/store.js';

describe('gateway store: sealed values, blinded keys', () => {
  it('seals exactly as libsodium’s XChaCha20-Poly1305 IETF does, and refuses a changed byte', async () => {
    const libsodium = await sodium();
    const key = new Uint8Array(randomBytes(32));
    const enc = sealedJson(libsodium, key);
    const value = { person: { lastName: 'Иванова', birthDate: '1985-03-12' }, n: [1, 2, 3] };
    const sealed = enc.encode(value);
    const plain = libsodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(24),
      null,
      sealed.subarray(0, 24),
      key,
    );
    expect(JSON.parse(Buffer.from(plain).toString('utf8'))).to.deep.equal(value);
    expect(enc.decode(sealed)).to.deep.equal(value);
    // And the other way: what libsodium seals, the store opens.
    const nonce = new Uint8Array(randomBytes(24));
    const theirs = libsodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      Buffer.from(JSON.stringify(value)),
      null,
      null,
      nonce,
      key,
    );
    expect(enc.decode(Buffer.concat([nonce, theirs]))).to.deep.equal(value);
    const bad = Buffer.from(sealed);
    bad[30] ^= 1;
    expect(() => enc.decode(bad)).to.throw();
  });

  it('seals as libsodium on both sides of the small-value path, and refuses a changed byte on each', async () => {
    const libsodium = await sodium();
    const key = new Uint8Array(randomBytes(32));
    const enc = sealedJson(libsodium, key);
    for (const size of [0, 1, SMALL_VALUE_BYTES - 3, SMALL_VALUE_BYTES - 2, SMALL_VALUE_BYTES - 1, 70_000]) {
      // A string of `size` UTF-8 bytes is size + 2 bytes of JSON: either side of the threshold.
      const value = size >= 2 ? 'ж' + 'a'.repeat(size - 2) : 'a'.repeat(size);
      const sealed = enc.encode(value);
      const plain = libsodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        sealed.subarray(24),
        null,
        sealed.subarray(0, 24),
        key,
      );
      expect(Buffer.from(plain).toString('utf8'), `size ${size}`).to.equal(JSON.stringify(value));
      const nonce = new Uint8Array(randomBytes(24));
      const theirs = libsodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        Buffer.from(JSON.stringify(value)),
        null,
        null,
        nonce,
        key,
      );
      expect(enc.decode(Buffer.concat([nonce, theirs])), `size ${size}`).to.equal(value);
      for (const at of [0, 24, sealed.length - 1]) {
        const bad = Buffer.from(sealed);
        bad[at] ^= 0x40;
        expect(() => enc.decode(bad), `size ${size}, byte ${at}`).to.throw();
      }
    }
  });

  it('keeps no value and no blinded key part readable on disk', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-store-'));
    try {
      const store = await GatewayStore.open(dir, { key: new Uint8Array(randomBytes(32)) });
      const policy = 'ДМС-77-5550001';
      const k = `p\u0000${store.blind(policy)}`;
      expect(store.blind(policy)).to.equal(k.slice(2));
      expect(store.blind(policy)).to.not.include('5550001');
      await store.batch([
        { type: 'put', sublevel: 'roster', key: k, value: { policy, lastName: 'Кузнецова' } },
      ]);
      expect(await store.get('roster', k)).to.deep.equal({ policy, lastName: 'Кузнецова' });
      await store.close();
      for (const f of await readdir(dir)) {
        const bytes = await readFile(path.join(dir, f));
        expect(bytes.includes(Buffer.from('Кузнецова')), f).to.equal(false);
        expect(bytes.includes(Buffer.from('5550001')), f).to.equal(false);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
