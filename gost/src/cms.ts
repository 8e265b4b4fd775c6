// Detached CMS SignedData (RFC 5652) with GOST R 34.10-2012 and Streebog-256 (RFC 9215), carrying the signed
// attributes of CAdES-BES: content type, message digest, signing time and signing-certificate-v2 (RFC 5035).
import type { ErrorCode } from '@dmsnet/formats/error-codes';
import {
  AsnArray,
  AsnIntegerArrayBufferConverter,
  AsnConvert,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { Attribute, IssuerAndSerialNumber, SignerInfo } from '@peculiar/asn1-cms';
import { AlgorithmIdentifier, GeneralName, GeneralNames, Name, Time } from '@peculiar/asn1-x509';
import { CryptoError } from './errors.js';
import {
  derSequence,
  derTlv,
  fingerprintOf,
  isSignedBy,
  parseCertificate,
  type GostCertificate,
} from './certificates.js';
import { childrenOf, readTlv } from './der.js';
import { OID } from './oids.js';
import { gostSign, gostVerify, streebog256 } from './primitives.js';

@AsnType({ type: AsnTypeTypes.Choice })
class ObjectIdentifierValue {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) value = '';
}

@AsnType({ type: AsnTypeTypes.Sequence })
class IssuerSerial {
  @AsnProp({ type: GeneralNames }) issuer = new GeneralNames();
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter }) serialNumber =
    new ArrayBuffer(0);
}

@AsnType({ type: AsnTypeTypes.Sequence })
class EssCertIdV2 {
  @AsnProp({ type: AlgorithmIdentifier }) hashAlgorithm = new AlgorithmIdentifier();
  @AsnProp({ type: OctetString }) certHash = new OctetString();
  @AsnProp({ type: IssuerSerial, optional: true }) issuerSerial?: IssuerSerial;
}

@AsnType({ type: AsnTypeTypes.Sequence, itemType: EssCertIdV2 })
class EssCertIdV2s extends AsnArray<EssCertIdV2> {}

@AsnType({ type: AsnTypeTypes.Sequence })
class SigningCertificateV2 {
  @AsnProp({ type: EssCertIdV2s }) certs = new EssCertIdV2s();
}

const toArrayBuffer = (u: Uint8Array): ArrayBuffer =>
  u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
const asUint8Array = (x: ArrayBuffer | Uint8Array) => (x instanceof Uint8Array ? x : new Uint8Array(x));
const oidValue = (oid: string) => {
  const v = new ObjectIdentifierValue();
  v.value = oid;
  return AsnConvert.serialize(v);
};

/** What a signature rests on: the canonical bytes, and the signer's certificate and key. */
export interface CmsSignParams {
  content: Uint8Array;
  /** Streebog-256 of `content` when already computed (off the main thread for a large document). */
  contentDigest?: Uint8Array;
  certificate: GostCertificate;
  privateKey: Uint8Array;
  /** Certificates to carry beside the signer's (its intermediate CAs). */
  chain?: GostCertificate[];
  signingTime?: Date;
}

const SIGNED_DATA_OID = asUint8Array(oidValue(OID.signedData));

/** What never changes for one signer: its identifier, its signing-certificate-v2 attribute and the certificates. */
interface SignerConstants {
  sid: Uint8Array;
  signingCertificate: Uint8Array;
  certificates: Uint8Array;
}
const constants = new WeakMap<GostCertificate, SignerConstants>();

const STREEBOG_ALG = asUint8Array(
  AsnConvert.serialize(new AlgorithmIdentifier({ algorithm: OID.streebog256 })),
);
const GOST_KEY_ALG = asUint8Array(
  AsnConvert.serialize(new AlgorithmIdentifier({ algorithm: OID.gost2012_256Key })),
);
const CONTENT_TYPE_ATTR = asUint8Array(
  AsnConvert.serialize(new Attribute({ attrType: OID.contentType, attrValues: [oidValue(OID.data)] })),
);
const oidDer = (oid: string) => asUint8Array(oidValue(oid));
const MESSAGE_DIGEST_OID = oidDer(OID.messageDigest);
const SIGNING_TIME_OID = oidDer(OID.signingTime);
const ENCAP_DATA = derSequence([oidDer(OID.data)]);

