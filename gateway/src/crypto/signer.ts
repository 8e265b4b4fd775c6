// The one place a document signature is made. A certified deployment replaces GostKeyFileSigner with a Signer whose
// signCms talks to CryptoPro CSP or a PKCS#11 token (decision record 0014): nothing else changes.
import { ed25519Sign } from './ed25519.js';
import { streebog256OffThread } from './gost-digest.js';
import { parseCertificate, signCms, type GostCertificate } from '@dmsnet/gost';

export type SignatureProfileName = 'ed25519' | 'gost2012-256';

export interface Signer {
  readonly profile: SignatureProfileName;
  /**
   * The detached signature over the document's canonical bytes: 64 raw bytes for ed25519, a DER CMS SignedData
   * (CAdES-BES attributes, signer's certificate inside) for gost2012-256.
   */
  sign(canonical: Uint8Array): Promise<Uint8Array>;
}

export class Ed25519Signer implements Signer {
  readonly profile = 'ed25519' as const;
  constructor(private readonly secretKey: Uint8Array) {}
  async sign(canonical: Uint8Array): Promise<Uint8Array> {
    return this.signSync(canonical);
  }
  signSync(canonical: Uint8Array): Uint8Array {
    return ed25519Sign(canonical, this.secretKey);
  }
}

/** A GOST key kept in the node's encrypted key file, signing in process. */
export class GostKeyFileSigner implements Signer {
  readonly profile = 'gost2012-256' as const;
  readonly certificate: GostCertificate;
  readonly chain: GostCertificate[];
  constructor(
    private readonly privateKey: Uint8Array,
    certificate: Uint8Array,
    chain: Uint8Array[] = [],
  ) {
    this.certificate = parseCertificate(certificate);
    this.chain = chain.map((c) => parseCertificate(c));
  }
  async sign(canonical: Uint8Array): Promise<Uint8Array> {
    return signCms({
      content: canonical,
      contentDigest: await streebog256OffThread(canonical),
      certificate: this.certificate,
      privateKey: this.privateKey,
      chain: this.chain,
    });
  }
}
