// The node's e-mail, beside its network inbox: documents that correspondents sent by e-mail, mail held for a person
// to read and release (decision record 0042), and documents this node sent by e-mail with where each stands — held
// until the correspondent joins the network, answered by e-mail, or handed over on the ledger (decision record 0049).
import { useCallback, useEffect, useState } from 'react';
import { api, ApiFailure, type Me } from '../api';
import { ErrorBox, useAction } from '../common';
import { formatDateTime, documentNumber } from '../format';
import { useI18n, type Lang } from '../i18n';
import { errorText } from '../messages';
import { MailSendForm } from './MailSend';

interface Received {
  messageId: string;
  status: string;
  receivedAt: string;
  email?: { from: string; subject?: string; attachment: { name: string } };
}
interface Held {
  id: string;
  code: string;
  reason: string;
  at: string;
  from?: string;
  subject?: string;
  text?: string;
}
interface Sent {
  id: string;
  documentId: string;
  addressee: string;
  to: string[];
  channel: 'encrypted' | 'link';
  status: 'HELD_FOR_JOIN' | 'ACCEPTED' | 'REJECTED' | 'HANDED_OVER' | 'FAILED';
  createdAt: string;
  linkExpiresAt?: string;
  linksIssued?: number;
  openedAt?: string;
  decision?: { reason?: string; via: 'page' | 'reply' };
  failure?: { code: string; message: string };
}

// The screen's own words, kept beside it: no other screen says them.
const TEXT = {
  ru: {
    title: 'Почта',
    notConfigured: 'Почтовый мост этого узла не настроен: добавьте раздел',
    notConfiguredIn: 'в',
    received: 'Получено по почте',
    held: 'Задержанные письма',
    heldHint:
      'Письма без подтверждения домена, с незнакомого адреса или нечитаемые. Откройте и прочитайте, прежде чем пропускать.',
    sent: 'Отправлено по почте',
    sentHint:
      'Документы корреспондентам вне сети. Пока ответа нет, документ ждёт подключения адресата и будет передан через сеть, как только он подключится.',
    when: 'Когда',
    from: 'От',
    subject: 'Тема',
    file: 'Файл',
    document: 'Документ',
    status: 'Состояние',
    reason: 'Причина',
    text: 'Текст письма',
    release: 'Пропустить',
    releaseAsk: 'Пропустить письмо от',
    confirm: 'Подтвердить',
    cancel: 'Отмена',
    released: 'Письмо пропущено',
    to: 'Кому',
    channel: 'Способ',
    link: 'ссылка и код',
    encrypted: 'зашифрованное вложение',
    none: 'Писем нет.',
    loading: 'Загрузка…',
    HELD_FOR_JOIN: 'ждёт подключения адресата',
    ACCEPTED: 'принят по почте',
    REJECTED: 'отклонён по почте',
    HANDED_OVER: 'передан через сеть',
    FAILED: 'не передан',
    RECEIVED: 'получен',
    DELIVERED: 'получен',
    viaPage: 'на странице документа',
    viaReply: 'ответным письмом',
    stateSent: 'отправлен',
    stateOpened: 'открыт',
    stateAnswered: 'ответ получен',
    stateHeld: 'ждёт подключения адресата',
    linkUntil: 'ссылка действует до',
    linkExpired: 'срок ссылки истёк',
    linksIssued: 'ссылок отправлено',
    resend: 'Отправить новую ссылку',
    resendAsk: 'Старая ссылка перестанет действовать. Отправить новую ссылку и код для',
    resent: 'Новая ссылка и код отправлены',
    actions: 'Действия',
  },
  en: {
    title: 'E-mail',
    notConfigured: "This node's mail bridge is not configured: add the section",
    notConfiguredIn: 'to',
    received: 'Received by e-mail',
    held: 'Held mail',
    heldHint:
      'Mail whose domain was not authenticated, from an unknown address, or unreadable. Read it before releasing it.',
    sent: 'Sent by e-mail',
    sentHint:
      'Documents to correspondents not on the network. Unanswered, a document waits for its addressee to join and goes over the network once it does.',
    when: 'When',
    from: 'From',
    subject: 'Subject',
    file: 'File',
    document: 'Document',
    status: 'State',
    reason: 'Reason',
    text: 'Message text',
    release: 'Release',
    releaseAsk: 'Release the message from',
    confirm: 'Confirm',
    cancel: 'Cancel',
    released: 'Message released',
    to: 'To',
    channel: 'Channel',
    link: 'link and code',
    encrypted: 'encrypted attachment',
    none: 'No mail.',
    loading: 'Loading…',
    HELD_FOR_JOIN: 'waiting for the addressee to join',
    ACCEPTED: 'accepted by e-mail',
    REJECTED: 'rejected by e-mail',
    HANDED_OVER: 'handed over on the network',
    FAILED: 'not handed over',
    RECEIVED: 'received',
    DELIVERED: 'received',
    viaPage: 'on the document page',
    viaReply: 'by reply',
    stateSent: 'sent',
    stateOpened: 'opened',
    stateAnswered: 'answered',
    stateHeld: 'held until the addressee joins',
    linkUntil: 'link valid until',
    linkExpired: 'link expired',
    linksIssued: 'links sent',
    resend: 'Send a new link',
    resendAsk: 'The old link will stop working. Send a new link and code for',
    resent: 'A new link and code were sent',
    actions: 'Actions',
  },
} satisfies Record<Lang, Record<string, string>>;

