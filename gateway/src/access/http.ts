// The gateway's front door for people and machines: the Host and Origin checks (against DNS rebinding and cross-site
// requests), login sessions with a CSRF token, the bearer token of machine clients, the role table, and the audit
// log of every state-changing action.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { ApiError } from '../http/errors.js';
import { wrap } from '../http/wrap.js';
import type { GatewayStore } from '../store/store.js';
import { AuditLog, type AuditEntry } from './audit.js';
import { may, operationsOf, routeOf, type ParticipantRole } from './roles.js';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';
import { sameToken, Sessions, type Session, type SessionLimits } from './sessions.js';
import { UserStore, type PasswordLimits } from './users.js';

export interface AccessOptions {
  participantRole: ParticipantRole;
  /** The node's participant id (ОГРН), told to the console after login. */
  participantId?: string;
  token: string;
  /** Names the node answers to besides loopback (its DNS names behind a reverse proxy); compared without port. */
  hostNames?: string[];
  /** The session cookie gets `Secure` (and the `__Host-` prefix): set it when the console is reached over HTTPS. */
  secureCookies?: boolean;
  sessions?: SessionLimits;
  throttle?: ThrottleLimits;
  passwordLimits?: PasswordLimits;
}

export type Principal = { kind: 'token' } | { kind: 'user'; session: Session; sessionId: string };

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The host name of a Host header or an Origin's authority, lowercased, without port or IPv6 brackets. */
function hostnameOf(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']'));
  return a.replace(/:\d+$/, '');
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** Document types under medical secrecy: opened by the expert role alone, every opening audited. */
export const SECRET_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['medical-documentation']);

export class Access {
  readonly users: UserStore;
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;
  readonly audit: AuditLog;
  private readonly hosts: Set<string>;
  private readonly cookieName: string;

  constructor(
    store: GatewayStore,
    private readonly o: AccessOptions,
    boundHost?: string,
  ) {
    this.users = new UserStore(store, o.participantRole, o.passwordLimits);
    this.sessions = new Sessions(o.sessions);
    this.throttle = new LoginThrottle(o.throttle);
    this.audit = new AuditLog(store);
    const bound = boundHost && !['0.0.0.0', '::'].includes(boundHost) ? [hostnameOf(boundHost)] : [];
    this.hosts = new Set([...LOOPBACK, ...bound, ...(o.hostNames ?? []).map(hostnameOf)]);
    this.cookieName = o.secureCookies ? '__Host-dmsnet_session' : 'dmsnet_session';
  }

  /**
   * Host must be one of the node's names: a page on evil.example whose name was re-pointed at 127.0.0.1 (DNS
   * rebinding) sends `Host: evil.example` and is refused. An Origin, when sent, must be this very host.
   */
  hostCheck(): RequestHandler {
    return (req, _res, next) => {
      const host = req.headers.host;
      if (!host || !this.hosts.has(hostnameOf(host))) {
        next(
          new ApiError(
            421,
            'HOST_NOT_ALLOWED',
            `this node does not answer to the host name ${host ?? '(none)'}`,
            [{ pointer: '/headers/host', code: 'HOST_NOT_ALLOWED', message: 'not one of the node’s names' }],
          ),
        );
        return;
      }
      const origin = req.headers.origin;
      if (origin !== undefined) {
        let ok = false;
        try {
          const u = new URL(origin);
          ok = u.host.toLowerCase() === host.toLowerCase() && this.hosts.has(hostnameOf(u.host));
        } catch {
          ok = false;
        }
        if (!ok) {
          next(
            new ApiError(403, 'ORIGIN_NOT_ALLOWED', `requests from ${origin} are not accepted`, [
              { pointer: '/headers/origin', code: 'ORIGIN_NOT_ALLOWED', message: 'not this node’s origin' },
            ]),
          );
          return;
        }
      }
      next();
    };
  }

