import { Router, type Request } from 'express';
import type { RouteValidator } from '../http/request-validation.js';
import { wrap } from '../http/wrap.js';
import { checkedBody, type Static } from '../shapes/kit.js';
import { PaymentQuery, PaymentRequest } from './payment-shapes.js';
import type { Workflows } from './workflows.js';

/** The payment endpoints, mounted under /v1 behind the gateway's token. */
export function paymentRouter(w: Workflows, validate: RouteValidator): Router {
  const r = Router();
  r.get(
    '/payments',
    validate('/v1/payments', 'get'),
    wrap(async (req: Request, res) => {
      res.json({ items: await w.paymentStates(req.query as Static<typeof PaymentQuery>) });
    }),
  );
  r.post(
    '/payments',
    validate('/v1/payments', 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await w.pay(checkedBody(req, PaymentRequest)));
    }),
  );
  r.get(
    '/payments/:invoiceId',
    validate('/v1/payments/{invoiceId}', 'get'),
    wrap(async (req, res) => {
      res.json(await w.paymentState(String(req.params.invoiceId)));
    }),
  );
  return r;
}
