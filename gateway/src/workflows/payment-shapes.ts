// The shapes of the payment endpoints (payment-http.ts), declared once for the route validator, the OpenAPI document
// and the handlers' types.
import { OutboxRecord } from '../node/types.js';
import { component, IsoDate, Items, Ogrn, ref, Type, type Static } from '../shapes/kit.js';

const Kopecks = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

export const PaymentStateName = Type.Enum(['not-due', 'due', 'partly-paid', 'paid', 'overdue'], {
  description:
    'not-due: no act yet; due: the act accepted an amount, nothing paid; partly-paid; paid: nothing outstanding; ' +
    'overdue: something outstanding after the invoice date + the contract’s payment term',
});

export const PaymentEntry = Type.Object(
  {
    noticeId: Type.String({ description: 'the payment notice’s ledger id' }),
    noticeNumber: Type.String(),
    noticeDate: IsoDate(),
    paidAmount: Kopecks('this payment, kopecks'),
    withheldAmount: Kopecks('what the act withheld, as the notice states it, kopecks'),
    paymentOrder: Type.Object({ number: Type.String(), date: IsoDate() }, { additionalProperties: false }),
    purpose: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const PaymentState = component(
  'PaymentState',
  Type.Object(
    {
      invoiceId: Type.String({ description: 'the invoice’s ledger id' }),
      invoiceNumber: Type.String(),
      invoiceDate: IsoDate(),
      clinic: Ogrn(),
      payer: Ogrn(),
      state: PaymentStateName,
      dueDate: IsoDate({ description: 'the invoice date + the payment term' }),
      billed: Kopecks('the invoice total'),
      accepted: Kopecks('what the act accepted to pay (0 before the act)'),
      withheld: Kopecks('what the act withheld'),
      paid: Kopecks('the sum of the payment notices'),
      outstanding: Kopecks('billed − withheld − paid'),
      actId: Type.Optional(Type.String({ description: 'the expertise act’s ledger id' })),
      payments: Type.Array(PaymentEntry),
    },
    {
      description: 'An invoice’s payment state, computed from this node’s own invoice, act and notices.',
      additionalProperties: false,
    },
  ),
);

export const PaymentStateList = component(
  'PaymentStateList',
  Items(ref(PaymentState), 'The payable invoices’ states: a clinic’s invoices sent, a payer’s received'),
);

export const PaymentQuery = Type.Object({
  state: Type.Optional(PaymentStateName),
  counterparty: Type.Optional(Ogrn({ description: 'the payer (at a clinic) or the clinic (at a payer)' })),
  from: Type.Optional(IsoDate({ description: 'invoices dated on or after' })),
  to: Type.Optional(IsoDate({ description: 'invoices dated on or before' })),
});

export const PaymentRequest = component(
  'PaymentRequest',
  Type.Object(
    {
      invoiceId: Type.String({
        minLength: 1,
        maxLength: 160,
        description: 'the received invoice: its ledger id, or the clinic’s documentId while unique here',
      }),
      paidAmount: Kopecks('the payment order’s amount, kopecks'),
      paymentOrder: Type.Object(
        {
          number: Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9A-Za-zА-Яа-я/-]+$' }),
          date: IsoDate(),
        },
        { additionalProperties: false },
      ),
      noticeNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      purpose: Type.Optional(Type.String({ maxLength: 210 })),
    },
    {
      description:
        'A payment order the payer made against a received invoice; its notice goes to the clinic.',
      additionalProperties: false,
    },
  ),
);
export type PaymentRequest = Static<typeof PaymentRequest>;

export const PaymentSent = component(
  'PaymentSent',
  Type.Object(
    { record: ref(OutboxRecord), payment: ref(PaymentState) },
    {
      description: 'The notice’s outbox record and the invoice’s payment state after it.',
      additionalProperties: false,
    },
  ),
);

export const paymentComponents = [PaymentState, PaymentStateList, PaymentRequest, PaymentSent];

const Figures = {
  billed: Kopecks('the invoice total'),
  accepted: Kopecks('accepted by the act'),
  withheld: Kopecks('withheld by the act'),
  paid: Kopecks('paid by the notices'),
  outstanding: Kopecks('billed − withheld − paid'),
};

export const ReconciliationStatement = component(
  'ReconciliationStatement',
  Type.Object(
    {
      statementNumber: Type.String(),
      statementDate: IsoDate(),
      period: Type.Object({ from: IsoDate(), to: IsoDate() }, { additionalProperties: false }),
      contract: Type.Optional(
        Type.Object({ number: Type.String(), date: IsoDate() }, { additionalProperties: false }),
      ),
      currency: Type.Literal('RUB'),
      totals: Type.Object(Figures, { additionalProperties: false }),
      lines: Type.Array(
        Type.Object(
          {
            rowId: Type.String(),
            invoiceId: Type.String({ description: 'the clinic’s documentId of the invoice' }),
            invoiceNumber: Type.Optional(Type.String()),
            invoiceDate: IsoDate(),
            ...Figures,
          },
          { additionalProperties: false },
        ),
      ),
      comment: Type.Optional(Type.String()),
    },
    {
      description: 'The body of a reconciliation-statement document (format v1).',
      additionalProperties: false,
    },
  ),
);

export const Reconciliation = component(
  'Reconciliation',
  Type.Object(
    {
      statementId: Type.String({ description: 'the statement’s ledger id' }),
      direction: Type.Enum(['out', 'in']),
      counterparty: Ogrn(),
      statement: ref(ReconciliationStatement),
      ours: Type.Optional(ref(ReconciliationStatement)),
      differences: Type.Optional(
        Type.Array(
          Type.Object(
            {
              invoiceId: Type.String(),
              invoiceNumber: Type.Optional(Type.String()),
              figure: Type.Enum(['invoice', 'billed', 'accepted', 'withheld', 'paid', 'outstanding'], {
                description: 'invoice: only one side has the invoice',
              }),
              theirs: Type.Optional(Type.Integer()),
              ours: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false },
          ),
        ),
      ),
    },
    {
      description:
        'A statement sent (our figures) or received (theirs, with ours for the same period and the differences line by line).',
      additionalProperties: false,
    },
  ),
);

export const ReconcileRequest = component(
  'ReconcileRequest',
  Type.Object(
    {
      counterparty: Ogrn({ description: 'the clinic (at a payer) or the payer (at a clinic)' }),
      from: IsoDate(),
      to: IsoDate(),
      statementNumber: Type.Optional(
        Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S(?:.*\\S)?$' }),
      ),
      comment: Type.Optional(Type.String({ maxLength: 2000 })),
    },
    { additionalProperties: false },
  ),
);
export type ReconcileRequest = Static<typeof ReconcileRequest>;

export const ReconciliationSent = component(
  'ReconciliationSent',
  Type.Object(
    { record: ref(OutboxRecord), reconciliation: ref(Reconciliation) },
    {
      description: 'The statement’s outbox record and what this node keeps of it.',
      additionalProperties: false,
    },
  ),
);

export const OneCQuery = Type.Object({
  from: IsoDate({ description: 'payment orders dated on or after' }),
  to: IsoDate({ description: 'payment orders dated on or before' }),
  account: Type.String({
    pattern: '^[0-9]{20}$',
    description:
      'this participant’s settlement account (20 digits): 1С picks the organisation’s account by it',
  }),
});

export const reconciliationComponents = [
  ReconciliationStatement,
  Reconciliation,
  ReconcileRequest,
  ReconciliationSent,
];
