// Expertise acts. The insurer's expert opens the act the gateway drafted for an invoice, changes withheld lines
// (decision, amount, defect code, explanation), sees the totals follow, and confirms; the clinic answers the act
// from its inbox.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, queryString, type Me } from '../api';
import { ErrorBox, nameOf, shownStatus, useParticipants, useAction } from '../common';
import { formatDate, formatDateTime, formatMoney, fullName, parseMoney, documentNumber } from '../format';
import { useI18n } from '../i18n';
import { useActText } from './act-text';
import { useLiveReload } from './live';

interface Row {
  messageId: string;
  documentType: string;
  status: string;
  sender?: string;
  receivedAt?: string;
  summary?: { number?: string; date?: string; amount?: number };
  decision?: string;
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
                  <span className={`status s-${shownStatus(r.status, r)}`}>
                    {l(shownStatus(r.status, r))}
                  </span>
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
  /** A corrected act's draft: the disputed act it answers. */
  corrects?: string;
  earlier?: string[];
  /** The sent act's status at this node, and what the clinic disputed (or, for a correction, had disputed). */
  actStatus?: string;
  dispute?: { replyId: string; lines: Array<{ invoiceLineId: string; reason: string }>; comment?: string };
  act: {
    actNumber: string;
    actDate: string;
    lines: ActLine[];
    totals: { claimed: number; paid: number; withheld: number };
  };
}
interface InvoiceLine {
  rowId: string;
  patient: { lastName: string; firstName: string; middleName?: string; policyNumber?: string };
  serviceCode: string;
  serviceName?: string;
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
  const a = useActText();
  const participants = useParticipants();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [confirming, setConfirming] = useState(false);
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
      setEdits(editsOf(d));
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
  // While the act is with the clinic, its answer (accepted, or lines disputed) arrives live; a draft being edited
  // is never reloaded under the expert's hands.
  useLiveReload(
    (n) =>
      draft?.state === 'SENT' &&
      !!draft.actDocumentId &&
      n.messageId === `${me.participantId}:${draft.actDocumentId}`,
    () => void load(),
  );

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
  const set = (id: string, patch: Partial<Edit>) => {
    // A change after the question was asked makes its figures stale: it is asked again after saving.
    setConfirming(false);
    setEdits((e) => ({ ...e, [id]: { ...(e[id] as Edit), ...patch } }));
  };

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
  // Confirming asks first, with what the clinic will be told: the lines, the amount to pay and the amount withheld.
  const review = async () => {
    setDone('');
    if (await save()) setConfirming(true);
  };
  const confirm = async () => {
    try {
      await api('POST', `/v1/expertise-acts/${encodeURIComponent(invoiceId)}/send`, {});
      setConfirming(false);
      setDone(t('actSent'));
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const correct = async () => {
    setError(undefined);
    try {
      const d = await api<Draft>('POST', `/v1/expertise-acts/${encodeURIComponent(invoiceId)}/correct`, {});
      setDraft(d);
      setEdits(editsOf(d));
      setDone('');
    } catch (err) {
      setError(err);
    }
  };
  const disputed = new Map((draft.dispute?.lines ?? []).map((x) => [x.invoiceLineId, x.reason]));
  const sentStatus = draft.actStatus
    ? shownStatus(draft.actStatus, draft.dispute ? { decision: 'DISPUTED' } : undefined)
    : undefined;

  return (
    <section aria-labelledby="act-title">
      <p>
        <a href="#/acts">← {t('back')}</a>
      </p>
      <h1 id="act-title">
        {t('acts')}: {t('invoice')} № {invoiceNumber}{' '}
        <span className={`status s-${draft.state}`}>{l(draft.state)}</span>
        {sentStatus && (
          <>
            {' '}
            <span className={`status s-${sentStatus}`} data-act-status={sentStatus} title={a('actStatus')}>
              {l(sentStatus)}
            </span>
          </>
        )}
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
      {draft.corrects && draft.state === 'DRAFT' && (
        <p role="note" data-corrects="">
          {a('correcting')}{' '}
          <a href={`#/doc/${encodeURIComponent(`${me.participantId}:${draft.corrects}`)}`}>
            {draft.corrects}
          </a>
          . {a('correctHint')}
        </p>
      )}
      {draft.dispute && (
        <section className="alert error" aria-label={a('disputeTitle')} data-dispute="">
          <strong>{draft.dispute.lines.length ? a('disputeTitle') : a('disputeWhole')}</strong>
          {draft.dispute.lines.length > 0 && (
            <>
              {' '}
              ({a('disputedLines')}: {draft.dispute.lines.map((x) => x.invoiceLineId).join(', ')})
            </>
          )}
          {draft.dispute.comment && (
            <p>
              {a('disputeComment')}: «{draft.dispute.comment}»
            </p>
          )}
          {draft.state === 'SENT' && canEdit && (
            <p>
              <button type="button" className="primary" disabled={busy} onClick={() => void run(correct)}>
                {a('correct')}
              </button>
            </p>
          )}
        </section>
      )}
      {draft.earlier && draft.earlier.length > 0 && (
        <p>
          {a('earlier')}:{' '}
          {draft.earlier.map((x, i) => (
            <span key={x}>
              {i > 0 && ', '}
              <a href={`#/doc/${encodeURIComponent(`${me.participantId}:${x}`)}`}>{x}</a>
            </span>
          ))}
        </p>
      )}
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
                  className={
                    disputed.has(x.invoiceLineId)
                      ? 'disputed'
                      : e.decision === 'WITHHELD'
                        ? 'withheld'
                        : undefined
                  }
                  data-line={x.invoiceLineId}
                >
                  <th scope="row">{x.invoiceLineId}</th>
                  <td>
                    {inv ? fullName(inv.patient) : ''}
                    {inv?.patient.policyNumber && <div className="muted">{inv.patient.policyNumber}</div>}
                  </td>
                  <td>
                    {inv?.serviceCode} {inv?.serviceName}
                    {inv && <div className="muted">{formatDate(inv.serviceDate)}</div>}
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
                      <>
                        <input
                          aria-label={`${t('paid')}, ${t('line')} ${x.invoiceLineId}`}
                          name={`${id}-paid`}
                          inputMode="decimal"
                          size={10}
                          className="screen-only"
                          value={e.paid}
                          onChange={(ev) => set(x.invoiceLineId, { paid: ev.target.value })}
                        />
                        {/* Paper cannot scroll a text field: the value prints as text that wraps. */}
                        <span className="print-only">{e.paid}</span>
                      </>
                    ) : (
                      formatMoney(e.decision === 'PAID' ? x.claimedAmount : x.paidAmount)
                    )}
                  </td>
                  <td>
                    {editable && e.decision === 'WITHHELD' ? (
                      <>
                        <input
                          aria-label={`${t('defectCode')}, ${t('line')} ${x.invoiceLineId}`}
                          aria-invalid={badCode}
                          name={`${id}-defect`}
                          size={7}
                          className="screen-only"
                          value={e.defectCode}
                          onChange={(ev) => set(x.invoiceLineId, { defectCode: ev.target.value.trim() })}
                        />
                        {/* Paper cannot scroll a text field: the value prints as text that wraps. */}
                        <span className="print-only">{e.defectCode}</span>
                      </>
                    ) : (
                      x.defectCode
                    )}
                  </td>
                  <td>
                    {editable && e.decision === 'WITHHELD' ? (
                      <>
                        <input
                          aria-label={`${t('explanation')}, ${t('line')} ${x.invoiceLineId}`}
                          name={`${id}-reason`}
                          className="screen-only"
                          value={e.reason}
                          onChange={(ev) => set(x.invoiceLineId, { reason: ev.target.value })}
                        />
                        {/* Paper cannot scroll a text field: the value prints as text that wraps. */}
                        <span className="print-only">{e.reason}</span>
                      </>
                    ) : (
                      x.reason
                    )}
                    {disputed.has(x.invoiceLineId) && (
                      <div className="dispute-reason" data-dispute-reason="">
                        {a('disputeLine')}: «{disputed.get(x.invoiceLineId)}»
                      </div>
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
      {editable && confirming && (
        <section className="confirm-box" role="dialog" aria-labelledby="confirm-title" data-confirm="">
          <h2 id="confirm-title">{a('confirmTitle')}</h2>
          {draft.corrects && <p>{a('confirmCorrects')}.</p>}
          <dl>
            <dt>{a('confirmLines')}</dt>
            <dd data-confirm-lines="">
              {draft.act.lines.length} ({draft.act.lines.filter((x) => x.decision === 'WITHHELD').length}{' '}
              {a('confirmWithheldLines')})
            </dd>
            <dt>{a('confirmPaid')}</dt>
            <dd data-confirm-paid="">{formatMoney(draft.act.totals.paid)}</dd>
            <dt>{a('confirmWithheld')}</dt>
            <dd data-confirm-withheld="">{formatMoney(draft.act.totals.withheld)}</dd>
          </dl>
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void run(confirm)}>
              {a('confirmYes')}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              {a('confirmNo')}
            </button>
          </div>
        </section>
      )}
      {editable && !confirming && (
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
          <button type="button" className="primary" disabled={busy} onClick={() => void run(review)}>
            {t('confirmSend')}
          </button>
        </div>
      )}
    </section>
  );
}

/** The editor's fields of each line as the act holds it (amounts as people type them). */
function editsOf(d: Draft): Record<string, Edit> {
  return Object.fromEntries(
    d.act.lines.map((x) => [
      x.invoiceLineId,
      {
        decision: x.decision,
        paid: (x.paidAmount / 100).toFixed(2).replace('.', ','),
        defectCode: x.defectCode ?? '',
        reason: x.reason ?? '',
      },
    ]),
  );
}
