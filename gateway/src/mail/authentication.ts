// What the receiving mail server said about a message's origin (RFC 8601 Authentication-Results). Anyone can write
// such a header into the message they send, so only the ones the node's own server added count: with the server's
// authserv-id, and above the server's own Received line (a server adds its result on top as it accepts the message;
// whatever sits below that line came with the message from outside).

export type AuthVerdict =
  'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

export interface AuthenticationResults {
  /** The header texts this node trusted, as the server wrote them. */
  trusted: string[];
  spf?: { result: AuthVerdict; domain?: string };
  dkim?: { result: AuthVerdict; domain?: string };
  dmarc?: { result: AuthVerdict; domain?: string };
}

/** Header lines in order, top first, as [lower-case name, unfolded value]. */
export type HeaderLines = ReadonlyArray<readonly [string, string]>;

/** The message's header section as lines, top first (folded lines joined). */
export function headerLines(raw: Buffer): Array<[string, string]> {
  const end = raw.indexOf('\r\n\r\n');
  const endLf = raw.indexOf('\n\n');
  const cut = end >= 0 && (endLf < 0 || end < endLf) ? end : endLf >= 0 ? endLf : raw.length;
  const text = raw.subarray(0, Math.min(cut, 1024 * 1024)).toString('latin1');
  const out: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1]![1] += ' ' + line.trim();
    else {
      const i = line.indexOf(':');
      if (i > 0) out.push([line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()]);
    }
  }
  return out;
}

const METHOD = /(?:^|;)\s*(spf|dkim|dmarc)\s*=\s*([a-z]+)([^;]*)/gi;

/**
 * The results the server `authservId` added: its Authentication-Results headers above its own first Received line
 * (`by <authservId>`). A message that never passed through that server gets nothing.
 */
export function trustedResults(lines: HeaderLines, authservId: string): AuthenticationResults {
  const id = authservId.toLowerCase();
  const out: AuthenticationResults = { trusted: [] };
  for (const [name, value] of lines) {
    if (name === 'received' && new RegExp(`\\bby\\s+${escape(id)}\\b`, 'i').test(value)) break;
    if (name !== 'authentication-results') continue;
    const [serv] = value.split(';', 1);
    if ((serv ?? '').trim().split(/\s+/)[0]?.toLowerCase() !== id) continue;
    out.trusted.push(value);
    for (const m of value.matchAll(METHOD)) {
      const method = m[1]!.toLowerCase() as 'spf' | 'dkim' | 'dmarc';
      const result = m[2]!.toLowerCase() as AuthVerdict;
      const props = m[3] ?? '';
      const domain = (
        /(?:smtp\.mailfrom|header\.d|header\.from)\s*=\s*(?:[^\s@;]*@)?([^\s;]+)/i.exec(props)?.[1] ??
        undefined
      )?.toLowerCase();
      // The first result a method has in the topmost trusted header wins: that is the server's last word.
      if (!out[method]) out[method] = { result, ...(domain ? { domain } : {}) };
    }
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether the From: domain is vouched for: DMARC passed, or SPF or DKIM passed for the From: domain itself (aligned,
 * RFC 7489 relaxed: the same organisational tail). Anything else — no result, a fail, a pass for another domain — is
 * not a pass, and the message waits for a person.
 */
export function authenticatedFor(
  results: AuthenticationResults,
  fromDomain: string,
): { pass: boolean; why: string } {
  const from = fromDomain.toLowerCase();
  // A parent domain counts only with a dot in it: a pass for a bare suffix (`test`, `ru`) aligns nothing.
  const aligned = (d?: string) =>
    d !== undefined && (d === from || (d.includes('.') && from.endsWith('.' + d)) || d.endsWith('.' + from));
  if (results.dmarc?.result === 'pass') return { pass: true, why: 'dmarc=pass' };
  if (results.dkim?.result === 'pass' && aligned(results.dkim.domain))
    return { pass: true, why: 'dkim=pass' };
  if (results.spf?.result === 'pass' && aligned(results.spf.domain)) return { pass: true, why: 'spf=pass' };
  if (!results.trusted.length)
    return { pass: false, why: 'the mail server recorded no authentication result' };
  const said = (['dmarc', 'dkim', 'spf'] as const)
    .filter((m) => results[m])
    .map((m) => `${m}=${results[m]!.result}${results[m]!.domain ? ` (${results[m]!.domain})` : ''}`)
    .join(', ');
  return { pass: false, why: `no pass for ${from}: ${said || 'no result'}` };
}
