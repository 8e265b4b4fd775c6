// Console sessions and login throttling. Both live in memory on purpose: a restart of the gateway logs everybody
// out (harmless) and a stolen copy of the store holds no live session.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { User } from './users.js';

export interface Session {
  username: string;
  fullName: string;
  role: string;
  userVersion: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  /** A session unused this long ends (default 30 minutes). */
  idleMs?: number;
  /** A session ends this long after login whatever its use (default 12 hours: one working day). */
  absoluteMs?: number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export class Sessions {
  // Keyed by a hash of the cookie value, so a heap dump does not hand out live cookies.
  private readonly byId = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly absoluteMs: number;

  constructor(limits: SessionLimits = {}) {
    this.idleMs = limits.idleMs ?? 30 * 60_000;
    this.absoluteMs = limits.absoluteMs ?? 12 * 3_600_000;
  }

  open(user: User): { id: string; session: Session } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const session: Session = {
      username: user.username,
      fullName: user.fullName,
      role: user.role,
      userVersion: user.version,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    };
    this.byId.set(digest(id), session);
    return { id, session };
  }

  /** The live session for a cookie value, its idle clock restarted; undefined once expired. */
  touch(id: string): Session | undefined {
    const key = digest(id);
    const s = this.byId.get(key);
    if (!s) return undefined;
    const now = Date.now();
    if (now - s.lastSeenAt > this.idleMs || now - s.createdAt > this.absoluteMs) {
      this.byId.delete(key);
      return undefined;
    }
    s.lastSeenAt = now;
    return s;
  }

  close(id: string): void {
    this.byId.delete(digest(id));
  }

  closeUser(username: string): void {
    for (const [k, s] of this.byId) if (s.username === username) this.byId.delete(k);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, s] of this.byId) {
      if (now - s.lastSeenAt > this.idleMs || now - s.createdAt > this.absoluteMs) this.byId.delete(k);
    }
  }
}

export function sameToken(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export interface ThrottleLimits {
  /** Failed logins for one user name within the window before further attempts wait (default 5). */
  perUser?: number;
  /** Failed logins from one client address within the window (default 20). */
  perAddress?: number;
  /** Default 15 minutes. */
  windowMs?: number;
}

/** Counts failed logins per user name and per client address; a key over its limit waits out the window. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly perUser: number;
  private readonly perAddress: number;
  private readonly windowMs: number;

  constructor(limits: ThrottleLimits = {}) {
    this.perUser = limits.perUser ?? 5;
    this.perAddress = limits.perAddress ?? 20;
    this.windowMs = limits.windowMs ?? 15 * 60_000;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds to wait before another attempt is heard, 0 when it may go ahead. */
  retryAfterMs(username: string, address: string): number {
    const now = Date.now();
    let wait = 0;
    for (const [key, limit] of [
      [`u:${username}`, this.perUser],
      [`a:${address}`, this.perAddress],
    ] as const) {
      const list = this.recent(key, now);
      if (list.length >= limit)
        wait = Math.max(wait, (list[list.length - limit] as number) + this.windowMs - now);
    }
    return wait;
  }

  failed(username: string, address: string): void {
    const now = Date.now();
    for (const key of [`u:${username}`, `a:${address}`])
      this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeeded(username: string): void {
    this.failures.delete(`u:${username}`);
  }
}
