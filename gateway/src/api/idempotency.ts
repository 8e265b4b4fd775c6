// Idempotency keys on state-changing requests (decision record 0026): a double click, or a client retrying after a
// lost answer, must not issue a second signed guarantee letter. The first answer to (principal, key) is kept in the
// node's store and replayed for the same request; the same key on another request is refused.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { errorCodeEntry } from '@dmsnet/formats/error-codes';
import type { GatewayStore } from '../store/store.js';
import type { Principal } from '../access/http.js';
import { ApiError } from '../http/errors.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_SYNTAX = /^[\x21-\x7e]{1,255}$/;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ANSWERS = 'idempotency';
/** `${expiry, zero-padded ms}\0${answer key}`: the expired answers are a key range, swept without reading the rest. */
const EXPIRY = 'idempotency-expiry';

interface StoredAnswer {
  fingerprint: string;
  status: number;
  body?: unknown;
  expiresAt: number;
}

interface InFlight {
  fingerprint: string;
  done: Promise<void>;
}

export interface IdempotencyOptions {
  /** How long an answer is replayed (default 24 hours, as payment APIs keep theirs). */
  ttlMs?: number;
  /** How long a repeat waits for the first request still running before 409 IDEMPOTENCY_IN_FLIGHT (default 30 s). */
  waitMs?: number;
  now?: () => number;
}

const principalOf = (res: Response) => {
  const p = res.locals.principal as Principal | undefined;
  return p?.kind === 'user' ? `user:${p.session.username}` : 'token';
};

/** What makes two requests "the same": method, path with query, and the body up to JSON key order and spacing. */
function fingerprintOf(req: Request): string {
  const body = req.body === undefined ? '' : canonicalJson(req.body);
  return createHash('sha256').update(`${req.method} ${req.originalUrl}\n${body}`).digest('base64url');
}

/**
 * Answers not worth replaying: a transient failure (the ledger was down, a read conflicted) may succeed on the next
 * try, and a 5xx says nothing about what the request did.
 */
function replayable(status: number, body: unknown): boolean {
  if (status >= 500) return false;
  const code = (body as { code?: unknown } | undefined)?.code;
  return typeof code !== 'string' || errorCodeEntry(code)?.retry !== 'transient';
}

/** Mounted after authentication (the principal scopes the key) and the JSON body parser (the body is fingerprinted). */
export function idempotency(store: GatewayStore, o: IdempotencyOptions = {}): RequestHandler {
  const ttlMs = o.ttlMs ?? 24 * 3600_000;
  const waitMs = o.waitMs ?? 30_000;
  const now = o.now ?? Date.now;
  // Per process: a node is one process, and its store is opened by one process only.
  const inFlight = new Map<string, InFlight>();
  let lastSweep = 0;

  const sweep = async () => {
    const t = now();
    if (t - lastSweep < 3600_000) return;
    lastSweep = t;
    const ops: Array<{ type: 'del'; sublevel: string; key: string }> = [];
    for await (const k of store.sublevel(EXPIRY).keys({ lt: String(t + 1).padStart(15, '0') })) {
      ops.push({ type: 'del', sublevel: EXPIRY, key: k });
      const answerKey = k.slice(16);
      // The key may have been used again after this entry expired: only an answer past its own expiry goes.
      const a = await store.get<StoredAnswer>(ANSWERS, answerKey);
      if (a && a.expiresAt <= t) ops.push({ type: 'del', sublevel: ANSWERS, key: answerKey });
    }
    await store.batch(ops);
  };

  const replay = (res: Response, a: StoredAnswer) => {
    // The action was audited when it happened; its replay is not another one.
    res.locals.idempotentReplay = true;
    res.set('Idempotent-Replayed', 'true').status(a.status);
    if (a.body === undefined) res.end();
    else res.json(a.body);
  };

  const handle = async (req: Request, res: Response, next: (err?: unknown) => void, key: string) => {
    const storeKey = store.blind(`${principalOf(res)}\0${key}`);
    const fingerprint = fingerprintOf(req);
    const deadline = now() + waitMs;
    for (;;) {
      // Checked and claimed without an await in between: two requests arriving together cannot both start.
      const running = inFlight.get(storeKey);
      if (running) {
        if (running.fingerprint !== fingerprint) throw reused();
        const left = deadline - now();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          running.done.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.max(0, left)))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          throw new ApiError(
            409,
            'IDEMPOTENCY_IN_FLIGHT',
            'a request with this Idempotency-Key is still being processed; repeat it later for its answer',
          );
        }
        continue;
      }
      let release!: () => void;
      const done = new Promise<void>((r) => (release = r));
      inFlight.set(storeKey, { fingerprint, done });
      const finish = () => {
        if (inFlight.get(storeKey)?.done === done) inFlight.delete(storeKey);
        release();
      };
      let stored: StoredAnswer | undefined;
      try {
        stored = await store.get<StoredAnswer>(ANSWERS, storeKey);
      } catch (err) {
        finish();
        throw err;
      }
      if (stored && stored.expiresAt > now()) {
        finish();
        if (stored.fingerprint !== fingerprint) throw reused();
        replay(res, stored);
        return;
      }
      capture(res, storeKey, fingerprint, finish);
      next();
      return;
    }
  };

  /**
   * The answer is written to the store before it is sent: a client that saw an answer gets the same one on a repeat,
   * even after a restart. Released when the response ends whatever happened, so a waiter never hangs.
   */
  const capture = (res: Response, storeKey: string, fingerprint: string, finish: () => void) => {
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        finish();
      }
    };
    res.on('close', settle);
    const keep = async (status: number, body: unknown) => {
      if (!replayable(status, body)) return;
      const expiresAt = now() + ttlMs;
      await store.batch([
        { type: 'put', sublevel: ANSWERS, key: storeKey, value: { fingerprint, status, body, expiresAt } },
        {
          type: 'put',
          sublevel: EXPIRY,
          key: `${String(expiresAt).padStart(15, '0')}\0${storeKey}`,
          value: 1,
        },
      ]);
    };
    const json = res.json.bind(res);
    const end = res.end.bind(res) as (...a: unknown[]) => Response;
    let viaJson = false;
    res.json = (body: unknown) => {
      viaJson = true;
      keep(res.statusCode, body)
        .catch(() => {
          // Not kept: the action happened and its answer still goes out; a repeat would run it again, as it would
          // without a key.
        })
        .finally(() => {
          json(body);
          settle();
        });
      return res;
    };
    // A bodiless answer (204) goes through end() alone.
    res.end = ((...a: unknown[]) => {
      if (viaJson || res.statusCode !== 204) return end(...a);
      keep(204, undefined)
        .catch(() => undefined)
        .finally(() => {
          end(...a);
          settle();
        });
      return res;
    }) as Response['end'];
    void sweep().catch(() => undefined);
  };

  const reused = () =>
    new ApiError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was used for a different request: send a new key for a new action',
      [
        {
          pointer: '/headers/idempotency-key',
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: 'used for another request',
        },
      ],
    );

  return (req, res, next) => {
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (!STATE_CHANGING.has(req.method) || key === undefined) {
      next();
      return;
    }
    if (typeof key !== 'string' || !KEY_SYNTAX.test(key)) {
      next(
        new ApiError(400, 'REQUEST_INVALID', 'the Idempotency-Key header is malformed', [
          {
            pointer: '/headers/idempotency-key',
            code: 'REQUEST_PATTERN',
            message: '1 to 255 printable ASCII characters, no spaces',
          },
        ]),
      );
      return;
    }
    handle(req, res, next, key).catch(next);
  };
}
