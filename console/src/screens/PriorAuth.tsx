// Guarantee-letter requests (decision record 0054): the clinic asks its insurer for a letter where the coverage check
// says one is needed first, follows its requests and answers a request for information; the insurer's operator sees
// the requests nearest their deadline first and issues the letter, refuses or asks for more.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, queryString, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, useAction, useParticipants, useRoute } from '../common';
import { formatDateTime, formatMoney } from '../format';
import { usePriorAuthText, type PriorAuthTextKey } from './prior-auth-text';

type State = 'submitted' | 'pended' | 'certified' | 'not-certified' | 'withdrawn';

interface PriorAuthCase {
  requestNumber: string;
  clinic: string;
  payer: string;
  state: State;
  dueAt: string;
  overdue?: boolean;
  request: {
    urgency: 'emergency' | 'urgent' | 'planned';
    patient: { lastName: string; firstName: string; middleName?: string; policyNumber: string };
    diagnosis: string;
    justification: string;
    totalAmount: number;
    lines: Array<{ serviceCode: string; name?: string; quantity: number; amount: number }>;
    additionalInformation?: string;
  };
  response?: { reason?: string; informationWanted?: string; informationDueBy?: string };
  letterNumber?: string;
}

const STATE_TEXT: Record<State, PriorAuthTextKey> = {
  submitted: 'submitted',
  pended: 'pended',
  certified: 'certified',
  'not-certified': 'notCertified',
  withdrawn: 'withdrawn',
};

const casePath = (c: PriorAuthCase) =>
  `/v1/prior-auth-requests/${encodeURIComponent(c.clinic)}/${encodeURIComponent(c.requestNumber)}`;

/** The link the coverage check gives for services that need a letter first: the new request, filled in. */
export function priorAuthLink(prefill: Record<string, string>): string {
  return `#/prior-auth/new/${encodeURIComponent(new URLSearchParams(prefill).toString())}`;
}

