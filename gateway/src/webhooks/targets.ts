// Where a webhook may post: checked at registration and again at every connection, after DNS resolution, on the very
// address the socket then uses (so a name that resolves elsewhere later, DNS rebinding, gains nothing). By default
// only loopback (a back office on the same host); anything else must be allowed by the node's configuration.
import type { ErrorCode } from '@dmsnet/formats/error-codes';
import dns from 'node:dns';
import net from 'node:net';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

export const systemLookup: Lookup = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

const refuse = (code: ErrorCode, message: string): DmsnetError =>
  new DmsnetError(code, message, [{ pointer: '/body/url', code, message } satisfies FieldError]);

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is its IPv4 address. */
function normalise(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1] as string, type: 'ipv4' };
  return { address, type: net.isIPv4(address) ? 'ipv4' : 'ipv6' };
}

export class TargetPolicy {
  private readonly allowed = new net.BlockList();

  /** `allow`: CIDR ranges (e.g. "10.20.0.0/16", "203.0.113.7/32") beside loopback, which is always allowed. */
  constructor(
    allow: readonly string[] = [],
    private readonly lookup: Lookup = systemLookup,
  ) {
    this.allowed.addSubnet('127.0.0.0', 8, 'ipv4');
    this.allowed.addAddress('::1', 'ipv6');
    for (const cidr of allow) {
      const [addr, bits] = cidr.split('/');
      const type = net.isIPv4(addr ?? '') ? 'ipv4' : net.isIPv6(addr ?? '') ? 'ipv6' : undefined;
      const prefix = Number(bits ?? (type === 'ipv4' ? 32 : 128));
      if (!type || !Number.isInteger(prefix))
        throw new DmsnetError('CONFIG_INVALID', `not a CIDR range: ${cidr}`);
      this.allowed.addSubnet(addr as string, prefix, type);
    }
  }

  isAllowed(address: string): boolean {
    const n = normalise(address);
    return this.allowed.check(n.address, n.type);
  }

  /** Validates a URL's form: http(s), no user info. */
  checkForm(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse('REQUEST_PATTERN', 'must be an absolute http:// or https:// URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw refuse('REQUEST_PATTERN', 'must start with http:// or https://');
    }
    if (url.username || url.password) {
      throw refuse('WEBHOOK_URL_USERINFO', 'must not carry a user name or password (user@host)');
    }
    return url;
  }

  /** Resolves the URL's host and answers the addresses; refuses when any is outside the allowed ranges. */
  async resolve(url: URL): Promise<Array<{ address: string; family: number }>> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: Array<{ address: string; family: number }>;
    if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) }];
    else {
      try {
        addresses = await this.lookup(host);
      } catch (err) {
        throw refuse('WEBHOOK_HOST_UNRESOLVED', `${host} does not resolve (${(err as Error).message})`);
      }
    }
    const refused = addresses.filter((a) => !this.isAllowed(a.address));
    if (!addresses.length || refused.length) {
      throw refuse(
        'WEBHOOK_TARGET_FORBIDDEN',
        `${host} resolves to ${refused.map((a) => a.address).join(', ') || 'nothing'}, outside the ranges this node may post to (loopback, and what its configuration allows)`,
      );
    }
    return addresses;
  }

  /** Registration: the form and the current resolution. */
  async check(raw: string): Promise<URL> {
    const url = this.checkForm(raw);
    await this.resolve(url);
    return url;
  }
}

type LookupCallback = (
  err: Error | null,
  address: string | Array<{ address: string; family: number }>,
  family?: number,
) => void;

/**
 * POSTs a body and answers the status code. The socket connects only to an address the policy allowed at that moment
 * (the policy is the request's DNS lookup); redirects are not followed.
 */
export async function postChecked(
  url: URL,
  body: string,
  headers: Record<string, string>,
  policy: TargetPolicy,
  timeoutMs: number,
): Promise<number> {
  // IP literals never reach a lookup function: check them here.
  await policy.resolve(url);
  const { default: http } =
    url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
        lookup: (hostname: string, options: { all?: boolean }, cb: LookupCallback) => {
          const host = net.isIPv6(hostname) ? `[${hostname}]` : hostname;
          policy.resolve(new URL(`http://${host}`)).then(
            (addrs) => (options.all ? cb(null, addrs) : cb(null, addrs[0]!.address, addrs[0]!.family)),
            (err: Error) => cb(err, ''),
          );
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
