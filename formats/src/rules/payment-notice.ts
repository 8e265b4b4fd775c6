import { DmsnetError, type FieldError } from '../errors.js';
import { isDateShape, isMoney, isObj, report, type Obj } from './shared.js';

/** What a payment is checked against: the invoice it pays and what earlier notices for it paid. */
export interface PaymentContext {
  invoice?: unknown;
  /** Kopecks paid for the invoice by notices before this one (partial payments add up). */
  paidBefore?: number;
}

function invoiceFacts(invoice: unknown): { id: unknown; total: unknown } {
  const body = isObj(invoice) ? invoice.body : undefined;
  const header = isObj(invoice) ? invoice.header : undefined;
  if (!isObj(body) || !isObj(header))
    throw new DmsnetError('RELATED_DOCUMENT_INVALID', 'the related invoice has no header or no body');
  return { id: header.documentId, total: body.total };
}

export function checkPaymentNotice(errors: FieldError[], body: Obj, context: PaymentContext): void {
  const order = isObj(body.paymentOrder) ? body.paymentOrder : undefined;
  // A notice reports a payment made: its order cannot be dated after the notice.
  if (order && isDateShape(order.date) && isDateShape(body.noticeDate) && order.date > body.noticeDate)
    report(
      errors,
      '/body/paymentOrder/date',
      'PAYMENT_ORDER_AFTER_NOTICE',
      `the payment order is dated ${order.date}, after the notice (${body.noticeDate})`,
    );
  if (isMoney(body.paidAmount) && isMoney(body.withheldAmount) && body.paidAmount + body.withheldAmount === 0)
    report(errors, '/body/paidAmount', 'PAYMENT_EMPTY', 'a notice pays or withholds something');
  if (context.invoice === undefined) return;
  const invoice = invoiceFacts(context.invoice);
  if (typeof body.invoiceId === 'string' && body.invoiceId !== invoice.id) {
    report(
      errors,
      '/body/invoiceId',
      'PAYMENT_INVOICE_MISMATCH',
      `the notice pays "${body.invoiceId}" but was checked against invoice "${String(invoice.id)}"`,
    );
    return;
  }
  const before = context.paidBefore ?? 0;
  if (isMoney(invoice.total) && isMoney(body.paidAmount) && isMoney(body.withheldAmount)) {
    const sum = before + body.paidAmount + body.withheldAmount;
    if (sum > invoice.total)
      report(
        errors,
        '/body/paidAmount',
        'PAYMENT_EXCEEDS_INVOICE',
        `paid before ${before} + this payment ${body.paidAmount} + withheld ${body.withheldAmount} = ${sum} kopecks, more than the invoice total ${invoice.total}`,
      );
  }
}
