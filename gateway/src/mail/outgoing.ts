// The durable outbox of e-mail: each answer or notification is written in the batch that decided it and deleted
// once the SMTP server took it (decision record 0042), so a crash in between sends it again rather than never.
import { createHash } from 'node:crypto';
import type { BatchOp } from '../store/store.js';
import { MailSublevel, type OutgoingMail } from './records.js';

let sequence = 0;

export function outgoingOp(m: OutgoingMail): BatchOp {
  // Time first, so mail goes in the order it was decided; the counter keeps two of one millisecond apart and in order.
  const id = `${new Date().toISOString()}\u0000${String(sequence++ % 1e6).padStart(6, '0')}\u0000${createHash(
    'sha256',
  )
    .update(m.to + m.subject + m.text)
    .digest('hex')
    .slice(0, 16)}`;
  return { type: 'put', sublevel: MailSublevel.outgoing, key: id, value: m };
}
