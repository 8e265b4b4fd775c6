// The documentation-request operations (documentation-http.ts), merged into the workflows' part of the contract.
import { errors, json, jsonBody } from '../http/openapi-kit.js';
import { componentSchemas, ref } from '../shapes/kit.js';
import {
  DocumentationCaseList,
  DocumentationSent,
  NewDocumentationRequest,
  documentationComponents,
} from './documentation-shapes.js';

export const documentationApi = {
  tags: [
    {
      name: 'documentation',
      description:
        'Medical documentation for expertise: the expert asks, the clinic answers with checked files (decision record 0056)',
    },
  ],
  schemas: componentSchemas(...documentationComponents),
  paths: {
    '/v1/documentation-requests': {
      get: {
        operationId: 'listDocumentationRequests',
        tags: ['documentation'],
        summary: 'The documentation requests this payer sent, newest first, with the answers they got',
        responses: { '200': json('requests', ref(DocumentationCaseList)), ...errors(401, 403) },
      },
      post: {
        operationId: 'requestDocumentation',
        tags: ['documentation'],
        summary:
          'Ask the clinic for the medical documentation behind lines of a received invoice (the expert)',
        requestBody: jsonBody(ref(NewDocumentationRequest)),
        responses: { '202': json('sent', ref(DocumentationSent)), ...errors(400, 401, 403, 404, 422) },
      },
    },
  },
} as const;
