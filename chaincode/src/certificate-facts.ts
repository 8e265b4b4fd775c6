// What the directory records of a GOST certificate, read by @dmsnet/gost's one certificate parser: the structure, the
// key algorithm and curve, CA or not, the validity period and whose the subject's ОГРН/ИНН say it is. Chains are
// checked by the gateways that rely on them; the directory only refuses what no gateway could ever accept, with the
// field's pointer, since a Fabric client sees nothing but the message.
import {
  CertificateFormatError,
  parseCertificate,
  subjectIdentifiersOf,
  type GostCertificate,
} from '@dmsnet/gost/certificates';
import { OID, type SubjectIdentifier } from '@dmsnet/gost/oids';
import { ChaincodeError, invalid } from './errors.js';

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

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Parses base64 DER and insists on a GOST R 34.10-2012 256-bit key on CryptoPro-A; `at` is the field's pointer. */
export function certificateFacts(text: unknown, at: string): CertificateFacts {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length > 16_384) {
    throw invalid(at, 'must be a base64 DER X.509 certificate (at most 12 KB)');
  }
  let cert: GostCertificate;
  let subjectIds: Record<SubjectIdentifier, string[]>;
  try {
    cert = parseCertificate(new Uint8Array(Buffer.from(text, 'base64')));
    subjectIds = subjectIdentifiersOf(cert);
  } catch (err) {
    if (!(err instanceof CertificateFormatError)) throw err;
    if (!err.unsupportedKey) throw invalid(at, err.message);
    throw new ChaincodeError(
      'CERT_KEY_UNSUPPORTED',
      `${at} must hold a GOST R 34.10-2012 256-bit key on CryptoPro-A (${OID.gost2012_256Key}, ${OID.cryptoProA}), ` +
        `signed with GOST R 34.10-2012; it ${err.message}`,
      [{ pointer: at, code: 'CERT_KEY_UNSUPPORTED', message: err.message }],
    );
  }
  return {
    fingerprint: cert.fingerprint,
    subjectDer: base64(cert.subjectDer),
    issuerDer: base64(cert.issuerDer),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    isCA: cert.isCA,
    subjectIds,
  };
}
