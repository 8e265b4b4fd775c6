// The association's directory: who is in the network, a newcomer registered from the file its node wrote
// (`dmsnet-node registration`), checked and shown before it is signed onto the ledger, a member suspended or resumed
// after a confirmation that names it, and the voting rules of the format registry. The gateway submits with the
// association's ledger identity; the chaincode and the role table decide who may.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiFailure, type Me } from '../api';
import { ErrorBox, useAction } from '../common';
import { useI18n, type Lang } from '../i18n';

interface Entry {
  id: string;
  role: string;
  name: string;
  status: string;
  inn?: string;
  keys?: Array<{ version: number }>;
  identities?: Array<{ mspId: string; kind: string }>;
}
interface Registration {
  id?: unknown;
  role?: unknown;
  name?: unknown;
  inn?: unknown;
  identities?: Array<{ mspId?: unknown; kind?: unknown; certificate?: unknown }>;
  keys?: { x25519?: unknown; ed25519?: unknown };
}
interface Rules {
  voterRoles: string[];
  quorum: number;
}

const ROLES = ['insurer', 'clinic', 'assistance', 'association'] as const;
const REGISTRATION_COMMAND = 'dmsnet-node registration';

// The screen's own words, kept beside it: no other screen says them.
const TEXT = {
  ru: {
    title: 'Участники сети',
    search: 'Поиск по названию или ОГРН',
    role: 'Роль',
    allRoles: 'все роли',
    allStatuses: 'все состояния',
    status: 'Состояние',
    name: 'Название',
    identity: 'Идентификатор в реестре',
    keyVersion: 'Версия ключей',
    actions: 'Действия',
    suspend: 'Приостановить',
    resume: 'Возобновить',
    suspendAsk: 'Приостановить участника',
    resumeAsk: 'Возобновить участника',
    suspendHint: 'Он не сможет отправлять документы и принимать решения, пока участие не возобновят.',
    confirm: 'Подтвердить',
    cancel: 'Отмена',
    suspended: 'Участие приостановлено',
    resumed: 'Участие возобновлено',
    register: 'Регистрация нового участника',
    registerHint: 'Файл заявки пишет узел участника командой',
    registerHintAfter: 'в нём нет секретов, только открытые ключи и сертификат.',
    chooseFile: 'Выбрать файл заявки',
    noFile: 'файл не выбран',
    fileUnreadable: 'Файл не читается как заявка на регистрацию.',
    preview: 'Заявка',
    ogrn: 'ОГРН',
    inn: 'ИНН',
    keys: 'Открытые ключи',
    present: 'есть',
    absent: 'нет',
    byCertificate: 'по своему сертификату',
    byAttribute: 'по атрибуту в сертификате организации-хоста',
    registerAsk: 'Зарегистрировать в справочнике сети',
    registerButton: 'Зарегистрировать',
    registered: 'Участник зарегистрирован',
    rules: 'Правила голосования о форматах',
    voters: 'Голосуют',
    quorum: 'Кворум, доля голосов «за»',
    saveRules: 'Сохранить правила',
    rulesSaved: 'Правила сохранены',
    quorumInvalid: 'Кворум — число больше 0 и не больше 1, например 0,5.',
    votersRequired: 'Выберите хотя бы одну роль.',
    loading: 'Загрузка…',
    none: 'Никого не найдено.',
    shown: 'Показано',
    of: 'из',
    ACTIVE: 'действует',
    SUSPENDED: 'приостановлен',
    REVOKED: 'исключён',
  },
  en: {
    title: 'Network participants',
    search: 'Search by name or OGRN',
    role: 'Role',
    allRoles: 'all roles',
    allStatuses: 'all states',
    status: 'State',
    name: 'Name',
    identity: 'Ledger identity',
    keyVersion: 'Key version',
    actions: 'Actions',
    suspend: 'Suspend',
    resume: 'Resume',
    suspendAsk: 'Suspend the participant',
    resumeAsk: 'Resume the participant',
    suspendHint: 'It cannot send documents or decide until it is resumed.',
    confirm: 'Confirm',
    cancel: 'Cancel',
    suspended: 'Participation suspended',
    resumed: 'Participation resumed',
    register: 'Register a new participant',
    registerHint: "The request file is written by the participant's node with",
    registerHintAfter: 'it holds no secrets, only public keys and the certificate.',
    chooseFile: 'Choose the request file',
    noFile: 'no file chosen',
    fileUnreadable: 'The file is not a registration request.',
    preview: 'Request',
    ogrn: 'OGRN',
    inn: 'INN',
    keys: 'Public keys',
    present: 'present',
    absent: 'missing',
    byCertificate: 'by its own certificate',
    byAttribute: "by an attribute in the host organisation's certificate",
    registerAsk: "Register in the network's directory",
    registerButton: 'Register',
    registered: 'Participant registered',
    rules: 'Format voting rules',
    voters: 'Who votes',
    quorum: 'Quorum, share of "yes" votes',
    saveRules: 'Save the rules',
    rulesSaved: 'Rules saved',
    quorumInvalid: 'The quorum is a number above 0 and at most 1, e.g. 0.5.',
    votersRequired: 'Choose at least one role.',
    loading: 'Loading…',
    none: 'Nobody found.',
    shown: 'Shown',
    of: 'of',
    ACTIVE: 'active',
    SUSPENDED: 'suspended',
    REVOKED: 'removed',
  },
} satisfies Record<Lang, Record<string, string>>;

