// The two modules of node-gost-crypto the GOST tests check dmsnet against (a dev dependency); it ships no types.
declare module 'node-gost-crypto/lib/gostDigest.js' {
  interface GostDigestAlgorithm {
    name: 'GOST R 34.11';
    version: 2012;
    length: 256 | 512;
  }
  class GostDigest {
    constructor(algorithm: GostDigestAlgorithm);
    digest(data: ArrayBuffer | ArrayBufferView): ArrayBuffer;
  }
  export default GostDigest;
}

declare module 'node-gost-crypto/lib/gostSign.js' {
  interface GostSignAlgorithm {
    name: 'GOST R 34.10';
    version: 2012;
    namedCurve: string;
    /** Omitted: the data given to sign/verify is already the digest. */
    hash?: { name: 'GOST R 34.11'; version: 2012; length: 256 };
    /** 'CP': signatures as RFC 4491 wants them, s ‖ r big-endian. */
    procreator?: 'CP';
    /** A fixed k (sign) or private key (generateKey), little-endian: for the standard's worked examples only. */
    ukm?: ArrayBufferView;
  }
  class GostSign {
    constructor(algorithm: GostSignAlgorithm);
    sign(privateKey: ArrayBuffer | ArrayBufferView, data: ArrayBuffer | ArrayBufferView): ArrayBuffer;
    verify(
      publicKey: ArrayBuffer | ArrayBufferView,
      signature: ArrayBuffer | ArrayBufferView,
      data: ArrayBuffer | ArrayBufferView,
    ): boolean;
    generateKey(): { privateKey: ArrayBuffer; publicKey: ArrayBuffer };
  }
  export default GostSign;
}
