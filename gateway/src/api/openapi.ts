// The API's contract, assembled from the fragments each router owns, so that no router imports another and the
// document cannot drift: requests are validated against it (validate.ts) and the HTTP tests validate every response.
import { governanceApi } from '../governance/openapi.js';
import { directoryApi } from '../governance/directory-openapi.js';
import { delegationApi } from '../governance/delegation-openapi.js';
import { mailApi } from '../mail/openapi.js';
import { workflowsApi } from '../workflows/openapi.js';
import { paymentsApi } from '../workflows/payment-openapi.js';
import { figuresApi } from '../figures/openapi.js';
import { coreApi } from './openapi-core.js';
import { errors } from '../http/openapi-kit.js';

const STATE_CHANGING = ['post', 'put', 'patch', 'delete'];
/** Logging in and out happen before a principal exists to scope a key by (api/server.ts mounts them first). */
const WITHOUT_KEYS = new Set(['/v1/session']);

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'One fresh value per user action (a UUID), the same on every retry of that action: the first answer to ' +
    '(caller, key) is kept 24 hours and replayed (with `Idempotent-Replayed: true`) for the same request; the same ' +
    'key with another request answers 422 IDEMPOTENCY_KEY_REUSED, and a repeat while the first still runs waits ' +
    'for it, or answers 409 IDEMPOTENCY_IN_FLIGHT after 30 s.',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
} as const;

/**
 * Every state-changing operation takes the header, added here rather than in each fragment so that no operation can
 * be written without it; the 409 and 422 it can answer are added where an operation did not list them already.
 */
function withIdempotencyKeys<P extends Record<string, object>>(paths: P): P {
  const out: Record<string, object> = {};
  for (const [template, item] of Object.entries(paths)) {
    if (WITHOUT_KEYS.has(template)) {
      out[template] = item;
      continue;
    }
    out[template] = Object.fromEntries(
      Object.entries(item as Record<string, { parameters?: object[]; responses: object }>).map(
        ([method, op]) =>
          STATE_CHANGING.includes(method)
            ? [
                method,
                {
                  ...op,
                  parameters: [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }],
                  responses: { ...errors(409, 422), ...op.responses },
                },
              ]
            : [method, op],
      ),
    );
  }
  return out as P;
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'dmsnet gateway',
    version: '1.0.0',
    description:
      'A participant’s node: send shared-format documents, read what arrived, answer it, follow notifications; ' +
      'the edge workflows (coverage, guarantee letters, price lists, expertise acts) and the format registry.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    contact: { name: 'dmsnet' },
  },
  servers: [{ url: 'http://127.0.0.1:7101', description: 'a gateway on its default loopback port' }],
  security: [{ bearer: [] }, { session: [] }],
  tags: [
    ...coreApi.tags,
    ...workflowsApi.tags,
    ...paymentsApi.tags,
    ...figuresApi.tags,
    ...governanceApi.tags,
    ...directoryApi.tags,
    ...delegationApi.tags,
    ...mailApi.tags,
  ],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie', name: 'dmsnet_session' },
    },
    schemas: {
      ...coreApi.schemas,
      ...workflowsApi.schemas,
      ...paymentsApi.schemas,
      ...figuresApi.schemas,
      ...governanceApi.schemas,
      ...directoryApi.schemas,
      ...delegationApi.schemas,
      ...mailApi.schemas,
    },
    parameters: { IdempotencyKey: idempotencyKey },
  },
  paths: withIdempotencyKeys({
    ...coreApi.paths,
    ...workflowsApi.paths,
    ...paymentsApi.paths,
    ...figuresApi.paths,
    ...governanceApi.paths,
    ...directoryApi.paths,
    ...delegationApi.paths,
    ...mailApi.paths,
  }),
} as const;

export type OpenApiDocument = typeof openApiDocument;
