import type { Rng } from '../random.js';
import { randomDigits } from '../random.js';
import { IdCheck, digitsToString, readDigits } from './digits.js';

const buffer = new Uint8Array(16);

function digitSum(n: number): number {
  let s = 0;
  while (n > 0) {
    s += n % 10;
    n = Math.floor(n / 10);
  }
  return s;
}

/**
 * Check digit of the ОМС single policy number (ЕНП), Mod10 of ISO/HL7 27931 as quoted in domain.md §2:
 * the digits in odd positions counted from the right, taken as one number, are doubled; the digits in even
 * positions are kept; the check is (10 − Σ all digits mod 10) mod 10. Doubling the number as a whole (not
 * digit by digit as Luhn does) is what the standard's worked example 8451999122899990 needs.
 */
function checkDigit(digits: ArrayLike<number>): number {
  let odd = 0;
  let evenSum = 0;
  // Position 1 from the right of the 15-digit body is index 14.
  for (let i = 0; i < 15; i++) {
    const fromRight = 15 - i;
    if (fromRight % 2 === 1) odd = odd * 10 + digits[i];
    else evenSum += digits[i];
  }
  const s = evenSum + digitSum(odd * 2);
  return (10 - (s % 10)) % 10;
}

export function checkEnp(value: string): IdCheck {
  if (readDigits(value, buffer) !== 16) return IdCheck.Format;
  return checkDigit(buffer) === buffer[15] ? IdCheck.Ok : IdCheck.Checksum;
}

export function isValidEnp(value: string): boolean {
  return checkEnp(value) === IdCheck.Ok;
}

export function generateEnp(rng: Rng): string {
  const digits = randomDigits(rng, 15);
  if (digits[0] === 0) digits[0] = 1;
  digits.push(checkDigit(digits));
  return digitsToString(digits);
}
