// Test CAs and signers with GOST certificates.
import {
  generateGostKeyPair,
  issueCertificate,
  type GostCertificate,
  type GostKeyPair,
} from '../../gateway/src/crypto/gost/index.js';

export const DAY = 86_400_000;

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
): { cert: GostCertificate; key: GostKeyPair } {
  const key = generateGostKeyPair();
  const cert = issueCertificate({
    subject: `CN=${name}, O=dmsnet test`,
    publicKey: key.publicKey,
    issuer: ca.cert,
    issuerPrivateKey: ca.key.privateKey,
    notBefore: new Date(from),
    notAfter: new Date(from + days * DAY),
    ca: false,
  });
  return { cert, key };
}
