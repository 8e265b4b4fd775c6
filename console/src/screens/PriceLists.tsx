// The insurer's side of price lists: each clinic's versions, accepted or contested with a reason.
import { useCallback, useEffect, useState } from 'react';
import { api, queryString, type Me } from '../api';
import { ErrorBox, useParticipants, useAction } from '../common';
import { formatDate } from '../format';
import { useI18n } from '../i18n';

interface PriceListState {
  documentId: string;
  clinic: string;
  state: 'RECEIVED' | 'ACCEPTED' | 'CONTESTED';
  priceList: { version?: number; validity: { from: string; to?: string }; lines: unknown[] };
}

export function PriceLists({ me }: { me: Me }) {
  const { t, l } = useI18n();
  const clinics = useParticipants().filter((p) => p.role === 'clinic');
  const [clinic, setClinic] = useState('');
  const [items, setItems] = useState<PriceListState[] | undefined>();
  const [reason, setReason] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const { busy, run } = useAction();
  const chosen = clinic || clinics[0]?.id || '';
  const load = useCallback(async () => {
    if (!chosen) return;
    try {
      setItems(
        // The version history, newest first: what is in force and what came before it.
        (
          await api<{ items: PriceListState[] }>('GET', `/v1/price-lists${queryString({ clinic: chosen })}`)
        ).items.sort(
          (a, b) =>
            b.priceList.validity.from.localeCompare(a.priceList.validity.from) ||
            (b.priceList.version ?? 0) - (a.priceList.version ?? 0),
        ),
      );
    } catch (e) {
      setError(e);
    }
  }, [chosen]);
  useEffect(() => {
    void load();
  }, [load]);
  const decide = async (id: string, accept: boolean) => {
    setError(undefined);
    try {
      const why = reason[id] || t('contest');
      await api(
        'POST',
        `/v1/price-lists/${encodeURIComponent(id)}/${accept ? 'accept' : 'contest'}`,
        accept ? {} : { comment: why, errors: [{ pointer: '/body/lines', code: 'CONTESTED', message: why }] },
      );
      await load();
    } catch (e) {
      setError(e);
    }
  };
  const can = me.operations.includes('pricelists.decide');
  return (
    <section aria-labelledby="pl-title">
      <h1 id="pl-title">{t('priceLists')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('clinic')}
          <select value={chosen} onChange={(e) => setClinic(e.target.value)}>
            {clinics.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorBox error={error} />
      {items === undefined ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('nothing')}</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">{t('priceLists')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('number')}</th>
              <th scope="col">{t('version')}</th>
              <th scope="col">{t('period')}</th>
              <th scope="col">{t('lines')}</th>
              <th scope="col">{t('state')}</th>
              {can && <th scope="col">{t('decision')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.documentId}>
                <td>
                  {/* The ledger id: another clinic may number its lists alike. */}
                  <a href={`#/doc/${encodeURIComponent(`${p.clinic}:${p.documentId}`)}`}>{p.documentId}</a>
                </td>
                <td className="num">{p.priceList.version ?? ''}</td>
                <td>
                  {formatDate(p.priceList.validity.from)}
                  {p.priceList.validity.to ? ` — ${formatDate(p.priceList.validity.to)}` : ''}
                </td>
                <td className="num">{p.priceList.lines.length}</td>
                <td>
                  <span className={`status s-${p.state}`}>{l(p.state)}</span>
                </td>
                {can && (
                  <td>
                    {p.state === 'RECEIVED' && (
                      <div className="inline">
                        <button
                          type="button"
                          className="primary"
                          disabled={busy}
                          onClick={() => void run(() => decide(p.documentId, true))}
                        >
                          {t('accept')}
                        </button>
                        <label>
                          <span className="sr-only">
                            {t('reason')} {p.documentId}
                          </span>
                          <input
                            placeholder={t('reason')}
                            value={reason[p.documentId] ?? ''}
                            onChange={(e) => setReason({ ...reason, [p.documentId]: e.target.value })}
                          />
                        </label>
                        <button
                          type="button"
                          className="danger"
                          disabled={busy}
                          onClick={() => void run(() => decide(p.documentId, false))}
                        >
                          {t('contest')}
                        </button>
                      </div>
                    )}
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
