// The party fields of a header (ОГРН, ИНН, name) against the participant directory: a document may not present its
// sender or addressee as someone else. The ОГРН is the directory id and is checked against the ledger envelope
// elsewhere; here the ИНН and the name, which the ledger cannot see, are held to the directory entry of that ОГРН.
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import type { DirectoryView } from './directory.js';
import type { Participant } from './types.js';

const ROLES = ['sender', 'addressee'] as const;

/** Full legal forms (ОПФ) and their abbreviations, longest first, so that «публичное акционерное общество» wins over «акционерное общество». */
const LEGAL_FORMS: ReadonlyArray<readonly [string, string]> = [
  ['публичное акционерное общество', 'пао'],
  ['непубличное акционерное общество', 'ао'],
  ['закрытое акционерное общество', 'зао'],
  ['открытое акционерное общество', 'оао'],
  ['страховое акционерное общество', 'сао'],
  ['акционерное общество', 'ао'],
  ['общество с ограниченной ответственностью', 'ооо'],
  ['общество с дополнительной ответственностью', 'одо'],
  ['индивидуальный предприниматель', 'ип'],
  ['автономная некоммерческая организация', 'ано'],
  ['некоммерческое партнерство', 'нп'],
  ['государственное бюджетное учреждение здравоохранения', 'гбуз'],
  ['федеральное государственное бюджетное учреждение', 'фгбу'],
  ['государственное бюджетное учреждение', 'гбу'],
  ['государственное автономное учреждение здравоохранения', 'гауз'],
];
const ABBREVIATIONS = new Set(LEGAL_FORMS.map(([, a]) => a));

/**
 * A company name reduced to what identifies it: lower case, ё as е, quotes («», "", “”, „, ‘’, ') and punctuation
 * as spaces, whitespace collapsed, a full legal form replaced by its abbreviation and taken out of the name wherever
 * it stands. `ООО «Клиника Здоровье»`, `Общество с ограниченной ответственностью "Клиника  Здоровье"` and
 * `Клиника Здоровье, ООО` are one name. Each step is a single pass over a string of at most 200 characters (the
 * schema's limit), with no pattern that can backtrack.
 */
export function normaliseName(name: string): { forms: string[]; words: string } {
  let s = ` ${name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  for (const [full, abbreviation] of LEGAL_FORMS) s = s.split(` ${full} `).join(` ${abbreviation} `);
  const forms: string[] = [];
  const words: string[] = [];
  for (const w of s.split(' ')) {
    if (!w) continue;
    if (ABBREVIATIONS.has(w)) forms.push(w);
    else words.push(w);
  }
  return { forms: forms.sort(), words: words.join(' ') };
}

/**
 * Two names of one company: the same words in the same order, and the same legal form when both name one (a name
 * written without its form, as people often write it, still matches; ООО against АО does not).
 */
export function sameName(a: string, b: string): boolean {
  const x = normaliseName(a);
  const y = normaliseName(b);
  if (x.words !== y.words) return false;
  if (x.forms.length && y.forms.length) return x.forms.join(' ') === y.forms.join(' ');
  return true;
}

const digitsOf = (s: string) => s.replace(/[\s-]/g, '');

/** Every party field of the header that disagrees with the directory entry it names ([] when all agree). */
export function partyMismatches(
  header: unknown,
  entries: Partial<Record<'sender' | 'addressee', Participant>>,
): FieldError[] {
  const errors: FieldError[] = [];
  const h = (header ?? {}) as Record<string, unknown>;
  for (const role of ROLES) {
    const ref = h[role] as { inn?: unknown; name?: unknown } | undefined;
    const entry = entries[role];
    if (!ref || typeof ref !== 'object' || !entry) continue;
    if (typeof ref.inn === 'string') {
      if (!entry.inn) {
        errors.push({
          pointer: `/header/${role}/inn`,
          code: 'PARTY_MISMATCH',
          message: `the directory holds no ИНН for ${entry.id}: leave the ИНН out or have the directory entry completed`,
        });
      } else if (digitsOf(ref.inn) !== entry.inn) {
        errors.push({
          pointer: `/header/${role}/inn`,
          code: 'PARTY_MISMATCH',
          message: `the directory gives ${entry.id} the ИНН ${entry.inn}`,
        });
      }
    }
    if (typeof ref.name === 'string' && !sameName(ref.name, entry.name)) {
      errors.push({
        pointer: `/header/${role}/name`,
        code: 'PARTY_MISMATCH',
        message: `the directory names ${entry.id} «${entry.name}»`,
      });
    }
  }
  return errors;
}

/** The directory entries the header's ИНН or name must be held to; none is read for a header naming ОГРН only. */
async function entriesFor(
  directory: DirectoryView,
  header: unknown,
): Promise<Partial<Record<'sender' | 'addressee', Participant>>> {
  const h = (header ?? {}) as Record<string, { ogrn?: unknown; inn?: unknown; name?: unknown } | undefined>;
  const out: Partial<Record<'sender' | 'addressee', Participant>> = {};
  for (const role of ROLES) {
    const ref = h[role];
    if (!ref || typeof ref !== 'object' || typeof ref.ogrn !== 'string') continue;
    if (ref.inn === undefined && ref.name === undefined) continue;
    try {
      out[role] = await directory.participant(ref.ogrn);
    } catch (err) {
      // An unknown addressee has its own refusal (ADDRESSEE_UNKNOWN); there is nothing to compare against.
      if (!(err instanceof DmsnetError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  return out;
}

/** The receiving side: the mismatches, as field errors of the received document. */
export async function checkParties(directory: DirectoryView, header: unknown): Promise<FieldError[]> {
  return partyMismatches(header, await entriesFor(directory, header));
}

/**
 * The sending side: refuses the document (422 PARTY_MISMATCH) before anything is sealed or queued. While the ledger
 * cannot be reached the check is left to the addressee's gateway, which makes it on arrival, so that a document can
 * still be queued during a peer's restart.
 */
export async function assertParties(directory: DirectoryView, header: unknown): Promise<void> {
  let errors: FieldError[];
  try {
    errors = await checkParties(directory, header);
  } catch (err) {
    if (err instanceof DmsnetError && err.code === 'LEDGER_UNAVAILABLE') return;
    throw err;
  }
  if (errors.length) {
    throw new DmsnetError(
      'PARTY_MISMATCH',
      `the header presents ${errors.length} party field(s) unlike the directory`,
      errors,
    );
  }
}
