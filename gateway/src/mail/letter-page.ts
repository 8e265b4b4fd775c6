// The pages a correspondent sees behind a download link (decision record 0049), in Russian, with no script and no
// style of their own: the gateway's Content-Security-Policy (the console's) allows neither inline, and a form posts
// only to this origin. Everything from the document is escaped.
import { russianMessage } from '../adapters/report.js';

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title></head>
<body><main><h1>${esc(title)}</h1>
${body}
<p><small>Страница узла сети dmsnet. Документ передан отправителем через защищённый канал.</small></p>
</main></body></html>`;
}

export function codePage(documentId: string, expiresAt: string | undefined, error?: string): string {
  return page(
    `Документ № ${documentId}`,
    `${error ? `<p role="alert">${esc(error)}</p>` : ''}
<p>Введите код доступа из отдельного письма. Ссылку можно открыть один раз${
      expiresAt
        ? `; она действует до ${esc(new Date(expiresAt).toLocaleString('ru-RU', { timeZone: 'Europe/Moscow' }))} (МСК)`
        : ''
    }.</p>
<form method="post"><label for="code">Код доступа</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="16">
<button type="submit">Открыть документ</button></form>`,
  );
}

export function errorPage(code: string, message: string): string {
  return page(
    'Документ недоступен',
    `<p role="alert">${esc(russianMessage(code, message, ''))} [${esc(code)}]</p>
<p>Ответить на документ по-прежнему можно ответом на письмо с уведомлением.</p>`,
  );
}

/** A value as text: nested objects as `key: value` pairs, so nothing is lost in the table. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map(text).join('; ');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${text(x)}`)
    .join(', ');
}

function table(caption: string, rows: Array<Record<string, unknown>>): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return `<table><caption>${esc(caption)} (строк: ${rows.length})</caption>
<thead><tr>${cols.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${cols.map((c) => `<td>${esc(text(r[c]))}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
}

/** The document as the correspondent opened it, and the form that answers it (one page session, once). */
export function documentPage(
  doc: { header: Record<string, unknown>; body: Record<string, unknown> },
  session: string,
  token: string,
): string {
  const h = doc.header;
  const fields = Object.entries(doc.body).filter(
    ([, v]) => !(Array.isArray(v) && v.every((x) => x && typeof x === 'object')),
  );
  const tables = Object.entries(doc.body).filter(
    ([, v]) => Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object'),
  ) as Array<[string, Array<Record<string, unknown>>]>;
  return page(
    `Документ № ${String(h.documentId)}`,
    `<p>Ссылка использована: эту страницу нельзя открыть снова. Сохраните документ, если он нужен.</p>
<dl>${Object.entries(h)
      .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(text(v))}</dd>`)
      .join('')}${fields.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(text(v))}</dd>`).join('')}</dl>
${tables.map(([k, rows]) => table(k, rows)).join('\n')}
<form method="post" action="${esc(token)}/document.json"><input type="hidden" name="session" value="${esc(session)}">
<button type="submit">Скачать документ (JSON)</button></form>
<h2>Ответ отправителю</h2>
<form method="post" action="${esc(token)}/decision"><input type="hidden" name="session" value="${esc(session)}">
<fieldset><legend>Решение</legend>
<input type="radio" id="accept" name="decision" value="ACCEPTED" required><label for="accept">Принять</label>
<input type="radio" id="reject" name="decision" value="REJECTED"><label for="reject">Отклонить</label>
</fieldset>
<label for="reason">Причина отклонения</label>
<textarea id="reason" name="reason" maxlength="1000"></textarea>
<button type="submit">Отправить ответ</button></form>`,
  );
}

export function decidedPage(documentId: string, status: 'ACCEPTED' | 'REJECTED' | string): string {
  return page(
    `Документ № ${documentId}`,
    `<p role="status">Ответ записан: документ ${status === 'ACCEPTED' ? 'принят' : 'отклонён'}. Отправитель его увидит.</p>`,
  );
}
