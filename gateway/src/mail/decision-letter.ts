// The answer to a correspondent when a person at the node decided on its e-mailed document: accepted, or rejected
// with the rows and columns of the file it sent (the document's rows are mapped back to the file's rows).
import { russianMessage } from '../adapters/report.js';
import type { InboxRecord } from '../node/index.js';

export function decisionText(rec: InboxRecord): string {
  const email = rec.email!;
  const documentId = rec.messageId.slice(rec.messageId.indexOf(':') + 1);
  const head = `Файл «${email.attachment.name}» (документ ${documentId})`;
  const lines = ['Здравствуйте!', ''];
  if (rec.status === 'ACCEPTED') {
    lines.push(`${head} принят.`);
    if (rec.comment) lines.push(`Комментарий: ${rec.comment}`);
  } else {
    lines.push(`${head} отклонён${rec.comment ? `: ${rec.comment}` : '.'}`);
    for (const e of rec.rejection?.errors ?? []) {
      const m = /^\/body\/[A-Za-z]+\/(\d+)(\/.*)?$/.exec(e.pointer);
      const fileRow = m ? email.fileRows?.[Number(m[1])] : undefined;
      const where = fileRow ? `строка ${fileRow}` : m ? `строка документа ${Number(m[1]) + 1}` : 'документ';
      lines.push(`  – ${where} (${e.pointer}): ${russianMessage(e.code, e.message, e.pointer)} [${e.code}]`);
    }
    lines.push('', 'Исправьте файл и пришлите его снова ответом на это письмо.');
  }
  lines.push('', 'Это письмо отправлено автоматически узлом сети dmsnet.');
  return lines.join('\n');
}