function signerConstants(cert: GostCertificate, chain: GostCertificate[]): SignerConstants {
  const hit = chain.length === 0 ? constants.get(cert) : undefined;
  if (hit) return hit;
  const issuerSerial = new IssuerSerial();
  issuerSerial.issuer = new GeneralNames([
    new GeneralName({ directoryName: AsnConvert.parse(cert.issuerDer, Name) }),
  ]);
  issuerSerial.serialNumber = toArrayBuffer(Buffer.from(cert.serialHex, 'hex'));
  const essId = new EssCertIdV2();
  essId.hashAlgorithm = new AlgorithmIdentifier({ algorithm: OID.streebog256 });
  essId.certHash = new OctetString(streebog256(cert.der));
  essId.issuerSerial = issuerSerial;
  const signingCert = new SigningCertificateV2();
  signingCert.certs = new EssCertIdV2s([essId]);
  const c: SignerConstants = {
    sid: asUint8Array(
      AsnConvert.serialize(
        new IssuerAndSerialNumber({
          issuer: AsnConvert.parse(cert.issuerDer, Name),
          serialNumber: toArrayBuffer(Buffer.from(cert.serialHex, 'hex')),
        }),
      ),
    ),
    signingCertificate: asUint8Array(
      AsnConvert.serialize(
        new Attribute({
          attrType: OID.signingCertificateV2,
          attrValues: [AsnConvert.serialize(signingCert)],
        }),
      ),
    ),
    // The certificates as issued, not re-encoded: their signatures cover exactly these bytes.
    certificates: derTlv(0xa0, Buffer.concat([cert.der, ...chain.map((x) => x.der)])),
  };
  if (chain.length === 0) constants.set(cert, c);
  return c;
}

/** UTCTime (RFC 5652 §11.3: UTCTime for dates from 1950 to 2049), whole seconds. */
function utcTime(d: Date): Uint8Array {
  const iso = d.toISOString();
  const text =
    iso.slice(2, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19) +
    'Z';
  return derTlv(0x17, Buffer.from(text, 'ascii'));
}

/**
 * A detached SignedData over `content`, encoded directly as DER: the parts that never change for a signer are
 * encoded once, so a signature costs little beyond its GOST arithmetic.
 */
export function signCms(p: CmsSignParams): Uint8Array {
  const k = signerConstants(p.certificate, p.chain ?? []);
  const attrs = [
    CONTENT_TYPE_ATTR,
    derSequence([SIGNING_TIME_OID, derTlv(0x31, utcTime(p.signingTime ?? new Date()))]),
    derSequence([MESSAGE_DIGEST_OID, derTlv(0x31, derTlv(0x04, p.contentDigest ?? streebog256(p.content)))]),
    k.signingCertificate,
  ];
  // The signature covers the DER SET OF the attributes (RFC 5652 §5.4), sorted as DER wants a SET; the SignerInfo
  // carries the same bytes under [0] IMPLICIT.
  const body = Buffer.concat(attrs.sort((a, b) => Buffer.compare(a, b)));
  const signature = gostSign(p.privateKey, derTlv(0x31, body));
  const signerInfo = derSequence([
    Uint8Array.from([0x02, 0x01, 0x01]),
    k.sid,
    STREEBOG_ALG,
    derTlv(0xa0, body),
    GOST_KEY_ALG,
    derTlv(0x04, signature),
  ]);
  const signedData = derSequence([
    Uint8Array.from([0x02, 0x01, 0x01]),
    derTlv(0x31, STREEBOG_ALG),
    ENCAP_DATA,
    k.certificates,
    derTlv(0x31, signerInfo),
  ]);
  return derSequence([SIGNED_DATA_OID, derTlv(0xa0, signedData)]);
}

export interface CmsVerifyParams {
  signature: Uint8Array;
  content: Uint8Array;
  /** Streebog-256 of `content` when already computed (off the main thread for a large document). */
  contentDigest?: Uint8Array;
  /** Trusted roots (self-signed CA certificates) from the directory. */
  trustedRoots: GostCertificate[];
  /**
   * SHA-256 fingerprints of the certificates the directory registers for the signer: checked before anything else is
   * parsed or verified (CERT_NOT_REGISTERED), and only then is the signer's key worth a lookup table. Without it the
   * signer's key is the sender's choice and is used once, without a table.
   */
  registered?: string[];
}

