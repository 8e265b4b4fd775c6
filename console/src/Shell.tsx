// The frame around every screen: who is logged in, the language, and the menu of the screens their role may use
// (the gateway refuses the others anyway).
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { api, type Me } from './api';
import { nameOf, useParticipants } from './common';
import { useI18n, type Key } from './i18n';
import { Acts, ActEditor } from './screens/Acts';
import { CareRequests } from './screens/CareRequests';
import { PriorAuth } from './screens/PriorAuth';
import { Coverage } from './screens/Coverage';
import { DocumentView } from './screens/DocumentView';
import { Delegations } from './screens/Delegations';
import { HeldDelegations } from './screens/HeldDelegations';
import { Documents } from './screens/Documents';
import { Documentation } from './screens/Documentation';
import { DocumentationAnswer } from './screens/DocumentationAnswer';
import { MedicalView } from './screens/MedicalView';
import { Formats } from './screens/Formats';
import { Import } from './screens/Import';
import { Letters } from './screens/Letters';
import { Mail } from './screens/Mail';
import { Participants } from './screens/Participants';
import { Payments } from './screens/Payments';
import { PriceLists } from './screens/PriceLists';
import { Roster } from './screens/Roster';
import { Users } from './screens/Users';

// The dashboards and their charting library load when the screen is opened, in a chunk of their own (decision 0060).
const Figures = lazy(() => import('./screens/Figures').then((m) => ({ default: m.Figures })));

interface Item {
  path: string;
  key: Key;
  show: (me: Me) => boolean;
}

const has = (op: string) => (me: Me) => me.operations.includes(op);

const MENU: Item[] = [
  { path: 'inbox', key: 'inbox', show: has('read') },
  { path: 'outbox', key: 'outbox', show: has('read') },
  // Beside the network inbox: what came and went by e-mail, and mail held for a person (decisions 0042, 0049).
  { path: 'mail', key: 'mail', show: has('read') },
  { path: 'coverage', key: 'coverage', show: has('coverage') },
  // A clinic's own roster; at an insurer, its copy of each clinic's.
  { path: 'roster', key: 'roster', show: has('roster') },
  { path: 'acts', key: 'acts', show: has('acts.read') },
  // What is paid of each invoice: the clinic's sent, a payer's received.
  {
    path: 'payments',
    key: 'payments',
    show: (me) => me.participantRole !== 'association' && has('read')(me),
  },
  // The insurer's side of price lists and letters; a clinic sees its letters in the coverage check.
  {
    path: 'price-lists',
    key: 'priceLists',
    show: (me) => me.participantRole !== 'clinic' && has('pricelists.decide')(me),
  },
  {
    path: 'letters',
    key: 'letters',
    show: (me) => me.participantRole !== 'clinic' && has('letters.write')(me),
  },
  // The clinic registrar's queue and the coordinator's requests (decision record 0047).
  { path: 'care', key: 'careRequests', show: has('care.read') },
  // Guarantee-letter requests (decision record 0054): the clinic asks, the insurer answers.
  {
    path: 'prior-auth',
    key: 'priorAuth',
    show: (me) => has('letters.request')(me) || (me.participantRole !== 'clinic' && has('letters.write')(me)),
  },
  // Medical documentation for expertise (decision record 0056): the payer's expert follows its requests, the clinic
  // answers them (who sends documents, and its expert).
  {
    path: 'documentation',
    key: 'documentation',
    show: (me) =>
      me.participantRole === 'clinic'
        ? has('send')(me) || has('medical.read')(me)
        : me.participantRole !== 'association' && has('acts.read')(me),
  },
  // An insurer's delegations to assistance companies and what was done in its name; an assistance company's, those
  // it holds (decision record 0055).
  {
    path: 'delegations',
    key: 'delegations',
    show: (me) =>
      (me.participantRole === 'insurer' || me.participantRole === 'assistance') && has('read')(me),
  },
  // Figures of the node's own documents for managers (decision record 0060).
  { path: 'figures', key: 'figures', show: has('figures.read') },
  { path: 'import', key: 'import', show: has('import') },
  // Members follow the registry too; those whose role votes (an admin) cast votes there.
  {
    path: 'formats',
    key: 'formats',
    show: (me) => me.participantRole === 'association' || has('governance')(me),
  },
  // The directory is the association's to keep; its people see it, its admin changes it.
  { path: 'participants', key: 'participants', show: (me) => me.participantRole === 'association' },
  { path: 'users', key: 'users', show: has('users') },
];

