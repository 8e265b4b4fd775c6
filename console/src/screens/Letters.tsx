// Guarantee letters at the insurer: issue one for a patient found in the clinic's roster, with services picked from
// the clinic's accepted price list (the limit follows their sum until typed over), and list every letter by status
// and period, or a patient's by policy, to amend (the same form, loaded with the letter) or revoke (after asking).
// At a clinic the same list, read only.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiFailure, queryString, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, useParticipants, useAction, useRoute } from '../common';
import { formatDate, formatMoney, parseMoney, documentNumber, fullName } from '../format';
import { useI18n } from '../i18n';
import { OnBehalfSelect, usePrincipals } from './request-list';

interface PriceLine {
  serviceCode: string;
  name: string;
  price: number;
}
interface PriceListState {
  documentId: string;
  state: string;
  priceList: { validity: { from: string }; lines: PriceLine[] };
}
interface Letter {
  documentId: string;
  insurer: string;
  clinic: string;
  /** The insurer an assistance company issued it for (decision record 0055). */
  onBehalfOf?: string;
  letter: {
    letterNumber: string;
    issueDate: string;
    status: string;
    amountLimit: number;
    validity: { from: string; to: string };
    patient: {
      lastName: string;
      firstName: string;
      middleName?: string;
      birthDate: string;
      sex: string;
      policyNumber: string;
    };
    lines: Array<{ serviceCode: string; name?: string; quantity: number; unitPrice: number; amount: number }>;
  };
}
interface RosterEntry {
  insurer: string;
  policyNumber: string;
  programme: { code: string; name: string };
  person: Letter['letter']['patient'];
  from: string;
  to: string;
}
type ListFilters = { policy: string; status: string; from: string; to: string };

const today = () => new Date().toISOString().slice(0, 10);
const plus = (d: string, days: number) =>
  new Date(Date.parse(d) + days * 86_400_000).toISOString().slice(0, 10);

