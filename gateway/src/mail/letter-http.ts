// The link pages, served without the API's token: a correspondent has no account here, its key is the link and the
// code of the second e-mail (decision record 0049). Mounted by the server before authentication; the gateway's own
// headers (CSP, no framing, no referrer) apply, and nothing is cached.
import express, { Router, type Response } from 'express';
import { DmsnetError } from '@dmsnet/formats/errors';
import { ERROR_CODES } from '@dmsnet/formats/error-codes';
import type { MailOutbound } from './outbound.js';
import { codePage, decidedPage, documentPage, errorPage } from './letter-page.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function fail(res: Response, err: unknown): void {
  if (!(err instanceof DmsnetError)) throw err;
  const status = (ERROR_CODES as Record<string, { status: number }>)[err.code]?.status ?? 400;
  res.status(status).type('html').send(errorPage(err.code, err.message));
}

export function mailLetterRouter(outbound: MailOutbound): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  r.use('/letter', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  r.param('token', (req, res, next, token: string) => {
    if (!TOKEN.test(token)) {
      res.status(404).type('html').send(errorPage('MAIL_LINK_UNKNOWN', 'no such link'));
      return;
    }
    next();
  });
  r.get('/letter/:token', async (req, res, next) => {
    try {
      const sent = await outbound.linkUsable(req.params.token);
      res.type('html').send(codePage(sent.documentId, sent.linkExpiresAt));
    } catch (err) {
      try {
        fail(res, err);
      } catch (e) {
        next(e);
      }
    }
  });
  r.post('/letter/:token', form, async (req, res, next) => {
    const code = typeof req.body?.code === 'string' ? req.body.code : '';
    try {
      const { session, sent } = await outbound.open(req.params.token, code);
      res
        .type('html')
        .send(
          documentPage(
            sent.document as { header: Record<string, unknown>; body: Record<string, unknown> },
            session,
            req.params.token,
          ),
        );
    } catch (err) {
      if (err instanceof DmsnetError && err.code === 'MAIL_CODE_WRONG') {
        const sent = await outbound.linkUsable(req.params.token).catch(() => undefined);
        if (sent) {
          res
            .status(403)
            .type('html')
            .send(codePage(sent.documentId, sent.linkExpiresAt, 'Неверный код доступа.'));
          return;
        }
      }
      try {
        fail(res, err);
      } catch (e) {
        next(e);
      }
    }
  });
  r.post('/letter/:token/document.json', form, async (req, res, next) => {
    try {
      const sent = await outbound.sessionDocument(String(req.body?.session ?? ''));
      res
        .type('application/json')
        .set(
          'Content-Disposition',
          `attachment; filename="${sent.documentId.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`,
        )
        .send(JSON.stringify(sent.document, null, 2));
    } catch (err) {
      try {
        fail(res, err);
      } catch (e) {
        next(e);
      }
    }
  });
  r.post('/letter/:token/decision', form, async (req, res, next) => {
    try {
      const view = await outbound.decideOnPage(String(req.body?.session ?? ''), {
        decision: req.body?.decision,
        reason: req.body?.reason,
      });
      res.type('html').send(decidedPage(view.documentId, view.status));
    } catch (err) {
      try {
        fail(res, err);
      } catch (e) {
        next(e);
      }
    }
  });
  return r;
}
