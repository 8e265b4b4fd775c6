// Inbox and outbox: filters by type, status, counterparty and date; statuses change live over SSE.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, queryString, subscribe, type Me } from '../api';
import { counterpartName, DateInput, ErrorBox, shownStatus, useParticipants } from '../common';
import type { DocumentSummary } from '../../../formats/src/summary.js';
import { formatDate, formatDateTime, formatMoney, documentNumber } from '../format';
import { useI18n } from '../i18n';
import { errorText } from '../messages';

interface Row {
  messageId: string;
  documentType: string;
  status: string;
  sender?: string;
  addressee?: string;
  /** The insurer an assistance company acted for (decision record 0055). */
  onBehalfOf?: string;
  createdAt?: string;
  receivedAt?: string;
  summary?: DocumentSummary;
  /** Outbox: the addressee's answer. */
  reply?: { decision: string; comment?: string };
  /** Inbox: this node's answer, or why the document was refused. */
  comment?: string;
  rejection?: { code: string; message: string };
  decision?: string;
}

const TYPES = ['insured-list', 'guarantee-letter', 'invoice', 'price-list', 'expertise-act', 'reply'];
const STATUSES = {
  inbox: ['RECEIVED', 'ACCEPTED', 'REJECTED'],
  outbox: ['PENDING', 'SENT', 'DELIVERED', 'ACCEPTED', 'REJECTED', 'FAILED'],
};

interface Filter {
  type: string;
  status: string;
  counterparty: string;
  from: string;
  to: string;
}
const EMPTY: Filter = { type: '', status: '', counterparty: '', from: '', to: '' };

export function Documents({ box }: { box: 'inbox' | 'outbox'; me: Me }) {
  const { t, l, lang } = useI18n();
  const participants = useParticipants();
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [rows, setRows] = useState<Row[] | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState(false);
  const [changed, setChanged] = useState<Set<string>>(new Set());
  const reloadTimer = useRef<number | undefined>(undefined);

  const query = useCallback(
    (c?: string) =>
      `/v1/${box}${queryString({
        type: filter.type,
        status: filter.status,
        counterparty: filter.counterparty,
        from: filter.from ? new Date(filter.from + 'T00:00:00').toISOString() : undefined,
        to: filter.to ? new Date(filter.to + 'T23:59:59').toISOString() : undefined,
        limit: 50,
        order: 'desc',
        // A reply is shown under the document it answers; asked for by type, replies are listed as they are.
        replies: filter.type === 'reply' ? undefined : 'exclude',
        cursor: c,
      })}`,
    [box, filter],
  );
  const load = useCallback(async () => {
    try {
      const page = await api<{ items: Row[]; nextCursor?: string }>('GET', query());
      setRows(page.items);
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [query]);
  useEffect(() => {
    setRows(undefined);
    void load();
  }, [load]);
  useEffect(
    () =>
      subscribe((n) => {
        setChanged((s) => new Set(s).add(n.messageId));
        window.clearTimeout(reloadTimer.current);
        reloadTimer.current = window.setTimeout(() => void load(), 150);
      }, setLive),
    [load],
  );
  const more = async () => {
    const page = await api<{ items: Row[]; nextCursor?: string }>('GET', query(cursor));
    setRows((r) => [...(r ?? []), ...page.items]);
    setCursor(page.nextCursor);
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
  };
  const who = box === 'inbox' ? t('sender') : t('addressee');
  return (
    <section aria-labelledby="docs-title">
      <div className="title-row">
        <h1 id="docs-title">{t(box)}</h1>
        <span className={live ? 'badge live' : 'badge'} role="status">
          {live ? t('live') : t('offline')}
        </span>
      </div>
      <form className="filters" onSubmit={apply} aria-label={t('filters')}>
        <label>
          {t('type')}
          <select value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
            <option value="">{t('any')}</option>
            {TYPES.map((x) => (
              <option key={x} value={x}>
                {l(x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('status')}
          <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">{t('any')}</option>
            {STATUSES[box].map((x) => (
              <option key={x} value={x}>
                {l(x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('counterparty')}
          <select
            value={draft.counterparty}
            onChange={(e) => setDraft({ ...draft, counterparty: e.target.value })}
          >
            <option value="">{t('any')}</option>
            {participants.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <DateInput
          label={t('dateFrom')}
          value={draft.from}
          onChange={(v) => setDraft({ ...draft, from: v })}
        />
        <DateInput label={t('dateTo')} value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />
        <button type="submit" className="primary">
          {t('apply')}
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(EMPTY);
            setFilter(EMPTY);
          }}
        >
          {t('reset')}
        </button>
      </form>
      <ErrorBox error={error} />
      {rows === undefined ? (
        <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">{t(box)}</caption>
          <thead>
            <tr>
              <th scope="col">{box === 'inbox' ? t('receivedAt') : t('sentAt')}</th>
              <th scope="col">{t('type')}</th>
              <th scope="col">{t('docNumber')}</th>
              <th scope="col">{t('docDate')}</th>
              <th scope="col" className="num">
                {t('amount')}
              </th>
              <th scope="col">{who}</th>
              <th scope="col">{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const answer = r.reply
                ? `${l(r.reply.decision)}${r.reply.comment ? `: ${r.reply.comment}` : ''}`
                : r.comment || (r.rejection ? errorText(r.rejection.code, r.rejection.message, lang) : '');
              return (
                <tr
                  key={r.messageId}
                  className={changed.has(r.messageId) ? 'changed' : undefined}
                  data-id={r.messageId}
                >
                  <td className="nowrap">{formatDateTime(r.receivedAt ?? r.createdAt)}</td>
                  <td>{l(r.documentType)}</td>
                  <td>
                    <a href={`#/doc/${encodeURIComponent(r.messageId)}`}>
                      {r.summary?.number ?? documentNumber(r.messageId)}
                    </a>
                  </td>
                  <td className="nowrap">{formatDate(r.summary?.date)}</td>
                  <td className="num nowrap">{formatMoney(r.summary?.amount)}</td>
                  <td data-party="">
                    {counterpartName(
                      participants,
                      box === 'inbox',
                      r.sender ?? r.addressee,
                      r.onBehalfOf,
                      t('onBehalfOf'),
                    )}
                  </td>
                  <td>
                    <span
                      className={`status s-${shownStatus(r.status, r)}`}
                      data-status={shownStatus(r.status, r)}
                    >
                      {l(shownStatus(r.status, r))}
                    </span>
                    {answer && (
                      <div className="answer muted" data-answer="">
                        ↳ {t('answer')}: {answer}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
