// Detached CMS SignedData (RFC 5652) with GOST R 34.10-2012 and Streebog-256 (RFC 9215), carrying the signed
// attributes of CAdES-BES: content type, message digest, signing time and signing-certificate-v2 (RFC 5035).
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
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AlgorithmIdentifier, GeneralName, GeneralNames, Name, Time } from '@peculiar/asn1-x509';
import { CryptoError } from '../errors.js';
import { isSignedBy, parseCertificate, type GostCertificate } from './certificates.js';
import { signedAttributesOf } from './der.js';
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

const ab = (u: Uint8Array): ArrayBuffer =>
  u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
const u8 = (x: ArrayBuffer | Uint8Array) => (x instanceof Uint8Array ? x : new Uint8Array(x));
const oidValue = (oid: string) => {
  const v = new ObjectIdentifierValue();
  v.value = oid;
  return AsnConvert.serialize(v);
};

/** What a signature rests on: the canonical bytes, and the signer's certificate and key. */
export interface CmsSignParams {
  content: Uint8Array;
  certificate: GostCertificate;
  privateKey: Uint8Array;
  /** Certificates to carry beside the signer's (its intermediate CAs). */
  chain?: GostCertificate[];
  signingTime?: Date;
}

export function signCms(p: CmsSignParams): Uint8Array {
  const cert = p.certificate;
  const streebog = new AlgorithmIdentifier({ algorithm: OID.streebog256 });
  const issuerSerial = new IssuerSerial();
  issuerSerial.issuer = new GeneralNames([
    new GeneralName({ directoryName: AsnConvert.parse(cert.issuerDer, Name) }),
  ]);
  issuerSerial.serialNumber = ab(Buffer.from(cert.serialHex, 'hex'));
  const essId = new EssCertIdV2();
  essId.hashAlgorithm = streebog;
  essId.certHash = new OctetString(streebog256(cert.der));
  essId.issuerSerial = issuerSerial;
  const signingCert = new SigningCertificateV2();
  signingCert.certs = new EssCertIdV2s([essId]);
  const attrs = [
    new Attribute({ attrType: OID.contentType, attrValues: [oidValue(OID.data)] }),
    new Attribute({
      attrType: OID.signingTime,
      attrValues: [AsnConvert.serialize(new Time(p.signingTime ?? new Date()))],
    }),
    new Attribute({
      attrType: OID.messageDigest,
      attrValues: [AsnConvert.serialize(new OctetString(streebog256(p.content)))],
    }),
    new Attribute({ attrType: OID.signingCertificateV2, attrValues: [AsnConvert.serialize(signingCert)] }),
  ];
  // The signature covers the DER SET OF the attributes (RFC 5652 §5.4), sorted as DER wants a SET.
  const encoded = attrs.map((a) => u8(AsnConvert.serialize(a))).sort((a, b) => Buffer.compare(a, b));
  const sorted = encoded.map((e) => AsnConvert.parse(e, Attribute));
  const signedSet = derSet(encoded);
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: AsnConvert.parse(cert.issuerDer, Name),
        serialNumber: ab(Buffer.from(cert.serialHex, 'hex')),
      }),
    }),
    digestAlgorithm: streebog,
    signedAttrs: sorted,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID.gost2012_256Key }),
    signature: new OctetString(gostSign(p.privateKey, signedSet)),
  });
  const signed = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([streebog]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: new CertificateSet(
      [cert, ...(p.chain ?? [])].map((c) => new CertificateChoices({ certificate: c.parsed })),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return u8(
    AsnConvert.serialize(
      new ContentInfo({ contentType: OID.signedData, content: AsnConvert.serialize(signed) }),
    ),
  );
}

function derSet(items: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(items);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Uint8Array.from([0x31, ...len]), body]);
}

export interface CmsVerifyParams {
  signature: Uint8Array;
  content: Uint8Array;
  /** Trusted roots (self-signed CA certificates) from the directory. */
  trustedRoots: GostCertificate[];
}

export interface CmsVerified {
  signer: GostCertificate;
  /** Signer first, root last. */
  chain: GostCertificate[];
  signingTime: Date;
}

const fail = (code: string, message: string) => new CryptoError(code, message);

