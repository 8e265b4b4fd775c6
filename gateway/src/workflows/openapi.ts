// The edge workflows' part of the contract (workflows/http.ts): coverage, guarantee letters, price lists and
// expertise acts. Assembled into the gateway's document by api/openapi.ts; this module imports nothing back.
import {
  DATE,
  idParam,
  OGRN,
  errors,
  items,
  json,
  jsonBody,
  page,
  ref,
  type OpenApiFragment,
} from '../http/openapi-kit.js';

const programme = {
  type: 'object',
  required: ['code', 'name'],
  properties: { code: { type: 'string' }, name: { type: 'string' } },
};

const coverageAnswer = {
  type: 'object',
  description: 'Whether the person is covered on the date, and the roster entries that cover them.',
  required: ['date', 'covered', 'coverage'],
  properties: {
    date: DATE,
    covered: { type: 'boolean' },
    coverage: {
      type: 'array',
      items: {
        type: 'object',
        required: ['insurer', 'policyNumber', 'programme', 'from', 'to'],
        properties: {
          insurer: OGRN,
          policyNumber: { type: 'string' },
          programme,
          from: DATE,
          to: DATE,
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const rosterEntry = {
  type: 'object',
  description:
    'One roster entry: a person attached under an insurer’s programme for a period, and the list it came from.',
  required: ['insurer', 'policyNumber', 'programme', 'person', 'from', 'to', 'listId', 'rowId'],
  properties: {
    insurer: OGRN,
    policyNumber: { type: 'string' },
    programme,
    person: {
      type: 'object',
      required: ['lastName', 'firstName', 'birthDate'],
      properties: {
        lastName: { type: 'string' },
        firstName: { type: 'string' },
        middleName: { type: 'string' },
        birthDate: DATE,
        sex: { enum: ['M', 'F'] },
      },
      additionalProperties: false,
    },
    from: DATE,
    to: DATE,
    listId: { type: 'string' },
    rowId: { type: 'string' },
  },
  additionalProperties: false,
};

const letterBody = {
  type: 'object',
  description:
    'The body of a guarantee letter in the shared format (letterNumber, status, patient, lines, …).',
  required: ['letterNumber', 'status', 'patient', 'validity', 'amountLimit', 'lines'],
  properties: {
    letterNumber: { type: 'string' },
    status: { enum: ['issued', 'amended', 'revoked'] },
    patient: { type: 'object' },
    validity: { type: 'object' },
    amountLimit: { type: 'integer', minimum: 0 },
    lines: { type: 'array', items: { type: 'object' } },
  },
};

const letterState = {
  type: 'object',
  description: 'The current state of a guarantee letter at this node.',
  required: ['documentId', 'insurer', 'clinic', 'letter'],
  properties: {
    documentId: { type: 'string' },
    createdAt: { type: 'string' },
    insurer: OGRN,
    clinic: OGRN,
    letter: ref('GuaranteeLetterBody'),
  },
  additionalProperties: false,
};

const letterSent = {
  type: 'object',
  description: 'The outbox record of the letter sent, and the letter as priced from the price list.',
  required: ['record', 'letter'],
  properties: { record: ref('OutboxRecord'), letter: ref('GuaranteeLetterBody') },
  additionalProperties: false,
};

const priceListState = {
  type: 'object',
  description: 'A received price list and what this node decided on it.',
  required: ['documentId', 'clinic', 'state', 'priceList'],
  properties: {
    documentId: { type: 'string' },
    clinic: OGRN,
    state: { enum: ['RECEIVED', 'ACCEPTED', 'CONTESTED', 'WITHDRAWN'] },
    priceList: {
      type: 'object',
      description: 'The body of the price list in the shared format',
      required: ['priceListNumber', 'version', 'validity', 'lines'],
    },
  },
  additionalProperties: false,
};

const actBody = {
  type: 'object',
  description:
    'The body of an expertise act in the shared format (lines with decisions and defect codes, totals).',
  required: ['actNumber', 'lines'],
  properties: { actNumber: { type: 'string' }, lines: { type: 'array', items: { type: 'object' } } },
};

const actDraft = {
  type: 'object',
  description: 'The act of an invoice: the automatic check’s draft, as the expert edited it, or as sent.',
  required: ['invoiceId', 'clinic', 'state', 'act'],
  properties: {
    invoiceId: { type: 'string' },
    clinic: OGRN,
    state: { enum: ['DRAFT', 'SENT'] },
    act: ref('ExpertiseActBody'),
    actDocumentId: { type: 'string' },
    corrects: {
      type: 'string',
      description: 'For a corrected act: the documentId of the disputed act it answers',
    },
    earlier: {
      type: 'array',
      items: { type: 'string' },
      description: 'Acts sent for this invoice before, oldest first',
    },
    actStatus: {
      type: 'string',
      description: 'The sent act’s status at this node (SENT, DELIVERED, ACCEPTED, REJECTED)',
    },
    dispute: ref('ActDispute'),
  },
  additionalProperties: false,
};

const actDispute = {
  type: 'object',
  description:
    'What the clinic disputed: the lines with their reasons (a dispute of the whole act has none, only its comment).',
  required: ['replyId', 'lines'],
  properties: {
    replyId: { type: 'string' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['invoiceLineId', 'reason'],
        properties: { invoiceLineId: { type: 'string' }, reason: { type: 'string' } },
        additionalProperties: false,
      },
    },
    comment: { type: 'string' },
  },
  additionalProperties: false,
};

const disputeRequest = {
  type: 'object',
  description: 'The lines of a received act the clinic disputes, each with its reason.',
  required: ['lines'],
  properties: {
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 200000,
      items: {
        type: 'object',
        required: ['invoiceLineId', 'reason'],
        properties: {
          invoiceLineId: { type: 'string', minLength: 1, maxLength: 64 },
          reason: { type: 'string', minLength: 1, maxLength: 1000 },
        },
        additionalProperties: false,
      },
    },
    comment: { type: 'string', minLength: 1, maxLength: 2000 },
  },
  additionalProperties: false,
};

const issueLetter = {
  type: 'object',
  required: ['clinic', 'letterNumber', 'patient', 'validity', 'amountLimit', 'services'],
  properties: {
    clinic: OGRN,
    letterNumber: { type: 'string', minLength: 1, maxLength: 64 },
    patient: {
      type: 'object',
      required: ['lastName', 'firstName', 'birthDate', 'sex', 'policyNumber'],
      properties: { birthDate: DATE },
    },
    programme,
    validity: {
      type: 'object',
      required: ['from', 'to'],
      properties: { from: DATE, to: DATE },
    },
    amountLimit: { type: 'integer', minimum: 0 },
    services: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        required: ['serviceCode', 'quantity'],
        properties: {
          serviceCode: { type: 'string', maxLength: 32 },
          quantity: { type: 'integer', minimum: 1 },
        },
        additionalProperties: false,
      },
    },
    diagnosis: { type: 'string', maxLength: 16 },
    reason: { type: 'string', maxLength: 2000 },
  },
  additionalProperties: false,
};

const actEdit = {
  type: 'object',
  required: ['lines'],
  properties: {
    lines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['invoiceLineId', 'decision'],
        properties: {
          invoiceLineId: { type: 'string', maxLength: 64 },
          decision: { enum: ['PAID', 'WITHHELD'] },
          paidAmount: { type: 'integer', minimum: 0 },
          defectCode: { type: 'string', pattern: '^[0-9]{1,2}(\\.[0-9]{1,2}){1,2}$' },
          reason: { type: 'string', maxLength: 2000 },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const numberParam = {
  name: 'number',
  in: 'path',
  required: true,
  schema: { type: 'string', maxLength: 64 },
} as const;

export const workflowsApi = {
  tags: [
    { name: 'coverage', description: 'Who is covered, from the local roster' },
    { name: 'roster', description: 'The clinic’s roster of insured people, from the lists it accepted' },
    { name: 'guarantee-letters', description: 'Guarantee letters priced from the accepted price list' },
    { name: 'price-lists', description: 'Received price lists and the decisions on them' },
    { name: 'expertise-acts', description: 'The automatic invoice check and the expert’s act' },
  ],
  schemas: {
    CoverageAnswer: coverageAnswer,
    RosterEntry: rosterEntry,
    RosterPage: page(ref('RosterEntry'), 'A page of the roster, in its storage order'),
    GuaranteeLetterBody: letterBody,
    LetterState: letterState,
    LetterList: page(ref('LetterState'), 'Letters, current state each: a patient’s, or a page of all'),
    LetterSent: letterSent,
    PriceListState: priceListState,
    PriceListList: items(ref('PriceListState'), 'Price lists received from a clinic'),
    ExpertiseActBody: actBody,
    ActDraft: actDraft,
    ActDispute: actDispute,
    ActDisputeRequest: disputeRequest,
    ActSent: {
      type: 'object',
      description: 'The outbox record of the act sent, and the act as sent.',
      required: ['record', 'act'],
      properties: { record: ref('OutboxRecord'), act: ref('ExpertiseActBody') },
      additionalProperties: false,
    },
    IssueLetter: issueLetter,
    ActEdit: actEdit,
  },
  paths: {
    '/v1/coverage': {
      get: {
        operationId: 'checkCoverage',
        tags: ['coverage'],
        summary:
          'Is this person covered on this date, by whom and under which programme (from the local roster)',
        parameters: [
          { name: 'policy', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 64 } },
          { name: 'lastName', in: 'query', schema: { type: 'string', maxLength: 100 } },
          { name: 'firstName', in: 'query', schema: { type: 'string', maxLength: 100 } },
          {
            name: 'middleName',
            in: 'query',
            description:
              'optional: without it a person matches on last name, first name and birth date; 422 COVERAGE_AMBIGUOUS when several people do',
            schema: { type: 'string', maxLength: 100 },
          },
          {
            name: 'birthDate',
            in: 'query',
            description: 'YYYY-MM-DD; any other form is 400 with the pointer /query/birthDate',
            schema: DATE,
          },
          { name: 'date', in: 'query', schema: DATE },
        ],
        responses: {
          '200': json('covered or not, with the covering entries', ref('CoverageAnswer')),
          ...errors(400, 401, 422),
        },
      },
    },
    '/v1/roster': {
      get: {
        operationId: 'listRoster',
        tags: ['roster'],
        summary:
          'The insured people in a clinic’s roster (at an insurer: its copy per clinic): search by name or policy, filter by insurer, programme, date',
        parameters: [
          {
            name: 'clinic',
            in: 'query',
            description:
              'at an insurer or assistance company, required: the clinic whose roster copy to read; at a clinic, its own ОГРН or nothing',
            schema: OGRN,
          },
          {
            name: 'q',
            in: 'query',
            description: 'part of the full name or of the policy number, any case',
            schema: { type: 'string', minLength: 1, maxLength: 100 },
          },
          { name: 'insurer', in: 'query', schema: OGRN },
          { name: 'programme', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 64 } },
          { name: 'date', in: 'query', description: 'only entries in force on this date', schema: DATE },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          {
            name: 'cursor',
            in: 'query',
            description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
            schema: { type: 'string', maxLength: 1024 },
          },
        ],
        responses: { '200': json('a page of the roster', ref('RosterPage')), ...errors(400, 401, 403) },
      },
    },
    '/v1/guarantee-letters': {
      get: {
        operationId: 'listGuaranteeLetters',
        tags: ['guarantee-letters'],
        summary: 'Current state of the guarantee letters: a patient’s (by policy) or all, filtered and paged',
        description:
          'With `policy`, every letter of that patient. Without it, all letters held here in letter-number order, ' +
          'filtered by clinic, status and a period their validity overlaps, a page at a time.',
        parameters: [
          { name: 'policy', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 64 } },
          { name: 'clinic', in: 'query', schema: OGRN },
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['issued', 'amended', 'revoked'] } },
          { name: 'from', in: 'query', description: 'valid on or after this date', schema: DATE },
          { name: 'to', in: 'query', description: 'valid on or before this date', schema: DATE },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          {
            name: 'cursor',
            in: 'query',
            description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
            schema: { type: 'string', maxLength: 1024 },
          },
        ],
        responses: { '200': json('letters', ref('LetterList')), ...errors(400, 401) },
      },
      post: {
        operationId: 'issueGuaranteeLetter',
        tags: ['guarantee-letters'],
        summary: 'Issue a guarantee letter priced from the clinic’s accepted price list',
        requestBody: jsonBody(ref('IssueLetter')),
        responses: { '202': json('sent', ref('LetterSent')), ...errors(400, 401, 422) },
      },
    },
    '/v1/guarantee-letters/{number}/amend': {
      post: {
        operationId: 'amendGuaranteeLetter',
        tags: ['guarantee-letters'],
        summary: 'Send an amended version of a letter issued here',
        parameters: [numberParam],
        requestBody: jsonBody(ref('IssueLetter')),
        responses: { '202': json('amendment sent', ref('LetterSent')), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/guarantee-letters/{number}/revoke': {
      post: {
        operationId: 'revokeGuaranteeLetter',
        tags: ['guarantee-letters'],
        summary: 'Revoke a letter issued here',
        parameters: [numberParam],
        responses: { '202': json('revocation sent', ref('LetterSent')), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/price-lists': {
      get: {
        operationId: 'listPriceLists',
        tags: ['price-lists'],
        summary: 'Price lists received from a clinic and their state',
        parameters: [{ name: 'clinic', in: 'query', required: true, schema: OGRN }],
        responses: {
          '200': json('received price lists and their state', ref('PriceListList')),
          ...errors(400, 401),
        },
      },
    },
    '/v1/price-lists/{id}/accept': {
      post: {
        operationId: 'acceptPriceList',
        tags: ['price-lists'],
        summary: 'Accept a price list: it prices letters and invoice lines of its dates',
        parameters: [idParam],
        requestBody: jsonBody(ref('Decision'), false),
        responses: { '200': json('accepted', ref('PriceListState')), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/price-lists/{id}/contest': {
      post: {
        operationId: 'contestPriceList',
        tags: ['price-lists'],
        summary: 'Contest a price list with row errors',
        parameters: [idParam],
        requestBody: jsonBody(ref('Rejection')),
        responses: { '200': json('contested', ref('PriceListState')), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/expertise-acts/{id}': {
      get: {
        operationId: 'getExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'The act (draft or sent) of an invoice',
        parameters: [idParam],
        responses: { '200': json('the act', ref('ActDraft')), ...errors(400, 401, 404) },
      },
      patch: {
        operationId: 'editExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'The expert’s changes to the draft, line by line',
        parameters: [idParam],
        requestBody: jsonBody(ref('ActEdit')),
        responses: { '200': json('the edited draft', ref('ActDraft')), ...errors(400, 401, 404, 409, 422) },
      },
    },
    '/v1/expertise-acts/{id}/send': {
      post: {
        operationId: 'sendExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'Confirm the act: the invoice is accepted as the act says and the act goes to the clinic',
        parameters: [idParam],
        requestBody: jsonBody(
          {
            type: 'object',
            properties: {
              expert: {
                type: 'object',
                required: ['name'],
                properties: { name: { type: 'string' }, snils: { type: 'string' } },
              },
            },
            additionalProperties: false,
          },
          false,
        ),
        responses: {
          '202': json('confirmed and sent to the clinic', ref('ActSent')),
          ...errors(400, 401, 404, 409, 422),
        },
      },
    },
    '/v1/expertise-acts/{id}/correct': {
      post: {
        operationId: 'correctExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'Answer a disputed act: a new draft that names the disputed act (correctsId when sent)',
        parameters: [idParam],
        responses: {
          '200': json('the corrected act’s draft, with the dispute it answers', ref('ActDraft')),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/v1/expertise-acts/{id}/dispute': {
      post: {
        operationId: 'disputeExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'Dispute lines of a received act (the clinic; {id} is the act’s ledger id)',
        description:
          'Each line with its reason: the act ends REJECTED on the ledger and the clinic’s record says DISPUTED; the ' +
          'insurer gets a v1 reply with decision DISPUTED and an error ACT_LINE_DISPUTED at /body/lines/<i> whose ' +
          'message is the reason (decision record 0041).',
        parameters: [idParam],
        requestBody: jsonBody(ref('ActDisputeRequest')),
        responses: {
          '200': json('disputed; the lines and reasons go to the insurer', ref('InboxRecord')),
          ...errors(400, 401, 404, 409),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
