// What a list shows of a document besides its type and status: the number and date its sender gave it and the sum
// it is about. People know a document by «счёт № 57 от 05.03.2026 на 6 870,00 ₽», not by its id in the exchange.
export interface DocumentSummary {
  /** The sender's own number: the invoice's, the letter's, the act's, the list's, the price list's. */
  number?: string;
  /** The date written on the document (ISO), not the time it was sent. */
  date?: string;
  /** Kopecks: an invoice's total, a letter's limit, an act's amount to pay, a payment's amount, a
   * reconciliation's outstanding total. */
  amount?: number;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);

/** The summary of a document of any type and version; fields a document lacks are left out, never guessed. */
export function documentSummary(doc: unknown): DocumentSummary {
  const d = doc as { header?: { type?: unknown }; body?: Record<string, unknown> } | undefined;
  const b = d?.body;
  if (!b || typeof b !== 'object') return {};
  const pick = (number: unknown, date: unknown, amount?: unknown): DocumentSummary => {
    const s: DocumentSummary = {};
    const n = str(number);
    const t = str(date);
    const a = int(amount);
    if (n !== undefined) s.number = n;
    if (t !== undefined) s.date = t;
    if (a !== undefined) s.amount = a;
    return s;
  };
  switch (d?.header?.type) {
    case 'insured-list':
      return pick(b.listNumber, b.listDate);
    case 'guarantee-letter':
      return pick(b.letterNumber, b.issueDate, b.amountLimit);
    case 'invoice':
      return pick(b.invoiceNumber, b.invoiceDate, b.total);
    case 'price-list':
      return pick(b.priceListNumber, (b.validity as { from?: unknown } | undefined)?.from);
    case 'expertise-act':
      return pick(b.actNumber, b.actDate, (b.totals as { paid?: unknown } | undefined)?.paid);
    case 'payment-notice':
      return pick(b.noticeNumber, b.noticeDate, b.paidAmount);
    case 'reconciliation-statement':
      return pick(
        b.statementNumber,
        b.statementDate,
        (b.totals as { outstanding?: unknown } | undefined)?.outstanding,
      );
    case 'medical-programme':
      return pick(
        (b.programme as { code?: unknown } | undefined)?.code,
        (b.validity as { from?: unknown } | undefined)?.from,
        (b.limits as { amount?: unknown } | undefined)?.amount,
      );
    case 'care-request':
      return pick(b.requestNumber, b.requestDate);
    case 'appointment':
      return pick(b.requestNumber, typeof b.start === 'string' ? b.start.slice(0, 10) : undefined);
    case 'documentation-request':
      return pick(b.requestNumber, b.requestDate);
    case 'medical-documentation':
      return pick(b.requestNumber, b.answerDate);
    case 'prior-auth-request':
      return pick(b.requestNumber, b.requestDate, b.totalAmount);
    case 'prior-auth-response':
      return pick(b.requestNumber, undefined);
    default:
      return {};
  }
}
