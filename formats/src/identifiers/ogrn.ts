import type { Rng } from '../random.js';
import { randomDigits, randomInt } from '../random.js';
import { IdCheck, digitsToString, readDigits } from './digits.js';

const buffer = new Uint8Array(15);

// The check digit is computed on the whole prefix taken as a number; reducing digit by digit keeps every
// intermediate small, so no BigInt is needed.
function remainder(digits: ArrayLike<number>, length: number, modulus: number): number {
  let r = 0;
  for (let i = 0; i < length; i++) r = (r * 10 + digits[i]) % modulus;
  return r;
}

/**
 * Checks an ОГРН (13 digits, first digit 1 or 5, check = prefix mod 11 mod 10) or an ОГРНИП (15 digits, first
 * digit 3, check = the LAST digit of prefix mod 13). domain.md §2 warns that python-stdnum takes the whole
 * remainder for ОГРНИП and so rejects valid numbers whose remainder is 10–12; this follows the rule instead.
 */
export function checkOgrn(value: string): IdCheck {
  const n = readDigits(value, buffer);
  if (n === 13) {
    if (buffer[0] !== 1 && buffer[0] !== 5) return IdCheck.Format;
    return remainder(buffer, 12, 11) % 10 === buffer[12] ? IdCheck.Ok : IdCheck.Checksum;
  }
  if (n === 15) {
    if (buffer[0] !== 3) return IdCheck.Format;
    return remainder(buffer, 14, 13) % 10 === buffer[14] ? IdCheck.Ok : IdCheck.Checksum;
  }
  return IdCheck.Format;
}

/** ОГРН (13 digits) or ОГРНИП (15 digits). */
export function isValidOgrn(value: string): boolean {
  return checkOgrn(value) === IdCheck.Ok;
}

function yearAndRegion(rng: Rng): number[] {
  const year = randomInt(rng, 2, 25);
  const region = randomInt(rng, 1, 89);
  return [Math.floor(year / 10), year % 10, Math.floor(region / 10), region % 10];
}

/** A random ОГРН of a legal entity: 1, year, region, 8 digits, check digit. */
export function generateOgrn(rng: Rng): string {
  const digits = [1, ...yearAndRegion(rng), ...randomDigits(rng, 7)];
  digits.push(remainder(digits, 12, 11) % 10);
  return digitsToString(digits);
}

/** A random ОГРНИП of a sole trader: 3, year, region, 9 digits, check digit. */
export function generateOgrnip(rng: Rng): string {
  const digits = [3, ...yearAndRegion(rng), ...randomDigits(rng, 9)];
  digits.push(remainder(digits, 14, 13) % 10);
  return digitsToString(digits);
}
