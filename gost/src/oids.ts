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
