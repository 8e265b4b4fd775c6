// Each invoice's payment state, live: the clinic sees what is due, paid and overdue as the payer's notices arrive
// (the node's payment.changed events reload the table), the payer the same of the invoices it received.
import { useCallback, useEffect, useState } from 'react';
import { api, queryString, type Me } from '../api';
import { ErrorBox, nameOf, useParticipants } from '../common';
import { formatDate, formatMoney } from '../format';
import { useI18n } from '../i18n';
import { useLiveReload } from './live';

interface PaymentState {
  invoiceId: string;
  invoiceNumber: string;
  invoiceDate: string;
  clinic: string;
  payer: string;
  state: 'not-due' | 'due' | 'partly-paid' | 'paid' | 'overdue';
  dueDate: string;
  billed: number;
  accepted: number;
  withheld: number;
  paid: number;
  outstanding: number;
  payments: Array<{ paymentOrder: { number: string; date: string }; paidAmount: number }>;
}

const STATES = ['not-due', 'due', 'partly-paid', 'paid', 'overdue'] as const;

export function Payments({ me }: { me: Me }) {
  const { t, l } = useI18n();
  const participants = useParticipants();
  const [state, setState] = useState('');
  const [items, setItems] = useState<PaymentState[] | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(async () => {
    try {
      const r = await api<{ items: PaymentState[] }>(
        'GET',
        `/v1/payments${queryString(state ? { state } : {})}`,
      );
      // Newest invoices first: what was billed lately is what people ask about.
      setItems(r.items.sort((a, b) => b.invoiceDate.localeCompare(a.invoiceDate)));
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [state]);
  useEffect(() => {
    void load();
  }, [load]);
  useLiveReload(
    (n) => n.kind === 'payment.changed',
    () => void load(),
  );
  const sum = (k: 'billed' | 'withheld' | 'paid' | 'outstanding') =>
    (items ?? []).reduce((s, p) => s + p[k], 0);
  return (
    <section aria-labelledby="pay-title">
      <h1 id="pay-title">{t('payments')}</h1>
      <p className="hint">{t('liveUpdates')}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('paymentState')}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t('allStates')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {l(s)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorBox error={error} />
      {items === undefined ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <div className="table-wrap">
          {/* Ten columns at 1360 px: headers wrap to two lines rather than push the table past its page. */}
          <table className="grid wrap-head">
            <caption className="sr-only">{t('payments')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('docNumber')}</th>
                <th scope="col">{t('docDate')}</th>
                <th scope="col">{t('counterparty')}</th>
                <th scope="col">{t('paymentState')}</th>
                <th scope="col">{t('dueDate')}</th>
                <th scope="col" className="num">
                  {t('billed')}
                </th>
                <th scope="col" className="num">
                  {t('withheldSum')}
                </th>
                <th scope="col" className="num">
                  {t('paidSum')}
                </th>
                <th scope="col" className="num">
                  {t('outstanding')}
                </th>
                <th scope="col">{t('paymentOrders')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.invoiceId} data-state={p.state}>
                  <td>
                    <a href={`#/doc/${encodeURIComponent(p.invoiceId)}`}>{p.invoiceNumber}</a>
                  </td>
                  <td>{formatDate(p.invoiceDate)}</td>
                  <td>{nameOf(participants, me.participantRole === 'clinic' ? p.payer : p.clinic)}</td>
                  <td>
                    <span className={`status pay-${p.state}`}>{l(p.state)}</span>
                  </td>
                  <td>{formatDate(p.dueDate)}</td>
                  <td className="num">{formatMoney(p.billed)}</td>
                  <td className="num">{formatMoney(p.withheld)}</td>
                  <td className="num">{formatMoney(p.paid)}</td>
                  <td className="num">{formatMoney(p.outstanding)}</td>
                  <td>
                    {p.payments.map((x) => (
                      <div key={`${x.paymentOrder.number}/${x.paymentOrder.date}`} className="nowrap">
                        № {x.paymentOrder.number} {t('dated')} {formatDate(x.paymentOrder.date)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>
                  {t('total')}
                </th>
                <td className="num">{formatMoney(sum('billed'))}</td>
                <td className="num">{formatMoney(sum('withheld'))}</td>
                <td className="num">{formatMoney(sum('paid'))}</td>
                <td className="num">{formatMoney(sum('outstanding'))}</td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
