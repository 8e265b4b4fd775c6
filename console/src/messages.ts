// The gateway's refusals in the console's language: the code's words from the one registry
// (formats/src/error-codes.ts), each field error at the row and field a person sees. The API's own message is
// English for integrators and logs; a person reads the registry's Russian, and the code stays in the markup
// (data-code) for whoever supports them.
import { errorCodeEntry } from '../../formats/src/error-codes.js';
import { fieldErrorText, placeOf } from '../../formats/src/field-places.js';
import type { FieldError } from './api';
import type { Lang } from './i18n';

/** What a refusal's code means, in the console's language; the API's message where the registry lacks the code. */
export function errorText(code: string, message: string, lang: Lang): string {
  const e = errorCodeEntry(code);
  if (!e) return message;
  return lang === 'ru' ? e.ru : e.en;
}

/** Field errors in the order of the form or table they point into: by row, then as they came. */
export function sortedFieldErrors(errors: readonly FieldError[]): FieldError[] {
  return errors
    .map((e, i) => ({ e, i, row: placeOf(e.pointer).row ?? 0 }))
    .sort((a, b) => a.row - b.row || a.i - b.i)
    .map((x) => x.e);
}

export function fieldText(e: FieldError, lang: Lang): string {
  return fieldErrorText(e, lang);
}
