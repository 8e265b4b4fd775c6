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
import { verdict, type HeldProgramme, type UsageRecord } from './programme-limits.js';
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
  /**
   * The version of a programme (by the code the roster entry names) the clinic accepted from this insurer, in force on
   * a date. Without one, lines are checked as before programmes existed.
   */
  programmeAt?: (code: string, date: string) => HeldProgramme | undefined;
  /** What each person used of their programme limits under earlier acts, by normalised policy number. */
  programmeUsage?: ReadonlyMap<string, readonly UsageRecord[]>;
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
  // What each person used before this invoice, then with its paid lines as the check goes (an earlier draft of this
  // same invoice counts nothing).
  const usage = new Map<string, UsageRecord[]>();
  const counted = (policy: string) => {
    let u = usage.get(policy);
    if (!u) {
      u = (x.programmeUsage?.get(policy) ?? []).filter((r) => r.invoiceId !== x.invoiceId);
      usage.set(policy, u);
    }
    return u;
  };
  const rank = (v: ReturnType<typeof verdict>) =>
    v.exceeds ? 1 : v.decision === 'included' ? 4 : v.decision === 'letter' ? 3 : 0;
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
    const policy = normPolicy(line.patient.policyNumber);
    const entries = (x.roster.get(policy) ?? []).filter(
      (e) => e.from <= line.serviceDate && line.serviceDate <= e.to,
    );
    const cover = entries.length > 0;
    // The programme of the entry that covers the service best decides it; lines of a person under no programme the
    // clinic accepted are checked as before.
    const programmeVerdict = () => {
      let best: { v: ReturnType<typeof verdict>; p: HeldProgramme } | undefined;
      for (const e of entries) {
        const p = x.programmeAt?.(e.programme.code, line.serviceDate);
        if (!p) return undefined;
        const v = verdict(
          p,
          line.serviceCode,
          line.serviceDate,
          e.from,
          counted(policy),
          line.quantity,
          line.amount,
        );
        if (!best || rank(v) > rank(best.v)) best = { v, p };
      }
      return best?.v;
    };
    const pv = cover ? programmeVerdict() : undefined;
    if (line.quantity * line.unitPrice !== line.amount) withhold('1.4.1');
    else if (seen.has(key) || x.billedBefore.has(key)) withhold('1.10.2');
    else if (!cover) withhold('1.1.1');
    else if (pv && (pv.decision === 'outside' || pv.decision === 'excluded')) withhold('1.1.2');
    else if (pv?.decision === 'letter' && !line.guaranteeLetter) withhold('1.2.7');
    else if (pv?.exceeds)
      withhold(
        '1.1.3',
        `${defect('1.1.3').title_ru}: ${pv.exceeds === 'service' ? 'лимит услуги' : 'лимит программы'}`,
      );
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
    if (pv && paid > 0)
      counted(policy).push({
        serviceCode: line.serviceCode,
        date: line.serviceDate,
        quantity: line.quantity,
        amount: paid,
        invoiceId: x.invoiceId,
        rowId: line.rowId,
      });
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
