// The governance router's operations (governance/http.ts; shapes in governance/shapes.ts): the format registry over
// HTTP, as `dmsnet-format propose|vote|retire|status|list` use it. Assembled into the document by api/openapi.ts.
import { errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { componentSchemas, OpenObject, ref, Type } from '../shapes/kit.js';
import { formatVersionParams, FormatVersion, Proposal, SchemaDiff, Vote } from './shapes.js';

export const governanceApi = {
  tags: [{ name: 'governance', description: 'The format registry: proposals, votes, retirement, schemas' }],
  schemas: componentSchemas(Proposal, SchemaDiff, Vote),
  paths: {
    '/v1/governance/proposals': {
      get: {
        operationId: 'listProposals',
        tags: ['governance'],
        summary: 'Every proposed format version with its state (schema texts left out)',
        responses: {
          '200': json('the versions', Type.Array(ref(FormatVersion))),
          ...errors(401),
        },
      },
      post: {
        operationId: 'proposeFormat',
        tags: ['governance'],
        summary: 'Propose a format version',
        requestBody: jsonBody(ref(Proposal)),
        responses: {
          '201': json('proposed', ref(FormatVersion)),
          ...errors(400, 401, 403, 409),
        },
      },
    },
    '/v1/governance/proposals/{type}/{version}': {
      get: {
        operationId: 'getProposal',
        tags: ['governance'],
        summary: 'A version’s state and votes',
        parameters: formatVersionParams,
        responses: { '200': json('the version', ref(FormatVersion)), ...errors(400, 401, 404) },
      },
    },
    '/v1/governance/proposals/{type}/{version}/diff': {
      get: {
        operationId: 'diffProposal',
        tags: ['governance'],
        summary: 'Breaking and compatible changes of a version against the active version of its type',
        parameters: formatVersionParams,
        responses: { '200': json('the changes', ref(SchemaDiff)), ...errors(400, 401, 404) },
      },
    },
    '/v1/governance/proposals/{type}/{version}/votes': {
      post: {
        operationId: 'voteOnProposal',
        tags: ['governance'],
        summary: 'Vote yes or no (one vote per member)',
        parameters: formatVersionParams,
        requestBody: jsonBody(ref(Vote)),
        responses: {
          '200': json('the version after the vote', ref(FormatVersion)),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    '/v1/governance/proposals/{type}/{version}/retire': {
      post: {
        operationId: 'retireFormat',
        tags: ['governance'],
        summary: 'Retire a version (association only)',
        parameters: formatVersionParams,
        responses: { '200': json('retired', ref(FormatVersion)), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/governance/schemas/{type}/{version}': {
      get: {
        operationId: 'getSchema',
        tags: ['governance'],
        summary: 'The schema text of a version',
        parameters: formatVersionParams,
        responses: {
          '200': {
            description: 'the JSON Schema, byte for byte as proposed',
            content: { 'application/schema+json': { schema: OpenObject() } },
          },
          ...errors(400, 401, 404),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
