import { Router, type Request } from 'express';
import type { RouteValidator } from '../http/request-validation.js';
import { wrap } from '../http/wrap.js';
import { checkedBody, checkedQuery } from '../shapes/kit.js';
import { OneCQuery, PaymentQuery, PaymentRequest, ReconcileRequest } from './payment-shapes.js';
import type { Workflows } from './workflows.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The payment and reconciliation endpoints, mounted under /v1 behind the gateway's token. */
export function paymentRouter(w: Workflows, validate: RouteValidator): Router {
  const r = Router();
  r.get(
    '/payments',
    validate('/v1/payments', 'get'),
    wrap(async (req: Request, res) => {
      res.json({ items: await w.paymentStates(checkedQuery(req, PaymentQuery)) });
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
  r.get(
    '/exports/payments-1c',
    validate('/v1/exports/payments-1c', 'get'),
    wrap(async (req, res) => {
      const q = checkedQuery(req, OneCQuery);
      res
        .type('text/plain; charset=windows-1251')
        .attachment(`payments-${q.from}-${q.to}.txt`)
        .send(await w.paymentsOneC(q));
    }),
  );
  r.post(
    '/reconciliations',
    validate('/v1/reconciliations', 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await w.reconcile(checkedBody(req, ReconcileRequest)));
    }),
  );
  r.get(
    '/reconciliations/:id',
    validate('/v1/reconciliations/{id}', 'get'),
    wrap(async (req, res) => {
      res.json(await w.reconciliation(String(req.params.id)));
    }),
  );
  r.get(
    '/reconciliations/:id/xlsx',
    validate('/v1/reconciliations/{id}/xlsx', 'get'),
    wrap(async (req, res) => {
      const { name, bytes } = await w.reconciliationXlsx(String(req.params.id));
      res.type(XLSX_TYPE).attachment(name).send(bytes);
    }),
  );
  return r;
}
