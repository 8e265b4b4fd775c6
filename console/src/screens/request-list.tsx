// What the deadline-ordered request screens share (care requests, decision record 0047; guarantee-letter requests,
// 0054): the list loaded from the gateway with its steps, the table nearest deadline first with the late ones marked,
// the patient's cell and fields, the urgency, and for an assistance company the insurer it acts for (0055). Each
// screen keeps its own columns, steps and words.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, queryString, type Me } from '../api';
import { DateInput, ErrorBox, nameOf, useParticipants } from '../common';
import type { Delegation } from '../../../formats/src/delegation.js';
import { formatDateTime } from '../format';
import { moscowToday, stateOf } from './delegation-parts';
import { useRequestText } from './request-text';
import { useSteps } from './steps';

export type { Act } from './steps';

/**
 * The requests at `path` filtered by `query`, with a step runner that says what was done or what went wrong, then
 * reloads the list (a step changes the deadline order).
 */
export function useRequestList<T>(
  path: string,
  query: Record<string, string | undefined>,
  doneByDefault = '',
) {
  const [items, setItems] = useState<T[] | undefined>();
  const { error, setError, notice, busy, act, reload } = useSteps(doneByDefault);
  const q = queryString(query);
  const load = useCallback(async () => {
    try {
      setItems((await api<{ items: T[] }>('GET', `${path}${q}`)).items);
    } catch (e) {
      setError(e);
    }
  }, [path, q, setError]);
  reload.current = load;
  useEffect(() => {
    void load();
  }, [load]);
  return { items, error, notice, busy, load, act };
}

/** The list's filters: open requests only (and, where the screen has it, late ones only), and a refresh. */
export function RequestFilters({
  open,
  onOpen,
  openLabel,
  overdue,
  onRefresh,
}: {
  open: boolean;
  onOpen: (v: boolean) => void;
  openLabel: string;
  overdue?: { checked: boolean; onChange: (v: boolean) => void; label: string };
  onRefresh: () => void;
}) {
  const t = useRequestText();
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()}>
      <label className="check">
        <input type="checkbox" checked={open} onChange={(e) => onOpen(e.target.checked)} /> {openLabel}
      </label>
      {overdue && (
        <label className="check">
          <input
            type="checkbox"
            checked={overdue.checked}
            onChange={(e) => overdue.onChange(e.target.checked)}
          />{' '}
          {overdue.label}
        </label>
      )}
      <button type="button" onClick={onRefresh}>
        {t('refresh')}
      </button>
    </form>
  );
}

export interface RequestColumn<T> {
  header: string;
  cell: (item: T) => ReactNode;
}

/**
 * The requests as a table, nearest deadline first (the gateway's order): the first column is the deadline, marked
 * when it has passed, then the screen's own columns, then its steps.
 */
