// What the mail bridge keeps in the node's store (sealed like every value there), one sublevel per concern.

export const MailSublevel = {
  /** Message key (Message-ID hash, or the message's hash) → what became of it: nothing is handled twice. */
  seen: 'mail-seen',
  /** SHA-256 of an imported attachment → the ledger-style id of the document it became. */
  attachments: 'mail-att',
  /** Messages waiting for a person: not authenticated, from an unknown address, unreadable. */
  held: 'mail-held',
  /** Answers to send, written in the batch that decided them and deleted once the SMTP server took them. */
  outgoing: 'mail-out',
  /** The mailbox's UIDVALIDITY and the last UID whose outcome is committed. */
  position: 'mail-pos',
  /** Documents this node sent to correspondents by e-mail (decision record 0049), by their id. */
  sent: 'mail-sent',
  /** SHA-256 of a download link's secret → the link's state (the secret itself is never stored). */
  links: 'mail-links',
  /** SHA-256 of the secret a page got for the right code → what it may still do (decide once). */
  pageSessions: 'mail-page-sessions',
} as const;

export interface SeenMessage {
  outcome: 'imported' | 'answered' | 'held';
  code?: string;
  documents?: string[];
  at: string;
}

export interface HeldMessage {
  id: string;
  key: string;
  code: string;
  reason: string;
  at: string;
  size: number;
  messageId?: string;
  from?: string;
  subject?: string;
  /** The message's plain text, decoded (at most 4,000 characters). */
  text?: string;
  /** The message as it arrived, base64 (absent when it was over the size limit and never downloaded). */
  source?: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  /** The Message-ID to give it (a notification's, so a reply's In-Reply-To finds the document). */
  messageId?: string;
  /** Files to attach (base64): only ever ciphertext (decision record 0049). */
  attachments?: Array<{ filename: string; contentType: string; base64: string }>;
  /** RFC 3834: `auto-replied` for answers (the default), `auto-generated` for notifications the node starts. */
  autoSubmitted?: 'auto-replied' | 'auto-generated';
  /** Why it goes (an error code, or DECISION for an answer to a person's decision). */
  code: string;
}

export interface MailboxPosition {
  uidValidity: string;
  uid: number;
}

/** Where a document sent by e-mail stands (decision record 0049). */
export type SentStatus = 'HELD_FOR_JOIN' | 'ACCEPTED' | 'REJECTED' | 'HANDED_OVER' | 'FAILED';

export interface SentMail {
  /** The id the document has on the ledger once handed over: `<this node's ОГРН>:<documentId>`. */
  id: string;
  documentId: string;
  documentType: string;
  addressee: string;
  /** The addresses notified. */
  to: string[];
  /** `encrypted`: the document travelled as an age file; `link`: a one-time link and a code in a second e-mail. */
  channel: 'encrypted' | 'link';
  status: SentStatus;
  createdAt: string;
  updatedAt: string;
  /** SHA-256 of the document's canonical text: what the correspondent saw and answered. */
  digest: string;
  /** The document itself (the store seals every value). */
  document: unknown;
  /** The notification's Message-ID: a reply's In-Reply-To names the document by it. */
  notificationId: string;
  linkExpiresAt?: string;
  /** How many links were sent: 1, and one more for each re-send (decision record 0057). */
  linksIssued?: number;
  /** When the correspondent first opened a link with its code. */
  openedAt?: string;
  decision?: {
    status: 'ACCEPTED' | 'REJECTED';
    reason?: string;
    via: 'page' | 'reply';
    at: string;
    /** The address a reply came from (authenticated by the node's mail server). */
    from?: string;
  };
  /** When the addressee joined and the document went on the ledger. */
  handedOverAt?: string;
  /** Why the hand-over was refused (an error code), when it was. */
  failure?: { code: string; message: string };
}

export interface LinkState {
  sentId: string;
  /** SHA-256 of the code sent in the second e-mail. */
  codeHash: string;
  expiresAt: string;
  wrongCodes: number;
  usedAt?: string;
  /** When a re-send replaced this link by a new one (decision record 0057): it never opens again. */
  replacedAt?: string;
}

export interface PageSession {
  sentId: string;
  expiresAt: string;
}
