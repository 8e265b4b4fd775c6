// The mail bridge's part of the API contract (mail/http.ts): the address book of correspondents and held mail.
// Assembled by api/openapi.ts.
import { errors, json, jsonBody, OGRN, ref, type OpenApiFragment } from '../http/openapi-kit.js';

const EMAIL = { type: 'string', maxLength: 254, description: 'an e-mail address' } as const;
const SHA256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

const correspondentInput = {
  type: 'object',
  required: ['ogrn', 'inn', 'name', 'role', 'addresses', 'mappings'],
  properties: {
    ogrn: OGRN,
    inn: { type: 'string', pattern: '^([0-9]{10}|[0-9]{12})$' },
    name: { type: 'string', minLength: 1, maxLength: 500 },
    role: { enum: ['clinic', 'insurer', 'assistance'] },
    addresses: { type: 'array', minItems: 1, maxItems: 50, items: EMAIL },
    mappings: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: {
        type: 'object',
        required: ['match', 'mapping'],
        properties: {
          match: {
            type: 'string',
            minLength: 1,
            description: 'a regular expression on the attachment’s name',
          },
          mapping: {
            type: 'string',
            minLength: 1,
            description: 'a bundled mapping’s name or a mapping file',
          },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

export const mailApi = {
  tags: [
    {
      name: 'mail',
      description:
        'The mail bridge: correspondents not on the network, and mail held for a person (decision 0042)',
    },
  ],
  schemas: {
    CorrespondentInput: correspondentInput,
    Correspondent: {
      ...correspondentInput,
      required: [...correspondentInput.required, 'addedAt'],
      properties: { ...correspondentInput.properties, addedAt: { type: 'string', format: 'date-time' } },
    },
    EmailOrigin: {
      type: 'object',
      description: 'How a document came by e-mail from a correspondent not on the network',
      required: ['messageId', 'from', 'authenticationResults', 'admittedBy', 'attachment'],
      properties: {
        messageId: {
          type: 'string',
          description: 'the Message-ID, or sha256:<hex> of a message without one',
        },
        from: EMAIL,
        subject: { type: 'string' },
        authenticationResults: {
          type: 'array',
          items: { type: 'string' },
          description: 'the Authentication-Results headers the node’s own mail server added',
        },
        admittedBy: { type: 'string', description: 'the pass that let it in, or who released it' },
        attachment: {
          type: 'object',
          required: ['name', 'sha256'],
          properties: { name: { type: 'string' }, sha256: SHA256 },
          additionalProperties: false,
        },
        fileRows: { type: 'array', items: { type: ['integer', 'null'] } },
      },
      additionalProperties: false,
    },
    HeldMail: {
      type: 'object',
      required: ['id', 'key', 'code', 'reason', 'at', 'size'],
      properties: {
        id: { type: 'string' },
        key: { type: 'string' },
        code: { type: 'string', description: 'MAIL_NOT_AUTHENTICATED, MAIL_SENDER_UNKNOWN, MAIL_MALFORMED' },
        reason: { type: 'string' },
        at: { type: 'string', format: 'date-time' },
        size: { type: 'integer', minimum: 0 },
        messageId: { type: 'string' },
        from: EMAIL,
        subject: { type: 'string' },
        text: { type: 'string', maxLength: 4000 },
      },
      additionalProperties: false,
    },
    MailOutcome: {
      type: 'object',
      required: ['outcome', 'key'],
      properties: {
        outcome: { enum: ['imported', 'answered', 'held', 'duplicate'] },
        key: { type: 'string' },
        documents: { type: 'array', items: { type: 'string' } },
        answered: { type: 'boolean' },
        code: { type: 'string' },
        heldId: { type: 'string' },
        reason: { type: 'string' },
      },
      additionalProperties: false,
    },
  },
  paths: {
    '/v1/mail/correspondents': {
      get: {
        operationId: 'listCorrespondents',
        tags: ['mail'],
        summary:
          'The address book: who may send documents by e-mail, and which mapping reads which attachment',
        responses: {
          '200': json('the correspondents', {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('Correspondent') } },
            additionalProperties: false,
          }),
          ...errors(401, 403, 404),
        },
      },
      post: {
        operationId: 'addCorrespondent',
        tags: ['mail'],
        summary: 'Add or replace a correspondent (the admin)',
        requestBody: jsonBody(ref('CorrespondentInput')),
        responses: { '201': json('added', ref('Correspondent')), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    '/v1/mail/correspondents/{ogrn}': {
      delete: {
        operationId: 'removeCorrespondent',
        tags: ['mail'],
        summary: 'Remove a correspondent (the admin)',
        parameters: [{ name: 'ogrn', in: 'path', required: true, description: 'its ОГРН', schema: OGRN }],
        responses: { '204': { description: 'removed' }, ...errors(400, 401, 403, 404) },
      },
    },
    '/v1/mail/held': {
      get: {
        operationId: 'listHeldMail',
        tags: ['mail'],
        summary: 'Mail held for a person: not authenticated, from an unknown address, or unreadable',
        responses: {
          '200': json('the held messages, oldest first', {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('HeldMail') } },
            additionalProperties: false,
          }),
          ...errors(401, 403, 404),
        },
      },
    },
    '/v1/mail/held/{id}/release': {
      post: {
        operationId: 'releaseHeldMail',
        tags: ['mail'],
        summary:
          'Let a held message in, as if its sender were authenticated; the document records who released it',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'the held message',
            schema: { type: 'string' },
          },
        ],
        responses: { '200': json('what became of it', ref('MailOutcome')), ...errors(401, 403, 404) },
      },
    },
  },
} satisfies OpenApiFragment;
