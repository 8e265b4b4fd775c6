import { Router } from 'express';
import type { RouteValidator } from '../http/request-validation.js';
import { wrap } from '../http/wrap.js';
import { checkedBody } from '../shapes/kit.js';
import type { DocumentationFlow, DocumentationRequestInput } from './documentation-flow.js';
import { NewDocumentationRequest } from './documentation-shapes.js';

/** The documentation-request endpoints (decision record 0056), mounted under /v1 with the other workflows. */
export function documentationRouter(flow: DocumentationFlow, validate: RouteValidator): Router {
  const r = Router();
  r.get(
    '/documentation-requests',
    validate('/v1/documentation-requests', 'get'),
    wrap(async (_req, res) => {
      res.json({ items: await flow.list() });
    }),
  );
  r.post(
    '/documentation-requests',
    validate('/v1/documentation-requests', 'post'),
    wrap(async (req, res) => {
      res
        .status(202)
        .json(await flow.request(checkedBody(req, NewDocumentationRequest) as DocumentationRequestInput));
    }),
  );
  return r;
}
