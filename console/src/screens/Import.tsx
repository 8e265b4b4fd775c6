// Upload a CSV/XLSX file through one of the gateway's mappings; every error is shown at its row and column before
// anything is sent. The addressee is the one the file names (never simply the first in the list), the header fields
// come from the file or are typed here, and a clean file is sent only after a summary the person confirms.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type Me } from '../api';
import { ErrorBox, useParticipants, useAction } from '../common';
import { formatDate, formatMoney, fullName, type PersonName } from '../format';
import { useI18n } from '../i18n';
import { useSendText } from './send-text';
import { Progress, useProgress } from '../progress';
import { VirtualTable } from '../virtual-table';

interface Mapping {
  name: string;
  type: string;
  format: string;
}
interface Preview {
  type: string;
  rows: number;
  /** The file row of each document row: the one numbering the errors use too. */
  fileRows?: Array<number | null>;
  report: {
    errors: Array<{
      row?: number;
      column?: string;
      header?: string;
      pointer: string;
      code: string;
      messageRu: string;
      messageEn: string;
    }>;
  };
  /** Not format errors: e.g. a register's policy that the clinic's roster does not know. */
  notes?: Array<{ index: number; pointer: string; code: string; message: string }>;
  header: HeaderValue[];
  addressee: { ogrn: string; name: string; source: 'file' | 'form' };
  addresseeInFile?: string;
  document: {
    header: { documentId: string };
    body: { lines?: Array<InvoiceLine & PriceLine>; rows?: unknown[] } & Record<string, unknown>;
  };
}
interface HeaderValue {
  field: string;
  pointer: string;
  kind: 'text' | 'date' | 'month';
  label: string;
  value?: unknown;
  text?: string;
  source?: 'file' | 'form' | 'local';
}

/** A header value as the form shows it: what the file wrote, or the value in the console's own way of writing it. */
function shown(h: HeaderValue): string {
  if (h.text !== undefined) return h.text;
  if (typeof h.value === 'string') return h.kind === 'date' ? formatDate(h.value) : h.value;
  const p = h.value as { from?: string; to?: string } | undefined;
  return p?.from ? `${formatDate(p.from)} — ${formatDate(p.to)}` : '';
}

/** The document's own number and date, whichever type it is. */
function numberAndDate(body: Record<string, unknown>): string {
  const pick = (...keys: string[]) =>
    keys.map((k) => body[k]).find((v) => typeof v === 'string') as string | undefined;
  const number = pick('invoiceNumber', 'listNumber', 'priceListNumber', 'letterNumber', 'actNumber');
  const validity = body.validity as { from?: string } | undefined;
  const date = pick('invoiceDate', 'listDate', 'issueDate', 'actDate') ?? validity?.from;
  return [number ? `№ ${number}` : '', date ? `от ${formatDate(date)}` : ''].filter(Boolean).join(' ');
}
interface PriceLine {
  clinicServiceCode?: string;
  name?: string;
  price: number;
  section?: string;
}
interface InvoiceLine {
  rowId: string;
  patient: PersonName & { birthDate?: string; sex?: string; policyNumber?: string };
  serviceCode: string;
  serviceDate: string;
  quantity: number;
  amount: number;
}

const TARGET: Record<string, string> = {
  'insured-list': 'clinic',
  'guarantee-letter': 'clinic',
  invoice: 'insurer',
  'price-list': 'insurer',
};

