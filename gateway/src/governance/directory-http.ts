// The directory's administration over HTTP: the association's tools (`dmsnet-node participant …`, the console)
// hold the gateway's token or a session, and the gateway submits with the association's own ledger identity. The
// chaincode decides who may (NOT_AUTHORIZED → 403); the role table decides which people of a node may ask.
import { Router, type Request, type Response } from 'express';
import type { LedgerClient } from '../ledger/types.js';
import type { GatewayNode } from '../node/index.js';
import type { RouteValidator } from '../http/request-validation.js';
import { failGovernance } from './http.js';

const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as unknown;

/** Mounted under /v1 by startGatewayServer, after its JSON body parser and the token or session check. */
export function directoryRouter(ledger: LedgerClient, node: GatewayNode, validate: RouteValidator): Router {
  const r = Router();
  const submit = async (fn: string, args: string[]) => decode((await ledger.submit(fn, args)).result);
  const run = (h: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) =>
    h(req, res).catch((err: unknown) => failGovernance(res, err));

  r.post(
    '/governance/participants',
    validate('/v1/governance/participants', 'post'),
    run(async (req, res) => {
      res.status(201).json(await submit('directory:register', [JSON.stringify(req.body)]));
    }),
  );
  r.post(
    '/governance/participants/:id/suspend',
    validate('/v1/governance/participants/{id}/suspend', 'post'),
    run(async (req, res) => {
      res.json(await submit('directory:suspend', [String(req.params.id)]));
    }),
  );
  r.post(
    '/governance/participants/:id/resume',
    validate('/v1/governance/participants/{id}/resume', 'post'),
    run(async (req, res) => {
      res.json(await submit('directory:reinstate', [String(req.params.id)]));
    }),
  );
  r.get(
    '/governance/rules',
    run(async (_req, res) => {
      res.json(decode(await ledger.evaluate('formats:getRules', [])));
    }),
  );
  r.put(
    '/governance/rules',
    validate('/v1/governance/rules', 'put'),
    run(async (req, res) => {
      res.json(await submit('formats:setRules', [JSON.stringify(req.body)]));
    }),
  );
  r.post(
    '/keys/rotate',
    validate('/v1/keys/rotate', 'post'),
    run(async (_req, res) => {
      res.json(await node.rotateKeys());
    }),
  );
  return r;
}
