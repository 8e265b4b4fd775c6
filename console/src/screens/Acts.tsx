// Expertise acts. The insurer's expert opens the act the gateway drafted for an invoice, changes withheld lines
// (decision, amount, defect code, explanation), sees the totals follow, and confirms; the clinic answers the act
// from its inbox.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, queryString, type Me } from '../api';
import { ErrorBox, nameOf, useParticipants, useAction } from '../common';
import { formatDate, formatDateTime, formatMoney, fullName, parseMoney, documentNumber } from '../format';
import { useI18n } from '../i18n';

interface Row {
  messageId: string;
  documentType: string;
  status: string;
  sender?: string;
  receivedAt?: string;
  summary?: { number?: string; date?: string; amount?: number };
}

export function Acts({ me }: { me: Me }) {
  const { t, l } = useI18n();
  const participants = useParticipants();
  const insurer = me.participantRole !== 'clinic';
  const [rows, setRows] = useState<Row[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<{ items: Row[] }>(
      'GET',
      `/v1/inbox${queryString({ type: insurer ? 'invoice' : 'expertise-act', limit: 200 })}`,
    )
      .then((r) => setRows(r.items))
      .catch(setError);
  }, [insurer]);
  return (
    <section aria-labelledby="acts-title">
      <h1 id="acts-title">{t('acts')}</h1>
      <ErrorBox error={error} />
      {rows === undefined ? (
        !error && <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">{t('acts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('date')}</th>
              <th scope="col">{insurer ? t('invoice') : t('number')}</th>
              <th scope="col">{t('docDate')}</th>
              <th scope="col" className="num">
                {insurer ? t('claimed') : t('paid')}
              </th>
              <th scope="col">{insurer ? t('clinic') : t('insurer')}</th>
              <th scope="col">{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.messageId}>
                <td>{formatDateTime(r.receivedAt)}</td>
                <td>
                  <a
                    href={
                      insurer
                        ? `#/acts/${encodeURIComponent(r.messageId)}`
                        : `#/doc/${encodeURIComponent(r.messageId)}`
                    }
                  >
                    {r.summary?.number ?? documentNumber(r.messageId)}
                  </a>
                </td>
                <td className="nowrap">{formatDate(r.summary?.date)}</td>
                <td className="num nowrap">{formatMoney(r.summary?.amount)}</td>
                <td>{nameOf(participants, r.sender)}</td>
                <td>
                  <span className={`status s-${r.status}`}>{l(r.status)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface ActLine {
  rowId: string;
  invoiceLineId: string;
  decision: 'PAID' | 'WITHHELD';
  claimedAmount: number;
  paidAmount: number;
  withheldAmount: number;
  defectCode?: string;
  reason?: string;
}
interface Draft {
  invoiceId: string;
  clinic: string;
  state: 'DRAFT' | 'SENT';
  actDocumentId?: string;
  act: {
    actNumber: string;
    actDate: string;
    lines: ActLine[];
    totals: { claimed: number; paid: number; withheld: number };
  };
}
interface InvoiceLine {
  rowId: string;
  patient: { lastName: string; firstName: string; middleName?: string };
  serviceCode: string;
  serviceDate: string;
}
interface Edit {
  decision: 'PAID' | 'WITHHELD';
  paid: string;
  defectCode: string;
  reason: string;
}

const DEFECT = /^[0-9]{1,2}(\.[0-9]{1,2}){1,2}$/;

export function ActEditor({ invoiceId, me }: { invoiceId: string; me: Me }) {
  const { t, l } = useI18n();
  const participants = useParticipants();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [invoice, setInvoice] = useState<Map<string, InvoiceLine>>(new Map());
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const [invoiceNumber, setInvoiceNumber] = useState(documentNumber(invoiceId));
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const { busy, run } = useAction();
  const canEdit = me.operations.includes('acts.edit');

  const load = useCallback(async () => {
    try {
      const d = await api<Draft>('GET', `/v1/expertise-acts/${encodeURIComponent(invoiceId)}`);
      setDraft(d);
      setEdits(
        Object.fromEntries(
          d.act.lines.map((x) => [
            x.invoiceLineId,
            {
              decision: x.decision,
              paid: (x.paidAmount / 100).toFixed(2).replace('.', ','),
              defectCode: x.defectCode ?? '',
              reason: x.reason ?? '',
            },
          ]),
        ),
      );
      const inv = await api<{ document?: { body: { lines: InvoiceLine[]; invoiceNumber?: string } } }>(
        'GET',
        `/v1/documents/${encodeURIComponent(invoiceId)}`,
      );
      setInvoice(new Map((inv.document?.body.lines ?? []).map((x) => [x.rowId, x])));
      setInvoiceNumber(inv.document?.body.invoiceNumber ?? documentNumber(invoiceId));
    } catch (e) {
      setError(e);
    }
  }, [invoiceId]);
  useEffect(() => {
    void load();
  }, [load]);

  // The totals as they will be once saved: the same rule as the gateway's (a line is withheld below its claim).
  const totals = useMemo(() => {
    const out = { claimed: 0, paid: 0, withheld: 0 };
    for (const x of draft?.act.lines ?? []) {
      const e = edits[x.invoiceLineId];
      const paid = e ? (e.decision === 'PAID' ? x.claimedAmount : (parseMoney(e.paid) ?? 0)) : x.paidAmount;
      out.claimed += x.claimedAmount;
      out.paid += Math.min(paid, x.claimedAmount);
      out.withheld += x.claimedAmount - Math.min(paid, x.claimedAmount);
    }
    return out;
  }, [draft, edits]);

  if (!draft) return error ? <ErrorBox error={error} /> : <p>{t('loading')}</p>;
  const editable = canEdit && draft.state === 'DRAFT';
  const set = (id: string, patch: Partial<Edit>) =>
    setEdits((e) => ({ ...e, [id]: { ...(e[id] as Edit), ...patch } }));

  const save = async (): Promise<boolean> => {
    setError(undefined);
    const lines = draft.act.lines.map((x) => {
      const e = edits[x.invoiceLineId] as Edit;
      const paid = e.decision === 'PAID' ? x.claimedAmount : (parseMoney(e.paid) ?? 0);
      return {
        invoiceLineId: x.invoiceLineId,
        decision: e.decision,
        paidAmount: paid,
        ...(e.defectCode ? { defectCode: e.defectCode } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
      };
    });
    try {
      const d = await api<Draft>('PATCH', `/v1/expertise-acts/${encodeURIComponent(invoiceId)}`, { lines });
      setDraft(d);
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const confirm = async () => {
    if (!(await save())) return;
    try {
      await api('POST', `/v1/expertise-acts/${encodeURIComponent(invoiceId)}/send`, {});
      setDone(t('actSent'));
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="act-title">
      <p>
        <a href="#/acts">← {t('back')}</a>
      </p>
      <h1 id="act-title">
        {t('acts')}: {t('invoice')} № {invoiceNumber}{' '}
        <span className={`status s-${draft.state}`}>{l(draft.state)}</span>
      </h1>
      <p>
        {t('clinic')}: {nameOf(participants, draft.clinic)}. № {draft.act.actNumber},{' '}
        {formatDate(draft.act.actDate)}
        {draft.actDocumentId && draft.state === 'SENT' && (
          <>
            {' '}
            — {/* The ledger id: a bare number may also be another sender's (409 ID_AMBIGUOUS). */}
            <a href={`#/doc/${encodeURIComponent(`${me.participantId}:${draft.actDocumentId}`)}`}>
              {draft.actDocumentId}
            </a>
          </>
        )}
      </p>
      <div className="table-wrap">
        <table className="grid act">
          <caption className="sr-only">{t('lines')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('line')}</th>
              <th scope="col">{t('patient')}</th>
              <th scope="col">{t('service')}</th>
              <th scope="col">{t('claimed')}</th>
              <th scope="col">{t('decision')}</th>
              <th scope="col">{t('paid')}</th>
              <th scope="col">{t('defectCode')}</th>
              <th scope="col">{t('explanation')}</th>
            </tr>
          </thead>
          <tbody>
            {draft.act.lines.map((x) => {
              const e = edits[x.invoiceLineId] as Edit;
              const inv = invoice.get(x.invoiceLineId);
              const id = `l-${x.invoiceLineId}`;
              const badCode = e.decision === 'WITHHELD' && !DEFECT.test(e.defectCode);
              return (
                <tr
                  key={x.invoiceLineId}
                  className={e.decision === 'WITHHELD' ? 'withheld' : undefined}
                  data-line={x.invoiceLineId}
                >
                  <th scope="row">{x.invoiceLineId}</th>
                  <td>{inv ? fullName(inv.patient) : ''}</td>
                  <td>
                    {inv?.serviceCode} {inv ? formatDate(inv.serviceDate) : ''}
                  </td>
                  <td className="num">{formatMoney(x.claimedAmount)}</td>
                  <td>
                    {editable ? (
                      <select
                        aria-label={`${t('decision')}, ${t('line')} ${x.invoiceLineId}`}
                        name={`${id}-decision`}
                        value={e.decision}
                        onChange={(ev) =>
                          set(x.invoiceLineId, {
                            decision: ev.target.value as Edit['decision'],
                            paid: ev.target.value === 'WITHHELD' ? '0,00' : e.paid,
                            // A paid line has no defect: a code left behind would be sent with it.
                            defectCode: ev.target.value === 'PAID' ? '' : e.defectCode,
                          })
                        }
                      >
                        <option value="PAID">{l('PAID')}</option>
                        <option value="WITHHELD">{l('WITHHELD')}</option>
                      </select>
                    ) : (
                      l(x.decision)
                    )}
                  </td>
                  <td className="num">
                    {editable && e.decision === 'WITHHELD' ? (
                      <input
                        aria-label={`${t('paid')}, ${t('line')} ${x.invoiceLineId}`}
                        name={`${id}-paid`}
                        inputMode="decimal"
                        size={10}
                        value={e.paid}
                        onChange={(ev) => set(x.invoiceLineId, { paid: ev.target.value })}
                      />
                    ) : (
                      formatMoney(e.decision === 'PAID' ? x.claimedAmount : x.paidAmount)
                    )}
                  </td>
                  <td>
                    {editable && e.decision === 'WITHHELD' ? (
                      <input
                        aria-label={`${t('defectCode')}, ${t('line')} ${x.invoiceLineId}`}
                        aria-invalid={badCode}
                        name={`${id}-defect`}
                        size={7}
                        value={e.defectCode}
                        onChange={(ev) => set(x.invoiceLineId, { defectCode: ev.target.value.trim() })}
                      />
                    ) : (
                      x.defectCode
                    )}
                  </td>
                  <td>
                    {editable && e.decision === 'WITHHELD' ? (
                      <input
                        aria-label={`${t('explanation')}, ${t('line')} ${x.invoiceLineId}`}
                        name={`${id}-reason`}
                        value={e.reason}
                        onChange={(ev) => set(x.invoiceLineId, { reason: ev.target.value })}
                      />
                    ) : (
                      x.reason
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                {t('total')}
              </th>
              <td className="num" data-total="claimed">
                {formatMoney(totals.claimed)}
              </td>
              <td />
              <td className="num" data-total="paid">
                {formatMoney(totals.paid)}
              </td>
              <td colSpan={2} data-total="withheld">
                {t('withheld')}: {formatMoney(totals.withheld)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <ErrorBox error={error} />
      {done && (
        <p role="status" className="alert ok">
          {done}
        </p>
      )}
      {editable && (
        <div className="actions">
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                setDone('');
                if (await save()) setDone(t('saved'));
              })
            }
          >
            {t('save')}
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void run(confirm)}>
            {t('confirmSend')}
          </button>
        </div>
      )}
    </section>
  );
}
