import type { KeptReceipt } from './receipts.js';
import type { FieldError } from '@dmsnet/formats/errors';
import type { DocumentSummary } from '@dmsnet/formats/summary';

export interface ListQuery {
  type?: string;
  status?: string;
  /** The sender (inbox) or addressee (outbox) ОГРН. */
  counterparty?: string;
  /** `exclude`: leave replies out (the console shows each under the document it answers). Default `include`. */
  replies?: 'include' | 'exclude';
  /** `desc`: newest first (default `asc`, arrival order). */
  order?: 'asc' | 'desc';
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export type NotificationKind = 'document.received' | 'document.rejected' | 'status.changed';

export interface Notification {
  seq: number;
  kind: NotificationKind;
  messageId: string;
  documentType: string;
  sender: string;
  addressee: string;
  status: string;
  at: string;
  reason?: string;
}

export type OutboxStatus =
  'PENDING' | 'SENT' | 'DELIVERED' | 'ACCEPTED' | 'REJECTED' | 'WITHDRAWN' | 'FAILED';
/** WITHDRAWN: the sender took the document back before this node decided; nobody acts on it any more. */
export type InboxStatus = 'RECEIVED' | 'ACCEPTED' | 'REJECTED' | 'WITHDRAWN';

/** The sender's withdrawal as the ledger holds it (decision record 0032). */
export interface Withdrawal {
  reason: string;
  at: string;
}

export interface OutboxRecord {
  messageId: string;
  documentType: string;
  formatVersion: string;
  addressee: string;
  status: OutboxStatus;
  createdAt: string;
  updatedAt: string;
  /** SHA-256 of the canonical document: tells an idempotent resend from an id conflict. */
  digest: string;
  ciphertextHash: string;
  size: number;
  replyTo?: string;
  /** For a reply: the status it gives the answered document on the ledger. */
  replyStatus?: 'ACCEPTED' | 'REJECTED';
  corrects?: string;
  /** The sender's key version the payload was signed with (absent in records written before rotation existed). */
  keyVersion?: number;
  /** For REJECTED: the reason the addressee recorded on the ledger (an error code). */
  reason?: string;
  txId?: string;
  attempts: number;
  nextAttemptAt?: string;
  lastError?: { code: string; message: string };
  /** The addressee's answer, when it is a reply document (e.g. the row errors of a rejection). */
  reply?: { messageId: string; decision: string; errors?: FieldError[]; comment?: string };
  /** When this node destroyed its copies of the document (retention passed, or on request). */
  purgedAt?: string;
  withdrawal?: Withdrawal;
  /**
   * The addressee's signed delivery receipt, read from the ledger and held to the directory and to what was sent
   * (INVALID keeps the code of what failed); `acknowledged`: this node's acknowledgement of it went to the ledger.
   */
  receipt?: ReceiptSummary & { acknowledgementHash?: string; openFailure?: string };
  /** The document's own number, date and amount, for lists (records made before it have none). */
  summary?: DocumentSummary;
}

/** A receipt as a record shows it; the receipt itself is in the document view. */
export interface ReceiptSummary {
  state: 'VERIFIED' | 'INVALID';
  hash: string;
  at?: string;
  code?: string;
}

export interface InboxRecord {
  messageId: string;
  documentType: string;
  formatVersion: string;
  sender: string;
  status: InboxStatus;
  receivedAt: string;
  updatedAt: string;
  sentAt?: string;
  digest?: string;
  replyTo?: string;
  corrects?: string;
  /** Why it was refused on arrival (cannot open, bad signature, invalid format) or by the local system. */
  rejection?: { code: string; message: string; errors: FieldError[] };
  comment?: string;
  /** SHA-256 of the ciphertext the ledger holds (or held) for it. */
  ciphertextHash?: string;
  /** When this node destroyed its copy (and, as addressee, the ledger's) of the document. */
  purgedAt?: string;
  withdrawal?: Withdrawal;
  /** The delivery receipt this node signed on arrival (its hash goes to the ledger with DELIVERED). */
  receipt?: { hash: string; issuedAt: string; acknowledgement?: ReceiptSummary };
  /** The document's own number, date and amount, for lists (records made before it have none). */
  summary?: DocumentSummary;
}

export interface TrailEntry {
  status: string;
  at: string;
  txId?: string;
  by?: string;
  /** Why, where the ledger keeps a reason (a withdrawal's, a rejection's code). */
  reason?: string;
}

export interface DocumentView {
  direction: 'in' | 'out';
  document?: unknown;
  /** A received document that broke a limits rule is kept as the text that was signed, never as a structure. */
  signedText?: string;
  record: OutboxRecord | InboxRecord;
  envelope?: unknown;
  status: string;
  trail: TrailEntry[];
  /** The document's signed receipts kept here: the addressee's delivery receipt and the sender's acknowledgement. */
  receipts?: Partial<Record<'delivery' | 'acknowledgement', KeptReceipt>>;
}

export interface SignatureExport {
  messageId: string;
  profile: 'gost2012-256';
  /** The exact bytes that were signed (RFC 8785 canonical JSON of {header, body}, UTF-8). */
  canonical: Uint8Array;
  /** DER CMS SignedData, detached. */
  signature: Uint8Array;
  /** DER certificates: the signer's first, the trusted root last. */
  chain: Uint8Array[];
}

/** A participant's signature profile as the directory records it (chaincode/src/model.ts). */
export type { Participant, SignatureProfileView } from '../ledger/types.js';

/**
 * What a received, verified and format-valid document makes the local workflows do (the edge workflows hook in
 * here): nothing (the local system decides), or accept / reject at once with row errors.
 */
export type HandlerDecision =
  | { action: 'none' }
  | { action: 'accept'; comment?: string }
  | { action: 'reject'; errors: FieldError[]; comment?: string };

export type DocumentHandler = (document: {
  header: Record<string, unknown>;
  body: Record<string, unknown>;
}) => Promise<HandlerDecision>;
