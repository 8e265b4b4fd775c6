// The core router's operations (api/server.ts): documents, inbox and outbox, directory, formats, webhooks and
// events. The shapes they take and answer are declared once where they belong (decision 0038) and published here as
// components; requests are validated against them (validate.ts) and the HTTP tests validate every response.
import { idParam, errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { OpenObject, Ogrn, componentSchemas, queryParameters, ref, Type } from '../shapes/kit.js';
import {
  Clarification,
  coreComponents,
  DeliveryList,
  FormatList,
  Health,
  InboxPage,
  LogIn,
  OpenApiSummary,
  OutboxPage,
  ParticipantPage,
  Purged,
  SignatureExportJson,
  SignatureProfileRequest,
  WebhookList,
  WithdrawalRequest,
} from './shapes.js';
import {
  Decision,
  Document,
  DocumentView,
  InboxRecord,
  ListQuery,
  OutboxRecord,
  Rejection,
} from '../node/types.js';
import { Participant } from '../governance/shapes.js';
import { Webhook, WebhookRegistration } from '../webhooks/dispatcher.js';

const listParams = queryParameters(ListQuery);

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
  schemas: componentSchemas(...coreComponents),
  paths: {
    '/v1/health': {
      get: {
        operationId: 'getHealth',
        tags: ['node'],
        summary: 'Is the node up, and whose is it',
        security: [],
        responses: {
          '200': json('the node is up', Health),
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
          '200': json('the OpenAPI 3.1 document', OpenApiSummary),
          ...errors(),
        },
      },
    },
    '/v1/documents': {
      post: {
        operationId: 'sendDocument',
        tags: ['documents'],
        summary: 'Send a document to the addressee named in its header',
        requestBody: jsonBody(ref(Document)),
        responses: {
          '202': json(
            'stored in the outbox and sent in the background; a resend answers the same record',
            ref(OutboxRecord),
          ),
          ...errors(400, 401, 409, 413, 415, 422),
        },
      },
    },
    '/v1/medical-documentation': {
      post: {
        operationId: 'sendMedicalDocumentation',
        tags: ['documents'],
        summary:
          'Send a medical-documentation answer with its files: the part document, then one part file per attachment ' +
          'in the order of body.attachments (decision 0058)',
        description:
          'Read as a stream: each file is checked against its description (type by magic bytes, size, SHA-256, PDF ' +
          'pages, active content) and sealed to the addressee as it arrives, at most 100 MiB per file. The document ' +
          'is checked first (pointers under /document); a file that is not what the document says answers 422 with ' +
          'the inspector’s codes at /body/attachments/N and nothing is kept; fewer or more files than described ' +
          'answer 400 ATTACHMENT_COUNT_MISMATCH. The files then travel through the ledger before the document.',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['document'],
                properties: {
                  document: {
                    ...ref(Document),
                    description: 'the medical-documentation document, as for POST /v1/documents',
                  },
                  file: {
                    type: 'array',
                    maxItems: 200,
                    items: { type: 'string', format: 'binary', maxLength: 104857600 },
                    description: 'one part per attachment, in the order of body.attachments',
                  },
                },
              },
              encoding: { document: { contentType: 'application/json' } },
            },
          },
        },
        responses: {
          '202': json(
            'stored in the outbox; the files and then the document are sent in the background',
            ref(OutboxRecord),
          ),
          ...errors(400, 401, 403, 413, 415, 422),
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
          '200': json('the document', ref(DocumentView)),
          '410': json('purged: the hash and the status trail remain, the content is gone', ref(Purged)),
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
    '/v1/documents/{id}/attachments/{n}': {
      get: {
        operationId: 'getDocumentAttachment',
        tags: ['documents'],
        summary:
          'A file of a medical-documentation answer, opened and streamed with its declared type, at the addressee and ' +
          'the sender (role: medical.read, the expert; every opening audited as documentation.open; decision 0058)',
        parameters: [
          idParam,
          {
            name: 'n',
            in: 'path',
            required: true,
            description: 'the file’s index in body.attachments, from 0',
            schema: { type: 'string', pattern: '^(0|[1-9][0-9]{0,2})$' },
          },
          {
            name: 'inline',
            in: 'query',
            required: false,
            description: '1: Content-Disposition inline, for a preview; otherwise attachment',
            schema: { type: 'string', enum: ['0', '1'] },
          },
        ],
        responses: {
          '200': {
            description:
              'the file as declared (Content-Type, Content-Length), with X-Content-Type-Options: nosniff and ' +
              "Content-Security-Policy: sandbox; default-src 'none'",
            content: {
              'application/pdf': { schema: { type: 'string', format: 'binary' } },
              'image/jpeg': { schema: { type: 'string', format: 'binary' } },
              'image/png': { schema: { type: 'string', format: 'binary' } },
              'text/plain': { schema: { type: 'string', format: 'binary' } },
            },
          },
          ...errors(401, 403, 404, 410),
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
          '200': json('the export', SignatureExportJson),
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
        requestBody: jsonBody(SignatureProfileRequest),
        responses: {
          '200': json('the participant’s registered profile', OpenObject()),
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
        requestBody: jsonBody(ref(WithdrawalRequest)),
        responses: {
          '200': json('withdrawn', ref(OutboxRecord)),
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
          '200': json('the record, with purgedAt', { anyOf: [ref(OutboxRecord), ref(InboxRecord)] }),
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
        responses: { '200': json('a page', ref(OutboxPage)), ...errors(400, 401) },
      },
    },
    '/v1/inbox': {
      get: {
        operationId: 'listInbox',
        tags: ['inbox'],
        summary: 'Received documents, filtered by type, status and time',
        parameters: listParams,
        responses: { '200': json('a page', ref(InboxPage)), ...errors(400, 401) },
      },
    },
    '/v1/inbox/{id}/accept': {
      post: {
        operationId: 'acceptDocument',
        tags: ['inbox'],
        summary: 'Accept a received document',
        parameters: [idParam],
        requestBody: jsonBody(ref(Decision), false),
        responses: { '200': json('accepted', ref(InboxRecord)), ...errors(400, 401, 404, 409) },
      },
    },
    '/v1/inbox/{id}/reject': {
      post: {
        operationId: 'rejectDocument',
        tags: ['inbox'],
        summary: 'Reject a received document with row errors',
        parameters: [idParam],
        requestBody: jsonBody(ref(Rejection)),
        responses: {
          '200': json('rejected; the errors go back to the sender as an encrypted reply', ref(InboxRecord)),
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
        requestBody: jsonBody(ref(Clarification)),
        responses: {
          '200': json('clarification requested; the comment goes to the sender', ref(InboxRecord)),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    '/v1/participants': {
      get: {
        operationId: 'listParticipants',
        tags: ['directory'],
        summary: 'The participant directory',
        parameters: queryParameters(Type.Pick(ListQuery, ['limit', 'cursor'])),
        responses: { '200': json('the directory', ref(ParticipantPage)), ...errors(400, 401) },
      },
    },
    '/v1/participants/{id}': {
      get: {
        operationId: 'getParticipant',
        tags: ['directory'],
        summary: 'One participant by ОГРН',
        parameters: [{ ...idParam, schema: Ogrn() }],
        responses: { '200': json('one participant', ref(Participant)), ...errors(400, 401, 404) },
      },
    },
    '/v1/formats': {
      get: {
        operationId: 'listFormats',
        tags: ['directory'],
        summary: 'The active format versions',
        responses: { '200': json('the active format versions', ref(FormatList)), ...errors(401) },
      },
    },
    '/v1/webhooks': {
      get: {
        operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: 'Registered webhooks, without their secrets',
        responses: { '200': json('registered webhooks', ref(WebhookList)), ...errors(401) },
      },
      post: {
        operationId: 'registerWebhook',
        tags: ['webhooks'],
        summary: 'Register a webhook; the target is checked (loopback or the node’s webhookAllow ranges)',
        requestBody: jsonBody(ref(WebhookRegistration)),
        responses: {
          '201': json('registered; the only response that holds the signing secret', ref(Webhook)),
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
        responses: { '200': json('the delivery log', ref(DeliveryList)), ...errors(400, 401, 404) },
      },
    },
    '/v1/session': {
      post: {
        operationId: 'logIn',
        tags: ['people'],
        summary:
          'Log a person in: sets the HttpOnly SameSite=Strict session cookie and answers the CSRF token to send as X-CSRF-Token on every state-changing request',
        security: [],
        requestBody: jsonBody(LogIn),
        responses: {
          '200': json('the person, role, allowed operations and CSRF token', OpenObject()),
          ...errors(400, 401, 429),
        },
      },
      get: {
        operationId: 'whoAmI',
        tags: ['people'],
        summary: 'The logged-in person and the CSRF token',
        responses: { '200': json('me', OpenObject()), ...errors(401) },
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
        responses: { '200': json('users', OpenObject()), ...errors(401, 403) },
      },
      post: {
        operationId: 'addUser',
        tags: ['people'],
        summary: 'Add an account: username, fullName, role, password',
        responses: {
          '201': json('the user, without its hash', OpenObject()),
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
        responses: { '200': json('the user', OpenObject()), ...errors(401, 403, 404) },
      },
    },
    '/v1/users/{username}/password': {
      post: {
        operationId: 'setUserPassword',
        tags: ['people'],
        summary: 'Set a new password; the sessions end',
        parameters: [usernameParam],
        responses: { '200': json('the user', OpenObject()), ...errors(401, 403, 404) },
      },
    },
    '/v1/imports/mappings': {
      get: {
        operationId: 'listImportMappings',
        tags: ['imports'],
        summary: 'The bundled CSV/XLSX mappings',
        responses: { '200': json('mappings', OpenObject()), ...errors(401) },
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
            OpenObject(),
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
