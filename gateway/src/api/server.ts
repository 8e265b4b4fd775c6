import { bundleFileName } from '../evidence/bundle.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler, type Router } from 'express';
import { pino, type Logger } from 'pino';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { DmsDocument } from '@dmsnet/formats/types';
import type { GatewayNode, ListQuery } from '../node/index.js';
import { exportToJson } from '../node/signature-export.js';
import { WebhookDispatcher, type DispatcherOptions } from '../webhooks/dispatcher.js';
import { existsSync } from 'node:fs';
import { Access, type AccessOptions } from '../access/http.js';
import type { ParticipantRole } from '../access/roles.js';
import { importRouter } from '../adapters/http.js';
import type { ImportCompletion } from '../adapters/conversion.js';
import { consoleStatic, securityHeaders } from './console.js';
import { ApiError, errorHandler, notFound } from '../http/errors.js';
import { documentXlsx, XLSX_TYPE, xlsxFileName } from './document-xlsx.js';
import { kndPartiesOf } from '../adapters/knd1110388/parties.js';
import { exportKnd1110388 } from '../adapters/knd1110388/export.js';
import { openApiDocument } from './openapi.js';
import { Clarification, SignatureProfileRequest, WithdrawalRequest } from './shapes.js';
import { Decision, Rejection } from '../node/types.js';
import { WebhookRegistration } from '../webhooks/dispatcher.js';
import { checkedBody } from '../shapes/kit.js';
import { eventStream } from './sse.js';
import { idempotency, type IdempotencyOptions } from './idempotency.js';
import { validateRequest } from './validate.js';
import { wrap } from '../http/wrap.js';
import { documentationUploadRouter, sendAttachment } from './documentation-upload.js';

export interface AppOptions {
  token: string;
  /** Default 32 MB: a 50,000-row insured list is about 24 MB of JSON. */
  maxBodyBytes?: number;
  logger?: Logger;
  webhooks?: WebhookDispatcher;
  /** Extra routers (edge workflows, governance), mounted under /v1 behind the same token. */
  routers?: Router[];
  /** Pages reached without the token (a correspondent's download link, decision record 0049), outside /v1. */
  publicRouters?: Router[];
  /** What kind of participant this node is: it decides which people's roles exist (default: a clinic's). */
  participantRole?: ParticipantRole;
  /** People's accounts and sessions: host names, cookie flags, session and throttle limits. */
  access?: Omit<AccessOptions, 'token' | 'participantRole'>;
  /** The interface the server binds, which the Host check accepts besides loopback names. */
  host?: string;
  /** The built web console (dist/console); served at / when the folder exists. */
  consoleDir?: string;
  /** Completes an uploaded file's rows from local data before the preview validates it (the edge workflows'). */
  importCompletion?: ImportCompletion;
  /** Idempotency-Key answers: how long they are replayed, how long a repeat waits for the first. */
  idempotency?: IdempotencyOptions;
  /** Each configured adapter (the folder drop) and its state, for /v1/health. */
  adapters?: () => Array<Record<string, unknown>>;
}

