// Nomenclature of medical services (Приказ Минздрава 804н): section A or B, 2-digit type, class of 2–3 digits,
// 3-digit number, optionally a subgroup. Published texts also show 2-digit subgroups (А01.20.003.01).
const SERVICE_CODE = /^[AB]\d{2}\.\d{2,3}\.\d{3}(?:\.\d{2,3})?$/;

/**
 * Latin A/B for the Cyrillic А/В that real published texts use, and no spaces («А01. 20.001» → A01.20.001).
 * Fast path: a code already in Latin without spaces is returned as is, so the validator's loop allocates nothing.
 */
export function normalizeServiceCode(value: string): string {
  if (/^[AB][\d.]*$/.test(value)) return value;
  return value
    .replace(/\s/g, '')
    .replace(/^[аА]/, 'A')
    .replace(/^[вВ]/, 'B')
    .replace(/^a/, 'A')
    .replace(/^b/, 'B');
}

export function isValidServiceCode(value: string): boolean {
  return SERVICE_CODE.test(normalizeServiceCode(value));
}
