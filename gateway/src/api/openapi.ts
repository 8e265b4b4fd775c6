// The API's contract, assembled from the fragments each router owns, so that no router imports another and the
// document cannot drift: requests are validated against it (validate.ts) and the HTTP tests validate every response.
import { governanceApi } from '../governance/openapi.js';
import { workflowsApi } from '../workflows/openapi.js';
import { coreApi } from './openapi-core.js';

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
  tags: [...coreApi.tags, ...workflowsApi.tags, ...governanceApi.tags],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie', name: 'dmsnet_session' },
    },
    schemas: { ...coreApi.schemas, ...workflowsApi.schemas, ...governanceApi.schemas },
  },
  paths: { ...coreApi.paths, ...workflowsApi.paths, ...governanceApi.paths },
} as const;

export type OpenApiDocument = typeof openApiDocument;
