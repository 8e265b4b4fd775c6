import { Router, type Request } from 'express';
import type { RouteValidator } from '../http/request-validation.js';
import { wrap } from '../http/wrap.js';
import { checkedBody } from '../shapes/kit.js';
import type { NewPriorAuthRequest, PriorAuthFlow } from './prior-auth-flow.js';
import {
  NewPriorAuthRequest as NewShape,
  PriorAuthCertify,
  PriorAuthInformation,
  PriorAuthPend,
  PriorAuthRefuse,
} from './prior-auth-shapes.js';

/** The guarantee-letter request endpoints (decision record 0054), mounted under /v1 with the other workflows. */
export function priorAuthRouter(pa: PriorAuthFlow, validate: RouteValidator): Router {
  const r = Router();
  const at = (req: Request) => [String(req.params.clinic), String(req.params.number)] as const;
  const CASE = '/v1/prior-auth-requests/{clinic}/{number}';

  r.get(
    '/prior-auth-requests',
    validate('/v1/prior-auth-requests', 'get'),
    wrap(async (req, res) => {
      res.json(await pa.page(req.query as Record<string, string | undefined>));
    }),
  );
  r.post(
    '/prior-auth-requests',
    validate('/v1/prior-auth-requests', 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await pa.create(checkedBody(req, NewShape) as NewPriorAuthRequest));
    }),
  );
  r.get(
    '/prior-auth-requests/:clinic/:number',
    validate(CASE, 'get'),
    wrap(async (req, res) => {
      res.json(await pa.get(...at(req)));
    }),
  );
  r.post(
    '/prior-auth-requests/:clinic/:number/information',
    validate(`${CASE}/information`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await pa.supply(...at(req), checkedBody(req, PriorAuthInformation)));
    }),
  );
  r.post(
    '/prior-auth-requests/:clinic/:number/withdraw',
    validate(`${CASE}/withdraw`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await pa.withdraw(...at(req), checkedBody(req, PriorAuthRefuse).reason));
    }),
  );
  r.post(
    '/prior-auth-requests/:clinic/:number/certify',
    validate(`${CASE}/certify`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await pa.certify(...at(req), checkedBody(req, PriorAuthCertify)));
    }),
  );
  r.post(
    '/prior-auth-requests/:clinic/:number/refuse',
    validate(`${CASE}/refuse`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await pa.refuse(...at(req), checkedBody(req, PriorAuthRefuse).reason));
    }),
  );
  r.post(
    '/prior-auth-requests/:clinic/:number/pend',
    validate(`${CASE}/pend`, 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await pa.pend(...at(req), checkedBody(req, PriorAuthPend)));
    }),
  );
  return r;
}
