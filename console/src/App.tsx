import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiFailure, setSession, whenLoggedOut, type Me } from './api';
import { useRoute } from './common';
import { DICTS, I18nContext, label, type Lang } from './i18n';
import { Login } from './screens/Login';
import { Shell } from './Shell';

export function App() {
  const [lang, setLangState] = useState<Lang>(() =>
    localStorage.getItem('dmsnet.lang') === 'en' ? 'en' : 'ru',
  );
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const route = useRoute();
  const i18n = useMemo(
    () => ({
      lang,
      t: (k: keyof (typeof DICTS)['ru']) => DICTS[lang][k],
      l: (c: string) => label(lang, c),
      setLang: (l: Lang) => {
        localStorage.setItem('dmsnet.lang', l);
        setLangState(l);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const loggedIn = useCallback((m: Me) => {
    setSession(m);
    setMe(m);
  }, []);
  useEffect(() => {
    whenLoggedOut(() => setMe(null));
    api<Me>('GET', '/v1/session')
      .then(loggedIn)
      .catch((e: unknown) => {
        if (e instanceof ApiFailure) setMe(null);
      });
  }, [loggedIn]);
  return (
    <I18nContext.Provider value={i18n}>
      {me === undefined ? null : me === null ? (
        <Login onLogin={loggedIn} />
      ) : (
        <Shell me={me} route={route} onLogout={() => setMe(null)} />
      )}
    </I18nContext.Provider>
  );
}
