// The core API's own request and response shapes, declared once (decision record 0038); the node's records and views
// are declared in node/types.ts, the webhooks' in webhooks/dispatcher.ts. openapi-core.ts publishes them all.
import {
  Document,
  DocumentSummary,
  DocumentView,
  ErrorItem,
  RowError,
  Decision,
  Rejection,
  EmailOrigin,
  InboxRecord,
  OutboxRecord,
  TrailEntry,
} from '../node/types.js';
import { KeptReceipt } from '../node/receipts.js';
import { FormatVersion, Participant } from '../governance/shapes.js';
import { Delivery, ListedWebhook, Webhook, WebhookRegistration } from '../webhooks/dispatcher.js';
import {
  component,
  DateTime,
  Items,
  Ogrn,
  OpenObject,
  Page,
  ref,
  Sha256Hex,
  Type,
  type Static,
} from '../shapes/kit.js';

/** The one error shape every refusal answers (http/errors.ts writes it). */
export const ErrorBody = component(
  'Error',
  Type.Object({ code: Type.String(), message: Type.String(), errors: Type.Array(ref(ErrorItem)) }),
);

export const Purged = component(
  'Purged',
  Type.Intersect(
    [
      ref(ErrorBody),
      Type.Object({
        code: Type.Optional(Type.Literal('PURGED')),
        purgedAt: DateTime(),
        ciphertextHash: Type.Optional(Sha256Hex()),
        trail: Type.Array(ref(TrailEntry)),
      }),
    ],
    { description: 'A purged document: its content is gone, its hash and status trail remain.' },
  ),
);

export const ActiveFormat = component(
  'ActiveFormat',
  Type.Object(
    { type: Type.String(), version: Type.String(), schemaHash: Sha256Hex(), effectiveFrom: Type.String() },
    { description: 'A format version in force now.', additionalProperties: false },
  ),
);

export const OutboxPage = component(
  'OutboxPage',
  Page(ref(OutboxRecord), 'A page of the outbox, newest first'),
);
export const InboxPage = component('InboxPage', Page(ref(InboxRecord), 'A page of the inbox, newest first'));
export const ParticipantPage = component(
  'ParticipantPage',
  Page(ref(Participant), 'A page of the directory'),
);
export const FormatList = component('FormatList', Items(ref(ActiveFormat), 'The format versions active now'));
export const WebhookList = component(
  'WebhookList',
  Items(ref(ListedWebhook), 'Registered webhooks (without their secrets)'),
);
export const DeliveryList = component(
  'DeliveryList',
  Items(ref(Delivery), 'The delivery log of a webhook, newest first'),
);

/** What the sender says when it takes a document back. */
export const WithdrawalRequest = component(
  'Withdrawal',
  Type.Object(
    {
      reason: Type.String({
        minLength: 1,
        maxLength: 500,
        pattern: '\\S',
        description: 'Why, for the addressee and the trail (e.g. «отправлен не тому страховщику»).',
      }),
    },
    { additionalProperties: false },
  ),
);

export const Clarification = component(
  'Clarification',
  Type.Object(
    {
      comment: Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'What the sender must clarify (it reaches the sender as written)',
      }),
    },
    { additionalProperties: false },
  ),
);

// Shapes of single operations, published inline where the operation is.

export const Health = Type.Object(
  {
    status: Type.Literal('ok'),
    participant: Ogrn(),
    participantName: Type.Optional(
      Type.String({
        description: 'The organisation’s name in the directory (the console’s login page shows it)',
      }),
    ),
    adapters: Type.Optional(
      Type.Array(Type.Object({ kind: Type.String(), status: Type.Enum(['starting', 'running']) }), {
        description: 'Each configured adapter (the folder drop): its kind, state and mappings.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Health = Static<typeof Health>;

export const OpenApiSummary = Type.Object({
  openapi: Type.Literal('3.1.0'),
  info: OpenObject(),
  paths: OpenObject(),
});

export const SignatureExportJson = Type.Object(
  {
    messageId: Type.String(),
    profile: Type.Literal('gost2012-256'),
    canonical: Type.String({ contentEncoding: 'base64' }),
    signature: Type.String({ contentEncoding: 'base64' }),
    chain: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type SignatureExportJson = Static<typeof SignatureExportJson>;

export const SignatureProfileRequest = Type.Object(
  { profile: Type.Enum(['ed25519', 'gost2012-256']) },
  { additionalProperties: false },
);

export const LogIn = Type.Object({
  username: Type.String({ maxLength: 64 }),
  password: Type.String({ maxLength: 1024 }),
});

/** The components the core router's part of the contract publishes. */
export const coreComponents = [
  RowError,
  ErrorItem,
  ErrorBody,
  Purged,
  Document,
  DocumentView,
  KeptReceipt,
  TrailEntry,
  OutboxRecord,
  DocumentSummary,
  EmailOrigin,
  InboxRecord,
  OutboxPage,
  InboxPage,
  Participant,
  ParticipantPage,
  FormatVersion,
  ActiveFormat,
  FormatList,
  ListedWebhook,
  Webhook,
  WebhookList,
  Delivery,
  DeliveryList,
  Decision,
  WithdrawalRequest,
  Rejection,
  Clarification,
  WebhookRegistration,
];