type Word = keyof (typeof TEXT)['ru'];

export function Participants({ me }: { me: Me }) {
  const { lang, l } = useI18n();
  const w = (k: Word) => TEXT[lang][k];
  const canChange = me.operations.includes('directory');
  const [entries, setEntries] = useState<Entry[] | undefined>();
  const [filter, setFilter] = useState({ text: '', role: '', status: '' });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const [asking, setAsking] = useState<{ entry: Entry; to: 'suspend' | 'resume' } | undefined>();
  const [request, setRequest] = useState<{ file: string; body?: Registration; unreadable?: boolean }>();
  const [confirmRegister, setConfirmRegister] = useState(false);
  const { busy, run } = useAction();

  const reload = useCallback(async () => {
    const r = await api<{ items: Entry[] }>('GET', '/v1/participants?limit=500');
    r.items.sort((a, b) => a.name.localeCompare(b.name, 'ru'));
    setEntries(r.items);
  }, []);
  useEffect(() => {
    reload().catch(setError);
  }, [reload]);

  const shown = useMemo(() => {
    const text = filter.text.trim().toLocaleLowerCase('ru');
    return (entries ?? []).filter(
      (e) =>
        (!filter.role || e.role === filter.role) &&
        (!filter.status || e.status === filter.status) &&
        (!text || e.name.toLocaleLowerCase('ru').includes(text) || e.id.includes(text)),
    );
  }, [entries, filter]);

  const changeStatus = async (entry: Entry, to: 'suspend' | 'resume') => {
    setError(undefined);
    setDone('');
    setAsking(undefined);
    try {
      await api('POST', `/v1/governance/participants/${encodeURIComponent(entry.id)}/${to}`, {});
      setDone(`${to === 'suspend' ? w('suspended') : w('resumed')}: ${entry.name}`);
      await reload();
    } catch (err) {
      setError(err);
    }
  };

  const register = async () => {
    if (!request?.body) return;
    setError(undefined);
    setDone('');
    setConfirmRegister(false);
    try {
      await api('POST', '/v1/governance/participants', request.body);
      setDone(`${w('registered')}: ${String(request.body.name)} (${w('ogrn')} ${String(request.body.id)})`);
      setRequest(undefined);
      await reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="participants-title">
      <h1 id="participants-title">{w('title')}</h1>
      <ErrorBox error={error} />
      {done && (
        <p role="status" className="alert ok">
          {done}
        </p>
      )}
      <form className="filters" aria-label={w('search')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {w('search')}
          <input
            name="search"
            type="search"
            value={filter.text}
            onChange={(e) => setFilter({ ...filter, text: e.target.value })}
          />
        </label>
        <label>
          {w('role')}
          <select
            name="role"
            value={filter.role}
            onChange={(e) => setFilter({ ...filter, role: e.target.value })}
          >
            <option value="">{w('allRoles')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {l(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w('status')}
          <select
            name="status"
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: e.target.value })}
          >
            <option value="">{w('allStatuses')}</option>
            {(['ACTIVE', 'SUSPENDED'] as const).map((s) => (
              <option key={s} value={s}>
                {w(s)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {entries === undefined ? (
        <p>{w('loading')}</p>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {w('shown')} {shown.length} {w('of')} {entries.length}
          </p>
          {shown.length === 0 ? (
            <p>{w('none')}</p>
          ) : (
            <table className="grid">
              <caption className="sr-only">{w('title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{w('name')}</th>
                  <th scope="col">{w('ogrn')}</th>
                  <th scope="col">{w('role')}</th>
                  <th scope="col">{w('status')}</th>
                  <th scope="col">{w('identity')}</th>
                  <th scope="col" className="num">
                    {w('keyVersion')}
                  </th>
                  {canChange && <th scope="col">{w('actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => {
                  const to = e.status === 'SUSPENDED' ? 'resume' : 'suspend';
                  const self = e.id === me.participantId;
                  return (
                    <tr key={e.id} data-participant={e.id} data-status={e.status}>
                      <td>{e.name}</td>
                      <td>{e.id}</td>
                      <td>{l(e.role)}</td>
                      <td>
                        <span className={`status s-${e.status}`}>{w(e.status as Word) ?? e.status}</span>
                      </td>
                      <td>
                        <code data-identifier="">{(e.identities ?? []).map((i) => i.mspId).join(', ')}</code>
                      </td>
                      <td className="num">{Math.max(0, ...(e.keys ?? []).map((k) => k.version))}</td>
                      {canChange && (
                        <td>
                          {asking?.entry.id === e.id ? (
                            <span className="inline confirm" role="group" aria-label={w(`${to}Ask`)}>
                              <span>
                                {w(`${to}Ask`)} «{e.name}»?
                                {to === 'suspend' ? ` ${w('suspendHint')}` : ''}
                              </span>
                              <button
                                type="button"
                                className={to === 'suspend' ? 'danger' : 'primary'}
                                disabled={busy}
                                onClick={() => void run(() => changeStatus(e, to))}
                              >
                                {w('confirm')}
                              </button>
                              <button type="button" onClick={() => setAsking(undefined)}>
                                {w('cancel')}
                              </button>
                            </span>
                          ) : (
                            !self && (
                              <button
                                type="button"
                                className={to === 'suspend' ? 'danger' : undefined}
                                aria-label={`${w(to)}: ${e.name}`}
                                disabled={busy}
                                onClick={() => setAsking({ entry: e, to })}
                              >
                                {w(to)}
                              </button>
                            )
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
      {canChange && (
        <RegisterForm
          w={w}
          request={request}
          busy={busy}
          confirming={confirmRegister}
          onFile={(file, text) => {
            setError(undefined);
            setDone('');
            setConfirmRegister(false);
            setRequest(readRegistration(file, text));
          }}
          onAsk={() => setConfirmRegister(true)}
          onCancel={() => setConfirmRegister(false)}
          onRegister={() => void run(() => register())}
        />
      )}
      <RulesForm w={w} canChange={canChange} busy={busy} run={run} onError={setError} onDone={setDone} />
    </section>
  );
}

function readRegistration(
  file: string,
  text: string,
): { file: string; body?: Registration; unreadable?: boolean } {
  try {
    const body = JSON.parse(text) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { file, unreadable: true };
    return { file, body: body as Registration };
  } catch {
    return { file, unreadable: true };
  }
}

function RegisterForm(p: {
  w: (k: Word) => string;
  request?: { file: string; body?: Registration; unreadable?: boolean };
  busy: boolean;
  confirming: boolean;
  onFile: (file: string, text: string) => void;
  onAsk: () => void;
  onCancel: () => void;
  onRegister: () => void;
}) {
  const { l } = useI18n();
  const { w, request } = p;
  const b = request?.body;
  const show = (v: unknown) => (typeof v === 'string' && v ? v : '—');
  return (
    <section aria-labelledby="register-title">
      <h2 id="register-title">{w('register')}</h2>
      <p className="muted">
        {w('registerHint')} <code data-identifier="">{REGISTRATION_COMMAND}</code>: {w('registerHintAfter')}
      </p>
      <label className="file-picker">
        {w('chooseFile')}
        <input
          name="registrationFile"
          type="file"
          accept=".json,application/json"
          aria-describedby="registration-file-name"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void f.text().then((text) => p.onFile(f.name, text));
          }}
        />
        <span className="pick">
          <span className="button" aria-hidden="true">
            {w('chooseFile')}
          </span>
          <span id="registration-file-name" className="name">
            {request?.file || w('noFile')}
          </span>
        </span>
      </label>
      {request?.unreadable && (
        <p role="alert" className="alert error">
          {w('fileUnreadable')}
        </p>
      )}
      {b && (
        <>
          <h3>{w('preview')}</h3>
          <dl className="summary" aria-label={w('preview')}>
            <dt>{w('name')}</dt>
            <dd>{show(b.name)}</dd>
            <dt>{w('ogrn')}</dt>
            <dd>{show(b.id)}</dd>
            <dt>{w('inn')}</dt>
            <dd>{show(b.inn)}</dd>
            <dt>{w('role')}</dt>
            <dd>{typeof b.role === 'string' ? l(b.role) : '—'}</dd>
            <dt>{w('identity')}</dt>
            <dd>
              {(b.identities ?? []).map((i, n) => (
                <span key={n}>
                  {n > 0 && '; '}
                  <code data-identifier="">{show(i.mspId)}</code>,{' '}
                  {i.kind === 'attribute' ? w('byAttribute') : w('byCertificate')}
                </span>
              ))}
            </dd>
            <dt>{w('keys')}</dt>
            <dd>{b.keys?.x25519 && b.keys.ed25519 ? w('present') : w('absent')}</dd>
          </dl>
          {p.confirming ? (
            <span className="inline confirm" role="group" aria-label={w('registerAsk')}>
              <span>
                {w('registerAsk')}: «{show(b.name)}», {w('ogrn')} {show(b.id)}?
              </span>
              <button type="button" className="primary" disabled={p.busy} onClick={p.onRegister}>
                {w('confirm')}
              </button>
              <button type="button" onClick={p.onCancel}>
                {w('cancel')}
              </button>
            </span>
          ) : (
            <button type="button" className="primary" disabled={p.busy} onClick={p.onAsk}>
              {w('registerButton')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function RulesForm(p: {
  w: (k: Word) => string;
  canChange: boolean;
  busy: boolean;
  run: (fn: () => Promise<unknown>) => Promise<void>;
  onError: (e: unknown) => void;
  onDone: (s: string) => void;
}) {
  const { l, lang } = useI18n();
  const { w } = p;
  const [draft, setDraft] = useState<{ voters: string[]; quorum: string }>({ voters: [], quorum: '' });
  const [errors, setErrors] = useState<{ voters?: string; quorum?: string }>({});
  const decimal = (n: number) => (lang === 'ru' ? String(n).replace('.', ',') : String(n));
  useEffect(() => {
    api<Rules | null>('GET', '/v1/governance/rules')
      .then((r) => {
        if (!r) return;
        setDraft({ voters: r.voterRoles, quorum: decimal(r.quorum) });
      })
      // Until the association sets them there are no rules: an empty form, not an error.
      .catch((err: unknown) => {
        if (!(err instanceof ApiFailure && err.code === 'RULES_NOT_SET')) p.onError(err);
      });
    // Read once; the form keeps what the person types.
  }, []);
  const save = async () => {
    const quorum = Number(draft.quorum.replace(',', '.'));
    const errs: typeof errors = {};
    if (!draft.voters.length) errs.voters = w('votersRequired');
    if (!(quorum > 0 && quorum <= 1)) errs.quorum = w('quorumInvalid');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      await api('PUT', '/v1/governance/rules', { voterRoles: draft.voters, quorum });
      p.onDone(w('rulesSaved'));
    } catch (err) {
      if (err instanceof ApiFailure) {
        const at: typeof errors = {};
        for (const x of err.errors) {
          if (x.pointer.startsWith('/body/quorum')) at.quorum = x.message;
          if (x.pointer.startsWith('/body/voterRoles')) at.voters = x.message;
        }
        setErrors(at);
      }
      p.onError(err);
    }
  };
  return (
    <form
      className="filters"
      aria-labelledby="rules-title"
      onSubmit={(e) => {
        e.preventDefault();
        void p.run(() => save());
      }}
    >
      <h2 id="rules-title">{w('rules')}</h2>
      <fieldset
        className="checks"
        disabled={!p.canChange}
        aria-describedby={errors.voters ? 'voters-error' : undefined}
      >
        <legend>{w('voters')}</legend>
        {ROLES.map((r) => (
          <label key={r}>
            <input
              type="checkbox"
              name="voter"
              value={r}
              checked={draft.voters.includes(r)}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  voters: e.target.checked ? [...draft.voters, r] : draft.voters.filter((x) => x !== r),
                })
              }
            />
            {l(r)}
          </label>
        ))}
        {errors.voters && (
          <span className="field-error" id="voters-error">
            {errors.voters}
          </span>
        )}
      </fieldset>
      <label>
        {w('quorum')}
        <input
          name="quorum"
          size={5}
          inputMode="decimal"
          disabled={!p.canChange}
          value={draft.quorum}
          aria-invalid={!!errors.quorum}
          aria-describedby={errors.quorum ? 'quorum-error' : undefined}
          onChange={(e) => setDraft({ ...draft, quorum: e.target.value })}
        />
        {errors.quorum && (
          <span className="field-error" id="quorum-error">
            {errors.quorum}
          </span>
        )}
      </label>
      {p.canChange && (
        <button type="submit" className="primary" disabled={p.busy}>
          {w('saveRules')}
        </button>
      )}
    </form>
  );
}
