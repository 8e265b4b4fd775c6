import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sodium } from './sodium.js';
import { CryptoError } from './errors.js';
import { gostPublicKeyOf, parseCertificate } from '@dmsnet/gost';

interface SecretPart {
  box: string;
  sign: string;
  store?: string;
  gost?: { key: string; cert: string; chain?: string[] };
  version?: number;
  previous?: Array<{ version: number; box: string }>;
  next?: { box: string; sign: string };
}

export interface ParticipantKeys {
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
  signPublicKey: Uint8Array;
  signSecretKey: Uint8Array;
  /**
   * Encrypts the node's local store (documents, roster, letters). Kept in the key file beside the participant keys, so
   * it unlocks with the same passphrase and survives a rotation of the participant keys.
   */
  storeKey?: Uint8Array;
  /** A GOST R 34.10-2012 signing key with its certificate (and any intermediate CA certificates), when it has one. */
  gost?: GostKeyMaterial;
  /** The directory's version of these keys, once a rotation has recorded it (a file never rotated holds version 1). */
  version?: number;
  /**
   * Box key pairs of earlier versions: documents sealed to them before a rotation (or by a sender that had not yet
   * read the new key) must still open. Signing keys of earlier versions are not kept: the directory holds their
   * public halves, which is all a verifier needs.
   */
  previous?: PreviousBoxKey[];
  /**
   * Keys generated for a rotation whose directory transaction may not have committed yet: kept before submitting, so
   * a crash between the two never loses the secret half of a key the directory already publishes.
   */
  next?: Pick<ParticipantKeys, 'boxPublicKey' | 'boxSecretKey' | 'signPublicKey' | 'signSecretKey'>;
  /** The Argon2id limits the file was written with: a rewrite (a rotation) keeps them unless told otherwise. */
  kdf?: KdfLimits;
}

export interface PreviousBoxKey {
  version: number;
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
}

export interface GostKeyMaterial {
  /** 32 bytes, little-endian. */
  privateKey: Uint8Array;
  /** DER. */
  certificate: Uint8Array;
  chain?: Uint8Array[];
}

export interface KdfLimits {
  opslimit: number;
  memlimit: number;
}

interface KeyFile {
  v: 1;
  kdf: { alg: 'argon2id13'; opslimit: number; memlimit: number; salt: string };
  nonce: string;
  ciphertext: string;
  /** Public halves in clear so an operator can read them without the passphrase. */
  public: { x25519: string; ed25519: string; gostCertificate?: string };
}

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export async function generateParticipantKeys(): Promise<ParticipantKeys> {
  const libsodium = await sodium();
  const box = libsodium.crypto_box_keypair();
  const sign = libsodium.crypto_sign_keypair();
  return {
    boxPublicKey: box.publicKey,
    boxSecretKey: box.privateKey,
    signPublicKey: sign.publicKey,
    signSecretKey: sign.privateKey,
    storeKey: libsodium.randombytes_buf(32),
  };
}

/**
 * The store key of a participant's keys; a key file written before store keys existed gets one derived from its
 * box secret key (one-way, with its own personalisation), so its node still opens its store.
 */
export async function storeKeyOf(keys: ParticipantKeys): Promise<Uint8Array> {
  if (keys.storeKey) return keys.storeKey;
  const libsodium = await sodium();
  return libsodium.crypto_generichash(32, keys.boxSecretKey, Buffer.from('dmsnet local store key v1'));
}

/** The directory's form of the public keys (standard base64). */
export function publicKeysBase64(keys: Pick<ParticipantKeys, 'boxPublicKey' | 'signPublicKey'>): {
  x25519: string;
  ed25519: string;
} {
  return { x25519: b64(keys.boxPublicKey), ed25519: b64(keys.signPublicKey) };
}

/** MODERATE by default: a key file is opened once per start, so a slow KDF costs nothing and resists guessing. */
export async function defaultKdfLimits(): Promise<KdfLimits> {
  const libsodium = await sodium();
  return {
    opslimit: libsodium.crypto_pwhash_OPSLIMIT_MODERATE,
    memlimit: libsodium.crypto_pwhash_MEMLIMIT_MODERATE,
  };
}

