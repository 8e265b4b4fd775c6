// The directory entries an evidence bundle holds signatures to, proven by the blocks that wrote them (decision record
// 0057): the sender's key version (or GOST signing certificate) in force when it sent, and the addressee's when it
// signed the receipt. directory.json alone is the bundle maker's reading of the directory; the block of the
// transaction that registered the key, signed by the orderers and endorsed by the peers, makes it the ledger's word.
import type { Participant, SignatureProfileView } from '../ledger/types.js';
import type { BlockProof } from './fabric-proof.js';

export type DirectoryBlockName = 'sender-key' | 'addressee-key';

/** What one party's signature was held to, and the transaction that registered it. */
export interface DirectoryClaim {
  name: DirectoryBlockName;
  /** Where in directory.json the entry is (a JSON Pointer). */
  pointer: string;
  participant: string;
  txId: string;
  entry:
    | { kind: 'key'; version: number; ed25519: string; x25519: string }
    | { kind: 'signature'; profile: string; certificate?: string; fingerprint?: string };
}

/** The signature profile in force at `at`: the last one of the trail registered by then. */
function profileAt(p: Participant, at: string): { view: SignatureProfileView; index: number } | undefined {
  const trail = p.signatureTrail ?? (p.signature ? [p.signature] : []);
  let found: { view: SignatureProfileView; index: number } | undefined;
  trail.forEach((view, index) => {
    if (view.validFrom <= at) found = { view, index };
  });
  return found;
}

function claimOf(
  name: DirectoryBlockName,
  side: 'sender' | 'addressee',
  p: Participant,
  keyVersion: number,
  at: string,
): DirectoryClaim | undefined {
  const profile = profileAt(p, at);
  if (profile?.view.profile === 'gost2012-256') {
    const v = profile.view;
    if (!v.txId) return undefined;
    return {
      name,
      pointer: `/${side}/${p.signatureTrail ? `signatureTrail/${profile.index}` : 'signature'}`,
      participant: p.id,
      txId: v.txId,
      entry: {
        kind: 'signature',
        profile: v.profile,
        ...(v.certificate ? { certificate: v.certificate } : {}),
        ...(v.fingerprint ? { fingerprint: v.fingerprint } : {}),
      },
    };
  }
  const index = (p.keys ?? []).findIndex((k) => k.version === keyVersion);
  const key = p.keys?.[index];
  if (!key?.txId) return undefined;
  return {
    name,
    pointer: `/${side}/keys/${index}`,
    participant: p.id,
    txId: key.txId,
    entry: { kind: 'key', version: key.version, ed25519: key.ed25519, x25519: key.x25519 },
  };
}

/**
 * The directory transactions behind the bundle's signatures: the sender's key at the send, the addressee's at the
 * receipt. An entry without a transaction id (a directory read from a ledger that records none) claims nothing.
 */
export function directoryClaims(o: {
  sender: Participant;
  addressee: Participant;
  senderKeyVersion: number;
  sentAt: string;
  receiptSigner?: { keyVersion: number; at: string };
}): DirectoryClaim[] {
  const out: DirectoryClaim[] = [];
  const s = claimOf('sender-key', 'sender', o.sender, o.senderKeyVersion, o.sentAt);
  if (s) out.push(s);
  if (o.receiptSigner) {
    const a = claimOf(
      'addressee-key',
      'addressee',
      o.addressee,
      o.receiptSigner.keyVersion,
      o.receiptSigner.at,
    );
    if (a) out.push(a);
  }
  return out;
}

/** The directory contract's state key of a participant (a Fabric composite key). */
export const participantStateKey = (id: string) => `\u0000participant\u0000${id}\u0000`;

/**
 * Whether the proven block's transaction wrote the participant with exactly this entry; the reason when not.
 */
export function directoryWriteProblem(proof: BlockProof, claim: DirectoryClaim): string | undefined {
  if (proof.txId !== claim.txId) return `the block proves transaction ${proof.txId}, not ${claim.txId}`;
  const written = proof.writes.filter((w) => w.key === participantStateKey(claim.participant));
  if (!written.length) return `transaction ${claim.txId} did not write participant ${claim.participant}`;
  for (const w of written) {
    let p: Participant;
    try {
      p = JSON.parse(w.value) as Participant;
    } catch {
      continue;
    }
    const e = claim.entry;
    if (e.kind === 'key') {
      const k = p.keys?.find((x) => x.version === e.version);
      if (k && k.txId === claim.txId && k.ed25519 === e.ed25519 && k.x25519 === e.x25519) return undefined;
    } else {
      const trail = p.signatureTrail ?? (p.signature ? [p.signature] : []);
      if (
        trail.some(
          (v) =>
            v.txId === claim.txId &&
            v.profile === e.profile &&
            v.certificate === e.certificate &&
            v.fingerprint === e.fingerprint,
        )
      )
        return undefined;
    }
  }
  return `transaction ${claim.txId} wrote participant ${claim.participant} with another ${claim.entry.kind === 'key' ? `key version ${claim.entry.version}` : 'signing certificate'}`;
}
