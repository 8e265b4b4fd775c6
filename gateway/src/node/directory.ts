import type { LedgerClient } from '../ledger/types.js';
import type { ExpectedSignature } from '../crypto/index.js';
import { parseCertificate, type GostCertificate } from '@dmsnet/gost';
import { DmsnetError } from '@dmsnet/formats/errors';
import { defaultRoutes } from '@dmsnet/formats/routes';
import type { Delegation } from '@dmsnet/formats/delegation';
import type { Participant } from './types.js';

const decode = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

/** The ledger's participant directory, read through the ledger client; key versions never change, so they are cached. */
export class DirectoryView {
  private readonly keys = new Map<string, Uint8Array>();
  private readonly schemas = new Map<string, string>();
  private readonly routesCache = new Map<string, ReadonlyArray<readonly [string, string]>>();
  /** Parsed root certificates by fingerprint (a certificate never changes; whether it is trusted is read each time). */
  private readonly roots = new Map<string, GostCertificate>();
  /** Last answers read, served only while the ledger cannot be reached (the outbox then waits for it). */
  private readonly lastKnown = new Map<string, unknown>();

  constructor(private readonly ledger: LedgerClient) {}

  /**
   * Reads through the ledger; while the node's peer is down (a restart, maintenance) the last answer stands in, so
   * a document can still be validated, sealed and queued, and the outbox delivers it once the peer is back.
   */
  private async read<T>(fn: string, args: string[]): Promise<T> {
    const key = `${fn}\u0000${args.join('\u0000')}`;
    try {
      const value = decode(await this.ledger.evaluate(fn, args)) as T;
      this.lastKnown.set(key, value);
      return value;
    } catch (err) {
      if (err instanceof DmsnetError && err.code === 'LEDGER_UNAVAILABLE' && this.lastKnown.has(key)) {
        return this.lastKnown.get(key) as T;
      }
      throw err;
    }
  }

  async participant(id: string): Promise<Participant> {
    try {
      return await this.read<Participant>('directory:get', [id]);
    } catch (err) {
      if (err instanceof DmsnetError && err.code === 'PARTICIPANT_NOT_FOUND') {
        throw new DmsnetError('NOT_FOUND', `participant ${id} is not in the directory`);
      }
      throw err;
    }
  }

  async list(limit: number, cursor?: string): Promise<{ items: Participant[]; bookmark?: string }> {
    const page = decode(await this.ledger.evaluate('directory:list', [String(limit), cursor ?? ''])) as {
      items: Participant[];
      bookmark?: string;
    };
    return page;
  }

  async currentKey(id: string): Promise<{ version: number; x25519: Uint8Array }> {
    return currentKeyOf(await this.participant(id));
  }

  async signKey(id: string, version: number): Promise<Uint8Array> {
    const cacheKey = `${id}@${version}`;
    const hit = this.keys.get(cacheKey);
    if (hit) return hit;
    const k = decode(await this.ledger.evaluate('directory:getKey', [id, String(version)])) as {
      ed25519: string;
    };
    const key = new Uint8Array(Buffer.from(k.ed25519, 'base64'));
    this.keys.set(cacheKey, key);
    return key;
  }

  /**
   * How `id` signs, as the directory registered it at `at` (the ledger time a message was sent; now when omitted):
   * for gost2012-256 the certificate registered then and the roots trusted now.
   */
  async expectedSignature(id: string, at?: string): Promise<ExpectedSignature> {
    const p = await this.participant(id);
    const trail = p.signatureTrail ?? (p.signature ? [p.signature] : []);
    const then = at ? trail.filter((t) => t.validFrom <= at) : trail;
    const current = then.length ? then[then.length - 1] : undefined;
    if (!current || current.profile !== 'gost2012-256' || !current.fingerprint) return { profile: 'ed25519' };
    return {
      profile: 'gost2012-256',
      fingerprints: [current.fingerprint],
      trustedRoots: await this.trustedRoots(),
    };
  }

  /** The GOST roots the directory trusts now. */
  async trustedRoots(): Promise<GostCertificate[]> {
    const all = await this.read<Array<{ fingerprint: string; certificate: string; status: string }>>(
      'directory:listTrustedRoots',
      [],
    );
    const out: GostCertificate[] = [];
    for (const r of all) {
      if (r.status !== 'ACTIVE') continue;
      let cert = this.roots.get(r.fingerprint);
      if (!cert) {
        cert = parseCertificate(new Uint8Array(Buffer.from(r.certificate, 'base64')));
        this.roots.set(r.fingerprint, cert);
      }
      out.push(cert);
    }
    return out;
  }

  /** Every delegation `party` gave or holds, whatever its state (decision record 0055); read each time. */
  async delegations(party: string): Promise<Delegation[]> {
    return this.read<Delegation[]>('delegations:list', [party, 'false']);
  }

  /** The schema text the registry holds for a version (immutable once proposed, so cached). */
  async schemaText(type: string, version: string): Promise<string> {
    const cacheKey = `${type}@${version}`;
    const hit = this.schemas.get(cacheKey);
    if (hit) return hit;
    const raw = Buffer.from(await this.ledger.evaluate('formats:getSchema', [type, version])).toString(
      'utf8',
    );
    let text = raw;
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (typeof parsed === 'string') text = parsed;
      else if (parsed && typeof parsed === 'object' && 'schemaText' in parsed) {
        text = String((parsed as { schemaText: unknown }).schemaText);
      }
    } catch {
      // The contract may return the text itself.
    }
    this.schemas.set(cacheKey, text);
    return text;
  }

  /** Who may send a type to whom in a format version: what the version was voted with, else the defaults. */
  async routes(type: string, version: string): Promise<ReadonlyArray<readonly [string, string]>> {
    const cacheKey = `${type}@${version}`;
    const hit = this.routesCache.get(cacheKey);
    if (hit) return hit;
    const f = await this.read<{ routes?: Array<[string, string]> }>('formats:status', [type, version]);
    const routes = f.routes ?? defaultRoutes(type);
    this.routesCache.set(cacheKey, routes);
    return routes;
  }

  async activeFormats(): Promise<unknown[]> {
    return this.read<unknown[]>('formats:active', []);
  }
}

/** The key to encrypt to: the participant's newest version. */
export function currentKeyOf(p: Participant): { version: number; x25519: Uint8Array } {
  const k = p.keys.reduce((a, b) => (b.version > a.version ? b : a));
  return { version: k.version, x25519: new Uint8Array(Buffer.from(k.x25519, 'base64')) };
}