/** Certificates a signature may carry (the signer's and its intermediate CAs): more is refused unread. */
export const MAX_CARRIED_CERTIFICATES = 8;

export interface CmsVerified {
  signer: GostCertificate;
  /** Signer first, root last. */
  chain: GostCertificate[];
  signingTime: Date;
}

const fail = (code: ErrorCode, message: string) => new CryptoError(code, message);

/** The one SignerInfo of a detached SignedData and the certificates carried in it, as bytes (nothing parsed). */
function readSignedData(received: Uint8Array): {
  si: SignerInfo;
  signedAttrs?: Uint8Array;
  certDers: Uint8Array[];
} {
  // Walked over the received bytes rather than parsed whole: certificates are taken as sent (their signatures cover
  // those bytes) and parsed only when needed (parseCertificate caches), which is most of the cost of a verification.
  // A plain copy: its slices are copies too (a Buffer's are views), so nothing done to a part reaches the caller's bytes.
  const signature = Uint8Array.from(received);
  try {
    const ci = readTlv(signature, 0);
    const [oid, explicit] = childrenOf(signature, ci);
    if (ci.tag !== 0x30 || ci.end !== signature.length || oid?.tag !== 0x06 || explicit?.tag !== 0xa0) {
      throw new Error('not a ContentInfo');
    }
    if (Buffer.compare(signature.slice(oid.start, oid.end), SIGNED_DATA_OID) !== 0) {
      throw new Error('not SignedData');
    }
    const sd = childrenOf(signature, explicit)[0];
    const parts = childrenOf(signature, sd);
    const encap = parts[2];
    if (encap?.tag !== 0x30) throw new Error('no encapsulated content info');
    if (childrenOf(signature, encap).length !== 1) {
      throw fail('CMS_MALFORMED', 'the signature is not detached');
    }
    const certs = parts.find((t) => t.tag === 0xa0);
    const certTlvs = certs ? childrenOf(signature, certs).filter((t) => t.tag === 0x30) : [];
    // Counted before any is parsed: each costs milliseconds, and a sender chooses how many to send.
    if (certTlvs.length > MAX_CARRIED_CERTIFICATES) {
      throw fail(
        'CMS_TOO_MANY_CERTIFICATES',
        `SignedData.certificates carries ${certTlvs.length} certificates; at most ${MAX_CARRIED_CERTIFICATES} are read`,
      );
    }
    const infos = parts[parts.length - 1];
    const list = infos.tag === 0x31 ? childrenOf(signature, infos) : [];
    if (list.length !== 1) throw fail('CMS_MALFORMED', 'the signature must have exactly one signer');
    const si = AsnConvert.parse(signature.slice(list[0].start, list[0].end), SignerInfo);
    const attrs = childrenOf(signature, list[0]).find((t) => t.tag === 0xa0);
    return {
      si,
      signedAttrs: attrs ? signature.slice(attrs.start, attrs.end) : undefined,
      certDers: certTlvs.map((t) => signature.slice(t.start, t.end)),
    };
  } catch (err) {
    if (err instanceof CryptoError) throw err;
    throw fail('CMS_MALFORMED', 'the signature is not a DER CMS SignedData');
  }
}

/** The parsed GOST certificates among `ders`; one that is not GOST cannot be on a GOST chain and is left out. */
function parseGost(ders: Uint8Array[]): GostCertificate[] {
  const out: GostCertificate[] = [];
  for (const der of ders) {
    try {
      out.push(parseCertificate(der));
    } catch {
      // Ignored, not trusted.
    }
  }
  return out;
}

/** Whether `c` is the certificate the SignerInfo names by issuer and serial number. */
function namedBy(si: SignerInfo, c: GostCertificate): boolean {
  const ias = si.sid.issuerAndSerialNumber;
  if (ias === undefined) return false;
  let issuerDer: Uint8Array;
  try {
    // The name is written back as DER to compare it with each certificate's: a value the library parsed under a
    // tag it cannot write (a UTCTime that is no time) fails there, and so does the signature.
    issuerDer = asUint8Array(AsnConvert.serialize(ias.issuer));
  } catch {
    throw fail('CMS_MALFORMED', "the signer's issuer name cannot be read");
  }
  return (
    Buffer.compare(c.issuerDer, issuerDer) === 0 &&
    c.serialHex === Buffer.from(ias.serialNumber).toString('hex')
  );
}

