import type { FieldError } from '../errors.js';
import { itemPointer, isMoney, report, type Obj } from './shared.js';

/** amount = quantity × unitPrice, in integer kopecks (no rounding can hide a mismatch). */
export function checkLineAmount(errors: FieldError[], line: Obj, base: string, index: number): void {
  const { quantity, unitPrice, amount } = line;
  if (
    typeof quantity !== 'number' ||
    !Number.isSafeInteger(quantity) ||
    !isMoney(unitPrice) ||
    !isMoney(amount)
  )
    return;
  const expected = quantity * unitPrice;
  if (expected !== amount)
    report(
      errors,
      itemPointer(base, index, '/amount'),
      'LINE_AMOUNT_MISMATCH',
      `amount ${amount} ≠ quantity ${quantity} × unit price ${unitPrice} = ${expected} kopecks`,
    );
}

export function checkTotal(
  errors: FieldError[],
  ptr: string,
  total: unknown,
  sum: number,
  what: string,
): void {
  if (isMoney(total) && total !== sum)
    report(errors, ptr, 'TOTAL_MISMATCH', `total ${total} ≠ sum of ${what} ${sum} kopecks`);
}
