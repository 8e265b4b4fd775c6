import { KeptReceipt } from './receipts.js';
import type { FieldError } from '@dmsnet/formats/errors';
import {
  component,
  DateTime,
  IsoDate,
  Ogrn,
  OpenObject,
  ref,
  Sha256Hex,
  Type,
  type Static,
} from '../shapes/kit.js';

/** The filters and paging of the inbox and outbox lists (query parameters of `GET /v1/inbox` and `/v1/outbox`). */
export const ListQuery = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(Type.String({ pattern: '^[A-Z]{1,20}$' })),
  /** `desc`: newest first (default `asc`, arrival order). */
  order: Type.Optional(Type.Enum(['asc', 'desc'])),
  /** The console shows each reply under the document it answers. Default `include`. */
  replies: Type.Optional(
    Type.Enum(['include', 'exclude'], {
      description: '`exclude` leaves reply documents out (each is also the answer on the record it answers)',
    }),
  ),
  /** The sender (inbox) or addressee (outbox) ОГРН. */
  counterparty: Type.Optional(Type.String({ pattern: '^[0-9]{13}([0-9]{2})?$' })),
  from: Type.Optional(DateTime()),
  to: Type.Optional(DateTime()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  cursor: Type.Optional(
    Type.String({
      maxLength: 1024,
      description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
    }),
  ),
});
export type ListQuery = Static<typeof ListQuery>;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** payment.changed: an invoice's payment state moved (messageId names the invoice, status the new state).
 * prior-auth.changed: a guarantee-letter request moved (messageId names the step's document, status the new state). */
export const NotificationKind = Type.Enum([
  'document.received',
  'document.rejected',
  'status.changed',
  'payment.changed',
  'prior-auth.changed',
]);
export type NotificationKind = Static<typeof NotificationKind>;

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

export const OutboxStatus = Type.Enum([
  'PENDING',
  'SENT',
  'DELIVERED',
  'ACCEPTED',
  'REJECTED',
  'WITHDRAWN',
  'FAILED',
]);
export type OutboxStatus = Static<typeof OutboxStatus>;
/** WITHDRAWN: the sender took the document back before this node decided; nobody acts on it any more. */
export const InboxStatus = Type.Enum(['RECEIVED', 'ACCEPTED', 'REJECTED', 'WITHDRAWN']);
export type InboxStatus = Static<typeof InboxStatus>;

/** A broken rule as the node reports it: where (JSON Pointer), which rule (rule or schema keyword), why. */
export const ErrorItem = component(
  'ErrorItem',
  Type.Object({ pointer: Type.String(), code: Type.String(), message: Type.String() }),
);

/** A row error a caller sends (a rejection's errors): stable upper-case codes. */
export const RowError = component(
  'FieldError',
  Type.Object(
    {
      pointer: Type.String({ maxLength: 1024 }),
      code: Type.String({ pattern: '^[A-Z0-9_]{1,64}$' }),
      message: Type.String({ maxLength: 2000 }),
    },
    { additionalProperties: false },
  ),
);

/** Accepting a document (or a price list): an optional comment for the sender. */
export const Decision = component(
  'Decision',
  Type.Object({ comment: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
);

export const Rejection = component(
  'Rejection',
  Type.Object(
    {
      errors: Type.Array(ref(RowError), { minItems: 1, maxItems: 10000 }),
      comment: Type.Optional(Type.String({ maxLength: 2000 })),
      decision: Type.Optional(Type.Enum(['REJECTED', 'DISPUTED', 'CONTESTED'])),
    },
    { additionalProperties: false },
  ),
);
export type Rejection = Static<typeof Rejection>;

/** The sender's withdrawal as the ledger holds it (decision record 0032). */
export const Withdrawal = Type.Object(
  { reason: Type.String(), at: DateTime() },
  {
    description: 'The sender took the document back before its addressee decided (decision record 0032).',
    additionalProperties: false,
  },
);
export type Withdrawal = Static<typeof Withdrawal>;

/** formats/src/summary.ts computes it; the contract publishes it under this name. */
export const DocumentSummary = component(
  'DocumentSummary',
  Type.Object(
    {
      number: Type.Optional(Type.String()),
      date: Type.Optional(IsoDate()),
      amount: Type.Optional(Type.Integer()),
    },
    {
      description:
        'The number and date the sender wrote on the document and the amount it is about (kopecks: an invoice ' +
        'total, a letter limit, an act amount to pay), for lists. Records made before summaries were kept have none.',
      additionalProperties: false,
    },
  ),
);

/** A receipt as a record shows it; the receipt itself is in the document view. */
export const ReceiptSummary = Type.Object(
  {
    state: Type.Enum(['VERIFIED', 'INVALID']),
    hash: Sha256Hex(),
    at: Type.Optional(DateTime()),
    code: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ReceiptSummary = Static<typeof ReceiptSummary>;

export const OutboxRecord = component(
  'OutboxRecord',
  Type.Object(
    {
      messageId: Type.String(),
      documentType: Type.String(),
      formatVersion: Type.String(),
      addressee: Ogrn(),
      status: OutboxStatus,
      createdAt: DateTime(),
      updatedAt: DateTime(),
      /** SHA-256 of the canonical document: tells an idempotent resend from an id conflict. */
      digest: Sha256Hex(),
      ciphertextHash: Sha256Hex(),
      size: Type.Integer({ minimum: 0 }),
      replyTo: Type.Optional(Type.String()),
      replyStatus: Type.Optional(
        Type.Enum(['ACCEPTED', 'REJECTED'], {
          description: 'For a reply this node sent: the status it gives the answered document on the ledger.',
        }),
      ),
      corrects: Type.Optional(Type.String()),
      onBehalfOf: Type.Optional(
        Ogrn({
          description: 'The insurer this node (an assistance company) acts for, by its delegation (0055).',
        }),
      ),
      // Absent in records written before key rotation existed.
      keyVersion: Type.Optional(
        Type.Integer({
          minimum: 1,
          description: 'The version of this node’s directory keys the document was signed with.',
        }),
      ),
      reason: Type.Optional(
        Type.String({
          description:
            'For REJECTED: the reason the addressee recorded on the ledger, an error code (e.g. SCHEMA_TEXT_INVALID, REJECTED_BY_WORKFLOW)',
        }),
      ),
      txId: Type.Optional(Type.String()),
      files: Type.Optional(
        Type.Array(
          Type.Object(
            {
              sealedBytes: Type.Integer({ minimum: 0 }),
              chunks: Type.Integer({ minimum: 0 }),
              chain: Sha256Hex(),
              sent: Type.Integer({ minimum: 0, description: 'pieces committed to the ledger so far' }),
            },
            { additionalProperties: false },
          ),
          {
            description:
              'The sealed files of a medical-documentation answer, sent piece by piece before the document (decision 0058).',
          },
        ),
      ),
      attempts: Type.Integer({ minimum: 0 }),
      nextAttemptAt: Type.Optional(DateTime()),
      lastError: Type.Optional(
        Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
      ),
      reply: Type.Optional(
        Type.Object(
          {
            messageId: Type.String(),
            decision: Type.String(),
            errors: Type.Optional(Type.Array(ref(ErrorItem))),
            comment: Type.Optional(Type.String()),
          },
          {
            description:
              'The addressee’s answer when it is a reply document (e.g. the row errors of a rejection).',
            additionalProperties: false,
          },
        ),
      ),
      /** When this node destroyed its copies of the document (retention passed, or on request). */
      purgedAt: Type.Optional(DateTime()),
      resent: Type.Optional(
        Type.Object(
          { count: Type.Integer({ minimum: 1 }), at: DateTime() },
          {
            description:
              'The addressee’s peer had lost the ciphertext and asked for it again; this node sent the same sealed ' +
              'bytes again this many times, the last at `at` (decision record 0053)',
            additionalProperties: false,
          },
        ),
      ),
      withdrawal: Type.Optional(Withdrawal),
      summary: Type.Optional(ref(DocumentSummary)),
      // Read from the ledger and held to the directory and to what was sent (INVALID keeps the code of what failed).
      receipt: Type.Optional(
        Type.Object(
          {
            state: Type.Enum(['VERIFIED', 'INVALID']),
            hash: Sha256Hex(),
            at: Type.Optional(DateTime()),
            code: Type.Optional(Type.String()),
            openFailure: Type.Optional(
              Type.String({ description: 'the addressee could not open or verify the document' }),
            ),
            acknowledgementHash: Type.Optional(Sha256Hex()),
          },
          {
            description:
              'The addressee’s signed delivery receipt as this node verified it against the directory and the ' +
              'bytes it sent (INVALID: with the code of what failed); acknowledgementHash: this node’s ' +
              'acknowledgement of it',
            additionalProperties: false,
          },
        ),
      ),
    },
    {
      description: 'A document this node sent (or is sending), as its outbox keeps it.',
      additionalProperties: false,
    },
  ),
);
export type OutboxRecord = Static<typeof OutboxRecord>;

/** Where an e-mailed document came from, as the node's mail server saw it (gateway/src/mail). */
export const EmailOrigin = component(
  'EmailOrigin',
  Type.Object(
    {
      messageId: Type.String({ description: 'the Message-ID, or sha256:<hex> of a message without one' }),
      from: Type.String({ maxLength: 254, description: 'an e-mail address' }),
      subject: Type.Optional(Type.String()),
      authenticationResults: Type.Array(Type.String(), {
        description: 'the Authentication-Results headers the node’s own mail server added',
      }),
      admittedBy: Type.String({ description: 'the pass that let it in, or who released it' }),
      attachment: Type.Object({ name: Type.String(), sha256: Sha256Hex() }, { additionalProperties: false }),
      /** The file rows of the document's rows, to name them in an answer. */
      fileRows: Type.Optional(Type.Array(Type.Unsafe<number | null>({ type: ['integer', 'null'] }))),
    },
    {
      description: 'How a document came by e-mail from a correspondent not on the network',
      additionalProperties: false,
    },
  ),
);
export type EmailOrigin = Static<typeof EmailOrigin>;

export const InboxRecord = component(
  'InboxRecord',
  Type.Object(
    {
      messageId: Type.String(),
      documentType: Type.String(),
      formatVersion: Type.String(),
      sender: Ogrn(),
      status: InboxStatus,
      receivedAt: DateTime(),
      updatedAt: DateTime(),
      sentAt: Type.Optional(DateTime()),
      digest: Type.Optional(Sha256Hex()),
      replyTo: Type.Optional(Type.String()),
      corrects: Type.Optional(Type.String()),
      onBehalfOf: Type.Optional(
        Ogrn({
          description: 'The insurer the sender (or this node) acts for, as the ledger envelope names it.',
        }),
      ),
      /** Why it was refused on arrival (cannot open, bad signature, invalid format) or by the local system. */
      rejection: Type.Optional(
        Type.Object(
          { code: Type.String(), message: Type.String(), errors: Type.Array(ref(ErrorItem)) },
          { additionalProperties: false },
        ),
      ),
      decision: Type.Optional(
        Type.Enum(['DISPUTED', 'CONTESTED'], {
          description:
            'The reply’s own word beside the ledger’s REJECTED: lines of an act disputed, a price list contested',
        }),
      ),
      comment: Type.Optional(Type.String()),
      /** SHA-256 of the ciphertext the ledger holds (or held) for it. */
      ciphertextHash: Type.Optional(Sha256Hex()),
      /** When this node destroyed its copy (and, as addressee, the ledger's) of the document. */
      purgedAt: Type.Optional(DateTime()),
      withdrawal: Type.Optional(Withdrawal),
      receipt: Type.Optional(
        Type.Object(
          { hash: Sha256Hex(), issuedAt: DateTime(), acknowledgement: Type.Optional(ReceiptSummary) },
          {
            description:
              'The delivery receipt this node signed on arrival (its hash is on the ledger with DELIVERED) and the ' +
              'sender’s acknowledgement of it as verified here',
            additionalProperties: false,
          },
        ),
      ),
      summary: Type.Optional(ref(DocumentSummary)),
      /** Set when it came by e-mail from a correspondent not on the network (the mail bridge), not over the ledger. */
      email: Type.Optional(ref(EmailOrigin)),
    },
    { description: 'A document addressed to this node, as its inbox keeps it.', additionalProperties: false },
  ),
);
export type InboxRecord = Static<typeof InboxRecord>;

export const TrailEntry = component(
  'TrailEntry',
  Type.Object(
    {
      status: Type.String(),
      at: DateTime(),
      txId: Type.Optional(Type.String()),
      by: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String({ description: 'A withdrawal’s reason, as the sender gave it.' })),
    },
    {
      description: 'One status of a message on the ledger, with the transaction that set it.',
      additionalProperties: false,
    },
  ),
);
export type TrailEntry = Static<typeof TrailEntry>;

export const Document = component(
  'Document',
  Type.Object(
    {
      header: OpenObject({
        description:
          'documentId, type, formatVersion, sender, addressee, createdAt (and replyToId, correctsId)',
      }),
      body: OpenObject(),
    },
    { description: 'A document in the shared format; the node validates it against the active format.' },
  ),
);
export type Document = Static<typeof Document>;

/** Who at this node did what with the document; the API adds it to the view from the audit log (access/). */
const AuditEntry = Type.Object(
  {
    at: DateTime(),
    action: Type.String(),
    user: Type.String({ description: 'a user name, or "api-token" for a machine client' }),
    fullName: Type.Optional(Type.String()),
    role: Type.Optional(Type.String()),
    documentIds: Type.Array(Type.String()),
    detail: Type.Optional(OpenObject()),
  },
  { additionalProperties: false },
);

export const DocumentView = component(
  'DocumentView',
  Type.Object(
    {
      direction: Type.Enum(['in', 'out']),
      // Typed unknown as before: each reader narrows it to the document type it expects.
      document: Type.Optional(Type.Unsafe<unknown>(ref(Document))),
      // Kept as the text that was signed, never as a structure later code would walk.
      signedText: Type.Optional(
        Type.String({
          description:
            'The signed canonical text of a received document kept only as text: it broke a size or nesting ' +
            'limit, so the node never keeps it as a structure that later code would walk',
        }),
      ),
      record: Type.Union([ref(OutboxRecord), ref(InboxRecord)]),
      envelope: Type.Optional(
        OpenObject({
          description: 'The ledger’s envelope: sender, addressee, type, format version, hash, size, status',
        }),
      ),
      status: Type.String(),
      trail: Type.Array(ref(TrailEntry)),
      receipts: Type.Optional(
        Type.Object(
          { delivery: Type.Optional(ref(KeptReceipt)), acknowledgement: Type.Optional(ref(KeptReceipt)) },
          {
            description:
              'The signed receipts kept here: delivery (the addressee’s) and acknowledgement (the sender’s). state ' +
              'ISSUED: signed by this node; VERIFIED or INVALID: the other party’s, checked against the directory ' +
              '(decision 0034)',
            additionalProperties: false,
          },
        ),
      ),
      audit: Type.Optional(
        Type.Array(AuditEntry, {
          description: 'Who at this node did what with the document (the node’s audit log), oldest first',
        }),
      ),
    },
    {
      description: 'A document opened at this node, its local record and its status trail from the ledger.',
      additionalProperties: false,
    },
  ),
);
export type DocumentView = Static<typeof DocumentView>;

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

/**
 * A document addressed here whose ciphertext the peer did not hold when the follower met it (the waiting list,
 * awaiting.ts; decision record 0053): tried again, asked of the sender, given up only after the last request.
 */
export interface AwaitingPayload {
  messageId: string;
  sender: string;
  documentType: string;
  /** When the ciphertext was first found missing. */
  since: string;
  attempts: number;
  nextAttemptAt: string;
  /** Requests made on the ledger (exchange:requestResend) for this document. */
  requests: number;
  lastRequestAt?: string;
  /** The ledger refuses more requests (the limit, or the document no longer waiting). */
  exhausted?: boolean;
}
