// The expert's view of a clinic's answer (decision record 0056): its files, each previewed in the page — an image as
// <img> from a blob URL, a PDF drawn by pdf.js with nothing in it run — and downloaded; its text records; the lines
// the clinic could not document. Medical secrecy: only a role that may `medical.read` opens it; anyone else is told
// so here, and the gateway refuses them too (403, in the audit log).
import { useEffect, useState } from 'react';
import { api, ApiFailure, download, type Me } from '../api';
import { ErrorBox, nameOf, useParticipants } from '../common';
import { formatDate } from '../format';
import { useDocsText, type Kind } from './docs-text';
import { PdfPreview } from './pdf-view';

interface Attachment {
  attachmentId: string;
  fileName: string;
  mediaType: string;
  size: number;
  pages?: number;
  kind: Kind;
  title?: string;
  forLines: string[];
}

interface Answer {
  status?: string;
  document?: {
    header: { documentId: string; sender: { ogrn: string }; addressee: { ogrn: string }; replyToId?: string };
    body: {
      requestNumber: string;
      answerDate: string;
      attachments?: Attachment[];
      records?: Array<{
        recordId: string;
        kind: Kind;
        title: string;
        date?: string;
        text: string;
        forLines: string[];
      }>;
      missing?: Array<{ requestLineId: string; reason: string }>;
    };
  };
}

const kib = (n: number) => `${(n / 1024).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} КиБ`;

export function MedicalView({ id, me }: { id: string; me: Me }) {
  const d = useDocsText();
  const participants = useParticipants();
  const [answer, setAnswer] = useState<Answer | undefined>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<number | undefined>();
  // The answer names the request's lines; a person knows them as the invoice's («строка 3»).
  const [invoiceLine, setInvoiceLine] = useState<Map<string, string>>(new Map());
  const expert = me.operations.includes('medical.read');
  useEffect(() => {
    // A person without the right is told at once, and the gateway's own refusal is shown beside it.
    api<Answer>('GET', `/v1/documents/${encodeURIComponent(id)}`)
      .then((a) => {
        setAnswer(a);
        const h = a.document?.header;
        // The request was sent by this answer's addressee.
        if (h?.replyToId)
          return api<{ document?: { body: { lines: Array<{ rowId: string; invoiceLineId: string }> } } }>(
            'GET',
            `/v1/documents/${encodeURIComponent(`${h.addressee.ogrn}:${h.replyToId}`)}`,
          ).then((r) =>
            setInvoiceLine(new Map((r.document?.body.lines ?? []).map((l) => [l.rowId, l.invoiceLineId]))),
          );
      })
      .catch(setError);
  }, [id]);
  const refused = error instanceof ApiFailure && error.status === 403;
  return (
    <section aria-labelledby="medical-title">
      <p>
        <a href="#/documentation">← {d('back')}</a>
      </p>
      <h1 id="medical-title">{d('answerTitle')}</h1>
      {(!expert || refused) && (
        <p role="note" className="alert error" data-secret="">
          {d('expertOnly')}
        </p>
      )}
      <ErrorBox error={error} />
      {answer?.document && (
        <AnswerBody
          answer={answer.document}
          id={id}
          participants={nameOf(participants, answer.document.header.sender.ogrn)}
          invoiceLine={invoiceLine}
          open={open}
          setOpen={setOpen}
        />
      )}
    </section>
  );
}

