// Delegations over HTTP (decision record 0055): an insurer delegates to an assistance company, changes and revokes
// its delegations, and lists the documents sent or received in its name; anyone lists the delegations in force for
// a party. The gateway submits with the node's own ledger identity: the chaincode decides who may.
import { Router, type Request } from 'express';
import type { ErrorCode } from '@dmsnet/formats/error-codes';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { LedgerClient } from '../ledger/types.js';
import type { RouteValidator } from '../http/request-validation.js';
import { wrap } from '../http/wrap.js';
import type { Static } from '../shapes/kit.js';
import type { DelegationQuery, OnBehalfQuery } from './delegation-shapes.js';

/** The same refusal, its fields named where the caller put them: in the request body. */
function underBody(err: DmsnetError): DmsnetError {
  const e = new DmsnetError(
    err.code as ErrorCode,
    err.message,
    err.errors.map((f) => ({ ...f, pointer: `/body${f.pointer}` })),
  );
  e.name = err.name;
  return e;
}

const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as unknown;

/** Mounted under /v1 behind the token by the node's API assembly (api/node-api.ts). */
export function delegationRouter(
  ledger: LedgerClient,
  participantId: string,
  validate: RouteValidator,
): Router {
  const r = Router();
  const submit = async (fn: string, args: string[]) => decode((await ledger.submit(fn, args)).result);
  /** A submit whose argument is the request body: the chaincode's pointers are re-rooted at `/body`. */
  const submitBody = async (fn: string, args: string[]) => {
    try {
      return await submit(fn, args);
    } catch (err) {
      throw err instanceof DmsnetError && err.errors.length > 0 ? underBody(err) : err;
    }
  };
  const evaluate = async (fn: string, args: string[]) => decode(await ledger.evaluate(fn, args));

  r.post(
    '/delegations',
    validate('/v1/delegations', 'post'),
    wrap(async (req, res) => {
      res.status(201).json(await submitBody('delegations:delegate', [JSON.stringify(req.body)]));
    }),
  );
  r.get(
    '/delegations',
    validate('/v1/delegations', 'get'),
    wrap(async (req: Request, res) => {
      const q = req.query as Static<typeof DelegationQuery>;
      const items = await evaluate('delegations:list', [q.party ?? participantId, q.inForce ?? 'true']);
      res.json({ items });
    }),
  );
  r.post(
    '/delegations/:id/revoke',
    validate('/v1/delegations/{id}/revoke', 'post'),
    wrap(async (req, res) => {
      const { reason } = req.body as { reason: string };
      res.json(await submitBody('delegations:revoke', [String(req.params.id), reason]));
    }),
  );
  r.get(
    '/delegations/:principal/:id/history',
    validate('/v1/delegations/{principal}/{id}/history', 'get'),
    wrap(async (req, res) => {
      const items = await evaluate('delegations:history', [
        String(req.params.principal),
        String(req.params.id),
      ]);
      res.json({ items });
    }),
  );
  r.get(
    '/on-behalf',
    validate('/v1/on-behalf', 'get'),
    wrap(async (req: Request, res) => {
      const q = req.query as Static<typeof OnBehalfQuery>;
      const page = (await evaluate('exchange:onBehalf', [
        participantId,
        '{}',
        String(Math.min(1000, Math.max(1, Number(q.pageSize ?? 100)))),
        q.cursor ?? '',
      ])) as { items: unknown[]; bookmark?: string };
      res.json({ items: page.items, ...(page.bookmark ? { nextCursor: page.bookmark } : {}) });
    }),
  );
  return r;
}
