// The act's side of medical documentation (decision record 0056): what documentation the act relies on (the clinic's
// answers it cites, the lines they reopened), the requests sent for this invoice and their state, and the expert's
// request for chosen lines — what is wanted and by when.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, type Me } from '../api';
import { DateInput, ErrorBox, useAction } from '../common';
import { formatDate, formatDateTime, fullName } from '../format';
import type { InvoiceLine } from './act-lines';
import { KINDS, useDocsText, type Kind } from './docs-text';
import { useLiveReload } from './live';

interface DocCase {
  requestId: string;
  requestNumber: string;
  invoiceId: string;
  clinic: string;
  respondBy: string;
  lines: Record<string, string>;
  answers: Array<{ documentId: string; at: string; invoiceLineIds: string[] }>;
}

/** «2, 3, 5-7» → ['2','3','5','6','7'] (the invoice's own line ids where they are numbers; others as typed). */
export function parseLineList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const m = /^(\d+)-(\d+)$/.exec(part);
    if (m && Number(m[2]) - Number(m[1]) < 1000)
      for (let i = Number(m[1]); i <= Number(m[2]); i++) out.push(String(i));
    else out.push(part);
  }
  return [...new Set(out)];
}

export function ActDocumentation({
  invoiceId,
  clinic,
  cited,
  reopened,
  invoice,
  me,
  onAnswer,
}: {
  invoiceId: string;
  clinic: string;
  /** documentIds of the clinic's answers the act cites. */
  cited: string[];
  reopened: Array<{ invoiceLineId: string; documentId: string }>;
  invoice: Map<string, InvoiceLine>;
  me: Me;
  /** An answer arrived: the act (its citations, reopened lines) is read again. */
  onAnswer: () => void;
}) {
  const d = useDocsText();
  const [cases, setCases] = useState<DocCase[]>([]);
  const [error, setError] = useState<unknown>();
  const [asking, setAsking] = useState(false);
  const [sent, setSent] = useState('');
  const load = useCallback(() => {
    api<{ items: DocCase[] }>('GET', '/v1/documentation-requests')
      .then((r) => setCases(r.items.filter((c) => c.invoiceId === invoiceId)))
      .catch(setError);
  }, [invoiceId]);
  useEffect(load, [load]);
  useLiveReload(
    (n) => n.documentType === 'medical-documentation',
    () => {
      load();
      onAnswer();
    },
  );
  const canAsk = me.operations.includes('acts.edit');
  return (
    <section className="act-docs" aria-labelledby="act-docs-title" data-act-documentation="">
      <h2 id="act-docs-title">{d('actDocsTitle')}</h2>
      {cited.length > 0 ? (
        <p data-cited="">
          {d('actCites')}:{' '}
          {cited.map((x, i) => (
            <span key={x}>
              {i > 0 && ', '}
              <a href={`#/medical/${encodeURIComponent(`${clinic}:${x}`)}`} data-cited-doc={x}>
                {x}
              </a>
            </span>
          ))}
          {reopened.length > 0 && (
            <>
              ; {d('reopened')}: {reopened.map((r) => r.invoiceLineId).join(', ')}
            </>
          )}
        </p>
      ) : (
        <p className="hint">{d('actCitesNothing')}</p>
      )}
      {cases.length > 0 && (
        <ul className="doc-cases">
          {cases.map((c) => (
            <li key={c.requestId} data-request={c.requestNumber}>
              {d('request')} № {c.requestNumber} ({d('invoiceLines')}: {Object.values(c.lines).join(', ')};{' '}
              {d('respondBy').toLocaleLowerCase('ru-RU')} {formatDate(c.respondBy)}):{' '}
              {c.answers.length === 0 ? (
                <span className="status s-PENDING">{d('waiting')}</span>
              ) : (
                c.answers.map((a, i) => (
                  <span key={a.documentId}>
                    {i > 0 && ', '}
                    <a href={`#/medical/${encodeURIComponent(`${c.clinic}:${a.documentId}`)}`}>
                      {d('answerOf')} {formatDateTime(a.at)}
                    </a>
                  </span>
                ))
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={error} />
      {canAsk &&
        (asking ? (
          <RequestForm
            invoiceId={invoiceId}
            invoice={invoice}
            onDone={(text) => {
              setAsking(false);
              setSent(text);
              load();
            }}
            onCancel={() => setAsking(false)}
          />
        ) : (
          <button type="button" onClick={() => (setAsking(true), setSent(''))}>
            {d('askDocs')}
          </button>
        ))}
      {sent && (
        <p role="status" className="alert ok">
          {sent}
        </p>
      )}
    </section>
  );
}

function RequestForm({
  invoiceId,
  invoice,
  onDone,
  onCancel,
}: {
  invoiceId: string;
  invoice: Map<string, InvoiceLine>;
  onDone: (sent: string) => void;
  onCancel: () => void;
}) {
  const d = useDocsText();
  const [lineText, setLineText] = useState('');
  const [wanted, setWanted] = useState<Kind[]>(['discharge-summary']);
  const [respondBy, setRespondBy] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState('');
  const { busy, run } = useAction();
  const chosen = parseLineList(lineText);
  const unknown = invoice.size ? chosen.filter((x) => !invoice.has(x)) : [];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setLocal('');
    if (!chosen.length) return setLocal(d('chooseLines'));
    if (!wanted.length) return setLocal(d('chooseWanted'));
    if (wanted.includes('other') && !comment.trim()) return setLocal(d('otherNeedsComment'));
    try {
      const r = await api<{ case: DocCase }>('POST', '/v1/documentation-requests', {
        invoiceId,
        lines: chosen.map((invoiceLineId) => ({
          invoiceLineId,
          wanted,
          ...(wanted.includes('other') && comment.trim() ? { comment: comment.trim() } : {}),
        })),
        ...(respondBy ? { respondBy } : {}),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      onDone(`${d('requestSent')} № ${r.case.requestNumber}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form
      className="grid-form docs-request"
      onSubmit={(e) => void run(() => submit(e))}
      aria-label={d('askDocs')}
    >
      <label>
        {d('linesToAsk')}
        <input
          value={lineText}
          onChange={(e) => (setLineText(e.target.value), setLocal(''))}
          placeholder="2, 3"
          aria-invalid={unknown.length > 0}
          aria-describedby="docs-lines-hint"
        />
      </label>
      <p id="docs-lines-hint" className="hint wide" aria-live="polite">
        {unknown.length > 0
          ? `${d('noSuchLines')}: ${unknown.join(', ')}`
          : chosen
              .filter((x) => invoice.has(x))
              .map((x) => {
                const l = invoice.get(x) as InvoiceLine;
                return `${x}: ${fullName(l.patient)}, ${l.serviceCode}, ${formatDate(l.serviceDate)}`;
              })
              .join('; ')}
      </p>
      <fieldset className="checks">
        <legend>{d('wanted')}</legend>
        {KINDS.map((k) => (
          <label key={k} className="check">
            <input
              type="checkbox"
              checked={wanted.includes(k)}
              onChange={(e) => setWanted((w) => (e.target.checked ? [...w, k] : w.filter((x) => x !== k)))}
            />{' '}
            {d(`kind_${k}`)}
          </label>
        ))}
      </fieldset>
      <DateInput label={d('respondBy')} value={respondBy} onChange={setRespondBy} name="respondBy" />
      <p className="hint">{d('respondByDefault')}</p>
      <label className="wide">
        {d('comment')}
        <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      {local && (
        <p role="alert" className="alert error wide">
          {local}
        </p>
      )}
      <div className="wide">
        <ErrorBox error={error} />
      </div>
      <div className="actions wide">
        <button type="submit" className="primary" disabled={busy}>
          {d('sendRequest')}
        </button>
        <button type="button" onClick={onCancel}>
          {d('cancel')}
        </button>
      </div>
    </form>
  );
}
