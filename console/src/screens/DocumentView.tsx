// One document as a person reads it: the header as a form, each list of rows as a table, the ledger's status trail
// and this node's audit log; the addressee decides here.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, type Me } from '../api';
import { counterpartName, ErrorBox, nameOf, useParticipants, type Participant, useAction } from '../common';
import { formatDate, formatDateTime, formatMoney, fullName, isPerson, documentNumber } from '../format';
import { label, useI18n } from '../i18n';
import { useSendText } from './send-text';
import { VirtualTable } from '../virtual-table';
import {
  defectCodes,
  FILTER_FROM,
  NO_FILTER,
  RowFilters,
  useFilteredRows,
  type RowFilter,
} from './row-filter';
import { Receipts, type KeptReceipt } from './Receipts';
import { ReceivedAct, type ActBody } from './ReceivedAct';
import { useLiveReload } from './live';
import { shownStatus } from '../common';
import { FIELD_NAMES_RU, fieldErrorText } from '../../../formats/src/field-places.js';
import { documentSummary } from '../../../formats/src/summary.js';

interface View {
  direction: 'in' | 'out';
  document?: { header: Record<string, unknown>; body: Record<string, unknown> };
  record: {
    messageId: string;
    documentType: string;
    status: string;
    sender?: string;
    addressee?: string;
    /** The insurer an assistance company acted for (decision record 0055). */
    onBehalfOf?: string;
    reply?: { decision: string; comment?: string };
    withdrawal?: { reason: string; at: string };
    decision?: string;
    corrects?: string;
    rejection?: {
      code: string;
      message: string;
      errors: Array<{ pointer: string; code: string; message: string }>;
    };
  };
  status: string;
  trail: Array<{ status: string; at: string; by?: string; reason?: string }>;
  receipts?: Partial<Record<KeptReceipt['kind'], KeptReceipt>>;
  audit: Array<{
    at: string;
    action: string;
    user: string;
    fullName?: string;
    role?: string;
    detail?: Record<string, unknown>;
  }>;
}

const MONEY = /(amount|price|total|limit|claimed|paid|withheld|sum)$/i;
const DATE = /(date|from|to|At)$/;

const FIRST = [
  'documentId',
  'type',
  'sender',
  'addressee',
  'createdAt',
  'replyToId',
  'correctsId',
  'onBehalfOf',
  'rowId',
  'invoiceLineId',
];
const byFirst = (a: string, b: string) => {
  const x = FIRST.indexOf(a);
  const y = FIRST.indexOf(b);
  return (x < 0 ? 99 : x) - (y < 0 ? 99 : y);
};

const FIELD_RU: Record<string, string> = {
  documentId: 'Номер документа',
  type: 'Тип',
  formatVersion: 'Версия формата',
  sender: 'Отправитель',
  addressee: 'Получатель',
  createdAt: 'Создан',
  replyToId: 'Ответ на',
  correctsId: 'Исправляет',
  onBehalfOf: 'По поручению',
  contract: 'Договор',
  number: 'Номер',
  date: 'Дата',
  rows: 'Строки',
  lines: 'Строки',
  rowId: '№',
  action: 'Действие',
  person: 'Застрахованный',
  patient: 'Пациент',
  policyNumber: 'Полис',
  birthDate: 'Дата рождения',
  sex: 'Пол',
  snils: 'СНИЛС',
  period: 'Период',
  programme: 'Программа',
  code: 'Код',
  name: 'Наименование',
  serviceCode: 'Код услуги',
  serviceName: 'Услуга',
  serviceDate: 'Дата услуги',
  quantity: 'Кол-во',
  unitPrice: 'Цена',
  price: 'Цена',
  amount: 'Сумма',
  total: 'Итого',
  totals: 'Итоги',
  claimed: 'Предъявлено',
  paid: 'К оплате',
  withheld: 'Снято',
  claimedAmount: 'Предъявлено',
  paidAmount: 'К оплате',
  withheldAmount: 'Снято',
  decision: 'Решение',
  defectCode: 'Код дефекта',
  reason: 'Пояснение',
  invoiceNumber: 'Номер счёта',
  invoiceDate: 'Дата счёта',
  invoiceLineId: 'Строка счёта',
  billingPeriod: 'Отчётный период',
  currency: 'Валюта',
  validity: 'Срок действия',
  letterNumber: 'Номер письма',
  amountLimit: 'Лимит',
  services: 'Услуги',
  status: 'Статус',
  actNumber: 'Номер акта',
  actDate: 'Дата акта',
  expert: 'Эксперт',
  invoiceId: 'Счёт',
  diagnosis: 'Диагноз (МКБ-10)',
  guaranteeLetter: 'Гарантийное письмо',
  ogrn: 'ОГРН',
  expertiseType: 'Вид экспертизы',
  phone: 'Телефон',
  email: 'Эл. почта',
  address: 'Адрес',
  listNumber: 'Номер списка',
  listDate: 'Дата списка',
  policyholder: 'Страхователь',
  priceListNumber: 'Номер прейскуранта',
  issueDate: 'Дата выдачи',
  inn: 'ИНН',
  patientName: 'ФИО',
};

