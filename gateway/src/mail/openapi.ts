// The mail bridge's part of the API contract (mail/http.ts): the address book of correspondents and held mail.
// Its shapes are declared once with TypeBox (decision record 0038). Assembled by api/openapi.ts; the inbox record's e-mail origin (EmailOrigin) is declared with it in node/types.ts.
import { errors, json, jsonBody, type OpenApiFragment } from '../http/openapi-kit.js';
import { component, componentSchemas, DateTime, Ogrn, ref, Type, type Static } from '../shapes/kit.js';

const Email = () => Type.String({ maxLength: 254, description: 'an e-mail address' });

const correspondentFields = {
  ogrn: Ogrn(),
  inn: Type.String({ pattern: '^([0-9]{10}|[0-9]{12})$' }),
  name: Type.String({ minLength: 1, maxLength: 500 }),
  role: Type.Enum(['clinic', 'insurer', 'assistance']),
  addresses: Type.Array(Email(), { minItems: 1, maxItems: 50 }),
  mappings: Type.Array(
    Type.Object(
      {
        match: Type.String({ minLength: 1, description: 'a regular expression on the attachment’s name' }),
        mapping: Type.String({ minLength: 1, description: 'a bundled mapping’s name or a mapping file' }),
      },
      { additionalProperties: false },
    ),
    { minItems: 1, maxItems: 20 },
  ),
  ageRecipient: Type.Optional(
    Type.String({
      pattern: '^age1[02-9ac-hj-np-z]{58}$',
      description: 'the correspondent’s age X25519 recipient: documents go to it encrypted (decision 0049)',
    }),
  ),
};

export const CorrespondentInput = component(
  'CorrespondentInput',
  Type.Object(correspondentFields, { additionalProperties: false }),
);
export type CorrespondentInput = Static<typeof CorrespondentInput>;

export const Correspondent = component(
  'Correspondent',
  Type.Object({ ...correspondentFields, addedAt: DateTime() }, { additionalProperties: false }),
);

export const HeldMail = component(
  'HeldMail',
  Type.Object(
    {
      id: Type.String(),
      key: Type.String(),
      code: Type.String({ description: 'MAIL_NOT_AUTHENTICATED, MAIL_SENDER_UNKNOWN, MAIL_MALFORMED' }),
      reason: Type.String(),
      at: DateTime(),
      size: Type.Integer({ minimum: 0 }),
      messageId: Type.Optional(Type.String()),
      from: Type.Optional(Email()),
      subject: Type.Optional(Type.String()),
      text: Type.Optional(Type.String({ maxLength: 4000 })),
    },
    { additionalProperties: false },
  ),
);