export function DeadlineTable<T extends { overdue?: boolean }>({
  title,
  items,
  nothing,
  rowKey,
  deadlineHeader,
  deadline,
  deadlineHint,
  columns,
  actions,
}: {
  title: string;
  items: T[];
  nothing: string;
  rowKey: (item: T) => string;
  deadlineHeader: string;
  deadline: (item: T) => string;
  deadlineHint?: (item: T) => ReactNode;
  columns: Array<RequestColumn<T>>;
  actions?: (item: T) => ReactNode;
}) {
  const t = useRequestText();
  if (items.length === 0) return <p>{nothing}</p>;
  return (
    <table className="grid">
      <caption className="sr-only">{title}</caption>
      <thead>
        <tr>
          <th scope="col">{deadlineHeader}</th>
          {columns.map((c) => (
            <th key={c.header} scope="col">
              {c.header}
            </th>
          ))}
          {actions && <th scope="col">{t('actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={rowKey(item)} className={item.overdue ? 'overdue' : undefined}>
            <td>
              {formatDateTime(deadline(item))}
              {item.overdue && (
                <>
                  {' '}
                  <strong className="status s-REJECTED">{t('overdue')}</strong>
                </>
              )}
              {deadlineHint?.(item)}
            </td>
            {columns.map((c) => (
              <td key={c.header}>{c.cell(item)}</td>
            ))}
            {actions && <td>{actions(item)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface RequestPatient {
  lastName: string;
  firstName: string;
  middleName?: string;
  policyNumber: string;
}

/** The patient's full name with the policy under it. */
export function PatientCell({ patient }: { patient: RequestPatient }) {
  return (
    <>
      {[patient.lastName, patient.firstName, patient.middleName].filter(Boolean).join(' ')}
      <div className="hint">{patient.policyNumber}</div>
    </>
  );
}

/** The fields of a new request's patient, as the forms keep them (flat, as typed). */
export interface PatientForm {
  lastName: string;
  firstName: string;
  middleName: string;
  birthDate: string;
  sex: string;
  policyNumber: string;
}

/** The patient's fields of a new-request form; `prefix` names them apart from the other form on the page. */
export function PatientFields<F extends PatientForm>({
  f,
  onChange,
  prefix,
}: {
  f: F;
  onChange: (f: F) => void;
  prefix: string;
}) {
  const t = useRequestText();
  const field = (k: 'lastName' | 'firstName' | 'middleName' | 'policyNumber', required = true) => (
    <label>
      {t(k === 'policyNumber' ? 'policy' : k)}
      <input
        name={`${prefix}-${k}`}
        required={required}
        value={f[k]}
        onChange={(e) => onChange({ ...f, [k]: e.target.value })}
      />
    </label>
  );
  return (
    <>
      {field('lastName')}
      {field('firstName')}
      {field('middleName', false)}
      {/* Dates are typed as people write them here (дд.мм.гггг), whatever the browser's date picker speaks. */}
      <DateInput
        name={`${prefix}-birthDate`}
        label={t('birthDate')}
        value={f.birthDate}
        onChange={(v) => onChange({ ...f, birthDate: v })}
      />
      <label>
        {t('sex')}
        <select
          name={`${prefix}-sex`}
          value={f.sex}
          onChange={(e) => onChange({ ...f, sex: e.target.value })}
        >
          <option value="F">Ж</option>
          <option value="M">М</option>
        </select>
      </label>
      {field('policyNumber')}
    </>
  );
}

/**
 * A new-request form's state, kept flat as typed, with its text fields and dates named `prefix`-field and labelled in
 * the screen's words (`t`).
 */
export function useRequestForm<F extends PatientForm & Record<string, string | boolean>, L extends string>(
  initial: F,
  prefix: string,
  t: (k: L) => string,
) {
  const [f, setF] = useState<F>(initial);
  const set = (k: keyof F) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const field = (k: keyof F & string, label: L, required = true) => (
    <label>
      {t(label)}
      <input name={`${prefix}-${k}`} required={required} value={String(f[k])} onChange={set(k)} />
    </label>
  );
  // Dates are typed as people write them here (дд.мм.гггг), whatever the browser's date picker speaks.
  const date = (k: keyof F & string, label: L) => (
    <DateInput
      name={`${prefix}-${k}`}
      label={t(label)}
      value={String(f[k])}
      onChange={(v) => setF({ ...f, [k]: v })}
    />
  );
  return { f, setF, set, field, date };
}

/** The patient of a request as the gateway takes it, from the form's flat fields. */
export const patientOf = (f: PatientForm) => ({
  lastName: f.lastName,
  firstName: f.firstName,
  ...(f.middleName ? { middleName: f.middleName } : {}),
  birthDate: f.birthDate,
  sex: f.sex,
  policyNumber: f.policyNumber,
});

export const EMPTY_PATIENT: PatientForm = {
  lastName: '',
  firstName: '',
  middleName: '',
  birthDate: '',
  sex: 'F',
  policyNumber: '',
};

export function UrgencySelect({
  value,
  onChange,
  name,
}: {
  value: string;
  onChange: (v: string) => void;
  name: string;
}) {
  const t = useRequestText();
  return (
    <label>
      {t('urgency')}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="emergency">{t('emergency')}</option>
        <option value="urgent">{t('urgent')}</option>
        <option value="planned">{t('planned')}</option>
      </select>
    </label>
  );
}

/**
 * The insurers an assistance company may send `documentType` for today: those whose delegation to it is in force and
 * covers the type (the ledger checks again when it is sent). Empty for anyone else.
 */
export function usePrincipals(me: Me, documentType: string): string[] {
  const [principals, setPrincipals] = useState<string[]>([]);
  const agent = me.participantRole === 'assistance';
  useEffect(() => {
    if (!agent) return;
    api<{ items: Delegation[] }>('GET', `/v1/delegations${queryString({ inForce: 'true' })}`)
      .then((r) => {
        const today = moscowToday();
        const ok = r.items.filter(
          (d) =>
            d.agent === me.participantId && d.sends.includes(documentType) && stateOf(d, today) === 'inForce',
        );
        setPrincipals([...new Set(ok.map((d) => d.principal))]);
      })
      // Without its delegations the company sends in its own name only; the form still works.
      .catch(() => setPrincipals([]));
  }, [agent, me.participantId, documentType]);
  return principals;
}

/**
 * «По поручению»: the insurer an assistance company acts for, or its own name (empty value); shown only when it holds
 * a delegation covering the type.
 */
export function OnBehalfSelect({
  principals,
  value,
  onChange,
  name,
}: {
  principals: string[];
  value: string;
  onChange: (v: string) => void;
  name: string;
}) {
  const t = useRequestText();
  const participants = useParticipants();
  if (principals.length === 0) return null;
  return (
    <label>
      {t('onBehalfOf')}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('ownName')}</option>
        {principals.map((p) => (
          <option key={p} value={p}>
            {nameOf(participants, p)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The notice and the error of the last step, under the filters. */
export function StepResult({ notice, error }: { notice: string; error: unknown }) {
  return (
    <>
      {notice && <p role="status">{notice}</p>}
      <ErrorBox error={error} />
    </>
  );
}