function AnswerBody({
  answer,
  id,
  participants,
  open,
  setOpen,
  invoiceLine,
}: {
  answer: NonNullable<Answer['document']>;
  invoiceLine: Map<string, string>;
  id: string;
  participants: string;
  open: number | undefined;
  setOpen: (n: number | undefined) => void;
}) {
  const d = useDocsText();
  const b = answer.body;
  const files = b.attachments ?? [];
  const lines = (rows: string[]) => rows.map((r) => invoiceLine.get(r) ?? r).join(', ');
  return (
    <>
      <p>
        {d('clinic')}: {participants}. {d('request')} № {b.requestNumber}, {d('answerOf')}{' '}
        {formatDate(b.answerDate)}.
      </p>
      {files.length > 0 && (
        <table className="grid" data-files="">
          <caption>{d('files')}</caption>
          <thead>
            <tr>
              <th scope="col">{d('fileName')}</th>
              <th scope="col">{d('kind')}</th>
              <th scope="col">{d('typeByContent')}</th>
              <th scope="col">{d('size')}</th>
              <th scope="col">{d('pages')}</th>
              <th scope="col">{d('forInvoiceLines')}</th>
              <th scope="col">{d('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {files.map((f, n) => (
              <tr key={f.attachmentId} data-file={f.fileName}>
                <td>{f.title ? `${f.title} (${f.fileName})` : f.fileName}</td>
                <td>{d(`kind_${f.kind}`)}</td>
                <td>{typeText(d, f.mediaType)}</td>
                <td className="num nowrap">{kib(f.size)}</td>
                <td className="num">{f.pages ?? ''}</td>
                <td>{lines(f.forLines)}</td>
                <td className="nowrap">
                  <button
                    type="button"
                    aria-pressed={open === n}
                    onClick={() => setOpen(open === n ? undefined : n)}
                  >
                    {d('preview')}
                    <span className="sr-only"> {f.fileName}</span>
                  </button>{' '}
                  <SaveButton id={id} n={n} fileName={f.fileName} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== undefined && files[open] && <Preview id={id} n={open} file={files[open]} key={open} />}
      {(b.records ?? []).map((r) => (
        <article key={r.recordId} className="record" data-record={r.recordId}>
          <h2>
            {d(`kind_${r.kind}`)}: {r.title}
            {r.date ? `, ${formatDate(r.date)}` : ''}
          </h2>
          <p className="hint">
            {d('forInvoiceLines')}: {lines(r.forLines)}
          </p>
          <pre className="record-text">{r.text}</pre>
        </article>
      ))}
      {(b.missing ?? []).length > 0 && (
        <section aria-labelledby="missing-title">
          <h2 id="missing-title">{d('missingTitle')}</h2>
          <ul>
            {(b.missing ?? []).map((m) => (
              <li key={m.requestLineId} data-missing={m.requestLineId}>
                {d('line')} {invoiceLine.get(m.requestLineId) ?? m.requestLineId}: {m.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

const typeText = (d: ReturnType<typeof useDocsText>, t: string) =>
  t === 'application/pdf'
    ? d('type_pdf')
    : t === 'image/jpeg'
      ? d('type_jpeg')
      : t === 'image/png'
        ? d('type_png')
        : d('type_text');

const attachmentPath = (id: string, n: number, inline: boolean) =>
  `/v1/documents/${encodeURIComponent(id)}/attachments/${n}${inline ? '?inline=1' : ''}`;

/** The file fetched once into a blob (the session cookie goes with it) and shown from its blob URL. */
function Preview({ id, n, file }: { id: string; n: number; file: Attachment }) {
  const d = useDocsText();
  const [blob, setBlob] = useState<Blob | undefined>();
  const [url, setUrl] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let made: string | undefined;
    let gone = false;
    download(attachmentPath(id, n, true))
      .then((b) => {
        if (gone) return;
        // The declared type, checked by the gateway on arrival; never what the response might sniff as.
        const typed = new Blob([b], { type: file.mediaType });
        setBlob(typed);
        if (file.mediaType.startsWith('image/')) setUrl((made = URL.createObjectURL(typed)));
      })
      .catch((e: unknown) => !gone && setError(e));
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [id, n, file.mediaType]);
  const title = file.title ?? file.fileName;
  return (
    <section className="preview-box" aria-label={`${d('preview')}: ${title}`} data-preview={file.fileName}>
      <h2>
        {d('preview')}: {title}
      </h2>
      <ErrorBox error={error} />
      {!blob && !error && <p>{d('loading')}</p>}
      {url && <img src={url} alt={`${d(`kind_${file.kind}`)}: ${title}`} className="preview" />}
      {blob && file.mediaType === 'application/pdf' && <PdfPreview blob={blob} title={title} />}
      {blob && file.mediaType === 'text/plain' && <TextPreview blob={blob} />}
    </section>
  );
}

function TextPreview({ blob }: { blob: Blob }) {
  const [text, setText] = useState('');
  useEffect(() => {
    void blob.text().then(setText);
  }, [blob]);
  return <pre className="record-text">{text}</pre>;
}

/** Saves the file under its name: fetched with the session, then handed to the browser from a blob URL. */
function SaveButton({ id, n, fileName }: { id: string; n: number; fileName: string }) {
  const d = useDocsText();
  const [error, setError] = useState<unknown>();
  const save = async () => {
    try {
      const b = await download(attachmentPath(id, n, false));
      const url = URL.createObjectURL(b);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void save()}>
        {d('download')}
        <span className="sr-only"> {fileName}</span>
      </button>
      <ErrorBox error={error} />
    </>
  );
}
