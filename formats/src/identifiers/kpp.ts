import type { Rng } from '../random.js';
import { pick, randomInt } from '../random.js';

// NNNN tax office, PP reason (digits or capital Latin letters), XXX sequence; КПП has no check digit.
const KPP = /^\d{4}[\dA-Z]{2}\d{3}$/;

export function normalizeKpp(value: string): string {
  return value.replace(/[\s\u00a0-]/g, '').toUpperCase();
}

export function isValidKpp(value: string): boolean {
  return KPP.test(normalizeKpp(value));
}

/** A КПП of a head office (reason 01) of a tax office of the region given by the ИНН's first two digits. */
export function generateKpp(rng: Rng, inn: string): string {
  const office = inn.slice(0, 2) + String(randomInt(rng, 1, 50)).padStart(2, '0');
  return office + pick(rng, ['01', '01', '01', '43']) + '001';
}
