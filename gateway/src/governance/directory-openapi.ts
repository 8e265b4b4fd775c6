// The directory's administration over HTTP (governance/directory-http.ts): what the association does to the
// participant directory and the voting rules, and a node's rotation of its own keys. Assembled by api/openapi.ts.
import { errors, json, jsonBody, OGRN, ref, type OpenApiFragment } from '../http/openapi-kit.js';

const ROLE = { enum: ['insurer', 'clinic', 'assistance', 'association'] } as const;
const KEY = {
  type: 'string',
  pattern: '^[A-Za-z0-9+/]{43}=$',
  description: 'a 32-byte public key, standard base64',
} as const;
const idParam = [
  { name: 'id', in: 'path', required: true, description: 'the participant’s ОГРН', schema: OGRN },
] as const;

export const directoryApi = {
  tags: [
    {
      name: 'directory-admin',
      description: 'The association registers, suspends and resumes participants and sets the voting rules',
    },
  ],
  schemas: {
    Registration: {
      type: 'object',
      description:
        'A participant to register: what `dmsnet-node registration` writes at the newcomer’s node (no private key).',
      required: ['id', 'role', 'name', 'identities', 'keys'],
      properties: {
        id: OGRN,
        role: ROLE,
        name: { type: 'string', minLength: 1, maxLength: 500 },
        inn: { type: 'string', pattern: '^([0-9]{10}|[0-9]{12})$' },
        identities: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          description:
            'The Fabric identities that act for it: a certificate, or (a clinic under a host organisation) any certificate of that MSP carrying the participant attribute',
          items: {
            oneOf: [
              {
                type: 'object',
                required: ['mspId', 'kind', 'certificate'],
                properties: {
                  mspId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
                  kind: { const: 'certificate' },
                  certificate: { type: 'string', pattern: 'BEGIN CERTIFICATE', maxLength: 20000 },
                },
                additionalProperties: false,
              },
              {
                type: 'object',
                required: ['mspId', 'kind'],
                properties: {
                  mspId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
                  kind: { const: 'attribute' },
                },
                additionalProperties: false,
              },
            ],
          },
        },
        keys: {
          type: 'object',
          required: ['x25519', 'ed25519'],
          properties: { x25519: KEY, ed25519: KEY },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    VotingRules: {
      type: 'object',
      description: 'Who votes on format versions and the share of them whose yes approves one',
      required: ['voterRoles', 'quorum'],
      properties: {
        voterRoles: { type: 'array', minItems: 1, uniqueItems: true, items: ROLE },
        quorum: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      },
      additionalProperties: false,
    },
    KeyVersion: {
      type: 'object',
      description: 'A version of a participant’s public keys as the directory records it',
      required: ['version', 'x25519', 'ed25519'],
      properties: {
        version: { type: 'integer', minimum: 1 },
        x25519: { type: 'string' },
        ed25519: { type: 'string' },
        validFrom: { type: 'string' },
        txId: { type: 'string' },
      },
      additionalProperties: false,
    },
  },
  paths: {
    '/v1/governance/participants': {
      post: {
        operationId: 'registerParticipant',
        tags: ['directory-admin'],
        summary: 'Register a participant (the association; the very first registration founds the network)',
        requestBody: jsonBody(ref('Registration')),
        responses: {
          '201': json('registered', ref('Participant')),
          ...errors(400, 401, 403, 409),
        },
      },
    },
    '/v1/governance/participants/{id}/suspend': {
      post: {
        operationId: 'suspendParticipant',
        tags: ['directory-admin'],
        summary: 'Suspend a participant: nothing is sent to or by it until it is resumed',
        parameters: idParam,
        responses: { '200': json('suspended', ref('Participant')), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/governance/participants/{id}/resume': {
      post: {
        operationId: 'resumeParticipant',
        tags: ['directory-admin'],
        summary: 'Resume a suspended participant',
        parameters: idParam,
        responses: { '200': json('active again', ref('Participant')), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/governance/rules': {
      get: {
        operationId: 'getVotingRules',
        tags: ['directory-admin'],
        summary: 'The voting rules on format versions',
        responses: { '200': json('the rules', ref('VotingRules')), ...errors(401, 404) },
      },
      put: {
        operationId: 'setVotingRules',
        tags: ['directory-admin'],
        summary: 'Set who votes on format versions and the quorum (the association)',
        requestBody: jsonBody(ref('VotingRules')),
        responses: { '200': json('the rules now', ref('VotingRules')), ...errors(400, 401, 403) },
      },
    },
    '/v1/keys/rotate': {
      post: {
        operationId: 'rotateKeys',
        tags: ['directory-admin'],
        summary:
          'Replace this node’s box and signing keys: the directory records the next version; documents sealed to earlier keys still open here',
        responses: {
          '200': json('the new version as the directory recorded it', ref('KeyVersion')),
          ...errors(401, 403, 409),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
