import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DmsnetError, type FieldError } from '../../../formats/src/errors.js';

export class ApiError extends DmsnetError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    errors: readonly FieldError[] = [],
  ) {
    super(code, message, errors);
  }
}

const STATUS: Record<string, number> = {
  UNAUTHORIZED: 401,
  CURSOR_INVALID: 400,
  EVENT_ID_BEYOND_LOG: 400,
  NOT_FOUND: 404,
  MESSAGE_ID_CONFLICT: 409,
  ID_AMBIGUOUS: 409,
  STATUS_FINAL: 409,
  REPLY_IS_FINAL: 409,
  NO_CMS_SIGNATURE: 409,
  SIGNER_UNAVAILABLE: 409,
  CERT_ISSUER_UNTRUSTED: 422,
  CERT_KEY_UNSUPPORTED: 422,
  CERT_EXPIRED: 422,
  CERT_SUBJECT_MISMATCH: 422,
  CERT_ALREADY_REGISTERED: 409,
  CERT_NOT_REGISTERED: 409,
  PAYLOAD_TOO_LARGE: 413,
  PURGED: 410,
  PURGE_NOT_FINAL: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DOCUMENT_INVALID: 422,
  SENDER_NOT_SELF: 422,
  ADDRESSEE_UNKNOWN: 422,
  ADDRESSEE_INACTIVE: 422,
  FORMAT_NOT_ACTIVE: 422,
  PARTICIPANT_NOT_FOUND: 404,
  LEDGER_UNAVAILABLE: 503,
  USER_NOT_FOUND: 404,
  USER_EXISTS: 409,
};

export function statusOf(err: DmsnetError): number {
  if (err instanceof ApiError) return err.status;
  if (STATUS[err.code]) return STATUS[err.code];
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
