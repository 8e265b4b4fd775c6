// The sandbox's GOST test CA: a self-signed GOST R 34.10-2012 root the embedded network's directory trusts, issuing
// the signing certificates of participants on the gost2012-256 profile. Never a production CA: in production the
// directory trusts the accredited CAs' roots and certificates come from them.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GostKeyMaterial } from '../../../gateway/src/crypto/index.js';
import { generateGostKeyPair, issueCertificate, parseCertificate, type GostCertificate } from '@dmsnet/gost';

const DAY = 86_400_000;

export class SandboxGostCa {
  private constructor(
    readonly certificate: GostCertificate,
    private readonly privateKey: Uint8Array,
  ) {}

  /** Opens the CA kept in `dir`, creating it (ten years, from yesterday) the first time. */
  static async open(dir: string, name = 'dmsnet sandbox GOST CA'): Promise<SandboxGostCa> {
    const file = path.join(dir, 'gost-ca.json');
    if (existsSync(file)) {
      const saved = JSON.parse(await readFile(file, 'utf8')) as { certificate: string; privateKey: string };
      return new SandboxGostCa(
        parseCertificate(new Uint8Array(Buffer.from(saved.certificate, 'base64'))),
        new Uint8Array(Buffer.from(saved.privateKey, 'base64')),
      );
    }
    const key = generateGostKeyPair();
    const from = Date.now() - DAY;
    const certificate = issueCertificate({
      subject: `CN=${name}, O=dmsnet sandbox, C=RU`,
      publicKey: key.publicKey,
      issuerPrivateKey: key.privateKey,
      notBefore: new Date(from),
      notAfter: new Date(from + 3650 * DAY),
      ca: true,
    });
    await mkdir(dir, { recursive: true });
    await writeFile(
      file,
      JSON.stringify({
        certificate: Buffer.from(certificate.der).toString('base64'),
        privateKey: Buffer.from(key.privateKey).toString('base64'),
      }),
      { mode: 0o600 },
    );
    return new SandboxGostCa(certificate, key.privateKey);
  }

  /** A new key and its signing certificate for `subject`, valid from an hour ago for `validMs`. */
  issue(subject: string, validMs = 365 * DAY, from = Date.now() - 3_600_000): GostKeyMaterial {
    const key = generateGostKeyPair();
    const cert = issueCertificate({
      subject,
      publicKey: key.publicKey,
      issuer: this.certificate,
      issuerPrivateKey: this.privateKey,
      notBefore: new Date(from),
      notAfter: new Date(from + validMs),
      ca: false,
    });
    return { privateKey: key.privateKey, certificate: cert.der };
  }
}
