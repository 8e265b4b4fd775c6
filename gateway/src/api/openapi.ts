// The API's contract. Requests are validated against these very schemas (validate.ts), so the document cannot drift.
const fieldError = {
  type: 'object',
  required: ['pointer', 'code', 'message'],
  properties: {
    pointer: { type: 'string', maxLength: 1024 },
    code: { type: 'string', pattern: '^[A-Z0-9_]{1,64}$' },
    message: { type: 'string', maxLength: 2000 },
  },
  additionalProperties: false,
};

const error = {
  type: 'object',
  required: ['code', 'message', 'errors'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
  },
};

const listParams = [
  { name: 'type', in: 'query', schema: { type: 'string', maxLength: 64 } },
  { name: 'status', in: 'query', schema: { type: 'string', pattern: '^[A-Z]{1,20}$' } },
  { name: 'order', in: 'query', schema: { enum: ['asc', 'desc'] } },
  { name: 'counterparty', in: 'query', schema: { type: 'string', pattern: '^[0-9]{13}([0-9]{2})?$' } },
  { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
  { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
  { name: 'cursor', in: 'query', schema: { type: 'string', maxLength: 1024 } },
];

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );

const ok = (description: string) => ({ description, content: { 'application/json': { schema: {} } } });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'dmsnet gateway',
    version: '1.0.0',
    description:
      'A participant’s node: send shared-format documents, read what arrived, answer it, follow notifications.',
  },
  servers: [{ url: 'http://127.0.0.1' }],
  security: [{ bearer: [] }, { session: [] }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie', name: 'dmsnet_session' },
    },
    schemas: {
      FieldError: fieldError,
      Error: error,
      Document: {
        type: 'object',
        required: ['header', 'body'],
        properties: { header: { type: 'object' }, body: { type: 'object' } },
        description: 'A document in the shared format; the node validates it against the active format.',
      },
      Decision: {
        type: 'object',
        properties: { comment: { type: 'string', maxLength: 2000 } },
        additionalProperties: false,
      },
      Rejection: {
        type: 'object',
        required: ['errors'],
        properties: {
          errors: {
            type: 'array',
            minItems: 1,
            maxItems: 10000,
            items: { $ref: '#/components/schemas/FieldError' },
          },
          comment: { type: 'string', maxLength: 2000 },
          decision: { enum: ['REJECTED', 'DISPUTED', 'CONTESTED'] },
        },
        additionalProperties: false,
      },
      IssueLetter: {
        type: 'object',
        required: ['clinic', 'letterNumber', 'patient', 'validity', 'amountLimit', 'services'],
        properties: {
          clinic: { type: 'string', pattern: '^[0-9]{13}([0-9]{2})?$' },
          letterNumber: { type: 'string', minLength: 1, maxLength: 64 },
          patient: {
            type: 'object',
            required: ['lastName', 'firstName', 'birthDate', 'sex', 'policyNumber'],
            properties: { birthDate: { type: 'string', format: 'date' } },
          },
          programme: { type: 'object', required: ['code', 'name'] },
          validity: {
            type: 'object',
            required: ['from', 'to'],
            properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } },
          },
          amountLimit: { type: 'integer', minimum: 0 },
          services: {
            type: 'array',
            minItems: 1,
            maxItems: 200,
            items: {
              type: 'object',
              required: ['serviceCode', 'quantity'],
              properties: {
                serviceCode: { type: 'string', maxLength: 32 },
                quantity: { type: 'integer', minimum: 1 },
              },
              additionalProperties: false,
            },
          },
          diagnosis: { type: 'string', maxLength: 16 },
          reason: { type: 'string', maxLength: 2000 },
        },
        additionalProperties: false,
      },
      ActEdit: {
        type: 'object',
        required: ['lines'],
        properties: {
          lines: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['invoiceLineId', 'decision'],
              properties: {
                invoiceLineId: { type: 'string', maxLength: 64 },
                decision: { enum: ['PAID', 'WITHHELD'] },
                paidAmount: { type: 'integer', minimum: 0 },
                defectCode: { type: 'string', pattern: '^[0-9]{1,2}(\\.[0-9]{1,2}){1,2}$' },
                reason: { type: 'string', maxLength: 2000 },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      WebhookRegistration: {
        type: 'object',
        required: ['url'],
        properties: {
          url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 },
          secret: { type: 'string', minLength: 16, maxLength: 256 },
          events: {
            type: 'array',
            items: { enum: ['document.received', 'document.rejected', 'status.changed'] },
            uniqueItems: true,
          },
        },
        additionalProperties: false,
      },
    },
  },
  paths: {
    '/v1/health': { get: { security: [], responses: { '200': ok('the node is up') } } },
    '/v1/openapi.json': { get: { security: [], responses: { '200': ok('this document') } } },
    '/v1/documents': {
      post: {
        summary: 'Send a document to the addressee named in its header',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Document' } } },
        },
        responses: {
          '202': ok('stored in the outbox; sent in the background'),
          ...errors(400, 401, 409, 413, 415, 422),
        },
      },
    },
    '/v1/documents/{id}': {
      get: {
        summary: 'One document, opened, with its status trail',
        parameters: [idParam],
        responses: {
          '200': ok('the document'),
          '410': ok('purged: the hash and the status trail remain, the content is gone'),
          ...errors(401, 404),
        },
      },
    },
    '/v1/documents/{id}/purge': {
      post: {
        summary: 'Destroy this node’s copies of a document (and, as its addressee, the ledger’s ciphertext)',
        parameters: [idParam],
        responses: { '200': ok('the record, with purgedAt'), ...errors(401, 404, 409) },
      },
    },
    '/v1/outbox': {
      get: { parameters: listParams, responses: { '200': ok('a page'), ...errors(400, 401) } },
    },
    '/v1/inbox': { get: { parameters: listParams, responses: { '200': ok('a page'), ...errors(400, 401) } } },
    '/v1/inbox/{id}/accept': {
      post: {
        parameters: [idParam],
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Decision' } } },
        },
        responses: { '200': ok('accepted'), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/inbox/{id}/reject': {
      post: {
        parameters: [idParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Rejection' } } },
        },
        responses: {
          '200': ok('rejected; the errors go back to the sender as an encrypted reply'),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/v1/participants': {
      get: {
        parameters: listParams.filter((p) => p.name === 'limit' || p.name === 'cursor'),
        responses: { '200': ok('the directory'), ...errors(401) },
      },
    },
    '/v1/participants/{id}': {
      get: {
        parameters: [{ ...idParam, schema: { type: 'string', pattern: '^[0-9]{13}([0-9]{2})?$' } }],
        responses: { '200': ok('one participant'), ...errors(400, 401, 404) },
      },
    },
    '/v1/formats': { get: { responses: { '200': ok('the active format versions'), ...errors(401) } } },
    '/v1/webhooks': {
      get: { responses: { '200': ok('registered webhooks'), ...errors(401) } },
      post: {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookRegistration' } } },
        },
        responses: { '201': ok('registered; the response holds the signing secret'), ...errors(400, 401) },
      },
    },
    '/v1/webhooks/{id}': {
      delete: {
        parameters: [idParam],
        responses: { '204': { description: 'removed' }, ...errors(401, 404) },
      },
    },
    '/v1/webhooks/{id}/deliveries': {
      get: { parameters: [idParam], responses: { '200': ok('the delivery log'), ...errors(401, 404) } },
    },
    '/v1/coverage': {
      get: {
        summary:
          'Is this person covered on this date, by whom and under which programme (from the local roster)',
        parameters: [
          { name: 'policy', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 64 } },
          { name: 'lastName', in: 'query', schema: { type: 'string', maxLength: 100 } },
          { name: 'firstName', in: 'query', schema: { type: 'string', maxLength: 100 } },
          { name: 'middleName', in: 'query', schema: { type: 'string', maxLength: 100 } },
          { name: 'birthDate', in: 'query', schema: { type: 'string', format: 'date' } },
          { name: 'date', in: 'query', schema: { type: 'string', format: 'date' } },
        ],
        responses: { '200': ok('covered or not, with the covering entries'), ...errors(400, 401) },
      },
    },
    '/v1/guarantee-letters': {
      get: {
        summary: 'Current state of the guarantee letters of a patient',
        parameters: [
          {
            name: 'policy',
            in: 'query',
            required: true,
            schema: { type: 'string', minLength: 1, maxLength: 64 },
          },
        ],
        responses: { '200': ok('letters'), ...errors(400, 401) },
      },
      post: {
        summary: 'Issue a guarantee letter priced from the clinic’s accepted price list',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/IssueLetter' } } },
        },
        responses: { '202': ok('sent'), ...errors(400, 401, 422) },
      },
    },
    '/v1/guarantee-letters/{number}/amend': {
      post: {
        parameters: [
          { name: 'number', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/IssueLetter' } } },
        },
        responses: { '202': ok('amendment sent'), ...errors(400, 401, 404, 422) },
      },
    },
    '/v1/guarantee-letters/{number}/revoke': {
      post: {
        parameters: [
          { name: 'number', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } },
        ],
        responses: { '202': ok('revocation sent'), ...errors(401, 404) },
      },
    },
    '/v1/price-lists': {
      get: {
        parameters: [
          {
            name: 'clinic',
            in: 'query',
            required: true,
            schema: { type: 'string', pattern: '^[0-9]{13}([0-9]{2})?$' },
          },
        ],
        responses: { '200': ok('received price lists and their state'), ...errors(400, 401) },
      },
    },
    '/v1/price-lists/{id}/accept': {
      post: {
        parameters: [idParam],
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Decision' } } },
        },
        responses: { '200': ok('accepted: it prices lines of its dates'), ...errors(400, 401, 404) },
      },
    },
    '/v1/price-lists/{id}/contest': {
      post: {
        parameters: [idParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Rejection' } } },
        },
        responses: { '200': ok('contested'), ...errors(400, 401, 404) },
      },
    },
    '/v1/expertise-acts/{id}': {
      get: {
        parameters: [idParam],
        responses: { '200': ok('the act (draft or sent) for an invoice'), ...errors(401, 404) },
      },
      patch: {
        parameters: [idParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ActEdit' } } },
        },
        responses: { '200': ok('the edited draft'), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/expertise-acts/{id}/send': {
      post: {
        parameters: [idParam],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { expert: { type: 'object', required: ['name'] } },
                additionalProperties: false,
              },
            },
          },
        },
        responses: { '202': ok('confirmed and sent to the clinic'), ...errors(400, 401, 404, 409, 422) },
      },
    },
    '/v1/session': {
      post: {
        summary:
          'Log a person in: sets the HttpOnly SameSite=Strict session cookie and answers the CSRF token to send as X-CSRF-Token on every state-changing request',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['username', 'password'],
                properties: { username: { type: 'string' }, password: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          '200': ok('the person, role, allowed operations and CSRF token'),
          ...errors(400, 401, 429),
        },
      },
      get: {
        summary: 'The logged-in person and the CSRF token',
        responses: { '200': ok('me'), ...errors(401) },
      },
      delete: {
        summary: 'Log out (needs X-CSRF-Token)',
        responses: { '204': { description: 'logged out' } },
      },
    },
    '/v1/users': {
      get: {
        summary: 'The node’s accounts (role admin)',
        responses: { '200': ok('users'), ...errors(401, 403) },
      },
      post: {
        summary: 'Add an account: username, fullName, role, password',
        responses: { '201': ok('the user, without its hash'), ...errors(401, 403, 409, 422) },
      },
    },
    '/v1/users/{username}/disable': {
      post: {
        summary: 'Disable an account; its sessions end',
        responses: { '200': ok('the user'), ...errors(404) },
      },
    },
    '/v1/users/{username}/password': {
      post: {
        summary: 'Set a new password; the sessions end',
        responses: { '200': ok('the user'), ...errors(404) },
      },
    },
    '/v1/imports/mappings': {
      get: { summary: 'The bundled CSV/XLSX mappings', responses: { '200': ok('mappings'), ...errors(401) } },
    },
    '/v1/imports/preview': {
      post: {
        summary:
          'Convert a file (base64 `content`) with a bundled `mapping` for an `addressee` and validate it; sends nothing',
        responses: {
          '200': ok('the document and every error at its row and column'),
          ...errors(400, 401, 403),
        },
      },
    },
    '/v1/events': {
      get: {
        summary: 'Server-sent events of the notifications; Last-Event-ID replays from the durable log',
        parameters: [
          { name: 'Last-Event-ID', in: 'header', schema: { type: 'string', pattern: '^[0-9]{1,12}$' } },
          { name: 'since', in: 'query', schema: { enum: ['now'] } },
        ],
        responses: { '200': { description: 'text/event-stream' }, ...errors(401) },
      },
    },
  },
} as const;

export type OpenApiDocument = typeof openApiDocument;
