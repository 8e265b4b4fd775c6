// What the four flows share: where they keep their state in the node's store and the shape of what they receive.
import type { DocumentHandler } from '../node/index.js';

/**
 * Every flow keeps its state in this one sublevel of the node's store, under a key prefix of its own (`gl`, `glp`:
 * letters; `pl`: price lists; `act`, `glu`, `bl`: acts and what they counted; `cursor`: the roster follower). One
 * sublevel keeps the keys of a gateway that stored them before the flows had modules of their own.
 */
export const WORKFLOW_SUBLEVEL = 'workflows';

/** Joins the parts of a key: no ОГРН, document id, letter number or blinded value contains it. */
export const KEY_SEPARATOR = '\u0000';

/** A received document as the node hands it over: verified and valid against its format. */
export type ReceivedDocument = { header: Record<string, unknown>; body: Record<string, unknown> };

/** What a flow answers the node for a received document: accept, reject with row errors, or leave it as received. */
export type HandlerOutcome = Awaited<ReturnType<DocumentHandler>>;

/** The header fields a flow reads of a received document. */
export const senderAndId = (doc: ReceivedDocument) =>
  doc.header as { documentId: string; sender: { ogrn: string } };

/** Today's date as documents write it (UTC). */
export const today = () => new Date().toISOString().slice(0, 10);

/** Insurers and assistance companies pay: they receive price lists and invoices and keep roster copies per clinic. */
export const isPayer = (role: string) => role === 'insurer' || role === 'assistance';
