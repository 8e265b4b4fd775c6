// An assistance company's «Поручения» (decision record 0055): the delegations it holds — from which insurer, for which
// programmes or policies, which documents it sends on the insurer's behalf and receives for it, from and until when,
// and their state. Read only: the insurer gives and revokes them; the care-request and guarantee-letter forms offer
// the insurers whose delegation in force covers their type.
import { useState } from 'react';
import type { Me } from '../api';
import { ErrorBox } from '../common';
import { useDelegationText } from './delegation-text';
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

export function HeldDelegations({ me }: { me: Me }) {
  const t = useDelegationText();
  const { items, load, error } = useDelegationList(me, 'agent');
  const [shown, setShown] = useState<Shown>('all');
  const today = moscowToday();
  const visible = (items ?? []).filter((d) => isShown(shown, stateOf(d, today)));
  return (
    <section aria-labelledby="held-title">
      <h1 id="held-title">{t('heldTitle')}</h1>
      <p className="muted">{t('heldIntro')}</p>
      <h2 id="held-list">{t('held')}</h2>
      <DelegationFilter shown={shown} onShown={setShown} onRefresh={() => void load()} />
      <ErrorBox error={error} />
      {items === undefined ? null : visible.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid" aria-labelledby="held-list">
          <thead>
            <tr>
              <th scope="col">{t('number')}</th>
              <th scope="col">{t('colPrincipal')}</th>
              <th scope="col">{t('colHeldSends')}</th>
              <th scope="col">{t('colHeldReceives')}</th>
              <th scope="col">{t('colScope')}</th>
              <th scope="col">{t('period')}</th>
              <th scope="col">{t('state')}</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((d) => (
              <tr key={`${d.principal}/${d.id}`} data-delegation={d.id}>
                <DelegationCells d={d} other={d.principal} />
                <td>
                  <DelegationStateBadge state={stateOf(d, today)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