/**
 * An invoice register in the column order of the paper staff know: №, ФИО, полис, дата, код услуги, услуга, кол-во,
 * цена, сумма; whatever else a line carries (birth date, diagnosis, letter) follows.
 */
function registerRows(lines: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return lines.map((line) => {
    const { rowId, patient, serviceDate, serviceCode, serviceName, quantity, unitPrice, amount, ...rest } =
      line;
    const p = (patient ?? {}) as { policyNumber?: string; birthDate?: string; sex?: string };
    return {
      rowId,
      patientName: isPerson(patient) ? fullName(patient) : undefined,
      policyNumber: p.policyNumber,
      serviceDate,
      serviceCode,
      serviceName,
      quantity,
      unitPrice,
      amount,
      birthDate: p.birthDate,
      ...rest,
    };
  });
}

/** This screen's short column names first, then the format's Russian names shared with the error messages. */
const fieldName = (k: string) => FIELD_RU[k] ?? FIELD_NAMES_RU[k] ?? k;

function Value({ k, v, participants }: { k: string; v: unknown; participants: Participant[] }): ReactNode {
  const { l } = useI18n();
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return MONEY.test(k) ? formatMoney(v) : String(v);
  if (typeof v === 'string') {
    // The header's onBehalfOf is an insurer's ОГРН: its name from the directory.
    if (k === 'onBehalfOf') return nameOf(participants, v);
    if (DATE.test(k) || /^\d{4}-\d{2}-\d{2}$/.test(v))
      return k === 'createdAt' ? formatDateTime(v) : formatDate(v);
    return l(v);
  }
  if (typeof v === 'boolean') return v ? '✓' : '—';
  if (isPerson(v)) {
    const p = v as { policyNumber?: string; birthDate?: string };
    return `${fullName(v)}${p.birthDate ? `, ${formatDate(p.birthDate)}` : ''}${p.policyNumber ? `, ${p.policyNumber}` : ''}`;
  }
  if (typeof v === 'object' && 'ogrn' in (v as object)) {
    const o = v as { ogrn: string; name?: string };
    return o.name ?? nameOf(participants, o.ogrn);
  }
  if (Array.isArray(v))
    return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('from' in o || 'to' in o) return `${formatDate(o.from as string)} — ${formatDate(o.to as string)}`;
    // A programme's or service's code is an identifier beside its name.
    if ('code' in o && 'name' in o)
      return (
        <>
          <span data-identifier="">{String(o.code)}</span> {String(o.name)}
        </>
      );
    if ('name' in o && 'inn' in o) return `${String(o.name)} (ИНН ${String(o.inn)})`;
    if ('number' in o && 'date' in o) return `№ ${String(o.number)} от ${formatDate(o.date as string)}`;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'name') return String(o.name);
    // Anything else nested: its fields, each formatted by its own name (money, dates, people).
    return (
      <>
        {keys.map((kk, i) => (
          <span key={kk}>
            {i > 0 && '; '}
            {fieldName(kk)}: <Value k={kk} v={o[kk]} participants={participants} />
          </span>
        ))}
      </>
    );
  }
  return String(v);
}

