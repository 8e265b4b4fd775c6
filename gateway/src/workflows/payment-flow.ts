// After the act: the payer's payment notices and each invoice's payment state. The payer sends a notice per payment
// order; the clinic's gateway checks it against the invoice it sent (to that very payer) and what was paid before,
// counts it, and tells its accounting system of every change of state (a payment.changed notification, so SSE and
// webhooks carry it).
import { DmsnetError } from '@dmsnet/formats/errors';
import { messageIdOf, parseMessageId, validateDocument } from '@dmsnet/formats';
import type { ExpertiseActBody, InvoiceBody, PaymentNoticeBody } from '@dmsnet/formats/types';
import type { GatewayNode, InboxRecord, OutboxRecord } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import type { ActFlow } from './act-flow.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  isPayer,
  senderAndId,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import { rubles } from './invoice-check.js';
import {
  DEFAULT_PAYMENT_TERM_DAYS,
  paymentState,
  type PaymentEntry,
  type PaymentRecord,
  type PaymentState,
} from './payment-state.js';
import type { Contract } from './roster.js';
import type { PaymentQuery as PaymentQueryShape, PaymentRequest } from './payment-shapes.js';
import type { Static } from '../shapes/kit.js';

export interface PaymentOptions {
  role: string;
  contracts?: Contract[];
  /** Days to pay when the payer's contract names no term (default 30). */
  paymentTermDays?: number;
}

/** What the payer's accountant gives to record one payment order (the invoice by its ledger id, or by the clinic's
 * documentId while only one invoice here has it), and the filters of the payment states: as the contract declares. */
export type PaymentInput = PaymentRequest;
export type PaymentQuery = Static<typeof PaymentQueryShape>;

const payKey = (invoiceId: string) => `pay${KEY_SEPARATOR}${invoiceId}`;
/** Invoices that will not be paid: refused by the payer, withdrawn by the clinic, never delivered. */
const UNPAYABLE = new Set(['REJECTED', 'WITHDRAWN', 'FAILED']);

const unknownInvoice = (message: string) =>
  new DmsnetError('PAYMENT_INVOICE_UNKNOWN', message, [
    { pointer: '/body/invoiceId', code: 'PAYMENT_INVOICE_UNKNOWN', message: `/body/invoiceId: ${message}` },
  ]);

