// The format registry over HTTP, so the association's tools (dmsnet-format) never need ledger credentials of
// their own: they hold the gateway's bearer token and the gateway signs with its participant identity.
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { DmsnetError } from '@dmsnet/formats/errors';
import { diffSchemas, isBreaking } from '@dmsnet/formats/governance/diff';
import type { LedgerClient } from '../ledger/types.js';
import type { RouteValidator } from '../http/request-validation.js';
import { checkedBody } from '../shapes/kit.js';
import { Proposal, Vote } from './shapes.js';

const STATUS_BY_CODE: Record<string, number> = {
  PROPOSAL_NOT_FOUND: 404,
  PARTICIPANT_NOT_FOUND: 404,
  RULES_NOT_SET: 404,
  PARTICIPANT_EXISTS: 409,
  IDENTITY_TAKEN: 409,
  KEY_ROTATION_UNAVAILABLE: 409,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  NOT_AUTHORIZED: 403,
  ALREADY_VOTED: 409,
  PROPOSAL_EXISTS: 409,
};

const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as unknown;

/**
 * A Fabric client sees only an endorsement error's message, so the chaincode's field errors arrive as
 * "INVALID_ARGUMENT: /id must be …" (the code, the field, the rule); the field is read back from it. The chaincode's argument is the request body.
 */
function pointerOfMessage(
  code: string,
  message: string,
): Array<{ pointer: string; code: string; message: string }> {
  // "CODE: /pointer [FIELD_CODE: ]message": the field's own rule where the chaincode named one.
  const m = /([A-Z][A-Z0-9_]{2,63}): (\/[^\s]*) (?:([A-Z][A-Z0-9_]{2,63}): )?(.+)$/.exec(message);
  return m && m[1] === code ? [{ pointer: `/body${m[2]}`, code: m[3] ?? code, message: m[4]! }] : [];
}

/**
 * The chaincode's field errors (read back from its message by the ledger client) name fields of its argument, which
 * is the request body: named where the caller put them. A field the gateway named itself is under /body already.
 */
function underBody(f: { pointer: string; code: string; message: string }) {
  return f.pointer === '/body' || f.pointer.startsWith('/body/') ? f : { ...f, pointer: `/body${f.pointer}` };
}

/** Answers a registry or directory failure with its code, the fields at fault and the status the code has. */
export function failGovernance(res: Response, err: unknown): void {
  if (err instanceof DmsnetError || (err as { code?: string }).code) {
    const e = err as DmsnetError;
    res
      .status(
        STATUS_BY_CODE[e.code] ??
          (e.code.includes('FORBIDDEN') || e.code.includes('NOT_ALLOWED') ? 403 : 400),
      )
      .json({
        code: e.code,
        message: e.message,
        errors: e.errors?.length ? e.errors.map(underBody) : pointerOfMessage(e.code, e.message),
      });
    return;
  }
  res.status(500).json({ code: 'INTERNAL', message: 'internal error', errors: [] });
}

/** Mounted under /v1 behind the token by the node's API assembly (api/node-api.ts). */
export function governanceRouter(ledger: LedgerClient, validate: RouteValidator): Router {
  const r = Router();
  const submit = async (fn: string, args: string[]) => (await ledger.submit(fn, args)).result;
  // Mounted under /v1 by startGatewayServer, after its JSON body parser.
  const run = (h: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) =>
    h(req, res).catch((err: unknown) => failGovernance(res, err));

  // Requests are checked against the contract (governance/openapi.ts) before a handler runs: 400 REQUEST_INVALID
  // with the field's pointer, as on every other route.
  r.post(
    '/governance/proposals',
    validate('/v1/governance/proposals', 'post'),
    run(async (req, res) => {
      const b = checkedBody(req, Proposal);
      const schemaHash = createHash('sha256').update(b.schemaText).digest('hex');
      const out = decode(
        await submit('formats:propose', [
          JSON.stringify({
            type: b.type,
            version: b.version,
            schemaText: b.schemaText,
            schemaHash,
            effectiveFrom: b.effectiveFrom,
          }),
        ]),
      );
      res.status(201).json(out);
    }),
  );
  r.post(
    '/governance/proposals/:type/:version/votes',
    validate('/v1/governance/proposals/{type}/{version}/votes', 'post'),
    run(async (req, res) => {
      const choice = checkedBody(req, Vote).choice;
      res.json(
        decode(await submit('formats:vote', [String(req.params.type), String(req.params.version), choice])),
      );
    }),
  );
  r.post(
    '/governance/proposals/:type/:version/retire',
    validate('/v1/governance/proposals/{type}/{version}/retire', 'post'),
    run(async (req, res) => {
      res.json(decode(await submit('formats:retire', [String(req.params.type), String(req.params.version)])));
    }),
  );
  r.get(
    '/governance/proposals/:type/:version/diff',
    validate('/v1/governance/proposals/{type}/{version}/diff', 'get'),
    run(async (req, res) => {
      const type = String(req.params.type);
      const version = String(req.params.version);
      const schema = async (v: string) =>
        JSON.parse(
          Buffer.from(await ledger.evaluate('formats:getSchema', [type, v])).toString('utf8'),
        ) as unknown;
      const proposed = await schema(version);
      // Against the version documents are checked with today; a proposal that is itself active has nothing to
      // compare with but an older active one.
      const active = (
        decode(await ledger.evaluate('formats:active', [])) as Array<{ type: string; version: string }>
      )
        .filter((a) => a.type === type && a.version !== version)
        .sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }))[0];
      if (!active) return void res.json({ type, version, breaking: false, changes: [] });
      const changes = diffSchemas(await schema(active.version), proposed);
      res.json({ type, version, against: active.version, breaking: isBreaking(changes), changes });
    }),
  );
  r.get(
    '/governance/proposals/:type/:version',
    validate('/v1/governance/proposals/{type}/{version}', 'get'),
    run(async (req, res) => {
      res.json(
        decode(
          await ledger.evaluate('formats:status', [String(req.params.type), String(req.params.version)]),
        ),
      );
    }),
  );
  r.get(
    '/governance/proposals',
    run(async (_req, res) => {
      // Schema texts stay out of the listing: a list of twenty versions would otherwise be megabytes.
      const all = decode(await ledger.evaluate('formats:list', [])) as Array<Record<string, unknown>>;
      res.json(all.map(({ schemaText: _omit, ...rest }) => rest));
    }),
  );
  r.get(
    '/governance/schemas/:type/:version',
    validate('/v1/governance/schemas/{type}/{version}', 'get'),
    run(async (req, res) => {
      const text = Buffer.from(
        await ledger.evaluate('formats:getSchema', [String(req.params.type), String(req.params.version)]),
      ).toString('utf8');
      res.type('application/schema+json').send(text);
    }),
  );
  return r;
}
