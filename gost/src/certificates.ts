// X.509 certificates with GOST R 34.10-2012 256-bit keys, built and checked with @peculiar/asn1-x509 (the DER) and
// the GOST primitives (the signatures): @peculiar/x509 itself signs only through WebCrypto, which has no GOST.
// @peculiar/x509 resolves its services through tsyringe, which needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { Name as NameText } from '@peculiar/x509';
import { GostKeyParameters } from './key-parameters.js';
import { childrenOf, readTlv } from './der.js';
import { gostSign, gostVerify } from './primitives.js';
import { OID, SUBJECT_OID, type SubjectIdentifier } from './oids.js';

export interface GostCertificate {
  der: Uint8Array;
  subject: string;
  issuer: string;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** 64 bytes x ‖ y little-endian. */
  publicKey: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
  /** SHA-256 hex of the DER: how the directory names a certificate. */
  fingerprint: string;
  parsed: Certificate;
}

/**
 * A certificate this package refuses. `unsupportedKey` tells a readable certificate whose key or signature is not
 * GOST R 34.10-2012 256-bit on CryptoPro-A (the directory answers it with a code of its own) from one that cannot be
 * read at all.
 */
export class CertificateFormatError extends Error {
  constructor(
    message: string,
    readonly unsupportedKey = false,
  ) {
    super(message);
  }
}

const buf = (x: ArrayBuffer | Uint8Array) => new Uint8Array(x instanceof Uint8Array ? x : new Uint8Array(x));

export function fingerprintOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** DER from PEM or from base64 of the DER (the directory's form). */
export function derOf(text: string): Uint8Array {
  const b64 = text.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function gostSpki(publicKey: Uint8Array): SubjectPublicKeyInfo {
  const params = new GostKeyParameters();
  params.publicKeyParamSet = OID.cryptoProA;
  params.digestParamSet = OID.streebog256;
  return new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: OID.gost2012_256Key,
      parameters: AsnConvert.serialize(params),
    }),
    subjectPublicKey: AsnConvert.serialize(new OctetString(publicKey)),
  });
}

/** The key identifier of RFC 5280 §4.2.1.2 method 1 (SHA-1 of the key bits): only a name, never trusted. */
function keyIdOf(publicKey: Uint8Array): Uint8Array {
  return createHash('sha1').update(publicKey).digest();
}

export interface IssueParams {
  subject: string;
  publicKey: Uint8Array;
  /** The issuer's certificate; omitted for a self-signed root. */
  issuer?: GostCertificate;
  issuerPrivateKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
}

export function issueCertificate(p: IssueParams): GostCertificate {
  const subjectName = AsnConvert.parse(new NameText(p.subject).toArrayBuffer(), Name);
  const issuerName = p.issuer ? AsnConvert.parse(p.issuer.subjectDer, Name) : subjectName;
  const issuerKey = p.issuer ? p.issuer.publicKey : p.publicKey;
  const serial = randomBytes(16);
  // A positive INTEGER in minimal DER: top bit clear, and a first byte of 0 would be padding that OpenSSL refuses
  // ("illegal padding"; one certificate in 512 before).
  serial[0] = serial[0] & 0x7f || 1;
  const ext = (extnID: string, critical: boolean, value: unknown) =>
    new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial.buffer.slice(
      serial.byteOffset,
      serial.byteOffset + serial.byteLength,
    ) as ArrayBuffer,
    signature: new AlgorithmIdentifier({ algorithm: OID.gost2012_256Signature }),
    issuer: issuerName,
    validity: new Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: subjectName,
    subjectPublicKeyInfo: gostSpki(p.publicKey),
    extensions: new Extensions([
      ext(OID.basicConstraints, true, new BasicConstraints({ cA: p.ca })),
      ext(
        OID.keyUsage,
        true,
        new KeyUsage(
          p.ca
            ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
            : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
        ),
      ),
      ext(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdOf(p.publicKey))),
      ext(
        OID.authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdOf(issuerKey)) }),
      ),
    ]),
  });
  const tbsDer = buf(AsnConvert.serialize(tbs));
  const signature = gostSign(p.issuerPrivateKey, tbsDer);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID.gost2012_256Signature }),
    signatureValue: signature.buffer.slice(
      signature.byteOffset,
      signature.byteOffset + signature.byteLength,
    ) as ArrayBuffer,
  });
  return parseCertificate(buf(AsnConvert.serialize(cert)));
}

/** Parsed certificates by fingerprint: a certificate never changes, and parsing one costs milliseconds. */
const parsedCache = new Map<string, GostCertificate>();
const PARSED_CACHE_MAX = 1000;

