// A ledger message id names its sender: `<sender ОГРН>:<documentId>`. The sender picks its document ids freely, and
// two senders' ids never meet on the ledger, so nobody can take (squat) an id another participant will send under.

/** The sender's ОГРН (13 digits) or ОГРНИП (15), a colon, then the sender-chosen document id. */
export const MESSAGE_ID_PATTERN = /^(\d{13}|\d{15}):([A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/;

export interface MessageIdParts {
  sender: string;
  documentId: string;
}

/** The ledger id of the document `documentId` sent by `sender`. */
export function messageIdOf(sender: string, documentId: string): string {
  return `${sender}:${documentId}`;
}

/** The sender and document id of a ledger message id, or undefined when `id` is not one. */
export function parseMessageId(id: string): MessageIdParts | undefined {
  const m = MESSAGE_ID_PATTERN.exec(id);
  return m ? { sender: m[1], documentId: m[2] } : undefined;
}
