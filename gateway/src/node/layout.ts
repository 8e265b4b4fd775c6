// The node store's layout and the small helpers every part of the node shares.
import { DmsnetError } from '@dmsnet/formats/errors';
import { errorCodeEntry } from '@dmsnet/formats/error-codes';
import type { ChaincodeEvent } from '../ledger/types.js';
import type { BatchOp } from '../store/store.js';
import type { ReceiptIntent } from './receipts.js';

/** Sublevels of the node's LevelDB store. */
export const Sublevel = {
  outbox: 'outbox',
  outboxDoc: 'outbox-doc',
  outboxCt: 'outbox-ct',
  outboxTime: 'outbox-t',
  outboxTx: 'outbox-tx',
  pending: 'pending',
  inbox: 'inbox',
  inboxDoc: 'inbox-doc',
  /** The signed text of a received document that broke a limits rule (kept instead of an inbox-doc entry). */
  inboxText: 'inbox-text',
  inboxTime: 'inbox-t',
  /** The signature as made or received ({profile, bytes} base64), for export to other e-document tools. */
  outboxSig: 'outbox-sig',
  inboxSig: 'inbox-sig',
  intents: 'intents',
  /** `<ledger id>\0<kind>`: the receipts of a document, this node's own and the other party's (receipts/). */
  receipts: 'receipts',
  /** `<documentId>\0<ledger id>`: finds a document by the id its sender gave it (ids are per sender). */
  byDocumentId: 'doc-id',
  notifications: 'notifications',
  /** Documents addressed here whose ciphertext the peer does not hold (yet): retried, then asked for (awaiting.ts). */
  awaitingPayload: 'awaiting-payload',
  meta: 'meta',
} as const;

export interface Intent {
  messageId: string;
  status: 'DELIVERED' | 'ACCEPTED' | 'REJECTED';
  reason?: string;
  /** Set when the step goes to the ledger as a signed receipt (receipts:record) rather than a bare status. */
  receipt?: ReceiptIntent;
  attempts: number;
  nextAttemptAt?: string;
}

export interface Checkpoint {
  blockNumber: string;
  transactionId: string;
}

export type Doc = { header: Record<string, unknown>; body: Record<string, unknown> };

export const seqKey = (n: number) => String(n).padStart(12, '0');
export const pendingKey = (r: { createdAt: string; messageId: string }) =>
  `${r.createdAt}\u0000${r.messageId}`;
export const now = () => new Date().toISOString();
export const json = (b: Uint8Array): unknown => JSON.parse(Buffer.from(b).toString('utf8'));
export const codeOf = (err: unknown) => (err instanceof DmsnetError ? err.code : 'INTERNAL');
export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Whether a failure may pass when the same step is tried again: the ledger or its connection and a crypto worker that
 * died (the registry's transient codes), the store (LevelDB's LEVEL_* codes) or the operating system (EIO, ENOSPC,
 * ECONNRESET…). Everything else — a contract's refusal, a malformed payload, a stack overflow on a hostile structure —
 * repeats on every retry, so the follower records it and moves on rather than retry it forever.
 */
export function isTransient(err: unknown): boolean {
  // A typed error is as transient as the registry says, except INTERNAL: an untyped failure repeats with its input.
  if (err instanceof DmsnetError)
    return (
      (err as { retry?: string }).retry === 'new-proposal' ||
      (err.code !== 'INTERNAL' && errorCodeEntry(err.code)?.retry === 'transient')
    );
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('LEVEL_') || /^E[A-Z]{2,}$/.test(code));
}

/** The follower's position, written in the same batch as whatever the event made the node write. */
export function checkpointOp(ev: ChaincodeEvent): BatchOp {
  return {
    type: 'put',
    sublevel: Sublevel.meta,
    key: 'checkpoint',
    value: { blockNumber: ev.blockNumber.toString(), transactionId: ev.transactionId } satisfies Checkpoint,
  };
}

export function rank(status: string): number {
  return (
    { PENDING: 0, SENT: 1, DELIVERED: 2, ACCEPTED: 3, REJECTED: 3, WITHDRAWN: 3, FAILED: 4 }[status] ?? 0
  );
}

/** The index entry that finds the document `messageId` (a ledger id, `<sender>:<documentId>`) by its document id. */
export function documentIdOp(messageId: string): BatchOp {
  const documentId = messageId.slice(messageId.indexOf(':') + 1);
  return {
    type: 'put',
    sublevel: Sublevel.byDocumentId,
    key: `${documentId}\u0000${messageId}`,
    value: messageId,
  };
}
