import { Router } from 'express';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { RouteValidator } from '../http/request-validation.js';
import type { Workflows } from './workflows.js';
import { wrap } from '../http/wrap.js';
import { checkedBody, checkedQuery } from '../shapes/kit.js';
import { Decision, Rejection } from '../node/types.js';
import {
  ActDisputeRequest,
  ActEdit,
  CoverageQuery,
  IssueLetter,
  LetterQuery,
  PriceListQuery,
  RosterQuery,
  SendAct,
} from './shapes.js';
import { disputeAct } from './act-disputes.js';
import { serviceCodes } from './service-coverage.js';
import { careRouter } from './care-http.js';
import { documentationRouter } from './documentation-http.js';
import { priorAuthRouter } from './prior-auth-http.js';

/** The edge workflows' endpoints, mounted under /v1 behind the gateway's token. */
export function workflowRouter(w: Workflows, validate: RouteValidator): Router {
  const r = Router();

  r.get(
    '/coverage',
    validate('/v1/coverage', 'get'),
    wrap(async (req, res) => {
      const { service, ...x } = checkedQuery(req, CoverageQuery);
      if (!x.policy && !(x.lastName && x.firstName && x.birthDate)) {
        throw new DmsnetError('REQUEST_INVALID', 'ask by policy, or by lastName + firstName + birthDate', [
          {
            pointer: '/query/policy',
            code: 'REQUEST_REQUIRED',
            message: 'policy, or lastName, firstName and birthDate',
          },
        ]);
      }
      res.json(await w.coverage({ ...x, services: serviceCodes(service) }));
    }),
  );
  r.get(
    '/roster',
    validate('/v1/roster', 'get'),
    wrap(async (req, res) => {
      res.json(await w.rosterPage(checkedQuery(req, RosterQuery)));
    }),
  );
  r.get(
    '/guarantee-letters',
    validate('/v1/guarantee-letters', 'get'),
    wrap(async (req, res) => {
      const { policy, ...query } = checkedQuery(req, LetterQuery);
      // A patient's letters by policy (the coverage check's question), or the whole list paged and filtered.
      res.json(policy !== undefined ? { items: await w.letters(policy) } : await w.letterPage(query));
    }),
  );
  r.post(
    '/guarantee-letters',
    validate('/v1/guarantee-letters', 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await w.issueLetter(checkedBody(req, IssueLetter)));
    }),
  );
  r.post(
    '/guarantee-letters/:number/amend',
    validate('/v1/guarantee-letters/{number}/amend', 'post'),
    wrap(async (req, res) => {
      res
        .status(202)
        .json(await w.changeLetter(String(req.params.number), 'amended', checkedBody(req, IssueLetter)));
    }),
  );
  r.post(
    '/guarantee-letters/:number/revoke',
    validate('/v1/guarantee-letters/{number}/revoke', 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await w.changeLetter(String(req.params.number), 'revoked'));
    }),
  );
  r.get(
    '/price-lists',
    validate('/v1/price-lists', 'get'),
    wrap(async (req, res) => {
      res.json({ items: await w.priceLists(checkedQuery(req, PriceListQuery).clinic) });
    }),
  );
  r.post(
    '/price-lists/:id/accept',
    validate('/v1/price-lists/{id}/accept', 'post'),
    wrap(async (req, res) => {
      res.json(
        await w.decidePriceList(String(req.params.id), 'ACCEPTED', {
          comment: checkedBody(req, Decision)?.comment,
        }),
      );
    }),
  );
  r.post(
    '/price-lists/:id/contest',
    validate('/v1/price-lists/{id}/contest', 'post'),
    wrap(async (req, res) => {
      res.json(await w.decidePriceList(String(req.params.id), 'CONTESTED', checkedBody(req, Rejection)));
    }),
  );
  r.get(
    '/expertise-acts/:id',
    validate('/v1/expertise-acts/{id}', 'get'),
    wrap(async (req, res) => {
      res.json(await w.actView(String(req.params.id)));
    }),
  );
  r.patch(
    '/expertise-acts/:id',
    validate('/v1/expertise-acts/{id}', 'patch'),
    wrap(async (req, res) => {
      const d = await w.editAct(String(req.params.id), checkedBody(req, ActEdit).lines);
      res.json(await w.actView(d.invoiceId));
    }),
  );
  r.post(
    '/expertise-acts/:id/send',
    validate('/v1/expertise-acts/{id}/send', 'post'),
    wrap(async (req, res) => {
      // A person confirming in the console signs the act with the name of their account.
      const p = res.locals.principal as { kind: string; session?: { fullName: string } } | undefined;
      const expert =
        checkedBody(req, SendAct)?.expert ?? (p?.session ? { name: p.session.fullName } : undefined);
      res.status(202).json(await w.sendAct(String(req.params.id), expert));
    }),
  );
  r.post(
    '/expertise-acts/:id/correct',
    validate('/v1/expertise-acts/{id}/correct', 'post'),
    wrap(async (req, res) => {
      res.json(await w.correctAct(String(req.params.id)));
    }),
  );
  r.post(
    '/expertise-acts/:id/dispute',
    validate('/v1/expertise-acts/{id}/dispute', 'post'),
    wrap(async (req, res) => {
      res.json(await disputeAct(w.node, String(req.params.id), checkedBody(req, ActDisputeRequest)));
    }),
  );
  r.use(careRouter(w.careRequests, validate));
  r.use(documentationRouter(w.documentation, validate));
  r.use(priorAuthRouter(w.priorAuth, validate));
  return r;
}
