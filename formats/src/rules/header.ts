import type { FieldError } from '../errors.js';
import { checkPartyAt, isObj, report } from './shared.js';

/** Rules on the header every document carries; returns the creation date (YYYY-MM-DD) for later rules. */
export function checkHeader(errors: FieldError[], header: unknown): string | undefined {
  if (!isObj(header)) return undefined;
  checkPartyAt(errors, header.sender, '/header/sender');
  checkPartyAt(errors, header.addressee, '/header/addressee');
  const sender = isObj(header.sender) ? header.sender.ogrn : undefined;
  const addressee = isObj(header.addressee) ? header.addressee.ogrn : undefined;
  if (typeof sender === 'string' && sender === addressee)
    report(errors, '/header/addressee/ogrn', 'ADDRESSEE_IS_SENDER', 'the addressee is the sender itself');
  const id = header.documentId;
  if (typeof id === 'string') {
    if (header.correctsId === id)
      report(errors, '/header/correctsId', 'SELF_REFERENCE', 'a document cannot correct itself');
    if (header.replyToId === id)
      report(errors, '/header/replyToId', 'SELF_REFERENCE', 'a document cannot answer itself');
  }
  const created = header.createdAt;
  // The date part of an RFC 3339 date-time in the sender's own offset, as the sender meant it.
  return typeof created === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(created)
    ? created.slice(0, 10)
    : undefined;
}
