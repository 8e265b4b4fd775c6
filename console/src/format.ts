// Dates, money and names as Russians write them, whatever the interface language: 05.03.2026, 1 500,00 ₽,
// Иванова Анна Петровна.

const NBSP = '\u00a0';

/** An ISO date or date-time as dd.mm.yyyy (the date part only). */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  if (iso.length > 10) {
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) {
      const p = (n: number) => String(n).padStart(2, '0');
      return `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()}`;
    }
  }
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/** An ISO date-time as dd.mm.yyyy hh:mm in local time. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Kopecks (the format's integer money) as "1 500,00 ₽". */
export function formatMoney(kopecks: number | undefined): string {
  if (kopecks === undefined || kopecks === null || !Number.isFinite(kopecks)) return '';
  const sign = kopecks < 0 ? '−' : '';
  const abs = Math.abs(Math.round(kopecks));
  const rub = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${sign}${rub},${String(abs % 100).padStart(2, '0')}${NBSP}₽`;
}

/** "1 500,00" or "1500.5" typed by a person, as kopecks; undefined when it is not an amount. */
export function parseMoney(text: string): number | undefined {
  const t = text.replace(/[\s\u00a0₽]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return undefined;
  return Math.round(Number(t) * 100);
}

export interface PersonName {
  lastName?: string;
  firstName?: string;
  middleName?: string;
}

export function fullName(p: PersonName | undefined): string {
  if (!p) return '';
  return [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');
}

export function isPerson(v: unknown): v is PersonName {
  return !!v && typeof v === 'object' && 'lastName' in v && 'firstName' in v;
}

/**
 * The number a document's sender gave it, from its ledger id `<sender ОГРН>:<number>`: people know a document by
 * its number, and the counterparty beside it says whose number it is.
 */
export function documentNumber(messageId: string): string {
  const m = /^(?:\d{13}|\d{15}):(.+)$/.exec(messageId);
  return m ? m[1] : messageId;
}
