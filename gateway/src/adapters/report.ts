import type { RowError } from './convert.js';

/** Russian wording of the codes a clinic's or insurer's staff meet most; others fall back to the English message. */
const RU: Record<string, string> = {
  FILE_EMPTY: 'файл пустой (0 байт)',
  XLSX_NOT_A_WORKBOOK: 'файл не является книгой Excel (XLSX)',
  SPREADSHEET_UNREADABLE: 'книгу XLS/ODS не удаётся прочитать',
  SPREADSHEET_NO_SHEET: 'в книге нет ни одного листа',
  SPREADSHEET_TOO_LARGE:
    'книга слишком велика для чтения (или повреждена: архив распаковывается больше заявленного)',
  FILE_KIND_UNSUPPORTED: 'файл такого вида не читается: принимаются CSV, XLSX, XLS (Excel 97–2003) и ODS',
  SHEET_NOT_FOUND: 'в книге нет листа, указанного в сопоставлении',
  CSV_UNTERMINATED_QUOTE: 'в CSV не закрыта кавычка',
  HEADER_NOT_FOUND: 'не найдена строка заголовков с нужными столбцами',
  NO_ROWS: 'в файле нет строк с данными',
  DATE_INVALID: 'дата должна быть в виде ДД.ММ.ГГГГ и существовать в календаре',
  MONEY_INVALID: 'сумма должна быть числом, не более двух знаков после запятой',
  MONEY_NOT_KOPECKS: 'в сумме больше двух знаков после запятой: суммы не округляются',
  INTEGER_INVALID: 'должно быть целое число',
  SEX_INVALID: 'пол должен быть М или Ж',
  FULL_NAME_INVALID: 'ФИО должно содержать как минимум фамилию и имя',
  PROGRAMME_UNKNOWN: 'программа не указана в файле сопоставления',
  SERVICE_CODE_UNKNOWN: 'код услуги клиники не найден в прейскуранте',
  VALUE_UNKNOWN: 'недопустимое значение',
  PARTY_INVALID: 'неверно указана организация',
  INN_FORMAT: 'ИНН должен содержать 10 или 12 цифр',
  INN_CHECKSUM: 'неверное контрольное число ИНН',
  OGRN_FORMAT: 'неверный формат ОГРН',
  OGRN_CHECKSUM: 'неверное контрольное число ОГРН',
  SNILS_FORMAT: 'СНИЛС должен содержать 11 цифр',
  SNILS_CHECKSUM: 'ошибка в контрольном числе СНИЛС',
  ENP_FORMAT: 'ЕНП ОМС должен содержать 16 цифр',
  ENP_CHECKSUM: 'неверное контрольное число ЕНП ОМС',
  ICD10_FORMAT: 'неверный код МКБ-10',
  SERVICE_CODE_FORMAT: 'код услуги не соответствует Номенклатуре (804н)',
  PERIOD_ORDER: 'дата окончания раньше даты начала',
  BIRTH_DATE_FUTURE: 'дата рождения позже даты документа',
  SERVICE_DATE_OUTSIDE_PERIOD: 'дата оказания услуги вне отчётного периода',
  LINE_AMOUNT_MISMATCH: 'сумма строки не равна количеству, умноженному на цену',
  TOTAL_MISMATCH: 'итог не равен сумме строк',
  ROW_ID_DUPLICATE: 'номер строки повторяется',
  SERVICE_DUPLICATE: 'услуга указана в прейскуранте дважды с одной даты',
  ADDRESSEE_IS_SENDER: 'адресат совпадает с отправителем',
  required: 'обязательное поле не заполнено',
  pattern: 'значение не соответствует формату',
  format: 'значение не соответствует формату',
  type: 'неверный тип значения',
  enum: 'недопустимое значение',
  additionalProperties: 'лишнее поле',
  minLength: 'значение слишком короткое',
  maxLength: 'значение слишком длинное',
  SCHEMA_REQUIRED: 'обязательное поле не заполнено',
  SCHEMA_PATTERN: 'значение не соответствует формату',
  SCHEMA_FORMAT: 'значение не соответствует формату',
  SCHEMA_TYPE: 'неверный тип значения',
  SCHEMA_ENUM: 'недопустимое значение',
  SCHEMA_ADDITIONAL_PROPERTIES: 'лишнее поле',
  SCHEMA_MIN_LENGTH: 'значение слишком короткое',
  SCHEMA_MAX_LENGTH: 'значение слишком длинное',
};

/** The fields a schema error most often names, as staff call them (the cell alone may hold several: «ФИО»). */
const FIELD_RU: Record<string, string> = {
  birthDate: 'дата рождения',
  sex: 'пол',
  policyNumber: 'номер полиса',
  lastName: 'фамилия',
  firstName: 'имя',
  middleName: 'отчество',
  serviceDate: 'дата оказания',
  serviceCode: 'код услуги',
  quantity: 'количество',
  unitPrice: 'цена',
  amount: 'сумма',
};

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

export function russianMessage(code: string, english: string, pointer?: string): string {
  const ru = RU[code] ?? RU[code.toLowerCase()];
  if (!ru) return english;
  // A schema error says which field: «обязательное поле не заполнено: дата рождения».
  const field = code.startsWith('SCHEMA_') ? pointer?.split('/').pop() : undefined;
  return field ? `${ru}: ${FIELD_RU[field] ?? field}` : ru;
}

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
