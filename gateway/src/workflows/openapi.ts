// The edge workflows' operations (workflows/http.ts): coverage, guarantee letters, price lists and expertise acts;
// their shapes are declared in workflows/shapes.ts. Assembled into the gateway's document by api/openapi.ts; this
// module imports nothing back.
import { idParam, errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { IsoDate, Ogrn, componentSchemas, ref } from '../shapes/kit.js';
import { Decision, InboxRecord, Rejection } from '../node/types.js';
import {
  ActDisputeRequest,
  ActDraft,
  ActEdit,
  ActSent,
  CoverageAnswer,
  IssueLetter,
  LetterList,
  LetterSent,
  PriceListList,
  PriceListState,
  RosterPage,
  SendAct,
  workflowComponents,
} from './shapes.js';
import { careApi } from './care-openapi.js';
import { priorAuthApi } from './prior-auth-openapi.js';

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
    ...careApi.tags,
    ...priorAuthApi.tags,
  ],
  schemas: { ...componentSchemas(...workflowComponents), ...careApi.schemas, ...priorAuthApi.schemas },
  paths: {
    '/v1/coverage': {
      get: {
        operationId: 'checkCoverage',
        tags: ['coverage'],
        summary:
          'Is this person covered on this date, by whom and under which programme (from the local roster), and per service asked: covered, needs a guarantee letter or not, with the franchise and limits',
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
            schema: IsoDate(),
          },
          { name: 'date', in: 'query', schema: IsoDate() },
          {
            name: 'service',
            in: 'query',
            description:
              'Nomenclature (804н) codes of the services to answer for, one per parameter or separated by commas (at most 100): each gets covered / letter-required / not-covered, the franchise and the limits used and left; a malformed code is 400 SERVICE_CODE_FORMAT at /query/service/i',
            schema: {
              anyOf: [
                { type: 'string', minLength: 1, maxLength: 2600 },
                { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 24 } },
              ],
            },
          },
        ],
        responses: {
          '200': json(
            'covered or not, with the covering entries and an answer per service asked',
            ref(CoverageAnswer),
          ),
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
            schema: Ogrn(),
          },
          {
            name: 'q',
            in: 'query',
            description: 'part of the full name or of the policy number, any case',
            schema: { type: 'string', minLength: 1, maxLength: 100 },
          },
          { name: 'insurer', in: 'query', schema: Ogrn() },
          { name: 'programme', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 64 } },
          { name: 'date', in: 'query', description: 'only entries in force on this date', schema: IsoDate() },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          {
            name: 'cursor',
            in: 'query',
            description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
            schema: { type: 'string', maxLength: 1024 },
          },
        ],
        responses: { '200': json('a page of the roster', ref(RosterPage)), ...errors(400, 401, 403) },
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
          { name: 'clinic', in: 'query', schema: Ogrn() },
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['issued', 'amended', 'revoked'] } },
          { name: 'from', in: 'query', description: 'valid on or after this date', schema: IsoDate() },
          { name: 'to', in: 'query', description: 'valid on or before this date', schema: IsoDate() },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          {
            name: 'cursor',
            in: 'query',
            description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
            schema: { type: 'string', maxLength: 1024 },
          },
        ],
        responses: { '200': json('letters', ref(LetterList)), ...errors(400, 401) },
      },
      post: {
        operationId: 'issueGuaranteeLetter',
        tags: ['guarantee-letters'],
        summary: 'Issue a guarantee letter priced from the clinic’s accepted price list',
        requestBody: jsonBody(ref(IssueLetter)),
        responses: { '202': json('sent', ref(LetterSent)), ...errors(400, 401, 422) },
      },
    },
    '/v1/guarantee-letters/{number}/amend': {
      post: {
        operationId: 'amendGuaranteeLetter',
        tags: ['guarantee-letters'],
        summary: 'Send an amended version of a letter issued here',
        parameters: [numberParam],
        requestBody: jsonBody(ref(IssueLetter)),
        responses: { '202': json('amendment sent', ref(LetterSent)), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/guarantee-letters/{number}/revoke': {
      post: {
        operationId: 'revokeGuaranteeLetter',
        tags: ['guarantee-letters'],
        summary: 'Revoke a letter issued here',
        parameters: [numberParam],
        responses: { '202': json('revocation sent', ref(LetterSent)), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/price-lists': {
      get: {
        operationId: 'listPriceLists',
        tags: ['price-lists'],
        summary: 'Price lists received from a clinic and their state',
        parameters: [{ name: 'clinic', in: 'query', required: true, schema: Ogrn() }],
        responses: {
          '200': json('received price lists and their state', ref(PriceListList)),
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
        requestBody: jsonBody(ref(Decision), false),
        responses: { '200': json('accepted', ref(PriceListState)), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/price-lists/{id}/contest': {
      post: {
        operationId: 'contestPriceList',
        tags: ['price-lists'],
        summary: 'Contest a price list with row errors',
        parameters: [idParam],
        requestBody: jsonBody(ref(Rejection)),
        responses: { '200': json('contested', ref(PriceListState)), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/expertise-acts/{id}': {
      get: {
        operationId: 'getExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'The act (draft or sent) of an invoice',
        parameters: [idParam],
        responses: { '200': json('the act', ref(ActDraft)), ...errors(400, 401, 404) },
      },
      patch: {
        operationId: 'editExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'The expert’s changes to the draft, line by line',
        parameters: [idParam],
        requestBody: jsonBody(ref(ActEdit)),
        responses: { '200': json('the edited draft', ref(ActDraft)), ...errors(400, 401, 404, 409, 422) },
      },
    },
    '/v1/expertise-acts/{id}/send': {
      post: {
        operationId: 'sendExpertiseAct',
        tags: ['expertise-acts'],
        summary: 'Confirm the act: the invoice is accepted as the act says and the act goes to the clinic',
        parameters: [idParam],
        requestBody: jsonBody(SendAct, false),
        responses: {
          '202': json('confirmed and sent to the clinic', ref(ActSent)),
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
          '200': json('the corrected act’s draft, with the dispute it answers', ref(ActDraft)),
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
        requestBody: jsonBody(ref(ActDisputeRequest)),
        responses: {
          '200': json('disputed; the lines and reasons go to the insurer', ref(InboxRecord)),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    ...careApi.paths,
    ...priorAuthApi.paths,
  },
} as const satisfies OpenApiFragment;
