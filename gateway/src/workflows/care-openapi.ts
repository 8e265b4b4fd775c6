// The care-request operations (care-http.ts), merged into the workflows' part of the contract by openapi.ts.
import { errors, json, jsonBody } from '../http/openapi-kit.js';
import { Ogrn, componentSchemas, queryParameters, ref } from '../shapes/kit.js';
import {
  CareBooking,
  CareCase,
  CareCaseList,
  CareClose,
  CareQuery,
  CareReason,
  CareRequestChange,
  CareSent,
  NewCareRequest,
  careComponents,
} from './care-shapes.js';

const caseParams = [
  {
    name: 'payer',
    in: 'path',
    required: true,
    description: 'the ОГРН of the insurer or assistance company that asked',
    schema: Ogrn(),
  },
  { name: 'number', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } },
] as const;

const step = (operationId: string, summary: string, body: object) => ({
  post: {
    operationId,
    tags: ['care-requests'],
    summary,
    parameters: caseParams,
    requestBody: jsonBody(body),
    responses: { '202': json('sent', ref(CareSent)), ...errors(400, 401, 403, 404, 409, 422) },
  },
});

export const careApi = {
  tags: [
    {
      name: 'care-requests',
      description:
        'Care requests and appointments: the payer asks, the clinic books or declines (decision record 0047)',
    },
  ],
  schemas: componentSchemas(...careComponents),
  paths: {
    '/v1/care-requests': {
      get: {
        operationId: 'listCareRequests',
        tags: ['care-requests'],
        summary: 'Care cases held here, nearest deadline first; the clinic’s queue, the payer’s follow-up',
        parameters: queryParameters(CareQuery),
        responses: { '200': json('care cases', ref(CareCaseList)), ...errors(400, 401, 403) },
      },
      post: {
        operationId: 'sendCareRequest',
        tags: ['care-requests'],
        summary:
          'Ask a clinic to organise care (an insurer or assistance company); the deadline follows the urgency',
        requestBody: jsonBody(ref(NewCareRequest)),
        responses: { '202': json('sent', ref(CareSent)), ...errors(400, 401, 403, 409, 422) },
      },
    },
    '/v1/care-requests/{payer}/{number}': {
      get: {
        operationId: 'getCareRequest',
        tags: ['care-requests'],
        summary: 'One care case: its state, the latest request and answer, and its history',
        parameters: caseParams,
        responses: { '200': json('the case', ref(CareCase)), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/care-requests/{payer}/{number}/change': step(
      'changeCareRequest',
      'The payer’s new wishes for an open case (dates, services, urgency): a new version of the request',
      ref(CareRequestChange),
    ),
    '/v1/care-requests/{payer}/{number}/cancel': step(
      'cancelCareRequest',
      'Cancel an open case with a reason (either side: the payer revokes the request, the clinic cancels its answer)',
      ref(CareReason),
    ),
    '/v1/care-requests/{payer}/{number}/book': step(
      'bookCareRequest',
      'The clinic gives a slot, or moves the one it gave: date and time, doctor, address, what to bring',
      ref(CareBooking),
    ),
    '/v1/care-requests/{payer}/{number}/decline': step(
      'declineCareRequest',
      'The clinic refuses the request with a reason',
      ref(CareReason),
    ),
    '/v1/care-requests/{payer}/{number}/close': step(
      'closeCareRequest',
      'The clinic closes a booked case: the patient came (fulfilled) or did not (noshow)',
      ref(CareClose),
    ),
  },
} as const;