export async function saveKeyFile(
  file: string,
  keys: ParticipantKeys,
  passphrase: string,
  limits?: KdfLimits,
): Promise<void> {
  if (!passphrase)
    throw new CryptoError('PASSPHRASE_MISSING', 'an empty passphrase cannot protect a key file');
  const libsodium = await sodium();
  const { opslimit, memlimit } = limits ?? keys.kdf ?? (await defaultKdfLimits());
  const salt = libsodium.randombytes_buf(libsodium.crypto_pwhash_SALTBYTES);
  const key = libsodium.crypto_pwhash(
    libsodium.crypto_secretbox_KEYBYTES,
    passphrase,
    salt,
    opslimit,
    memlimit,
    libsodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  const nonce = libsodium.randombytes_buf(libsodium.crypto_secretbox_NONCEBYTES);
  const secret = JSON.stringify({
    box: b64(keys.boxSecretKey),
    sign: b64(keys.signSecretKey),
    ...(keys.storeKey ? { store: b64(keys.storeKey) } : {}),
    ...(keys.gost
      ? {
          gost: {
            key: b64(keys.gost.privateKey),
            cert: b64(keys.gost.certificate),
            chain: (keys.gost.chain ?? []).map(b64),
          },
        }
      : {}),
    ...(keys.version !== undefined ? { version: keys.version } : {}),
    ...(keys.previous?.length
      ? { previous: keys.previous.map((k) => ({ version: k.version, box: b64(k.boxSecretKey) })) }
      : {}),
    ...(keys.next ? { next: { box: b64(keys.next.boxSecretKey), sign: b64(keys.next.signSecretKey) } } : {}),
  });
  const ciphertext = libsodium.crypto_secretbox_easy(Buffer.from(secret, 'utf8'), nonce, key);
  libsodium.memzero(key);
  const content: KeyFile = {
    v: 1,
    kdf: { alg: 'argon2id13', opslimit, memlimit, salt: b64(salt) },
    nonce: b64(nonce),
    ciphertext: b64(ciphertext),
    public: {
      ...publicKeysBase64(keys),
      ...(keys.gost ? { gostCertificate: b64(keys.gost.certificate) } : {}),
    },
  };
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

export async function loadKeyFile(file: string, passphrase: string): Promise<ParticipantKeys> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CryptoError('KEYFILE_UNREADABLE', `cannot read key file ${file}: ${(err as Error).message}`);
  }
  let kf: KeyFile;
  try {
    kf = JSON.parse(text) as KeyFile;
    if (kf.v !== 1 || kf.kdf?.alg !== 'argon2id13' || !kf.nonce || !kf.ciphertext || !kf.public)
      throw new Error();
  } catch {
    throw new CryptoError('KEYFILE_CORRUPT', `key file ${file} is not a dmsnet key file (v1, argon2id13)`);
  }
  const libsodium = await sodium();
  let secret: SecretPart;
  try {
    const key = libsodium.crypto_pwhash(
      libsodium.crypto_secretbox_KEYBYTES,
      passphrase,
      unb64(kf.kdf.salt),
      kf.kdf.opslimit,
      kf.kdf.memlimit,
      libsodium.crypto_pwhash_ALG_ARGON2ID13,
    );
    let plain: Uint8Array;
    try {
      plain = libsodium.crypto_secretbox_open_easy(unb64(kf.ciphertext), unb64(kf.nonce), key);
    } catch {
      throw new CryptoError('KEYFILE_PASSPHRASE_WRONG', `the passphrase does not open key file ${file}`);
    } finally {
      libsodium.memzero(key);
    }
    secret = JSON.parse(Buffer.from(plain).toString('utf8')) as SecretPart;
  } catch (err) {
    if (err instanceof CryptoError) throw err;
    throw new CryptoError('KEYFILE_CORRUPT', `key file ${file} is damaged`);
  }
  const keys: ParticipantKeys = {
    boxPublicKey: unb64(kf.public.x25519),
    boxSecretKey: unb64(secret.box),
    signPublicKey: unb64(kf.public.ed25519),
    signSecretKey: unb64(secret.sign),
    ...(secret.store ? { storeKey: unb64(secret.store) } : {}),
    ...(secret.gost
      ? {
          gost: {
            privateKey: unb64(secret.gost.key),
            certificate: unb64(secret.gost.cert),
            chain: (secret.gost.chain ?? []).map(unb64),
          },
        }
      : {}),
    ...(secret.version !== undefined ? { version: secret.version } : {}),
    kdf: { opslimit: kf.kdf.opslimit, memlimit: kf.kdf.memlimit },
    ...(secret.previous?.length
      ? {
          previous: secret.previous.map((k) => {
            const boxSecretKey = unb64(k.box);
            return {
              version: k.version,
              boxSecretKey,
              boxPublicKey: libsodium.crypto_scalarmult_base(boxSecretKey),
            };
          }),
        }
      : {}),
    ...(secret.next
      ? {
          next: {
            boxSecretKey: unb64(secret.next.box),
            boxPublicKey: libsodium.crypto_scalarmult_base(unb64(secret.next.box)),
            signSecretKey: unb64(secret.next.sign),
            signPublicKey: libsodium.crypto_sign_ed25519_sk_to_pk(unb64(secret.next.sign)),
          },
        }
      : {}),
  };
  // A file whose clear public halves were swapped would make us publish keys we cannot use.
  if (
    b64(libsodium.crypto_scalarmult_base(keys.boxSecretKey)) !== kf.public.x25519 ||
    b64(libsodium.crypto_sign_ed25519_sk_to_pk(keys.signSecretKey)) !== kf.public.ed25519
  ) {
    throw new CryptoError('KEYFILE_CORRUPT', `key file ${file}: public keys do not match the secret keys`);
  }
  if (keys.gost) {
    let matches = false;
    try {
      matches =
        Buffer.compare(
          gostPublicKeyOf(keys.gost.privateKey),
          parseCertificate(keys.gost.certificate).publicKey,
        ) === 0;
    } catch {
      matches = false;
    }
    if (!matches)
      throw new CryptoError(
        'KEYFILE_CORRUPT',
        `key file ${file}: the GOST key does not match its certificate`,
      );
  }
  return keys;
}

