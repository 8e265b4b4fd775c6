// The mail bridge over HTTP: the address book of correspondents and the held messages a person releases. Who may do
// what is the access table's (gateway/src/access/roles.ts): changing the address book is the admin's, reading it is
// anyone's, releasing held mail is a decision.
import { Router } from 'express';
import { wrap } from '../http/wrap.js';
import type { MailBridge } from './bridge.js';

const OGRN = /^[0-9]{13}([0-9]{2})?$/;

export function mailRouter(bridge: MailBridge): Router {
  const r = Router();
  r.get(
    '/mail/correspondents',
    wrap(async (_req, res) => {
      res.json({ items: await bridge.book.list() });
    }),
  );
  r.post(
    '/mail/correspondents',
    wrap(async (req, res) => {
      res.status(201).json(await bridge.book.add(req.body));
    }),
  );
  r.delete(
    '/mail/correspondents/:ogrn',
    wrap(async (req, res) => {
      const ogrn = String(req.params.ogrn);
      if (!OGRN.test(ogrn)) {
        res.status(400).json({
          code: 'REQUEST_PATTERN',
          message: 'the correspondent’s ОГРН',
          errors: [{ pointer: '/path/ogrn', code: 'REQUEST_PATTERN', message: '13 or 15 digits' }],
        });
        return;
      }
      await bridge.book.remove(ogrn);
      res.status(204).end();
    }),
  );
  // Documents to correspondents by e-mail (decision record 0049).
  r.post(
    '/mail/outbound',
    wrap(async (req, res) => {
      const body = req.body as { document?: unknown } | undefined;
      if (!body || typeof body !== 'object' || !('document' in body)) {
        res.status(400).json({
          code: 'REQUEST_INVALID',
          message: 'send {"document": …}',
          errors: [{ pointer: '/document', code: 'REQUEST_REQUIRED', message: 'the document to send' }],
        });
        return;
      }
      res.status(201).json(await bridge.outbound.send(body.document));
    }),
  );
  r.get(
    '/mail/outbound',
    wrap(async (_req, res) => {
      res.json({ items: await bridge.outbound.list() });
    }),
  );
  r.get(
    '/mail/outbound/:id',
    wrap(async (req, res) => {
      res.json(await bridge.outbound.get(String(req.params.id)));
    }),
  );
  r.post(
    '/mail/outbound/:id/link',
    wrap(async (req, res) => {
      res.json(await bridge.outbound.reissueLink(String(req.params.id)));
    }),
  );
  r.get(
    '/mail/held',
    wrap(async (_req, res) => {
      res.json({ items: await bridge.held() });
    }),
  );
  r.post(
    '/mail/held/:id/release',
    wrap(async (req, res) => {
      const p = res.locals.principal as { kind: string; session?: { username: string } } | undefined;
      const by = p?.kind === 'user' && p.session ? p.session.username : 'token';
      res.json(await bridge.release(String(req.params.id), by));
    }),
  );
  return r;
}

/**
 * A node without a `mail:` section still answers its part of the contract: every route says the bridge is not
 * configured (409 MAIL_NOT_CONFIGURED) rather than that it does not exist.
 */
export function mailUnconfiguredRouter(): Router {
  const r = Router();
  r.all(
    [
      '/mail/correspondents',
      '/mail/correspondents/:ogrn',
      '/mail/held',
      '/mail/held/:id/release',
      '/mail/outbound',
      '/mail/outbound/:id',
      '/mail/outbound/:id/link',
    ],
    (_req, res) => {
      res.status(409).json({
        code: 'MAIL_NOT_CONFIGURED',
        message: 'MAIL_NOT_CONFIGURED: this node has no mail bridge: add a mail section to its configuration',
        errors: [],
      });
    },
  );
  return r;
}
