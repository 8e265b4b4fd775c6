// The guarantee-letter request operations (prior-auth-http.ts), merged into the workflows' part of the contract by
// openapi.ts.
import { errors, json, jsonBody } from '../http/openapi-kit.js';
import { Ogrn, componentSchemas, ref } from '../shapes/kit.js';
import {
  NewPriorAuthRequest,
  PriorAuthCase,
  PriorAuthCaseList,
  PriorAuthCertify,
  PriorAuthInformation,
  PriorAuthPend,
  PriorAuthRefuse,
  PriorAuthSent,
  priorAuthComponents,
} from './prior-auth-shapes.js';

const caseParams = [
  {
    name: 'clinic',
    in: 'path',
    required: true,
    description: 'the ОГРН of the clinic that asked',
    schema: Ogrn(),
  },
  { name: 'number', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } },
] as const;

const TAG = 'prior-auth-requests';
const STATES = '(submitted|pended|certified|not-certified|withdrawn)';

const step = (operationId: string, summary: string, body: object) => ({
  post: {
    operationId,
    tags: [TAG],
    summary,
    parameters: caseParams,
    requestBody: jsonBody(body),
    responses: { '202': json('sent', ref(PriorAuthSent)), ...errors(400, 401, 403, 404, 409, 422) },
  },
});

export const priorAuthApi = {
  tags: [
    {
      name: TAG,
      description:
        'Guarantee-letter requests (prior authorisation, X12 278 / Da Vinci PAS): the clinic asks, the payer issues a letter, refuses or pends (decision record 0054)',
    },
  ],
  schemas: componentSchemas(...priorAuthComponents),
  paths: {
    '/v1/prior-auth-requests': {
      get: {
        operationId: 'listPriorAuthRequests',
        tags: [TAG],
        summary:
          'Guarantee-letter requests held here, nearest deadline first; the payer’s queue, the clinic’s follow-up',
        parameters: [
          {
            name: 'state',
            in: 'query',
            description: 'one state or several, comma-separated (submitted,pended)',
            schema: { type: 'string', pattern: `^${STATES}(,${STATES})*$` },
          },
          {
            name: 'overdue',
            in: 'query',
            description: '`true`: only requests whose running clock is past its deadline',
            schema: { type: 'string', enum: ['true', 'false'] },
          },
          {
            name: 'counterparty',
            in: 'query',
            description: 'the payer (at a clinic) or the clinic (at a payer)',
            schema: Ogrn(),
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          {
            name: 'cursor',
            in: 'query',
            description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
            schema: { type: 'string', maxLength: 1024 },
          },
        ],
        responses: { '200': json('requests', ref(PriorAuthCaseList)), ...errors(400, 401, 403) },
      },
      post: {
        operationId: 'sendPriorAuthRequest',
        tags: [TAG],
        summary:
          'Ask a payer for a guarantee letter (a clinic): services priced from the accepted price list, the deadline from the urgency',
        requestBody: jsonBody(ref(NewPriorAuthRequest)),
        responses: { '202': json('sent', ref(PriorAuthSent)), ...errors(400, 401, 403, 409, 422) },
      },
    },
    '/v1/prior-auth-requests/{clinic}/{number}': {
      get: {
        operationId: 'getPriorAuthRequest',
        tags: [TAG],
        summary: 'One guarantee-letter request: its state, the latest version and answer, and its history',
        parameters: caseParams,
        responses: { '200': json('the request', ref(PriorAuthCase)), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/prior-auth-requests/{clinic}/{number}/information': step(
      'supplyPriorAuthInformation',
      'The clinic sends the information a pend asked for: a new version of the request',
      ref(PriorAuthInformation),
    ),
    '/v1/prior-auth-requests/{clinic}/{number}/withdraw': step(
      'withdrawPriorAuthRequest',
      'The clinic withdraws an open request with a reason',
      ref(PriorAuthRefuse),
    ),
    '/v1/prior-auth-requests/{clinic}/{number}/certify': step(
      'certifyPriorAuthRequest',
      'The payer issues the guarantee letter the request asks for (A1); the letter names the request',
      ref(PriorAuthCertify),
    ),
    '/v1/prior-auth-requests/{clinic}/{number}/refuse': step(
      'refusePriorAuthRequest',
      'The payer refuses the request with a reason (A3)',
      ref(PriorAuthRefuse),
    ),
    '/v1/prior-auth-requests/{clinic}/{number}/pend': step(
      'pendPriorAuthRequest',
      'The payer asks for more information by a date (A4)',
      ref(PriorAuthPend),
    ),
  },
} as const;
