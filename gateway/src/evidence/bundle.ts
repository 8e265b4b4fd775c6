// The evidence bundle (decision record 0034): one zip a lawyer can hand over, with everything `dmsnet-verify` needs
// to check a document's delivery offline — the signed bytes, the sender's signature, the receipts, the ledger's
// envelope, the directory entries the signatures are held to, and the ledger's own proof.
import JSZip from 'jszip';
import { sha256Hex } from '../crypto/envelope.js';
import { toPem } from '@dmsnet/gost';
import { receiptBytes, type SignedReceipt } from '../receipts/receipt.js';
import type { LedgerProof } from '../ledger/types.js';
import type { Participant } from '../ledger/types.js';
import { readmeRu } from './readme.js';
import { directoryClaims, type DirectoryBlockName } from './directory-proof.js';

export const EVIDENCE_FORMAT = 'dmsnet.evidence/1';

/** File names inside a bundle: one place, read by the builder and the verifier. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  readme: 'README.ru.txt',
  document: 'document.json',
  documentSig: 'document.sig',
  signature: 'signature.json',
  envelope: 'envelope.json',
  trail: 'trail.json',
  directory: 'directory.json',
  receipt: 'receipt.json',
  receiptContent: 'receipt.content.json',
  receiptSig: 'receipt.sig',
  ack: 'acknowledgement.json',
  ackContent: 'acknowledgement.content.json',
  ackSig: 'acknowledgement.sig',
  rootsPem: 'gost-roots.pem',
  embedded: 'ledger/embedded.json',
  proof: 'ledger/proof.json',
  configBlock: 'ledger/config.block',
  block: (name: string) => `ledger/${name}.block`,
} as const;

export interface Manifest {
  format: typeof EVIDENCE_FORMAT;
  messageId: string;
  createdAt: string;
  createdBy: string;
  ledger: 'fabric' | 'embedded';
  /** SHA-256 hex of every other file of the bundle. */
  files: Record<string, string>;
}

/** The ledger's envelope of a message as the exchange and receipts contracts keep it. */
export interface LedgerEnvelope {
  messageId: string;
  sender: string;
  addressee: string;
  documentType: string;
  formatVersion: string;
  ciphertextHash: string;
  size: number;
  senderKeyVersion: number;
  status: string;
  sentAt: string;
  txId: string;
  receiptHash?: string;
  receiptAt?: string;
  receiptTxId?: string;
  receiptAckHash?: string;
  receiptAckAt?: string;
  receiptAckTxId?: string;
  [k: string]: unknown;
}

export interface DirectoryExtract {
  sender: Participant;
  addressee: Participant;
  /** The GOST roots the directory trusted when the bundle was made (base64 DER). */
  trustedRoots: string[];
}

/** Which transactions the Fabric proof holds blocks of, by the names of their files. */
export interface ProofIndex {
  channel: string;
  /**
   * The message's transactions, and the directory's that registered the keys its signatures are held to
   * (decision record 0057): `sender-key` at the send, `addressee-key` at the receipt.
   */
  blocks: Array<{
    name: 'send' | 'receipt' | 'acknowledgement' | DirectoryBlockName;
    txId: string;
    number: string;
  }>;
  configBlock: string;
}

export interface EvidenceParts {
  createdBy: string;
  canonical: Uint8Array;
  signature: {
    profile: 'ed25519' | 'gost2012-256';
    bytes: Uint8Array;
    participant: string;
    keyVersion: number;
  };
  envelope: LedgerEnvelope;
  trail: unknown;
  directory: DirectoryExtract;
  receipt?: SignedReceipt;
  acknowledgement?: SignedReceipt;
  /** Fabric's blocks and config; absent on the embedded ledger, whose proof is only the node's own reading. */
  proof?: LedgerProof;
}

