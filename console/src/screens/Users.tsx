// The node's people, for its admin: add an account, disable one. The same as `dmsnet-node user`, on a running node.
import { useCallback, useEffect, useState } from 'react';
import { api, type Me } from '../api';
import { ErrorBox, useAction } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';

interface User {
  username: string;
  fullName: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

const ROLES: Record<string, string[]> = {
  clinic: ['registrar', 'accountant', 'expert', 'manager', 'admin'],
  insurer: ['operator', 'expert', 'manager', 'admin'],
  assistance: ['operator', 'expert', 'manager', 'admin'],
  association: ['secretary', 'admin'],
};

export function Users({ me }: { me: Me }) {
  const { t, l } = useI18n();
  const roles = ROLES[me.participantRole] ?? [];
  const [users, setUsers] = useState<User[] | undefined>();
  const [draft, setDraft] = useState({ username: '', fullName: '', role: roles[0] ?? '', password: '' });
  const [error, setError] = useState<unknown>();
  const { busy, run } = useAction();
  const load = useCallback(async () => {
    try {
      setUsers((await api<{ items: User[] }>('GET', '/v1/users')).items);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const add = async () => {
    setError(undefined);
    try {
      await api('POST', '/v1/users', draft);
      setDraft({ ...draft, username: '', fullName: '', password: '' });
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const disable = async (username: string) => {
    try {
      await api('POST', `/v1/users/${encodeURIComponent(username)}/disable`);
      await load();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void run(add);
        }}
        aria-label={t('addUser')}
      >
        <label>
          {t('username')}
          <input
            name="newUsername"
            required
            value={draft.username}
            onChange={(e) => setDraft({ ...draft, username: e.target.value })}
          />
        </label>
        <label>
          {t('fullName')}
          <input
            name="fullName"
            required
            value={draft.fullName}
            onChange={(e) => setDraft({ ...draft, fullName: e.target.value })}
          />
        </label>
        <label>
          {t('role')}
          <select
            name="role"
            value={draft.role}
            onChange={(e) => setDraft({ ...draft, role: e.target.value })}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {l(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('password')}
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            value={draft.password}
            onChange={(e) => setDraft({ ...draft, password: e.target.value })}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('addUser')}
        </button>
      </form>
      <ErrorBox error={error} />
      {users && (
        <table className="grid">
          <caption className="sr-only">{t('users')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('username')}</th>
              <th scope="col">{t('fullName')}</th>
              <th scope="col">{t('role')}</th>
              <th scope="col">{t('created')}</th>
              <th scope="col">{t('state')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.username} data-user={u.username}>
                <td data-identifier="">{u.username}</td>
                <td>{u.fullName}</td>
                <td>{l(u.role)}</td>
                <td>{formatDateTime(u.createdAt)}</td>
                <td>
                  {u.disabled ? (
                    t('disabled')
                  ) : u.username === me.username ? (
                    t('active')
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      onClick={() => void run(() => disable(u.username))}
                    >
                      {t('disable')} <span className="sr-only">{u.username}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
