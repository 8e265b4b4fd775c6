import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Level } from 'level';
import { sodium, type Sodium } from '../crypto/sodium.js';

/** The part of a level sublevel the gateway uses, typed by its value. */
export interface Sub<V> {
  get(key: string): Promise<V | undefined>;
  keys(options?: RangeOptions): AsyncIterable<string>;
  values(options?: RangeOptions): AsyncIterable<V>;
  iterator(options?: RangeOptions): AsyncIterable<[string, V]>;
}

export interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  limit?: number;
  reverse?: boolean;
}

type RawSub = ReturnType<Level<string, unknown>['sublevel']>;

export interface BatchOp {
  type: 'put' | 'del';
  sublevel: string;
  key: string;
  value?: unknown;
}

/**
 * A level value encoding: JSON sealed with XChaCha20-Poly1305 (libsodium's IETF construction) under the store key,
 * a fresh random 24-byte nonce per value. Small values (a roster entry, a marker) go through libsodium itself: an
 * OpenSSL cipher context costs more to set up than libsodium's WebAssembly takes for a few hundred bytes (a 10,000-line
 * invoice check opens and seals thousands of them; profiled). Large values run in Node's native ChaCha20-Poly1305 (five
 * times faster than libsodium's WebAssembly on a 24 MB document) under the HChaCha20 subkey libsodium derives from the
 * first 16 nonce bytes. Both give the same bytes for the same nonce; a test holds them to libsodium's on either side
 * (decision record 0017).
 */
export function sealedJson(libsodium: Sodium, key: Uint8Array) {
  const NONCE = 24;
  const TAG = 16;
  /** Sealed values up to this size (plaintext bytes) go through libsodium. */
  const SMALL = SMALL_VALUE_BYTES;
  const subkey = (nonce: Uint8Array) => libsodium.crypto_core_hchacha20(nonce.subarray(0, 16), key, null);
  const iv = (nonce: Uint8Array) => Buffer.concat([Buffer.alloc(4), nonce.subarray(16, 24)]);
  // Random nonces drawn from Node's CSPRNG in blocks: one call per 4,096 values instead of one per value.
  let pool = Buffer.alloc(0);
  const nextNonce = () => {
    if (pool.length < NONCE) pool = randomBytes(NONCE * 4096);
    const n = pool.subarray(0, NONCE);
    pool = pool.subarray(NONCE);
    return n;
  };
  return {
    name: 'dmsnet-sealed-json',
    format: 'view' as const,
    encode(value: unknown): Uint8Array {
      // Node's CSPRNG: libsodium-wrappers' randombytes_buf costs ~140 µs a call from WebAssembly.
      const nonce = nextNonce();
      const plain = Buffer.from(JSON.stringify(value), 'utf8');
      if (plain.length <= SMALL) {
        const sealed = libsodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, null, null, nonce, key);
        const out = new Uint8Array(NONCE + sealed.length);
        out.set(nonce, 0);
        out.set(sealed, NONCE);
        return out;
      }
      const c = createCipheriv('chacha20-poly1305', subkey(nonce), iv(nonce), { authTagLength: TAG });
      const body = c.update(plain);
      c.final();
      return Buffer.concat([nonce, body, c.getAuthTag()]);
    },
    decode(bytes: Uint8Array): unknown {
      const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const nonce = b.subarray(0, NONCE);
      if (b.length - NONCE - TAG <= SMALL) {
        const plain = libsodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
          null,
          b.subarray(NONCE),
          null,
          nonce,
          key,
        );
        return JSON.parse(Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8'));
      }
      const d = createDecipheriv('chacha20-poly1305', subkey(nonce), iv(nonce), { authTagLength: TAG });
      d.setAuthTag(b.subarray(b.length - TAG));
      const plain = Buffer.concat([d.update(b.subarray(NONCE, b.length - TAG)), d.final()]);
      return JSON.parse(plain.toString('utf8'));
    },
  };
}

