// What the directory checks of a GOST certificate before recording it: the structure, the key algorithm and curve,
// CA or not, the validity period and whose the subject's ОГРН/ИНН say it is. Signatures and chains are checked by the gateways that rely on them (they hold
// the GOST primitives); the directory only refuses what no gateway could ever accept.
import { createHash } from 'node:crypto';
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { GostKeyParameters } from '@dmsnet/gost/key-parameters';
import { BasicConstraints, Certificate, type Name } from '@peculiar/asn1-x509';
import { ChaincodeError, invalid } from './errors.js';

export const GOST_2012_256_KEY = '1.2.643.7.1.1.1.1';
export const GOST_2012_256_SIGNATURE = '1.2.643.7.1.1.3.2';
export const CRYPTOPRO_A = '1.2.643.2.2.35.1';

/**
 * Subject attributes of qualified certificates (приказ ФСБ России № 795): ОГРН, ОГРНИП, ИННЮЛ (10 digits) and the
 * older ИНН (12 digits; a legal entity's is its 10 digits after "00").
 */
export const SUBJECT_OID = {
  ogrn: '1.2.643.100.1',
  ogrnip: '1.2.643.100.5',
  innLe: '1.2.643.100.4',
  inn: '1.2.643.3.131.1.1',
} as const;
export type SubjectIdentifier = keyof typeof SUBJECT_OID;

/** The string types CAs put identifiers in: NumericString as 795 says, PrintableString or UTF8String as many do. */
@AsnType({ type: AsnTypeTypes.Choice })
class IdentifierString {
  @AsnProp({ type: AsnPropTypes.NumericString }) numeric?: string;
  @AsnProp({ type: AsnPropTypes.PrintableString }) printable?: string;
  @AsnProp({ type: AsnPropTypes.Utf8String }) utf8?: string;
  @AsnProp({ type: AsnPropTypes.IA5String }) ia5?: string;
}

/** Every value of each identifier attribute in a subject (a name may repeat one; each is checked). */
function subjectIdentifiers(subject: Name, at: string): Record<SubjectIdentifier, string[]> {
  const found: Record<SubjectIdentifier, string[]> = { ogrn: [], ogrnip: [], innLe: [], inn: [] };
  const names = Object.entries(SUBJECT_OID) as Array<[SubjectIdentifier, string]>;
  for (const rdn of subject) {
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
      if (text === undefined) throw invalid(at, `has an unreadable subject ${atv.type}`);
      found[name].push(text.trim());
    }
  }
  return found;
}

export interface CertificateFacts {
  /** SHA-256 hex of the DER. */
  fingerprint: string;
  subjectDer: string;
  issuerDer: string;
  notBefore: string;
  notAfter: string;
  isCA: boolean;
  /** Values of the subject's ОГРН, ОГРНИП, ИННЮЛ and ИНН attributes, as written. */
  subjectIds: Record<SubjectIdentifier, string[]>;
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
    subjectIds: subjectIdentifiers(c.tbsCertificate.subject, at),
  };
}
