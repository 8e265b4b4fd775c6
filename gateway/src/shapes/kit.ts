// The building blocks of the API's shapes (decision record 0038). Each request and response shape is declared once
// with TypeBox: its TypeScript type is `Static<typeof X>` and its JSON Schema is the declaration itself, published in
// the contract's components. This room imports nothing of the gateway, so every room that owns a shape can use it.
import Type, { type Static, type TObject, type TSchema, type TUnsafe } from 'typebox';

export { Type, type Static, type TSchema };

const componentNames = new WeakMap<TSchema, string>();

/** A shape the contract publishes under `components/schemas/<name>`, so that others refer to it by `ref`. */
export function component<T extends TSchema>(name: string, schema: T): T {
  componentNames.set(schema, name);
  return schema;
}

/** A `$ref` to a component, typed as the component is. */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  const name = componentNames.get(schema);
  if (name === undefined) throw new Error('ref() of a schema not declared with component()');
  return Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${name}` });
}

/** The `components.schemas` of a router's part of the contract, keyed by the names the shapes were declared with. */
export function componentSchemas(...schemas: TSchema[]): Record<string, TSchema> {
  const out: Record<string, TSchema> = {};
  for (const schema of schemas) {
    const name = componentNames.get(schema);
    if (name === undefined) throw new Error('componentSchemas() of a schema not declared with component()');
    if (name in out) throw new Error(`two components named ${name}`);
    out[name] = schema;
  }
  return out;
}

/**
 * Exactly one of the alternatives (`oneOf`): TypeBox's Union is `anyOf`, which says less where the alternatives are
 * told apart by a discriminator (`kind`) and the published contract has always said `oneOf`.
 */
export function OneOf<T extends TSchema[]>(
  alternatives: [...T],
  options: object = {},
): TUnsafe<Static<T[number]>> {
  return Type.Unsafe<Static<T[number]>>({ ...options, oneOf: alternatives });
}

/**
 * An object whose members the contract does not describe (a document's header and body, a receipt as signed): its
 * properties pass through unread, whatever they are.
 */
export const OpenObject = (options: object = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', ...options });

/**
 * An object of any member names whose values are all one shape (`additionalProperties`), as OpenAPI tools read it:
 * TypeBox's Record spells it `patternProperties: {"^.*$": …}`, which means the same to ajv but less to generators.
 */
export const Dictionary = <T extends TSchema>(value: T) =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value });

/** ОГРН (13 digits) or ОГРНИП (15). */
export const Ogrn = (options: object = {}) =>
  Type.String({ pattern: '^[0-9]{13}([0-9]{2})?$', description: 'ОГРН (13) or ОГРНИП (15)', ...options });
export const IsoDate = (options: object = {}) => Type.String({ format: 'date', ...options });
export const DateTime = (options: object = {}) => Type.String({ format: 'date-time', ...options });
export const Sha256Hex = (options: object = {}) => Type.String({ pattern: '^[0-9a-f]{64}$', ...options });

/** A page of items: the next page is asked for with `cursor` = `nextCursor`; no `nextCursor` is the last page. */
export const Page = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Optional(Type.String({ description: 'absent on the last page' })),
    },
    { description, additionalProperties: false },
  );

/** `{items: [...]}` without paging. */
export const Items = <T extends TSchema>(item: T, description: string) =>
  Type.Object({ items: Type.Array(item) }, { description, additionalProperties: false });

/**
 * The OpenAPI query parameters of a declared query: one per property, in declaration order, required where the
 * property is; a property's description is the parameter's, as OpenAPI readers show it there.
 */
export function queryParameters(query: TObject) {
  const required = new Set<string>(query.required ?? []);
  return Object.entries(query.properties).map(([name, property]) => {
    const { description, ...schema } = JSON.parse(JSON.stringify(property)) as { description?: string };
    return {
      name,
      in: 'query',
      ...(required.has(name) ? { required: true } : {}),
      ...(description === undefined ? {} : { description }),
      schema,
    };
  });
}

/**
 * The body of a request whose route validator has checked it against `shape`, typed as the declaration says (express
 * leaves it `any`), so a handler reads only what the contract lets in.
 */
export const checkedBody = <T extends TSchema>(req: { body?: unknown }, _shape: T): Static<T> =>
  req.body as Static<T>;

/** The query a route validator has checked (and coerced: a limit arrives a number) against `shape`, typed as declared. */
export const checkedQuery = <T extends TSchema>(req: { query?: unknown }, _shape: T): Static<T> =>
  req.query as Static<T>;