const NO_SIGNER = "the signature does not carry its signer's GOST certificate";

/** The signer's certificate among all carried ones (each parsed). */
function signerAmong(
  si: SignerInfo,
  certDers: Uint8Array[],
): { signer: GostCertificate; carried: GostCertificate[] } {
  const carried = parseGost(certDers);
  const signer = carried.find((c) => namedBy(si, c));
  if (!signer) throw fail('CMS_MALFORMED', NO_SIGNER);
  return { signer, carried };
}

/** The GOST certificates a CMS signature carries, signer first (nothing verified). */
export function carriedCertificates(signature: Uint8Array): Uint8Array[] {
  const { si, certDers } = readSignedData(signature);
  const { signer, carried } = signerAmong(si, certDers);
  return [signer, ...carried.filter((c) => c !== signer)].map((c) => c.der);
}

/** The SHA-256 fingerprint of the certificate a CMS signature names as its signer (nothing verified). */
export function signerFingerprintOf(signature: Uint8Array): string {
  const { si, certDers } = readSignedData(signature);
  return signerAmong(si, certDers).signer.fingerprint;
}

/**
 * Verifies a detached GOST signature over `content`: the signed attributes and their signature, the certificate chain
 * to a trusted root, every certificate's validity at the signing time. Codes: CMS_MALFORMED,
 * CMS_TOO_MANY_CERTIFICATES, CERT_NOT_REGISTERED, SIGNATURE_INVALID, CERT_UNTRUSTED, CERT_EXPIRED.
 *
 * The order bounds what a sender can make it cost: the certificates are counted before any is parsed, the registered
 * one is found by fingerprint before anything is verified, the signature is checked before the other carried
 * certificates are parsed, and a key that is neither registered nor a trusted root's gets no lookup table.
 */
export function verifyCms(p: CmsVerifyParams): CmsVerified {
  const { si, signedAttrs: raw, certDers } = readSignedData(p.signature);
  let signer: GostCertificate;
  let others: () => GostCertificate[];
  if (p.registered) {
    const registered = p.registered;
    const candidates = parseGost(certDers.filter((der) => registered.includes(fingerprintOf(der))));
    const found = candidates.find((c) => namedBy(si, c));
    if (!found) {
      throw fail(
        'CERT_NOT_REGISTERED',
        'the signature is not made with a certificate the directory registers for its signer',
      );
    }
    signer = found;
    others = () => parseGost(certDers.filter((der) => fingerprintOf(der) !== found.fingerprint));
  } else {
    const all = signerAmong(si, certDers);
    signer = all.signer;
    others = () => all.carried.filter((c) => c !== all.signer);
  }
  if (si.digestAlgorithm.algorithm !== OID.streebog256) {
    throw fail('CMS_MALFORMED', `digest ${si.digestAlgorithm.algorithm} is not Streebog-256`);
  }
  const sigAlg = si.signatureAlgorithm.algorithm;
  if (sigAlg !== OID.gost2012_256Key && sigAlg !== OID.gost2012_256Signature) {
    throw fail('CMS_MALFORMED', `signature algorithm ${sigAlg} is not GOST R 34.10-2012 256-bit`);
  }
  if (!si.signedAttrs || !raw) throw fail('CMS_MALFORMED', 'the signature has no signed attributes');
  const attr = (oid: string): ArrayBuffer => {
    const found = si.signedAttrs?.filter((a) => a.attrType === oid) ?? [];
    if (found.length !== 1 || found[0].attrValues.length !== 1) {
      throw fail('CMS_MALFORMED', `signed attribute ${oid} must be present once`);
    }
    return found[0].attrValues[0];
  };
  let digest: Uint8Array;
  let signingTime: Date;
  try {
    if (AsnConvert.parse(attr(OID.contentType), ObjectIdentifierValue).value !== OID.data) {
      throw fail('CMS_MALFORMED', 'the content type is not id-data');
    }
    digest = asUint8Array(AsnConvert.parse(attr(OID.messageDigest), OctetString).buffer);
    signingTime = AsnConvert.parse(attr(OID.signingTime), Time).getTime();
  } catch (err) {
    if (err instanceof CryptoError) throw err;
    throw fail('CMS_MALFORMED', 'a signed attribute cannot be read');
  }
  // The raw attributes keep their [0] IMPLICIT tag; the signature covers them as a SET (0x31).
  const signedSet = raw;
  signedSet[0] = 0x31;
  if (
    Buffer.compare(digest, p.contentDigest ?? streebog256(p.content)) !== 0 ||
    !gostVerify(signer.publicKey, asUint8Array(si.signature.buffer), signedSet, {
      keepTable: p.registered !== undefined,
    })
  ) {
    throw fail(
      'SIGNATURE_INVALID',
      `the GOST signature of ${signer.subject} does not verify over these bytes`,
    );
  }
  checkSigningCertificate(attr(OID.signingCertificateV2), signer);
  const chain = buildChain(signer, others(), p.trustedRoots);
  for (const c of chain) {
    if (signingTime < c.notBefore || signingTime > c.notAfter) {
      throw fail(
        'CERT_EXPIRED',
        `certificate ${c.subject} is valid ${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}, ` +
          `not at the signing time ${signingTime.toISOString()}`,
      );
    }
  }
  return { signer, chain, signingTime };
}