export function Shell({ me, route, onLogout }: { me: Me; route: string[]; onLogout: () => void }) {
  const { t, l, lang, setLang } = useI18n();
  const participants = useParticipants();
  const [screen, ...args] = route;
  const current =
    screen || (me.operations.includes('coverage') && me.role === 'registrar' ? 'coverage' : 'inbox');
  useEffect(() => {
    const item = MENU.find((m) => m.path === current);
    document.title = `${item ? t(item.key) : t('documents')} — ${t('appTitle')}`;
  }, [current, t]);
  const logout = async () => {
    await api('DELETE', '/v1/session').catch(() => undefined);
    onLogout();
  };
  let body: ReactNode;
  switch (current) {
    case 'inbox':
    case 'outbox':
      body = <Documents box={current} me={me} />;
      break;
    case 'doc':
      body = <DocumentView id={args[0] ?? ''} me={me} />;
      break;
    case 'coverage':
      body = <Coverage me={me} />;
      break;
    case 'roster':
      body = <Roster me={me} />;
      break;
    case 'acts':
      body = args[0] ? <ActEditor invoiceId={args[0]} me={me} /> : <Acts me={me} />;
      break;
    case 'payments':
      body = <Payments me={me} />;
      break;
    case 'price-lists':
      body = <PriceLists me={me} />;
      break;
    case 'letters':
      body = <Letters me={me} />;
      break;
    case 'care':
      body = <CareRequests me={me} />;
      break;
    case 'prior-auth':
      body = <PriorAuth me={me} />;
      break;
    case 'documentation':
      body = args[0] ? <DocumentationAnswer id={args[0]} me={me} /> : <Documentation me={me} />;
      break;
    case 'medical':
      body = <MedicalView id={args[0] ?? ''} me={me} />;
      break;
    case 'delegations':
      body = me.participantRole === 'assistance' ? <HeldDelegations me={me} /> : <Delegations me={me} />;
      break;
    case 'import':
      body = <Import me={me} />;
      break;
    case 'figures':
      body = (
        <Suspense fallback={<p>{t('loading')}</p>}>
          <Figures me={me} />
        </Suspense>
      );
      break;
    case 'users':
      body = <Users me={me} />;
      break;
    case 'formats':
      body = <Formats me={me} />;
      break;
    case 'mail':
      body = <Mail me={me} />;
      break;
    case 'participants':
      body = <Participants me={me} />;
      break;
    default:
      body = <Documents box="inbox" me={me} />;
  }
  return (
    <>
      <a
        className="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        {t('skip')}
      </a>
      <header className="top">
        <div className="org">
          <span className="brand">dmsnet</span>
          <span>{nameOf(participants, me.participantId)}</span>
        </div>
        <div className="who">
          <span>
            {me.fullName} ({l(me.role)})
          </span>
          <label>
            <span className="sr-only">{t('language')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value as 'ru' | 'en')}>
              <option value="ru">Русский</option>
              <option value="en">English</option>
            </select>
          </label>
          <button type="button" onClick={() => void logout()}>
            {t('logout')}
          </button>
        </div>
      </header>
      <nav aria-label={t('mainMenu')} className="menu">
        <ul>
          {MENU.filter((m) => m.show(me)).map((m) => (
            <li key={m.path}>
              <a href={`#/${m.path}`} aria-current={current === m.path ? 'page' : undefined}>
                {t(m.key)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
    </>
  );
}
