import { pointer, type FieldError } from './errors.js';

/** Longer than any field of the format needs; a regex over ten million characters stalls a gateway instead. */
export const MAX_TEXT_LENGTH = 65_536;
/** Deeper than any document of the format nests; recursive validators would overflow the stack instead. */
export const MAX_NESTING = 32;

/**
 * Size limits checked before any schema or pattern runs, in one iterative pass (linear in the document, no
 * recursion), so a hostile document costs what its bytes cost and is refused with field errors.
 */
export function checkLimits(doc: unknown): FieldError[] {
  const errors: FieldError[] = [];
  // Parent links instead of a path per value: the pointer is built only for the (rare) value that breaks a limit.
  interface Item {
    value: unknown;
    key: string | number;
    parent: Item | undefined;
    depth: number;
  }
  const pathOf = (item: Item) => {
    const segments: Array<string | number> = [];
    for (let i: Item | undefined = item; i?.parent; i = i.parent) segments.unshift(i.key);
    return segments;
  };
  const stack: Item[] = [{ value: doc, key: '', parent: undefined, depth: 0 }];
  while (stack.length && errors.length < 100) {
    const item = stack.pop()!;
    const { value, depth } = item;
    if (typeof value === 'string') {
      if (value.length > MAX_TEXT_LENGTH) {
        const at = pointer(...pathOf(item));
        errors.push({
          pointer: at,
          code: 'TEXT_TOO_LONG',
          message: `${at}: ${value.length} characters; at most ${MAX_TEXT_LENGTH} in any text field`,
        });
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_NESTING) {
      const at = pointer(...pathOf(item));
      errors.push({
        pointer: at,
        code: 'NESTING_TOO_DEEP',
        message: `${at}: nested deeper than ${MAX_NESTING} levels`,
      });
      continue;
    }
    // Only containers and over-long texts go on the stack: the usual short value costs one comparison.
    const visit = (v: unknown, key: string | number) => {
      if ((v !== null && typeof v === 'object') || (typeof v === 'string' && v.length > MAX_TEXT_LENGTH))
        stack.push({ value: v, key, parent: item, depth: depth + 1 });
    };
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) visit(value[i], i);
    else for (const k in value as Record<string, unknown>) visit((value as Record<string, unknown>)[k], k);
  }
  return errors;
}
