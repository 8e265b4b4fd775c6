import { Router, type Request } from 'express';
import type { RouteValidator } from '../http/request-validation.js';
import { wrap } from '../http/wrap.js';
import { checkedBody, checkedQuery } from '../shapes/kit.js';
import type { CareRequestFlow, NewCareRequest } from './care-request-flow.js';
import {
  CareBooking,
  CareClose,
  CareReason,
  CareRequestChange,
  NewCareRequest as NewShape,
  CareQuery,
} from './care-shapes.js';

/** The care-request endpoints (decision record 0047), mounted under /v1 with the other workflows. */
export function careRouter(care: CareRequestFlow, validate: RouteValidator): Router {
  const r = Router();
  const at = (req: Request) => [String(req.params.payer), String(req.params.number)] as const;
  const CASE = '/v1/care-requests/{payer}/{number}';

  r.get(
    '/care-requests',
    validate('/v1/care-requests', 'get'),
    wrap(async (req, res) => {
      res.json(await care.page(checkedQuery(req, CareQuery)));
    }),
  );
  r.post(
    '/care-requests',
    validate('/v1/care-requests', 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await care.create(checkedBody(req, NewShape) as NewCareRequest));
    }),
  );
  r.get(
    '/care-requests/:payer/:number',
    validate(CASE, 'get'),
    wrap(async (req, res) => {
      res.json(await care.get(...at(req)));
    }),
  );
  r.post(
    '/care-requests/:payer/:number/change',
    validate(`${CASE}/change`, 'post'),
    wrap(async (req, res) => {
      const [payer, number] = at(req);
      res.status(202).json(await care.change(payer, number, checkedBody(req, CareRequestChange)));
    }),
  );
  r.post(
    '/care-requests/:payer/:number/cancel',
    validate(`${CASE}/cancel`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await care.cancel(...at(req), checkedBody(req, CareReason).reason));
    }),
  );
  r.post(
    '/care-requests/:payer/:number/book',
    validate(`${CASE}/book`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await care.book(...at(req), checkedBody(req, CareBooking)));
    }),
  );
  r.post(
    '/care-requests/:payer/:number/decline',
    validate(`${CASE}/decline`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await care.decline(...at(req), checkedBody(req, CareReason).reason));
    }),
  );
  r.post(
    '/care-requests/:payer/:number/close',
    validate(`${CASE}/close`, 'post'),
    wrap(async (req, res) => {
      const b = checkedBody(req, CareClose);
      res.status(202).json(await care.close(...at(req), b.status, b.comment));
    }),
  );
  return r;
}
