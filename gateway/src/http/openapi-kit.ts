// Building blocks of the API contract's operations, shared by the fragments each router owns (api/openapi-core.ts,
// workflows/openapi.ts, governance/openapi.ts); api/openapi.ts assembles them into the one document. The shapes the
// operations take and answer are declared with TypeBox in the rooms that own them (shapes/kit.ts, decision 0038).

/** A router's part of the document: its tags, its component schemas and its paths. */
export interface OpenApiFragment {
  tags: ReadonlyArray<{ name: string; description: string }>;
  schemas: Record<string, object>;
  paths: Record<string, object>;
}

/** A JSON response with its schema. */
export const json = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});

// The error shape is declared in api/shapes.ts, which this leaf cannot import; every fragment refers to it by name.
const errorResponse = json('an error: a stable code, a message and the fields at fault', {
  $ref: '#/components/schemas/Error',
});

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
