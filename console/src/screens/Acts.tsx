// Expertise acts. The insurer's expert opens the act the gateway drafted for an invoice, changes withheld lines
// (decision, amount, defect code, explanation), sees the totals follow, and confirms; the clinic answers the act
// from its inbox.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiFailure, queryString, type Me } from '../api';
import { ErrorBox, nameOf, shownStatus, useParticipants, useAction } from '../common';
import { formatDate, formatDateTime, formatMoney, parseMoney, documentNumber } from '../format';
import { useI18n } from '../i18n';
import { Progress, useProgress } from '../progress';
import { useActText } from './act-text';
import { ActLinesTable, type ActLine, type Edit, type InvoiceLine } from './act-lines';
import { useLiveReload } from './live';
import { ActDocumentation } from './act-documentation';

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
  /** Lines reopened by medical documentation that arrived (decision record 0056). */
  reopened?: Array<{ invoiceLineId: string; documentId: string }>;
  act: {
    actNumber: string;
    actDate: string;
    /** documentIds of the clinic's medical-documentation answers the act cites. */
    documentation?: string[];
    lines: ActLine[];
    totals: { claimed: number; paid: number; withheld: number };
  };
}

/** A line's edit as the form starts it: what the draft says. */
const initialEdit = (x: ActLine): Edit => ({
  decision: x.decision,
  paid: (x.paidAmount / 100).toFixed(2).replace('.', ','),
  defectCode: x.defectCode ?? '',
  reason: x.reason ?? '',
});

/**
 * A refusal's pointers name lines by their place among the lines sent, which are only the changed ones; the person
 * knows a line by its place in the act («Строка 2»), so each pointer is moved there.
 */
function atActLines(err: unknown, sent: Array<{ invoiceLineId: string }>, act: ActLine[]): unknown {
  if (!(err instanceof ApiFailure) || !err.errors.length) return err;
  const place = new Map(act.map((x, i) => [x.invoiceLineId, i]));
  const errors = err.errors.map((e) => {
    const m = /^\/body\/lines\/(\d+)(\/.*)?$/.exec(e.pointer);
    const line = m ? sent[Number(m[1])] : undefined;
    const at = line ? place.get(line.invoiceLineId) : undefined;
    return at === undefined ? e : { ...e, pointer: `/body/lines/${at}${m?.[2] ?? ''}` };
  });
  return new ApiFailure(err.status, err.code, err.message, errors, err.retryAfter);
}

/** What a line's edit pays, by the gateway's rule (a line is withheld below its claim). */
const paidOf = (x: ActLine, e: Edit) =>
  Math.min(e.decision === 'PAID' ? x.claimedAmount : (parseMoney(e.paid) ?? 0), x.claimedAmount);

export function ActEditor({ invoiceId, me }: { invoiceId: string; me: Me }) {
  const { t, l } = useI18n();
  const a = useActText();
  const participants = useParticipants();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [invoice, setInvoice] = useState<Map<string, InvoiceLine>>(new Map());
  // Only the lines the expert touched since the last save: a 50,000-line act is not copied at every keystroke.
  const [changes, setChanges] = useState<Record<string, Edit>>({});
  const [invoiceNumber, setInvoiceNumber] = useState(documentNumber(invoiceId));
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const { busy, run } = useAction();
  const { progress, step, advance, finish } = useProgress();
  const canEdit = me.operations.includes('acts.edit');

  const load = useCallback(async () => {
    try {
      step('stepOpen');
      const d = await api<Draft>('GET', `/v1/expertise-acts/${encodeURIComponent(invoiceId)}`, undefined, {
        onDownload: advance,
      });
      // The act is shown at once; the invoice's patients and services fill its lines as soon as they arrive.
      setDraft(d);
      setChanges({});
      step('stepLines');
      const inv = await api<{ document?: { body: { lines: InvoiceLine[]; invoiceNumber?: string } } }>(
        'GET',
        `/v1/documents/${encodeURIComponent(invoiceId)}`,
        undefined,
        { onDownload: advance },
      );
      setInvoice(new Map((inv.document?.body.lines ?? []).map((x) => [x.rowId, x])));
      setInvoiceNumber(inv.document?.body.invoiceNumber ?? documentNumber(invoiceId));
    } catch (e) {
      setError(e);
    } finally {
      finish();
    }
  }, [invoiceId, step, advance, finish]);
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

  const editOf = useCallback((x: ActLine): Edit => changes[x.invoiceLineId] ?? initialEdit(x), [changes]);
  const changed = useMemo(() => new Set(Object.keys(changes)), [changes]);
  const byId = useMemo(() => new Map((draft?.act.lines ?? []).map((x) => [x.invoiceLineId, x])), [draft]);

  // The totals as they will be once saved: the draft's, moved by the lines changed since.
  const totals = useMemo(() => {
    const out = { ...(draft?.act.totals ?? { claimed: 0, paid: 0, withheld: 0 }) };
    for (const [id, e] of Object.entries(changes)) {
      const x = byId.get(id);
      if (!x) continue;
      const paid = paidOf(x, e);
      out.paid += paid - x.paidAmount;
      out.withheld += x.claimedAmount - paid - x.withheldAmount;
    }
    return out;
  }, [draft, changes, byId]);

  const set = useCallback(
    (id: string, patch: Partial<Edit>) => {
      // A change after the question was asked makes its figures stale: it is asked again after saving.
      setConfirming(false);
      setChanges((c) => {
        const x = byId.get(id) as ActLine;
        return { ...c, [id]: { ...(c[id] ?? initialEdit(x)), ...patch } };
      });
    },
    [byId],
  );

  if (!draft)
    return error ? (
      <ErrorBox error={error} />
    ) : (
      <>
        <p>{t('loading')}</p>
        <Progress state={progress} />
      </>
    );
  const editable = canEdit && draft.state === 'DRAFT';

  const save = async (): Promise<boolean> => {
    setError(undefined);
    // Only what changed goes to the gateway: the act keeps every other line as it is.
    const lines = Object.entries(changes).flatMap(([id, e]) => {
      const x = byId.get(id);
      if (!x) return [];
      return [
        {
          invoiceLineId: id,
          decision: e.decision,
          paidAmount: e.decision === 'PAID' ? x.claimedAmount : (parseMoney(e.paid) ?? 0),
          ...(e.defectCode ? { defectCode: e.defectCode } : {}),
          ...(e.reason ? { reason: e.reason } : {}),
        },
      ];
    });
    try {
      if (lines.length) {
        const d = await api<Draft>('PATCH', `/v1/expertise-acts/${encodeURIComponent(invoiceId)}`, { lines });
        setDraft(d);
        setChanges({});
      }
      return true;
    } catch (err) {
      setError(atActLines(err, lines, draft.act.lines));
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
      setChanges({});
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
      <Progress state={progress} />
      <ActLinesTable
        lines={draft.act.lines}
        invoice={invoice}
        editOf={editOf}
        changed={changed}
        set={set}
        editable={editable}
        totals={totals}
        disputed={disputed}
      />
      <ActDocumentation
        invoiceId={invoiceId}
        clinic={draft.clinic}
        cited={draft.act.documentation ?? []}
        reopened={draft.reopened ?? []}
        invoice={invoice}
        me={me}
        // A draft being edited is not reloaded under the expert's hands; a sent act shows its correcting draft.
        onAnswer={() => Object.keys(changes).length === 0 && void load()}
      />
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
