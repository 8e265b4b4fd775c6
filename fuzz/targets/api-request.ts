// REST request validation against the OpenAPI contract: for every operation of the contract, a request whose
// path params, query, headers and body come from the input must be passed on or refused with REQUEST_INVALID.
import type { Request, Response } from 'express';
import { ApiError } from '../../gateway/src/http/errors.js';
import { openApiDocument } from '../../gateway/src/api/openapi.js';
import { validateRequest } from '../../gateway/src/api/validate.js';
import { check, InvariantBroken, type FuzzTarget } from './target.js';

type Path = keyof typeof openApiDocument.paths;
const operations = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
  Object.keys(item as object)
    .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
    .map((method) => ({ name: `${method} ${path}`, check: validateRequest(path as Path, method) })),
);

const asTextRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const target: FuzzTarget = {
  name: 'api-request',
  maxLength: 16 * 1024,
  dictionary: [
    '{"params":{',
    '"query":{',
    '"headers":{',
    '"body":',
    '"limit":"',
    '"cursor":"',
    '"id":"',
    '"type":"',
    'invoice',
    '"idempotency-key":"',
    '[]',
    '{}',
    'null',
    '1e309',
    '"',
  ],
  run(data) {
    if (data.length === 0) return;
    const op = operations[data[0]! % operations.length]!;
    let parts: unknown;
    try {
      parts = JSON.parse(new TextDecoder().decode(data.subarray(1)));
    } catch {
      return;
    }
    const p = asTextRecord(parts);
    const req = {
      params: asTextRecord(p.params),
      query: asTextRecord(p.query),
      headers: asTextRecord(p.headers),
      body: p.body,
    } as unknown as Request;
    let calls = 0;
    let passed: unknown = undefined;
    try {
      op.check(req, {} as Response, (err?: unknown) => {
        calls++;
        passed = err;
      });
    } catch (e) {
      throw new InvariantBroken(`${op.name}: the validator threw`, e);
    }
    check(calls === 1, `${op.name}: next() was called ${calls} times`);
    if (passed !== undefined)
      check(
        passed instanceof ApiError && passed.code === 'REQUEST_INVALID' && passed.errors.length > 0,
        `${op.name}: refused with something other than REQUEST_INVALID: ${String(passed)}`,
      );
  },
};
export default target;
