/** Object identifiers of GOST R 34.10/34.11-2012 (RFC 9215) and of the CMS attributes a CAdES-BES signature carries. */
export const OID = {
  gost2012_256Key: '1.2.643.7.1.1.1.1',
  gost2012_256Signature: '1.2.643.7.1.1.3.2',
  streebog256: '1.2.643.7.1.1.2.2',
  cryptoProA: '1.2.643.2.2.35.1',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

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
