// Reconciliation statements (акт сверки): each side computes billed, accepted, withheld, paid and outstanding per
// invoice of a period from its own documents (payment-state.ts), sends its figures as a document, and the side that
// receives them lists the differences against its own figures line by line.
import { DmsnetError } from '@dmsnet/formats/errors';
import { messageIdOf, parseMessageId, validateDocument } from '@dmsnet/formats';
import type {
  ReconciliationLine,
  ReconciliationStatementBody,
  ReconciliationTotals,
} from '@dmsnet/formats/types';
import type { GatewayNode, OutboxRecord } from '../node/index.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  senderAndId,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import type { PaymentFlow } from './payment-flow.js';

export const FIGURES = ['billed', 'accepted', 'withheld', 'paid', 'outstanding'] as const;
export type Figure = (typeof FIGURES)[number];

/** One figure of one invoice on which the two sides disagree (a side without the invoice counts it as absent). */
export interface ReconciliationDifference {
  invoiceId: string;
  invoiceNumber?: string;
  figure: Figure | 'invoice';
  theirs?: number;
  ours?: number;
}

/** What a node keeps of a statement it sent or received. */
export interface Reconciliation {
  /** The statement's ledger id. */
  statementId: string;
  direction: 'out' | 'in';
  counterparty: string;
  /** The statement as sent: ours when we sent it, theirs when we received it. */
  statement: ReconciliationStatementBody;
  /** For a received statement: our own figures for the same period, computed on arrival. */
  ours?: ReconciliationStatementBody;
  differences?: ReconciliationDifference[];
}

export interface ReconcileInput {
  counterparty: string;
  from: string;
  to: string;
  statementNumber?: string;
  comment?: string;
}

const recKey = (statementId: string) => `rec${KEY_SEPARATOR}${statementId}`;

/** Both sides name an invoice by the clinic's documentId: the one id both of them hold. */
const invoiceKey = (ledgerId: string) => parseMessageId(ledgerId)?.documentId ?? ledgerId;

/** Line by line: every figure that differs, and every invoice only one side has. */
export function differencesOf(
  theirs: ReconciliationStatementBody,
  ours: ReconciliationStatementBody,
): ReconciliationDifference[] {
  const mine = new Map(ours.lines.map((l) => [l.invoiceId, l]));
  const out: ReconciliationDifference[] = [];
  for (const t of theirs.lines) {
    const o = mine.get(t.invoiceId);
    mine.delete(t.invoiceId);
    const number = t.invoiceNumber ? { invoiceNumber: t.invoiceNumber } : {};
    if (!o) {
      out.push({ invoiceId: t.invoiceId, ...number, figure: 'invoice', theirs: t.billed });
      continue;
    }
    for (const f of FIGURES)
      if (t[f] !== o[f]) out.push({ invoiceId: t.invoiceId, ...number, figure: f, theirs: t[f], ours: o[f] });
  }
  for (const o of mine.values())
    out.push({
      invoiceId: o.invoiceId,
      ...(o.invoiceNumber ? { invoiceNumber: o.invoiceNumber } : {}),
      figure: 'invoice',
      ours: o.billed,
    });
  return out;
}

export class ReconciliationFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly payments: PaymentFlow,
  ) {}

  /** This node's own figures with a counterparty for the invoices dated within a period. */
  async figures(
    counterparty: string,
    from: string,
    to: string,
    numbering: { statementNumber: string; comment?: string },
  ): Promise<ReconciliationStatementBody> {
    const states = await this.payments.states({ counterparty, from, to });
    states.sort(
      (a, b) => a.invoiceDate.localeCompare(b.invoiceDate) || a.invoiceId.localeCompare(b.invoiceId),
    );
    const totals: ReconciliationTotals = { billed: 0, accepted: 0, withheld: 0, paid: 0, outstanding: 0 };
    const lines: ReconciliationLine[] = states.map((s, i) => {
      const line: ReconciliationLine = {
        rowId: String(i + 1),
        invoiceId: invoiceKey(s.invoiceId),
        ...(s.invoiceNumber ? { invoiceNumber: s.invoiceNumber } : {}),
        invoiceDate: s.invoiceDate,
        billed: s.billed,
        accepted: s.accepted,
        withheld: s.withheld,
        paid: s.paid,
        outstanding: s.billed - s.withheld - s.paid,
      };
      for (const f of FIGURES) totals[f] += line[f];
      return line;
    });
    return {
      statementNumber: numbering.statementNumber,
      statementDate: today(),
      period: { from, to },
      currency: 'RUB',
      totals,
      lines,
      ...(numbering.comment ? { comment: numbering.comment } : {}),
    };
  }

  /** Computes this side's figures and sends them to the counterparty. */
  async reconcile(input: ReconcileInput): Promise<{ record: OutboxRecord; reconciliation: Reconciliation }> {
    if (input.from > input.to)
      throw new DmsnetError('REQUEST_INVALID', 'the period ends before it starts', [
        { pointer: '/body/to', code: 'PERIOD_ORDER', message: '/body/to: the period ends before it starts' },
      ]);
    const statementNumber = input.statementNumber ?? `АС-${input.from}-${input.to}`;
    const body = await this.figures(input.counterparty, input.from, input.to, {
      statementNumber,
      ...(input.comment ? { comment: input.comment } : {}),
    });
    const document = {
      header: {
        documentId: `REC-${input.counterparty}-${input.from}-${input.to}-${Date.now().toString(36)}`,
        type: 'reconciliation-statement',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: input.counterparty },
        createdAt: new Date().toISOString(),
      },
      body,
    };
    const errors = validateDocument(document);
    if (errors.length)
      throw new DmsnetError(
        'DOCUMENT_INVALID',
        `the statement breaks ${errors.length} format rule(s)`,
        errors,
      );
    const record = await this.node.send(document);
    const reconciliation: Reconciliation = {
      statementId: record.messageId,
      direction: 'out',
      counterparty: input.counterparty,
      statement: body,
    };
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: recKey(record.messageId), value: reconciliation },
    ]);
    return { record, reconciliation };
  }

  /** A received statement: our figures for the same period beside theirs, and the differences; people decide. */
  async receive(doc: ReceivedDocument): Promise<HandlerOutcome> {
    const header = senderAndId(doc);
    const theirs = doc.body as unknown as ReconciliationStatementBody;
    const statementId = messageIdOf(header.sender.ogrn, header.documentId);
    const ours = await this.figures(header.sender.ogrn, theirs.period.from, theirs.period.to, {
      statementNumber: `${theirs.statementNumber} (по нашим данным)`,
    });
    const reconciliation: Reconciliation = {
      statementId,
      direction: 'in',
      counterparty: header.sender.ogrn,
      statement: theirs,
      ours,
      differences: differencesOf(theirs, ours),
    };
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: recKey(statementId), value: reconciliation },
    ]);
    return { action: 'none' };
  }

  async get(ref: string): Promise<Reconciliation> {
    const id = await this.node.resolveId(ref);
    const r = await this.node.store.get<Reconciliation>(WORKFLOW_SUBLEVEL, recKey(id));
    if (!r) throw new DmsnetError('NOT_FOUND', `no reconciliation statement ${ref} here`);
    return r;
  }
}
