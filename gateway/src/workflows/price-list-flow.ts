// Flow 3 of docs/architecture.md, price lists: a clinic publishes them to the insurers it works with; an insurer (or
// assistance company) keeps each version and accepts or contests it. The accepted version in force prices letters
// and invoice lines.
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { messageIdOf, parseMessageId } from '@dmsnet/formats';
import type { PriceListBody } from '@dmsnet/formats/types';
import type { GatewayNode, InboxRecord } from '../node/index.js';
import type { PriceListState } from './shapes.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  isPayer,
  senderAndId,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';

export type { PriceListState };

/** A received price list's state from its inbox record: a rejection of a price list is a contest. */
const PRICE_LIST_STATE: Record<InboxRecord['status'], PriceListState['state']> = {
  RECEIVED: 'RECEIVED',
  ACCEPTED: 'ACCEPTED',
  REJECTED: 'CONTESTED',
  // The clinic took it back before the insurer decided: it prices nothing.
  WITHDRAWN: 'WITHDRAWN',
};

const priceListKey = (clinic: string, documentId: string) =>
  `pl${KEY_SEPARATOR}${clinic}${KEY_SEPARATOR}${documentId}`;

/** The accepted version in force on a date: it prices a guarantee letter or an invoice line of that date. */
export function priceListInForce(lists: readonly PriceListState[]) {
  const accepted = lists.filter((l) => l.state === 'ACCEPTED').map((l) => l.priceList);
  return (date: string) =>
    accepted
      .filter((p) => p.validity.from <= date && (!p.validity.to || date <= p.validity.to))
      .sort((a, b) => b.validity.from.localeCompare(a.validity.from) || b.version - a.version)[0];
}

export class PriceListFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string },
  ) {}

  /** A received price list is kept as RECEIVED; a person decides it. */
  async receive(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (!isPayer(this.options.role)) return { action: 'none' };
    const header = senderAndId(doc);
    await this.save({
      documentId: header.documentId,
      clinic: header.sender.ogrn,
      state: 'RECEIVED',
      priceList: doc.body as unknown as PriceListBody,
    });
    return { action: 'none' };
  }

  /** Records a price list's state (also how an insurer imports the versions it agreed before joining). */
  async save(s: PriceListState): Promise<void> {
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: priceListKey(s.clinic, s.documentId), value: s },
    ]);
  }

  /**
   * The price lists of a clinic. The state of a received one is the inbox record's, whichever endpoint decided it
   * (`/v1/price-lists/{id}/accept|contest` or `/v1/inbox/{id}/accept|reject`): one state model, the ledger's.
   */
  async ofClinic(clinic: string): Promise<PriceListState[]> {
    const prefix = `pl${KEY_SEPARATOR}${clinic}${KEY_SEPARATOR}`;
    const out: PriceListState[] = [];
    for await (const v of this.node.store
      .sublevel<PriceListState>(WORKFLOW_SUBLEVEL)
      .values({ gte: prefix, lt: prefix + '\uffff' }))
      out.push(await this.withDecision(v));
    return out;
  }

  /** A list imported with save has no inbox record: its saved state stands. */
  private async withDecision(s: PriceListState): Promise<PriceListState> {
    const rec = await this.node.received(messageIdOf(s.clinic, s.documentId));
    if (!rec || rec.sender !== s.clinic) return s;
    const state = PRICE_LIST_STATE[rec.status];
    return state === s.state ? s : { ...s, state };
  }

  async decide(
    documentId: string,
    decision: 'ACCEPTED' | 'CONTESTED',
    o: { errors?: FieldError[]; comment?: string } = {},
  ) {
    const rec = await this.node.received(documentId);
    const key = rec && priceListKey(rec.sender, String(parseMessageId(rec.messageId)?.documentId));
    const s = key && (await this.node.store.get<PriceListState>(WORKFLOW_SUBLEVEL, key));
    if (!rec || !s) throw new DmsnetError('NOT_FOUND', `no received price list ${documentId}`);
    if (decision === 'ACCEPTED') await this.node.accept(rec.messageId, { comment: o.comment });
    else
      await this.node.reject(rec.messageId, {
        errors: o.errors ?? [],
        comment: o.comment,
        decision: 'CONTESTED',
      });
    return this.withDecision(s);
  }
}