/** Parses a certificate and insists on a GOST R 34.10-2012 256-bit key on the CryptoPro-A curve. */
export function parseCertificate(der: Uint8Array): GostCertificate {
  const fp = fingerprintOf(der);
  const hit = parsedCache.get(fp);
  if (hit) return hit;
  const parsed = parseUncached(Uint8Array.from(der), fp);
  if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(fp, parsed);
  return parsed;
}

function parseUncached(der: Uint8Array, fingerprint: string): GostCertificate {
  let c: Certificate;
  try {
    c = AsnConvert.parse(der, Certificate);
  } catch {
    throw new CertificateFormatError('is not a DER X.509 certificate');
  }
  const tbs = c.tbsCertificate;
  const spki = tbs.subjectPublicKeyInfo;
  if (spki.algorithm.algorithm !== OID.gost2012_256Key) {
    throw new CertificateFormatError(
      `has a ${spki.algorithm.algorithm} key, not GOST R 34.10-2012 256-bit (${OID.gost2012_256Key})`,
      true,
    );
  }
  let curve = '';
  try {
    curve = AsnConvert.parse(
      spki.algorithm.parameters ?? new ArrayBuffer(0),
      GostKeyParameters,
    ).publicKeyParamSet;
  } catch {
    throw new CertificateFormatError('has no readable GOST key parameters', true);
  }
  if (curve !== OID.cryptoProA) {
    throw new CertificateFormatError(
      `uses curve ${curve}; dmsnet accepts CryptoPro-A (${OID.cryptoProA})`,
      true,
    );
  }
  let publicKey: Uint8Array;
  try {
    publicKey = buf(AsnConvert.parse(spki.subjectPublicKey, OctetString).buffer);
  } catch {
    throw new CertificateFormatError('has an unreadable public key', true);
  }
  if (publicKey.length !== 64) {
    throw new CertificateFormatError('has a public key that is not 64 bytes', true);
  }
  if (c.signatureAlgorithm.algorithm !== OID.gost2012_256Signature) {
    throw new CertificateFormatError(
      `is signed with ${c.signatureAlgorithm.algorithm}, not GOST R 34.10-2012`,
      true,
    );
  }
  const bc = tbs.extensions?.find((e) => e.extnID === OID.basicConstraints);
  let isCA = false;
  try {
    isCA = bc ? AsnConvert.parse(bc.extnValue.buffer, BasicConstraints).cA : false;
  } catch {
    throw new CertificateFormatError('has an unreadable basic-constraints extension');
  }
  let subjectDer: Uint8Array;
  let issuerDer: Uint8Array;
  let subject: string;
  let issuer: string;
  try {
    // Written back as DER: a name value parsed under a tag the library cannot write (a UTCTime that is no time)
    // fails here with its plain Error.
    subjectDer = buf(AsnConvert.serialize(tbs.subject));
    issuerDer = buf(AsnConvert.serialize(tbs.issuer));
    subject = new NameText(subjectDer).toString();
    issuer = new NameText(issuerDer).toString();
  } catch {
    throw new CertificateFormatError('has an unreadable subject or issuer name');
  }
  return {
    der,
    subject,
    issuer,
    subjectDer,
    issuerDer,
    serialHex: Buffer.from(tbs.serialNumber).toString('hex'),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    isCA,
    publicKey,
    tbs: buf(c.tbsCertificateRaw ?? AsnConvert.serialize(tbs)),
    signature: buf(c.signatureValue),
    fingerprint,
    parsed: c,
  };
}

/** The string types CAs put identifiers in: NumericString as 795 says, PrintableString or UTF8String as many do. */
@AsnType({ type: AsnTypeTypes.Choice })
class IdentifierString {
  @AsnProp({ type: AsnPropTypes.NumericString }) numeric?: string;
  @AsnProp({ type: AsnPropTypes.PrintableString }) printable?: string;
  @AsnProp({ type: AsnPropTypes.Utf8String }) utf8?: string;
  @AsnProp({ type: AsnPropTypes.IA5String }) ia5?: string;
}

/**
 * Every value of the subject's ОГРН, ОГРНИП, ИННЮЛ and ИНН attributes, as written and trimmed (a name may repeat
 * one, and each is for the caller to check).
 */
