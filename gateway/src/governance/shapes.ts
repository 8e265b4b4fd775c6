// The format registry's and the directory administration's request and response shapes, declared once (decision
// record 0038); governance/openapi.ts and directory-openapi.ts publish them.
import { component, DateTime, Dictionary, Ogrn, Sha256Hex, Type, type Static } from '../shapes/kit.js';

// The directory's participant and the registry's format version as the API shows them; the ledger's own types
// (ledger/types.ts, chaincode/src/model.ts) hold more than the contract promises.
export const Participant = component(
  'Participant',
  Type.Object(
    {
      id: Ogrn(),
      role: Type.String(),
      name: Type.String(),
      status: Type.String(),
      inn: Type.Optional(Type.String()),
      keys: Type.Array(
        Type.Object({
          version: Type.Integer({ minimum: 1 }),
          x25519: Type.String({ description: 'base64' }),
          ed25519: Type.String({ description: 'base64' }),
          validFrom: Type.Optional(Type.String()),
          txId: Type.Optional(
            Type.String({ description: 'the directory transaction that recorded this version' }),
          ),
        }),
      ),
      identities: Type.Optional(Type.Array(Type.Object({ mspId: Type.String(), kind: Type.String() }))),
    },
    { description: 'A participant of the directory with its key versions and Fabric identities.' },
  ),
);

export const FormatVersion = component(
  'FormatVersion',
  Type.Object(
    {
      type: Type.String(),
      version: Type.String(),
      schemaHash: Sha256Hex(),
      effectiveFrom: Type.String(),
      state: Type.String(),
      proposedAt: Type.Optional(DateTime()),
      votes: Type.Optional(Dictionary(Type.Enum(['yes', 'no']))),
      decidedAt: Type.Optional(DateTime()),
      retiredAt: Type.Optional(DateTime()),
      retentionDays: Type.Optional(Type.Integer({ minimum: 0 })),
      active: Type.Optional(Type.Boolean({ description: 'in force now (the status of one version)' })),
    },
    { description: 'A format version of the registry: its schema’s hash, its state and the votes on it.' },
  ),
);

const DOCUMENT_TYPE = '^[a-z][a-z-]{0,63}$';
const VERSION = '^[0-9A-Za-z.-]{1,32}$';

/** The path parameters naming one format version. */
export const formatVersionParams = [
  {
    name: 'type',
    in: 'path',
    required: true,
    description: 'a document type, e.g. insured-list',
    schema: Type.String({ pattern: DOCUMENT_TYPE }),
  },
  { name: 'version', in: 'path', required: true, schema: Type.String({ pattern: VERSION }) },
] as const;

export const Proposal = component(
  'Proposal',
  Type.Object({
    type: Type.String({ pattern: DOCUMENT_TYPE }),
    version: Type.String({ pattern: VERSION }),
    schemaText: Type.String({ description: 'the JSON Schema text; its SHA-256 is what is voted' }),
    effectiveFrom: Type.String({ format: 'date' }),
  }),
);
export type Proposal = Static<typeof Proposal>;

export const SchemaDiff = component(
  'SchemaDiff',
  Type.Object(
    {
      type: Type.String(),
      version: Type.String(),
      against: Type.Optional(
        Type.String({ description: 'the active version compared with; absent when there is none' }),
      ),
      breaking: Type.Boolean(),
      changes: Type.Array(
        Type.Object(
          {
            pointer: Type.String({ description: 'JSON Pointer into the schema' }),
            kind: Type.Enum(['breaking', 'compatible']),
            rule: Type.String(),
            message: Type.String(),
          },
          { additionalProperties: false },
        ),
      ),
    },
    {
      description:
        'How a proposed version changes the schema of the version active now: breaking if a document valid today could be refused',
      additionalProperties: false,
    },
  ),
);
export type SchemaDiff = Static<typeof SchemaDiff>;

export const Vote = component('Vote', Type.Object({ choice: Type.Enum(['yes', 'no']) }));
export type Vote = Static<typeof Vote>;

const Role = Type.Enum(['insurer', 'clinic', 'assistance', 'association']);
const PublicKey = Type.String({
  pattern: '^[A-Za-z0-9+/]{43}=$',
  description: 'a 32-byte public key, standard base64',
});
const MspId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' });

export const Registration = component(
  'Registration',
  Type.Object(
    {
      id: Ogrn(),
      role: Role,
      name: Type.String({ minLength: 1, maxLength: 500 }),
      inn: Type.Optional(Type.String({ pattern: '^([0-9]{10}|[0-9]{12})$' })),
      identities: Type.Array(
        Type.Unsafe<
          { mspId: string; kind: 'certificate'; certificate: string } | { mspId: string; kind: 'attribute' }
        >({
          oneOf: [
            Type.Object(
              {
                mspId: MspId,
                kind: Type.Literal('certificate'),
                certificate: Type.String({ pattern: 'BEGIN CERTIFICATE', maxLength: 20000 }),
              },
              { additionalProperties: false },
            ),
            Type.Object({ mspId: MspId, kind: Type.Literal('attribute') }, { additionalProperties: false }),
          ],
        }),
        {
          minItems: 1,
          maxItems: 20,
          description:
            'The Fabric identities that act for it: a certificate, or (a clinic under a host organisation) any certificate of that MSP carrying the participant attribute',
        },
      ),
      keys: Type.Object({ x25519: PublicKey, ed25519: PublicKey }, { additionalProperties: false }),
    },
    {
      description:
        'A participant to register: what `dmsnet-node registration` writes at the newcomer’s node (no private key).',
      additionalProperties: false,
    },
  ),
);
export type Registration = Static<typeof Registration>;

export const VotingRules = component(
  'VotingRules',
  Type.Object(
    {
      voterRoles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
      quorum: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    },
    {
      description: 'Who votes on format versions and the share of them whose yes approves one',
      additionalProperties: false,
    },
  ),
);
export type VotingRules = Static<typeof VotingRules>;

export const KeyVersion = component(
  'KeyVersion',
  Type.Object(
    {
      version: Type.Integer({ minimum: 1 }),
      x25519: Type.String(),
      ed25519: Type.String(),
      validFrom: Type.Optional(Type.String()),
      txId: Type.Optional(Type.String()),
    },
    {
      description: 'A version of a participant’s public keys as the directory records it',
      additionalProperties: false,
    },
  ),
);
