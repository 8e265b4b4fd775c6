// What the directory checks of a GOST certificate before recording it: the structure, the key algorithm and curve,
// CA or not, and the validity period. Signatures and chains are checked by the gateways that rely on them (they hold
// the GOST primitives); the directory only refuses what no gateway could ever accept.
import { createHash } from 'node:crypto';
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate } from '@peculiar/asn1-x509';
import { ChaincodeError, invalid } from './errors.js';

export const GOST_2012_256_KEY = '1.2.643.7.1.1.1.1';
export const GOST_2012_256_SIGNATURE = '1.2.643.7.1.1.3.2';
export const CRYPTOPRO_A = '1.2.643.2.2.35.1';

/** GOST key parameters as RFC 9215 writes them: the curve, then the digest (the gateway reads them with this too). */
@AsnType({ type: AsnTypeTypes.Sequence })
export class GostKeyParameters {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) publicKeyParamSet = '';
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier, optional: true }) digestParamSet?: string;
}

export interface CertificateFacts {
  /** SHA-256 hex of the DER. */
  fingerprint: string;
  subjectDer: string;
  issuerDer: string;
  notBefore: string;
  notAfter: string;
  isCA: boolean;
}

/** Parses base64 DER and insists on a GOST R 34.10-2012 256-bit key on CryptoPro-A; `at` is the field's pointer. */
export function gostCertificateFacts(base64: unknown, at: string): CertificateFacts {
  if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length > 16_384) {
    throw invalid(at, 'must be a base64 DER X.509 certificate (at most 12 KB)');
  }
  const der = Buffer.from(base64, 'base64');
  let c: Certificate;
  try {
    c = AsnConvert.parse(der, Certificate);
  } catch {
    throw invalid(at, 'must be a base64 DER X.509 certificate');
  }
  const spki = c.tbsCertificate.subjectPublicKeyInfo;
  let curve = '';
  try {
    curve = AsnConvert.parse(
      spki.algorithm.parameters ?? new ArrayBuffer(0),
      GostKeyParameters,
    ).publicKeyParamSet;
  } catch {
    curve = '';
  }
  if (
    spki.algorithm.algorithm !== GOST_2012_256_KEY ||
    curve !== CRYPTOPRO_A ||
    c.signatureAlgorithm.algorithm !== GOST_2012_256_SIGNATURE
  ) {
    throw new ChaincodeError(
      'CERT_KEY_UNSUPPORTED',
      `${at} must hold a GOST R 34.10-2012 256-bit key on CryptoPro-A (${GOST_2012_256_KEY}, ${CRYPTOPRO_A}), ` +
        'signed with GOST R 34.10-2012',
      [
        {
          pointer: at,
          code: 'CERT_KEY_UNSUPPORTED',
          message: 'not a GOST R 34.10-2012 256-bit CryptoPro-A certificate',
        },
      ],
    );
  }
  const bc = c.tbsCertificate.extensions?.find((e) => e.extnID === '2.5.29.19');
  let isCA = false;
  try {
    isCA = bc ? AsnConvert.parse(bc.extnValue.buffer, BasicConstraints).cA : false;
  } catch {
    throw invalid(at, 'has unreadable basic constraints');
  }
  return {
    fingerprint: createHash('sha256').update(der).digest('hex'),
    subjectDer: Buffer.from(AsnConvert.serialize(c.tbsCertificate.subject)).toString('base64'),
    issuerDer: Buffer.from(AsnConvert.serialize(c.tbsCertificate.issuer)).toString('base64'),
    notBefore: c.tbsCertificate.validity.notBefore.getTime().toISOString(),
    notAfter: c.tbsCertificate.validity.notAfter.getTime().toISOString(),
    isCA,
  };
}