function Fields({ obj, participants }: { obj: Record<string, unknown>; participants: Participant[] }) {
  const { lang } = useI18n();
  const entries = Object.entries(obj)
    .filter(([, v]) => !(Array.isArray(v) && v.length && typeof v[0] === 'object'))
    .sort(([a], [b]) => byFirst(a, b));
  return (
    <dl className="fields">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{lang === 'ru' ? fieldName(k) : k}</dt>
          <dd>
            <Value k={k} v={v} participants={participants} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Rows({
  name,
  rows,
  participants,
}: {
  name: string;
  rows: Array<Record<string, unknown>>;
  participants: Participant[];
}) {
  const { lang } = useI18n();
  // Columns in the rows' own order (a register's is the paper's), the document's header fields first; a column
  // no row fills is left out.
  const cols = [
    ...new Set(rows.slice(0, 200).flatMap((r) => Object.keys(r).filter((k) => r[k] !== undefined))),
  ].sort(byFirst);
  const head = (k: string) => (lang === 'ru' ? fieldName(k) : k);
  const [filter, setFilter] = useState<RowFilter>(NO_FILTER);
  const shown = useFilteredRows(rows, filter);
  // An act's lines filter by defect too; every long table by what its rows say.
  const defects = cols.includes('defectCode');
  return (
    <>
      {rows.length > FILTER_FROM && (
        <RowFilters filter={filter} onChange={setFilter} codes={defects ? defectCodes(rows) : undefined} />
      )}
      <VirtualTable
        name={name}
        caption={`${head(name)} (${rows.length.toLocaleString('ru-RU')})`}
        count={shown.length}
        of={rows.length}
        widths={cols.map(() => `${(100 / cols.length).toFixed(2)}%`)}
        rowKey={(i) => String(shown[i]?.index)}
        head={
          <tr>
            {cols.map((c) => (
              <th key={c} scope="col">
                {head(c)}
              </th>
            ))}
          </tr>
        }
        row={(i) => {
          const r = (shown[i] as { row: Record<string, unknown> }).row;
          return {
            className: r.decision === 'WITHHELD' ? 'withheld' : undefined,
            cells: cols.map((c) => (
              <td key={c} className={typeof r[c] === 'number' && MONEY.test(c) ? 'num' : undefined}>
                <Value k={c} v={r[c]} participants={participants} />
              </td>
            )),
          };
        }}
      />
    </>
  );
}

export function DocumentView({ id, me }: { id: string; me: Me }) {
  const { t, l } = useI18n();
  const participants = useParticipants();
  const [view, setView] = useState<View | undefined>();
  const [error, setError] = useState<unknown>();
  const { busy, run } = useAction();
  const [comment, setComment] = useState('');
  const [done, setDone] = useState('');
  const s = useSendText();
  const [withdrawing, setWithdrawing] = useState(false);
  const [why, setWhy] = useState('');
  const load = useCallback(async () => {
    try {
      setView(await api<View>('GET', `/v1/documents/${encodeURIComponent(id)}`));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  // The status, the reply and the trail change on the other side too: a dispute or a decision arrives live.
  useLiveReload(
    (n) => n.messageId === id || n.messageId === view?.record.messageId,
    () => void load(),
  );
  if (!view) return error ? <ErrorBox error={error} /> : <p>{t('loading')}</p>;
  const doc = view.document;
  const type = view.record.documentType;
  const canDecide =
    view.direction === 'in' &&
    view.status === 'RECEIVED' &&
    me.operations.includes('decide') &&
    type !== 'reply';
  const decide = async (accept: boolean) => {
    setError(undefined);
    try {
      const path = `/v1/inbox/${encodeURIComponent(id)}/${accept ? 'accept' : 'reject'}`;
      const decision =
        type === 'expertise-act' ? 'DISPUTED' : type === 'price-list' ? 'CONTESTED' : 'REJECTED';
      await api(
        'POST',
        path,
        accept
          ? comment
            ? { comment }
            : {}
          : {
              decision,
              comment,
              // The reply's words are read by the sender's people: the reason typed, or the decision in Russian.
              errors: [{ pointer: '/body', code: decision, message: comment || label('ru', decision) }],
            },
      );
      setDone(t('done'));
      await load();
    } catch (e) {
      setError(e);
    }
  };
  // A sent document not yet decided by its addressee may be taken back (decision record 0032).
  const canWithdraw =
    view.direction === 'out' &&
    (view.status === 'SENT' || view.status === 'DELIVERED') &&
    me.operations.includes('send') &&
    type !== 'reply';
  const withdraw = async () => {
    setError(undefined);
    try {
      await api('POST', `/v1/documents/${encodeURIComponent(id)}/withdraw`, { reason: why.trim() });
      setWithdrawing(false);
      setDone(s('withdrawnOk'));
      await load();
    } catch (e) {
      setError(e);
    }
  };
  const body = doc?.body ?? {};
  const summary = documentSummary(doc);
  // A received act is read line by line beside the clinic's own invoice, and answered there (ReceivedAct).
  const receivedAct = view.direction === 'in' && type === 'expertise-act' && !!doc;
  const tables = Object.entries(body).filter(
    ([k, v]) => Array.isArray(v) && v.length && typeof v[0] === 'object' && !(receivedAct && k === 'lines'),
  );
  const status = shownStatus(view.status, view.record);
  return (
    <article aria-labelledby="doc-title">
      <p>
        <a href={view.direction === 'in' ? '#/inbox' : '#/outbox'}>← {t('back')}</a>
      </p>
      <h1 id="doc-title">
        {l(type)} № {summary.number ?? documentNumber(id)}
        {summary.date ? ` ${t('dated')} ${formatDate(summary.date)}` : ''}{' '}
        <span className={`status s-${status}`} data-status={status}>
          {l(status)}
        </span>
      </h1>
      {view.record.onBehalfOf && (
        <p role="note" className="behalf" data-on-behalf="">
          {view.direction === 'in' ? t('sender') : t('addressee')}:{' '}
          {counterpartName(
            participants,
            view.direction === 'in',
            view.direction === 'in' ? view.record.sender : view.record.addressee,
            view.record.onBehalfOf,
            t('onBehalfOf'),
          )}
        </p>
      )}
      {view.record.withdrawal && (
        <p role="note" className="alert error" data-withdrawal>
          {view.direction === 'in' ? s('withdrawnBySender') : s('withdrawnByUs')}{' '}
          {formatDateTime(view.record.withdrawal.at)}: «{view.record.withdrawal.reason}»
        </p>
      )}
      {doc && (
        <p className="inline no-print">
          <button type="button" onClick={() => window.print()}>
            {t('printLetter')}
          </button>
          {['invoice', 'expertise-act', 'guarantee-letter', 'price-list'].includes(type) && (
            <a href={`/v1/documents/${encodeURIComponent(id)}/xlsx`} download>
              {t('exportXlsx')}
            </a>
          )}
          {type === 'invoice' && (
            <a href={`/v1/documents/${encodeURIComponent(id)}/knd1110388.xml`} download>
              {t('exportKnd')}
            </a>
          )}
        </p>
      )}
      {doc && (
        <section aria-label={t('documents')}>
          <Fields obj={doc.header} participants={participants} />
          <Fields obj={body} participants={participants} />
          {tables.map(([k, v]) =>
            k === 'errors' && type === 'reply' ? (
              <ReplyErrors key={k} errors={v as Array<{ pointer: string; code: string; message: string }>} />
            ) : (
              <Rows
                key={k}
                name={k}
                rows={
                  type === 'invoice' && k === 'lines'
                    ? registerRows(v as Array<Record<string, unknown>>)
                    : (v as Array<Record<string, unknown>>)
                }
                participants={participants}
              />
            ),
          )}
        </section>
      )}
      {receivedAct && (
        <ReceivedAct
          // Another act (its correction, opened from here) starts with nothing ticked and nothing said.
          key={view.record.messageId}
          id={view.record.messageId}
          me={me}
          act={body as unknown as ActBody}
          corrects={view.record.corrects}
          status={view.status}
          canDecide={canDecide}
          disputeErrors={view.record.decision === 'DISPUTED' ? view.record.rejection?.errors : undefined}
          onDecided={load}
        />
      )}
      {canDecide && !receivedAct && (
        <section className="decide" aria-label={t('decision')}>
          <label>
            {type === 'expertise-act' || type === 'price-list' ? t('reason') : t('comment')}
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
          </label>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void run(() => decide(true))}
          >
            {t('accept')}
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void run(() => decide(false))}
          >
            {type === 'expertise-act' ? t('dispute') : t('reject')}
          </button>
        </section>
      )}
      {canWithdraw && (
        <section className="decide" aria-label={s('withdraw')}>
          {!withdrawing ? (
            <button type="button" className="danger" onClick={() => setWithdrawing(true)}>
              {s('withdraw')}
            </button>
          ) : (
            <>
              <p>{s('withdrawHint')}</p>
              <label>
                {s('withdrawWhy')}
                <textarea value={why} onChange={(e) => setWhy(e.target.value)} rows={2} maxLength={500} />
              </label>
              <button
                type="button"
                className="danger"
                disabled={busy || !why.trim()}
                onClick={() => void run(withdraw)}
              >
                {s('withdrawConfirm')}
              </button>
              <button type="button" onClick={() => setWithdrawing(false)}>
                {s('withdrawCancel')}
              </button>
            </>
          )}
        </section>
      )}
      {done && (
        <p role="status" className="alert ok">
          {done}
          {view.status === 'WITHDRAWN' && view.direction === 'out' && (
            <>
              {' '}
              <a href="#/import">{s('sendAgain')}</a>
            </>
          )}
        </p>
      )}
      <ErrorBox error={error} />
      <section aria-labelledby="trail-title">
        <h2 id="trail-title">{t('trail')}</h2>
        <ol className="trail">
          {view.trail.map((x, i) => (
            <li key={i}>
              {/* The ledger's REJECTED of a disputed act or a contested price list reads as what it was. */}
              <span className={`status s-${shownStatus(x.status, view.record)}`}>
                {l(shownStatus(x.status, view.record))}
              </span>{' '}
              {formatDateTime(x.at)}
              {x.reason && x.status === 'WITHDRAWN' ? ` — «${x.reason}»` : ''}
            </li>
          ))}
        </ol>
        {view.record.reply && (
          <p>
            {l(view.record.reply.decision)}: {view.record.reply.comment}
          </p>
        )}
      </section>
      <Receipts receipts={view.receipts} />
      <section aria-labelledby="audit-title">
        <h2 id="audit-title">{t('history')}</h2>
        {view.audit.length === 0 ? (
          <p>{t('nothing')}</p>
        ) : (
          <ul className="audit">
            {view.audit.map((a, i) => (
              <li key={i}>
                {formatDateTime(a.at)} — {a.fullName ?? l(a.user)}
                {a.role ? ` (${l(a.role)})` : ''}: {l(a.action)}
                {typeof a.detail?.comment === 'string' && a.detail.comment ? ` «${a.detail.comment}»` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

/** A reply's errors at the rows and fields of the answered document, in the registry's words. */
function ReplyErrors({ errors }: { errors: Array<{ pointer: string; code: string; message: string }> }) {
  const { t, lang } = useI18n();
  return (
    <section aria-label={t('rowErrors')}>
      <h2>{t('replyErrors')}</h2>
      <ul className="field-errors">
        {errors.slice(0, 500).map((e, i) => (
          <li key={i} data-pointer={e.pointer} data-code={e.code}>
            {fieldErrorText(e, lang)}
            {/* A disputed line's words are the clinic's reason, which the code alone cannot say. */}
            {e.code === 'ACT_LINE_DISPUTED' && e.message ? `: «${e.message}»` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
