// Guarantee-letter requests (decision record 0054): the clinic asks its insurer for a letter where the coverage check
// says one is needed first, follows its requests and answers a request for information; the insurer's operator sees
// the requests nearest their deadline first and issues the letter, refuses or asks for more.
// The list, filters, patient and urgency are the request screens' shared pieces (request-list.tsx).
import { useEffect, useState, type FormEvent } from 'react';
import { api, type Me } from '../api';
import { DateInput, nameOf, useParticipants, useRoute } from '../common';
import { formatDateTime, formatMoney } from '../format';
import { usePriorAuthText, type PriorAuthTextKey } from './prior-auth-text';
import {
  DeadlineTable,
  EMPTY_PATIENT,
  PatientCell,
  PatientFields,
  patientOf,
  RequestFilters,
  StepResult,
  UrgencySelect,
  useRequestForm,
  useRequestList,
  type Act,
  type RequestColumn,
} from './request-list';

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
  const [open, setOpen] = useState(true);
  const { items, error, notice, busy, load, act } = useRequestList<PriorAuthCase>(
    '/v1/prior-auth-requests',
    { state: open ? 'submitted,pended' : undefined },
    t('done'),
  );
  const title = clinicSide ? t('titleClinic') : t('titlePayer');
  const columns: Array<RequestColumn<PriorAuthCase>> = [
    {
      header: t('number'),
      cell: (c) => (
        <>
          {c.requestNumber}
          <div className="hint">{nameOf(participants, clinicSide ? c.payer : c.clinic)}</div>
        </>
      ),
    },
    {
      header: t('patient'),
      cell: (c) => (
        <>
          <PatientCell patient={c.request.patient} />
          <div className="hint">
            {c.request.diagnosis}: {c.request.justification}
          </div>
        </>
      ),
    },
    {
      header: t('asked'),
      cell: (c) => (
        <>
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
        </>
      ),
    },
    {
      header: t('state'),
      cell: (c) => (
        <>
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
              {c.response.informationDueBy && ` (${t('by')} ${formatDateTime(c.response.informationDueBy)})`}
            </div>
          )}
          {c.request.additionalInformation && c.state === 'submitted' && (
            <div className="hint">{c.request.additionalInformation}</div>
          )}
        </>
      ),
    },
  ];

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
      <RequestFilters open={open} onOpen={setOpen} openLabel={t('onlyOpen')} onRefresh={() => void load()} />
      <StepResult notice={notice} error={error} />
      {items && (
        <DeadlineTable
          title={title}
          items={items}
          nothing={t('nothing')}
          rowKey={(c) => `${c.clinic}/${c.requestNumber}`}
          deadlineHeader={t('dueAt')}
          deadline={(c) => c.dueAt}
          deadlineHint={(c) => <div className="hint">{t(c.request.urgency)}</div>}
          columns={columns}
          actions={
            canAsk || canAnswer
              ? (c) => <CaseActions c={c} clinicSide={clinicSide} busy={busy} act={act} />
              : undefined
          }
        />
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
  act: Act;
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
  ...EMPTY_PATIENT,
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
  const { f, setF, set, field, date } = useRequestForm({ ...EMPTY, ...pick(prefill) }, 'pa', t);
  useEffect(() => {
    if (prefill) setF((x) => ({ ...x, ...pick(prefill) }));
    // Filled once per link followed from the coverage check.
  }, [JSON.stringify(prefill)]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const sent = await onSend({
      payer: f.payer || payers[0]?.id,
      requestNumber: f.requestNumber,
      urgency: f.urgency,
      patient: patientOf(f),
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
        <UrgencySelect name="pa-urgency" value={f.urgency} onChange={(v) => setF({ ...f, urgency: v })} />
        <PatientFields prefix="pa" f={f} onChange={setF} />
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