export const MailOutcome = component(
  'MailOutcome',
  Type.Object(
    {
      outcome: Type.Enum(['imported', 'answered', 'held', 'decided', 'duplicate']),
      key: Type.String(),
      document: Type.Optional(
        Type.String({ description: 'decided: the document sent by e-mail the reply answered' }),
      ),
      documents: Type.Optional(Type.Array(Type.String())),
      answered: Type.Optional(Type.Boolean()),
      code: Type.Optional(Type.String()),
      heldId: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
);

export const OutboundMail = component(
  'OutboundMail',
  Type.Object(
    {
      id: Type.String({
        description: 'the id it has on the ledger once handed over: <sender ОГРН>:<documentId>',
      }),
      documentId: Type.String(),
      documentType: Type.String(),
      addressee: Ogrn(),
      to: Type.Array(Email()),
      channel: Type.Enum(['encrypted', 'link'], {
        description: 'encrypted: an age file attached; link: a one-time link, its code in a second e-mail',
      }),
      status: Type.Enum(['HELD_FOR_JOIN', 'ACCEPTED', 'REJECTED', 'HANDED_OVER', 'FAILED'], {
        description:
          'HELD_FOR_JOIN: e-mailed, unanswered, handed over on the ledger when the addressee joins; ' +
          'ACCEPTED/REJECTED: answered by e-mail; HANDED_OVER: on the ledger; FAILED: the hand-over was refused',
      }),
      createdAt: DateTime(),
      updatedAt: DateTime(),
      digest: Type.String({ description: 'SHA-256 of the document’s canonical text' }),
      notificationId: Type.String({ description: 'the notification’s Message-ID' }),
      linkExpiresAt: Type.Optional(DateTime()),
      linksIssued: Type.Optional(
        Type.Integer({
          minimum: 1,
          description: 'links sent: 1, and one more for each re-send (decision 0057)',
        }),
      ),
      openedAt: Type.Optional(
        DateTime({ description: 'when the correspondent first opened a link with its code' }),
      ),
      decision: Type.Optional(
        Type.Object(
          {
            status: Type.Enum(['ACCEPTED', 'REJECTED']),
            reason: Type.Optional(Type.String({ maxLength: 1000 })),
            via: Type.Enum(['page', 'reply']),
            at: DateTime(),
            from: Type.Optional(Email()),
          },
          { additionalProperties: false },
        ),
      ),
      handedOverAt: Type.Optional(DateTime()),
      failure: Type.Optional(
        Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const OutboundRequest = component(
  'OutboundRequest',
  Type.Object(
    {
      document: Type.Object(
        {},
        { additionalProperties: true, description: 'a document (header, body) for a correspondent' },
      ),
    },
    { additionalProperties: false },
  ),
);

export const mailApi = {
  tags: [
    {
      name: 'mail',
      description:
        'The mail bridge: correspondents not on the network, and mail held for a person (decision 0042)',
    },
  ],
  schemas: componentSchemas(
    CorrespondentInput,
    Correspondent,
    HeldMail,
    MailOutcome,
    OutboundMail,
    OutboundRequest,
  ),
  paths: {
    '/v1/mail/correspondents': {
      get: {
        operationId: 'listCorrespondents',
        tags: ['mail'],
        summary:
          'The address book: who may send documents by e-mail, and which mapping reads which attachment',
        responses: {
          '200': json(
            'the correspondents',
            Type.Object({ items: Type.Array(ref(Correspondent)) }, { additionalProperties: false }),
          ),
          ...errors(401, 403, 404, 409),
        },
      },
      post: {
        operationId: 'addCorrespondent',
        tags: ['mail'],
        summary: 'Add or replace a correspondent (the admin)',
        requestBody: jsonBody(ref(CorrespondentInput)),
        responses: { '201': json('added', ref(Correspondent)), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    '/v1/mail/correspondents/{ogrn}': {
      delete: {
        operationId: 'removeCorrespondent',
        tags: ['mail'],
        summary: 'Remove a correspondent (the admin)',
        parameters: [{ name: 'ogrn', in: 'path', required: true, description: 'its ОГРН', schema: Ogrn() }],
        responses: { '204': { description: 'removed' }, ...errors(400, 401, 403, 404, 409) },
      },
    },
    '/v1/mail/outbound': {
      post: {
        operationId: 'sendByMail',
        tags: ['mail'],
        summary:
          'Send a document to a correspondent not on the network: an encrypted attachment, or a one-time link and a ' +
          'code by e-mail; held and handed over on the ledger when it joins (decision 0049)',
        requestBody: jsonBody(ref(OutboundRequest)),
        responses: {
          '201': json('queued for e-mail, HELD_FOR_JOIN', ref(OutboundMail)),
          ...errors(400, 401, 403, 404, 409, 422),
        },
      },
      get: {
        operationId: 'listSentByMail',
        tags: ['mail'],
        summary: 'Documents sent by e-mail and where each stands',
        responses: {
          '200': json(
            'oldest first',
            Type.Object({ items: Type.Array(ref(OutboundMail)) }, { additionalProperties: false }),
          ),
          ...errors(401, 403, 404, 409),
        },
      },
    },
    '/v1/mail/outbound/{id}': {
      get: {
        operationId: 'getSentByMail',
        tags: ['mail'],
        summary: 'One document sent by e-mail',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: '<sender ОГРН>:<documentId>',
            schema: { type: 'string' },
          },
        ],
        responses: { '200': json('where it stands', ref(OutboundMail)), ...errors(401, 403, 404, 409) },
      },
    },
    '/v1/mail/outbound/{id}/link': {
      post: {
        operationId: 'resendMailLink',
        tags: ['mail'],
        summary:
          'Send a new one-time link and code for an unanswered document (the old link was lost, locked or expired); ' +
          'every earlier link of it stops working (decision 0057)',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: '<sender ОГРН>:<documentId>',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': json('the new link is queued for e-mail', ref(OutboundMail)),
          ...errors(401, 403, 404, 409),
        },
      },
    },
    '/v1/mail/held': {
      get: {
        operationId: 'listHeldMail',
        tags: ['mail'],
        summary: 'Mail held for a person: not authenticated, from an unknown address, or unreadable',
        responses: {
          '200': json(
            'the held messages, oldest first',
            Type.Object({ items: Type.Array(ref(HeldMail)) }, { additionalProperties: false }),
          ),
          ...errors(401, 403, 404, 409),
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
        responses: { '200': json('what became of it', ref(MailOutcome)), ...errors(401, 403, 404, 409) },
      },
    },
  },
} satisfies OpenApiFragment;