const onlyJson: RequestHandler = (req, _res, next) => {
  if (
    ['POST', 'PUT', 'PATCH'].includes(req.method) &&
    req.headers['content-length'] !== '0' &&
    req.headers['content-type']
  ) {
    if (!req.is('application/json')) {
      next(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON (Content-Type: application/json)'));
      return;
    }
  }
  next();
};

export function createApp(node: GatewayNode, options: AppOptions): express.Express {
  if (!options.token) throw new DmsnetError('CONFIG_INVALID', 'the gateway refuses to serve without a token');
  const log = options.logger ?? pino({ level: process.env.DMSNET_LOG_LEVEL ?? 'info' });
  const hooks = options.webhooks ?? new WebhookDispatcher(node);
  const access = new Access(
    node.store,
    {
      ...options.access,
      token: options.token,
      participantRole: options.participantRole ?? 'clinic',
      participantId: node.participantId,
    },
    options.host,
  );
  access.onAuditError = (err) =>
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'audit write failed');
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.locals.access = access;
  app.use(securityHeaders);
  app.use(access.hostCheck());

  // The login page names the organisation whose node this is (its directory name, public like the directory
  // itself). Health answers at once whatever the ledger does: the name is refreshed once a minute at most, waited
  // for a second at most, and left out while the ledger cannot say it.
  let named: { name: string; at: number } | undefined;
  let reading: Promise<void> | undefined;
  const organisationName = async (): Promise<string | undefined> => {
    if (named && Date.now() - named.at < 60_000) return named.name;
    reading ??= node
      .participant(node.participantId)
      .then((p) => {
        named = { name: p.name, at: Date.now() };
      })
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([reading, new Promise((r) => (timer = setTimeout(r, 1000).unref()))]);
    clearTimeout(timer);
    return named?.name;
  };
  app.get(
    '/v1/health',
    wrap(async (_req, res) => {
      const name = await organisationName();
      res.json({
        status: 'ok',
        participant: node.participantId,
        ...(name ? { participantName: name } : {}),
        ...(options.adapters ? { adapters: options.adapters() } : {}),
      });
    }),
  );
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  for (const r of options.publicRouters ?? []) app.use(r);
  if (options.consoleDir && existsSync(options.consoleDir)) app.use(consoleStatic(options.consoleDir));
  app.use('/v1/session', onlyJson, access.sessionRouter());
  app.use(access.authenticate());
  // The one multipart route: a documentation answer's files stream in beside its document (decision 0058).
  app.use('/v1', documentationUploadRouter(node));
  app.use(onlyJson);
  app.use(express.json({ limit: options.maxBodyBytes ?? 32 * 1024 * 1024 }));
  app.use(idempotency(node.store, options.idempotency));

  const listQuery = (req: express.Request) => req.query as unknown as ListQuery;

  app.post(
    '/v1/documents',
    validateRequest('/v1/documents', 'post'),
    wrap(async (req, res) => {
      res.status(202).json(await node.send(req.body));
    }),
  );
  app.get(
    '/v1/documents/:id',
    validateRequest('/v1/documents/{id}', 'get'),
    wrap(async (req, res) => {
      await access.openingDocument(res, await node.recordOf(String(req.params.id)), 'document');
      const view = await node.getDocument(String(req.params.id));
      // Who did what at this node (people and the machine token), beside the ledger's status trail.
      res.json({ ...view, audit: await access.audit.forDocument(view.record.messageId) });
    }),
  );
  app.get(
    '/v1/documents/:id/attachments/:n',
    validateRequest('/v1/documents/{id}/attachments/{n}', 'get'),
    wrap(async (req, res) => {
      await access.openingDocument(res, await node.recordOf(String(req.params.id)), 'attachment');
      await sendAttachment(node, String(req.params.id), Number(req.params.n), req.query.inline === '1', res);
    }),
  );
  app.get(
    '/v1/documents/:id/signature',
    validateRequest('/v1/documents/{id}/signature', 'get'),
    wrap(async (req, res) => {
      await access.openingDocument(res, await node.recordOf(String(req.params.id)), 'signature');
      const x = await node.exportSignature(String(req.params.id));
      res
        .status(200)
        .type('application/pkcs7-signature')
        .set(
          'Content-Disposition',
          `attachment; filename="${x.messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.sig"`,
        )
        .send(Buffer.from(x.signature));
    }),
  );
  app.get(
    '/v1/documents/:id/evidence',
    validateRequest('/v1/documents/{id}/evidence', 'get'),
    wrap(async (req, res) => {
      await access.openingDocument(res, await node.recordOf(String(req.params.id)), 'evidence');
      const x = await node.evidence(String(req.params.id));
      res
        .status(200)
        .type('application/zip')
        .set('Content-Disposition', `attachment; filename="${bundleFileName(x.messageId)}"`)
        .send(Buffer.from(x.zip));
    }),
  );
  app.get(
    '/v1/documents/:id/signature/export',
    validateRequest('/v1/documents/{id}/signature/export', 'get'),
    wrap(async (req, res) => {
      await access.openingDocument(res, await node.recordOf(String(req.params.id)), 'signature');
      res.json(exportToJson(await node.exportSignature(String(req.params.id))));
    }),
  );
  /** Opens a document for an export that lays out its fields (audited as `how`, like every opening). */
  const documentToLayOut = async (res: express.Response, id: string, how: string): Promise<DmsDocument> => {
    await access.openingDocument(res, await node.recordOf(id), how);
    const view = await node.getDocument(id);
    // A document kept only as the text that was signed (it broke a limits rule) has no structure to lay out.
    if (!view.document)
      throw new DmsnetError('EXPORT_NOT_TABULAR', 'the document is kept only as the text that was signed');
    return view.document as DmsDocument;
  };
  app.get(
    '/v1/documents/:id/xlsx',
    validateRequest('/v1/documents/{id}/xlsx', 'get'),
    wrap(async (req, res) => {
      const doc = await documentToLayOut(res, String(req.params.id), 'xlsx');
      res
        .status(200)
        .type(XLSX_TYPE)
        .set('Content-Disposition', `attachment; filename="${xlsxFileName(doc)}"`)
        .send(await documentXlsx(doc));
    }),
  );
  app.get(
    '/v1/documents/:id/knd1110388.xml',
    validateRequest('/v1/documents/{id}/knd1110388.xml', 'get'),
    wrap(async (req, res) => {
      const doc = await documentToLayOut(res, String(req.params.id), 'knd1110388');
      const file = exportKnd1110388(doc, await kndPartiesOf(node.directory, doc));
      res
        .status(200)
        .type('application/xml; charset=windows-1251')
        .set('Content-Disposition', `attachment; filename="${file.fileName}"`)
        .send(Buffer.from(file.bytes));
    }),
  );
  app.post(
    '/v1/documents/:id/withdraw',
    validateRequest('/v1/documents/{id}/withdraw', 'post'),
    wrap(async (req, res) => {
      res.json(await node.withdraw(String(req.params.id), checkedBody(req, WithdrawalRequest).reason.trim()));
    }),
  );
  app.post(
    '/v1/documents/:id/purge',
    validateRequest('/v1/documents/{id}/purge', 'post'),
    wrap(async (req, res) => {
      res.json(await node.purge(String(req.params.id)));
    }),
  );
  app.put(
    '/v1/signature-profile',
    validateRequest('/v1/signature-profile', 'put'),
    wrap(async (req, res) => {
      res.json(await node.setSignatureProfile(checkedBody(req, SignatureProfileRequest).profile));
    }),
  );
  app.get(
    '/v1/outbox',
    validateRequest('/v1/outbox', 'get'),
    wrap(async (req, res) => {
      res.json(await node.listOutbox(listQuery(req)));
    }),
  );
  app.get(
    '/v1/inbox',
    validateRequest('/v1/inbox', 'get'),
    wrap(async (req, res) => {
      res.json(await node.listInbox(listQuery(req)));
    }),
  );
  app.post(
    '/v1/inbox/:id/accept',
    validateRequest('/v1/inbox/{id}/accept', 'post'),
    wrap(async (req, res) => {
      res.json(await node.accept(String(req.params.id), { comment: checkedBody(req, Decision)?.comment }));
    }),
  );
  app.post(
    '/v1/inbox/:id/reject',
    validateRequest('/v1/inbox/{id}/reject', 'post'),
    wrap(async (req, res) => {
      const { errors, comment, decision } = checkedBody(req, Rejection);
      res.json(await node.reject(String(req.params.id), { errors, comment, decision }));
    }),
  );
  app.post(
    '/v1/inbox/:id/clarify',
    validateRequest('/v1/inbox/{id}/clarify', 'post'),
    wrap(async (req, res) => {
      res.json(
        await node.clarify(String(req.params.id), { comment: checkedBody(req, Clarification).comment }),
      );
    }),
  );
  app.get(
    '/v1/participants',
    validateRequest('/v1/participants', 'get'),
    wrap(async (req, res) => {
      const q = listQuery(req);
      res.json(await node.participants({ limit: q.limit, cursor: q.cursor }));
    }),
  );
  app.get(
    '/v1/participants/:id',
    validateRequest('/v1/participants/{id}', 'get'),
    wrap(async (req, res) => {
      res.json(await node.participant(String(req.params.id)));
    }),
  );
  app.get(
    '/v1/formats',
    validateRequest('/v1/formats', 'get'),
    wrap(async (_req, res) => {
      res.json({ items: await node.activeFormats() });
    }),
  );
  app.get(
    '/v1/webhooks',
    validateRequest('/v1/webhooks', 'get'),
    wrap(async (_req, res) => {
      // The secret is shown once, at registration.
      res.json({ items: (await hooks.list()).map(({ secret: _s, ...h }) => h) });
    }),
  );
  app.post(
    '/v1/webhooks',
    validateRequest('/v1/webhooks', 'post'),
    wrap(async (req, res) => {
      res.status(201).json(await hooks.register(checkedBody(req, WebhookRegistration)));
    }),
  );
  app.delete(
    '/v1/webhooks/:id',
    validateRequest('/v1/webhooks/{id}', 'delete'),
    wrap(async (req, res) => {
      await hooks.remove(String(req.params.id));
      res.status(204).end();
    }),
  );
  app.get(
    '/v1/webhooks/:id/deliveries',
    validateRequest('/v1/webhooks/{id}/deliveries', 'get'),
    wrap(async (req, res) => {
      res.json({ items: await hooks.deliveries(String(req.params.id)) });
    }),
  );
  app.get('/v1/events', validateRequest('/v1/events', 'get'), eventStream(node));
  app.use('/v1', access.usersRouter());
  app.use('/v1', importRouter(node, options.importCompletion));
  for (const r of options.routers ?? []) app.use('/v1', r);

  app.use(notFound);
  app.use(errorHandler((o, msg) => log.error(o, msg)));
  return app;
}

export interface RunningServer {
  url: string;
  /** People's accounts, sessions and the audit log of this gateway. */
  access: Access;
  port: number;
  webhooks: WebhookDispatcher;
  close(): Promise<void>;
}

export async function startGatewayServer(
  node: GatewayNode,
  options: {
    host?: string;
    port: number;
    token: string;
    maxBodyBytes?: number;
    logger?: Logger;
    routers?: Router[];
    webhooks?: DispatcherOptions;
    participantRole?: ParticipantRole;
    access?: AppOptions['access'];
    consoleDir?: string;
    importCompletion?: ImportCompletion;
    idempotency?: IdempotencyOptions;
    adapters?: AppOptions['adapters'];
  },
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const webhooks = new WebhookDispatcher(node, { logger: options.logger, ...options.webhooks });
  const participantRole =
    options.participantRole ?? ((await node.participant(node.participantId)).role as ParticipantRole);
  const app = createApp(node, { ...options, host, participantRole, webhooks });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  await webhooks.start();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    access: app.locals.access as Access,
    port,
    webhooks,
    async close() {
      await webhooks.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
