import type { RequestHandler } from 'express';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '@dmsnet/formats/errors';
import { checkLimits } from '@dmsnet/formats/limits';
import { ApiError } from './errors.js';

const DOCUMENT_REF = '#/components/schemas/Document';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: object;
}

interface Operation {
  parameters?: ReadonlyArray<Parameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: object }> };
}

/** What a route validator needs of an OpenAPI document: its operations and the components they refer to. */
export interface OpenApiContract {
  paths: Record<string, unknown>;
  components: { schemas?: object; parameters?: object };
}

/** Builds the middleware that checks a request against the operation `method path` of the contract. */
export type RouteValidator = (path: string, method: string) => RequestHandler;

function makeAjv(contract: OpenApiContract, coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: coerce });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: contract.components }, 'openapi');
  return ajv;
}

const rewriteRefs = (schema: object): object =>
  JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/')) as object;

function toFieldErrors(prefix: string, errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    let pointer = prefix + e.instancePath;
    if (e.keyword === 'required')
      pointer += '/' + String((e.params as { missingProperty: string }).missingProperty);
    if (e.keyword === 'additionalProperties') {
      pointer += '/' + String((e.params as { additionalProperty: string }).additionalProperty);
    }
    return { pointer, code: `REQUEST_${e.keyword.toUpperCase()}`, message: e.message ?? 'invalid' };
  });
}

function objectSchema(params: readonly Parameter[]): object {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

/** A shared parameter (`#/components/parameters/...`, the Idempotency-Key header) in place of its reference. */
function resolveParameter(contract: OpenApiContract, p: Parameter | { $ref: string }): Parameter {
  if (!('$ref' in p)) return p;
  const name = p.$ref.replace('#/components/parameters/', '');
  const found = (contract.components.parameters as Record<string, Parameter> | undefined)?.[name];
  if (!found) throw new Error(`no OpenAPI parameter ${p.$ref}`);
  return found;
}

/**
 * The validator of one contract. Routers receive it rather than import the document, so the rooms that declare parts
 * of the contract never depend on the room that assembles it. An operation missing from the contract fails when the
 * router is built, that is at a node's start.
 */
export function routeValidator(contract: OpenApiContract): RouteValidator {
  // Query strings and path params arrive as text: only they are coerced; JSON bodies are checked as sent.
  const textAjv = makeAjv(contract, true);
  const bodyAjv = makeAjv(contract, false);
  return (path, method) => validateOperation(contract, textAjv, bodyAjv, path, method);
}

function validateOperation(
  contract: OpenApiContract,
  textAjv: Ajv2020,
  bodyAjv: Ajv2020,
  path: string,
  method: string,
): RequestHandler {
  const op = (contract.paths[path] as Record<string, Operation> | undefined)?.[method];
  if (!op) throw new Error(`no OpenAPI operation ${method} ${path}`);
  const params = (op.parameters ?? []).map((p) => resolveParameter(contract, p));
  const checks: Array<{ where: 'params' | 'query' | 'headers'; fn: ValidateFunction }> = [];
  for (const where of ['path', 'query', 'header'] as const) {
    const list = params.filter((p) => p.in === where);
    if (!list.length) continue;
    const schema = rewriteRefs(
      where === 'header'
        ? objectSchema(list.map((p) => ({ ...p, name: p.name.toLowerCase() })))
        : objectSchema(list),
    );
    checks.push({
      where: where === 'path' ? 'params' : where === 'header' ? 'headers' : 'query',
      fn: textAjv.compile(schema),
    });
  }
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const body = bodySchema ? bodyAjv.compile(rewriteRefs(bodySchema)) : undefined;
  // A document's own limits are the format's, checked by the node (422 DOCUMENT_INVALID); every other body gets the
  // same linear pass here, before any pattern or format (some, such as ajv's "uri", overflow the stack on a text of
  // millions of characters) runs over it.
  const limitBody = bodySchema !== undefined && !('$ref' in bodySchema && bodySchema.$ref === DOCUMENT_REF);
  const bodyRequired = op.requestBody?.required ?? false;
  return (req, _res, next) => {
    const errors: FieldError[] = [];
    let limits: FieldError[];
    for (const c of checks) {
      // Express 5's req.query is a getter: validate (and coerce) a copy, then expose it.
      const value =
        c.where === 'query'
          ? { ...(req.query as object) }
          : c.where === 'params'
            ? { ...req.params }
            : { ...req.headers };
      if (!c.fn(value)) errors.push(...toFieldErrors('/' + c.where, c.fn.errors));
      else if (c.where === 'query') Object.defineProperty(req, 'query', { value, writable: true });
    }
    if (body) {
      // express.json() leaves req.body undefined when nothing (or nothing JSON) was sent.
      if (req.body === undefined) {
        if (bodyRequired)
          errors.push({ pointer: '/body', code: 'REQUEST_REQUIRED', message: 'a JSON body is required' });
      } else if (limitBody && (limits = checkLimits(req.body)).length) {
        errors.push(...limits.map((e) => ({ ...e, pointer: '/body' + e.pointer })));
      } else if (!body(req.body)) {
        errors.push(...toFieldErrors('/body', body.errors));
      }
    }
    if (errors.length)
      next(new ApiError(400, 'REQUEST_INVALID', `the request breaks ${errors.length} rule(s)`, errors));
    else next();
  };
}
