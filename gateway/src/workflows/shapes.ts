// The edge workflows' request and response shapes, declared once (decision record 0038): workflows/openapi.ts
// publishes them, and their TypeScript types are `Static<typeof X>`.
import type {
  ExpertiseActBody as ActBodyType,
  GuaranteeLetterBody as LetterBodyType,
  Person,
  PriceListBody,
} from '@dmsnet/formats/types';
import { OutboxRecord } from '../node/types.js';
import { component, IsoDate, Items, Ogrn, OpenObject, Page, ref, Type, type Static } from '../shapes/kit.js';

const Programme = Type.Object({ code: Type.String(), name: Type.String() });

const LimitUse = Type.Object(
  {
    limit: Type.Integer({ minimum: 0 }),
    used: Type.Integer({ minimum: 0 }),
    left: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
const LimitState = Type.Object(
  {
    visits: Type.Optional(LimitUse),
    amount: Type.Optional(LimitUse),
  },
  { additionalProperties: false, description: 'visits in units of service, amount in kopecks' },
);

/** What the programme in force says of one service for the person asked about (issue 24). */
export const ServiceCoverage = component(
  'ServiceCoverage',
  Type.Object(
    {
      serviceCode: Type.String({ description: 'The Nomenclature (804н) code asked, normalised' }),
      answer: Type.Union(
        [
          Type.Literal('covered'),
          Type.Literal('letter-required'),
          Type.Literal('not-covered'),
          Type.Literal('unknown'),
        ],
        {
          description:
            'covered; letter-required: covered once a guarantee letter names it (prior authorisation); not-covered; unknown: the person is covered but the clinic holds no programme of that code from the insurer',
        },
      ),
      reason: Type.Optional(
        Type.Union(
          [
            Type.Literal('NOT_COVERED_ON_DATE'),
            Type.Literal('NOT_IN_PROGRAMME'),
            Type.Literal('EXCLUDED'),
            Type.Literal('LIMIT_REACHED'),
            Type.Literal('PROGRAMME_NOT_RECEIVED'),
          ],
          { description: 'Why it is not (simply) covered' },
        ),
      ),
      insurer: Type.Optional(Ogrn()),
      policyNumber: Type.Optional(Type.String()),
      programme: Type.Optional(
        Type.Object(
          {
            code: Type.String(),
            name: Type.String(),
            version: Type.Optional(Type.Integer({ minimum: 1 })),
            documentId: Type.Optional(Type.String({ description: 'The programme version’s documentId' })),
          },
          { additionalProperties: false },
        ),
      ),
      rowId: Type.Optional(Type.String({ description: 'The programme row that decided' })),
      territory: Type.Optional(Type.String()),
      franchise: Type.Optional(
        Type.Union([
          Type.Object(
            { percent: Type.Number({ minimum: 0, maximum: 100 }) },
            { additionalProperties: false },
          ),
          Type.Object({ amount: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        ]),
      ),
      policyYear: Type.Optional(
        Type.Object({ from: IsoDate(), to: IsoDate() }, { additionalProperties: false }),
      ),
      limits: Type.Optional(
        Type.Object(
          { service: Type.Optional(LimitState), programme: Type.Optional(LimitState) },
          {
            additionalProperties: false,
            description:
              'The limits of the row that decided and of the programme over the policy year: used as far as this clinic knows (its own invoices the insurer’s acts paid)',
          },
        ),
      ),
    },
    { additionalProperties: false },
  ),
);
export type ServiceCoverage = Static<typeof ServiceCoverage>;

export const CoverageAnswer = component(
  'CoverageAnswer',
  Type.Object(
    {
      date: IsoDate(),
      covered: Type.Boolean(),
      services: Type.Optional(
        Type.Array(ref(ServiceCoverage), { description: 'One answer per service asked with `service`' }),
      ),
      coverage: Type.Array(
        Type.Object(
          {
            insurer: Ogrn(),
            policyNumber: Type.String(),
            programme: Programme,
            from: IsoDate(),
            to: IsoDate(),
          },
          { additionalProperties: false },
        ),
      ),
    },
    {
      description: 'Whether the person is covered on the date, and the roster entries that cover them.',
      additionalProperties: false,
    },
  ),
);
export type CoverageAnswer = Static<typeof CoverageAnswer>;

export const RosterEntry = component(
  'RosterEntry',
  Type.Object(
    {
      insurer: Ogrn(),
      policyNumber: Type.String(),
      programme: Programme,
      // Sex is kept since lists carry it (entries attached earlier have none): it completes a clinic's register.
      person: Type.Object(
        {
          lastName: Type.String(),
          firstName: Type.String(),
          middleName: Type.Optional(Type.String()),
          birthDate: IsoDate(),
          sex: Type.Optional(Type.Enum(['M', 'F'])),
        },
        { additionalProperties: false },
      ),
      from: IsoDate(),
      to: IsoDate(),
      listId: Type.String(),
      rowId: Type.String(),
    },
    {
      description:
        'One roster entry: a person attached under an insurer’s programme for a period, and the list it came from.',
      additionalProperties: false,
    },
  ),
);

export type RosterEntry = Static<typeof RosterEntry>;

export const RosterPage = component(
  'RosterPage',
  Page(ref(RosterEntry), 'A page of the roster, in its storage order'),
);

// The bodies below are the shared format's: the contract names their main members, and their TypeScript types are
// the format's own, since the node keeps only bodies that passed the format's schema.
export const GuaranteeLetterBody = component(
  'GuaranteeLetterBody',
  Type.Unsafe<LetterBodyType>(
    Type.Object(
      {
        letterNumber: Type.String(),
        status: Type.Enum(['issued', 'amended', 'revoked']),
        patient: OpenObject(),
        validity: OpenObject(),
        amountLimit: Type.Integer({ minimum: 0 }),
        lines: Type.Array(OpenObject()),
      },
      {
        description:
          'The body of a guarantee letter in the shared format (letterNumber, status, patient, lines, …).',
      },
    ),
  ),
);

export const LetterState = component(
  'LetterState',
  Type.Object(
    {
      documentId: Type.String(),
      createdAt: Type.Optional(Type.String()),
      insurer: Ogrn(),
      clinic: Ogrn(),
      onBehalfOf: Type.Optional(
        Ogrn({
          description: 'the insurer an assistance company issued the letter for (decision record 0055)',
        }),
      ),
      letter: ref(GuaranteeLetterBody),
    },
    { description: 'The current state of a guarantee letter at this node.', additionalProperties: false },
  ),
);
export type LetterState = Static<typeof LetterState>;

export const LetterList = component(
  'LetterList',
  Page(ref(LetterState), 'Letters, current state each: a patient’s, or a page of all'),
);

export const LetterSent = component(
  'LetterSent',
  Type.Object(
    { record: ref(OutboxRecord), letter: ref(GuaranteeLetterBody) },
    {
      description: 'The outbox record of the letter sent, and the letter as priced from the price list.',
      additionalProperties: false,
    },
  ),
);

export const PriceListState = component(
  'PriceListState',
  Type.Object(
    {
      documentId: Type.String(),
      clinic: Ogrn(),
      state: Type.Enum(['RECEIVED', 'ACCEPTED', 'CONTESTED', 'WITHDRAWN']),
      priceList: Type.Unsafe<PriceListBody>(
        OpenObject({
          description: 'The body of the price list in the shared format',
          required: ['priceListNumber', 'version', 'validity', 'lines'],
        }),
      ),
    },
    { description: 'A received price list and what this node decided on it.', additionalProperties: false },
  ),
);
export type PriceListState = Static<typeof PriceListState>;

export const PriceListList = component(
  'PriceListList',
  Items(ref(PriceListState), 'Price lists received from a clinic'),
);

export const ExpertiseActBody = component(
  'ExpertiseActBody',
  Type.Unsafe<ActBodyType>(
    Type.Object(
      { actNumber: Type.String(), lines: Type.Array(OpenObject()) },
      {
        description:
          'The body of an expertise act in the shared format (lines with decisions and defect codes, totals).',
      },
    ),
  ),
);

export const ActDispute = component(
  'ActDispute',
  Type.Object(
    {
      replyId: Type.String(),
      lines: Type.Array(
        Type.Object({ invoiceLineId: Type.String(), reason: Type.String() }, { additionalProperties: false }),
      ),
      comment: Type.Optional(Type.String()),
    },
    {
      description:
        'What the clinic disputed: the lines with their reasons (a dispute of the whole act has none, only its comment).',
      additionalProperties: false,
    },
  ),
);
export type ActDispute = Static<typeof ActDispute>;

export const ActDisputeRequest = component(
  'ActDisputeRequest',
  Type.Object(
    {
      lines: Type.Array(
        Type.Object(
          {
            invoiceLineId: Type.String({ minLength: 1, maxLength: 64 }),
            reason: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 200000 },
      ),
      comment: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    },
    {
      description: 'The lines of a received act the clinic disputes, each with its reason.',
      additionalProperties: false,
    },
  ),
);
export type ActDisputeRequest = Static<typeof ActDisputeRequest>;

export const ActDraft = component(
  'ActDraft',
  Type.Object(
    {
      invoiceId: Type.String(),
      clinic: Ogrn(),
      state: Type.Enum(['DRAFT', 'SENT']),
      act: ref(ExpertiseActBody),
      actDocumentId: Type.Optional(Type.String()),
      corrects: Type.Optional(
        Type.String({ description: 'For a corrected act: the documentId of the disputed act it answers' }),
      ),
      earlier: Type.Optional(
        Type.Array(Type.String(), { description: 'Acts sent for this invoice before, oldest first' }),
      ),
      actStatus: Type.Optional(
        Type.String({
          description: 'The sent act’s status at this node (SENT, DELIVERED, ACCEPTED, REJECTED)',
        }),
      ),
      dispute: Type.Optional(ref(ActDispute)),
      reopened: Type.Optional(
        Type.Array(
          Type.Object(
            { invoiceLineId: Type.String(), documentId: Type.String() },
            { additionalProperties: false },
          ),
          {
            description:
              'Lines withheld for want of medical documentation (2.1.2) that its arrival reopened, and the answer that did',
          },
        ),
      ),
    },
    {
      description: 'The act of an invoice: the automatic check’s draft, as the expert edited it, or as sent.',
      additionalProperties: false,
    },
  ),
);
export type ActDraft = Static<typeof ActDraft>;

export const ActSent = component(
  'ActSent',
  Type.Object(
    { record: ref(OutboxRecord), act: ref(ExpertiseActBody) },
    { description: 'The outbox record of the act sent, and the act as sent.', additionalProperties: false },
  ),
);

export const IssueLetter = component(
  'IssueLetter',
  Type.Object(
    {
      clinic: Ogrn(),
      letterNumber: Type.String({ minLength: 1, maxLength: 64 }),
      // The patient's other fields are the shared format's; the node checks them when it builds the letter.
      patient: Type.Unsafe<Person>({
        type: 'object',
        required: ['lastName', 'firstName', 'birthDate', 'sex', 'policyNumber'],
        properties: { birthDate: IsoDate() },
      }),
      programme: Type.Optional(Programme),
      validity: Type.Object({ from: IsoDate(), to: IsoDate() }),
      amountLimit: Type.Integer({ minimum: 0 }),
      services: Type.Array(
        Type.Object(
          {
            serviceCode: Type.String({ maxLength: 32 }),
            quantity: Type.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 200 },
      ),
      diagnosis: Type.Optional(Type.String({ maxLength: 16 })),
      reason: Type.Optional(Type.String({ maxLength: 2000 })),
      onBehalfOf: Type.Optional(
        Ogrn({
          description:
            'an assistance company: the insurer it issues the letter for under a delegation in force (decision record 0055)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);
export type IssueLetter = Static<typeof IssueLetter>;

export const ActEdit = component(
  'ActEdit',
  Type.Object(
    {
      lines: Type.Array(
        Type.Object(
          {
            invoiceLineId: Type.String({ maxLength: 64 }),
            decision: Type.Enum(['PAID', 'WITHHELD']),
            paidAmount: Type.Optional(Type.Integer({ minimum: 0 })),
            defectCode: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}(\\.[0-9]{1,2}){1,2}$' })),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  ),
);
export type ActEdit = Static<typeof ActEdit>;

/** The expert who confirms an act, when the request names one. */
export const SendAct = Type.Object(
  {
    expert: Type.Optional(Type.Object({ name: Type.String(), snils: Type.Optional(Type.String()) })),
  },
  { additionalProperties: false },
);
export type SendAct = Static<typeof SendAct>;

const Limit = () => Type.Integer({ minimum: 1, maximum: 500 });
const Cursor = () =>
  Type.String({
    maxLength: 1024,
    description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
  });
const PolicyNumber = () => Type.String({ minLength: 1, maxLength: 64 });

/** The query of `GET /v1/coverage`: who (by policy, or by name and birth date), on which date, which services. */
export const CoverageQuery = Type.Object({
  policy: Type.Optional(PolicyNumber()),
  lastName: Type.Optional(Type.String({ maxLength: 100 })),
  firstName: Type.Optional(Type.String({ maxLength: 100 })),
  middleName: Type.Optional(
    Type.String({
      maxLength: 100,
      description:
        'optional: without it a person matches on last name, first name and birth date; 422 COVERAGE_AMBIGUOUS when several people do',
    }),
  ),
  birthDate: Type.Optional(
    IsoDate({ description: 'YYYY-MM-DD; any other form is 400 with the pointer /query/birthDate' }),
  ),
  date: Type.Optional(IsoDate()),
  service: Type.Optional(
    Type.Union(
      [
        Type.String({ minLength: 1, maxLength: 2600 }),
        Type.Array(Type.String({ minLength: 1, maxLength: 24 }), { maxItems: 100 }),
      ],
      {
        description:
          'Nomenclature (804н) codes of the services to answer for, one per parameter or separated by commas (at most 100): each gets covered / letter-required / not-covered, the franchise and the limits used and left; a malformed code is 400 SERVICE_CODE_FORMAT at /query/service/i',
      },
    ),
  ),
});
export type CoverageQuery = Static<typeof CoverageQuery>;

/** The query of `GET /v1/roster`. */
export const RosterQuery = Type.Object({
  clinic: Type.Optional(
    Ogrn({
      description:
        'at an insurer or assistance company, required: the clinic whose roster copy to read; at a clinic, its own ОГРН or nothing',
    }),
  ),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'part of the full name or of the policy number, any case',
    }),
  ),
  insurer: Type.Optional(Ogrn()),
  programme: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  date: Type.Optional(IsoDate({ description: 'only entries in force on this date' })),
  limit: Type.Optional(Limit()),
  cursor: Type.Optional(Cursor()),
});
export type RosterQuery = Static<typeof RosterQuery>;

/** The query of `GET /v1/guarantee-letters`. */
export const LetterQuery = Type.Object({
  policy: Type.Optional(PolicyNumber()),
  clinic: Type.Optional(Ogrn()),
  status: Type.Optional(Type.Enum(['issued', 'amended', 'revoked'])),
  from: Type.Optional(IsoDate({ description: 'valid on or after this date' })),
  to: Type.Optional(IsoDate({ description: 'valid on or before this date' })),
  limit: Type.Optional(Limit()),
  cursor: Type.Optional(Cursor()),
});
export type LetterQuery = Static<typeof LetterQuery>;

/** The query of `GET /v1/price-lists`: the clinic whose price lists to read. */
export const PriceListQuery = Type.Object({ clinic: Ogrn() });

export const workflowComponents = [
  ServiceCoverage,
  CoverageAnswer,
  RosterEntry,
  RosterPage,
  GuaranteeLetterBody,
  LetterState,
  LetterList,
  LetterSent,
  PriceListState,
  PriceListList,
  ExpertiseActBody,
  ActDraft,
  ActDispute,
  ActDisputeRequest,
  ActSent,
  IssueLetter,
  ActEdit,
];
