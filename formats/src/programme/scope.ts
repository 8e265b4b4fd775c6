// Which row of a ДМС programme a service code falls under. Pure and indexed once per programme, so that a coverage
// question about one service costs a handful of map lookups however many rows the programme has.
import { normalizeServiceCode } from '../identifiers/service-code.js';
import type { MedicalProgrammeBody, ProgrammeService } from '../types.js';

/** A prefix ends at a dot of the code: A09, A09.05, A09.05.002 (a subgroup's parent). */
const PREFIX = /^[AB]\d{2}(?:\.\d{2,3}(?:\.\d{3})?)?$/;
/** A section of the Nomenclature (A interventions, B services), or a section and its type (B01, A06). */
const SECTION = /^[AB](?:\d{2})?$/;

/** The code, prefix or section as the programme's index compares it (Cyrillic А/В and spaces aside). */
export const normalizeScopeCode = (code: string) => normalizeServiceCode(code.trim());

/** Why a prefix or section row's code is malformed, or undefined when it is well formed. */
export function scopeCodeFault(match: ProgrammeService['match'], code: string): string | undefined {
  const c = normalizeScopeCode(code);
  if (match === 'prefix' && !PREFIX.test(c))
    return 'a code prefix ends at a dot of a Nomenclature code: A09, A09.05 or A09.05.002';
  if (match === 'section' && !SECTION.test(c))
    return 'a section is A or B, or a section and its type such as B01';
  return undefined;
}

/** What a programme says of one service: covered, covered with a guarantee letter, or not covered. */
export type CoverDecision = 'included' | 'letter' | 'excluded' | 'outside';

export interface ScopeAnswer {
  decision: CoverDecision;
  /** The row that decided, with its index in body.services (none when no row matches). */
  row?: ProgrammeService;
  index?: number;
}

interface Entry {
  row: ProgrammeService;
  index: number;
}

/** On equal footing an exclusion wins, then a letter requirement: the stricter row decides. */
const STRICTNESS: Record<ProgrammeService['cover'], number> = { excluded: 2, letter: 1, included: 0 };

function strictest(entries: readonly Entry[]): Entry {
  return entries.reduce((a, b) => (STRICTNESS[b.row.cover] > STRICTNESS[a.row.cover] ? b : a));
}

/** A programme's rows indexed by what they match. */
export class ProgrammeScope {
  private readonly codes = new Map<string, Entry[]>();
  private readonly prefixes = new Map<string, Entry[]>();
  private readonly sections = new Map<string, Entry[]>();

  constructor(readonly body: MedicalProgrammeBody) {
    body.services.forEach((row, index) => {
      const map = row.match === 'code' ? this.codes : row.match === 'prefix' ? this.prefixes : this.sections;
      const key = normalizeScopeCode(row.code);
      const list = map.get(key);
      if (list) list.push({ row, index });
      else map.set(key, [{ row, index }]);
    });
  }

  /**
   * The most specific row matching the code: an exact code, then the longest prefix, then the section's type, then
   * the section. A code no row matches is outside the programme.
   */
  resolve(serviceCode: string): ScopeAnswer {
    const code = normalizeServiceCode(serviceCode.trim());
    const found = (e: Entry[] | undefined): ScopeAnswer | undefined => {
      if (!e) return undefined;
      const s = strictest(e);
      return { decision: s.row.cover, row: s.row, index: s.index };
    };
    const exact = found(this.codes.get(code));
    if (exact) return exact;
    for (let end = code.length; end > 0; end = code.lastIndexOf('.', end - 1)) {
      const hit = found(this.prefixes.get(code.slice(0, end)));
      if (hit) return hit;
    }
    return (
      found(this.sections.get(code.slice(0, 3))) ??
      found(this.sections.get(code.slice(0, 1))) ?? {
        decision: 'outside',
      }
    );
  }
}

/** Whether a date lies in the programme's validity. */
export const programmeInForce = (body: MedicalProgrammeBody, date: string) =>
  body.validity.from <= date && date <= body.validity.to;

/**
 * The policy year a date falls in for a person covered from `coverageFrom`: years counted from that day (a limit
 * of 10 visits is 10 from the attachment date until the day before its anniversary, then 10 again).
 */
export function policyYear(coverageFrom: string, date: string): { from: string; to: string } {
  const [fy, fm, fd] = coverageFrom.split('-').map(Number);
  const at = (y: number) => {
    // 29 February falls on 28 February in a common year, so a year never starts in March.
    const d = new Date(Date.UTC(y, fm - 1, fd));
    if (d.getUTCMonth() !== fm - 1) d.setUTCDate(0);
    return d.toISOString().slice(0, 10);
  };
  let y = Number(date.slice(0, 4));
  if (at(y) > date) y -= 1;
  if (y < fy) y = fy;
  const next = new Date(`${at(y + 1)}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() - 1);
  return { from: at(y), to: next.toISOString().slice(0, 10) };
}