export function PriorAuth({ me }: { me: Me }) {
  const t = usePriorAuthText();
  const participants = useParticipants();
  const route = useRoute();
  const prefill = route[1] === 'new' ? Object.fromEntries(new URLSearchParams(route[2] ?? '')) : undefined;
  const clinicSide = me.participantRole === 'clinic';
  const canAsk = me.operations.includes('letters.request');
  const canAnswer = me.operations.includes('letters.write');
  const [items, setItems] = useState<PriorAuthCase[] | undefined>();
  const [open, setOpen] = useState(true);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const { busy, run } = useAction();

  const load = useCallback(async () => {
    try {
      const q = queryString({ state: open ? 'submitted,pended' : undefined });
      setItems((await api<{ items: PriorAuthCase[] }>('GET', `/v1/prior-auth-requests${q}`)).items);
    } catch (e) {
      setError(e);
    }
  }, [open]);
  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one step; true when it went through, so a form that sent can clear itself. */
  const act = async (fn: () => Promise<unknown>, done = t('done')) => {
    let ok = false;
    await run(async () => {
      setError(undefined);
      setNotice('');
      try {
        await fn();
        ok = true;
        setNotice(done);
        await load();
      } catch (e) {
        setError(e);
      }
    });
    return ok;
  };
  const title = clinicSide ? t('titleClinic') : t('titlePayer');

  return (
    <section aria-labelledby="pa-title">
      <h1 id="pa-title">{title}</h1>
      {clinicSide && canAsk && (
        <NewRequest
          busy={busy}
          prefill={prefill}
          onSend={(body) => act(() => api('POST', '/v1/prior-auth-requests', body), t('sent'))}
        />
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="check">
          <input type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} /> {t('onlyOpen')}
        </label>
        <button type="button" onClick={() => void load()}>
          {t('refresh')}
        </button>
      </form>
      {notice && <p role="status">{notice}</p>}
      <ErrorBox error={error} />
      {items === undefined ? null : items.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dueAt')}</th>
              <th scope="col">{t('number')}</th>
              <th scope="col">{t('patient')}</th>
              <th scope="col">{t('asked')}</th>
              <th scope="col">{t('state')}</th>
              {(canAsk || canAnswer) && <th scope="col">{t('actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={`${c.clinic}/${c.requestNumber}`} className={c.overdue ? 'overdue' : undefined}>
                <td>
                  {formatDateTime(c.dueAt)}
                  {c.overdue && (
                    <>
                      {' '}
                      <strong className="status s-REJECTED">{t('overdue')}</strong>
                    </>
                  )}
                  <div className="hint">{t(c.request.urgency)}</div>
                </td>
                <td>
                  {c.requestNumber}
                  <div className="hint">{nameOf(participants, clinicSide ? c.payer : c.clinic)}</div>
                </td>
                <td>
                  {[c.request.patient.lastName, c.request.patient.firstName, c.request.patient.middleName]
                    .filter(Boolean)
                    .join(' ')}
                  <div className="hint">{c.request.patient.policyNumber}</div>
                  <div className="hint">
                    {c.request.diagnosis}: {c.request.justification}
                  </div>
                </td>
                <td>
                  {c.request.lines.map((l) => (
                    <div key={l.serviceCode} title={l.name}>
                      {l.serviceCode} × {l.quantity} — {formatMoney(l.amount)}
                    </div>
                  ))}
                  <div>
                    <strong>
                      {t('total')} {formatMoney(c.request.totalAmount)}
                    </strong>
                  </div>
                </td>
                <td>
                  <span className={`status s-${c.state}`}>{t(STATE_TEXT[c.state])}</span>
                  {c.letterNumber && (
                    <div className="hint">
                      {t('letter')} {c.letterNumber}
                    </div>
                  )}
                  {c.state === 'not-certified' && c.response?.reason && (
                    <div className="hint">{c.response.reason}</div>
                  )}
                  {c.state === 'pended' && c.response?.informationWanted && (
                    <div className="hint">
                      {c.response.informationWanted}
                      {c.response.informationDueBy &&
                        ` (${t('by')} ${formatDateTime(c.response.informationDueBy)})`}
                    </div>
                  )}
                  {c.request.additionalInformation && c.state === 'submitted' && (
                    <div className="hint">{c.request.additionalInformation}</div>
                  )}
                </td>
                {(canAsk || canAnswer) && (
                  <td>
                    <CaseActions c={c} clinicSide={clinicSide} busy={busy} act={act} />
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

type Mode = '' | 'issue' | 'refuse' | 'pend' | 'supply' | 'withdraw';

function CaseActions({
  c,
  clinicSide,
  busy,
  act,
}: {
  c: PriorAuthCase;
  clinicSide: boolean;
  busy: boolean;
  act: (fn: () => Promise<unknown>) => Promise<boolean>;
}) {
  const t = usePriorAuthText();
  const [mode, setMode] = useState<Mode>('');
  const [text, setText] = useState('');
  const [due, setDue] = useState('');
  if (c.state !== 'submitted' && c.state !== 'pended') return null;
  const id = `${c.clinic}-${c.requestNumber}`.replace(/[^A-Za-z0-9-]/g, '_');
  const post = (step: string, body: unknown) => act(() => api('POST', `${casePath(c)}/${step}`, body));
  const FORMS: Record<
    Exclude<Mode, ''>,
    { label: PriorAuthTextKey; confirm: PriorAuthTextKey; body: () => unknown }
  > = {
    issue: { label: 'letterNumber', confirm: 'confirmIssue', body: () => ({ letterNumber: text }) },
    refuse: { label: 'reason', confirm: 'confirmRefuse', body: () => ({ reason: text }) },
    pend: {
      label: 'wanted',
      confirm: 'confirmPend',
      // The end of the day named, in the clinic's and the insurer's own time zone (the browser's).
      body: () => ({
        informationWanted: text,
        ...(due ? { informationDueBy: new Date(`${due}T23:59:00`).toISOString() } : {}),
      }),
    },
    supply: { label: 'information', confirm: 'confirmSupply', body: () => ({ additionalInformation: text }) },
    withdraw: { label: 'reason', confirm: 'confirmWithdraw', body: () => ({ reason: text }) },
  };
  if (mode) {
    const f = FORMS[mode];
    const submit = async (e: FormEvent) => {
      e.preventDefault();
      // A step that went through closes its form; one refused stays open for correction.
      if (await post(mode === 'issue' ? 'certify' : mode === 'supply' ? 'information' : mode, f.body())) {
        setMode('');
        setText('');
        setDue('');
      }
    };
    return (
      <form className="stack" onSubmit={(e) => void submit(e)} aria-label={`${t(mode)} ${c.requestNumber}`}>
        <label htmlFor={`${id}-text`}>{t(f.label)}</label>
        <input id={`${id}-text`} required value={text} onChange={(e) => setText(e.target.value)} />
        {mode === 'pend' && (
          <DateInput name={`${id}-due`} label={t('wantedBy')} value={due} onChange={setDue} />
        )}
        <button
          type="submit"
          className={mode === 'refuse' || mode === 'withdraw' ? 'danger' : 'primary'}
          disabled={busy}
        >
          {t(f.confirm)}
        </button>
      </form>
    );
  }
  const button = (m: Exclude<Mode, ''>, className = '') => (
    <button type="button" className={className || undefined} onClick={() => setMode(m)}>
      {t(m)}
    </button>
  );
  return (
    <div className="inline">
      {!clinicSide && button('issue', 'primary')}
      {!clinicSide && c.state === 'submitted' && button('pend')}
      {!clinicSide && button('refuse', 'danger')}
      {clinicSide && c.state === 'pended' && button('supply', 'primary')}
      {clinicSide && button('withdraw', 'danger')}
    </div>
  );
}

const EMPTY = {
  payer: '',
  requestNumber: '',
  urgency: 'planned',
  lastName: '',
  firstName: '',
  middleName: '',
  birthDate: '',
  sex: 'F',
  policyNumber: '',
  diagnosis: '',
  justification: '',
  from: '',
  to: '',
  services: '',
  attachments: '',
};

function NewRequest({
  busy,
  prefill,
  onSend,
}: {
  busy: boolean;
  prefill?: Record<string, string>;
  onSend: (body: unknown) => Promise<boolean>;
}) {
  const t = usePriorAuthText();
  const payers = useParticipants().filter((p) => p.role === 'insurer' || p.role === 'assistance');
  const [f, setF] = useState({ ...EMPTY, ...pick(prefill) });
  useEffect(() => {
    if (prefill) setF((x) => ({ ...x, ...pick(prefill) }));
    // Filled once per link followed from the coverage check.
  }, [JSON.stringify(prefill)]);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const field = (k: keyof typeof f, label: PriorAuthTextKey, required = true) => (
    <label>
      {t(label)}
      <input name={`pa-${k}`} required={required} value={f[k]} onChange={set(k)} />
    </label>
  );
  const date = (k: 'birthDate' | 'from' | 'to', label: PriorAuthTextKey) => (
    <DateInput name={`pa-${k}`} label={t(label)} value={f[k]} onChange={(v) => setF({ ...f, [k]: v })} />
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const sent = await onSend({
      payer: f.payer || payers[0]?.id,
      requestNumber: f.requestNumber,
      urgency: f.urgency,
      patient: {
        lastName: f.lastName,
        firstName: f.firstName,
        ...(f.middleName ? { middleName: f.middleName } : {}),
        birthDate: f.birthDate,
        sex: f.sex,
        policyNumber: f.policyNumber,
      },
      diagnosis: f.diagnosis.trim().toUpperCase(),
      justification: f.justification,
      ...(f.from && f.to ? { plannedPeriod: { from: f.from, to: f.to } } : {}),
      services: f.services
        .split(/[,;\s]+/)
        .filter(Boolean)
        .map((serviceCode) => ({ serviceCode, quantity: 1 })),
      ...(f.attachments ? { attachmentsToFollow: f.attachments } : {}),
    });
    // A sent request leaves an empty form for the next one; a refused one stays for correction.
    if (sent) setF({ ...EMPTY, payer: f.payer });
  };
  return (
    <details className="panel" open={!!prefill}>
      <summary>{t('newRequest')}</summary>
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('payer')}
          <select name="pa-payer" value={f.payer || payers[0]?.id || ''} onChange={set('payer')}>
            {payers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {field('requestNumber', 'number')}
        <label>
          {t('urgency')}
          <select name="pa-urgency" value={f.urgency} onChange={set('urgency')}>
            <option value="emergency">{t('emergency')}</option>
            <option value="urgent">{t('urgent')}</option>
            <option value="planned">{t('planned')}</option>
          </select>
        </label>
        {field('lastName', 'lastName')}
        {field('firstName', 'firstName')}
        {field('middleName', 'middleName', false)}
        {date('birthDate', 'birthDate')}
        <label>
          {t('sex')}
          <select name="pa-sex" value={f.sex} onChange={set('sex')}>
            <option value="F">Ж</option>
            <option value="M">М</option>
          </select>
        </label>
        {field('policyNumber', 'policy')}
        {field('services', 'services')}
        {field('diagnosis', 'diagnosis')}
        {field('justification', 'justification')}
        {date('from', 'plannedFrom')}
        {date('to', 'plannedTo')}
        {field('attachments', 'attachments', false)}
        <button type="submit" className="primary" disabled={busy}>
          {t('send')}
        </button>
      </form>
    </details>
  );
}

/** The fields a coverage link may fill: nothing else of the link is taken. */
function pick(prefill: Record<string, string> | undefined): Partial<typeof EMPTY> {
  const out: Partial<typeof EMPTY> = {};
  for (const k of Object.keys(EMPTY) as Array<keyof typeof EMPTY>) {
    const v = prefill?.[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}
