// The clinic's view of an expertise act it received: each line beside the patient and the service of its own
// invoice line, the lines the clinic disputed with their reasons, and the answer — accept the act, or tick the lines
// it does not agree with and say why for each (decision record 0041).
import { useCallback, useEffect, useState } from 'react';
import { api, queryString, type Me } from '../api';
import { ErrorBox, useAction } from '../common';
import { formatDate, formatMoney, fullName, documentNumber } from '../format';
import { useI18n } from '../i18n';
import { useActText } from './act-text';
import { useLiveReload } from './live';
import { useDocsText } from './docs-text';

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
export interface ActBody {
  actNumber: string;
  invoiceId: string;
  totals: { claimed: number; paid: number; withheld: number };
  /** documentIds of this clinic's medical-documentation answers the act relies on (decision record 0056). */
  documentation?: string[];
  lines: ActLine[];
}
interface InvoiceLine {
  rowId: string;
  patient: { lastName: string; firstName: string; middleName?: string; policyNumber?: string };
  serviceCode: string;
  serviceName?: string;
  serviceDate: string;
}
interface FieldError {
  pointer: string;
  code: string;
  message: string;
}

/** The reasons of the lines a dispute named, by invoice line (errors at /body/lines/<i>). */
export function disputedReasons(act: ActBody, errors: FieldError[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of errors ?? []) {
    const m = /^\/body\/lines\/(\d+)$/.exec(e.pointer);
    const line = m ? act.lines[Number(m[1])] : undefined;
    if (line && e.code === 'ACT_LINE_DISPUTED') out.set(line.invoiceLineId, e.message);
  }
  return out;
}

