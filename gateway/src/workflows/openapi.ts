// The edge workflows' operations (workflows/http.ts): coverage, guarantee letters, price lists and expertise acts;
// their shapes are declared in workflows/shapes.ts. Assembled into the gateway's document by api/openapi.ts; this
// module imports nothing back.
import { idParam, errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { componentSchemas, queryParameters, ref } from '../shapes/kit.js';
import { Decision, InboxRecord, Rejection } from '../node/types.js';
import {
  ActDisputeRequest,
  ActDraft,
  ActEdit,
  ActSent,
  CoverageAnswer,
  CoverageQuery,
  IssueLetter,
  LetterList,
  LetterQuery,
  LetterSent,
  PriceListList,
  PriceListQuery,
  PriceListState,
  RosterPage,
  RosterQuery,
  SendAct,
  workflowComponents,
} from './shapes.js';
import { careApi } from './care-openapi.js';
import { documentationApi } from './documentation-openapi.js';
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
    ...documentationApi.tags,
    ...priorAuthApi.tags,
  ],
  schemas: {
    ...componentSchemas(...workflowComponents),
    ...careApi.schemas,
    ...documentationApi.schemas,
    ...priorAuthApi.schemas,
  },
  paths: {
    '/v1/coverage': {
      get: {
        operationId: 'checkCoverage',
        tags: ['coverage'],
        summary:
          'Is this person covered on this date, by whom and under which programme (from the local roster), and per service asked: covered, needs a guarantee letter or not, with the franchise and limits',
        parameters: queryParameters(CoverageQuery),
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
        parameters: queryParameters(RosterQuery),
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
        parameters: queryParameters(LetterQuery),
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
        parameters: queryParameters(PriceListQuery),
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
    ...documentationApi.paths,
    ...priorAuthApi.paths,
  },
} as const satisfies OpenApiFragment;
