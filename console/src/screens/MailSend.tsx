// Sending a document by e-mail to a correspondent of the address book (decision records 0049, 0057): the person picks
// the correspondent and the document's JSON file (as the back office wrote it); the form addresses the document to the
// correspondent as the address book has it, and the gateway checks it as any document before anything is e-mailed.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorBox, useAction } from '../common';
import { useI18n, type Lang } from '../i18n';

export interface Correspondent {
  ogrn: string;
  inn: string;
  name: string;
  addresses: string[];
  ageRecipient?: string;
}

const TEXT = {
  ru: {
    title: 'Отправить документ по почте',
    hint: 'Для организаций вне сети: документ уйдёт зашифрованным вложением, если корреспондент зарегистрировал ключ, иначе — одноразовой ссылкой с кодом во втором письме.',
    correspondent: 'Корреспондент',
    choose: '— выберите —',
    file: 'Документ (файл JSON)',
    chosen: 'Документ',
    notJson: 'Файл не читается как документ JSON с заголовком (header) и телом (body).',
    send: 'Отправить по почте',
    sent: 'Документ отправлен по почте',
    noBook: 'В адресной книге нет корреспондентов: их добавляет администратор узла.',
    keyed: 'ключ зарегистрирован',
  },
  en: {
    title: 'Send a document by e-mail',
    hint: 'For organisations not on the network: the document goes as an encrypted attachment where the correspondent registered a key, otherwise as a one-time link with its code in a second e-mail.',
    correspondent: 'Correspondent',
    choose: '— choose —',
    file: 'Document (JSON file)',
    chosen: 'Document',
    notJson: 'The file does not read as a JSON document with a header and a body.',
    send: 'Send by e-mail',
    sent: 'The document was sent by e-mail',
    noBook: 'The address book has no correspondents: the node’s admin adds them.',
    keyed: 'key registered',
  },
} satisfies Record<Lang, Record<string, string>>;

interface DocumentFile {
  header: { documentId?: string; type?: string; addressee?: unknown; [k: string]: unknown };
  body: unknown;
}

export function MailSendForm({ onSent }: { onSent: () => Promise<void> }) {
  const { lang, l } = useI18n();
  const w = (k: keyof (typeof TEXT)['ru']) => TEXT[lang][k];
  const [book, setBook] = useState<Correspondent[]>();
  const [ogrn, setOgrn] = useState('');
  const [doc, setDoc] = useState<DocumentFile>();
  const [fileName, setFileName] = useState('');
  const [unreadable, setUnreadable] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const { busy, run } = useAction();

  useEffect(() => {
    api<{ items: Correspondent[] }>('GET', '/v1/mail/correspondents')
      .then((r) => setBook(r.items))
      .catch(setError);
  }, []);

  const read = async (f: File) => {
    setFileName(f.name);
    setDone('');
    setError(undefined);
    try {
      const parsed = JSON.parse(await f.text()) as DocumentFile;
      if (!parsed || typeof parsed.header !== 'object' || !('body' in parsed)) throw new Error('no header');
      setDoc(parsed);
      setUnreadable(false);
    } catch {
      setDoc(undefined);
      setUnreadable(true);
    }
  };

  const send = async () => {
    const c = book?.find((x) => x.ogrn === ogrn);
    if (!c || !doc) return;
    setError(undefined);
    setDone('');
    try {
      // Addressed as the address book has the correspondent: its ОГРН, ИНН and name.
      const document = {
        ...doc,
        header: { ...doc.header, addressee: { ogrn: c.ogrn, inn: c.inn, name: c.name } },
      };
      const sent = await api<{ documentId: string }>('POST', '/v1/mail/outbound', { document });
      setDone(`${w('sent')}: № ${sent.documentId} → ${c.name}`);
      await onSent();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form
      className="card mail-send"
      aria-labelledby="mail-send-title"
      onSubmit={(e) => {
        e.preventDefault();
        void run(send);
      }}
    >
      <h2 id="mail-send-title">{w('title')}</h2>
      <p className="muted">{w('hint')}</p>
      <ErrorBox error={error} />
      {done && (
        <p role="status" className="alert ok">
          {done}
        </p>
      )}
      {book && book.length === 0 ? (
        <p>{w('noBook')}</p>
      ) : (
        <>
          <label>
            {w('correspondent')}
            <select value={ogrn} onChange={(e) => setOgrn(e.target.value)} required name="correspondent">
              <option value="">{w('choose')}</option>
              {(book ?? []).map((c) => (
                <option key={c.ogrn} value={c.ogrn}>
                  {c.name} — ОГРН {c.ogrn}, {c.addresses.join(', ')}
                  {c.ageRecipient ? ` (${w('keyed')})` : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            {w('file')}
            <input
              type="file"
              name="document"
              accept=".json,application/json"
              required
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void read(f);
              }}
            />
          </label>
          {unreadable && (
            <p role="alert" className="alert error">
              {fileName}: {w('notJson')}
            </p>
          )}
          {doc && (
            <p data-document={doc.header.documentId}>
              {w('chosen')}: {l(String(doc.header.type ?? ''))} № {String(doc.header.documentId ?? '—')}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy || !doc || !ogrn}>
            {w('send')}
          </button>
        </>
      )}
    </form>
  );
}
