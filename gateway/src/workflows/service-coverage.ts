// The coverage answer per service (issue 24): for each service code asked, covered / needs a guarantee letter / not
// covered, the franchise, and each limit used and left, from the programmes the clinic holds and what its own acted
// invoices used. Several roster entries may cover the person (two insurers, two programmes): the best answer wins.
import { DmsnetError } from '@dmsnet/formats/errors';
import { isValidServiceCode, normalizeServiceCode } from '@dmsnet/formats/identifiers';
import type { ProgrammeStore } from './programme-store.js';
import { verdict, type UsageRecord } from './programme-limits.js';
import type { RosterEntry } from './roster.js';
import type { ServiceCoverage } from './shapes.js';

const RANK: Record<ServiceCoverage['answer'], number> = {
  covered: 3,
  'letter-required': 2,
  unknown: 1,
  'not-covered': 0,
};

/** At most this many services in one question: a registrar's order, not a price list. */
export const MAX_SERVICES = 100;

/** The `service` query as a list of codes: repeated, comma-separated, or both; each must be a Nomenclature code. */
export function serviceCodes(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const errors = parts.flatMap((code, i) =>
    isValidServiceCode(code)
      ? []
      : [
          {
            pointer: `/query/service/${i}`,
            code: 'SERVICE_CODE_FORMAT',
            message: 'not a Nomenclature (804н) service code like B01.047.001',
          },
        ],
  );
  if (!parts.length)
    errors.push({
      pointer: '/query/service',
      code: 'REQUEST_REQUIRED',
      message: 'name at least one service code',
    });
  if (parts.length > MAX_SERVICES)
    errors.push({
      pointer: '/query/service',
      code: 'REQUEST_INVALID',
      message: `at most ${MAX_SERVICES} services in one question`,
    });
  if (errors.length)
    throw new DmsnetError('REQUEST_INVALID', 'the service codes asked are malformed', errors);
  return [...new Set(parts.map(normalizeServiceCode))];
}

/** One answer per service code for a person whose covering roster entries on `date` are given. */
export async function serviceAnswers(
  programmes: ProgrammeStore,
  covering: ReadonlyArray<Pick<RosterEntry, 'insurer' | 'policyNumber' | 'programme' | 'from'>>,
  codes: readonly string[],
  date: string,
): Promise<ServiceCoverage[]> {
  const usage = new Map<string, Promise<UsageRecord[]>>();
  const usedBy = (e: { insurer: string; policyNumber: string }) => {
    const k = `${e.insurer}\u0000${e.policyNumber}`;
    let u = usage.get(k);
    if (!u) usage.set(k, (u = programmes.usage(e.insurer, e.policyNumber)));
    return u;
  };
  const held = await Promise.all(
    covering.map(async (e) => ({ e, p: await programmes.inForce(e.insurer, e.programme.code, date) })),
  );
  const out: ServiceCoverage[] = [];
  for (const serviceCode of codes) {
    let best: ServiceCoverage = { serviceCode, answer: 'not-covered', reason: 'NOT_COVERED_ON_DATE' };
    for (const { e, p } of held) {
      const base = { serviceCode, insurer: e.insurer, policyNumber: e.policyNumber };
      let a: ServiceCoverage;
      if (!p) {
        a = {
          ...base,
          programme: { code: e.programme.code, name: e.programme.name },
          answer: 'unknown',
          reason: 'PROGRAMME_NOT_RECEIVED',
        };
      } else {
        const v = verdict(p, serviceCode, date, e.from, await usedBy(e));
        const reached = v.exceeds !== undefined;
        a = {
          ...base,
          programme: {
            code: p.body.programme.code,
            name: p.body.programme.name,
            version: p.body.version,
            documentId: p.documentId,
          },
          answer:
            v.decision === 'included' && !reached
              ? 'covered'
              : v.decision === 'letter' && !reached
                ? 'letter-required'
                : 'not-covered',
          ...(v.decision === 'outside'
            ? { reason: 'NOT_IN_PROGRAMME' as const }
            : v.decision === 'excluded'
              ? { reason: 'EXCLUDED' as const }
              : reached
                ? { reason: 'LIMIT_REACHED' as const }
                : {}),
          ...(v.rowId ? { rowId: v.rowId } : {}),
          ...(v.decision === 'included' || v.decision === 'letter'
            ? {
                ...(p.body.franchise ? { franchise: p.body.franchise } : {}),
                policyYear: v.policyYear,
                limits: {
                  ...(v.serviceLimit ? { service: v.serviceLimit } : {}),
                  ...(v.programmeLimit ? { programme: v.programmeLimit } : {}),
                },
              }
            : {}),
          ...(p.body.territory ? { territory: p.body.territory } : {}),
        };
      }
      if (RANK[a.answer] > RANK[best.answer] || best.reason === 'NOT_COVERED_ON_DATE') best = a;
    }
    out.push(best);
  }
  return out;
}
