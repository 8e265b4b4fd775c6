import type { Rng } from '../random.js';
import { randomDigits, randomInt } from '../random.js';
import { IdCheck, digitsToString, readDigits } from './digits.js';

// ИНН check digits (domain.md §2, python-stdnum ru/inn.py): weighted sum mod 11 mod 10.
const W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

const buffer = new Uint8Array(12);

function checkDigit(digits: ArrayLike<number>, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += digits[i] * weights[i];
  return (sum % 11) % 10;
}

/** Checks an ИНН of an organisation (10 digits) or of a person or sole trader (12 digits). */
export function checkInn(value: string): IdCheck {
  const n = readDigits(value, buffer);
  if (n === 10) return checkDigit(buffer, W10) === buffer[9] ? IdCheck.Ok : IdCheck.Checksum;
  if (n === 12) {
    return checkDigit(buffer, W11) === buffer[10] && checkDigit(buffer, W12) === buffer[11]
      ? IdCheck.Ok
      : IdCheck.Checksum;
  }
  return IdCheck.Format;
}

export function isValidInn(value: string): boolean {
  return checkInn(value) === IdCheck.Ok;
}

/** A random organisation ИНН (10 digits) with a valid check digit; the first two digits are a region code. */
export function generateInn10(rng: Rng): string {
  const digits = [...regionDigits(rng), ...randomDigits(rng, 7)];
  digits.push(checkDigit(digits, W10));
  return digitsToString(digits);
}

/** A random personal ИНН (12 digits) with both check digits valid. */
export function generateInn12(rng: Rng): string {
  const digits = [...regionDigits(rng), ...randomDigits(rng, 8)];
  digits.push(checkDigit(digits, W11));
  digits.push(checkDigit(digits, W12));
  return digitsToString(digits);
}

function regionDigits(rng: Rng): number[] {
  const region = randomInt(rng, 1, 89);
  return [Math.floor(region / 10), region % 10];
}
