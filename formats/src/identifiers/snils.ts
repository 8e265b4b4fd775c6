import type { Rng } from '../random.js';
import { randomInt } from '../random.js';
import { IdCheck, readDigits } from './digits.js';

const buffer = new Uint8Array(11);

/** Numbers up to 001-001-998 were issued before the check digits existed and are not checked. */
const LAST_UNCHECKED = 1001998;

/** СНИЛС control number (Постановление Правления ПФР 1998; domain.md §2): Σ dᵢ·(10−i) mod 101, 100 → 00. */
function controlNumber(digits: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += digits[i] * (9 - i);
  return (sum % 101) % 100;
}

export function checkSnils(value: string): IdCheck {
  if (readDigits(value, buffer) !== 11) return IdCheck.Format;
  let base = 0;
  for (let i = 0; i < 9; i++) base = base * 10 + buffer[i];
  if (base <= LAST_UNCHECKED) return IdCheck.Ok;
  return controlNumber(buffer) === buffer[9] * 10 + buffer[10] ? IdCheck.Ok : IdCheck.Checksum;
}

export function isValidSnils(value: string): boolean {
  return checkSnils(value) === IdCheck.Ok;
}

/** A random СНИЛС above the unchecked range, as 11 digits. */
export function generateSnils(rng: Rng): string {
  const base = randomInt(rng, LAST_UNCHECKED + 1, 999999999);
  const digits = String(base).padStart(9, '0');
  const control = controlNumber(Array.from(digits, Number));
  return digits + String(control).padStart(2, '0');
}

/** СНИЛС as usually printed: XXX-XXX-XXX YY. */
export function formatSnils(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9, 11)}`;
}
