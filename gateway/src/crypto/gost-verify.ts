// GOST CMS verification off the main thread when what arrives is large or its signer is not known to be registered:
// parsing and verifying a sender's certificates is synchronous work the sender sizes, and every other request of the
// gateway would wait for it on the event loop.
import { parseCertificate, verifyCms, type CmsVerified, type CmsVerifyParams } from '@dmsnet/gost';
import { cryptoWorker } from './pool.js';

/** A signature larger than this (a usual one with two certificates is under 3 KB) is verified on the worker. */
export const INLINE_SIGNATURE_BYTES = 16 * 1024;

/** What the worker sends back: certificates as DER (parsed again here, from the cache when seen before). */
export interface VerifiedOnWorker {
  chain: Uint8Array[];
  signingTime: Date;
}

/** The worker's half: verifyCms over certificates sent as DER. */
export function verifyCmsForWorker(p: {
  signature: Uint8Array;
  contentDigest: Uint8Array;
  trustedRoots: Uint8Array[];
  registered?: string[];
}): VerifiedOnWorker {
  const v = verifyCms({
    signature: p.signature,
    content: new Uint8Array(0),
    contentDigest: p.contentDigest,
    trustedRoots: p.trustedRoots.map((der) => parseCertificate(der)),
    registered: p.registered,
  });
  return { chain: v.chain.map((c) => c.der), signingTime: v.signingTime };
}

/** verifyCms, on the crypto worker unless the signature is small and its signer's certificates are registered. */
export async function verifyCmsOffThread(
  p: CmsVerifyParams & { contentDigest: Uint8Array },
): Promise<CmsVerified> {
  if (p.registered && p.signature.byteLength <= INLINE_SIGNATURE_BYTES) return verifyCms(p);
  const v = (await cryptoWorker.run({
    op: 'verifyCms',
    signature: p.signature,
    contentDigest: p.contentDigest,
    trustedRoots: p.trustedRoots.map((c) => c.der),
    registered: p.registered,
  })) as VerifiedOnWorker;
  const chain = v.chain.map((der) => parseCertificate(der));
  return { signer: chain[0], chain, signingTime: v.signingTime };
}
