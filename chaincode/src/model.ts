export const ROLES = ['insurer', 'clinic', 'assistance', 'association'] as const;
export type Role = (typeof ROLES)[number];

export type IdentityRef =
  { mspId: string; kind: 'attribute' } | { mspId: string; kind: 'certificate'; certificate: string };

export interface KeyVersion {
  version: number;
  x25519: string;
  ed25519: string;
  validFrom: string;
  /** The transaction that recorded this version: with validFrom, the key's trail (absent on older records). */
  txId?: string;
}

export const SIGNATURE_PROFILES = ['ed25519', 'gost2012-256'] as const;
export type SignatureProfileName = (typeof SIGNATURE_PROFILES)[number];

/** How a participant signs: Ed25519 with its directory key, or GOST with the registered X.509 certificate. */
export interface SignatureProfile {
  profile: SignatureProfileName;
  /** gost2012-256: the signing certificate, base64 DER. */
  certificate?: string;
  /** SHA-256 hex of the certificate's DER. */
  fingerprint?: string;
  notAfter?: string;
  validFrom: string;
  txId: string;
}

/** A root CA whose GOST certificates the network accepts (in production: the accredited CAs' roots). */
export interface TrustedRoot {
  fingerprint: string;
  certificate: string;
  subjectDer: string;
  notBefore: string;
  notAfter: string;
  status: 'ACTIVE' | 'REMOVED';
  addedAt: string;
  addedTxId: string;
  removedAt?: string;
  removedTxId?: string;
  /** Earlier periods of trust, when a root was removed and added again. */
  earlier?: Array<{ addedAt: string; addedTxId: string; removedAt?: string; removedTxId?: string }>;
}

export interface Participant {
  id: string;
  role: Role;
  name: string;
  inn?: string;
  status: 'ACTIVE' | 'SUSPENDED';
  identities: IdentityRef[];
  keys: KeyVersion[];
  /** Absent: Ed25519, the default. */
  signature?: SignatureProfile;
  /** Every profile or certificate the participant has had, oldest first; the last is the current one. */
  signatureTrail?: SignatureProfile[];
  registeredAt: string;
  updatedAt: string;
  /** Certificates that acted for the participant and were retired (renewed), oldest first: the identity trail. */
  retiredIdentities?: Array<{ mspId: string; fingerprint: string; retiredAt: string; txId: string }>;
}

/** WITHDRAWN: the sender took the message back before its addressee decided (decision record 0032). */
export type MessageStatus = 'SENT' | 'DELIVERED' | 'ACCEPTED' | 'REJECTED' | 'WITHDRAWN';

export interface Envelope {
  messageId: string;
  sender: string;
  addressee: string;
  documentType: string;
  formatVersion: string;
  ciphertextHash: string;
  size: number;
  senderKeyVersion: number;
  replyTo?: string;
  /** For a reply: the final status it gives the message it answers (the same transaction sets it). */
  replyStatus?: 'ACCEPTED' | 'REJECTED';
  corrects?: string;
  /** The insurer an assistance company acts for: as sender or as addressee, by a delegation in force (0055). */
  onBehalfOf?: string;
  status: MessageStatus;
  sentAt: string;
  txId: string;
  statusAt: string;
  statusBy: string;
  statusTxId: string;
  reason?: string;
  /** Where the ciphertext lives: the addressee organisation's implicit private data collection. */
  collection?: string;
  /** Set once the ciphertext is purged; envelope, hash and trail stay. */
  purgedAt?: string;
  purgedBy?: string;
  purgeTxId?: string;
  /** How often the addressee asked the sender to send the ciphertext again (decision 0053), at most RESEND_LIMIT. */
  resendRequests?: number;
  resendRequestedAt?: string;
  /** How often the sender answered such a request with the same ciphertext. */
  resends?: number;
  /** The sealed files that travelled before the envelope (decision 0058): each one's size, pieces and hash chain. */
  files?: Array<{ sealedBytes: number; chunks: number; chain: string }>;
}

/** A sealed file of a document as its pieces arrive (decision 0058); the envelope closes it. */
export interface FileRecord {
  messageId: string;
  index: number;
  addressee: string;
  collection: string;
  chunks: number;
  sealedBytes: number;
  chain: string;
  /** Set by the envelope's send: no piece is added after it. */
  closed?: boolean;
  purgedAt?: string;
}

export interface FormatRules {
  voterRoles: Role[];
  /** Fraction (0..1] of eligible ACTIVE voters whose "yes" approves a version (yes/eligible ≥ quorum). */
  quorum: number;
}

export type ProposalState = 'PROPOSED' | 'APPROVED' | 'REJECTED' | 'RETIRED';

export interface FormatVersion {
  type: string;
  version: string;
  schemaHash: string;
  effectiveFrom: string;
  state: ProposalState;
  proposedAt: string;
  votes: Record<string, 'yes' | 'no'>;
  decidedAt?: string;
  retiredAt?: string;
  /** Days after a message's final status before anyone may purge its ciphertext (voted with the version). */
  retentionDays?: number;
  /** Who may send this type to whom ([sender role, addressee role]), voted with the version; defaults otherwise. */
  routes?: ReadonlyArray<readonly [string, string]>;
}

/** Composite-key object types: one place, so that key layout is reviewable at a glance. */
export const KeyType = {
  participant: 'participant',
  certIndex: 'idcert',
  message: 'msg',
  inbox: 'inbox',
  outbox: 'outbox',
  payload: 'payload',
  reply: 'reply',
  /** A message's signed receipt (sealed) by kind: delivery, acknowledgement (receipt-contract.ts). */
  receipt: 'rcpt',
  format: 'fmt',
  schema: 'fmtschema',
  rules: 'fmtrules',
  association: 'assoc',
  trustedRoot: 'gostroot',
  /** A GOST signing certificate's fingerprint → the participant that registered it; never removed. */
  signingCert: 'gostcert',
  /** A delegation by its principal (the insurer) and id (delegation-contract.ts). */
  delegation: 'dlg',
  /** agent → principal → delegation id: what an assistance company holds, one range per pair. */
  delegationByAgent: 'dlgagent',
  /** principal → time → message id: the documents sent or received on an insurer's behalf. */
  onBehalf: 'behalf',
  /** A document's file as it arrives piece by piece: message id → file index (file-pieces.ts, decision 0058). */
  file: 'file',
  /** One piece of a file: its SHA-256 and size in public state, its bytes in the addressee's collection. */
  filePiece: 'fpiece',
} as const;