/** DMSNET_PASSPHRASE, or the content of the file DMSNET_PASSPHRASE_FILE names (trailing newline trimmed). */
export async function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.DMSNET_PASSPHRASE) return env.DMSNET_PASSPHRASE;
  if (env.DMSNET_PASSPHRASE_FILE) {
    try {
      const text = (await readFile(env.DMSNET_PASSPHRASE_FILE, 'utf8')).replace(/\r?\n$/, '');
      if (text) return text;
    } catch (err) {
      throw new CryptoError(
        'PASSPHRASE_MISSING',
        `cannot read DMSNET_PASSPHRASE_FILE ${env.DMSNET_PASSPHRASE_FILE}: ${(err as Error).message}`,
      );
    }
  }
  throw new CryptoError(
    'PASSPHRASE_MISSING',
    'set DMSNET_PASSPHRASE or DMSNET_PASSPHRASE_FILE to the passphrase of the key file',
  );
}

/** Fresh box and signing key pairs for a rotation (the store key and GOST material are the node's, not rotated). */
export async function generateRotationKeys(): Promise<NonNullable<ParticipantKeys['next']>> {
  const { boxPublicKey, boxSecretKey, signPublicKey, signSecretKey } = await generateParticipantKeys();
  return { boxPublicKey, boxSecretKey, signPublicKey, signSecretKey };
}

/**
 * The keys once the directory holds `next` as version `version`: `next` becomes current, the current box key joins
 * the earlier ones. The store key and any GOST material stay as they are.
 */
export function promoteRotation(keys: ParticipantKeys, version: number): ParticipantKeys {
  if (!keys.next) return keys;
  const { next, ...rest } = keys;
  return {
    ...rest,
    ...next,
    version,
    previous: [
      ...(keys.previous ?? []),
      { version: keys.version ?? 1, boxPublicKey: keys.boxPublicKey, boxSecretKey: keys.boxSecretKey },
    ],
  };
}
