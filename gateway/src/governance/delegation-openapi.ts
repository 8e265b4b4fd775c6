// The delegation operations (governance/delegation-http.ts; shapes in delegation-shapes.ts), assembled by
// api/openapi.ts.
import { errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { componentSchemas, Ogrn, queryParameters, ref } from '../shapes/kit.js';
import {
  Delegation,
  DelegationList,
  DelegationQuery,
  DelegationTerms,
  delegationComponents,
  OnBehalfPage,
  OnBehalfQuery,
  RevokeDelegation,
} from './delegation-shapes.js';

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'the delegation’s id (the insurer’s own number)',
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
} as const;

export const delegationApi = {
  tags: [
    {
      name: 'delegations',
      description: 'Insurers’ delegations to assistance companies, and what was done in an insurer’s name',
    },
  ],
  schemas: componentSchemas(...delegationComponents),
  paths: {
    '/v1/delegations': {
      post: {
        operationId: 'delegate',
        tags: ['delegations'],
        summary: 'An insurer delegates to an assistance company (or changes a delegation under the same id)',
        description:
          'Refused with 403 DELEGATION_NOT_PRINCIPAL when this node is not an active insurer, 422 ' +
          'DELEGATION_AGENT_INVALID (pointer /agent) when the agent is not an assistance company, 409 ' +
          'DELEGATION_REVOKED for a revoked id, and 422 INVALID_ARGUMENT naming the field otherwise.',
        requestBody: jsonBody(ref(DelegationTerms)),
        responses: { '201': json('recorded', ref(Delegation)), ...errors(400, 401, 403, 409, 422) },
      },
      get: {
        operationId: 'listDelegations',
        tags: ['delegations'],
        summary: 'The delegations a party gave or holds (in force now unless inForce=false)',
        parameters: queryParameters(DelegationQuery),
        responses: { '200': json('the delegations', ref(DelegationList)), ...errors(400, 401) },
      },
    },
    '/v1/delegations/{id}/revoke': {
      post: {
        operationId: 'revokeDelegation',
        tags: ['delegations'],
        summary: 'The insurer revokes one of its delegations, saying why; it ends now, for good',
        parameters: [idParam],
        requestBody: jsonBody(ref(RevokeDelegation)),
        responses: { '200': json('revoked', ref(Delegation)), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/delegations/{principal}/{id}/history': {
      get: {
        operationId: 'delegationHistory',
        tags: ['delegations'],
        summary: 'Every version a delegation has had, oldest first (its trail on the ledger)',
        parameters: [
          {
            name: 'principal',
            in: 'path',
            required: true,
            description: 'the insurer’s ОГРН',
            schema: Ogrn(),
          },
          idParam,
        ],
        responses: { '200': json('the trail', ref(DelegationList)), ...errors(400, 401, 404) },
      },
    },
    '/v1/on-behalf': {
      get: {
        operationId: 'listOnBehalf',
        tags: ['delegations'],
        summary:
          'For an insurer: the ledger envelopes of documents sent or received in its name (no content is read)',
        parameters: queryParameters(OnBehalfQuery),
        responses: { '200': json('a page of envelopes', ref(OnBehalfPage)), ...errors(400, 401, 403) },
      },
    },
  },
} as const satisfies OpenApiFragment;