export function ReceivedAct({
  id,
  me,
  act,
  corrects,
  status,
  canDecide,
  disputeErrors,
  onDecided,
}: {
  id: string;
  me: Me;
  act: ActBody;
  corrects?: string;
  status: string;
  canDecide: boolean;
  disputeErrors?: FieldError[];
  onDecided: () => Promise<void>;
}) {
  const { t, l } = useI18n();
  const a = useActText();
  const docs = useDocsText();
  const [invoice, setInvoice] = useState<Map<string, InvoiceLine>>(new Map());
  const [correction, setCorrection] = useState<{ messageId: string; number?: string } | undefined>();
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [disputing, setDisputing] = useState(false);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const { busy, run } = useAction();
  const reasons = disputedReasons(act, disputeErrors);

  useEffect(() => {
    // The act names the invoice by the clinic's own document id: its ledger id is this node's.
    api<{ document?: { body: { lines: InvoiceLine[] } } }>(
      'GET',
      `/v1/documents/${encodeURIComponent(`${me.participantId}:${act.invoiceId}`)}`,
    )
      .then((inv) => setInvoice(new Map((inv.document?.body.lines ?? []).map((x) => [x.rowId, x]))))
      .catch(() => setInvoice(new Map()));
  }, [act.invoiceId, me.participantId]);
  // A corrected act answering this one, once the insurer sends it.
  const findCorrection = useCallback(async () => {
    const page = await api<{
      items: Array<{ messageId: string; corrects?: string; summary?: { number?: string } }>;
    }>('GET', `/v1/inbox${queryString({ type: 'expertise-act', limit: 200, order: 'desc' })}`);
    const c = page.items.find((x) => x.corrects === id);
    setCorrection(c ? { messageId: c.messageId, number: c.summary?.number } : undefined);
  }, [id]);
  useEffect(() => {
    void findCorrection().catch(() => undefined);
  }, [findCorrection]);
  useLiveReload(
    (n) => n.documentType === 'expertise-act',
    () => void findCorrection().catch(() => undefined),
  );

  const tick = (lineId: string, on: boolean) =>
    setPicked((p) => {
      const next = { ...p };
      if (on) next[lineId] = p[lineId] ?? '';
      else delete next[lineId];
      return next;
    });
  const pickedIds = Object.keys(picked);
  const missing = pickedIds.filter((k) => !picked[k]?.trim());
  const accept = async () => {
    setError(undefined);
    try {
      await api('POST', `/v1/inbox/${encodeURIComponent(id)}/accept`, {});
      setDone(t('done'));
      await onDecided();
    } catch (e) {
      setError(e);
    }
  };
  const dispute = async () => {
    setTried(true);
    setError(undefined);
    if (pickedIds.length === 0 || missing.length > 0) return;
    try {
      await api('POST', `/v1/expertise-acts/${encodeURIComponent(id)}/dispute`, {
        lines: act.lines
          .filter((x) => x.invoiceLineId in picked)
          .map((x) => ({ invoiceLineId: x.invoiceLineId, reason: (picked[x.invoiceLineId] ?? '').trim() })),
      });
      setDisputing(false);
      setPicked({});
      setDone(a('disputed'));
      await onDecided();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-label={a('lines')} className="received-act">
      {corrects && (
        <p data-corrects="">
          {a('correctsAct')} <a href={`#/doc/${encodeURIComponent(corrects)}`}>{documentNumber(corrects)}</a>
        </p>
      )}
      {act.documentation && act.documentation.length > 0 && (
        <p data-act-cites="">
          {docs('actCites')}:{' '}
          {act.documentation.map((x, i) => (
            <span key={x}>
              {i > 0 && ', '}
              {/* The clinic's own answers; they open to its expert alone (medical secrecy). */}
              <a href={`#/medical/${encodeURIComponent(`${me.participantId}:${x}`)}`}>{x}</a>
            </span>
          ))}
        </p>
      )}
      {correction && (
        <p role="note" className="alert ok" data-correction="">
          {a('correcting')}:{' '}
          <a href={`#/doc/${encodeURIComponent(correction.messageId)}`}>
            {correction.number ?? documentNumber(correction.messageId)}
          </a>
        </p>
      )}
      <div className="table-wrap">
        <table className="grid act">
          <caption>
            {a('lines')} ({act.lines.length})
          </caption>
          <thead>
            <tr>
              {disputing && <th scope="col">{a('disputePick')}</th>}
              <th scope="col">{a('line')}</th>
              <th scope="col">{a('patient')}</th>
              <th scope="col">{a('serviceCode')}</th>
              <th scope="col">{a('service')}</th>
              <th scope="col">{a('serviceDate')}</th>
              <th scope="col" className="num">
                {a('claimed')}
              </th>
              <th scope="col">{a('decision')}</th>
              <th scope="col" className="num">
                {a('paid')}
              </th>
              <th scope="col" className="num">
                {a('withheld')}
              </th>
              <th scope="col">{a('defectCode')}</th>
              <th scope="col">{a('explanation')}</th>
            </tr>
          </thead>
          <tbody>
            {act.lines.map((x) => {
              const inv = invoice.get(x.invoiceLineId);
              const isPicked = x.invoiceLineId in picked;
              const why = reasons.get(x.invoiceLineId);
              const bad = tried && isPicked && !picked[x.invoiceLineId]?.trim();
              return (
                <tr
                  key={x.invoiceLineId}
                  data-line={x.invoiceLineId}
                  className={
                    why || isPicked ? 'disputed' : x.decision === 'WITHHELD' ? 'withheld' : undefined
                  }
                >
                  {disputing && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${a('disputePick')}, ${a('line')} ${x.invoiceLineId}`}
                        checked={isPicked}
                        onChange={(e) => tick(x.invoiceLineId, e.target.checked)}
                      />
                    </td>
                  )}
                  <th scope="row">{x.invoiceLineId}</th>
                  <td>
                    {inv ? fullName(inv.patient) : ''}
                    {inv?.patient.policyNumber && <div className="muted">{inv.patient.policyNumber}</div>}
                  </td>
                  <td className="nowrap">{inv?.serviceCode}</td>
                  <td>{inv?.serviceName}</td>
                  <td className="nowrap">{inv ? formatDate(inv.serviceDate) : ''}</td>
                  <td className="num nowrap">{formatMoney(x.claimedAmount)}</td>
                  <td>{l(x.decision)}</td>
                  <td className="num nowrap">{formatMoney(x.paidAmount)}</td>
                  <td className="num nowrap">{formatMoney(x.withheldAmount)}</td>
                  <td>{x.defectCode}</td>
                  <td>
                    {x.reason}
                    {why !== undefined && (
                      <div className="dispute-reason" data-dispute-reason="">
                        {a('disputeLine')}: «{why}»
                      </div>
                    )}
                    {disputing && isPicked && (
                      <label className="dispute-reason">
                        {a('disputeReason')}
                        <textarea
                          rows={2}
                          maxLength={1000}
                          aria-invalid={bad}
                          aria-label={`${a('disputeReason')}, ${a('line')} ${x.invoiceLineId}`}
                          value={picked[x.invoiceLineId]}
                          onChange={(e) => setPicked((p) => ({ ...p, [x.invoiceLineId]: e.target.value }))}
                        />
                      </label>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={disputing ? 6 : 5}>
                {a('total')}
              </th>
              <td className="num nowrap">{formatMoney(act.totals.claimed)}</td>
              <td />
              <td className="num nowrap">{formatMoney(act.totals.paid)}</td>
              <td className="num nowrap">{formatMoney(act.totals.withheld)}</td>
              <td colSpan={2} />
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
      {canDecide && status === 'RECEIVED' && (
        <section className="decide no-print" aria-label={t('decision')}>
          {!disputing ? (
            <>
              <button type="button" className="primary" disabled={busy} onClick={() => void run(accept)}>
                {t('accept')}
              </button>
              <button type="button" className="danger" disabled={busy} onClick={() => setDisputing(true)}>
                {a('disputeStart')}
              </button>
            </>
          ) : (
            <>
              <p>{a('disputeHint')}</p>
              <p>
                {a('disputeCount')}: <strong data-dispute-count="">{pickedIds.length}</strong>
              </p>
              {tried && (pickedIds.length === 0 || missing.length > 0) && (
                <p role="alert" className="alert error">
                  {pickedIds.length === 0 ? a('disputeNone') : a('disputeNeedReason')}
                </p>
              )}
              <button type="button" className="danger" disabled={busy} onClick={() => void run(dispute)}>
                {a('disputeSend')}
              </button>
              <button
                type="button"
                onClick={() => {
                  setDisputing(false);
                  setPicked({});
                  setTried(false);
                }}
              >
                {a('disputeCancel')}
              </button>
            </>
          )}
        </section>
      )}
    </section>
  );
}
