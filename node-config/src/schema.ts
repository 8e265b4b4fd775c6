import { MAIL_CONFIG_SCHEMA } from '../../gateway/src/mail/settings.js';

// A week at most for any urgency: a deadline beyond that is no service level.
const minutes = { type: 'integer', minimum: 1, maximum: 10080 };
const CARE_MINUTES = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { emergency: minutes, urgent: minutes, planned: minutes },
};

// Deadline terms: defaults, and one insurer's own by its ОГРН (its check digit is checked with the config's ids).
const DEADLINE_TERMS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    default: CARE_MINUTES,
    byInsurer: {
      type: 'object',
      propertyNames: { pattern: '^[0-9]{13}([0-9]{2})?$' },
      additionalProperties: CARE_MINUTES,
    },
  },
};

// The node's config file, as a JSON Schema: operators edit YAML by hand, so every rule lives here where ajv
// can name the key it broke.
export const NODE_CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dmsnet.example/node-config.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'participant', 'ledger', 'api', 'keys'],
  properties: {
    version: { const: 1 },
    participant: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'role', 'name'],
      properties: {
        id: { type: 'string', pattern: '^[0-9]{13}$' },
        role: { enum: ['clinic', 'insurer', 'assistance', 'association'] },
        name: { type: 'string', minLength: 1, maxLength: 500 },
        inn: { type: 'string', pattern: '^[0-9]{10}$' },
      },
    },
    ledger: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: { enum: ['embedded', 'fabric'] },
        embedded: {
          type: 'object',
          additionalProperties: false,
          required: ['dir', 'mspId', 'sandboxAssociation'],
          properties: {
            dir: { type: 'string', minLength: 1 },
            mspId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9.-]*$' },
            sandboxAssociation: { type: 'boolean' },
          },
        },
        fabric: {
          type: 'object',
          additionalProperties: false,
          required: ['mspId', 'peerEndpoint', 'tls', 'channel', 'chaincode'],
          properties: {
            mspId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9.-]*$' },
            // host:port, as grpc-js takes it; a scheme here is the commonest operator mistake.
            peerEndpoint: { type: 'string', pattern: '^[A-Za-z0-9.-]+:[0-9]{1,5}$' },
            peerHostAlias: { type: 'string', minLength: 1 },
            // The organisation's other peers: the event stream follows one when peerEndpoint was rebuilt from a
            // ledger snapshot and serves no earlier block (decision record 0053).
            otherPeers: {
              type: 'array',
              maxItems: 8,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['endpoint'],
                properties: {
                  endpoint: { type: 'string', pattern: '^[A-Za-z0-9.-]+:[0-9]{1,5}$' },
                  hostAlias: { type: 'string', minLength: 1 },
                },
              },
            },
            channel: { type: 'string', pattern: '^[a-z][a-z0-9.-]*$' },
            chaincode: { type: 'string', minLength: 1 },
            connectTimeoutMs: { type: 'integer', minimum: 100, maximum: 120000 },
            tls: {
              type: 'object',
              additionalProperties: false,
              required: ['caCert'],
              properties: {
                caCert: { type: 'string', minLength: 1 },
                clientCert: { type: 'string', minLength: 1 },
                clientKey: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
      allOf: [
        { if: { properties: { mode: { const: 'embedded' } } }, then: { required: ['embedded'] } },
        { if: { properties: { mode: { const: 'fabric' } } }, then: { required: ['fabric'] } },
      ],
    },
    api: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'port'],
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        tokenFile: { type: 'string', minLength: 1 },
        tokenEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
        maxBodyBytes: { type: 'integer', minimum: 1024 },
        // Names the console is reached by besides loopback (behind a reverse proxy); any other Host is refused.
        hostNames: {
          type: 'array',
          items: { type: 'string', pattern: '^[A-Za-z0-9.-]{1,253}$' },
          uniqueItems: true,
        },
        // Set when people reach the console over HTTPS (a TLS proxy in front): the session cookie gets Secure.
        secureCookies: { type: 'boolean' },
      },
      oneOf: [{ required: ['tokenFile'] }, { required: ['tokenEnv'] }],
    },
    keys: {
      type: 'object',
      additionalProperties: false,
      required: ['file', 'version'],
      properties: {
        file: { type: 'string', minLength: 1 },
        version: { type: 'integer', minimum: 1 },
      },
    },
    dataDir: { type: 'string', minLength: 1 },
    webhooks: {
      type: 'array',
      items: { type: 'string', format: 'uri', pattern: '^https?://' },
    },
    // Address ranges webhooks may post to besides loopback (CIDR); nothing else is reachable by default.
    webhookAllow: {
      type: 'array',
      items: { type: 'string', pattern: '^[0-9A-Fa-f.:]+/[0-9]{1,3}$' },
    },
    // Minutes a clinic has to answer a care request, by urgency (decision records 0047, 0062): the node's defaults and
    // each insurer's own terms by its ОГРН. A payer's node writes them into its requests; a clinic's node holds the
    // sender's stated deadline to them.
    careDeadlines: DEADLINE_TERMS,
    // Minutes a payer has to answer a guarantee-letter request, by urgency (decision records 0054, 0062): a clinic's
    // node writes them into its requests; a payer's node holds the clinic's stated deadline to them.
    priorAuthDeadlines: DEADLINE_TERMS,
    adapters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dropDir: { type: 'string', minLength: 1 },
        mappings: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['file'],
            properties: {
              file: { type: 'string', minLength: 1 },
              addressee: { type: 'string', pattern: '^[0-9]{13}([0-9]{2})?$' },
              match: { type: 'string', minLength: 1, maxLength: 200 },
              // Body fields every file of this route gets (a list's number scheme, a contract), where files lack them.
              body: { type: 'object' },
            },
          },
        },
      },
    },
    // The mail bridge: correspondents not on the network send documents to this mailbox (decision record 0042).
    mail: MAIL_CONFIG_SCHEMA,
  },
} as const;