/** Streebog-256 of certificates already seen (a certificate never changes; verifications repeat for a signer). */
const certHashes = new WeakMap<GostCertificate, Uint8Array>();

function certificateHash(c: GostCertificate): Uint8Array {
  let h = certHashes.get(c);
  if (!h) {
    h = streebog256(c.der);
    certHashes.set(c, h);
  }
  return h;
}

/** signing-certificate-v2 must name the signer's certificate by its Streebog-256 hash (no substitution). */
function checkSigningCertificate(value: ArrayBuffer, signer: GostCertificate): void {
  let ids: EssCertIdV2s;
  try {
    ids = AsnConvert.parse(value, SigningCertificateV2).certs;
  } catch {
    throw fail('CMS_MALFORMED', 'signing-certificate-v2 cannot be read');
  }
  const first = ids[0];
  if (!first || first.hashAlgorithm.algorithm !== OID.streebog256) {
    throw fail('CMS_MALFORMED', 'signing-certificate-v2 must hash the certificate with Streebog-256');
  }
  if (Buffer.compare(asUint8Array(first.certHash.buffer), certificateHash(signer)) !== 0) {
    throw fail('SIGNATURE_INVALID', "signing-certificate-v2 does not name the signer's certificate");
  }
}

/** Links from a certificate up to its issuer a chain may have: the signer, two intermediates, the root. */
const MAX_CHAIN_STEPS = 4;

/**
 * From the signer up through carried CA certificates to a trusted root. Each carried certificate is tried once at most
 * (a sender may name several as the same issuer) and verifies without a lookup table for its key; a root's key gets one.
 */
function buildChain(
  signer: GostCertificate,
  carried: GostCertificate[],
  roots: GostCertificate[],
): GostCertificate[] {
  const chain = [signer];
  const untried = carried.filter((c) => c.isCA && c.fingerprint !== signer.fingerprint);
  let current = signer;
  for (let step = 0; step < MAX_CHAIN_STEPS; step++) {
    const root = roots.find((r) => isSignedBy(current, r));
    if (root) {
      if (root.fingerprint !== current.fingerprint) chain.push(root);
      return chain;
    }
    let next: GostCertificate | undefined;
    while (!next && untried.length > 0) {
      const i = untried.findIndex((c) => Buffer.compare(c.subjectDer, current.issuerDer) === 0);
      if (i < 0) break;
      const [candidate] = untried.splice(i, 1);
      if (isSignedBy(current, candidate, { keepTable: false })) next = candidate;
    }
    if (!next) break;
    chain.push(next);
    current = next;
  }
  throw fail(
    'CERT_UNTRUSTED',
    `certificate ${signer.subject} (issued by ${signer.issuer}) does not chain to a root the directory trusts`,
  );
}
