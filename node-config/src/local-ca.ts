// @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** Fabric CA's attribute extension: raw JSON {"attrs": {...}} that ClientIdentity.getAttributeValue reads. */
export const FABRIC_ATTRIBUTE_OID = '1.2.3.4.5.6.7.8.1';

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trim()}\n-----END ${label}-----\n`;
}

async function importKey(pkcs8Pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pkcs8Pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']) as Promise<CryptoKey>;
}

/**
 * What issues an organisation's identities: this in-process CA, or an organisation's own Fabric CA server
 * (network/src/fabric-ca.ts). Networks and tests ask only this of a CA.
 */
export interface CertificateIssuer {
  /** PEM of the CA's root certificate. */
  readonly certificate: string;
  issue(o: {
    commonName: string;
    attributes?: Record<string, string>;
    ou?: 'client' | 'peer' | 'orderer' | 'admin';
    hosts?: readonly string[];
  }): Promise<{ certificate: string; privateKey: string }>;
  signCsr(csrPem: string, o?: { attributes?: Record<string, string> }): Promise<string>;
}

/**
 * An organisation's certificate authority for single-machine networks: real ECDSA P-256 X.509 certificates, as a
 * Fabric CA would issue them, including the attribute extension that lets a clinic act under a member's CA.
 */
export class LocalCA implements CertificateIssuer {
  private constructor(
    readonly mspId: string,
    readonly certificate: string,
    private readonly key: CryptoKey,
  ) {}

  /** Opens the CA kept in `dir`, creating it on first use; `name` tells a TLS CA from the signing CA. */
  static async open(dir: string, mspId: string, name = `ca.${mspId.toLowerCase()}`): Promise<LocalCA> {
    const file = path.join(dir, 'ca.json');
    if (existsSync(file)) {
      const saved = JSON.parse(await readFile(file, 'utf8')) as { certificate: string; privateKey: string };
      return new LocalCA(mspId, saved.certificate, await importKey(saved.privateKey));
    }
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomBytes(8).toString('hex'),
      name: `CN=${name}, O=${mspId}`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 10 * 365 * 86_400_000),
      signingAlgorithm: ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const privateKey = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    await mkdir(dir, { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify({ certificate: cert.toString('pem'), privateKey }), {
      mode: 0o600,
    });
    await rename(`${file}.tmp`, file);
    return new LocalCA(mspId, cert.toString('pem'), keys.privateKey);
  }

  /**
   * Signs a certificate signing request as an organisation's CA does on enrolment: the subject and key from the CSR
   * (after checking its signature), the attributes from the registration, never from the CSR.
   */
  async signCsr(csrPem: string, o: { attributes?: Record<string, string> } = {}): Promise<string> {
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    if (!(await csr.verify())) throw new Error('the certificate signing request does not verify');
    const cert = await this.certify(csr.subject, csr.publicKey, { attributes: o.attributes });
    return cert.toString('pem');
  }

  /**
   * Issues an end-entity certificate. `ou` is the Fabric node OU (client, peer, orderer, admin) that the MSP's NodeOUs
   * classify by; `hosts` makes it a TLS certificate for those names and addresses (server and client auth).
   */
  async issue(o: {
    commonName: string;
    attributes?: Record<string, string>;
    ou?: 'client' | 'peer' | 'orderer' | 'admin';
    hosts?: readonly string[];
  }): Promise<{ certificate: string; privateKey: string }> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await this.certify(
      `CN=${o.commonName}, OU=${o.ou ?? 'client'}, O=${this.mspId}`,
      keys.publicKey,
      o,
    );
    return {
      certificate: cert.toString('pem'),
      privateKey: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    };
  }

  /** An end-entity certificate for `publicKey`, valid two years, with Fabric's attribute extension when asked. */
  private async certify(
    subject: string,
    publicKey: CryptoKey | x509.PublicKey,
    o: { attributes?: Record<string, string>; hosts?: readonly string[] },
  ): Promise<x509.X509Certificate> {
    const ca = new x509.X509Certificate(this.certificate);
    const now = Date.now();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        o.hosts
          ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
          : x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ];
    if (o.hosts) {
      extensions.push(
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
        new x509.SubjectAlternativeNameExtension(
          o.hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 'ip', value: h } : { type: 'dns', value: h })),
        ),
      );
    }
    if (o.attributes && Object.keys(o.attributes).length) {
      extensions.push(
        new x509.Extension(FABRIC_ATTRIBUTE_OID, false, Buffer.from(JSON.stringify({ attrs: o.attributes }))),
      );
    }
    return x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(8).toString('hex'),
      subject,
      issuer: ca.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 2 * 365 * 86_400_000),
      signingAlgorithm: ALG,
      publicKey,
      signingKey: this.key,
      extensions,
    });
  }
}
