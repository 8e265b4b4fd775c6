// The governance router's part of the contract (governance/http.ts): the format registry over HTTP, as
// `dmsnet-format propose|vote|retire|status|list` use it. Assembled into the gateway's document by api/openapi.ts.
import { errors, json, jsonBody, ref, type OpenApiFragment } from '../http/openapi-kit.js';

const pv = [
  {
    name: 'type',
    in: 'path',
    required: true,
    description: 'a document type, e.g. insured-list',
    schema: { type: 'string', pattern: '^[a-z][a-z-]{0,63}$' },
  },
  {
    name: 'version',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[0-9A-Za-z.-]{1,32}$' },
  },
] as const;

export const governanceApi = {
  tags: [{ name: 'governance', description: 'The format registry: proposals, votes, retirement, schemas' }],
  schemas: {
    Proposal: {
      type: 'object',
      required: ['type', 'version', 'schemaText', 'effectiveFrom'],
      properties: {
        type: { type: 'string', pattern: '^[a-z][a-z-]{0,63}$' },
        version: { type: 'string', pattern: '^[0-9A-Za-z.-]{1,32}$' },
        schemaText: { type: 'string', description: 'the JSON Schema text; its SHA-256 is what is voted' },
        effectiveFrom: { type: 'string', format: 'date' },
      },
    },
    SchemaDiff: {
      type: 'object',
      description:
        'How a proposed version changes the schema of the version active now: breaking if a document valid today could be refused',
      required: ['type', 'version', 'breaking', 'changes'],
      properties: {
        type: { type: 'string' },
        version: { type: 'string' },
        against: {
          type: 'string',
          description: 'the active version compared with; absent when there is none',
        },
        breaking: { type: 'boolean' },
        changes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['pointer', 'kind', 'rule', 'message'],
            properties: {
              pointer: { type: 'string', description: 'JSON Pointer into the schema' },
              kind: { enum: ['breaking', 'compatible'] },
              rule: { type: 'string' },
              message: { type: 'string' },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
    Vote: {
      type: 'object',
      required: ['choice'],
      properties: { choice: { enum: ['yes', 'no'] } },
    },
  },
  paths: {
    '/v1/governance/proposals': {
      get: {
        operationId: 'listProposals',
        tags: ['governance'],
        summary: 'Every proposed format version with its state (schema texts left out)',
        responses: {
          '200': json('the versions', { type: 'array', items: ref('FormatVersion') }),
          ...errors(401),
        },
      },
      post: {
        operationId: 'proposeFormat',
        tags: ['governance'],
        summary: 'Propose a format version',
        requestBody: jsonBody(ref('Proposal')),
        responses: {
          '201': json('proposed', ref('FormatVersion')),
          ...errors(400, 401, 403, 409),
        },
      },
    },
    '/v1/governance/proposals/{type}/{version}': {
      get: {
        operationId: 'getProposal',
        tags: ['governance'],
        summary: 'A version’s state and votes',
        parameters: pv,
        responses: { '200': json('the version', ref('FormatVersion')), ...errors(400, 401, 404) },
      },
    },
    '/v1/governance/proposals/{type}/{version}/diff': {
      get: {
        operationId: 'diffProposal',
        tags: ['governance'],
        summary: 'Breaking and compatible changes of a version against the active version of its type',
        parameters: pv,
        responses: { '200': json('the changes', ref('SchemaDiff')), ...errors(400, 401, 404) },
      },
    },
    '/v1/governance/proposals/{type}/{version}/votes': {
      post: {
        operationId: 'voteOnProposal',
        tags: ['governance'],
        summary: 'Vote yes or no (one vote per member)',
        parameters: pv,
        requestBody: jsonBody(ref('Vote')),
        responses: {
          '200': json('the version after the vote', ref('FormatVersion')),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    '/v1/governance/proposals/{type}/{version}/retire': {
      post: {
        operationId: 'retireFormat',
        tags: ['governance'],
        summary: 'Retire a version (association only)',
        parameters: pv,
        responses: { '200': json('retired', ref('FormatVersion')), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/governance/schemas/{type}/{version}': {
      get: {
        operationId: 'getSchema',
        tags: ['governance'],
        summary: 'The schema text of a version',
        parameters: pv,
        responses: {
          '200': {
            description: 'the JSON Schema, byte for byte as proposed',
            content: { 'application/schema+json': { schema: { type: 'object' } } },
          },
          ...errors(400, 401, 404),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
