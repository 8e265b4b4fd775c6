// МКБ-10 code shape (domain.md §2): a letter, two digits, optionally a dot and one or two characters.
// Membership in the НСИ list (M001) is a dictionary check, not done here.
const ICD10 = /^[A-Z]\d{2}(?:\.[0-9A-Z]{1,2})?$/;

// Cyrillic letters that look like Latin ones; МКБ codes are often typed on a Russian keyboard layout.
const LOOKALIKES: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
};

export function normalizeIcd10(value: string): string {
  return value
    .replace(/\s/g, '')
    .toUpperCase()
    .replace(/[АВЕКМНОРСТХ]/g, (c) => LOOKALIKES[c]);
}

export function isValidIcd10(value: string): boolean {
  return ICD10.test(normalizeIcd10(value));
}
