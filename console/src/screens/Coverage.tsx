// The registrar's question at the front desk: is this patient covered today, under which programme, with which
// guarantee letters. Opened with a policy in the route (a roster row's link), it asks at once.
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiFailure, queryString, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, useParticipants, useRoute } from '../common';
import { formatDate, formatMoney } from '../format';
import { ruleText } from '../../../formats/src/field-places.js';
import { useI18n } from '../i18n';
import { priorAuthLink } from './PriorAuth';
import { usePriorAuthText, type PriorAuthTextKey } from './prior-auth-text';

interface ServiceAnswer {
  serviceCode: string;
  answer: 'covered' | 'letter-required' | 'not-covered' | 'unknown';
  insurer?: string;
  policyNumber?: string;
  franchise?: { percent?: number; amount?: number };
  limits?: { service?: LimitState; programme?: LimitState };
}
type LimitState = { visits?: { left: number }; amount?: { left: number } };

const ANSWER_TEXT: Record<ServiceAnswer['answer'], PriorAuthTextKey> = {
  covered: 'covered',
  'letter-required': 'letterRequired',
  'not-covered': 'notCovered',
  unknown: 'unknown',
};

interface Answer {
  date: string;
  covered: boolean;
  services?: ServiceAnswer[];
  coverage: Array<{
    insurer: string;
    policyNumber: string;
    programme: { code: string; name: string };
    from: string;
    to: string;
  }>;
}
interface Letter {
  insurer: string;
  letter: {
    letterNumber: string;
    status: string;
    amountLimit: number;
    validity: { from: string; to: string };
    lines?: Array<{ serviceCode: string; name?: string; quantity: number }>;
  };
}

const today = () => new Date().toISOString().slice(0, 10);