type Word = keyof (typeof TEXT)['ru'];

export function Mail({ me }: { me: Me }) {
  const { lang, l } = useI18n();
  const w = (k: Word) => TEXT[lang][k];
  const word = (k: string) => (k in TEXT[lang] ? w(k as Word) : l(k));
  const canRelease = me.operations.includes('decide');
  const canSend = me.operations.includes('send');
  const [resending, setResending] = useState<Sent>();
  const [received, setReceived] = useState<Received[]>();
  const [held, setHeld] = useState<Held[]>();
  const [sent, setSent] = useState<Sent[]>();
  const [unconfigured, setUnconfigured] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const [asking, setAsking] = useState<Held>();
  const { busy, run } = useAction();

  const reload = useCallback(async () => {
    try {
      const [out, inbox, waiting] = await Promise.all([
        api<{ items: Sent[] }>('GET', '/v1/mail/outbound'),
        api<{ items: Received[] }>('GET', '/v1/inbox?limit=200'),
        canRelease ? api<{ items: Held[] }>('GET', '/v1/mail/held') : Promise.resolve({ items: [] }),
      ]);
      setSent(out.items.slice().reverse());
      setReceived(inbox.items.filter((r) => r.email));
      setHeld(waiting.items);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'MAIL_NOT_CONFIGURED') setUnconfigured(true);
      else throw err;
    }
  }, [canRelease]);
  useEffect(() => {
    reload().catch(setError);
  }, [reload]);

  const release = async (h: Held) => {
    setError(undefined);
    setDone('');
    setAsking(undefined);
    try {
      await api('POST', `/v1/mail/held/${encodeURIComponent(h.id)}/release`, {});
      setDone(`${w('released')}: ${h.from ?? ''}`);
      await reload();
    } catch (err) {
      setError(err);
    }
  };

  const resend = async (s: Sent) => {
    setError(undefined);
    setDone('');
    setResending(undefined);
    try {
      await api('POST', `/v1/mail/outbound/${encodeURIComponent(s.id)}/link`, {});
      setDone(`${w('resent')}: № ${s.documentId}`);
      await reload();
    } catch (err) {
      setError(err);
    }
  };
  /** Where a document sent by e-mail stands, in the order a person asks: sent, opened, answered, held for joining. */
  const stateOf = (s: Sent) => {
    const steps = [w('stateSent')];
    if (s.openedAt) steps.push(`${w('stateOpened')} ${formatDateTime(s.openedAt)}`);
    if (s.decision) steps.push(w('stateAnswered'));
    else if (s.status === 'HELD_FOR_JOIN') steps.push(w('stateHeld'));
    return steps.join(' → ');
  };
  const linkRenewable = (s: Sent) => canSend && s.channel === 'link' && s.status === 'HELD_FOR_JOIN';

  if (unconfigured)
    return (
      <section aria-labelledby="mail-title">
        <h1 id="mail-title">{w('title')}</h1>
        <p role="status">
          {w('notConfigured')} <code data-identifier="">mail</code> {w('notConfiguredIn')}{' '}
          <code data-identifier="">dmsnet-node.yaml</code>.
        </p>
      </section>
    );
  return (
    <section aria-labelledby="mail-title">
      <h1 id="mail-title">{w('title')}</h1>
      <ErrorBox error={error} />
      {done && (
        <p role="status" className="alert ok">
          {done}
        </p>
      )}
      <h2 id="mail-received">{w('received')}</h2>
      {received === undefined ? (
        <p>{w('loading')}</p>
      ) : received.length === 0 ? (
        <p>{w('none')}</p>
      ) : (
        <table className="grid" aria-labelledby="mail-received">
          <thead>
            <tr>
              <th scope="col">{w('when')}</th>
              <th scope="col">{w('from')}</th>
              <th scope="col">{w('subject')}</th>
              <th scope="col">{w('file')}</th>
              <th scope="col">{w('document')}</th>
              <th scope="col">{w('status')}</th>
            </tr>
          </thead>
          <tbody>
            {received.map((r) => (
              <tr key={r.messageId} data-received={r.messageId}>
                <td>{formatDateTime(r.receivedAt)}</td>
                <td data-identifier="">{r.email!.from}</td>
                <td>{r.email!.subject ?? '—'}</td>
                <td>{r.email!.attachment.name}</td>
                <td>
                  <a href={`#/doc/${encodeURIComponent(r.messageId)}`}>{documentNumber(r.messageId)}</a>
                </td>
                <td>{word(r.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canRelease && (
        <>
          <h2 id="mail-held">{w('held')}</h2>
          <p className="muted">{w('heldHint')}</p>
          {held === undefined ? (
            <p>{w('loading')}</p>
          ) : held.length === 0 ? (
            <p>{w('none')}</p>
          ) : (
            <table className="grid" aria-labelledby="mail-held">
              <thead>
                <tr>
                  <th scope="col">{w('when')}</th>
                  <th scope="col">{w('from')}</th>
                  <th scope="col">{w('subject')}</th>
                  <th scope="col">{w('reason')}</th>
                  <th scope="col">{w('text')}</th>
                  <th scope="col">{w('release')}</th>
                </tr>
              </thead>
              <tbody>
                {held.map((h) => (
                  <tr key={h.id} data-held={h.id} data-code={h.code}>
                    <td>{formatDateTime(h.at)}</td>
                    <td data-identifier="">{h.from ?? '—'}</td>
                    <td>{h.subject ?? '—'}</td>
                    <td>{errorText(h.code, h.reason, lang)}</td>
                    <td>
                      <details>
                        <summary>{w('text')}</summary>
                        <pre className="mail-text">{h.text ?? '—'}</pre>
                      </details>
                    </td>
                    <td>
                      {asking?.id === h.id ? (
                        <span className="inline confirm" role="group" aria-label={w('releaseAsk')}>
                          <span>
                            {w('releaseAsk')} {h.from ?? '—'}?
                          </span>
                          <button
                            type="button"
                            className="primary"
                            disabled={busy}
                            onClick={() => void run(() => release(h))}
                          >
                            {w('confirm')}
                          </button>
                          <button type="button" onClick={() => setAsking(undefined)}>
                            {w('cancel')}
                          </button>
                        </span>
                      ) : (
                        <button
                          type="button"
                          aria-label={`${w('release')}: ${h.from ?? h.id}`}
                          disabled={busy}
                          onClick={() => setAsking(h)}
                        >
                          {w('release')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {canSend && <MailSendForm onSent={reload} />}
      <h2 id="mail-sent">{w('sent')}</h2>
      <p className="muted">{w('sentHint')}</p>
      {sent === undefined ? (
        <p>{w('loading')}</p>
      ) : sent.length === 0 ? (
        <p>{w('none')}</p>
      ) : (
        <table className="grid" aria-labelledby="mail-sent">
          <thead>
            <tr>
              <th scope="col">{w('when')}</th>
              <th scope="col">{w('document')}</th>
              <th scope="col">{w('to')}</th>
              <th scope="col">{w('channel')}</th>
              <th scope="col">{w('status')}</th>
              {canSend && <th scope="col">{w('actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {sent.map((s) => (
              <tr key={s.id} data-sent={s.id} data-status={s.status}>
                <td>{formatDateTime(s.createdAt)}</td>
                <td>
                  {s.status === 'HANDED_OVER' ? (
                    <a href={`#/doc/${encodeURIComponent(s.id)}`}>{s.documentId}</a>
                  ) : (
                    s.documentId
                  )}
                </td>
                <td>
                  <span data-identifier="">{s.to.join(', ')}</span> ({s.addressee})
                </td>
                <td>
                  {w(s.channel)}
                  {s.channel === 'link' && s.linkExpiresAt && s.status === 'HELD_FOR_JOIN' && (
                    <div className="muted" data-link-expires={s.linkExpiresAt}>
                      {Date.parse(s.linkExpiresAt) <= Date.now()
                        ? w('linkExpired')
                        : `${w('linkUntil')} ${formatDateTime(s.linkExpiresAt)}`}
                      {s.linksIssued && s.linksIssued > 1 ? `; ${w('linksIssued')}: ${s.linksIssued}` : ''}
                    </div>
                  )}
                </td>
                <td>
                  <div data-state="">{stateOf(s)}</div>
                  {s.status !== 'HELD_FOR_JOIN' && (
                    <span className={`status s-${s.status}`}>{w(s.status)}</span>
                  )}
                  {s.decision && (
                    <>
                      {' '}
                      ({w(s.decision.via === 'page' ? 'viaPage' : 'viaReply')}
                      {s.decision.reason ? `: ${s.decision.reason}` : ''})
                    </>
                  )}
                  {s.failure && ` (${errorText(s.failure.code, s.failure.message, lang)})`}
                </td>
                {canSend && (
                  <td>
                    {!linkRenewable(s) ? (
                      '—'
                    ) : resending?.id === s.id ? (
                      <span className="inline confirm" role="group" aria-label={w('resend')}>
                        <span>
                          {w('resendAsk')} № {s.documentId}?
                        </span>
                        <button
                          type="button"
                          className="primary"
                          disabled={busy}
                          onClick={() => void run(() => resend(s))}
                        >
                          {w('confirm')}
                        </button>
                        <button type="button" onClick={() => setResending(undefined)}>
                          {w('cancel')}
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        aria-label={`${w('resend')}: № ${s.documentId}`}
                        disabled={busy}
                        onClick={() => setResending(s)}
                      >
                        {w('resend')}
                      </button>
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