export async function buildEvidence(p: EvidenceParts, at = new Date()): Promise<Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const text = (name: string, value: unknown) =>
    files.set(
      name,
      Buffer.from(typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n', 'utf8'),
    );
  files.set(BUNDLE_FILES.document, p.canonical);
  files.set(BUNDLE_FILES.documentSig, p.signature.bytes);
  text(BUNDLE_FILES.signature, {
    profile: p.signature.profile,
    signer: { participant: p.signature.participant, keyVersion: p.signature.keyVersion },
  });
  text(BUNDLE_FILES.envelope, p.envelope);
  text(BUNDLE_FILES.trail, p.trail);
  text(BUNDLE_FILES.directory, p.directory);
  if (p.directory.trustedRoots.length)
    text(
      BUNDLE_FILES.rootsPem,
      p.directory.trustedRoots.map((b) => toPem(Buffer.from(b, 'base64'))).join(''),
    );
  for (const [signed, json, content, sig] of [
    [p.receipt, BUNDLE_FILES.receipt, BUNDLE_FILES.receiptContent, BUNDLE_FILES.receiptSig],
    [p.acknowledgement, BUNDLE_FILES.ack, BUNDLE_FILES.ackContent, BUNDLE_FILES.ackSig],
  ] as const) {
    if (!signed) continue;
    text(json, signed);
    files.set(content, receiptBytes(signed.receipt));
    files.set(sig, Buffer.from(signed.signature, 'base64'));
  }
  if (p.proof) {
    const names: Record<string, ProofIndex['blocks'][number]['name']> = {
      [p.envelope.txId]: 'send',
      ...(p.envelope.receiptTxId ? { [p.envelope.receiptTxId]: 'receipt' } : {}),
      ...(p.envelope.receiptAckTxId ? { [p.envelope.receiptAckTxId]: 'acknowledgement' } : {}),
    };
    for (const c of evidenceDirectoryClaims(p)) names[c.txId] ??= c.name;
    const index: ProofIndex = {
      channel: p.proof.channel,
      blocks: [],
      configBlock: p.proof.config.number.toString(),
    };
    for (const b of p.proof.blocks) {
      const name = names[b.txId];
      if (!name) continue;
      files.set(BUNDLE_FILES.block(name), b.bytes);
      index.blocks.push({ name, txId: b.txId, number: b.number.toString() });
    }
    files.set(BUNDLE_FILES.configBlock, p.proof.config.bytes);
    text(BUNDLE_FILES.proof, index);
  } else {
    text(BUNDLE_FILES.embedded, {
      ledger: 'embedded',
      statement:
        'The embedded ledger runs the contracts on one machine and has no independent signer: its proof is the ' +
        'reading of the node that made this bundle (envelope.json, trail.json). The signatures of the document and ' +
        'of the receipts are verifiable regardless.',
      statementRu:
        'Встроенный реестр исполняет контракты на одной машине и не имеет независимых подписантов: его ' +
        'доказательство — только чтение узла, собравшего пакет (envelope.json, trail.json). Подписи документа и ' +
        'квитанций проверяются независимо от этого.',
    });
  }
  text(
    BUNDLE_FILES.readme,
    readmeRu({
      envelope: p.envelope,
      fabric: !!p.proof,
      directoryBlocks:
        files.has(BUNDLE_FILES.block('sender-key')) || files.has(BUNDLE_FILES.block('addressee-key')),
      receipt: !!p.receipt,
      ack: !!p.acknowledgement,
      gost: p.directory.trustedRoots.length > 0,
    }),
  );
  const manifest: Manifest = {
    format: EVIDENCE_FORMAT,
    messageId: p.envelope.messageId,
    createdAt: at.toISOString(),
    createdBy: p.createdBy,
    ledger: p.proof ? 'fabric' : 'embedded',
    files: Object.fromEntries([...files].map(([name, bytes]) => [name, sha256Hex(bytes)]).sort()),
  };
  const zip = new JSZip();
  // A fixed date keeps the bytes of a bundle a function of its content.
  const date = new Date(Date.UTC(2020, 0, 1));
  zip.file(BUNDLE_FILES.manifest, JSON.stringify(manifest, null, 2) + '\n', { date });
  for (const [name, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b)))
    zip.file(name, bytes, { date });
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', platform: 'UNIX' });
}

/** The directory entries of the parts' signatures, by the transactions that registered them. */
export function evidenceDirectoryClaims(p: Pick<EvidenceParts, 'directory' | 'envelope' | 'receipt'>) {
  return directoryClaims({
    sender: p.directory.sender,
    addressee: p.directory.addressee,
    senderKeyVersion: p.envelope.senderKeyVersion,
    sentAt: p.envelope.sentAt,
    ...(p.receipt
      ? {
          receiptSigner: {
            keyVersion: p.receipt.receipt.signer.keyVersion,
            at: p.envelope.receiptAt ?? p.receipt.receipt.issuedAt,
          },
        }
      : {}),
  });
}

/** A file name for a bundle: the ledger id with what a file system may not hold replaced. */
export const bundleFileName = (messageId: string) =>
  `evidence-${messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`;
