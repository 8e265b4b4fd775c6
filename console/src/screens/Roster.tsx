// The clinic's roster: who it may treat, from the insured lists it accepted. Searched by name or policy, filtered by
// insurer, programme and date, a page at a time as the API answers it. At an insurer: its copy of a chosen clinic's
// roster (its own people that clinic accepted).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, qs, type Me } from '../api';
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
          `/v1/roster${qs({ clinic: f.clinic, q: f.q.trim(), insurer: f.insurer, programme: f.programme.trim(), date: f.date, limit: PAGE, cursor })}`,
        );
        setItems((old) => (cursor ? [...(old ?? []), ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch (err) {
        setError(err);
      }
    },
    [payer],
  );
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
      <ErrorBox error={error} />
      {items === undefined ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid" aria-describedby="roster-count">
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
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr
                key={`${e.insurer}/${e.policyNumber}/${e.programme.code}/${e.from}`}
                data-policy={e.policyNumber}
              >
                <td>{fullName(e.person)}</td>
                <td className="nowrap">{formatDate(e.person.birthDate)}</td>
                <td>{e.person.sex ? l(e.person.sex) : ''}</td>
                <td className="nowrap">{e.policyNumber}</td>
                <td>{nameOf(participants, e.insurer)}</td>
                <td>
                  {e.programme.name}{' '}
                  <span className="muted" data-identifier="">
                    ({e.programme.code})
                  </span>
                </td>
                <td className="nowrap">
                  {formatDate(e.from)} — {formatDate(e.to)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items !== undefined && items.length > 0 && (
        <p id="roster-count" className="muted">
          {t('found')}: {items.length}
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