export class PaymentFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly options: PaymentOptions,
    private readonly acts: ActFlow,
  ) {}

  /** The payment term of a payer's invoices: its contract's, or the node's default. */
  termDays(payer: string): number {
    const c = this.options.contracts?.find((x) => x.insurer === payer && x.paymentTermDays !== undefined);
    return c?.paymentTermDays ?? this.options.paymentTermDays ?? DEFAULT_PAYMENT_TERM_DAYS;
  }

  private stateOf(r: PaymentRecord): PaymentState {
    return paymentState(r, today(), this.termDays(r.payer));
  }

  // ---- the clinic's side ----------------------------------------------------------------------------------------

  /** A clinic's invoice as sent, with the payer it went to; undefined when this node sent no such invoice. */
  private async ownInvoice(documentId: string) {
    const id = messageIdOf(this.node.participantId, documentId);
    const view = await this.node.getDocument(id).catch((err) => {
      if (err instanceof DmsnetError && (err.code === 'NOT_FOUND' || err.code === 'ID_AMBIGUOUS'))
        return undefined;
      throw err;
    });
    if (!view || view.direction !== 'out') return undefined;
    const rec = view.record as OutboxRecord;
    const doc = view.document as { header?: { type?: string }; body?: InvoiceBody } | undefined;
    if (rec.documentType !== 'invoice' || !doc?.body) return undefined;
    return { id, payer: rec.addressee, status: rec.status, body: doc.body };
  }

  private async recordOf(inv: { id: string; payer: string; body: InvoiceBody }): Promise<PaymentRecord> {
    const kept = await this.node.store.get<PaymentRecord>(WORKFLOW_SUBLEVEL, payKey(inv.id));
    return (
      kept ?? {
        invoiceId: inv.id,
        invoiceNumber: inv.body.invoiceNumber,
        invoiceDate: inv.body.invoiceDate,
        clinic: this.node.participantId,
        payer: inv.payer,
        billed: inv.body.total,
        payments: [],
      }
    );
  }

  /** Keeps the record; when the invoice's state moved, in one batch with a payment.changed notification. */
  private async save(before: PaymentState | undefined, r: PaymentRecord): Promise<PaymentState> {
    const after = this.stateOf(r);
    const ops: BatchOp[] = [{ type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: payKey(r.invoiceId), value: r }];
    const moved =
      !before ||
      before.state !== after.state ||
      before.paid !== after.paid ||
      before.withheld !== after.withheld;
    if (!moved) {
      await this.node.store.batch(ops);
      return after;
    }
    await this.node.notify(
      {
        kind: 'payment.changed',
        messageId: r.invoiceId,
        documentType: 'invoice',
        sender: r.clinic,
        addressee: r.payer,
        status: after.state,
        reason: `оплачено ${rubles(after.paid)}, снято ${rubles(after.withheld)}, к оплате осталось ${rubles(after.outstanding)}`,
      },
      ops,
    );
    return after;
  }

  /** The clinic receives an act: the invoice becomes payable as the act says. The clinic still accepts or disputes it. */
  async receiveAct(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const header = senderAndId(doc);
    const body = doc.body as unknown as ExpertiseActBody;
    const inv = await this.ownInvoice(body.invoiceId);
    if (!inv || inv.payer !== header.sender.ogrn) return { action: 'none' };
    const r = await this.recordOf(inv);
    const before = this.stateOf(r);
    r.act = {
      actId: messageIdOf(header.sender.ogrn, header.documentId),
      accepted: body.totals.paid,
      withheld: body.totals.withheld,
    };
    await this.save(before, r);
    return { action: 'none' };
  }

  /**
   * The clinic receives a payment notice: refused when it names an invoice this clinic did not send to that payer
   * (PAYMENT_INVOICE_UNKNOWN) or when the payments would add up to more than was billed; otherwise counted (once,
   * by the notice's ledger id) and accepted.
   */
  async receiveNotice(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const header = senderAndId(doc);
    const body = doc.body as unknown as PaymentNoticeBody;
    const inv = await this.ownInvoice(body.invoiceId);
    if (!inv || inv.payer !== header.sender.ogrn || UNPAYABLE.has(inv.status)) {
      const err = unknownInvoice(
        `this clinic sent no payable invoice "${body.invoiceId}" to ${header.sender.ogrn}`,
      );
      return { action: 'reject', errors: [...(err.errors ?? [])], comment: err.message };
    }
    const noticeId = messageIdOf(header.sender.ogrn, header.documentId);
    const r = await this.recordOf(inv);
    const before = this.stateOf(r);
    const others = r.payments.filter((p) => p.noticeId !== noticeId);
    const paidBefore = others.reduce((s, p) => s + p.paidAmount, 0);
    const errors = validateDocument(doc, {
      related: { invoice: { header: { documentId: body.invoiceId }, body: inv.body }, paidBefore },
    });
    if (errors.length)
      return { action: 'reject', errors, comment: `the notice breaks ${errors.length} rule(s)` };
    r.payments = [...others, entryOf(noticeId, body)];
    const after = await this.save(before, r);
    return {
      action: 'accept',
      comment: `оплата учтена: оплачено ${rubles(after.paid)} из ${rubles(after.billed - after.withheld)}`,
    };
  }

  // ---- the payer's side -----------------------------------------------------------------------------------------

  /** A received invoice with its clinic; refused (PAYMENT_INVOICE_UNKNOWN) unless this node received it. */
  private async receivedInvoice(ref: string) {
    const view = await this.node.getDocument(ref).catch((err) => {
      if (err instanceof DmsnetError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    });
    const rec = view?.record as InboxRecord | undefined;
    const body = (view?.document as { body?: InvoiceBody } | undefined)?.body;
    if (!view || view.direction !== 'in' || rec?.documentType !== 'invoice' || !rec || !body)
      throw unknownInvoice(`no invoice "${ref}" was received here`);
    if (UNPAYABLE.has(rec.status))
      throw unknownInvoice(`invoice "${ref}" is ${rec.status} and will not be paid`);
    return { id: rec.messageId, clinic: rec.sender, body };
  }

  /** The payer's record of a received invoice, with the act it sent on it. */
  private async payerRecord(inv: { id: string; clinic: string; body: InvoiceBody }): Promise<PaymentRecord> {
    const kept = await this.node.store.get<PaymentRecord>(WORKFLOW_SUBLEVEL, payKey(inv.id));
    const r: PaymentRecord = kept ?? {
      invoiceId: inv.id,
      invoiceNumber: inv.body.invoiceNumber,
      invoiceDate: inv.body.invoiceDate,
      clinic: inv.clinic,
      payer: this.node.participantId,
      billed: inv.body.total,
      payments: [],
    };
    const act = await this.acts.get(inv.id).catch(() => undefined);
    if (act?.state === 'SENT' && act.actDocumentId)
      r.act = {
        actId: messageIdOf(this.node.participantId, act.actDocumentId),
        accepted: act.act.totals.paid,
        withheld: act.act.totals.withheld,
      };
    return r;
  }

  /** The payer records a payment order and sends its notice to the clinic. */
  async pay(input: PaymentInput): Promise<{ record: OutboxRecord; payment: PaymentState }> {
    if (!isPayer(this.options.role))
      throw new DmsnetError('NOT_AUTHORIZED', 'only an insurer or an assistance company pays invoices');
    const inv = await this.receivedInvoice(input.invoiceId);
    const r = await this.payerRecord(inv);
    const before = this.stateOf(r);
    const documentId = parseMessageId(inv.id)?.documentId ?? inv.id;
    const noticeNumber = input.noticeNumber ?? `${input.paymentOrder.number}/${input.paymentOrder.date}`;
    const body: PaymentNoticeBody = {
      noticeNumber,
      noticeDate: today(),
      invoiceId: documentId,
      invoiceNumber: inv.body.invoiceNumber,
      ...(r.act ? { actId: parseMessageId(r.act.actId)?.documentId ?? r.act.actId } : {}),
      currency: 'RUB',
      paidAmount: input.paidAmount,
      withheldAmount: r.act?.withheld ?? 0,
      paymentOrder: input.paymentOrder,
      ...(input.purpose ? { purpose: input.purpose } : {}),
    };
    const document = {
      header: {
        // One notice per payment order: a resend of the same order is the same document (idempotent).
        documentId: `PAY-${documentId}-${input.paymentOrder.number}-${input.paymentOrder.date}`.slice(0, 128),
        type: 'payment-notice',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: inv.clinic },
        createdAt: new Date().toISOString(),
        replyToId: documentId,
      },
      body,
    };
    const noticeId = messageIdOf(this.node.participantId, document.header.documentId);
    const others = r.payments.filter((p) => p.noticeId !== noticeId);
    const errors = validateDocument(document, {
      related: {
        invoice: { header: { documentId }, body: inv.body },
        paidBefore: others.reduce((s, p) => s + p.paidAmount, 0),
      },
    });
    if (errors.length)
      throw new DmsnetError('DOCUMENT_INVALID', `the notice breaks ${errors.length} format rule(s)`, errors);
    const record = await this.node.send(document);
    r.payments = [...others, entryOf(noticeId, body)];
    return { record, payment: await this.save(before, r) };
  }

  // ---- both sides ---------------------------------------------------------------------------------------------

  /** One invoice's payment state, named by its ledger id or the clinic's documentId. */
  async state(ref: string): Promise<PaymentState> {
    if (this.options.role === 'clinic') {
      const id = await this.node.resolveId(ref);
      const inv = await this.ownInvoice(parseMessageId(id)?.documentId ?? ref);
      if (!inv) throw new DmsnetError('NOT_FOUND', `no invoice ${ref} sent from here`);
      return this.stateOf(await this.recordOf(inv));
    }
    return this.stateOf(await this.payerRecord(await this.receivedInvoice(ref)));
  }

  /**
   * Every payable invoice's state: a clinic's invoices sent, a payer's invoices received. Figures come from this
   * node's own records and documents only; invoices without a record yet are not due and unpaid.
   */
  async states(q: PaymentQuery = {}): Promise<PaymentState[]> {
    const clinic = this.options.role === 'clinic';
    const found: Array<{ id: string; other: string; number: string; date: string; total: number }> = [];
    let cursor: string | undefined;
    do {
      const page = clinic
        ? await this.node.listOutbox({ type: 'invoice', limit: 500, ...(cursor ? { cursor } : {}) })
        : await this.node.listInbox({ type: 'invoice', limit: 500, ...(cursor ? { cursor } : {}) });
      for (const rec of page.items as Array<OutboxRecord | InboxRecord>) {
        if (UNPAYABLE.has(rec.status) || rec.purgedAt) continue;
        const other = clinic ? (rec as OutboxRecord).addressee : (rec as InboxRecord).sender;
        const s = rec.summary;
        if (!s?.date || s.amount === undefined) continue;
        if (q.counterparty && other !== q.counterparty) continue;
        if ((q.from && s.date < q.from) || (q.to && s.date > q.to)) continue;
        found.push({ id: rec.messageId, other, number: s.number ?? '', date: s.date, total: s.amount });
      }
      cursor = page.nextCursor;
    } while (cursor);
    const kept = await this.node.store.getMany<PaymentRecord>(
      WORKFLOW_SUBLEVEL,
      found.map((f) => payKey(f.id)),
    );
    const out: PaymentState[] = [];
    for (const [i, f] of found.entries()) {
      const r: PaymentRecord = kept[i] ?? {
        invoiceId: f.id,
        invoiceNumber: f.number,
        invoiceDate: f.date,
        clinic: clinic ? this.node.participantId : f.other,
        payer: clinic ? f.other : this.node.participantId,
        billed: f.total,
        payments: [],
      };
      if (!clinic && !r.act) {
        const act = await this.acts.get(f.id).catch(() => undefined);
        if (act?.state === 'SENT' && act.actDocumentId)
          r.act = {
            actId: messageIdOf(this.node.participantId, act.actDocumentId),
            accepted: act.act.totals.paid,
            withheld: act.act.totals.withheld,
          };
      }
      const s = this.stateOf(r);
      if (!q.state || s.state === q.state) out.push(s);
    }
    return out;
  }
}

function entryOf(noticeId: string, b: PaymentNoticeBody): PaymentEntry {
  return {
    noticeId,
    noticeNumber: b.noticeNumber,
    noticeDate: b.noticeDate,
    paidAmount: b.paidAmount,
    withheldAmount: b.withheldAmount,
    paymentOrder: { number: b.paymentOrder.number, date: b.paymentOrder.date },
    ...(b.purpose ? { purpose: b.purpose } : {}),
  };
}
