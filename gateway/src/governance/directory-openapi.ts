// The directory's administration over HTTP (governance/directory-http.ts; shapes in governance/shapes.ts): what
// the association does to the participant directory and the voting rules, and a node's rotation of its own keys.
// Assembled by api/openapi.ts.
import { errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { componentSchemas, Ogrn, ref } from '../shapes/kit.js';
import { KeyVersion, Participant, Registration, VotingRules } from './shapes.js';

const idParam = [
  { name: 'id', in: 'path', required: true, description: 'the participant’s ОГРН', schema: Ogrn() },
] as const;

export const directoryApi = {
  tags: [
    {
      name: 'directory-admin',
      description: 'The association registers, suspends and resumes participants and sets the voting rules',
    },
  ],
  schemas: componentSchemas(Registration, VotingRules, KeyVersion),
  paths: {
    '/v1/governance/participants': {
      post: {
        operationId: 'registerParticipant',
        tags: ['directory-admin'],
        summary: 'Register a participant (the association; the very first registration founds the network)',
        requestBody: jsonBody(ref(Registration)),
        responses: {
          '201': json('registered', ref(Participant)),
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
        responses: { '200': json('suspended', ref(Participant)), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/governance/participants/{id}/resume': {
      post: {
        operationId: 'resumeParticipant',
        tags: ['directory-admin'],
        summary: 'Resume a suspended participant',
        parameters: idParam,
        responses: { '200': json('active again', ref(Participant)), ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/governance/rules': {
      get: {
        operationId: 'getVotingRules',
        tags: ['directory-admin'],
        summary: 'The voting rules on format versions',
        responses: { '200': json('the rules', ref(VotingRules)), ...errors(401, 404) },
      },
      put: {
        operationId: 'setVotingRules',
        tags: ['directory-admin'],
        summary: 'Set who votes on format versions and the quorum (the association)',
        requestBody: jsonBody(ref(VotingRules)),
        responses: { '200': json('the rules now', ref(VotingRules)), ...errors(400, 401, 403) },
      },
    },
    '/v1/keys/rotate': {
      post: {
        operationId: 'rotateKeys',
        tags: ['directory-admin'],
        summary:
          'Replace this node’s box and signing keys: the directory records the next version; documents sealed to earlier keys still open here',
        responses: {
          '200': json('the new version as the directory recorded it', ref(KeyVersion)),
          ...errors(401, 403, 409),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
