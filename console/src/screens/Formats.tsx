// The association's view of the format registry: proposals with their votes and effective dates, and what is active.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorBox, useParticipants } from '../common';
import { formatDate } from '../format';
import { useI18n } from '../i18n';

interface Proposal {
  type: string;
  version: string;
  status?: string;
  effectiveFrom?: string;
  votes?: Record<string, string> | unknown[];
  retentionDays?: number;
}

export function Formats() {
  const { t, l } = useI18n();
  const participants = useParticipants();
  const [proposals, setProposals] = useState<Proposal[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<Proposal[]>('GET', '/v1/governance/proposals').then(setProposals).catch(setError);
  }, []);
  const votes = (v: Proposal['votes']) => (Array.isArray(v) ? v.length : v ? Object.keys(v).length : 0);
  return (
    <section aria-labelledby="fmt-title">
      <h1 id="fmt-title">{t('formats')}</h1>
      <ErrorBox error={error} />
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
              <th scope="col">{t('votes')}</th>
            </tr>
          </thead>
          <tbody>
            {proposals.map((p) => (
              <tr key={`${p.type}/${p.version}`}>
                <td>{l(p.type)}</td>
                <td>{p.version}</td>
                <td>{l(p.status ?? '')}</td>
                <td>{formatDate(p.effectiveFrom)}</td>
                <td className="num">{votes(p.votes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