/** Where the store's sealing moves from libsodium to the native cipher (plaintext bytes). */
export const SMALL_VALUE_BYTES = 4096;

export interface StoreOptions {
  /**
   * 32 bytes that encrypt every value and blind the personal parts of keys (see docs/decisions/0011). Without it the
   * store is in clear, which only tests and the bench's baseline use.
   */
  key?: Uint8Array;
}

/** The node's LevelDB: one database, one sublevel per concern, multi-sublevel atomic batches. */
export class GatewayStore {
  private readonly subs = new Map<string, RawSub>();

  private constructor(
    readonly db: Level<string, unknown>,
    private readonly valueEncoding: unknown,
    private readonly blinder?: (text: string) => string,
  ) {}

  static async open(dir: string, o: StoreOptions = {}): Promise<GatewayStore> {
    const db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
    await db.open();
    if (!o.key) return new GatewayStore(db, 'json');
    const libsodium = await sodium();
    const valueKey = libsodium.crypto_kdf_derive_from_key(32, 1, 'dmsstore', o.key);
    const blindKey = libsodium.crypto_kdf_derive_from_key(32, 2, 'dmsstore', o.key);
    const blinder = (text: string) =>
      Buffer.from(libsodium.crypto_generichash(16, Buffer.from(text, 'utf8'), blindKey)).toString(
        'base64url',
      );
    return new GatewayStore(db, sealedJson(libsodium, valueKey), blinder);
  }

  /**
   * The form of a personal value (a policy number, a name with a birth date) that may stand in a key: a keyed hash,
   * equal for equal input, so point and prefix lookups still work, but not readable nor guessable without the key.
   */
  blind(text: string): string {
    return this.blinder ? this.blinder(text) : text;
  }

  sublevel<V = unknown>(name: string): Sub<V> {
    return this.raw(name) as unknown as Sub<V>;
  }

  private raw(name: string): RawSub {
    let s = this.subs.get(name);
    if (!s) {
      s = this.db.sublevel<string, unknown>(name, {
        valueEncoding: this.valueEncoding as 'json',
      }) as unknown as RawSub;
      this.subs.set(name, s);
    }
    return s;
  }

  async get<V>(sublevel: string, key: string): Promise<V | undefined> {
    return (await this.sublevel(sublevel).get(key)) as V | undefined;
  }

  async getMany<V>(sublevel: string, keys: readonly string[]): Promise<Array<V | undefined>> {
    if (keys.length === 0) return [];
    return (await this.raw(sublevel).getMany(keys as string[])) as Array<V | undefined>;
  }

  /**
   * The keys of a range, a batch at a time: a sweep of 100,000 keys spent most of its time handing them over one
   * promise each through `for await`, a batch of a thousand costs one. The sweep runs on the root database over the
   * sublevel's prefixed range, the prefix cut here: the sublevel's own iterator took twice as long (measured).
   */
  async *keyBatches(
    sublevel: string,
    range: { gte: string; lt: string },
    size = 1000,
  ): AsyncIterable<string[]> {
    const prefix = (this.raw(sublevel) as unknown as { prefix: string }).prefix;
    const it = this.db.keys({ gte: prefix + range.gte, lt: prefix + range.lt });
    try {
      for (;;) {
        const batch = await it.nextv(size);
        if (batch.length === 0) return;
        for (let i = 0; i < batch.length; i++) batch[i] = batch[i]!.slice(prefix.length);
        yield batch;
      }
    } finally {
      await it.close();
    }
  }

  /** All writes of one step land together or not at all: this is what makes a crash lose and duplicate nothing. */
  async batch(ops: readonly BatchOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.db.batch(
      ops.map((op) =>
        op.type === 'put'
          ? { type: 'put' as const, key: op.key, value: op.value, sublevel: this.raw(op.sublevel) }
          : { type: 'del' as const, key: op.key, sublevel: this.raw(op.sublevel) },
      ),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
