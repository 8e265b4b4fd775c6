// DER, CMS and X.509 parsing (gost/src): the DER walker over every nested value, certificates,
// the certificates a CMS signature carries and its signer, PKCS#8 keys and PEM. Nothing is verified here: the
// verification itself is other work; this holds the parsing entry points to their typed errors.
import { CryptoError } from '../../gateway/src/crypto/errors.js';
import {
  carriedCertificates,
  CertificateFormatError,
  derOf,
  parseCertificate,
  privateKeyFromPkcs8,
  signerFingerprintOf,
} from '@dmsnet/gost';
import { childrenOf, DerError, readTlv, type Tlv } from '@dmsnet/gost/der';
import { allowTyped, check, type FuzzTarget } from './target.js';

function walk(der: Uint8Array, tlv: Tlv, depth: number): void {
  check(tlv.contentStart <= tlv.end && tlv.end <= der.length, 'a value outside the input');
  // Constructed values (bit 6 of the tag) hold more values; their children must stay inside them.
  if (!(tlv.tag & 0x20) || depth > 64) return;
  for (const child of childrenOf(der, tlv)) {
    check(child.start >= tlv.contentStart && child.end <= tlv.end, 'a child value runs past its parent');
    walk(der, child, depth + 1);
  }
}

const target: FuzzTarget = {
  name: 'der-cms',
  maxLength: 16 * 1024,
  dictionary: [
    '\x30\x82',
    '\x06\x08\x2a\x85\x03\x07\x01\x01\x01\x01',
    '\xa0\x03\x02\x01\x02',
    '\x31\x00',
    '\x04\x20',
    '\x02\x01\x01',
    '\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02',
    '\x30\x80',
    '\x84\xff\xff\xff\xff',
  ],
  run(data) {
    if (data.length === 0) return;
    const der = data.subarray(1);
    try {
      switch (data[0]! % 5) {
        case 0:
          walk(der, readTlv(der, 0), 0);
          break;
        case 1: {
          const cert = parseCertificate(der);
          check(cert.publicKey.length === 64, 'a certificate without a 64-byte key');
          break;
        }
        case 2:
          carriedCertificates(der);
          signerFingerprintOf(der);
          break;
        case 3:
          check(privateKeyFromPkcs8(der).length === 32, 'a private key that is not 32 bytes');
          break;
        default:
          parseCertificate(derOf(new TextDecoder().decode(der)));
      }
    } catch (e) {
      allowTyped(e, CertificateFormatError, DerError, CryptoError);
    }
  },
};
export default target;
