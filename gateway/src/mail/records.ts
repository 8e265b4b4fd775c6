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
  /** Why it goes (an error code, or DECISION for an answer to a person's decision). */
  code: string;
}

export interface MailboxPosition {
  uidValidity: string;
  uid: number;
}