/** The one SignerInfo of a detached SignedData and the signer's certificate carried in it. */
function readSignedData(signature: Uint8Array): {
  si: SignerInfo;
  signer: GostCertificate;
  carried: GostCertificate[];
} {
  let signed: SignedData;
  try {
    const ci = AsnConvert.parse(signature, ContentInfo);
    if (ci.contentType !== OID.signedData) throw new Error('not SignedData');
    signed = AsnConvert.parse(ci.content, SignedData);
  } catch {
    throw fail('CMS_MALFORMED', 'the signature is not a DER CMS SignedData');
  }
  if (signed.encapContentInfo.eContent) throw fail('CMS_MALFORMED', 'the signature is not detached');
  if (signed.signerInfos.length !== 1)
    throw fail('CMS_MALFORMED', 'the signature must have exactly one signer');
  const si = signed.signerInfos[0];
  const carried: GostCertificate[] = [];
  for (const choice of signed.certificates ?? []) {
    if (!choice.certificate) continue;
    try {
      carried.push(parseCertificate(u8(AsnConvert.serialize(choice.certificate))));
    } catch {
      // A certificate that is not GOST cannot be on a GOST chain; it is ignored, not trusted.
    }
  }
  const ias = si.sid.issuerAndSerialNumber;
  const signer = carried.find((c) =>
    ias
      ? Buffer.compare(c.issuerDer, u8(AsnConvert.serialize(ias.issuer))) === 0 &&
        c.serialHex === Buffer.from(ias.serialNumber).toString('hex')
      : si.sid.subjectKeyIdentifier !== undefined,
  );
  if (!signer) throw fail('CMS_MALFORMED', "the signature does not carry its signer's GOST certificate");
  return { si, signer, carried };
}

/** The GOST certificates a CMS signature carries, signer first (nothing verified). */
export function carriedCertificates(signature: Uint8Array): Uint8Array[] {
  const { signer, carried } = readSignedData(signature);
  return [signer, ...carried.filter((c) => c !== signer)].map((c) => c.der);
}

/** The SHA-256 fingerprint of the certificate a CMS signature names as its signer (nothing verified). */
export function signerFingerprintOf(signature: Uint8Array): string {
  return readSignedData(signature).signer.fingerprint;
}

/**
 * Verifies a detached GOST signature over `content`: the signed attributes and their signature, the certificate chain
 * to a trusted root, every certificate's validity at the signing time. Codes: CMS_MALFORMED, SIGNATURE_INVALID,
 * CERT_UNTRUSTED, CERT_EXPIRED.
 */
export function verifyCms(p: CmsVerifyParams): CmsVerified {
  const { si, signer, carried } = readSignedData(p.signature);
  if (si.digestAlgorithm.algorithm !== OID.streebog256) {
    throw fail('CMS_MALFORMED', `digest ${si.digestAlgorithm.algorithm} is not Streebog-256`);
  }
  const sigAlg = si.signatureAlgorithm.algorithm;
  if (sigAlg !== OID.gost2012_256Key && sigAlg !== OID.gost2012_256Signature) {
    throw fail('CMS_MALFORMED', `signature algorithm ${sigAlg} is not GOST R 34.10-2012 256-bit`);
  }
  let raw: Uint8Array | undefined;
  try {
    raw = signedAttributesOf(p.signature);
  } catch {
    raw = undefined;
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
    digest = u8(AsnConvert.parse(attr(OID.messageDigest), OctetString).buffer);
    signingTime = AsnConvert.parse(attr(OID.signingTime), Time).getTime();
  } catch (err) {
    if (err instanceof CryptoError) throw err;
    throw fail('CMS_MALFORMED', 'a signed attribute cannot be read');
  }
  // The raw attributes keep their [0] IMPLICIT tag; the signature covers them as a SET (0x31).
  const signedSet = raw;
  signedSet[0] = 0x31;
  if (
    Buffer.compare(digest, streebog256(p.content)) !== 0 ||
    !gostVerify(signer.publicKey, u8(si.signature.buffer), signedSet)
  ) {
    throw fail(
      'SIGNATURE_INVALID',
      `the GOST signature of ${signer.subject} does not verify over these bytes`,
    );
  }
  checkSigningCertificate(attr(OID.signingCertificateV2), signer);
  const chain = buildChain(signer, carried, p.trustedRoots);
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
  if (Buffer.compare(u8(first.certHash.buffer), streebog256(signer.der)) !== 0) {
    throw fail('SIGNATURE_INVALID', "signing-certificate-v2 does not name the signer's certificate");
  }
}

/** From the signer up through carried CA certificates to a trusted root; at most four links. */
function buildChain(
  signer: GostCertificate,
  carried: GostCertificate[],
  roots: GostCertificate[],
): GostCertificate[] {
  const chain = [signer];
  let current = signer;
  for (let depth = 0; depth < 4; depth++) {
    const root = roots.find((r) => isSignedBy(current, r));
    if (root) {
      if (root.fingerprint !== current.fingerprint) chain.push(root);
      return chain;
    }
    const next = carried.find(
      (c) => c.isCA && c.fingerprint !== current.fingerprint && isSignedBy(current, c),
    );
    if (!next) break;
    chain.push(next);
    current = next;
  }
  throw fail(
    'CERT_UNTRUSTED',
    `certificate ${signer.subject} (issued by ${signer.issuer}) does not chain to a root the directory trusts`,
  );
}
