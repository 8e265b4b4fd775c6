// The clinic answers a documentation request (decision record 0056): files (PDF, JPEG, PNG) each described as the
// browser reads it — its type by its first bytes, size, SHA-256, a PDF's pages — structured text records, and the
// lines it cannot document with the reason. One multipart upload carries the document and its files, with progress.
import { useEffect, useState, type FormEvent } from 'react';
import { api, upload, type Me } from '../api';
import { ErrorBox, nameOf, useAction, useParticipants } from '../common';
import { formatDate, fullName } from '../format';
import { useDocsText, KINDS, type Kind } from './docs-text';
import { fileFacts, type FileFacts } from './file-facts';
import type { RequestDoc } from './Documentation';

interface Picked {
  file: File;
  facts?: FileFacts;
  /** Typed by the person when pdf.js could not count the pages. */
  pages: string;
  kind: Kind;
  forLines: string[];
}

interface TextRecord {
  kind: Kind;
  title: string;
  date: string;
  text: string;
  forLines: string[];
}

const ACCEPTED = ['application/pdf', 'image/jpeg', 'image/png'];
const todayIso = () =>
  new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
const kib = (n: number) => `${(n / 1024).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} КиБ`;

export function DocumentationAnswer({ id, me }: { id: string; me: Me }) {
  const d = useDocsText();
  const participants = useParticipants();
  const [request, setRequest] = useState<RequestDoc | undefined>();
  const [files, setFiles] = useState<Picked[]>([]);
  const [records, setRecords] = useState<TextRecord[]>([]);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState('');
  const [progress, setProgress] = useState<{ sent: number; total?: number } | undefined>();
  const { busy, run } = useAction();
  const canSend = me.operations.includes('send');

  useEffect(() => {
    api<{ document?: RequestDoc }>('GET', `/v1/documents/${encodeURIComponent(id)}`)
      .then((v) => setRequest(v.document))
      .catch(setError);
  }, [id]);
  if (!request) return error ? <ErrorBox error={error} /> : <p>{d('loading')}</p>;
  const lines = request.body.lines;
  const allLines = lines.map((l) => l.rowId);

  const pick = (list: FileList | null) => {
    const added: Picked[] = [...(list ?? [])].map((file) => ({
      file,
      pages: '',
      kind: 'other',
      forLines: allLines,
    }));
    setFiles((f) => [...f, ...added]);
    // Each file is read in the background: its facts appear beside it as soon as they are known.
    for (const p of added)
      void fileFacts(p.file).then((facts) =>
        setFiles((f) =>
          f.map((x) =>
            x === p || x.file === p.file
              ? { ...x, facts, pages: facts.pages ? String(facts.pages) : x.pages }
              : x,
          ),
        ),
      );
  };
  const setFile = (i: number, patch: Partial<Picked>) =>
    setFiles((f) => f.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const setRecord = (i: number, patch: Partial<TextRecord>) =>
    setRecords((r) => r.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSent('');
    const documentId = `MD-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    const attachments = files.map((p, i) => ({
      attachmentId: `A${i + 1}`,
      fileName: p.file.name,
      // The type the content says it is; a file the browser could not recognise goes as its name says, and the
      // gateway refuses it at its pointer.
      mediaType: p.facts?.mediaType ?? p.file.type,
      size: p.file.size,
      sha256: p.facts?.sha256 ?? '',
      ...(p.facts?.mediaType === 'application/pdf' || p.pages ? { pages: Number(p.pages) || 0 } : {}),
      kind: p.kind,
      forLines: p.forLines,
    }));
    const texts = records.map((r, i) => ({
      recordId: `R${i + 1}`,
      kind: r.kind,
      title: r.title.trim(),
      ...(r.date ? { date: r.date } : {}),
      text: r.text.trim(),
      forLines: r.forLines,
    }));
    const gaps = Object.entries(missing).map(([requestLineId, reason]) => ({
      requestLineId,
      reason: reason.trim(),
    }));
    const document = {
      header: {
        documentId,
        type: 'medical-documentation',
        formatVersion: '1',
        sender: { ogrn: me.participantId },
        addressee: { ogrn: request.header.sender.ogrn },
        createdAt: new Date().toISOString(),
        replyToId: request.header.documentId,
      },
      body: {
        requestNumber: request.body.requestNumber,
        answerDate: todayIso(),
        invoiceId: (request.body as { invoiceId?: string }).invoiceId,
        ...(attachments.length ? { attachments } : {}),
        ...(texts.length ? { records: texts } : {}),
        ...(gaps.length ? { missing: gaps } : {}),
      },
    };
    const form = new FormData();
    form.append(
      'document',
      new Blob([JSON.stringify(document)], { type: 'application/json' }),
      'document.json',
    );
    for (const p of files) form.append('file', p.file, p.file.name);
    setProgress({ sent: 0 });
    try {
      await upload('/v1/medical-documentation', form, (s, total) => setProgress({ sent: s, total }));
      setSent(d('answerSent'));
      setFiles([]);
      setRecords([]);
      setMissing({});
    } catch (err) {
      setError(err);
    } finally {
      setProgress(undefined);
    }
  };

  const share = progress?.total ? Math.round((progress.sent / progress.total) * 100) : undefined;
  return (
    <section aria-labelledby="answer-title">
      <p>
        <a href="#/documentation">← {d('back')}</a>
      </p>
      <h1 id="answer-title">
        {d('request')} № {request.body.requestNumber}
      </h1>
      <p>
        {d('payer')}: {nameOf(participants, request.header.sender.ogrn)}. {d('invoice')} №{' '}
        {request.body.invoiceNumber}. {d('respondBy')}: <strong>{formatDate(request.body.respondBy)}</strong>
      </p>
      <table className="grid">
        <caption>{d('requestedLines')}</caption>
        <thead>
          <tr>
            <th scope="col">{d('line')}</th>
            <th scope="col">{d('patient')}</th>
            <th scope="col">{d('service')}</th>
            <th scope="col">{d('serviceDate')}</th>
            <th scope="col">{d('wanted')}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.rowId}>
              <td>{l.invoiceLineId}</td>
              <td>{fullName(l.patient)}</td>
              <td>{l.serviceCode}</td>
              <td className="nowrap">{formatDate(l.serviceDate)}</td>
              <td>{l.wanted.map((w) => d(`kind_${w as Kind}`)).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canSend ? (
        <form onSubmit={(e) => void run(() => submit(e))} className="docs-answer">
          <fieldset>
            <legend>{d('files')}</legend>
            {/* The browser's own picker speaks its own language: the label is the visible button. */}
            <label className="file-picker">
              {d('addFiles')}
              <input
                type="file"
                multiple
                accept={`${ACCEPTED.join(',')},.pdf,.jpg,.jpeg,.png`}
                aria-describedby="docs-files-count"
                onChange={(e) => {
                  pick(e.target.files);
                  // Cleared at once so that choosing the same file again is noticed.
                  e.target.value = '';
                }}
              />
              <span className="pick">
                <span className="button" aria-hidden="true">
                  {d('chooseFiles')}
                </span>
                <span id="docs-files-count" className="name">
                  {files.length ? `${d('chosen')}: ${files.length}` : d('noFiles')}
                </span>
              </span>
            </label>
            {files.length > 0 && (
              <table className="grid" data-files="">
                <caption className="sr-only">{d('files')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{d('fileName')}</th>
                    <th scope="col">{d('typeByContent')}</th>
                    <th scope="col">{d('size')}</th>
                    <th scope="col">{d('pages')}</th>
                    <th scope="col">{d('kind')}</th>
                    <th scope="col">{d('forLines')}</th>
                    <th scope="col">{d('actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {files.map((p, i) => {
                    const f = p.facts;
                    const named = `${d('file')} ${p.file.name}`;
                    const lying = f && f.mediaType && p.file.type && f.mediaType !== p.file.type;
                    return (
                      <tr key={`${p.file.name}-${i}`} data-file={p.file.name}>
                        <td>
                          {p.file.name}
                          {f && (
                            <div className="hint mono" title="SHA-256">
                              {f.sha256.slice(0, 16)}…
                            </div>
                          )}
                        </td>
                        <td data-sniffed={f?.mediaType ?? ''}>
                          {!f ? (
                            d('reading')
                          ) : f.mediaType && ACCEPTED.includes(f.mediaType) ? (
                            d(`type_${f.mediaType.split('/')[1] as 'pdf' | 'jpeg' | 'png'}`)
                          ) : (
                            <strong className="field-error">{d('typeUnknown')}</strong>
                          )}
                          {lying && <div className="field-error">{d('typeLies')}</div>}
                        </td>
                        <td className="num nowrap">{kib(p.file.size)}</td>
                        <td>
                          {f?.mediaType === 'application/pdf' && (
                            <input
                              aria-label={`${d('pages')}, ${named}`}
                              inputMode="numeric"
                              size={5}
                              value={p.pages}
                              onChange={(e) => setFile(i, { pages: e.target.value.replace(/\D/g, '') })}
                            />
                          )}
                        </td>
                        <td>
                          <KindSelect
                            label={`${d('kind')}, ${named}`}
                            value={p.kind}
                            onChange={(kind) => setFile(i, { kind })}
                          />
                        </td>
                        <td>
                          <LinePicks
                            lines={lines}
                            label={named}
                            value={p.forLines}
                            onChange={(forLines) => setFile(i, { forLines })}
                          />
                        </td>
                        <td>
                          <button type="button" onClick={() => setFiles((x) => x.filter((_, j) => j !== i))}>
                            {d('remove')}
                            <span className="sr-only"> {p.file.name}</span>
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </fieldset>
          <fieldset>
            <legend>{d('records')}</legend>
            {records.map((r, i) => {
              const named = `${d('record')} ${i + 1}`;
              return (
                <div key={i} className="record-form grid-form" data-record={i + 1}>
                  <KindSelect
                    label={`${d('kind')}, ${named}`}
                    value={r.kind}
                    onChange={(kind) => setRecord(i, { kind })}
                  />
                  <label>
                    {d('recordTitle')}
                    <input
                      value={r.title}
                      onChange={(e) => setRecord(i, { title: e.target.value })}
                      aria-label={`${d('recordTitle')}, ${named}`}
                    />
                  </label>
                  <label className="wide">
                    {d('recordText')}
                    <textarea
                      rows={4}
                      value={r.text}
                      onChange={(e) => setRecord(i, { text: e.target.value })}
                      aria-label={`${d('recordText')}, ${named}`}
                    />
                  </label>
                  <LinePicks
                    lines={lines}
                    label={named}
                    value={r.forLines}
                    onChange={(forLines) => setRecord(i, { forLines })}
                  />
                  <button type="button" onClick={() => setRecords((x) => x.filter((_, j) => j !== i))}>
                    {d('remove')}
                    <span className="sr-only"> {named}</span>
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              onClick={() =>
                setRecords((x) => [
                  ...x,
                  { kind: 'discharge-summary', title: '', date: '', text: '', forLines: allLines },
                ])
              }
            >
              {d('addRecord')}
            </button>
          </fieldset>
          <fieldset>
            <legend>{d('missingTitle')}</legend>
            {lines.map((l) => {
              const named = `${d('line')} ${l.invoiceLineId}`;
              const on = l.rowId in missing;
              return (
                <div key={l.rowId} className="missing-line">
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={(e) =>
                        setMissing((m) => {
                          const n = { ...m };
                          if (e.target.checked) n[l.rowId] = '';
                          else delete n[l.rowId];
                          return n;
                        })
                      }
                    />{' '}
                    {d('noDocs')}, {named}
                  </label>
                  {on && (
                    <label>
                      {d('reason')}
                      <input
                        aria-label={`${d('reason')}, ${named}`}
                        value={missing[l.rowId]}
                        onChange={(e) => setMissing((m) => ({ ...m, [l.rowId]: e.target.value }))}
                      />
                    </label>
                  )}
                </div>
              );
            })}
          </fieldset>
          {progress && (
            <div className="progress" role="status" data-step="upload">
              <span className="progress-step">{d('uploading')}</span>
              <progress
                aria-label={d('uploading')}
                {...(share !== undefined ? { value: share, max: 100 } : {})}
              />
              <span className="muted">{share !== undefined ? `${share} %` : ''}</span>
            </div>
          )}
          <ErrorBox error={error} />
          {sent && (
            <p role="status" className="alert ok">
              {sent}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || files.some((p) => !p.facts)}>
              {d('sendAnswer')}
            </button>
          </div>
        </form>
      ) : (
        <p className="hint">{d('cannotSend')}</p>
      )}
    </section>
  );
}

function KindSelect({ label, value, onChange }: { label: string; value: Kind; onChange: (k: Kind) => void }) {
  const d = useDocsText();
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as Kind)}>
      {KINDS.map((k) => (
        <option key={k} value={k}>
          {d(`kind_${k}`)}
        </option>
      ))}
    </select>
  );
}

/** Which request lines an item documents: one checkbox per line, all ticked at first. */
function LinePicks({
  lines,
  label,
  value,
  onChange,
}: {
  lines: RequestDoc['body']['lines'];
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
}) {
  const d = useDocsText();
  return (
    <span className="line-picks">
      {lines.map((l) => (
        <label key={l.rowId} className="check">
          <input
            type="checkbox"
            aria-label={`${d('line')} ${l.invoiceLineId}, ${label}`}
            checked={value.includes(l.rowId)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, l.rowId] : value.filter((x) => x !== l.rowId))
            }
          />
          {l.invoiceLineId}
        </label>
      ))}
    </span>
  );
}
