// `dmsnet-node gost-key DIR --key KEY.pem --cert CERT.pem [--chain CHAIN.pem]`: puts a GOST R 34.10-2012 signing key
// and its certificate (from the CA, e.g. as OpenSSL's GOST engine or a CA's tool exports them) into the node's
// encrypted key file. The directory learns of it only when the running node registers it
// (`PUT /v1/signature-profile`), a directory transaction with its own trail.
import { readFile } from 'node:fs/promises';
import { DmsnetError } from '@dmsnet/formats/errors';
import { loadKeyFile, passphraseFromEnv, saveKeyFile } from '../../gateway/src/crypto/index.js';
import {
  CertificateFormatError,
  derOf,
  gostPublicKeyOf,
  parseCertificate,
  privateKeyFromPkcs8,
} from '@dmsnet/gost';
import { loadConfig, resolveIn } from './config.js';

async function readInput(file: string, pointer: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new DmsnetError('FILE_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, [
      { pointer, code: 'FILE_UNREADABLE', message: 'cannot be read' },
    ]);
  }
}

const refuse = (pointer: string, message: string) =>
  new DmsnetError('GOST_KEY_INVALID', `${pointer} ${message}`, [
    { pointer, code: 'GOST_KEY_INVALID', message },
  ]);

export async function importGostKey(o: {
  node: string;
  key: string;
  cert: string;
  chain?: string;
  passphrase?: string;
  kdf?: { opslimit: number; memlimit: number };
}): Promise<{ subject: string; fingerprint: string; notAfter: string }> {
  const config = await loadConfig(o.node);
  let privateKey: Uint8Array;
  try {
    privateKey = privateKeyFromPkcs8(await readInput(o.key, '/key'));
  } catch (err) {
    if (err instanceof CertificateFormatError) throw refuse('/key', err.message);
    throw err;
  }
  let cert;
  try {
    cert = parseCertificate(derOf(await readInput(o.cert, '/cert')));
  } catch (err) {
    if (err instanceof CertificateFormatError) throw refuse('/cert', err.message);
    throw err;
  }
  if (cert.isCA) throw refuse('/cert', 'is a CA certificate, not a signing certificate');
  if (Buffer.compare(gostPublicKeyOf(privateKey), cert.publicKey) !== 0) {
    throw refuse('/cert', 'is not the certificate of this key');
  }
  const chain: Uint8Array[] = [];
  if (o.chain) {
    const text = await readInput(o.chain, '/chain');
    for (const pem of text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
      try {
        chain.push(parseCertificate(derOf(pem)).der);
      } catch (err) {
        if (err instanceof CertificateFormatError) throw refuse('/chain', err.message);
        throw err;
      }
    }
  }
  const passphrase = o.passphrase ?? (await passphraseFromEnv());
  const file = resolveIn(o.node, config.keys.file);
  const keys = await loadKeyFile(file, passphrase);
  keys.gost = { privateKey, certificate: cert.der, chain };
  await saveKeyFile(file, keys, passphrase, o.kdf);
  return { subject: cert.subject, fingerprint: cert.fingerprint, notAfter: cert.notAfter.toISOString() };
}
