// Guarantee letters at the insurer: issue one for a patient with services picked from the clinic's accepted price
// list (amount limit defaulting to their sum), and see, amend (the same form, loaded with the letter) or revoke the
// patient's letters.
import { useEffect, useMemo, useState } from 'react';
import { api, qs, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, useParticipants, useAction } from '../common';
import { formatDate, formatMoney, parseMoney, documentNumber } from '../format';
import { useI18n } from '../i18n';

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
  clinic: string;
  letter: {
    letterNumber: string;
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
    lines: Array<{ serviceCode: string; quantity: number }>;
  };
}

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
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(plus(today(), 30));
  const [qty, setQty] = useState<Record<string, number>>({});
  const [limit, setLimit] = useState('');
  const [letters, setLetters] = useState<Letter[] | undefined>();
  const [error, setError] = useState<unknown>();
  const { busy, run } = useAction();
  const [done, setDone] = useState('');
  /** The number of the letter being amended; the form then sends an amendment instead of a new letter. */
  const [amending, setAmending] = useState<string | undefined>();
  const canIssue = me.operations.includes('letters.write');

  useEffect(() => {
    if (!chosenClinic) return;
    api<{ items: PriceListState[] }>('GET', `/v1/price-lists${qs({ clinic: chosenClinic })}`)
      .then((r) => setLists(r.items.filter((x) => x.state === 'ACCEPTED')))
      .catch(setError);
  }, [chosenClinic]);
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

  const findLetters = async (policy: string) => {
    if (!policy) return;
    setLetters((await api<{ items: Letter[] }>('GET', `/v1/guarantee-letters${qs({ policy })}`)).items);
  };
  const issue = async () => {
    setError(undefined);
    setDone('');
    try {
      const url = amending
        ? `/v1/guarantee-letters/${encodeURIComponent(amending)}/amend`
        : '/v1/guarantee-letters';
      const r = await api<{ record: { messageId: string } }>('POST', url, {
        clinic: chosenClinic,
        letterNumber: (amending ?? letterNumber).trim(),
        patient: { ...patient, middleName: patient.middleName || undefined },
        validity: { from, to },
        amountLimit: parseMoney(limit) ?? sum,
        services: picked.map((x) => ({ serviceCode: x.serviceCode, quantity: qty[x.serviceCode] })),
      });
      setDone(`${t('sentOk')} ${documentNumber(r.record.messageId)}`);
      setAmending(undefined);
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
    setLimit(formatMoney(x.letter.amountLimit));
    setDone('');
    document.getElementById('gl-form-title')?.focus();
  };
  const revoke = async (n: string) => {
    try {
      await api('POST', `/v1/guarantee-letters/${encodeURIComponent(n)}/revoke`);
      await findLetters(patient.policyNumber);
    } catch (err) {
      setError(err);
    }
  };
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
    <section aria-labelledby="gl-title">
      <h1 id="gl-title">{t('letters')}</h1>
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
                value={limit}
                onChange={(e) => setLimit(e.target.value)}
              />
            </label>
            <button type="submit" className="primary" disabled={busy || !inForce || picked.length === 0}>
              {amending ? t('sendAmendment') : t('issue')}
            </button>
            {amending && (
              <button type="button" onClick={() => setAmending(undefined)}>
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
        onSubmit={(e) => (e.preventDefault(), void findLetters(patient.policyNumber))}
      >
        <label>
          {t('policy')}
          <input
            name="findPolicy"
            value={patient.policyNumber}
            onChange={(e) => setPatient({ ...patient, policyNumber: e.target.value })}
          />
        </label>
        <button type="submit">{t('patientLetters')}</button>
      </form>
      {letters && (
        <table className="grid">
          <caption>{t('patientLetters')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('number')}</th>
              <th scope="col">{t('clinic')}</th>
              <th scope="col">{t('period')}</th>
              <th scope="col" className="num">
                {t('amountLimit')}
              </th>
              <th scope="col">{t('status')}</th>
              {canIssue && <th scope="col">{t('decision')}</th>}
            </tr>
          </thead>
          <tbody>
            {letters.map((x) => (
              <tr key={x.letter.letterNumber} data-letter={x.letter.letterNumber}>
                <td>{x.letter.letterNumber}</td>
                <td>{nameOf(participants, x.clinic)}</td>
                <td>
                  {formatDate(x.letter.validity.from)} — {formatDate(x.letter.validity.to)}
                </td>
                <td className="num">{formatMoney(x.letter.amountLimit)}</td>
                <td>{l(x.letter.status)}</td>
                {canIssue && (
                  <td>
                    {x.letter.status !== 'revoked' && (
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
                          onClick={() => void run(() => revoke(x.letter.letterNumber))}
                        >
                          {t('revoke')}
                        </button>
                      </div>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
