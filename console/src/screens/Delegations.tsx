// An insurer's delegations to assistance companies (decision record 0055): the list with each one's state, a new
// delegation, revocation with a reason, each one's trail on the ledger, and what was done in the insurer's name. The
// chaincode decides who may delegate what; this screen offers only the document types it would accept.
import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, queryString, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, shownStatus, useParticipants } from '../common';
import { formatDate, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { DEFAULT_ROUTES, routeAllowed } from '../../../formats/src/routes.js';
import type { Delegation } from '../../../formats/src/delegation.js';
import { useDelegationText, type DelegationTextKey } from './delegation-text';
import {
  DelegationCells,
  DelegationFilter,
  DelegationStateBadge,
  isShown,
  moscowToday,
  stateOf,
  useDelegationList,
  type Shown,
} from './delegation-parts';

/** What an insurer itself sends to a clinic, and receives from one: only these may be delegated (the chaincode's rule). */
const typesBetween = (from: string, to: string) =>
  Object.entries(DEFAULT_ROUTES)
    .filter(([type, routes]) => type !== 'reply' && routeAllowed(routes, from, to))
    .map(([type]) => type);
const SENDS = typesBetween('insurer', 'clinic');
const RECEIVES = typesBetween('clinic', 'insurer');

const list = (text: string) =>
  text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function Delegations({ me }: { me: Me }) {
  const t = useDelegationText();
  const participants = useParticipants();
  const canWrite = me.operations.includes('delegations');
  const { items, load, error, setError, notice, busy, act } = useDelegationList(me, 'principal');
  const [shown, setShown] = useState<Shown>('all');
  const [history, setHistory] = useState<Record<string, Delegation[]>>({});
  const [revoking, setRevoking] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const toggleHistory = async (d: Delegation) => {
    const key = `${d.principal}/${d.id}`;
    if (history[key]) {
      const { [key]: _, ...rest } = history;
      setHistory(rest);
      return;
    }
    try {
      const r = await api<{ items: Delegation[] }>(
        'GET',
        `/v1/delegations/${encodeURIComponent(d.principal)}/${encodeURIComponent(d.id)}/history`,
      );
      setHistory({ ...history, [key]: r.items });
    } catch (e) {
      setError(e);
    }
  };

  const today = moscowToday();
  const visible = (items ?? []).filter((d) => isShown(shown, stateOf(d, today)));
  const { l } = useI18n();
  const types = (xs: string[]) => xs.map((x) => l(x)).join(', ');
  return (
    <section aria-labelledby="dlg-title">
      <h1 id="dlg-title">{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {canWrite && (
        <NewDelegation
          busy={busy}
          onCreate={(body) => act(() => api('POST', '/v1/delegations', body), t('createdOk'))}
        />
      )}
      <h2 id="dlg-given">{t('given')}</h2>
      <DelegationFilter shown={shown} onShown={setShown} onRefresh={() => void load()} />
      {notice && <p role="status">{notice}</p>}
      <ErrorBox error={error} />
      {items === undefined ? null : visible.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid" aria-labelledby="dlg-given">
          <thead>
            <tr>
              <th scope="col">{t('number')}</th>
              <th scope="col">{t('colAgent')}</th>
              <th scope="col">{t('colSends')}</th>
              <th scope="col">{t('receives')}</th>
              <th scope="col">{t('colScope')}</th>
              <th scope="col">{t('period')}</th>
              <th scope="col">{t('state')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((d) => {
              const key = `${d.principal}/${d.id}`;
              const state = stateOf(d, today);
              const trail = history[key];
              return (
                <Fragment key={key}>
                  <tr data-delegation={d.id}>
                    <DelegationCells d={d} other={d.agent} />
                    <td>
                      <DelegationStateBadge state={state} />
                      {d.revokedAt && (
                        <div className="muted">
                          {formatDateTime(d.revokedAt)}: «{d.revokeReason}»
                        </div>
                      )}
                    </td>
                    <td>
                      <button type="button" aria-expanded={!!trail} onClick={() => void toggleHistory(d)}>
                        {trail ? t('hideHistory') : t('history')}
                      </button>{' '}
                      {canWrite &&
                        d.status === 'ACTIVE' &&
                        (revoking === key ? (
                          <form
                            className="inline"
                            onSubmit={(e) => {
                              e.preventDefault();
                              void act(
                                () =>
                                  api('POST', `/v1/delegations/${encodeURIComponent(d.id)}/revoke`, {
                                    reason: reason.trim(),
                                  }),
                                t('revokedOk'),
                              ).then((ok) => {
                                if (ok) {
                                  setRevoking(undefined);
                                  setReason('');
                                }
                              });
                            }}
                          >
                            <label>
                              {t('reason')}
                              <input
                                required
                                maxLength={500}
                                value={reason}
                                onChange={(e) => setReason(e.target.value)}
                              />
                            </label>
                            <button type="submit" className="danger" disabled={busy || !reason.trim()}>
                              {t('confirmRevoke')}
                            </button>
                            <button type="button" onClick={() => setRevoking(undefined)}>
                              {t('cancel')}
                            </button>
                          </form>
                        ) : (
                          <button
                            type="button"
                            onClick={() => {
                              setRevoking(key);
                              setReason('');
                            }}
                          >
                            {t('revoke')}
                          </button>
                        ))}
                    </td>
                  </tr>
                  {trail && (
                    <tr className="trail">
                      <td colSpan={8}>
                        <strong>
                          {t('historyOf')} <span data-identifier="">{d.id}</span>
                        </strong>
                        <ol>
                          {trail.map((v) => (
                            <li key={`${v.txId}-${v.revokedTxId ?? ''}`}>
                              {v.revokedAt
                                ? `${formatDateTime(v.revokedAt)} — ${t('revokedAt')}: «${v.revokeReason ?? ''}»`
                                : `${formatDateTime(v.recordedAt)} — ${t('recorded')}: ${nameOf(participants, v.agent)}; ${t('sends')}: ${types(v.sends) || '—'}; ${t('receives')}: ${types(v.receives) || '—'}; ${formatDate(v.validFrom)} — ${v.validUntil ? formatDate(v.validUntil) : t('untilRevoked')}`}
                            </li>
                          ))}
                        </ol>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      <OnBehalf />
    </section>
  );
}

const EMPTY = {
  id: '',
  agent: '',
  sends: [] as string[],
  receives: [] as string[],
  programmes: '',
  policies: '',
  validFrom: '',
  validUntil: '',
};

type Faults = Partial<Record<'id' | 'types' | 'validFrom' | 'validUntil', DelegationTextKey>>;

/** The ledger's own rules for a delegation's terms (chaincode/src/delegation-contract.ts), said per field. */
function faultsOf(f: typeof EMPTY): Faults {
  const faults: Faults = {};
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(f.id.trim())) faults.id = 'idFault';
  if (f.sends.length + f.receives.length === 0) faults.types = 'typesFault';
  if (!iso.test(f.validFrom)) faults.validFrom = 'dateFault';
  if (f.validUntil && !iso.test(f.validUntil)) faults.validUntil = 'dateFault';
  else if (f.validUntil && iso.test(f.validFrom) && f.validUntil < f.validFrom)
    faults.validUntil = 'untilFault';
  return faults;
}

function NewDelegation({ busy, onCreate }: { busy: boolean; onCreate: (body: unknown) => Promise<boolean> }) {
  const t = useDelegationText();
  const { l } = useI18n();
  const agents = useParticipants().filter((p) => p.role === 'assistance');
  const [f, setF] = useState({ ...EMPTY, validFrom: moscowToday() });
  const [faults, setFaults] = useState<Faults>({});
  const toggle = (k: 'sends' | 'receives', type: string, on: boolean) =>
    setF({ ...f, [k]: on ? [...f[k], type] : f[k].filter((x) => x !== type) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // What the ledger would refuse is said at its field before sending, in words a person reads (the API's own
    // refusal of a pattern is generic); the chaincode still decides.
    const found = faultsOf(f);
    setFaults(found);
    if (Object.keys(found).length) return;
    const programmes = list(f.programmes);
    const policies = list(f.policies);
    const ok = await onCreate({
      id: f.id.trim(),
      agent: f.agent || agents[0]?.id || '',
      sends: f.sends,
      receives: f.receives,
      ...(programmes.length ? { programmes } : {}),
      ...(policies.length ? { policies } : {}),
      validFrom: f.validFrom,
      ...(f.validUntil ? { validUntil: f.validUntil } : {}),
    });
    // A recorded delegation leaves an empty form; a refused one stays for correction.
    if (ok) setF({ ...EMPTY, validFrom: moscowToday() });
  };
  const boxes = (k: 'sends' | 'receives', legend: DelegationTextKey, options: string[]) => (
    <fieldset
      className="checks"
      aria-invalid={!!faults.types}
      aria-describedby={faults.types ? 'dlg-types-error' : undefined}
    >
      <legend>{t(legend)}</legend>
      {options.map((type) => (
        <label key={type} className="check">
          <input
            type="checkbox"
            name={`${k}-${type}`}
            checked={f[k].includes(type)}
            onChange={(e) => toggle(k, type, e.target.checked)}
          />{' '}
          {l(type)}
        </label>
      ))}
    </fieldset>
  );
  return (
    <details className="panel">
      <summary>{t('newTitle')}</summary>
      {agents.length === 0 && <p className="muted">{t('noAgents')}</p>}
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('newId')}
          <input
            required
            maxLength={64}
            aria-invalid={!!faults.id}
            aria-describedby={faults.id ? 'dlg-id-error' : undefined}
            value={f.id}
            onChange={(e) => setF({ ...f, id: e.target.value })}
          />
          {faults.id && (
            <span className="field-error" id="dlg-id-error">
              {t(faults.id)}
            </span>
          )}
        </label>
        <label>
          {t('agent')}
          <select
            value={f.agent || agents[0]?.id || ''}
            onChange={(e) => setF({ ...f, agent: e.target.value })}
          >
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <DateInput
          name="dlg-validFrom"
          label={t('validFrom')}
          value={f.validFrom}
          passUnreadable
          error={faults.validFrom && t(faults.validFrom)}
          onChange={(v) => setF({ ...f, validFrom: v })}
        />
        <DateInput
          name="dlg-validUntil"
          label={t('validUntil')}
          value={f.validUntil}
          passUnreadable
          error={faults.validUntil && t(faults.validUntil)}
          onChange={(v) => setF({ ...f, validUntil: v })}
        />
        {boxes('sends', 'sendsLegend', SENDS)}
        {boxes('receives', 'receivesLegend', RECEIVES)}
        {faults.types && (
          <p className="field-error" id="dlg-types-error">
            {t(faults.types)}
          </p>
        )}
        <label>
          {t('programmesField')}
          <input value={f.programmes} onChange={(e) => setF({ ...f, programmes: e.target.value })} />
        </label>
        <label>
          {t('policiesField')}
          <input value={f.policies} onChange={(e) => setF({ ...f, policies: e.target.value })} />
        </label>
        <div>
          <button type="submit" className="primary" disabled={busy || agents.length === 0}>
            {t('create')}
          </button>
        </div>
      </form>
    </details>
  );
}

interface Envelope {
  messageId: string;
  sender: string;
  addressee: string;
  documentType: string;
  status: string;
  sentAt?: string;
  onBehalfOf?: string;
}

/** What assistance companies sent or received in this insurer's name: envelopes only, the content stays sealed. */
function OnBehalf() {
  const t = useDelegationText();
  const { l } = useI18n();
  const participants = useParticipants();
  const [items, setItems] = useState<Envelope[] | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const page = useCallback(async (c?: string) => {
    try {
      const r = await api<{ items: Envelope[]; nextCursor?: string }>(
        'GET',
        `/v1/on-behalf${queryString({ pageSize: 100, cursor: c })}`,
      );
      setItems((old) => (c ? [...(old ?? []), ...r.items] : r.items));
      setCursor(r.nextCursor);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void page();
  }, [page]);
  return (
    <section aria-labelledby="dlg-behalf">
      <h2 id="dlg-behalf">{t('onBehalfTitle')}</h2>
      <p className="muted">{t('onBehalfIntro')}</p>
      <p>
        <button type="button" onClick={() => void page()}>
          {t('refresh')}
        </button>
      </p>
      <ErrorBox error={error} />
      {items === undefined ? null : items.length === 0 ? (
        <p>{t('onBehalfNothing')}</p>
      ) : (
        <table className="grid" aria-labelledby="dlg-behalf">
          <thead>
            <tr>
              <th scope="col">{t('sentAt')}</th>
              <th scope="col">{t('docType')}</th>
              <th scope="col">{t('sender')}</th>
              <th scope="col">{t('addressee')}</th>
              <th scope="col">{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {[...items]
              .sort((a, b) => (b.sentAt ?? '').localeCompare(a.sentAt ?? ''))
              .map((e) => (
                <tr key={e.messageId} data-id={e.messageId}>
                  <td className="nowrap">{formatDateTime(e.sentAt)}</td>
                  <td>{l(e.documentType)}</td>
                  <td>{nameOf(participants, e.sender)}</td>
                  <td>{nameOf(participants, e.addressee)}</td>
                  <td>
                    <span className={`status s-${e.status}`}>{l(shownStatus(e.status, undefined))}</span>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void page(cursor)}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