function base64(file: File, onProgress: (done: number, total: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onprogress = (e) => onProgress(e.loaded, e.total);
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export function Import({ me }: { me: Me }) {
  const { t, l, lang } = useI18n();
  const s = useSendText();
  /** Header fields typed by the person, by field path; sent with the preview, so the document carries them. */
  const [fields, setFields] = useState<Record<string, string>>({});
  const participants = useParticipants();
  const [mappings, setMappings] = useState<Mapping[]>([]);
  const [mapping, setMapping] = useState('');
  const [addressee, setAddressee] = useState('');
  const [file, setFile] = useState<File | undefined>();
  const [preview, setPreview] = useState<Preview | undefined>();
  const [error, setError] = useState<unknown>();
  const { busy, run } = useAction();
  const { progress, step, advance, finish } = useProgress();
  const [sent, setSent] = useState('');
  useEffect(() => {
    api<{ items: Mapping[] }>('GET', '/v1/imports/mappings')
      .then((r) => {
        // Only what this kind of participant sends: an insurer's lists, a clinic's invoices and price lists.
        const mine = r.items.filter(
          (m) => (TARGET[m.type] === 'clinic') === (me.participantRole !== 'clinic'),
        );
        setMappings(mine);
        setMapping(mine[0]?.name ?? '');
      })
      .catch(setError);
  }, [me.participantRole]);
  const type = mappings.find((m) => m.name === mapping)?.type ?? '';
  const targets = participants.filter((p) => p.role === TARGET[type]);
  // No addressee is preselected: the file names it (the preview answers which), or the person chooses one.
  const to = addressee || preview?.addressee.ogrn || '';
  const [sendError, setSendError] = useState<unknown>();
  const check = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!file) return;
    setError(undefined);
    setSendError(undefined);
    setSent('');
    setPreview(undefined);
    try {
      const typed = Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== ''));
      step('stepRead');
      const content = await base64(file, advance);
      // The node's check of a large register takes a while and says nothing until it answers; then its answer
      // (every row of the document) is received with its size known.
      step('stepCheck');
      let receiving = false;
      setPreview(
        await api<Preview>(
          'POST',
          '/v1/imports/preview',
          {
            mapping,
            ...(addressee ? { addressee } : {}),
            ...(Object.keys(typed).length ? { fields: typed } : {}),
            fileName: file.name,
            content,
          },
          {
            onDownload: (done, total) => {
              if (!receiving) {
                receiving = true;
                step('stepDownload');
              }
              advance(done, total);
            },
          },
        ),
      );
    } catch (err) {
      setError(err);
    } finally {
      finish();
    }
  };
  const send = async () => {
    if (!preview) return;
    setSendError(undefined);
    step('stepSend');
    try {
      await api('POST', '/v1/documents', preview.document);
      setSent(
        `${t('sentOk')} ${preview.addressee.name}: ${l(preview.type)} ${numberAndDate(preview.document.body)}`,
      );
      setPreview(undefined);
    } catch (err) {
      setSendError(err);
    } finally {
      finish();
    }
  };
  const reset = () => (setPreview(undefined), setSent(''));
  return (
    <section aria-labelledby="imp-title">
      <h1 id="imp-title">{t('import')}</h1>
      <form className="filters" onSubmit={(e) => (e.preventDefault(), void run(() => check()))}>
        <label>
          {t('mapping')}
          <select
            value={mapping}
            onChange={(e) => (setMapping(e.target.value), setFields({}), setAddressee(''), reset())}
          >
            {mappings.map((m) => (
              <option key={m.name} value={m.name}>
                {l(m.type)} — {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('addressee')}
          <select value={to} onChange={(e) => (setAddressee(e.target.value), reset())}>
            <option value="">{preview ? '' : `— ${s('summaryFromFile')} —`}</option>
            {targets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {/* The browser's own picker says "Choose File" in its own language: the label is the visible button. */}
        <label className="file-picker">
          {t('file')}
          <input
            type="file"
            name="file"
            accept=".csv,.xlsx"
            aria-label={t('file')}
            aria-describedby="file-name"
            // A chosen addressee stays: people pick the insurer first as often as the file.
            onChange={(e) => (setFile(e.target.files?.[0]), setFields({}), reset())}
          />
          <span className="pick">
            <span className="button" aria-hidden="true">
              {t('chooseFile')}
            </span>
            <span id="file-name" className="name">
              {file ? file.name : t('noFile')}
            </span>
          </span>
        </label>
        <button type="submit" className="primary" disabled={!file || busy}>
          {t('preview')}
        </button>
      </form>
      <Progress state={progress} />
      <ErrorBox error={error} />
      {preview && preview.header.length > 0 && (
        <fieldset className="filters header-fields">
          <legend>{s('headerFields')}</legend>
          {preview.header.map((h) => (
            <label key={h.field} data-field={h.field} data-source={h.source ?? 'missing'}>
              {h.label}
              <input
                value={fields[h.field] ?? shown(h)}
                aria-invalid={h.value === undefined}
                placeholder={h.kind === 'date' ? 'дд.мм.гггг' : h.kind === 'month' ? 'декабрь 2026' : ''}
                onChange={(e) => setFields({ ...fields, [h.field]: e.target.value })}
              />
              <span className="muted">
                {h.source === 'file'
                  ? s('fromFile')
                  : h.source === 'form'
                    ? s('fromForm')
                    : h.source === 'local'
                      ? s('fromLocal')
                      : s('missing')}
              </span>
            </label>
          ))}
          <button type="button" disabled={busy} onClick={() => void run(() => check())}>
            {t('preview')}
          </button>
        </fieldset>
      )}
      {sent && (
        <p role="status" className="alert ok">
          {sent}
        </p>
      )}
      {preview &&
        (preview.report.errors.length ? (
          <table className="grid">
            <caption>
              {t('rowErrors')} ({preview.report.errors.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('row')}</th>
                <th scope="col">{t('column')}</th>
                <th scope="col">{t('message')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.report.errors.map((x, i) => (
                <tr key={i} data-code={x.code}>
                  <td className="num">{x.row ?? ''}</td>
                  <td>
                    {x.column ?? ''} {x.header ? `«${x.header}»` : ''}
                  </td>
                  <td>
                    {/* The code stays in the row's data-code, for support. */}
                    {lang === 'ru' ? x.messageRu : x.messageEn}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <section className="alert ok summary" aria-labelledby="summary-title" data-summary>
            <h2 id="summary-title">{s('summary')}</h2>
            <dl className="fields">
              <div>
                <dt>{s('summaryAddressee')}</dt>
                <dd data-addressee={preview.addressee.ogrn}>
                  <strong>{preview.addressee.name}</strong>{' '}
                  <span className="muted">
                    {preview.addressee.source === 'file'
                      ? `(${s('summaryFromFile')}: «${preview.addresseeInFile ?? ''}»)`
                      : ''}
                  </span>
                </dd>
              </div>
              <div>
                <dt>{s('summaryNumber')}</dt>
                <dd data-number>
                  {l(preview.type)} {numberAndDate(preview.document.body)}
                </dd>
              </div>
              <div>
                <dt>{s('summaryRows')}</dt>
                <dd data-rows>{preview.rows}</dd>
              </div>
              {typeof preview.document.body.total === 'number' && (
                <div>
                  <dt>{s('summaryTotal')}</dt>
                  <dd data-total>{formatMoney(preview.document.body.total)}</dd>
                </div>
              )}
            </dl>
            <ErrorBox error={sendError} />
            <button type="button" className="primary" disabled={busy} onClick={() => void run(send)}>
              {s('signAndSend')}
            </button>
          </section>
        ))}
      {preview?.type === 'invoice' && <RegisterRows preview={preview} />}
      {preview?.type === 'price-list' && <PriceRows preview={preview} />}
    </section>
  );
}

/** A register's rows as the document will carry them, every one of them (windowed), a policy the roster does not know
 * and a row with an error marked at its row. */
function RegisterRows({ preview }: { preview: Preview }) {
  const { t, l } = useI18n();
  const lines = preview.document.body.lines ?? [];
  const notes = new Map((preview.notes ?? []).map((n) => [n.index, n]));
  const bad = new Set(preview.report.errors.map((e) => e.row));
  return (
    <VirtualTable
      name="register-rows"
      caption={
        <>
          {t('rowsToSend')} ({lines.length.toLocaleString('ru-RU')}
          {notes.size ? `; ${t('rosterNotes')}: ${notes.size}` : ''})
        </>
      }
      count={lines.length}
      widths={['6%', '21%', '12%', '5%', '16%', '12%', '11%', '17%']}
      rowKey={(i) => String(i)}
      head={
        <tr>
          <th scope="col">{t('row')}</th>
          <th scope="col">{t('patient')}</th>
          <th scope="col">{t('birthDate')}</th>
          <th scope="col">{t('sex')}</th>
          <th scope="col">{t('policy')}</th>
          <th scope="col">{t('service')}</th>
          <th scope="col">{t('date')}</th>
          <th scope="col" className="num">
            {t('amount')}
          </th>
        </tr>
      }
      row={(i) => {
        const x = lines[i] as InvoiceLine;
        const note = notes.get(i);
        const fileRow = preview.fileRows?.[i] ?? undefined;
        const broken = fileRow !== undefined && bad.has(fileRow);
        return {
          className: broken ? 'bad' : note ? 'warn' : undefined,
          data: { row: i, 'file-row': fileRow, error: broken ? '' : undefined, note: note?.code },
          cells: (
            <>
              <td className="num">{fileRow ?? ''}</td>
              <td>{fullName(x.patient)}</td>
              <td>{formatDate(x.patient.birthDate)}</td>
              <td>{x.patient.sex ? l(x.patient.sex) : ''}</td>
              <td>
                {x.patient.policyNumber}
                {note && (
                  <div className="note">
                    ⚠ {t(note.code === 'ROSTER_NAME_DIFFERS' ? 'nameDiffersInRoster' : 'notInRoster')}
                  </div>
                )}
              </td>
              <td>{x.serviceCode}</td>
              <td>{formatDate(x.serviceDate)}</td>
              <td className="num">{formatMoney(x.amount)}</td>
            </>
          ),
        };
      }}
    />
  );
}

/** A price list's services as they will be sent: the clinic's code beside the Nomenclature's, the price. */
function PriceRows({ preview }: { preview: Preview }) {
  const { t } = useI18n();
  const lines = preview.document.body.lines ?? [];
  return (
    <VirtualTable
      name="price-rows"
      caption={
        <>
          {t('rowsToSend')} ({lines.length.toLocaleString('ru-RU')})
        </>
      }
      count={lines.length}
      widths={['25%', '55%', '20%']}
      rowKey={(i) => String(i)}
      head={
        <tr>
          <th scope="col">{t('service')}</th>
          <th scope="col">{t('name')}</th>
          <th scope="col" className="num">
            {t('price')}
          </th>
        </tr>
      }
      row={(i) => {
        const x = lines[i] as PriceLine & InvoiceLine;
        return {
          data: { row: i },
          cells: (
            <>
              <td className="nowrap">
                {x.serviceCode}
                {x.clinicServiceCode ? <span className="muted"> ({x.clinicServiceCode})</span> : null}
              </td>
              <td>
                {x.name}
                {x.section ? <div className="muted">{x.section}</div> : null}
              </td>
              <td className="num nowrap">{formatMoney(x.price)}</td>
            </>
          ),
        };
      }}
    />
  );
}
