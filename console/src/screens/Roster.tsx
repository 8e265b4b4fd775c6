// The clinic's roster: who it may treat, from the insured lists it accepted. Searched by name or policy, filtered by
// insurer, programme and date, a page at a time as the API answers it. At an insurer: its copy of a chosen clinic's
// roster (its own people that clinic accepted). The people shown are sorted by name (the store pages in blinded-key
// order, decision 0036); each row leads to the person's coverage check and letters.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiFailure, queryString, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, useParticipants } from '../common';
import { formatDate, fullName } from '../format';
import { useI18n } from '../i18n';

interface Entry {
  insurer: string;
  policyNumber: string;
  programme: { code: string; name: string };
  person: { lastName: string; firstName: string; middleName?: string; birthDate: string; sex?: string };
  from: string;
  to: string;
  listId: string;
  rowId: string;
}
interface Page {
  items: Entry[];
  nextCursor?: string;
}
type Filters = { q: string; insurer: string; programme: string; date: string; clinic: string };

/** Russian alphabetical order, Ё beside Е, case ignored: how a paper list of people is read. */
const byName = new Intl.Collator('ru', { sensitivity: 'base' });
const nameKey = (e: Entry) =>
  [e.person.lastName, e.person.firstName, e.person.middleName ?? '', e.person.birthDate].join('\u0001');

const EMPTY: Filters = { q: '', insurer: '', programme: '', date: '', clinic: '' };
const PAGE = 25;

export function Roster({ me }: { me: Me }) {
  const { t, l } = useI18n();
  const participants = useParticipants();
  const insurers = participants.filter((p) => p.role === 'insurer' || p.role === 'assistance');
  const clinics = participants.filter((p) => p.role === 'clinic');
  // An insurer keeps a copy per clinic: the screen reads the chosen one (the first until another is chosen).
  const payer = me.participantRole !== 'clinic';
  const [form, setForm] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<Entry[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(
    async (f: Filters, cursor?: string) => {
      if (payer && !f.clinic) return;
      setError(undefined);
      try {
        const page = await api<Page>(
          'GET',
          `/v1/roster${queryString({ clinic: f.clinic, q: f.q.trim(), insurer: f.insurer, programme: f.programme.trim(), date: f.date, limit: PAGE, cursor })}`,
        );
        setItems((old) => (cursor ? [...(old ?? []), ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch (err) {
        setError(err);
      }
    },
    [payer],
  );
  // The roster answers pages in its storage order; the people loaded so far are shown in alphabetical order.
  const sorted = useMemo(
    () => items && [...items].sort((a, b) => byName.compare(nameKey(a), nameKey(b))),
    [items],
  );
  const dateError =
    error instanceof ApiFailure && error.errors.some((x) => x.pointer === '/query/date')
      ? t('dateUnreadable')
      : undefined;
  const firstClinic = clinics[0]?.id ?? '';
  useEffect(() => {
    if (payer && !applied.clinic && firstClinic) {
      setForm((f) => ({ ...f, clinic: f.clinic || firstClinic }));
      setApplied((a) => ({ ...a, clinic: firstClinic }));
    }
  }, [payer, applied.clinic, firstClinic]);
  useEffect(() => {
    void load(applied);
  }, [applied, load]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ ...form });
  };
  return (
    <section aria-labelledby="roster-title">
      <h1 id="roster-title">{t('roster')}</h1>
      <form className="filters" onSubmit={submit} aria-label={t('filters')}>
        <label>
          {t('search')}
          <input
            name="q"
            type="search"
            maxLength={100}
            value={form.q}
            onChange={(e) => setForm({ ...form, q: e.target.value })}
          />
        </label>
        {payer ? (
          <label>
            {t('clinic')}
            <select
              name="clinic"
              value={form.clinic}
              onChange={(e) => setForm({ ...form, clinic: e.target.value })}
            >
              {clinics.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            {t('insurer')}
            <select
              name="insurer"
              value={form.insurer}
              onChange={(e) => setForm({ ...form, insurer: e.target.value })}
            >
              <option value="">{t('any')}</option>
              {insurers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('programmeCode')}
          <input
            name="programme"
            size={10}
            maxLength={64}
            value={form.programme}
            onChange={(e) => setForm({ ...form, programme: e.target.value })}
          />
        </label>
        <DateInput
          name="date"
          label={t('inForceOn')}
          value={form.date}
          passUnreadable
          error={dateError}
          onChange={(date) => setForm({ ...form, date })}
        />
        <button type="submit" className="primary">
          {t('apply')}
        </button>
        <button
          type="button"
          onClick={() => {
            const cleared = { ...EMPTY, clinic: payer ? form.clinic : '' };
            setForm(cleared);
            setApplied(cleared);
          }}
        >
          {t('reset')}
        </button>
      </form>
      {!dateError && <ErrorBox error={error} />}
      {sorted === undefined ? (
        <p>{t('loading')}</p>
      ) : sorted.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid cards" aria-describedby="roster-count">
          <caption className="sr-only">{t('roster')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fullName')}</th>
              <th scope="col">{t('birthDate')}</th>
              <th scope="col">{t('sex')}</th>
              <th scope="col">{t('policy')}</th>
              <th scope="col">{t('insurer')}</th>
              <th scope="col">{t('programme')}</th>
              <th scope="col">{t('period')}</th>
              <th scope="col">
                <span className="sr-only">{t('decision')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((e) => (
              <tr
                key={`${e.insurer}/${e.policyNumber}/${e.programme.code}/${e.from}`}
                data-policy={e.policyNumber}
              >
                <td data-label={t('fullName')} className="name">
                  {fullName(e.person)}
                </td>
                <td data-label={t('birthDate')} className="nowrap">
                  {formatDate(e.person.birthDate)}
                </td>
                <td data-label={t('sex')}>{e.person.sex ? l(e.person.sex) : ''}</td>
                <td data-label={t('policy')} className="nowrap">
                  {e.policyNumber}
                </td>
                <td data-label={t('insurer')}>{nameOf(participants, e.insurer)}</td>
                <td data-label={t('programme')}>
                  {e.programme.name}{' '}
                  <span className="muted" data-identifier="">
                    ({e.programme.code})
                  </span>
                </td>
                <td data-label={t('period')} className="nowrap">
                  {formatDate(e.from)} — {formatDate(e.to)}
                </td>
                <td className="links">
                  {/* The payer reads another clinic's copy: the coverage check there is the clinic's own. */}
                  {!payer && (
                    <a
                      href={`#/coverage/${encodeURIComponent(e.policyNumber)}`}
                      aria-label={`${t('toCoverage')}: ${fullName(e.person)}`}
                    >
                      {t('toCoverage')}
                    </a>
                  )}{' '}
                  <a
                    href={`#/letters/${encodeURIComponent(e.policyNumber)}`}
                    aria-label={`${t('toLetters')}: ${fullName(e.person)}`}
                  >
                    {t('toLetters')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items !== undefined && items.length > 0 && (
        <p id="roster-count" className="muted">
          {t('found')}: {items.length}. {t('sortedByName')}.
        </p>
      )}
      {next && (
        <button type="button" onClick={() => void load(applied, next)}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
