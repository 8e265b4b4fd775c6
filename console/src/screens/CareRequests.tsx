// Care requests (decision record 0047): the clinic registrar's queue, nearest deadline first, where a slot is offered
// or the request refused; the insurer's or assistance company's coordinator sends requests, follows them and cancels.
// An assistance company sends «по поручению» an insurer whose delegation covers care requests (0055), and both lists
// say for whom. The list, filters, patient and urgency are the request screens' shared pieces (request-list.tsx).
import { useState, type FormEvent } from 'react';
import { api, type Me } from '../api';
import { counterpartName, nameOf, useParticipants } from '../common';
import { formatDate, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { useCareText, type CareTextKey } from './care-text';
import {
  DeadlineTable,
  EMPTY_PATIENT,
  OnBehalfSelect,
  PatientCell,
  PatientFields,
  patientOf,
  RequestFilters,
  StepResult,
  UrgencySelect,
  useRequestForm,
  useRequestList,
  usePrincipals,
  type Act,
  type RequestColumn,
} from './request-list';

interface CareCase {
  requestNumber: string;
  payer: string;
  clinic: string;
  /** The insurer an assistance company sent it for (decision record 0055). */
  onBehalfOf?: string;
  state: 'proposed' | 'booked' | 'declined' | 'cancelled' | 'fulfilled' | 'noshow';
  respondBy: string;
  overdue?: boolean;
  request: {
    urgency: 'emergency' | 'urgent' | 'planned';
    patient: { lastName: string; firstName: string; middleName?: string; policyNumber: string };
    complaint: string;
    specialty?: string;
    services?: Array<{ serviceCode: string; name?: string }>;
    wishedPeriod?: { from: string; to: string };
    wishedTime?: string;
  };
  appointment?: { start?: string; doctor?: { name: string }; address?: string; reason?: string };
}

const STATE_TEXT: Record<CareCase['state'], CareTextKey> = {
  proposed: 'proposed',
  booked: 'booked',
  declined: 'declined',
  cancelled: 'cancelled',
  fulfilled: 'fulfilled',
  noshow: 'noshowState',
};

const casePath = (c: CareCase) =>
  `/v1/care-requests/${encodeURIComponent(c.payer)}/${encodeURIComponent(c.requestNumber)}`;

export function CareRequests({ me }: { me: Me }) {
  const t = useCareText();
  const { t: common } = useI18n();
  const participants = useParticipants();
  const clinicSide = me.participantRole === 'clinic';
  const canWrite = me.operations.includes('care.write');
  const [open, setOpen] = useState(true);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const { items, error, notice, busy, load, act } = useRequestList<CareCase>('/v1/care-requests', {
    state: open ? 'proposed,booked' : undefined,
    overdue: overdueOnly ? 'true' : undefined,
  });
  const title = clinicSide ? t('titleClinic') : t('titlePayer');
  /** Who asked, and for whom when an assistance company acted for an insurer: «… по поручению …». */
  const asker = (c: CareCase) =>
    counterpartName(participants, true, c.payer, c.onBehalfOf, common('onBehalfOf'));
  const columns: Array<RequestColumn<CareCase>> = [
    {
      header: t('number'),
      cell: (c) => (
        <>
          {c.requestNumber}
          {clinicSide && (
            <div className="hint" data-party="">
              {t('from')} {asker(c)}
            </div>
          )}
        </>
      ),
    },
    {
      header: clinicSide ? t('patient') : t('clinic'),
      cell: (c) =>
        clinicSide ? (
          <PatientCell patient={c.request.patient} />
        ) : (
          <>
            {nameOf(participants, c.clinic)}
            {c.onBehalfOf && (
              <div className="hint" data-party="">
                {t('sentFor')} {nameOf(participants, c.onBehalfOf)}
              </div>
            )}
          </>
        ),
    },
    { header: t('urgency'), cell: (c) => t(c.request.urgency) },
    {
      header: t('wanted'),
      cell: (c) => (
        <>
          {c.request.specialty}
          {c.request.services?.map((s) => (
            <div key={s.serviceCode} className="hint">
              {s.serviceCode} {s.name ?? ''}
            </div>
          ))}
          <div className="hint">{c.request.complaint}</div>
        </>
      ),
    },
    {
      header: t('wished'),
      cell: (c) => (
        <>
          {c.request.wishedPeriod
            ? `${formatDate(c.request.wishedPeriod.from)} — ${formatDate(c.request.wishedPeriod.to)}`
            : ''}
          {c.request.wishedTime && <div className="hint">{c.request.wishedTime}</div>}
        </>
      ),
    },
    {
      header: t('state'),
      cell: (c) => (
        <>
          <span className={`status s-${c.state}`}>{t(STATE_TEXT[c.state])}</span>
          {c.appointment?.start && (
            <div className="hint">
              {formatDateTime(c.appointment.start)}, {c.appointment.doctor?.name}
            </div>
          )}
          {c.appointment?.reason && <div className="hint">{c.appointment.reason}</div>}
        </>
      ),
    },
  ];

  return (
    <section aria-labelledby="care-title">
      <h1 id="care-title">{title}</h1>
      {!clinicSide && canWrite && (
        <NewRequest
          me={me}
          busy={busy}
          onSend={(body) => act(() => api('POST', '/v1/care-requests', body), t('sent'))}
        />
      )}
      <RequestFilters
        open={open}
        onOpen={setOpen}
        openLabel={t('onlyOpen')}
        overdue={{ checked: overdueOnly, onChange: setOverdueOnly, label: t('onlyOverdue') }}
        onRefresh={() => void load()}
      />
      <StepResult notice={notice} error={error} />
      {items && (
        <DeadlineTable
          title={title}
          items={items}
          nothing={t('nothing')}
          rowKey={(c) => `${c.payer}/${c.requestNumber}`}
          deadlineHeader={t('respondBy')}
          deadline={(c) => c.respondBy}
          columns={columns}
          actions={
            canWrite ? (c) => <CaseActions c={c} clinicSide={clinicSide} busy={busy} act={act} /> : undefined
          }
        />
      )}
    </section>
  );
}

function CaseActions({
  c,
  clinicSide,
  busy,
  act,
}: {
  c: CareCase;
  clinicSide: boolean;
  busy: boolean;
  act: Act;
}) {
  const t = useCareText();
  const [mode, setMode] = useState<'' | 'book' | 'decline' | 'cancel'>('');
  const [start, setStart] = useState('');
  const [doctor, setDoctor] = useState('');
  const [address, setAddress] = useState('');
  const [bring, setBring] = useState('');
  const [reason, setReason] = useState('');
  const openCase = c.state === 'proposed' || c.state === 'booked';
  if (!openCase) return null;
  const id = `${c.payer}-${c.requestNumber}`.replace(/[^A-Za-z0-9-]/g, '_');
  const post = (step: string, body: unknown) => act(() => api('POST', `${casePath(c)}/${step}`, body));
  const book = (e: FormEvent) => {
    e.preventDefault();
    // datetime-local has no offset: the registrar means the clinic's local time, which the browser knows.
    void post('book', {
      start: new Date(start).toISOString(),
      doctor: { name: doctor },
      address,
      ...(bring ? { instructions: bring } : {}),
    });
  };
  const refuse = (e: FormEvent) => {
    e.preventDefault();
    void post(mode === 'decline' ? 'decline' : 'cancel', { reason });
  };
  if (mode === 'book')
    return (
      <form className="stack" onSubmit={book} aria-label={`${t('offer')} ${c.requestNumber}`}>
        <label htmlFor={`${id}-start`}>{t('slotStart')}</label>
        <input
          id={`${id}-start`}
          type="datetime-local"
          required
          value={start}
          onChange={(e) => setStart(e.target.value)}
        />
        <label htmlFor={`${id}-doctor`}>{t('doctor')}</label>
        <input id={`${id}-doctor`} required value={doctor} onChange={(e) => setDoctor(e.target.value)} />
        <label htmlFor={`${id}-address`}>{t('address')}</label>
        <input id={`${id}-address`} required value={address} onChange={(e) => setAddress(e.target.value)} />
        <label htmlFor={`${id}-bring`}>{t('bring')}</label>
        <input id={`${id}-bring`} value={bring} onChange={(e) => setBring(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          {t('confirmSlot')}
        </button>
      </form>
    );
  if (mode === 'decline' || mode === 'cancel')
    return (
      <form className="stack" onSubmit={refuse} aria-label={`${t(mode)} ${c.requestNumber}`}>
        <label htmlFor={`${id}-reason`}>{t('reason')}</label>
        <input id={`${id}-reason`} required value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="submit" className="danger" disabled={busy}>
          {mode === 'decline' ? t('confirmDecline') : t('confirmCancel')}
        </button>
      </form>
    );
  return (
    <div className="inline">
      {clinicSide && (
        <button type="button" className="primary" onClick={() => setMode('book')}>
          {t('offer')}
        </button>
      )}
      {clinicSide && c.state === 'proposed' && (
        <button type="button" className="danger" onClick={() => setMode('decline')}>
          {t('decline')}
        </button>
      )}
      {clinicSide && c.state === 'booked' && (
        <>
          <button type="button" disabled={busy} onClick={() => void post('close', { status: 'fulfilled' })}>
            {t('came')}
          </button>
          <button type="button" disabled={busy} onClick={() => void post('close', { status: 'noshow' })}>
            {t('noshow')}
          </button>
        </>
      )}
      {(!clinicSide || c.state === 'booked') && (
        <button type="button" className="danger" onClick={() => setMode('cancel')}>
          {t('cancel')}
        </button>
      )}
    </div>
  );
}

const EMPTY_REQUEST = {
  clinic: '',
  onBehalfOf: '',
  requestNumber: '',
  urgency: 'urgent',
  ...EMPTY_PATIENT,
  complaint: '',
  specialty: '',
  from: '',
  to: '',
  letterToFollow: true,
};

function NewRequest({
  me,
  busy,
  onSend,
}: {
  me: Me;
  busy: boolean;
  onSend: (body: unknown) => Promise<boolean>;
}) {
  const t = useCareText();
  const clinics = useParticipants().filter((p) => p.role === 'clinic');
  const principals = usePrincipals(me, 'care-request');
  const { f, setF, set, field, date } = useRequestForm(EMPTY_REQUEST, 'care', t);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const sent = await onSend({
      clinic: f.clinic || clinics[0]?.id,
      requestNumber: f.requestNumber,
      urgency: f.urgency,
      // An assistance company acting for an insurer: the gateway puts it in every version's header (0055).
      ...(f.onBehalfOf ? { onBehalfOf: f.onBehalfOf } : {}),
      patient: patientOf(f),
      complaint: f.complaint,
      ...(f.specialty ? { specialty: f.specialty } : {}),
      ...(f.from && f.to ? { wishedPeriod: { from: f.from, to: f.to } } : {}),
      ...(f.letterToFollow ? { letterToFollow: true } : {}),
    });
    // A sent request leaves an empty form for the next one; a refused one stays for correction.
    if (sent) setF({ ...EMPTY_REQUEST, clinic: f.clinic, onBehalfOf: f.onBehalfOf });
  };
  return (
    <details className="panel">
      <summary>{t('newRequest')}</summary>
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('clinic')}
          <select value={f.clinic || clinics[0]?.id || ''} onChange={set('clinic')}>
            {clinics.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <OnBehalfSelect
          name="care-onBehalfOf"
          principals={principals}
          value={f.onBehalfOf}
          onChange={(v) => setF({ ...f, onBehalfOf: v })}
        />
        {field('requestNumber', 'number')}
        <UrgencySelect name="care-urgency" value={f.urgency} onChange={(v) => setF({ ...f, urgency: v })} />
        <PatientFields prefix="care" f={f} onChange={setF} />
        {field('complaint', 'complaint')}
        {field('specialty', 'specialty')}
        {date('from', 'wishedFrom')}
        {date('to', 'wishedTo')}
        <label className="check">
          <input
            type="checkbox"
            checked={f.letterToFollow}
            onChange={(e) => setF({ ...f, letterToFollow: e.target.checked })}
          />{' '}
          {t('letterToFollow')}
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('send')}
        </button>
      </form>
    </details>
  );
}