export function Letters({ me }: { me: Me }) {
  const { t, l } = useI18n();
  const participants = useParticipants();
  const clinics = participants.filter((p) => p.role === 'clinic');
  const [clinic, setClinic] = useState('');
  const chosenClinic = clinic || clinics[0]?.id || '';
  const [lists, setLists] = useState<PriceListState[]>([]);
  const [patient, setPatient] = useState({
    lastName: '',
    firstName: '',
    middleName: '',
    birthDate: '',
    sex: 'F',
    policyNumber: '',
  });
  const [letterNumber, setLetterNumber] = useState('');
  /** An assistance company acting for an insurer: the insurer, or empty for its own name. */
  const [onBehalfOf, setOnBehalfOf] = useState('');
  const principals = usePrincipals(me, 'guarantee-letter');
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(plus(today(), 30));
  const [qty, setQty] = useState<Record<string, number>>({});
  /** The limit as typed; while undefined it follows the sum of the services picked. */
  const [limit, setLimit] = useState<string | undefined>();
  const [limitError, setLimitError] = useState('');
  const route = useRoute();
  const [filters, setFilters] = useState<ListFilters>({
    policy: route[1] ?? '',
    status: '',
    from: '',
    to: '',
  });
  const [applied, setApplied] = useState<ListFilters>(filters);
  const [letters, setLetters] = useState<Letter[] | undefined>();
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<string | undefined>();
  /** The letter laid out for paper, shown first; the person opens the print dialog from it. */
  const [printing, setPrinting] = useState<Letter | undefined>();
  const [rosterQ, setRosterQ] = useState('');
  const [found, setFound] = useState<RosterEntry[] | undefined>();
  const [error, setError] = useState<unknown>();
  const { busy, run } = useAction();
  const [done, setDone] = useState('');
  /** The number of the letter being amended; the form then sends an amendment instead of a new letter. */
  const [amending, setAmending] = useState<string | undefined>();
  const canIssue = me.operations.includes('letters.write');

  useEffect(() => {
    // Only who issues letters prices them; a clinic's people read the list below.
    if (!chosenClinic || !canIssue) return;
    api<{ items: PriceListState[] }>('GET', `/v1/price-lists${queryString({ clinic: chosenClinic })}`)
      .then((r) => setLists(r.items.filter((x) => x.state === 'ACCEPTED')))
      .catch(setError);
  }, [chosenClinic, canIssue]);
  // The price list in force on the first day of validity, as the gateway will price it.
  const inForce = useMemo(
    () =>
      lists
        .filter((x) => x.priceList.validity.from <= from)
        .sort((a, b) => b.priceList.validity.from.localeCompare(a.priceList.validity.from))[0],
    [lists, from],
  );
  const picked = (inForce?.priceList.lines ?? []).filter((x) => (qty[x.serviceCode] ?? 0) > 0);
  const sum = picked.reduce((s, x) => s + x.price * (qty[x.serviceCode] ?? 0), 0);

  /** A patient's letters when a policy is given, otherwise a page of all letters by status and period. */
  const loadLetters = useCallback(async (f: ListFilters, cursor?: string) => {
    setError(undefined);
    try {
      const page = await api<{ items: Letter[]; nextCursor?: string }>(
        'GET',
        `/v1/guarantee-letters${queryString(
          f.policy.trim()
            ? { policy: f.policy.trim() }
            : { status: f.status, from: f.from, to: f.to, limit: 50, cursor },
        )}`,
      );
      setLetters((old) => (cursor ? [...(old ?? []), ...page.items] : page.items));
      setNextCursor(page.nextCursor);
    } catch (err) {
      setLetters(undefined);
      setError(err);
    }
  }, []);
  useEffect(() => {
    void loadLetters(applied);
  }, [applied, loadLetters]);
  const findLetters = async (policy: string) => {
    const f = { policy, status: '', from: '', to: '' };
    setFilters(f);
    setApplied(f);
    await loadLetters(f);
  };
  const findInRoster = async () => {
    setError(undefined);
    try {
      const page = await api<{ items: RosterEntry[] }>(
        'GET',
        `/v1/roster${queryString({ clinic: chosenClinic, q: rosterQ.trim(), limit: 10 })}`,
      );
      setFound(page.items);
    } catch (err) {
      setError(err);
    }
  };
  const pickPerson = (e: RosterEntry) => {
    const p = e.person;
    setPatient({
      lastName: p.lastName,
      firstName: p.firstName,
      middleName: p.middleName ?? '',
      birthDate: p.birthDate,
      sex: p.sex || 'F',
      policyNumber: e.policyNumber,
    });
    setFound(undefined);
  };
  const issue = async () => {
    setError(undefined);
    setDone('');
    // A limit typed but unreadable is said at the field, never replaced by the sum behind the person's back.
    // An emptied field goes back to the sum.
    const typed = limit?.trim() ? limit : undefined;
    const typedLimit = typed === undefined ? undefined : parseMoney(typed);
    if (typed !== undefined && typedLimit === undefined) {
      setLimitError(t('moneyUnreadable'));
      return;
    }
    setLimitError('');
    try {
      const url = amending
        ? `/v1/guarantee-letters/${encodeURIComponent(amending)}/amend`
        : '/v1/guarantee-letters';
      const r = await api<{ record: { messageId: string } }>('POST', url, {
        clinic: chosenClinic,
        letterNumber: (amending ?? letterNumber).trim(),
        patient: { ...patient, middleName: patient.middleName || undefined },
        validity: { from, to },
        amountLimit: typedLimit ?? sum,
        services: picked.map((x) => ({ serviceCode: x.serviceCode, quantity: qty[x.serviceCode] })),
        // A new version of a letter keeps the insurer it was issued for; the gateway knows it.
        ...(onBehalfOf && !amending ? { onBehalfOf } : {}),
      });
      setDone(`${t('sentOk')} ${documentNumber(r.record.messageId)}`);
      setAmending(undefined);
      setLimit(undefined);
      await findLetters(patient.policyNumber);
    } catch (err) {
      setError(err);
    }
  };
  /** Loads a letter into the form: the person changes services, dates or the limit and sends the amendment. */
  const amend = (x: Letter) => {
    const p = x.letter.patient;
    setAmending(x.letter.letterNumber);
    setLetterNumber(x.letter.letterNumber);
    setClinic(x.clinic);
    setFrom(x.letter.validity.from);
    setTo(x.letter.validity.to);
    setPatient({ ...p, middleName: p.middleName ?? '' });
    setQty(Object.fromEntries(x.letter.lines.map((ln) => [ln.serviceCode, ln.quantity])));
    // A limit equal to the letter's priced services keeps following them as quantities change; another was typed.
    const priced = x.letter.lines.reduce((a, ln) => a + ln.amount, 0);
    setLimit(x.letter.amountLimit === priced ? undefined : formatMoney(x.letter.amountLimit));
    setLimitError('');
    setDone('');
    document.getElementById('gl-form-title')?.focus();
  };
  const revoke = async (n: string) => {
    setError(undefined);
    setDone('');
    setConfirming(undefined);
    try {
      const r = await api<{ record: { messageId: string } }>(
        'POST',
        `/v1/guarantee-letters/${encodeURIComponent(n)}/revoke`,
      );
      setDone(`${t('letterRevoked')} ${n} (${documentNumber(r.record.messageId)})`);
      await loadLetters(applied);
    } catch (err) {
      setError(err);
    }
  };
  const dateError = (k: 'from' | 'to') =>
    error instanceof ApiFailure && error.errors.some((x) => x.pointer === `/query/${k}`)
      ? t('dateUnreadable')
      : undefined;
  const person = (k: keyof typeof patient, key: 'lastName' | 'firstName' | 'middleName' | 'policy') => (
    <label>
      {t(key)}
      <input
        name={k}
        required={k !== 'middleName'}
        value={patient[k]}
        onChange={(e) => setPatient({ ...patient, [k]: e.target.value })}
      />
    </label>
  );
  return (
    <section aria-labelledby="gl-title" className={printing ? 'printing' : undefined}>
      <h1 id="gl-title">{t('letters')}</h1>
      {printing && (
        <LetterPaper
          x={printing}
          insurer={nameOf(participants, printing.insurer)}
          clinic={nameOf(participants, printing.clinic)}
          signer={me.fullName}
          onClose={() => setPrinting(undefined)}
        />
      )}
      {canIssue && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => issue());
          }}
          aria-labelledby="gl-form-title"
          aria-busy={busy}
        >
          <h2 id="gl-form-title" tabIndex={-1}>
            {amending ? `${t('amending')} ${amending}` : t('newLetter')}
          </h2>
          <div className="filters">
            <label>
              {t('clinic')}
              <select value={chosenClinic} disabled={!!amending} onChange={(e) => setClinic(e.target.value)}>
                {clinics.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            {!amending && (
              <OnBehalfSelect
                name="gl-onBehalfOf"
                principals={principals}
                value={onBehalfOf}
                onChange={setOnBehalfOf}
              />
            )}
            <label>
              {t('letterNumber')}
              <input
                name="letterNumber"
                required
                readOnly={!!amending}
                value={letterNumber}
                onChange={(e) => setLetterNumber(e.target.value)}
              />
            </label>
            <DateInput label={t('dateFrom')} value={from} onChange={setFrom} />
            <DateInput label={t('dateTo')} value={to} onChange={setTo} />
          </div>
          <div className="filters roster-pick">
            <label>
              {t('fromRoster')}
              <input
                name="rosterQ"
                type="search"
                maxLength={100}
                placeholder={t('search')}
                value={rosterQ}
                onChange={(e) => setRosterQ(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    void findInRoster();
                  }
                }}
              />
            </label>
            <button type="button" disabled={!rosterQ.trim()} onClick={() => void findInRoster()}>
              {t('findInRoster')}
            </button>
          </div>
          {found &&
            (found.length === 0 ? (
              <p>{t('nothing')}</p>
            ) : (
              <ul className="picks" aria-label={t('fromRoster')}>
                {found.map((e) => (
                  <li key={`${e.insurer}/${e.policyNumber}/${e.programme.code}/${e.from}`}>
                    <button type="button" onClick={() => pickPerson(e)}>
                      {t('pick')}
                    </button>{' '}
                    {fullName(e.person)}, {formatDate(e.person.birthDate)}, {e.policyNumber}{' '}
                    <span className="muted">({e.programme.name})</span>
                  </li>
                ))}
              </ul>
            ))}
          <fieldset className="filters">
            <legend>{t('patient')}</legend>
            {person('lastName', 'lastName')}
            {person('firstName', 'firstName')}
            {person('middleName', 'middleName')}
            <DateInput
              label={t('birthDate')}
              value={patient.birthDate}
              onChange={(v) => setPatient({ ...patient, birthDate: v })}
            />
            <label>
              {t('sex')}
              <select
                name="sex"
                value={patient.sex}
                onChange={(e) => setPatient({ ...patient, sex: e.target.value })}
              >
                <option value="F">Ж</option>
                <option value="M">М</option>
              </select>
            </label>
            {person('policyNumber', 'policy')}
          </fieldset>
          <table className="grid">
            <caption>
              {t('services')}
              {inForce
                ? ` — ${t('validFrom').toLowerCase()} ${formatDate(inForce.priceList.validity.from)}`
                : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('service')}</th>
                <th scope="col">{t('name')}</th>
                <th scope="col" className="num">
                  {t('price')}
                </th>
                <th scope="col">{t('quantity')}</th>
              </tr>
            </thead>
            <tbody>
              {(inForce?.priceList.lines ?? []).map((x) => (
                <tr key={x.serviceCode}>
                  <td>{x.serviceCode}</td>
                  <td>{x.name}</td>
                  <td className="num">{formatMoney(x.price)}</td>
                  <td>
                    <input
                      type="number"
                      min={0}
                      max={99}
                      aria-label={`${t('quantity')}, ${x.serviceCode}`}
                      value={qty[x.serviceCode] ?? 0}
                      onChange={(e) => setQty({ ...qty, [x.serviceCode]: Number(e.target.value) })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!inForce && <p>{t('noPriceList')}</p>}
          <div className="actions">
            <label>
              {t('amountLimit')}
              <input
                name="amountLimit"
                inputMode="decimal"
                placeholder={formatMoney(sum)}
                value={limit ?? formatMoney(sum)}
                aria-invalid={!!limitError}
                aria-describedby={limitError ? 'amountLimit-error' : 'amountLimit-hint'}
                onChange={(e) => setLimit(e.target.value)}
              />
              {limitError ? (
                <span className="field-error" id="amountLimit-error">
                  {limitError}
                </span>
              ) : (
                !limit?.trim() && (
                  <span className="muted" id="amountLimit-hint">
                    {t('limitFollowsSum')}
                  </span>
                )
              )}
            </label>
            {limit !== undefined && (
              <button type="button" onClick={() => (setLimit(undefined), setLimitError(''))}>
                {t('limitBySum')}
              </button>
            )}
            <button type="submit" className="primary" disabled={busy || !inForce || picked.length === 0}>
              {amending ? t('sendAmendment') : t('issue')}
            </button>
            {amending && (
              <button type="button" onClick={() => (setAmending(undefined), setLimit(undefined))}>
                {t('cancel')}
              </button>
            )}
          </div>
        </form>
      )}
      <ErrorBox error={error} />
      {done && (
        <p role="status" className="alert ok">
          {done}
        </p>
      )}
      <form
        className="filters"
        aria-label={t('filters')}
        onSubmit={(e) => (e.preventDefault(), setApplied({ ...filters }))}
      >
        <label>
          {t('policy')}
          <input
            name="findPolicy"
            value={filters.policy}
            onChange={(e) => setFilters({ ...filters, policy: e.target.value })}
          />
        </label>
        <label>
          {t('status')}
          <select
            name="status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.target.value })}
          >
            <option value="">{t('any')}</option>
            {['issued', 'amended', 'revoked'].map((x) => (
              <option key={x} value={x}>
                {l(x)}
              </option>
            ))}
          </select>
        </label>
        <DateInput
          name="from"
          label={t('periodFrom')}
          value={filters.from}
          passUnreadable
          error={dateError('from')}
          onChange={(v) => setFilters({ ...filters, from: v })}
        />
        <DateInput
          name="to"
          label={t('periodTo')}
          value={filters.to}
          passUnreadable
          error={dateError('to')}
          onChange={(v) => setFilters({ ...filters, to: v })}
        />
        <button type="submit">{t('apply')}</button>
        <button
          type="button"
          onClick={() => {
            const empty = { policy: '', status: '', from: '', to: '' };
            setFilters(empty);
            setApplied(empty);
          }}
        >
          {t('reset')}
        </button>
      </form>
      {letters &&
        (letters.length === 0 ? (
          <p>{t('nothing')}</p>
        ) : (
          <table className="grid letters cards">
            <caption>
              {applied.policy.trim() ? `${t('lettersOf')} ${applied.policy.trim()}` : t('allLetters')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('letterNumber')}</th>
                <th scope="col">{t('clinic')}</th>
                <th scope="col">{t('patient')}</th>
                <th scope="col">{t('period')}</th>
                <th scope="col" className="num">
                  {t('amountLimit')}
                </th>
                <th scope="col">{t('status')}</th>
                <th scope="col">
                  <span className="sr-only">{t('printLetter')}</span>
                </th>
                {canIssue && <th scope="col">{t('decision')}</th>}
              </tr>
            </thead>
            <tbody>
              {letters.map((x) => (
                <tr
                  key={x.letter.letterNumber}
                  data-letter={x.letter.letterNumber}
                  data-status={x.letter.status}
                >
                  <td data-label={t('letterNumber')} className="name">
                    {x.letter.letterNumber}
                  </td>
                  <td data-label={t('clinic')}>
                    {nameOf(participants, x.clinic)}
                    {x.onBehalfOf && (
                      <div className="muted" data-party="">
                        {t('onBehalfOf')} {nameOf(participants, x.onBehalfOf)}
                      </div>
                    )}
                  </td>
                  <td data-label={t('patient')}>
                    {fullName(x.letter.patient)}
                    <div className="muted nowrap">{x.letter.patient.policyNumber}</div>
                  </td>
                  <td data-label={t('period')} className="nowrap">
                    {formatDate(x.letter.validity.from)} — {formatDate(x.letter.validity.to)}
                  </td>
                  <td data-label={t('amountLimit')} className="num">
                    {formatMoney(x.letter.amountLimit)}
                  </td>
                  <td data-label={t('status')}>{l(x.letter.status)}</td>
                  <td>
                    <div className="inline">
                      <button
                        type="button"
                        aria-label={`${t('printLetter')}: ${x.letter.letterNumber}`}
                        onClick={() => setPrinting(x)}
                      >
                        {t('printLetter')}
                      </button>
                      <a
                        href={`/v1/documents/${encodeURIComponent(`${x.insurer}:${x.documentId}`)}/xlsx`}
                        download
                        aria-label={`${t('exportXlsx')}: ${x.letter.letterNumber}`}
                      >
                        XLSX
                      </a>
                    </div>
                  </td>
                  {canIssue && (
                    <td>
                      {x.letter.status !== 'revoked' &&
                        (confirming === x.letter.letterNumber ? (
                          <div className="inline confirm" role="group" aria-label={t('revokeAsk')}>
                            <span>
                              {t('revokeAsk')} {x.letter.letterNumber}?
                            </span>
                            <button
                              type="button"
                              className="danger"
                              disabled={busy}
                              onClick={() => void run(() => revoke(x.letter.letterNumber))}
                            >
                              {t('revokeYes')}
                            </button>
                            <button type="button" onClick={() => setConfirming(undefined)}>
                              {t('revokeNo')}
                            </button>
                          </div>
                        ) : (
                          <div className="inline">
                            <button
                              type="button"
                              aria-label={`${t('amend')}: ${x.letter.letterNumber}`}
                              onClick={() => amend(x)}
                            >
                              {t('amend')}
                            </button>
                            <button
                              type="button"
                              className="danger"
                              aria-label={`${t('revoke')}: ${x.letter.letterNumber}`}
                              disabled={busy}
                              onClick={() => setConfirming(x.letter.letterNumber)}
                            >
                              {t('revoke')}
                            </button>
                          </div>
                        ))}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {nextCursor && !applied.policy.trim() && (
        <button type="button" onClick={() => void loadLetters(applied, nextCursor)}>
          {t('more')}
        </button>
      )}
    </section>
  );
}

/**
 * A guarantee letter as Russian staff file it: the insurer's heading, number and date, the clinic addressed, the
 * patient, the services with their sums, the limit and the signature lines. The text is Russian whatever the console's
 * language: it is the document itself.
 */
function LetterPaper({
  x,
  insurer,
  clinic,
  signer,
  onClose,
}: {
  x: Letter;
  insurer: string;
  clinic: string;
  signer: string;
  onClose: () => void;
}) {
  const g = x.letter;
  const STATUS: Record<string, string> = { amended: 'изменённая редакция', revoked: 'ОТОЗВАНО' };
  return (
    <article className="letter-print" aria-label={`Гарантийное письмо № ${g.letterNumber}`}>
      <p className="letter-from">{insurer}</p>
      <p className="letter-to">
        Руководителю
        <br />
        {clinic}
      </p>
      <h2 className="letter-title">
        ГАРАНТИЙНОЕ ПИСЬМО № {g.letterNumber}
        <br />
        от {formatDate(g.issueDate)}
        {STATUS[g.status] ? ` (${STATUS[g.status]})` : ''}
      </h2>
      <p>
        {insurer} гарантирует оплату медицинских услуг, оказанных застрахованному лицу по договору
        добровольного медицинского страхования:
      </p>
      <dl className="letter-patient">
        <dt>Пациент</dt>
        <dd>{fullName(g.patient)}</dd>
        <dt>Дата рождения</dt>
        <dd>{formatDate(g.patient.birthDate)}</dd>
        <dt>Полис ДМС</dt>
        <dd>№ {g.patient.policyNumber}</dd>
        <dt>Срок действия письма</dt>
        <dd>
          с {formatDate(g.validity.from)} по {formatDate(g.validity.to)}
        </dd>
      </dl>
      <table className="grid">
        <caption>Перечень услуг</caption>
        <thead>
          <tr>
            <th scope="col">№</th>
            <th scope="col">Код услуги</th>
            <th scope="col">Наименование</th>
            <th scope="col">Кол-во</th>
            <th scope="col">Цена, ₽</th>
            <th scope="col">Сумма, ₽</th>
          </tr>
        </thead>
        <tbody>
          {g.lines.map((ln, i) => (
            <tr key={ln.serviceCode}>
              <td>{i + 1}</td>
              <td className="nowrap">{ln.serviceCode}</td>
              <td>{ln.name ?? ''}</td>
              <td className="num">{ln.quantity}</td>
              <td className="num">{formatMoney(ln.unitPrice)}</td>
              <td className="num">{formatMoney(ln.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={5}>
              Лимит ответственности
            </th>
            <td className="num">{formatMoney(g.amountLimit)}</td>
          </tr>
        </tfoot>
      </table>
      <p>Счёт за оказанные услуги просим выставлять с указанием номера настоящего письма.</p>
      <div className="signatures">
        <span>подпись</span>
        <span>{signer}</span>
      </div>
      <p className="inline no-print">
        <button type="button" className="primary" onClick={() => window.print()}>
          Напечатать
        </button>
        <button type="button" onClick={onClose}>
          Закрыть
        </button>
      </p>
    </article>
  );
}
