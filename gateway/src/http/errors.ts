import type { ErrorCode } from '@dmsnet/formats/error-codes';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { errorCodeEntry } from '@dmsnet/formats/error-codes';

export class ApiError extends DmsnetError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    errors: readonly FieldError[] = [],
  ) {
    super(code, message, errors);
  }
}

export function statusOf(err: DmsnetError): number {
  if (err instanceof ApiError) return err.status;
  const entry = errorCodeEntry(err.code);
  if (entry) return entry.status;
  // Codes the registry cannot know: another gateway's or a newer chaincode's, passed through as they came.
  if (err.code.startsWith('REQUEST_')) return 400;
  return 422;
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`));
};

/** One error shape for everything; internals (stacks, document content) never reach the caller or the log. */
export function errorHandler(log: (o: object, msg: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { type?: string; status?: number };
    let body: { code: string; message: string; errors: FieldError[]; [k: string]: unknown };
    let status: number;
    if (err instanceof DmsnetError) {
      status = statusOf(err);
      body = err.toJSON();
    } else if (e?.type === 'entity.too.large') {
      status = 413;
      body = { code: 'PAYLOAD_TOO_LARGE', message: 'the request body exceeds the size limit', errors: [] };
    } else if (e?.type === 'entity.parse.failed') {
      status = 400;
      body = {
        code: 'BODY_NOT_JSON',
        message: 'the request body is not valid JSON',
        errors: [{ pointer: '/body', code: 'BODY_NOT_JSON', message: 'cannot parse as JSON' }],
      };
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status;
      body = { code: 'REQUEST_INVALID', message: 'the request cannot be read', errors: [] };
    } else {
      status = 500;
      body = { code: 'INTERNAL', message: 'internal error', errors: [] };
      log(
        { method: req.method, path: req.path, err: err instanceof Error ? err.message : String(err) },
        'internal error',
      );
    }
    res.status(status).json(body);
  };
}
