// The figures operations (http.ts) for the gateway's OpenAPI document (api/openapi.ts).
import { errors, json, type OpenApiFragment } from '../http/openapi-kit.js';
import { componentSchemas, queryParameters, ref } from '../shapes/kit.js';
import { Dashboard, FigureTableId, figuresComponents, FiguresQuery } from './shapes.js';

export const figuresApi = {
  tags: [{ name: 'figures', description: 'Dashboards: figures folded from this node’s own documents' }],
  schemas: componentSchemas(...figuresComponents),
  paths: {
    '/v1/figures': {
      get: {
        operationId: 'getFigures',
        tags: ['figures'],
        summary: 'The dashboard’s tables for a period of months (this node’s own documents only)',
        parameters: queryParameters(FiguresQuery),
        responses: { '200': json('the tables', ref(Dashboard)), ...errors(400, 401, 403) },
      },
    },
    '/v1/figures/{table}/xlsx': {
      get: {
        operationId: 'exportFigureTable',
        tags: ['figures'],
        summary: 'One chart’s table as an XLSX workbook',
        parameters: [
          { name: 'table', in: 'path', required: true, schema: FigureTableId },
          ...queryParameters(FiguresQuery),
        ],
        responses: {
          '200': {
            description: 'the workbook',
            content: {
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', format: 'binary' },
              },
            },
          },
          ...errors(400, 401, 403, 404),
        },
      },
    },
  },
} as const satisfies OpenApiFragment;
