// Care requests (decision record 0047): the clinic registrar's queue, nearest deadline first, where a slot is offered
// or the request refused; the insurer's or assistance company's coordinator sends requests, follows them and cancels.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, queryString, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, useAction, useParticipants } from '../common';
import { formatDate, formatDateTime } from '../format';
import { useCareText, type CareTextKey } from './care-text';

interface CareCase {
  requestNumber: string;
  payer: string;
  clinic: string;
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
  const participants = useParticipants();
  const clinicSide = me.participantRole === 'clinic';
  const canWrite = me.operations.includes('care.write');
  const [items, setItems] = useState<CareCase[] | undefined>();
  const [open, setOpen] = useState(true);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const { busy, run } = useAction();

  const load = useCallback(async () => {
    try {
      const q = queryString({
        state: open ? 'proposed,booked' : undefined,
        overdue: overdueOnly ? 'true' : undefined,
      });
      setItems((await api<{ items: CareCase[] }>('GET', `/v1/care-requests${q}`)).items);
    } catch (e) {
      setError(e);
    }
  }, [open, overdueOnly]);
  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one step; true when it went through, so a form that sent can clear itself. */
  const act = async (fn: () => Promise<unknown>, done = '') => {
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

  return (
    <section aria-labelledby="care-title">
      <h1 id="care-title">{clinicSide ? t('titleClinic') : t('titlePayer')}</h1>
      {!clinicSide && canWrite && (
        <NewRequest
          busy={busy}
          onSend={(body) => act(() => api('POST', '/v1/care-requests', body), t('sent'))}
        />
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="check">
          <input type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} /> {t('onlyOpen')}
        </label>
        <label className="check">
          <input type="checkbox" checked={overdueOnly} onChange={(e) => setOverdueOnly(e.target.checked)} />{' '}
          {t('onlyOverdue')}
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
          <caption className="sr-only">{clinicSide ? t('titleClinic') : t('titlePayer')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('respondBy')}</th>
              <th scope="col">{t('number')}</th>
              <th scope="col">{clinicSide ? t('patient') : t('clinic')}</th>
              <th scope="col">{t('urgency')}</th>
              <th scope="col">{t('wanted')}</th>
              <th scope="col">{t('wished')}</th>
              <th scope="col">{t('state')}</th>
              {canWrite && <th scope="col">{t('actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={`${c.payer}/${c.requestNumber}`} className={c.overdue ? 'overdue' : undefined}>
                <td>
                  {formatDateTime(c.respondBy)}
                  {c.overdue && (
                    <>
                      {' '}
                      <strong className="status s-REJECTED">{t('overdue')}</strong>
                    </>
                  )}
                </td>
                <td>
                  {c.requestNumber}
                  {clinicSide && (
                    <div className="hint">
                      {t('from')} {nameOf(participants, c.payer)}
                    </div>
                  )}
                </td>
                <td>
                  {clinicSide ? (
                    <>
                      {[c.request.patient.lastName, c.request.patient.firstName, c.request.patient.middleName]
                        .filter(Boolean)
                        .join(' ')}
                      <div className="hint">{c.request.patient.policyNumber}</div>
                    </>
                  ) : (
                    nameOf(participants, c.clinic)
                  )}
                </td>
                <td>{t(c.request.urgency)}</td>
                <td>
                  {c.request.specialty}
                  {c.request.services?.map((s) => (
                    <div key={s.serviceCode} className="hint">
                      {s.serviceCode} {s.name ?? ''}
                    </div>
                  ))}
                  <div className="hint">{c.request.complaint}</div>
                </td>
                <td>
                  {c.request.wishedPeriod
                    ? `${formatDate(c.request.wishedPeriod.from)} — ${formatDate(c.request.wishedPeriod.to)}`
                    : ''}
                  {c.request.wishedTime && <div className="hint">{c.request.wishedTime}</div>}
                </td>
                <td>
                  <span className={`status s-${c.state}`}>{t(STATE_TEXT[c.state])}</span>
                  {c.appointment?.start && (
                    <div className="hint">
                      {formatDateTime(c.appointment.start)}, {c.appointment.doctor?.name}
                    </div>
                  )}
                  {c.appointment?.reason && <div className="hint">{c.appointment.reason}</div>}
                </td>
                {canWrite && (
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

function CaseActions({
  c,
  clinicSide,
  busy,
  act,
}: {
  c: CareCase;
  clinicSide: boolean;
  busy: boolean;
  act: (fn: () => Promise<unknown>) => Promise<boolean>;
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
  requestNumber: '',
  urgency: 'urgent',
  lastName: '',
  firstName: '',
  middleName: '',
  birthDate: '',
  sex: 'F',
  policyNumber: '',
  complaint: '',
  specialty: '',
  from: '',
  to: '',
  letterToFollow: true,
};

function NewRequest({ busy, onSend }: { busy: boolean; onSend: (body: unknown) => Promise<boolean> }) {
  const t = useCareText();
  const clinics = useParticipants().filter((p) => p.role === 'clinic');
  const [f, setF] = useState(EMPTY_REQUEST);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const field = (k: keyof typeof f, label: CareTextKey, type = 'text', required = true) => (
    <label>
      {t(label)}
      <input type={type} required={required} value={String(f[k])} onChange={set(k)} />
    </label>
  );
  // Dates are typed as people write them here (дд.мм.гггг), whatever language the browser's own date picker speaks.
  const date = (k: 'birthDate' | 'from' | 'to', label: CareTextKey) => (
    <DateInput name={`care-${k}`} label={t(label)} value={f[k]} onChange={(v) => setF({ ...f, [k]: v })} />
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const sent = await onSend({
      clinic: f.clinic || clinics[0]?.id,
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
      complaint: f.complaint,
      ...(f.specialty ? { specialty: f.specialty } : {}),
      ...(f.from && f.to ? { wishedPeriod: { from: f.from, to: f.to } } : {}),
      ...(f.letterToFollow ? { letterToFollow: true } : {}),
    });
    // A sent request leaves an empty form for the next one; a refused one stays for correction.
    if (sent) setF({ ...EMPTY_REQUEST, clinic: f.clinic });
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
        {field('requestNumber', 'number')}
        <label>
          {t('urgency')}
          <select value={f.urgency} onChange={set('urgency')}>
            <option value="emergency">{t('emergency')}</option>
            <option value="urgent">{t('urgent')}</option>
            <option value="planned">{t('planned')}</option>
          </select>
        </label>
        {field('lastName', 'lastName')}
        {field('firstName', 'firstName')}
        {field('middleName', 'middleName', 'text', false)}
        {date('birthDate', 'birthDate')}
        <label>
          {t('sex')}
          <select name="sex" value={f.sex} onChange={set('sex')}>
            <option value="F">Ж</option>
            <option value="M">М</option>
          </select>
        </label>
        {field('policyNumber', 'policy')}
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
