// The format registry: proposals with their votes and effective dates, what a proposal changes against the active
// version (breaking or compatible), a new version proposed from a JSON Schema file, and the vote of a member whose
// role votes, asked once more before it is cast (a vote cannot be taken back).
import { useCallback, useEffect, useState } from 'react';
import { api, ApiFailure, type Me } from '../api';
import { DateInput, ErrorBox, useParticipants, useAction } from '../common';
import { formatDate } from '../format';
import { FIELD_NAMES_RU } from '../../../formats/src/field-places.js';
import { useI18n } from '../i18n';

interface Proposal {
  type: string;
  version: string;
  state?: string;
  active?: boolean;
  effectiveFrom?: string;
  votes?: Record<string, string>;
}
interface Diff {
  type: string;
  version: string;
  against?: string;
  breaking: boolean;
  changes: Array<{ pointer: string; kind: 'breaking' | 'compatible'; rule: string; message: string }>;
}

/** The diff's rules in Russian; the gateway's message (in English) stays beside, it names the field or values. */
const RULE_RU: Record<string, string> = {
  REQUIRED_ADDED: 'поле стало обязательным',
  REQUIRED_REMOVED: 'поле стало необязательным',
  PROPERTY_ADDED: 'добавлено необязательное поле',
  PROPERTY_REMOVED: 'поле удалено',
  TYPE_NARROWED: 'тип значения сужен',
  TYPE_WIDENED: 'тип значения расширен',
  ENUM_ADDED: 'значения ограничены списком',
  ENUM_SHRUNK: 'из списка значений удалены',
  ENUM_WIDENED: 'в список значений добавлены',
  PATTERN_CHANGED: 'изменён шаблон значения',
  PATTERN_REMOVED: 'шаблон значения снят',
  BOUND_TIGHTENED: 'ограничение ужесточено',
  BOUND_RELAXED: 'ограничение ослаблено',
  CLOSED: 'неизвестные поля теперь запрещены',
  DEFINITION_REMOVED: 'определение удалено',
};

const path = (p: { type: string; version: string }) =>
  `/v1/governance/proposals/${encodeURIComponent(p.type)}/${encodeURIComponent(p.version)}`;