  private setCookie(res: Response, value: string, maxAgeSeconds?: number): void {
    const parts = [
      `${this.cookieName}=${encodeURIComponent(value)}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
    ];
    if (this.o.secureCookies) parts.push('Secure');
    if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
    res.setHeader('Set-Cookie', parts.join('; '));
  }

  private sessionOf(req: Request): { id: string; session: Session } | undefined {
    const id = cookie(req, this.cookieName);
    if (!id) return undefined;
    const session = this.sessions.touch(id);
    return session ? { id, session } : undefined;
  }

  private me(session: Session) {
    return {
      username: session.username,
      fullName: session.fullName,
      role: session.role,
      participantRole: this.o.participantRole,
      participantId: this.o.participantId,
      operations: operationsOf(this.o.participantRole, session.role),
      csrfToken: session.csrfToken,
    };
  }

  /** /v1/session: log in (POST), who am I and the CSRF token (GET), log out (DELETE). */
  sessionRouter(): Router {
    const r = Router();
    r.use(express.json({ limit: '16kb' }));
    r.post(
      '/',
      wrap(async (req, res) => {
        const b = (req.body ?? {}) as { username?: unknown; password?: unknown };
        const errors = [];
        if (typeof b.username !== 'string' || !b.username)
          errors.push({ pointer: '/body/username', code: 'REQUEST_REQUIRED', message: 'a user name' });
        if (typeof b.password !== 'string' || !b.password)
          errors.push({ pointer: '/body/password', code: 'REQUEST_REQUIRED', message: 'a password' });
        if (errors.length)
          throw new ApiError(400, 'REQUEST_INVALID', 'log in with a user name and a password', errors);
        const username = b.username as string;
        const address = req.socket.remoteAddress ?? '';
        const wait = this.throttle.retryAfterMs(username, address);
        if (wait > 0) {
          res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
          throw new ApiError(429, 'LOGIN_THROTTLED', 'too many failed logins: wait before trying again');
        }
        const user = await this.users.verify(username, b.password as string);
        if (!user) {
          this.throttle.failed(username, address);
          throw new ApiError(401, 'LOGIN_FAILED', 'wrong user name or password, or the account is disabled');
        }
        this.throttle.succeeded(username, address);
        const { id, session } = this.sessions.open(user);
        this.setCookie(res, id);
        res.json(this.me(session));
      }),
    );
    r.get('/', (req, res, next) => {
      const s = this.sessionOf(req);
      if (!s) return next(new ApiError(401, 'UNAUTHORIZED', 'not logged in'));
      res.json(this.me(s.session));
    });
    r.delete('/', (req, res, next) => {
      const s = this.sessionOf(req);
      if (s) {
        if (!sameToken(String(req.headers['x-csrf-token'] ?? ''), s.session.csrfToken)) {
          return next(new ApiError(403, 'CSRF_TOKEN_INVALID', 'the X-CSRF-Token header is missing or wrong'));
        }
        this.sessions.close(s.id);
      }
      this.setCookie(res, '', 0);
      res.status(204).end();
    });
    return r;
  }

  /**
   * Bearer token (machine clients: every operation) or session cookie (people: their role's operations, and a
   * CSRF token on every state-changing request). A refused operation is 403 whatever the console shows.
   */
  authenticate(): RequestHandler {
    return (req, res, next) => {
      this.admit(req, res).then(() => next(), next);
    };
  }

  private async admit(req: Request, res: Response): Promise<void> {
    {
      const route = routeOf(req.method, req.path);
      const auth = req.headers.authorization;
      let principal: Principal;
      if (auth !== undefined) {
        const m = /^Bearer (.+)$/.exec(auth);
        if (!m || !sameToken(m[1] as string, this.o.token)) {
          throw new ApiError(
            401,
            'UNAUTHORIZED',
            'a valid bearer token is required (Authorization: Bearer <token>)',
          );
        }
        principal = { kind: 'token' };
      } else {
        const s = this.sessionOf(req);
        if (!s) {
          throw new ApiError(
            401,
            'UNAUTHORIZED',
            'log in (POST /v1/session) or send a bearer token (Authorization: Bearer <token>)',
          );
        }
        const user = await this.users.get(s.session.username);
        if (!user || user.disabled || user.version !== s.session.userVersion) {
          this.sessions.close(s.id);
          throw new ApiError(401, 'UNAUTHORIZED', 'the session ended (account changed): log in again');
        }
        if (
          UNSAFE.has(req.method) &&
          !sameToken(String(req.headers['x-csrf-token'] ?? ''), s.session.csrfToken)
        ) {
          throw new ApiError(403, 'CSRF_TOKEN_INVALID', 'the X-CSRF-Token header is missing or wrong');
        }
        if (!route || !may(this.o.participantRole, s.session.role, route.op)) {
          throw new ApiError(
            403,
            'FORBIDDEN_ROLE',
            `the role ${s.session.role} may not ${req.method} ${req.path}`,
          );
        }
        principal = { kind: 'user', session: s.session, sessionId: s.id };
      }
      res.locals.principal = principal;
      if (route?.audit) this.auditOnSuccess(req, res, principal, route.audit);
    }
  }

  private auditOnSuccess(req: Request, res: Response, p: Principal, action: AuditEntry['action']): void {
    let body: unknown;
    const json = res.json.bind(res);
    res.json = (b: unknown) => {
      body = b;
      return json(b);
    };
    res.on('finish', () => {
      if (res.statusCode >= 300 || res.locals.idempotentReplay) return;
      const b = (body ?? {}) as { messageId?: string; record?: { messageId?: string } };
      const pathId = /^\/v1\/(?:documents|inbox|price-lists|expertise-acts)\/([^/]+)/.exec(req.path)?.[1];
      const detail: Record<string, unknown> = {};
      const rb = (req.body ?? {}) as Record<string, unknown>;
      if (typeof rb.comment === 'string') detail.comment = rb.comment;
      if (typeof rb.decision === 'string') detail.decision = rb.decision;
      if (Array.isArray(rb.errors)) detail.errors = rb.errors.length;
      if (action === 'act.edit' && Array.isArray(rb.lines)) detail.lines = rb.lines;
      const entry: AuditEntry = {
        at: new Date().toISOString(),
        action,
        user: p.kind === 'user' ? p.session.username : 'api-token',
        ...(p.kind === 'user' ? { fullName: p.session.fullName, role: p.session.role } : {}),
        documentIds: [pathId ? decodeURIComponent(pathId) : '', b.messageId ?? '', b.record?.messageId ?? ''],
        ...(Object.keys(detail).length ? { detail } : {}),
      };
      // The action has happened; a failed audit write must not fail it, but it must not pass silently either.
      this.audit.record(entry).catch((err: unknown) => this.onAuditError?.(err));
    });
  }

  onAuditError?: (err: unknown) => void;

  /**
   * Medical secrecy (decision record 0056): a document of a secret type opens only to a person whose role may
   * `medical.read` (the expert's), or to the machine token; each opening, and each refusal, is in the audit log.
   */
  async openingDocument(
    res: Response,
    record: { documentType: string; messageId: string } | undefined,
    how: string,
  ): Promise<void> {
    if (!record || !SECRET_DOCUMENT_TYPES.has(record.documentType)) return;
    const p = res.locals.principal as Principal;
    const allowed = p.kind === 'token' || may(this.o.participantRole, p.session.role, 'medical.read');
    await this.audit.record({
      at: new Date().toISOString(),
      action: 'documentation.open',
      user: p.kind === 'user' ? p.session.username : 'api-token',
      ...(p.kind === 'user' ? { fullName: p.session.fullName, role: p.session.role } : {}),
      documentIds: [record.messageId],
      detail: allowed ? { how } : { how, refused: true },
    });
    if (!allowed)
      throw new ApiError(
        403,
        'FORBIDDEN_ROLE',
        `the role ${p.kind === 'user' ? p.session.role : ''} may not open medical documentation: it is the expert's alone (medical secrecy)`,
      );
  }

  /** /v1/users: the node's accounts (role `admin` or the token). */
  usersRouter(): Router {
    const r = Router();
    r.get(
      '/users',
      wrap(async (_req, res) => {
        res.json({ items: await this.users.list() });
      }),
    );
    r.post(
      '/users',
      wrap(async (req, res) => {
        res.status(201).json(await this.users.add(req.body ?? {}));
      }),
    );
    r.post(
      '/users/:username/disable',
      wrap(async (req, res) => {
        const u = await this.users.disable(String(req.params.username));
        this.sessions.closeUser(u.username);
        res.json(u);
      }),
    );
    r.post(
      '/users/:username/password',
      wrap(async (req, res) => {
        const u = await this.users.setPassword(String(req.params.username), (req.body ?? {}).password);
        this.sessions.closeUser(u.username);
        res.json(u);
      }),
    );
    return r;
  }
}
