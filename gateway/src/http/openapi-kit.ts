// Building blocks of the API contract, shared by the fragments each router owns (api/openapi-core.ts,
// workflows/openapi.ts, governance/openapi.ts); api/openapi.ts assembles them into the one document.

/** A router's part of the document: its tags, its component schemas and its paths. */
export interface OpenApiFragment {
  tags: ReadonlyArray<{ name: string; description: string }>;
  schemas: Record<string, object>;
  paths: Record<string, object>;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` }) as const;

/** A JSON response with its schema. */
export const json = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});

const errorResponse = json('an error: a stable code, a message and the fields at fault', ref('Error'));

/**
 * The error statuses an operation answers with, and a default: any other failure (500, 503 with the ledger down)
 * has the same shape.
 */
export const errors = (...codes: number[]) => ({
  ...Object.fromEntries(codes.map((c) => [String(c), errorResponse])),
  default: errorResponse,
});

export const jsonBody = (schema: object, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

/** A page of items: the next page is asked for with `cursor` = `nextCursor`; no `nextCursor` is the last page. */
export const page = (item: object, description: string) => ({
  type: 'object',
  description,
  required: ['items'],
  properties: {
    items: { type: 'array', items: item },
    nextCursor: { type: 'string', description: 'absent on the last page' },
  },
  additionalProperties: false,
});

/** `{items: [...]}` without paging. */
export const items = (item: object, description: string) => ({
  type: 'object',
  description,
  required: ['items'],
  properties: { items: { type: 'array', items: item } },
  additionalProperties: false,
});

export const OGRN = {
  type: 'string',
  pattern: '^[0-9]{13}([0-9]{2})?$',
  description: 'ОГРН (13) or ОГРНИП (15)',
};
export const DATE = { type: 'string', format: 'date' };
export const DATE_TIME = { type: 'string', format: 'date-time' };
export const SHA256_HEX = { type: 'string', pattern: '^[0-9a-f]{64}$' };

/** The path parameter of every route about one document. */
export const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description:
    'The ledger id `<sender ОГРН>:<documentId>` (as lists and send results give it), or the documentId alone while ' +
    'no other document at this node has it (otherwise 409 ID_AMBIGUOUS lists the ledger ids)',
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,143}$' },
} as const;
