// The core router's part of the contract (api/server.ts): documents, inbox and outbox, directory, formats,
// webhooks and events. Requests are validated against these very schemas (validate.ts); the HTTP tests validate
// every response against them.
import {
  DATE_TIME,
  idParam,
  OGRN,
  SHA256_HEX,
  errors,
  items,
  json,
  jsonBody,
  page,
  ref,
  type OpenApiFragment,
} from '../http/openapi-kit.js';

/** A row error a caller sends (a rejection's errors): stable upper-case codes. */
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

/** A broken rule as the node reports it: where (JSON Pointer), which rule (rule or schema keyword), why. */
const errorItem = {
  type: 'object',
  required: ['pointer', 'code', 'message'],
  properties: {
    pointer: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
  },
};

const error = {
  type: 'object',
  required: ['code', 'message', 'errors'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    errors: { type: 'array', items: ref('ErrorItem') },
  },
};

const trailEntry = {
  type: 'object',
  description: 'One status of a message on the ledger, with the transaction that set it.',
  required: ['status', 'at'],
  properties: {
    status: { type: 'string' },
    at: DATE_TIME,
    txId: { type: 'string' },
    by: { type: 'string' },
    reason: { type: 'string', description: 'A withdrawal’s reason, as the sender gave it.' },
  },
  additionalProperties: false,
};

const withdrawal = {
  type: 'object',
  description: 'The sender took the document back before its addressee decided (decision record 0032).',
  required: ['reason', 'at'],
  properties: { reason: { type: 'string' }, at: DATE_TIME },
  additionalProperties: false,
};

const lastError = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: false,
};

