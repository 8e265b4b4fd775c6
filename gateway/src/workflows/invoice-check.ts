// The insurer's automatic check of an invoice register: pure over what it is given, so it is tested and
// benchmarked without a network. Lookups are done in bulk by the caller.
import type {
  ExpertiseActBody,
  ExpertiseActLine,
  GuaranteeLetterBody,
  InvoiceBody,
  PriceListBody,
} from '@dmsnet/formats/types';
import { defect } from './defects.js';
import { normPolicy, type RosterEntry } from './roster.js';

export interface CheckInputs {
  invoiceId: string;
  invoice: InvoiceBody;
  /** Roster entries of this clinic under this insurer, by normalised policy number. */
  roster: ReadonlyMap<string, readonly RosterEntry[]>;
  /** Guarantee letters this insurer issued to the clinic, by letter number. */
  letters: ReadonlyMap<string, GuaranteeLetterBody>;
  /** GL usage already billed in earlier invoices: `${letter}\u0000${serviceCode}` → quantity, and letter → amount. */
  letterQuantityUsed: ReadonlyMap<string, number>;
  letterAmountUsed: ReadonlyMap<string, number>;
  /** The accepted price list in force on a date. */
  priceListAt: (date: string) => PriceListBody | undefined;
  /** `${policy}\u0000${serviceCode}\u0000${date}` keys billed by earlier invoices. */
  billedBefore: ReadonlySet<string>;
  actDate: string;
}

/** Kopecks as a Russian reader writes roubles in an explanation the clinic reads: "2 350,00 ₽" (no-break spaces). */
export function rubles(kopecks: number): string {
  const sign = kopecks < 0 ? '−' : '';
  const abs = Math.abs(Math.round(kopecks));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${whole},${String(abs % 100).padStart(2, '0')}\u00a0₽`;
}

export const billedKey = (policy: string, serviceCode: string, date: string) =>
  `${normPolicy(policy)}\u0000${serviceCode}\u0000${date}`;

export function checkInvoice(x: CheckInputs): ExpertiseActBody {
  const lines: ExpertiseActLine[] = [];
  const seen = new Set<string>();
  const qtyUsed = new Map(x.letterQuantityUsed);
  const amountUsed = new Map(x.letterAmountUsed);
  const priceIndex = new Map<PriceListBody, Map<string, number>>();
  const pricesOf = (pl: PriceListBody) => {
    let m = priceIndex.get(pl);
    if (!m) {
      m = new Map(pl.lines.map((l) => [l.serviceCode, l.price]));
      priceIndex.set(pl, m);
    }
    return m;
  };
  const totals = { claimed: 0, paid: 0, withheld: 0 };
  x.invoice.lines.forEach((line, i) => {
    const claimed = line.amount;
    let paid = claimed;
    let code: string | undefined;
    let reason: string | undefined;
    const withhold = (c: string, why?: string) => {
      code = c;
      paid = 0;
      reason = why ?? defect(c).title_ru;
    };
    const key = billedKey(line.patient.policyNumber, line.serviceCode, line.serviceDate);
    const cover = (x.roster.get(normPolicy(line.patient.policyNumber)) ?? []).some(
      (e) => e.from <= line.serviceDate && line.serviceDate <= e.to,
    );
    if (line.quantity * line.unitPrice !== line.amount) withhold('1.4.1');
    else if (seen.has(key) || x.billedBefore.has(key)) withhold('1.10.2');
    else if (!cover) withhold('1.1.1');
    else if (line.guaranteeLetter) {
      const gl = x.letters.get(line.guaranteeLetter.letterNumber);
      const glLine = gl?.lines.find((l) => l.serviceCode === line.serviceCode);
      const qKey = `${line.guaranteeLetter.letterNumber}\u0000${line.serviceCode}`;
      if (!gl) withhold('1.2.1');
      else if (gl.status === 'revoked') withhold('1.2.4');
      else if (line.serviceDate < gl.validity.from || line.serviceDate > gl.validity.to) withhold('1.2.3');
      else if (!glLine) withhold('1.2.2');
      else if ((qtyUsed.get(qKey) ?? 0) + line.quantity > glLine.quantity) withhold('1.2.5');
      else if ((amountUsed.get(gl.letterNumber) ?? 0) + line.amount > gl.amountLimit) withhold('1.2.6');
      else {
        qtyUsed.set(qKey, (qtyUsed.get(qKey) ?? 0) + line.quantity);
        amountUsed.set(gl.letterNumber, (amountUsed.get(gl.letterNumber) ?? 0) + line.amount);
      }
    }
    if (!code) {
      const pl = x.priceListAt(line.serviceDate);
      const price = pl ? pricesOf(pl).get(line.serviceCode) : undefined;
      if (!pl) withhold('1.3.1');
      else if (price === undefined) withhold('1.3.3');
      else if (line.unitPrice > price) {
        code = '1.3.2';
        paid = price * line.quantity;
        reason = `${defect('1.3.2').title_ru}: ${rubles(price)} вместо ${rubles(line.unitPrice)}`;
      }
    }
    seen.add(key);
    const withheld = claimed - paid;
    totals.claimed += claimed;
    totals.paid += paid;
    totals.withheld += withheld;
    lines.push({
      rowId: String(i + 1),
      invoiceLineId: line.rowId,
      decision: withheld > 0 ? 'WITHHELD' : 'PAID',
      claimedAmount: claimed,
      paidAmount: paid,
      withheldAmount: withheld,
      ...(code ? { defectCode: code, reason } : {}),
    });
  });
  return {
    actNumber: `ЭА-${x.invoice.invoiceNumber}`.slice(0, 64),
    actDate: x.actDate,
    invoiceId: x.invoiceId,
    invoiceNumber: x.invoice.invoiceNumber,
    expertiseType: 'technical',
    currency: 'RUB',
    totals,
    lines,
  };
}
