import { fieldCodeEntry } from '@dmsnet/formats/error-codes';
import { FIELD_NAMES_RU } from '@dmsnet/formats/field-places';
import type { RowError } from './convert.js';

export interface ReportEntry {
  row?: number;
  column?: string;
  header?: string;
  pointer: string;
  code: string;
  messageRu: string;
  messageEn: string;
}

export interface ErrorReport {
  file: string;
  at: string;
  errors: ReportEntry[];
}

/** A raw JSON Schema keyword as some paths still report it (`required`), as the format's code (`SCHEMA_REQUIRED`). */
const schemaCode = (code: string) =>
  /^[a-z]/.test(code) ? 'SCHEMA_' + code.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : code;

/**
 * A row error in Russian, from the one registry (formats/src/error-codes.ts); a code it does not know keeps the
 * English message. A schema error says which field, since a cell may hold several: «… не заполнено: дата рождения».
 */
export function russianMessage(code: string, english: string, pointer?: string): string {
  const c = schemaCode(code);
  const ru = fieldCodeEntry(c)?.ru;
  if (!ru) return english;
  const field = c.startsWith('SCHEMA_') ? pointer?.split('/').pop() : undefined;
  return field && !/^\d+$/.test(field) ? `${ru}: ${lowerFirst(FIELD_NAMES_RU[field] ?? field)}` : ru;
}

/** «Дата рождения» → «дата рождения», but «ФИО» and «ЕНП ОМС» stay as they are written. */
const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

export function buildReport(
  file: string,
  errors: readonly RowError[],
  at = new Date().toISOString(),
): ErrorReport {
  return {
    file,
    at,
    errors: errors.map((e) => ({
      ...(e.row !== undefined ? { row: e.row } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
      ...(e.header !== undefined ? { header: e.header } : {}),
      pointer: e.pointer,
      code: e.code,
      messageRu: russianMessage(e.code, e.message, e.pointer),
      messageEn: e.message,
    })),
  };
}

/** The human-readable form: one line per error, the file's own coordinates first. */
export function reportText(report: ErrorReport): string {
  const lines = [
    `Файл / file: ${report.file}`,
    `Ошибок / errors: ${report.errors.length}`,
    '',
    ...report.errors.map((e) => {
      const where =
        e.row !== undefined
          ? `строка/row ${e.row}${e.column ? `, столбец/column ${e.column}` : ''}${e.header ? ` «${e.header}»` : ''}`
          : 'файл/file';
      return `${where} [${e.code}] ${e.messageRu} / ${e.messageEn} (${e.pointer || '/'})`;
    }),
  ];
  return lines.join('\n') + '\n';
}