const outboxRecord = {
  type: 'object',
  description: 'A document this node sent (or is sending), as its outbox keeps it.',
  required: [
    'messageId',
    'documentType',
    'formatVersion',
    'addressee',
    'status',
    'createdAt',
    'updatedAt',
    'digest',
    'ciphertextHash',
    'size',
    'attempts',
  ],
  properties: {
    messageId: { type: 'string' },
    documentType: { type: 'string' },
    formatVersion: { type: 'string' },
    addressee: OGRN,
    status: { enum: ['PENDING', 'SENT', 'DELIVERED', 'ACCEPTED', 'REJECTED', 'WITHDRAWN', 'FAILED'] },
    createdAt: DATE_TIME,
    updatedAt: DATE_TIME,
    digest: SHA256_HEX,
    ciphertextHash: SHA256_HEX,
    size: { type: 'integer', minimum: 0 },
    replyTo: { type: 'string' },
    replyStatus: {
      enum: ['ACCEPTED', 'REJECTED'],
      description: 'For a reply this node sent: the status it gives the answered document on the ledger.',
    },
    corrects: { type: 'string' },
    keyVersion: {
      type: 'integer',
      minimum: 1,
      description: 'The version of this node’s directory keys the document was signed with.',
    },
    reason: {
      type: 'string',
      description:
        'For REJECTED: the reason the addressee recorded on the ledger, an error code (e.g. SCHEMA_TEXT_INVALID, REJECTED_BY_WORKFLOW)',
    },
    txId: { type: 'string' },
    attempts: { type: 'integer', minimum: 0 },
    nextAttemptAt: DATE_TIME,
    lastError,
    reply: {
      type: 'object',
      description: 'The addressee’s answer when it is a reply document (e.g. the row errors of a rejection).',
      required: ['messageId', 'decision'],
      properties: {
        messageId: { type: 'string' },
        decision: { type: 'string' },
        errors: { type: 'array', items: ref('ErrorItem') },
        comment: { type: 'string' },
      },
      additionalProperties: false,
    },
    purgedAt: DATE_TIME,
    withdrawal,
    summary: ref('DocumentSummary'),
    receipt: {
      type: 'object',
      description:
        'The addressee’s signed delivery receipt as this node verified it against the directory and the bytes it ' +
        'sent (INVALID: with the code of what failed); acknowledgementHash: this node’s acknowledgement of it',
      required: ['state', 'hash'],
      properties: {
        state: { enum: ['VERIFIED', 'INVALID'] },
        hash: SHA256_HEX,
        at: DATE_TIME,
        code: { type: 'string' },
        openFailure: { type: 'string', description: 'the addressee could not open or verify the document' },
        acknowledgementHash: SHA256_HEX,
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const receiptSummary = {
  type: 'object',
  required: ['state', 'hash'],
  properties: {
    state: { enum: ['VERIFIED', 'INVALID'] },
    hash: SHA256_HEX,
    at: DATE_TIME,
    code: { type: 'string' },
  },
  additionalProperties: false,
};

const inboxRecord = {
  type: 'object',
  description: 'A document addressed to this node, as its inbox keeps it.',
  required: ['messageId', 'documentType', 'formatVersion', 'sender', 'status', 'receivedAt', 'updatedAt'],
  properties: {
    messageId: { type: 'string' },
    documentType: { type: 'string' },
    formatVersion: { type: 'string' },
    sender: OGRN,
    status: { enum: ['RECEIVED', 'ACCEPTED', 'REJECTED', 'WITHDRAWN'] },
    receivedAt: DATE_TIME,
    updatedAt: DATE_TIME,
    sentAt: DATE_TIME,
    digest: SHA256_HEX,
    replyTo: { type: 'string' },
    corrects: { type: 'string' },
    rejection: {
      type: 'object',
      required: ['code', 'message', 'errors'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        errors: { type: 'array', items: ref('ErrorItem') },
      },
      additionalProperties: false,
    },
    comment: { type: 'string' },
    ciphertextHash: SHA256_HEX,
    purgedAt: DATE_TIME,
    withdrawal,
    receipt: {
      type: 'object',
      description:
        'The delivery receipt this node signed on arrival (its hash is on the ledger with DELIVERED) and the ' +
        'sender’s acknowledgement of it as verified here',
      required: ['hash', 'issuedAt'],
      properties: { hash: SHA256_HEX, issuedAt: DATE_TIME, acknowledgement: receiptSummary },
      additionalProperties: false,
    },
    summary: ref('DocumentSummary'),
    email: ref('EmailOrigin'),
  },
  additionalProperties: false,
};

const documentSummary = {
  type: 'object',
  description:
    'The number and date the sender wrote on the document and the amount it is about (kopecks: an invoice total, ' +
    'a letter limit, an act amount to pay), for lists. Records made before summaries were kept have none.',
  properties: {
    number: { type: 'string' },
    date: { type: 'string', format: 'date' },
    amount: { type: 'integer' },
  },
  additionalProperties: false,
};

const document = {
  type: 'object',
  required: ['header', 'body'],
  properties: {
    header: {
      type: 'object',
      description:
        'documentId, type, formatVersion, sender, addressee, createdAt (and replyToId, correctsId)',
    },
    body: { type: 'object' },
  },
  description: 'A document in the shared format; the node validates it against the active format.',
};

const documentView = {
  type: 'object',
  description: 'A document opened at this node, its local record and its status trail from the ledger.',
  required: ['direction', 'record', 'status', 'trail'],
  properties: {
    direction: { enum: ['in', 'out'] },
    document: ref('Document'),
    signedText: {
      type: 'string',
      description:
        'The signed canonical text of a received document kept only as text: it broke a size or nesting limit, ' +
        'so the node never keeps it as a structure that later code would walk',
    },
    record: { anyOf: [ref('OutboxRecord'), ref('InboxRecord')] },
    envelope: {
      type: 'object',
      description: 'The ledger’s envelope: sender, addressee, type, format version, hash, size, status',
    },
    status: { type: 'string' },
    trail: { type: 'array', items: ref('TrailEntry') },
    receipts: {
      type: 'object',
      description:
        'The signed receipts kept here: delivery (the addressee’s) and acknowledgement (the sender’s). state ISSUED: ' +
        'signed by this node; VERIFIED or INVALID: the other party’s, checked against the directory (decision 0034)',
      properties: { delivery: ref('KeptReceipt'), acknowledgement: ref('KeptReceipt') },
      additionalProperties: false,
    },
    audit: {
      type: 'array',
      description: 'Who at this node did what with the document (the node’s audit log), oldest first',
      items: {
        type: 'object',
        required: ['at', 'action', 'user', 'documentIds'],
        properties: {
          at: DATE_TIME,
          action: { type: 'string' },
          user: { type: 'string', description: 'a user name, or "api-token" for a machine client' },
          fullName: { type: 'string' },
          role: { type: 'string' },
          documentIds: { type: 'array', items: { type: 'string' } },
          detail: { type: 'object' },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const purged = {
  description: 'A purged document: its content is gone, its hash and status trail remain.',
  allOf: [
    ref('Error'),
    {
      type: 'object',
      required: ['purgedAt', 'trail'],
      properties: {
        code: { const: 'PURGED' },
        purgedAt: DATE_TIME,
        ciphertextHash: SHA256_HEX,
        trail: { type: 'array', items: ref('TrailEntry') },
      },
    },
  ],
};

const participant = {
  type: 'object',
  description: 'A participant of the directory with its key versions and Fabric identities.',
  required: ['id', 'role', 'name', 'status', 'keys'],
  properties: {
    id: OGRN,
    role: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string' },
    inn: { type: 'string' },
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'x25519', 'ed25519'],
        properties: {
          version: { type: 'integer', minimum: 1 },
          x25519: { type: 'string', description: 'base64' },
          ed25519: { type: 'string', description: 'base64' },
          validFrom: { type: 'string' },
          txId: { type: 'string', description: 'the directory transaction that recorded this version' },
        },
      },
    },
    identities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['mspId', 'kind'],
        properties: { mspId: { type: 'string' }, kind: { type: 'string' } },
      },
    },
  },
};

const formatVersion = {
  type: 'object',
  description: 'A format version of the registry: its schema’s hash, its state and the votes on it.',
  required: ['type', 'version', 'schemaHash', 'effectiveFrom', 'state'],
  properties: {
    type: { type: 'string' },
    version: { type: 'string' },
    schemaHash: SHA256_HEX,
    effectiveFrom: { type: 'string' },
    state: { type: 'string' },
    proposedAt: DATE_TIME,
    votes: { type: 'object', additionalProperties: { enum: ['yes', 'no'] } },
    decidedAt: DATE_TIME,
    retiredAt: DATE_TIME,
    retentionDays: { type: 'integer', minimum: 0 },
    active: { type: 'boolean', description: 'in force now (the status of one version)' },
  },
};

const activeFormat = {
  type: 'object',
  description: 'A format version in force now.',
  required: ['type', 'version', 'schemaHash', 'effectiveFrom'],
  properties: {
    type: { type: 'string' },
    version: { type: 'string' },
    schemaHash: SHA256_HEX,
    effectiveFrom: { type: 'string' },
  },
  additionalProperties: false,
};

const EVENTS = ['document.received', 'document.rejected', 'status.changed'];

const webhook = {
  type: 'object',
  description: 'A registered webhook. Its secret is shown once, at registration, and never listed.',
  required: ['id', 'url', 'events', 'cursor', 'createdAt'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string', format: 'uri' },
    events: { type: 'array', items: { enum: EVENTS } },
    cursor: { type: 'integer', minimum: 0, description: 'the last notification delivered or skipped' },
    createdAt: DATE_TIME,
  },
  additionalProperties: false,
};

const webhookCreated = {
  type: 'object',
  description: 'The registered webhook with its signing secret (HMAC-SHA256 in X-Dmsnet-Signature).',
  required: [...webhook.required, 'secret'],
  properties: { ...webhook.properties, secret: { type: 'string', minLength: 16 } },
  additionalProperties: false,
};

const delivery = {
  type: 'object',
  description: 'One delivery attempt of a notification to a webhook.',
  required: ['webhookId', 'deliveryId', 'seq', 'event', 'attempt', 'at', 'durationMs'],
  properties: {
    webhookId: { type: 'string' },
    deliveryId: { type: 'string' },
    seq: { type: 'integer', minimum: 1 },
    event: { enum: EVENTS },
    attempt: { type: 'integer', minimum: 1 },
    at: DATE_TIME,
    durationMs: { type: 'number', minimum: 0 },
    statusCode: { type: 'integer' },
    error: { type: 'string' },
  },
  additionalProperties: false,
};

const listParams = [
  { name: 'type', in: 'query', schema: { type: 'string', maxLength: 64 } },
  { name: 'status', in: 'query', schema: { type: 'string', pattern: '^[A-Z]{1,20}$' } },
  { name: 'order', in: 'query', schema: { enum: ['asc', 'desc'] } },
  {
    name: 'replies',
    in: 'query',
    description: '`exclude` leaves reply documents out (each is also the answer on the record it answers)',
    schema: { enum: ['include', 'exclude'] },
  },
  { name: 'counterparty', in: 'query', schema: { type: 'string', pattern: '^[0-9]{13}([0-9]{2})?$' } },
  { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
  { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
  {
    name: 'cursor',
    in: 'query',
    description: 'a nextCursor exactly as answered; anything else is 400 CURSOR_INVALID',
    schema: { type: 'string', maxLength: 1024 },
  },
] as const;

const usernameParam = {
  name: 'username',
  in: 'path',
  required: true,
  schema: { type: 'string', maxLength: 64 },
};

export const coreApi = {
  tags: [
    { name: 'documents', description: 'Send documents and read them with their status trail' },
    { name: 'inbox', description: 'What arrived, and the answers to it' },
    { name: 'outbox', description: 'What this node sent and where each stands' },
    { name: 'directory', description: 'Participants and active format versions' },
    { name: 'webhooks', description: 'Signed notifications to the local system' },
    { name: 'events', description: 'Server-sent events of the same notifications' },
    { name: 'node', description: 'Health and this contract' },
    { name: 'people', description: 'Sessions and accounts of the people who use the web console' },
    { name: 'imports', description: 'Spreadsheets converted and checked through the bundled mappings' },
  ],
  schemas: {
    FieldError: fieldError,
    ErrorItem: errorItem,
    Error: error,
    Purged: purged,
    Document: document,
    DocumentView: documentView,
    KeptReceipt: {
      type: 'object',
      required: ['kind', 'state', 'receiptHash'],
      properties: {
        kind: { enum: ['delivery', 'acknowledgement'] },
        state: { enum: ['ISSUED', 'VERIFIED', 'INVALID'] },
        receiptHash: SHA256_HEX,
        signed: {
          type: 'object',
          description: 'The receipt (RFC 8785 canonical JSON is what is signed) and its base64 signature',
          required: ['receipt', 'signature'],
          properties: { receipt: { type: 'object' }, signature: { type: 'string' } },
          additionalProperties: false,
        },
        code: { type: 'string' },
        message: { type: 'string' },
        ledgerAt: DATE_TIME,
        ledgerTxId: { type: 'string' },
      },
      additionalProperties: false,
    },
    TrailEntry: trailEntry,
    OutboxRecord: outboxRecord,
    DocumentSummary: documentSummary,
    InboxRecord: inboxRecord,
    OutboxPage: page(ref('OutboxRecord'), 'A page of the outbox, newest first'),
    InboxPage: page(ref('InboxRecord'), 'A page of the inbox, newest first'),
    Participant: participant,
    ParticipantPage: page(ref('Participant'), 'A page of the directory'),
    FormatVersion: formatVersion,
    ActiveFormat: activeFormat,
    FormatList: items(ref('ActiveFormat'), 'The format versions active now'),
    Webhook: webhook,
    WebhookCreated: webhookCreated,
    WebhookList: items(ref('Webhook'), 'Registered webhooks (without their secrets)'),
    Delivery: delivery,
    DeliveryList: items(ref('Delivery'), 'The delivery log of a webhook, newest first'),
    Decision: {
      type: 'object',
      properties: { comment: { type: 'string', maxLength: 2000 } },
      additionalProperties: false,
    },
    Withdrawal: {
      type: 'object',
      required: ['reason'],
      properties: {
        reason: {
          type: 'string',
          minLength: 1,
          maxLength: 500,
          pattern: '\\S',
          description: 'Why, for the addressee and the trail (e.g. «отправлен не тому страховщику»).',
        },
      },
      additionalProperties: false,
    },
    Rejection: {
      type: 'object',
      required: ['errors'],
      properties: {
        errors: { type: 'array', minItems: 1, maxItems: 10000, items: ref('FieldError') },
        comment: { type: 'string', maxLength: 2000 },
        decision: { enum: ['REJECTED', 'DISPUTED', 'CONTESTED'] },
      },
      additionalProperties: false,
    },
    Clarification: {
      type: 'object',
      required: ['comment'],
      properties: {
        comment: {
          type: 'string',
          minLength: 1,
          maxLength: 2000,
          description: 'What the sender must clarify (it reaches the sender as written)',
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
        events: { type: 'array', items: { enum: EVENTS }, uniqueItems: true },
      },
      additionalProperties: false,
    },
  },
  paths: {
    '/v1/health': {
      get: {
        operationId: 'getHealth',
        tags: ['node'],
        summary: 'Is the node up, and whose is it',
        security: [],
        responses: {
          '200': json('the node is up', {
            type: 'object',
            required: ['status', 'participant'],
            properties: {
              status: { const: 'ok' },
              participant: OGRN,
              adapters: {
                type: 'array',
                description: 'Each configured adapter (the folder drop): its kind, state and mappings.',
                items: {
                  type: 'object',
                  required: ['kind', 'status'],
                  properties: { kind: { type: 'string' }, status: { enum: ['starting', 'running'] } },
                },
              },
            },
            additionalProperties: false,
          }),
          ...errors(),
        },
      },
    },
    '/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        tags: ['node'],
        summary: 'This document',
        security: [],
        responses: {
          '200': json('the OpenAPI 3.1 document', {
            type: 'object',
            required: ['openapi', 'info', 'paths'],
            properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
          }),
          ...errors(),
        },
      },
    },
    '/v1/documents': {
      post: {
        operationId: 'sendDocument',
        tags: ['documents'],
        summary: 'Send a document to the addressee named in its header',
        requestBody: jsonBody(ref('Document')),
        responses: {
          '202': json(
            'stored in the outbox and sent in the background; a resend answers the same record',
            ref('OutboxRecord'),
          ),
          ...errors(400, 401, 409, 413, 415, 422),
        },
      },
    },
    '/v1/documents/{id}': {
      get: {
        operationId: 'getDocument',
        tags: ['documents'],
        summary: 'One document, opened, with its status trail',
        parameters: [idParam],
        responses: {
          '200': json('the document', ref('DocumentView')),
          '410': json('purged: the hash and the status trail remain, the content is gone', ref('Purged')),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/v1/documents/{id}/signature': {
      get: {
        operationId: 'getDocumentSignature',
        tags: ['documents'],
        summary:
          'The detached CMS signature (DER, GOST R 34.10-2012, CAdES-BES) over the document’s canonical bytes, for ' +
          'any e-document tool; an Ed25519-signed document has none (409 NO_CMS_SIGNATURE)',
        parameters: [idParam],
        responses: {
          '200': {
            description: 'the .sig file',
            content: { 'application/pkcs7-signature': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errors(401, 404, 409, 410),
        },
      },
    },
    '/v1/documents/{id}/evidence': {
      get: {
        operationId: 'getDocumentEvidence',
        tags: ['documents'],
        summary:
          'The evidence bundle (zip): canonical bytes, the sender’s signature, the signed receipts, the ledger’s ' +
          'envelope and trail, the directory entries and, on Fabric, the blocks and the channel config that prove ' +
          'them; `dmsnet-verify` checks it offline (decision record 0034)',
        parameters: [idParam],
        responses: {
          '200': {
            description: 'the bundle',
            content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errors(401, 404, 409, 410, 422),
        },
      },
    },
    '/v1/documents/{id}/xlsx': {
      get: {
        operationId: 'exportDocumentXlsx',
        tags: ['documents'],
        summary:
          'The document’s table as an XLSX workbook (an invoice register, an expertise act, a guarantee letter, a ' +
          'price list): a title block, then the lines with money in roubles and dates as dates (role: read)',
        parameters: [idParam],
        responses: {
          '200': {
            description: 'the workbook',
            content: {
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', format: 'binary' },
              },
            },
          },
          ...errors(401, 404, 410, 422),
        },
      },
    },
    '/v1/documents/{id}/signature/export': {
      get: {
        operationId: 'exportDocumentSignature',
        tags: ['documents'],
        summary:
          'Everything an e-document tool needs to check the signature: the canonical bytes, the .sig and the ' +
          'signer’s certificate chain (PEM, signer first, trusted root last), as JSON with base64 bytes',
        parameters: [idParam],
        responses: {
          '200': json('the export', {
            type: 'object',
            required: ['messageId', 'profile', 'canonical', 'signature', 'chain'],
            properties: {
              messageId: { type: 'string' },
              profile: { const: 'gost2012-256' },
              canonical: { type: 'string', contentEncoding: 'base64' },
              signature: { type: 'string', contentEncoding: 'base64' },
              chain: { type: 'array', items: { type: 'string' } },
            },
            additionalProperties: false,
          }),
          ...errors(401, 404, 409, 410),
        },
      },
    },
    '/v1/signature-profile': {
      put: {
        operationId: 'setSignatureProfile',
        tags: ['directory'],
        summary:
          'Register how this participant signs: ed25519, or gost2012-256 with the certificate of the node’s GOST key ' +
          '(a directory transaction, kept in the participant’s signature trail)',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['profile'],
                properties: { profile: { enum: ['ed25519', 'gost2012-256'] } },
              },
            },
          },
        },
        responses: {
          '200': json('the participant’s registered profile', { type: 'object' }),
          ...errors(400, 401, 409, 422),
        },
      },
    },
    '/v1/documents/{id}/withdraw': {
      post: {
        operationId: 'withdrawDocument',
        tags: ['documents'],
        summary:
          'Take back a sent document before its addressee decides (then send it again, to the right addressee)',
        description:
          'Only the sender, only while the addressee has not accepted or rejected it (409 WITHDRAW_DECIDED: send a ' +
          'correction instead). The ledger records WITHDRAWN with the reason; the addressee’s gateway marks it and ' +
          'refuses any decision on it (409 MESSAGE_WITHDRAWN). Role: whoever may send (operation `send`).',
        parameters: [idParam],
        requestBody: jsonBody(ref('Withdrawal')),
        responses: {
          '200': json('withdrawn', ref('OutboxRecord')),
          ...errors(400, 401, 403, 404, 409, 422),
        },
      },
    },
    '/v1/documents/{id}/purge': {
      post: {
        operationId: 'purgeDocument',
        tags: ['documents'],
        summary: 'Destroy this node’s copies of a document (and, as its addressee, the ledger’s ciphertext)',
        parameters: [idParam],
        responses: {
          '200': json('the record, with purgedAt', { anyOf: [ref('OutboxRecord'), ref('InboxRecord')] }),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/v1/outbox': {
      get: {
        operationId: 'listOutbox',
        tags: ['outbox'],
        summary: 'Sent documents, filtered by type, status and time',
        parameters: listParams,
        responses: { '200': json('a page', ref('OutboxPage')), ...errors(400, 401) },
      },
    },
    '/v1/inbox': {
      get: {
        operationId: 'listInbox',
        tags: ['inbox'],
        summary: 'Received documents, filtered by type, status and time',
        parameters: listParams,
        responses: { '200': json('a page', ref('InboxPage')), ...errors(400, 401) },
      },
    },
    '/v1/inbox/{id}/accept': {
      post: {
        operationId: 'acceptDocument',
        tags: ['inbox'],
        summary: 'Accept a received document',
        parameters: [idParam],
        requestBody: jsonBody(ref('Decision'), false),
        responses: { '200': json('accepted', ref('InboxRecord')), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/inbox/{id}/reject': {
      post: {
        operationId: 'rejectDocument',
        tags: ['inbox'],
        summary: 'Reject a received document with row errors',
        parameters: [idParam],
        requestBody: jsonBody(ref('Rejection')),
        responses: {
          '200': json('rejected; the errors go back to the sender as an encrypted reply', ref('InboxRecord')),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/v1/inbox/{id}/clarify': {
      post: {
        operationId: 'requestClarification',
        tags: ['inbox'],
        summary: 'Ask the sender to clarify a received document (уведомление об уточнении)',
        description:
          'A business answer beside accept and reject, apart from the technical receipt the node signed on arrival: ' +
          'the document ends REJECTED on the ledger, and the comment goes to the sender in a signed, encrypted reply (an error CLARIFICATION_REQUESTED at the document root), who ' +
          'answers with a correction (correctsId).',
        parameters: [idParam],
        requestBody: jsonBody(ref('Clarification')),
        responses: {
          '200': json('clarification requested; the comment goes to the sender', ref('InboxRecord')),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/v1/participants': {
      get: {
        operationId: 'listParticipants',
        tags: ['directory'],
        summary: 'The participant directory',
        parameters: listParams.filter((p) => p.name === 'limit' || p.name === 'cursor'),
        responses: { '200': json('the directory', ref('ParticipantPage')), ...errors(400, 401) },
      },
    },
    '/v1/participants/{id}': {
      get: {
        operationId: 'getParticipant',
        tags: ['directory'],
        summary: 'One participant by ОГРН',
        parameters: [{ ...idParam, schema: OGRN }],
        responses: { '200': json('one participant', ref('Participant')), ...errors(400, 401, 404) },
      },
    },
    '/v1/formats': {
      get: {
        operationId: 'listFormats',
        tags: ['directory'],
        summary: 'The active format versions',
        responses: { '200': json('the active format versions', ref('FormatList')), ...errors(401) },
      },
    },
    '/v1/webhooks': {
      get: {
        operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: 'Registered webhooks, without their secrets',
        responses: { '200': json('registered webhooks', ref('WebhookList')), ...errors(401) },
      },
      post: {
        operationId: 'registerWebhook',
        tags: ['webhooks'],
        summary: 'Register a webhook; the target is checked (loopback or the node’s webhookAllow ranges)',
        requestBody: jsonBody(ref('WebhookRegistration')),
        responses: {
          '201': json('registered; the only response that holds the signing secret', ref('WebhookCreated')),
          ...errors(400, 401),
        },
      },
    },
    '/v1/webhooks/{id}': {
      delete: {
        operationId: 'deleteWebhook',
        tags: ['webhooks'],
        summary: 'Remove a webhook',
        parameters: [idParam],
        responses: { '204': { description: 'removed' }, ...errors(400, 401, 404) },
      },
    },
    '/v1/webhooks/{id}/deliveries': {
      get: {
        operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: 'The delivery log of a webhook',
        parameters: [idParam],
        responses: { '200': json('the delivery log', ref('DeliveryList')), ...errors(400, 401, 404) },
      },
    },
    '/v1/session': {
      post: {
        operationId: 'logIn',
        tags: ['people'],
        summary:
          'Log a person in: sets the HttpOnly SameSite=Strict session cookie and answers the CSRF token to send as X-CSRF-Token on every state-changing request',
        security: [],
        requestBody: jsonBody({
          type: 'object',
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', maxLength: 64 },
            password: { type: 'string', maxLength: 1024 },
          },
        }),
        responses: {
          '200': json('the person, role, allowed operations and CSRF token', { type: 'object' }),
          ...errors(400, 401, 429),
        },
      },
      get: {
        operationId: 'whoAmI',
        tags: ['people'],
        summary: 'The logged-in person and the CSRF token',
        responses: { '200': json('me', { type: 'object' }), ...errors(401) },
      },
      delete: {
        operationId: 'logOut',
        tags: ['people'],
        summary: 'Log out (needs X-CSRF-Token)',
        responses: { '204': { description: 'logged out' }, ...errors(401, 403) },
      },
    },
    '/v1/users': {
      get: {
        operationId: 'listUsers',
        tags: ['people'],
        summary: 'The node’s accounts (role admin)',
        responses: { '200': json('users', { type: 'object' }), ...errors(401, 403) },
      },
      post: {
        operationId: 'addUser',
        tags: ['people'],
        summary: 'Add an account: username, fullName, role, password',
        responses: {
          '201': json('the user, without its hash', { type: 'object' }),
          ...errors(401, 403, 409, 422),
        },
      },
    },
    '/v1/users/{username}/disable': {
      post: {
        operationId: 'disableUser',
        tags: ['people'],
        summary: 'Disable an account; its sessions end',
        parameters: [usernameParam],
        responses: { '200': json('the user', { type: 'object' }), ...errors(401, 403, 404) },
      },
    },
    '/v1/users/{username}/password': {
      post: {
        operationId: 'setUserPassword',
        tags: ['people'],
        summary: 'Set a new password; the sessions end',
        parameters: [usernameParam],
        responses: { '200': json('the user', { type: 'object' }), ...errors(401, 403, 404) },
      },
    },
    '/v1/imports/mappings': {
      get: {
        operationId: 'listImportMappings',
        tags: ['imports'],
        summary: 'The bundled CSV/XLSX mappings',
        responses: { '200': json('mappings', { type: 'object' }), ...errors(401) },
      },
    },
    '/v1/imports/preview': {
      post: {
        operationId: 'previewImport',
        tags: ['imports'],
        summary:
          'Convert a file (base64 `content`) with a bundled `mapping` for an `addressee` and validate it; sends nothing',
        responses: {
          '200': json(
            'the document, every error at its row and column, and notes (e.g. a policy not in the roster) by row index',
            { type: 'object' },
          ),
          ...errors(400, 401, 403),
        },
      },
    },
    '/v1/events': {
      get: {
        operationId: 'streamEvents',
        tags: ['events'],
        summary:
          'Server-sent events of the notifications; Last-Event-ID replays from the durable log (an id beyond the log is 400 EVENT_ID_BEYOND_LOG)',
        parameters: [
          { name: 'Last-Event-ID', in: 'header', schema: { type: 'string', pattern: '^[0-9]{1,12}$' } },
          { name: 'since', in: 'query', schema: { enum: ['now'] } },
        ],
        responses: {
          '200': {
            description:
              'an event stream: `id: <seq>`, `event: <kind>`, `data: <notification JSON>` ' +
              '(seq, kind, messageId, documentType, sender, addressee, status, at, reason)',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors(400, 401),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
