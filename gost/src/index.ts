export {
  streebog256,
  generateGostKeyPair,
  gostPublicKeyOf,
  gostSign,
  gostVerify,
  type GostKeyPair,
} from './primitives.js';
export {
  issueCertificate,
  parseCertificate,
  subjectIdentifiersOf,
  isSignedBy,
  fingerprintOf,
  toPem,
  derOf,
  privateKeyPkcs8Pem,
  privateKeyFromPkcs8,
  CertificateFormatError,
  type GostCertificate,
  type IssueParams,
} from './certificates.js';
export {
  signCms,
  verifyCms,
  signerFingerprintOf,
  carriedCertificates,
  type CmsSignParams,
  type CmsVerifyParams,
  type CmsVerified,
} from './cms.js';
export { OID, SUBJECT_OID, type SubjectIdentifier } from './oids.js';
