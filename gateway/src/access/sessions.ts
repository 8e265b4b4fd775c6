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
