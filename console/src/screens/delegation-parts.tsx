// What the insurer's «Поручения» screen (delegations given) and the assistance company's (delegations held) share
// (decision record 0055): a delegation's state on Moscow's calendar, its status badge, its scope and its period.
import { useCallback, useEffect, useState } from 'react';
import { api, queryString, type Me } from '../api';
import type { Delegation } from '../../../formats/src/delegation.js';
import { nameOf, useParticipants } from '../common';
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { useDelegationText } from './delegation-text';
import { useSteps } from './steps';

export type DelegationState = 'inForce' | 'notYet' | 'ended' | 'revoked';
export type Shown = 'all' | 'inForce' | 'ended' | 'revoked';

/** Today in Moscow, the calendar the delegation's dates mean. */
export const moscowToday = () => new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);

export function stateOf(d: Delegation, today: string): DelegationState {
  if (d.status === 'REVOKED') return 'revoked';
  if (d.validUntil !== undefined && d.validUntil < today) return 'ended';
  if (d.validFrom > today) return 'notYet';
  return 'inForce';
}

/** The filter «Показать»: in force includes those not yet in force (given, waiting for their first day). */
export const isShown = (shown: Shown, s: DelegationState) =>
  shown === 'all' || (shown === 'inForce' ? s === 'inForce' || s === 'notYet' : s === shown);

const STATE_CLASS: Record<DelegationState, string> = {
  inForce: 's-ACCEPTED',
  notYet: 's-PENDING',
  ended: 's-SENT',
  revoked: 's-REJECTED',
};

export function DelegationStateBadge({ state }: { state: DelegationState }) {
  const t = useDelegationText();
  return (
    <span className={`status ${STATE_CLASS[state]}`} data-state={state}>
      {t(state)}
    </span>
  );
}

/** The programmes and policies a delegation is limited to, or every case. */
export function DelegationScope({ d }: { d: Delegation }) {
  const t = useDelegationText();
  return (
    <>
      {!d.programmes?.length && !d.policies?.length && t('everyCase')}
      {!!d.programmes?.length && (
        <div>
          {t('programmes')}: <span data-identifier="">{d.programmes.join(', ')}</span>
        </div>
      )}
      {!!d.policies?.length && (
        <div>
          {t('policies')}: <span data-identifier="">{d.policies.join(', ')}</span>
        </div>
      )}
    </>
  );
}

export function DelegationPeriod({ d }: { d: Delegation }) {
  const t = useDelegationText();
  return (
    <>
      {formatDate(d.validFrom)} — {d.validUntil ? formatDate(d.validUntil) : t('untilRevoked')}
    </>
  );
}

/**
 * The delegations this node's participant gave (`side` principal, an insurer) or holds (`side` agent, an assistance
 * company), newest first, whatever their state, with the step runner of the screen that lists them.
 */
export function useDelegationList(me: Me, side: 'principal' | 'agent') {
  const [items, setItems] = useState<Delegation[] | undefined>();
  const steps = useSteps();
  const { setError, reload } = steps;
  const load = useCallback(async () => {
    try {
      const page = await api<{ items: Delegation[] }>(
        'GET',
        `/v1/delegations${queryString({ party: me.participantId, inForce: 'false' })}`,
      );
      setItems(
        page.items
          .filter((d) => d[side] === me.participantId)
          .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt)),
      );
    } catch (e) {
      setError(e);
    }
  }, [me.participantId, side, setError]);
  reload.current = load;
  useEffect(() => {
    void load();
  }, [load]);
  return { items, load, ...steps };
}

/** «Показать»: which delegations the list shows, and a refresh. */
export function DelegationFilter({
  shown,
  onShown,
  onRefresh,
}: {
  shown: Shown;
  onShown: (s: Shown) => void;
  onRefresh: () => void;
}) {
  const t = useDelegationText();
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        {t('show')}
        <select value={shown} onChange={(e) => onShown(e.target.value as Shown)}>
          <option value="all">{t('showAll')}</option>
          <option value="inForce">{t('showInForce')}</option>
          <option value="ended">{t('showEnded')}</option>
          <option value="revoked">{t('showRevoked')}</option>
        </select>
      </label>
      <button type="button" onClick={onRefresh}>
        {t('refresh')}
      </button>
    </form>
  );
}

/** A delegation's row up to its state: number, the other party (`other`), types sent and received, scope, period. */
export function DelegationCells({ d, other }: { d: Delegation; other: string }) {
  const { l } = useI18n();
  const participants = useParticipants();
  const types = (xs: string[]) => xs.map((x) => l(x)).join(', ') || '—';
  return (
    <>
      <td>
        <span data-identifier="">{d.id}</span>
      </td>
      <td>{nameOf(participants, other)}</td>
      <td>{types(d.sends)}</td>
      <td>{types(d.receives)}</td>
      <td>
        <DelegationScope d={d} />
      </td>
      <td>
        <DelegationPeriod d={d} />
      </td>
    </>
  );
}
