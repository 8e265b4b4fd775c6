// Failed logins slow the guesser, not the person guessed at (OWASP Authentication Cheat Sheet, "Account Lockout" and
// "Login Throttling"): failures count per user name AND client address, so guessing at a name from one address
// locks that address out for that name only; an address failing at many names waits for all of them; and failures
// for one name from everywhere lock out only addresses that never logged in as that name, so a distributed attacker
// cannot lock a real user out of the places they work from.

export interface ThrottleLimits {
  /** Failed logins for one user name from one address within the window before that pair waits (default 5). */
  perUserAddress?: number;
  /** Failed logins from one address, whatever the names, within the window before the address waits (default 20). */
  perAddress?: number;
  /**
   * Failed logins for one user name from all addresses within the window before addresses new to that name wait
   * (default 100): addresses the name logged in from before are never held by it.
   */
  perUser?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** How long an address stays known to a user name after a login from it (default 90 days). */
  knownForMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** Keys beyond this many are swept of stale entries, so a flood of invented names cannot grow memory for long. */
const SWEEP_AT = 10_000;
/** The addresses remembered per user name, newest kept. */
const KNOWN_PER_USER = 32;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly known = new Map<string, Map<string, number>>();
  private readonly perUserAddress: number;
  private readonly perAddress: number;
  private readonly perUser: number;
  private readonly windowMs: number;
  private readonly knownForMs: number;
  private readonly now: () => number;

  constructor(limits: ThrottleLimits = {}) {
    this.perUserAddress = limits.perUserAddress ?? 5;
    this.perAddress = limits.perAddress ?? 20;
    this.perUser = limits.perUser ?? 100;
    this.windowMs = limits.windowMs ?? 15 * 60_000;
    this.knownForMs = limits.knownForMs ?? 90 * 86_400_000;
    this.now = limits.now ?? Date.now;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  private knownAddress(username: string, address: string, now: number): boolean {
    const at = this.known.get(username)?.get(address);
    return at !== undefined && now - at < this.knownForMs;
  }

  private keys(username: string, address: string, now: number): Array<[string, number]> {
    const keys: Array<[string, number]> = [
      [`ua:${username}\u0000${address}`, this.perUserAddress],
      [`a:${address}`, this.perAddress],
    ];
    if (!this.knownAddress(username, address, now)) keys.push([`u:${username}`, this.perUser]);
    return keys;
  }

  /** Milliseconds to wait before another attempt of this name from this address is heard, 0 when it may go ahead. */
  retryAfterMs(username: string, address: string): number {
    const now = this.now();
    let wait = 0;
    for (const [key, limit] of this.keys(username, address, now)) {
      const list = this.recent(key, now);
      if (list.length >= limit)
        wait = Math.max(wait, (list[list.length - limit] as number) + this.windowMs - now);
    }
    return wait;
  }

  failed(username: string, address: string): void {
    const now = this.now();
    // Every failure counts against the name everywhere, even from a known address: the limit just does not hold
    // known addresses back.
    for (const key of [`ua:${username}\u0000${address}`, `a:${address}`, `u:${username}`])
      this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > SWEEP_AT) for (const key of [...this.failures.keys()]) this.recent(key, now);
  }

  /** A login from this address: its own failures for the name are forgotten, and the address is known to the name. */
  succeeded(username: string, address: string): void {
    const now = this.now();
    this.failures.delete(`ua:${username}\u0000${address}`);
    const mine = this.known.get(username) ?? new Map<string, number>();
    mine.delete(address);
    mine.set(address, now);
    while (mine.size > KNOWN_PER_USER) mine.delete(mine.keys().next().value as string);
    this.known.set(username, mine);
  }
}