export function Formats({ me }: { me: Me }) {
  const { t, l, lang } = useI18n();
  const participants = useParticipants();
  const [proposals, setProposals] = useState<Proposal[] | undefined>();
  const [chosen, setChosen] = useState<Proposal | undefined>();
  const [diff, setDiff] = useState<Diff | undefined>();
  const [error, setError] = useState<unknown>();
  const { busy, run } = useAction();
  const [done, setDone] = useState('');
  const canVote = me.operations.includes('governance');
  const [asking, setAsking] = useState<{ p: Proposal; choice: 'yes' | 'no' } | undefined>();
  const [draft, setDraft] = useState({ type: '', version: '', effectiveFrom: '', schemaText: '', file: '' });
  const [draftErrors, setDraftErrors] = useState<Record<string, string>>({});
  const reload = useCallback(async () => {
    const all = await api<Proposal[]>('GET', '/v1/governance/proposals');
    all.sort(
      (a, b) => a.type.localeCompare(b.type) || a.version.localeCompare(b.version, 'en', { numeric: true }),
    );
    setProposals(all);
    return all;
  }, []);
  const show = useCallback(async (p: Proposal) => {
    setChosen(p);
    setDiff(undefined);
    try {
      setDiff(await api<Diff>('GET', `${path(p)}/diff`));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    reload()
      .then((all) => {
        // What is open for a vote is what a member comes here for: its changes are shown first.
        const open = all.find((p) => p.state === 'PROPOSED');
        if (open) void show(open);
      })
      .catch(setError);
  }, [reload, show]);
  const types = [...new Set((proposals ?? []).map((p) => p.type))];
  const propose = async () => {
    setError(undefined);
    setDone('');
    const errs: Record<string, string> = {};
    const type = draft.type || types[0] || '';
    if (!draft.version.trim()) errs.version = t('required');
    if (!draft.effectiveFrom) errs.effectiveFrom = t('dateUnreadable');
    try {
      JSON.parse(draft.schemaText);
    } catch {
      errs.schemaText = t('fileUnreadable');
    }
    setDraftErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      const p = { type, version: draft.version.trim() };
      await api('POST', '/v1/governance/proposals', {
        ...p,
        effectiveFrom: draft.effectiveFrom,
        schemaText: draft.schemaText,
      });
      setDone(`${t('proposed')}: ${l(type)} ${p.version}`);
      setDraft({ type, version: '', effectiveFrom: '', schemaText: '', file: '' });
      await reload();
      await show(p);
    } catch (err) {
      // The API's word on a field is shown at that field.
      if (err instanceof ApiFailure) {
        const at: Record<string, string> = {};
        for (const x of err.errors) {
          const k = /^\/body\/(\w+)$/.exec(x.pointer)?.[1];
          if (k && !at[k]) at[k] = x.message;
        }
        setDraftErrors(at);
      }
      setError(err);
    }
  };
  const vote = async (p: Proposal, choice: 'yes' | 'no') => {
    setError(undefined);
    setDone('');
    setAsking(undefined);
    try {
      await api('POST', `${path(p)}/votes`, { choice });
      setDone(`${t('voted')}: ${l(p.type)} ${p.version} — ${choice === 'yes' ? t('yes') : t('no')}`);
      await reload();
    } catch (err) {
      setError(err);
    }
  };
  const count = (v: Proposal['votes'], choice: string) =>
    Object.values(v ?? {}).filter((c) => c === choice).length;
  return (
    <section aria-labelledby="fmt-title">
      <h1 id="fmt-title">{t('formats')}</h1>
      <ErrorBox error={error} />
      {done && (
        <p role="status" className="alert ok">
          {done}
        </p>
      )}
      <h2>{t('proposals')}</h2>
      {proposals === undefined ? (
        <p>{t('loading')}</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">{t('proposals')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('type')}</th>
              <th scope="col">{t('version')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('effectiveFrom')}</th>
              <th scope="col" className="num">
                {t('votes')} ({t('yes')} / {t('no')})
              </th>
              <th scope="col">{t('decision')}</th>
            </tr>
          </thead>
          <tbody>
            {proposals.map((p) => {
              const name = `${l(p.type)} ${p.version}`;
              const mine = p.votes?.[me.participantId];
              return (
                <tr key={`${p.type}/${p.version}`} data-proposal={`${p.type}/${p.version}`}>
                  <td>{l(p.type)}</td>
                  <td>{p.version}</td>
                  <td>
                    <span className={`status s-${p.state ?? ''}`} data-state={p.state}>
                      {l(p.state ?? '')}
                      {p.active ? ` (${t('active')})` : ''}
                    </span>
                  </td>
                  <td>{formatDate(p.effectiveFrom)}</td>
                  <td className="num">
                    {count(p.votes, 'yes')} / {count(p.votes, 'no')}
                  </td>
                  <td>
                    <div className="inline">
                      <button
                        type="button"
                        aria-label={`${t('showChanges')}: ${name}`}
                        aria-pressed={chosen?.type === p.type && chosen.version === p.version}
                        onClick={() => void show(p)}
                      >
                        {t('showChanges')}
                      </button>
                      {canVote &&
                        p.state === 'PROPOSED' &&
                        !mine &&
                        (asking?.p === p ? (
                          <span className="inline confirm" role="group" aria-label={t('voteAsk')}>
                            <span>
                              {asking.choice === 'yes' ? t('voteYes') : t('voteNo')}: {name}?
                            </span>
                            <button
                              type="button"
                              className={asking.choice === 'yes' ? 'primary' : 'danger'}
                              disabled={busy}
                              onClick={() => void run(() => vote(p, asking.choice))}
                            >
                              {t('voteConfirm')}
                            </button>
                            <button type="button" onClick={() => setAsking(undefined)}>
                              {t('cancel')}
                            </button>
                          </span>
                        ) : (
                          <>
                            <button
                              type="button"
                              className="primary"
                              aria-label={`${t('voteYes')}: ${name}`}
                              disabled={busy}
                              onClick={() => setAsking({ p, choice: 'yes' })}
                            >
                              {t('voteYes')}
                            </button>
                            <button
                              type="button"
                              className="danger"
                              aria-label={`${t('voteNo')}: ${name}`}
                              disabled={busy}
                              onClick={() => setAsking({ p, choice: 'no' })}
                            >
                              {t('voteNo')}
                            </button>
                          </>
                        ))}
                      {mine && (
                        <span className="muted">
                          {t('voted')}: {mine === 'yes' ? t('yes') : t('no')}
                        </span>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {chosen && (
        <section aria-labelledby="diff-title">
          <h2 id="diff-title">
            {t('changes')}: {l(chosen.type)} {chosen.version}
            {diff?.against ? ` (${t('againstVersion')} ${diff.against})` : ''}
          </h2>
          {diff === undefined ? (
            <p>{t('loading')}</p>
          ) : diff.changes.length === 0 ? (
            <p>{t('noChanges')}</p>
          ) : (
            <table className="grid" data-breaking={diff.breaking}>
              <caption className="sr-only">{t('changes')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('kind')}</th>
                  <th scope="col">{t('field')}</th>
                  <th scope="col">{t('message')}</th>
                </tr>
              </thead>
              <tbody>
                {diff.changes.map((c, i) => (
                  <tr key={i} data-kind={c.kind} data-rule={c.rule}>
                    <td>
                      <span className={`kind ${c.kind}`}>{t(c.kind)}</span>
                    </td>
                    <td>
                      <SchemaField pointer={c.pointer} />
                    </td>
                    <td>
                      {/* The rule's code stays in data-rule: a person reads the words. */}
                      {lang === 'ru' && RULE_RU[c.rule] ? RULE_RU[c.rule] : c.message}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {canVote && (
        <form
          className="filters propose"
          aria-labelledby="propose-title"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => propose());
          }}
        >
          <h2 id="propose-title">{t('propose')}</h2>
          <label>
            {t('type')}
            <select
              name="type"
              value={draft.type || types[0] || ''}
              onChange={(e) => setDraft({ ...draft, type: e.target.value })}
            >
              {types.map((x) => (
                <option key={x} value={x}>
                  {l(x)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('version')}
            <input
              name="version"
              size={6}
              maxLength={32}
              value={draft.version}
              aria-invalid={!!draftErrors.version}
              aria-describedby={draftErrors.version ? 'version-error' : undefined}
              onChange={(e) => setDraft({ ...draft, version: e.target.value })}
            />
            {draftErrors.version && (
              <span className="field-error" id="version-error">
                {draftErrors.version}
              </span>
            )}
          </label>
          <DateInput
            name="effectiveFrom"
            label={t('effectiveFrom')}
            value={draft.effectiveFrom}
            error={draftErrors.effectiveFrom}
            onChange={(v) => setDraft({ ...draft, effectiveFrom: v })}
          />
          <label className="file-picker">
            {t('schemaText')}
            <input
              name="schemaFile"
              type="file"
              accept=".json,application/json"
              aria-describedby="schema-file-name"
              onChange={(e) => {
                const f = e.target.files?.[0];
                // Cleared at once so that choosing the same file again is noticed.
                e.target.value = '';
                if (f)
                  void f.text().then((text) => setDraft((d) => ({ ...d, schemaText: text, file: f.name })));
              }}
            />
            <span className="pick">
              <span className="button" aria-hidden="true">
                {t('chooseFile')}
              </span>
              <span id="schema-file-name" className="name">
                {draft.file || t('noFile')}
              </span>
            </span>
          </label>
          <label className="wide">
            {t('schemaText')} ({draft.file || 'JSON'})
            <textarea
              name="schemaText"
              rows={6}
              spellCheck={false}
              value={draft.schemaText}
              aria-invalid={!!draftErrors.schemaText}
              aria-describedby={draftErrors.schemaText ? 'schemaText-error' : undefined}
              onChange={(e) => setDraft({ ...draft, schemaText: e.target.value })}
            />
            {draftErrors.schemaText && (
              <span className="field-error" id="schemaText-error">
                {draftErrors.schemaText}
              </span>
            )}
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {t('propose')}
          </button>
        </form>
      )}
      <h2>{t('participants')}</h2>
      <table className="grid">
        <caption className="sr-only">{t('participants')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('name')}</th>
            <th scope="col">ОГРН</th>
            <th scope="col">{t('role')}</th>
          </tr>
        </thead>
        <tbody>
          {participants.map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>{p.id}</td>
              <td>{l(p.role)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * A schema pointer (`/properties/body/properties/rows/items/properties/note`) as the field it names: its Russian
 * name where the format has one, else the proposal's own name, marked as an identifier (a field nobody has named
 * in Russian yet is known by that name).
 */
function SchemaField({ pointer }: { pointer: string }) {
  const { lang } = useI18n();
  const names = [...pointer.matchAll(/\/properties\/([^/]+)/g)].map((m) => m[1] as string);
  const last = names[names.length - 1];
  if (!last) return <span>{lang === 'ru' ? 'вся схема' : 'the whole schema'}</span>;
  const ru = lang === 'ru' ? FIELD_NAMES_RU[last] : undefined;
  return ru ? (
    <span>{ru}</span>
  ) : (
    <code data-identifier="" title={pointer}>
      {last}
    </code>
  );
}
