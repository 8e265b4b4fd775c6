// Test CAs and signers with GOST certificates.
import { generateGostKeyPair, issueCertificate, type GostCertificate, type GostKeyPair } from '@dmsnet/gost';
import { SUBJECT_OID } from '@dmsnet/gost';

export const DAY = 86_400_000;

/** Identifiers a qualified certificate's subject carries (приказ ФСБ № 795), by the chaincode's names. */
export type SubjectIds = Partial<Record<keyof typeof SUBJECT_OID, string>>;

/**
 * A subject naming `name` with the identifiers given, as NumericString (what 795 prescribes; the sandbox CA writes
 * PrintableString, so both encodings are exercised).
 */
export function subjectOf(name: string, ids: SubjectIds = {}): string {
  const numeric = (v: string) =>
    '#12' + v.length.toString(16).padStart(2, '0') + Buffer.from(v).toString('hex');
  const extra = (Object.keys(ids) as Array<keyof typeof SUBJECT_OID>).map(
    (k) => `, ${SUBJECT_OID[k]}=${numeric(ids[k]!)}`,
  );
  return `CN=${name}, O=dmsnet test${extra.join('')}`;
}

export function testCa(
  name: string,
  from = Date.now() - DAY,
  days = 3650,
): { cert: GostCertificate; key: GostKeyPair } {
  const key = generateGostKeyPair();
  const cert = issueCertificate({
    subject: `CN=${name}, O=dmsnet test`,
    publicKey: key.publicKey,
    issuerPrivateKey: key.privateKey,
    notBefore: new Date(from),
    notAfter: new Date(from + days * DAY),
    ca: true,
  });
  return { cert, key };
}

export function testSigner(
  ca: { cert: GostCertificate; key: GostKeyPair },
  name: string,
  from = Date.now() - DAY,
  days = 365,
  ids: SubjectIds = {},
): { cert: GostCertificate; key: GostKeyPair } {
  const key = generateGostKeyPair();
  const cert = issueCertificate({
    subject: subjectOf(name, ids),
    publicKey: key.publicKey,
    issuer: ca.cert,
    issuerPrivateKey: ca.key.privateKey,
    notBefore: new Date(from),
    notAfter: new Date(from + days * DAY),
    ca: false,
  });
  return { cert, key };
}
