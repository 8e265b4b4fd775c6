// Medical documentation for expertise (decision record 0056). The payer's expert follows the requests sent from acts
// and opens the answers; the clinic sees the requests it got, nearest deadline first, and answers each.
import { useCallback, useEffect, useState } from 'react';
import { api, queryString, type Me } from '../api';
import { ErrorBox, nameOf, useParticipants } from '../common';
import { formatDate, formatDateTime, fullName } from '../format';
import { useDocsText } from './docs-text';
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

interface Row {
  messageId: string;
  sender?: string;
  receivedAt?: string;
  summary?: { number?: string; date?: string };
}

interface RequestDoc {
  header: { documentId: string; sender: { ogrn: string } };
  body: {
    requestNumber: string;
    requestDate: string;
    respondBy: string;
    invoiceNumber?: string;
    lines: Array<{
      rowId: string;
      invoiceLineId: string;
      patient: { lastName: string; firstName: string; middleName?: string };
      serviceCode: string;
      serviceDate: string;
      wanted: string[];
    }>;
  };
}

/** Today as the person's calendar says, to tell a request past its last day. */
const todayIso = () =>
  new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

export function Documentation({ me }: { me: Me }) {
  return me.participantRole === 'clinic' ? <ClinicRequests /> : <PayerRequests me={me} />;
}

function State({ answered, respondBy }: { answered: boolean; respondBy: string }) {
  const d = useDocsText();
  const state = answered ? 'answered' : respondBy < todayIso() ? 'overdue' : 'waiting';
  return (
    <span
      className={`status s-${state === 'answered' ? 'ACCEPTED' : state === 'overdue' ? 'REJECTED' : 'PENDING'}`}
      data-state={state}
    >
      {d(state)}
    </span>
  );
}

function PayerRequests({ me }: { me: Me }) {
  const d = useDocsText();
  const participants = useParticipants();
  const [items, setItems] = useState<DocCase[] | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    api<{ items: DocCase[] }>('GET', '/v1/documentation-requests')
      .then((r) => setItems(r.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  // An answer arriving shows at once.
  useLiveReload((n) => n.documentType === 'medical-documentation', load);
  return (
    <section aria-labelledby="docs-title">
      <h1 id="docs-title">{d('titlePayer')}</h1>
      <p className="hint">{d('payerHint')}</p>
      <ErrorBox error={error} />
      {items === undefined ? null : items.length === 0 ? (
        <p>{d('nothing')}</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">{d('titlePayer')}</caption>
          <thead>
            <tr>
              <th scope="col">{d('requestNumber')}</th>
              <th scope="col">{d('clinic')}</th>
              <th scope="col">{d('invoiceLines')}</th>
              <th scope="col">{d('respondBy')}</th>
              <th scope="col">{d('state')}</th>
              <th scope="col">{d('answers')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.requestId} data-request={c.requestNumber}>
                <td>
                  <a href={`#/doc/${encodeURIComponent(`${me.participantId}:${c.requestId}`)}`}>
                    {c.requestNumber}
                  </a>
                  <div className="hint">
                    <a href={`#/acts/${encodeURIComponent(c.invoiceId)}`}>{d('toAct')}</a>
                  </div>
                </td>
                <td>{nameOf(participants, c.clinic)}</td>
                <td>{Object.values(c.lines).join(', ')}</td>
                <td className="nowrap">{formatDate(c.respondBy)}</td>
                <td>
                  <State answered={c.answers.length > 0} respondBy={c.respondBy} />
                </td>
                <td>
                  {c.answers.map((a) => (
                    <div key={a.documentId}>
                      <a
                        href={`#/medical/${encodeURIComponent(`${c.clinic}:${a.documentId}`)}`}
                        data-answer=""
                      >
                        {d('answerOf')} {formatDateTime(a.at)}
                      </a>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface Incoming {
  row: Row;
  doc?: RequestDoc;
  answered: boolean;
}

function ClinicRequests() {
  const d = useDocsText();
  const participants = useParticipants();
  const [items, setItems] = useState<Incoming[] | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(async () => {
    try {
      const [inbox, sent] = await Promise.all([
        api<{ items: Row[] }>(
          'GET',
          `/v1/inbox${queryString({ type: 'documentation-request', limit: 200 })}`,
        ),
        api<{ items: Row[] }>(
          'GET',
          `/v1/outbox${queryString({ type: 'medical-documentation', limit: 200 })}`,
        ),
      ]);
      // An answer carries the request's number (the list's summary shows it): answered requests are known by it.
      const answered = new Set(sent.items.map((r) => r.summary?.number).filter(Boolean));
      // The list has no deadline; each request is small, and the queue is sorted by its last day.
      const out = await Promise.all(
        inbox.items.map(async (row) => {
          const v = await api<{ document?: RequestDoc }>(
            'GET',
            `/v1/documents/${encodeURIComponent(row.messageId)}`,
          );
          return { row, doc: v.document, answered: answered.has(row.summary?.number) };
        }),
      );
      out.sort(
        (a, b) =>
          Number(a.answered) - Number(b.answered) ||
          (a.doc?.body.respondBy ?? '').localeCompare(b.doc?.body.respondBy ?? ''),
      );
      setItems(out);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useLiveReload(
    (n) => n.documentType === 'documentation-request' || n.documentType === 'medical-documentation',
    () => void load(),
  );
  return (
    <section aria-labelledby="docs-title">
      <h1 id="docs-title">{d('titleClinic')}</h1>
      <ErrorBox error={error} />
      {items === undefined ? null : items.length === 0 ? (
        <p>{d('nothing')}</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">{d('titleClinic')}</caption>
          <thead>
            <tr>
              <th scope="col">{d('respondBy')}</th>
              <th scope="col">{d('requestNumber')}</th>
              <th scope="col">{d('payer')}</th>
              <th scope="col">{d('invoice')}</th>
              <th scope="col">{d('patients')}</th>
              <th scope="col">{d('state')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ row, doc, answered }) => (
              <tr key={row.messageId} data-request={doc?.body.requestNumber}>
                <td className="nowrap">{formatDate(doc?.body.respondBy)}</td>
                <td>
                  <a href={`#/documentation/${encodeURIComponent(row.messageId)}`}>
                    {doc?.body.requestNumber ?? row.messageId}
                  </a>
                </td>
                <td>{nameOf(participants, row.sender)}</td>
                <td>{doc?.body.invoiceNumber}</td>
                <td>{[...new Set((doc?.body.lines ?? []).map((l) => fullName(l.patient)))].join(', ')}</td>
                <td>
                  <State answered={answered} respondBy={doc?.body.respondBy ?? ''} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export type { RequestDoc };
