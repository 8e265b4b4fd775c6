// Small shared pieces: the error box, the participant names, the hash route.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiFailure, type FieldError } from './api';
import { useI18n } from './i18n';
import { errorText, fieldText, sortedFieldErrors } from './messages';

export function ErrorBox({ error }: { error: unknown }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  const e = error instanceof ApiFailure ? error : undefined;
  const forbidden = e?.status === 403 && e.code === 'FORBIDDEN_ROLE';
  return (
    <div role="alert" className="alert error" data-code={e?.code}>
      <strong>{forbidden ? t('forbidden') : t('error')}</strong>{' '}
      {e ? (
        !forbidden && <span>{errorText(e.code, e.message, lang)}</span>
      ) : (
        // Not the API's answer: the browser could not reach the gateway at all.
        <span>{t('unreachable')}</span>
      )}
      {e && e.errors.length > 0 && <FieldErrors errors={e.errors} />}
    </div>
  );
}

/**
 * One user action at a time: `run` ignores a call while the previous one is still running (a double click arrives
 * before React has re-rendered the button disabled), and `busy` disables the buttons meanwhile.
 */
export function useAction(): { busy: boolean; run: (fn: () => Promise<unknown>) => Promise<void> } {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await fn();
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, run };
}

/** Each field error at its row and field, in row order; the pointer and code stay in the markup for support. */
export function FieldErrors({ errors }: { errors: FieldError[] }) {
  const { lang } = useI18n();
  return (
    <ul className="field-errors">
      {sortedFieldErrors(errors)
        .slice(0, 50)
        .map((x, i) => (
          <li key={i} data-pointer={x.pointer} data-code={x.code}>
            {fieldText(x, lang)}
          </li>
        ))}
    </ul>
  );
}

export interface Participant {
  id: string;
  role: string;
  name: string;
}

let directory: Promise<Participant[]> | undefined;

/** The directory, read once per page load (participants change rarely). */
export function useParticipants(): Participant[] {
  const [list, setList] = useState<Participant[]>([]);
  useEffect(() => {
    directory ??= api<{ items: Participant[] }>('GET', '/v1/participants?limit=500').then((r) => r.items);
    directory.then(setList).catch(() => (directory = undefined));
  }, []);
  return list;
}

export function nameOf(list: Participant[], id: string | undefined): string {
  if (!id) return '';
  return list.find((p) => p.id === id)?.name ?? id;
}

/**
 * The other party of a document, when an assistance company acted for an insurer (decision record 0055): received,
 * the sender acted — «АО «Ассистанс» по поручению АО «СК …»»; sent, the addressee acted when it is an assistance
 * company (an invoice for a delegated case), otherwise this node acted and the insurer follows in brackets.
 */
export function counterpartName(
  list: Participant[],
  received: boolean,
  other: string | undefined,
  principal: string | undefined,
  by: string,
): string {
  if (!principal) return nameOf(list, other);
  const acted = received || list.find((p) => p.id === other)?.role === 'assistance';
  return acted
    ? `${nameOf(list, other)} ${by} ${nameOf(list, principal)}`
    : `${nameOf(list, other)} (${by} ${nameOf(list, principal)})`;
}

export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A date typed as Russians write it (дд.мм.гггг), whatever the browser's own locale; the value is ISO. */
export function DateInput({
  label,
  value,
  onChange,
  name,
  passUnreadable,
  error,
}: {
  label: string;
  value: string;
  onChange: (iso: string) => void;
  name?: string;
  /**
   * Hand up what was typed when it is not a date, for the API to refuse at the field (a query that dropped it
   * silently answered about someone else's question); otherwise the last readable date stays.
   */
  passUnreadable?: boolean;
  /** The API's word on this field, shown under it. */
  error?: string;
}) {
  const show = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.split('-').reverse().join('.') : '');
  const [text, setText] = useState(show(value));
  useEffect(() => {
    setText((t) => (toIso(t) === value || (passUnreadable && t.trim() === value) ? t : show(value)));
  }, [value, passUnreadable]);
  const bad = text !== '' && toIso(text) === undefined;
  const errorId = name ? `${name}-error` : undefined;
  return (
    <label>
      {label}
      <input
        name={name}
        inputMode="numeric"
        placeholder="дд.мм.гггг"
        size={10}
        aria-invalid={bad || !!error}
        aria-describedby={error ? errorId : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const iso = toIso(e.target.value);
          if (iso !== undefined || e.target.value === '') onChange(iso ?? '');
          else if (passUnreadable) onChange(e.target.value.trim());
        }}
      />
      {error && (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      )}
    </label>
  );
}

function toIso(text: string): string | undefined {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  const d = new Date(iso + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined;
}

/**
 * The status people read: the ledger says REJECTED for a refusal, a disputed act and a contested price list alike;
 * the reply's (or this node's) decision tells them apart, so an act reads «оспорен», not «отклонён».
 */
export function shownStatus(
  status: string,
  record: { decision?: string; reply?: { decision: string } } | undefined,
): string {
  if (status !== 'REJECTED') return status;
  const d = record?.decision ?? record?.reply?.decision;
  return d === 'DISPUTED' || d === 'CONTESTED' ? d : status;
}