export function subjectIdentifiersOf(cert: GostCertificate): Record<SubjectIdentifier, string[]> {
  const found: Record<SubjectIdentifier, string[]> = { ogrn: [], ogrnip: [], innLe: [], inn: [] };
  const names = Object.entries(SUBJECT_OID) as Array<[SubjectIdentifier, string]>;
  for (const rdn of cert.parsed.tbsCertificate.subject) {
    for (const atv of rdn) {
      const name = names.find(([, oid]) => oid === atv.type)?.[0];
      if (!name) continue;
      let text: string | undefined;
      try {
        const s = AsnConvert.parse(AsnConvert.serialize(atv.value), IdentifierString);
        text = s.numeric ?? s.printable ?? s.utf8 ?? s.ia5;
      } catch {
        text = undefined;
      }
      if (text === undefined) throw new CertificateFormatError(`has an unreadable subject ${atv.type}`);
      found[name].push(text.trim());
    }
  }
  return found;
}

/** Links already verified (certificate > issuer fingerprints): a signature on a certificate never changes. */
const verifiedLinks = new Set<string>();

/** `keepTable` false when the issuer's key is a sender's choice (a carried CA), not a trusted root's. */
export function isSignedBy(
  cert: GostCertificate,
  issuer: GostCertificate,
  options: { keepTable?: boolean } = {},
): boolean {
  if (Buffer.compare(cert.issuerDer, issuer.subjectDer) !== 0) return false;
  const link = `${cert.fingerprint}>${issuer.fingerprint}`;
  if (verifiedLinks.has(link)) return true;
  const ok = gostVerify(issuer.publicKey, cert.signature, cert.tbs, options);
  if (ok) {
    if (verifiedLinks.size >= PARSED_CACHE_MAX) verifiedLinks.clear();
    verifiedLinks.add(link);
  }
  return ok;
}

/** PKCS#8 of a GOST private key (32 bytes little-endian in an OCTET STRING), the form OpenSSL's engine reads. */
export function privateKeyPkcs8Pem(privateKey: Uint8Array): string {
  const params = new GostKeyParameters();
  params.publicKeyParamSet = OID.cryptoProA;
  params.digestParamSet = OID.streebog256;
  const alg = buf(
    AsnConvert.serialize(
      new AlgorithmIdentifier({ algorithm: OID.gost2012_256Key, parameters: AsnConvert.serialize(params) }),
    ),
  );
  const inner = buf(AsnConvert.serialize(new OctetString(privateKey)));
  const der = derSequence([Uint8Array.from([0x02, 0x01, 0x00]), alg, derTlv(0x04, inner)]);
  return toPem(der, 'PRIVATE KEY');
}

/**
 * The 32-byte little-endian GOST private key of a PKCS#8 PEM or DER (as OpenSSL's GOST engine writes it: the key
 * as an OCTET STRING, or as an INTEGER, inside the PrivateKeyInfo's OCTET STRING), on CryptoPro-A only.
 */
export function privateKeyFromPkcs8(text: string | Uint8Array): Uint8Array {
  const der = typeof text === 'string' ? derOf(text) : text;
  try {
    const top = readTlv(der, 0);
    const [version, alg, key] = childrenOf(der, top);
    if (top.tag !== 0x30 || version?.tag !== 0x02 || alg?.tag !== 0x30 || key?.tag !== 0x04)
      throw new Error();
    const algorithm = AsnConvert.parse(der.slice(alg.start, alg.end), AlgorithmIdentifier);
    const params = AsnConvert.parse(algorithm.parameters ?? new ArrayBuffer(0), GostKeyParameters);
    if (algorithm.algorithm !== OID.gost2012_256Key || params.publicKeyParamSet !== OID.cryptoProA) {
      throw new CertificateFormatError('is not a GOST R 34.10-2012 256-bit key on CryptoPro-A');
    }
    // OpenSSL's engine writes the 32 key bytes straight into the PrivateKeyInfo's OCTET STRING; others wrap them.
    if (key.end - key.contentStart === 32) return Uint8Array.from(der.slice(key.contentStart, key.end));
    const inner = readTlv(der, key.contentStart);
    const body = der.slice(inner.contentStart, inner.end);
    if (inner.tag === 0x04 && body.length === 32) return Uint8Array.from(body);
    if (inner.tag === 0x02) {
      // An INTEGER is big-endian (with a sign byte when the top bit is set).
      const be = body[0] === 0 ? body.slice(1) : body;
      if (be.length > 32) throw new Error();
      const le = Uint8Array.from(be).reverse();
      const out = new Uint8Array(32);
      out.set(le);
      return out;
    }
    throw new Error();
  } catch (err) {
    if (err instanceof CertificateFormatError) throw err;
    throw new CertificateFormatError('is not a PKCS#8 GOST private key');
  }
}

export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Uint8Array.from([tag, ...len]), content]);
}

export function derSequence(parts: Uint8Array[]): Uint8Array {
  return derTlv(0x30, Buffer.concat(parts));
}