export function Coverage({ me }: { me?: Me }) {
  const { t, l, lang } = useI18n();
  const pt = usePriorAuthText();
  const canAsk = !!me?.operations.includes('letters.request');
  const participants = useParticipants();
  const routedPolicy = useRoute()[1] ?? '';
  const [q, setQ] = useState({
    policy: routedPolicy,
    lastName: '',
    firstName: '',
    middleName: '',
    birthDate: '',
    date: today(),
    services: '',
  });
  const [answer, setAnswer] = useState<Answer | undefined>();
  const [letters, setLetters] = useState<Letter[]>([]);
  const [error, setError] = useState<unknown>();
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(undefined);
    try {
      // Da Vinci CRD's question at the desk: which of these services need a letter first?
      const service =
        q.services
          .split(/[,;\s]+/)
          .filter(Boolean)
          .join(',') || undefined;
      const params = q.policy
        ? { policy: q.policy.trim(), date: q.date, service }
        : {
            service,
            lastName: q.lastName.trim(),
            firstName: q.firstName.trim(),
            middleName: q.middleName.trim(),
            birthDate: q.birthDate,
            date: q.date,
          };
      const a = await api<Answer>('GET', `/v1/coverage${queryString(params)}`);
      setAnswer(a);
      const policy = q.policy.trim() || a.coverage[0]?.policyNumber;
      setLetters(
        policy
          ? (await api<{ items: Letter[] }>('GET', `/v1/guarantee-letters${queryString({ policy })}`)).items
          : [],
      );
    } catch (err) {
      setAnswer(undefined);
      setError(err);
    }
  };
  useEffect(() => {
    if (routedPolicy) void submit();
    // Asked once, for the policy the page was opened with; later questions come from the form.
  }, [routedPolicy]);
  // The API's field errors (/query/<name>) are shown at their fields, in the console's language where it knows them.
  const atField: Record<string, string> = {};
  if (error instanceof ApiFailure) {
    for (const x of error.errors) {
      const k = /^\/query\/(\w+)$/.exec(x.pointer)?.[1];
      if (!k || atField[k]) continue;
      atField[k] =
        x.code === 'COVERAGE_AMBIGUOUS'
          ? t('personAmbiguous')
          : k === 'birthDate' || k === 'date'
            ? t('dateUnreadable')
            : ruleText(x.code, x.message, lang);
    }
  }
  // Said once, where the person looks: a failure made only of field errors needs no second box in the API's words.
  const allAtFields =
    error instanceof ApiFailure &&
    error.errors.length > 0 &&
    error.errors.every((x) => /^\/query\/\w+$/.test(x.pointer));
  const field = (k: keyof typeof q, type = 'text') =>
    type === 'date' ? (
      <DateInput
        name={k}
        label={t(k === 'date' ? 'onDate' : 'birthDate')}
        value={q[k]}
        passUnreadable
        error={atField[k]}
        onChange={(v) => setQ({ ...q, [k]: v })}
      />
    ) : (
      <label>
        {t(k === 'policy' ? 'policy' : k === 'date' ? 'onDate' : k)}
        <input
          name={k}
          value={q[k]}
          aria-invalid={!!atField[k]}
          aria-describedby={atField[k] ? `${k}-error` : undefined}
          onChange={(e) => setQ({ ...q, [k]: e.target.value })}
        />
        {atField[k] && (
          <span className="field-error" id={`${k}-error`}>
            {atField[k]}
          </span>
        )}
      </label>
    );
  return (
    <section aria-labelledby="cov-title">
      <h1 id="cov-title">{t('coverage')}</h1>
      <form className="filters" onSubmit={(e) => void submit(e)}>
        <p className="hint">{t('byPolicyOr')}</p>
        {field('policy')}
        {field('lastName')}
        {field('firstName')}
        {field('middleName')}
        {field('birthDate', 'date')}
        {field('date', 'date')}
        <label>
          {pt('servicesAsked')}
          <input
            name="services"
            value={q.services}
            onChange={(e) => setQ({ ...q, services: e.target.value })}
          />
        </label>
        <button type="submit" className="primary">
          {t('check')}
        </button>
      </form>
      {!allAtFields && <ErrorBox error={error} />}
      {answer && (
        <div aria-live="polite">
          <p className={answer.covered ? 'verdict yes' : 'verdict no'} data-covered={answer.covered}>
            {answer.covered ? t('covered') : t('notCovered')} — {formatDate(answer.date)}
          </p>
          {answer.coverage.length > 0 && (
            <table className="grid cards">
              <caption>{t('programme')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('insurer')}</th>
                  <th scope="col">{t('policy')}</th>
                  <th scope="col">{t('programme')}</th>
                  <th scope="col">{t('period')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.coverage.map((c, i) => (
                  <tr key={i}>
                    <td data-label={t('insurer')}>{nameOf(participants, c.insurer)}</td>
                    <td data-label={t('policy')}>{c.policyNumber}</td>
                    <td data-label={t('programme')}>
                      {c.programme.code} {c.programme.name}
                    </td>
                    <td data-label={t('period')}>
                      {formatDate(c.from)} — {formatDate(c.to)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {answer.services && answer.services.length > 0 && (
            <ServiceAnswers
              services={answer.services}
              canAsk={canAsk}
              person={{
                lastName: q.lastName.trim(),
                firstName: q.firstName.trim(),
                middleName: q.middleName.trim(),
                birthDate: q.birthDate,
              }}
            />
          )}
          <h2>{t('patientLetters')}</h2>
          {letters.length === 0 ? (
            <p>{t('nothing')}</p>
          ) : (
            <table className="grid cards">
              <caption className="sr-only">{t('patientLetters')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('number')}</th>
                  <th scope="col">{t('insurer')}</th>
                  <th scope="col">{t('period')}</th>
                  <th scope="col">{t('amount')}</th>
                  <th scope="col">{t('service')}</th>
                  <th scope="col">{t('status')}</th>
                </tr>
              </thead>
              <tbody>
                {letters.map((x) => (
                  <tr key={x.letter.letterNumber} data-letter={x.letter.letterNumber}>
                    <td data-label={t('letterNumber')} className="name">
                      {x.letter.letterNumber}
                    </td>
                    <td data-label={t('insurer')}>{nameOf(participants, x.insurer)}</td>
                    <td data-label={t('period')}>
                      {formatDate(x.letter.validity.from)} — {formatDate(x.letter.validity.to)}
                    </td>
                    <td data-label={t('amount')} className="num">
                      {formatMoney(x.letter.amountLimit)}
                    </td>
                    <td data-label={t('service')}>
                      {(x.letter.lines ?? []).map((ln) => (
                        <div key={ln.serviceCode} title={ln.name}>
                          {ln.serviceCode} × {ln.quantity}
                        </div>
                      ))}
                    </td>
                    <td data-label={t('status')}>{l(x.letter.status)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}

/** One answer per service asked; where a letter is needed first, the request for it starts from here. */
function ServiceAnswers({
  services,
  canAsk,
  person,
}: {
  services: ServiceAnswer[];
  canAsk: boolean;
  person: Record<string, string>;
}) {
  const pt = usePriorAuthText();
  const participants = useParticipants();
  const left = (s: ServiceAnswer) => {
    const l = s.limits?.service ?? s.limits?.programme;
    if (l?.amount) return formatMoney(l.amount.left);
    if (l?.visits) return `${l.visits.left} ${pt('visits')}`;
    return '';
  };
  const link = (s: ServiceAnswer) => {
    // Every service of the same insurer and policy that needs a letter goes into one request.
    const codes = services
      .filter(
        (x) => x.answer === 'letter-required' && x.insurer === s.insurer && x.policyNumber === s.policyNumber,
      )
      .map((x) => x.serviceCode);
    const prefill: Record<string, string> = {
      payer: s.insurer ?? '',
      policyNumber: s.policyNumber ?? '',
      services: codes.join(', '),
    };
    for (const [k, v] of Object.entries(person)) if (v) prefill[k] = v;
    return priorAuthLink(prefill);
  };
  return (
    <table className="grid cards">
      <caption>{pt('perService')}</caption>
      <thead>
        <tr>
          <th scope="col">{pt('service')}</th>
          <th scope="col">{pt('answer')}</th>
          <th scope="col">{pt('franchise')}</th>
          <th scope="col">{pt('left')}</th>
          <th scope="col">{pt('payer')}</th>
        </tr>
      </thead>
      <tbody>
        {services.map((s) => (
          <tr key={s.serviceCode} data-service={s.serviceCode} data-answer={s.answer}>
            <td data-label={pt('service')}>{s.serviceCode}</td>
            <td data-label={pt('answer')}>
              <span className={`status s-${s.answer}`}>{pt(ANSWER_TEXT[s.answer])}</span>
              {s.answer === 'letter-required' && canAsk && (
                <div>
                  <a className="button primary" href={link(s)}>
                    {pt('requestLetter')}
                  </a>
                </div>
              )}
            </td>
            <td data-label={pt('franchise')}>
              {s.franchise?.percent !== undefined
                ? `${s.franchise.percent} %`
                : s.franchise?.amount !== undefined
                  ? formatMoney(s.franchise.amount)
                  : ''}
            </td>
            <td data-label={pt('left')}>{left(s)}</td>
            <td data-label={pt('payer')}>{s.insurer ? nameOf(participants, s.insurer) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
