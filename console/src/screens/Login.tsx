import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiFailure, type Me } from '../api';
import { useI18n } from '../i18n';

export function Login({ onLogin }: { onLogin: (me: Me) => void }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // Whose node this is, from the directory: staff of several organisations must see which cabinet they log in to.
  const [organisation, setOrganisation] = useState('');
  useEffect(() => {
    api<{ participantName?: string; participant?: string }>('GET', '/v1/health')
      .then((h) => setOrganisation(h.participantName ?? ''))
      .catch(() => setOrganisation(''));
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onLogin(await api<Me>('POST', '/v1/session', { username, password }));
    } catch (err) {
      setError(
        err instanceof ApiFailure && err.status === 429
          ? err.retryAfter
            ? `${t('loginThrottledFor')} ${waitText(err.retryAfter, lang)}.`
            : t('loginThrottled')
          : t('loginFailed'),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login">
      <h1>{t('appTitle')}</h1>
      {organisation && (
        <p className="organisation" data-organisation="">
          {organisation}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'login-error' : undefined}>
        <label>
          {t('username')}
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p id="login-error" role="alert" className="alert error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('login')}
        </button>
      </form>
      <label className="lang">
        {t('language')}{' '}
        <select value={lang} onChange={(e) => setLang(e.target.value as 'ru' | 'en')}>
          <option value="ru">Русский</option>
          <option value="en">English</option>
        </select>
      </label>
    </main>
  );
}

/** How long to wait, as people say it: «2 мин», «45 с» (abbreviations need no plural forms). */
function waitText(seconds: number, lang: 'ru' | 'en'): string {
  if (seconds < 60) return lang === 'ru' ? `${seconds} с` : `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  return lang === 'ru' ? `${minutes} мин` : `${minutes} min`;
}
