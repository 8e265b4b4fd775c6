// A field error said the way a person reads a form or a table: «Строка 2, «Код дефекта»: для снятия укажите код
// дефекта» rather than `ACT_DEFECT_REQUIRED /body/lines/1/defectCode`. JSON Pointers count rows from 0 and name
// fields in the format's English; people count rows from 1 and know the fields by their Russian names. Shared by the
// console, the CLI and e-mail so every one of them says it the same way.
import { fieldCodeEntry } from './error-codes.js';

export type PlaceLang = 'ru' | 'en';

/** The format's field names as staff call them; a pointer's last named segment is looked up here. */
export const FIELD_NAMES_RU: Record<string, string> = {
  actDate: 'Дата акта',
  action: 'Действие',
  actNumber: 'Номер акта',
  additionalInformation: 'Дополнительные сведения',
  address: 'Адрес приёма',
  addressee: 'Получатель',
  amount: 'Сумма',
  amountLimit: 'Лимит',
  attachmentsToFollow: 'Документы, которые будут направлены',
  billingPeriod: 'Отчётный период',
  birthDate: 'Дата рождения',
  cancellationReason: 'Причина отмены',
  cardNumber: 'Номер карты',
  claimed: 'Предъявлено',
  claimedAmount: 'Предъявлено',
  clinicServiceCode: 'Код услуги клиники',
  code: 'Код',
  comment: 'Комментарий',
  complaint: 'Жалобы',
  contactPhone: 'Телефон для связи',
  content: 'Файл',
  contract: 'Договор',
  correctsId: 'Исправляемый документ',
  cover: 'Условие покрытия',
  createdAt: 'Дата создания',
  currency: 'Валюта',
  date: 'Дата',
  decision: 'Решение',
  defectCode: 'Код дефекта',
  diagnosis: 'Диагноз (МКБ-10)',
  doctor: 'Врач',
  documentId: 'Идентификатор документа',
  end: 'Окончание приёма',
  enp: 'ЕНП ОМС',
  errors: 'Ошибки',
  expert: 'Эксперт',
  expertiseType: 'Вид экспертизы',
  explanation: 'Пояснение',
  firstName: 'Имя',
  formatVersion: 'Версия формата',
  franchise: 'Франшиза',
  franchisePercent: 'Франшиза, %',
  from: 'Дата начала',
  fullName: 'ФИО',
  guaranteeLetter: 'Гарантийное письмо',
  informationDueBy: 'Срок представления сведений',
  informationWanted: 'Какие сведения нужны',
  inn: 'ИНН',
  instructions: 'Что взять с собой',
  insurer: 'Страховщик',
  invoiceDate: 'Дата счёта',
  invoiceId: 'Счёт',
  invoiceLineId: 'Строка счёта',
  invoiceNumber: 'Номер счёта',
  issueDate: 'Дата выдачи',
  justification: 'Обоснование',
  kpp: 'КПП',
  lastName: 'Фамилия',
  letterNumber: 'Номер письма',
  limit: 'Лимит',
  limits: 'Лимиты программы',
  letterToFollow: 'Гарантийное письмо поступит позже',
  lines: 'Строки',
  listDate: 'Дата списка',
  listNumber: 'Номер списка',
  mapping: 'Сопоставление',
  match: 'Способ сопоставления',
  message: 'Сообщение',
  middleName: 'Отчество',
  name: 'Наименование',
  number: 'Номер',
  ogrn: 'ОГРН',
  onBehalfOf: 'По поручению страховщика',
  onDate: 'На дату',
  paid: 'К оплате',
  paidAmount: 'К оплате',
  password: 'Пароль',
  patient: 'Пациент',
  percent: 'Процент',
  period: 'Период',
  person: 'Застрахованный',
  phone: 'Телефон',
  plannedPeriod: 'Планируемые даты',
  pointer: 'Место ошибки',
  policyholder: 'Страхователь',
  policyNumber: 'Номер полиса',
  price: 'Цена',
  priceListNumber: 'Номер прейскуранта',
  priceListRef: 'Прейскурант',
  programme: 'Программа',
  quantity: 'Количество',
  reason: 'Пояснение',
  replyToId: 'Документ, на который дан ответ',
  requestDate: 'Дата заявки',
  requestNumber: 'Номер заявки',
  respondBy: 'Срок ответа',
  reviewAction: 'Решение',
  role: 'Роль',
  rowId: 'Номер строки',
  rows: 'Строки',
  section: 'Раздел',
  sender: 'Отправитель',
  serviceCode: 'Код услуги',
  serviceDate: 'Дата оказания',
  serviceEndDate: 'Дата окончания лечения',
  serviceName: 'Услуга',
  services: 'Услуги',
  sex: 'Пол',
  snils: 'СНИЛС',
  specialty: 'Специальность',
  start: 'Начало приёма',
  status: 'Статус',
  territory: 'Территория',
  to: 'Дата окончания',
  total: 'Итого',
  totalAmount: 'Итого',
  totals: 'Итоги',
  type: 'Тип',
  unit: 'Единица',
  unitPrice: 'Цена',
  urgency: 'Срочность',
  username: 'Имя пользователя',
  validity: 'Срок действия',
  vatExempt: 'Без НДС',
  version: 'Версия',
  visits: 'Посещений',
  wishedPeriod: 'Желаемые даты',
  wishedTime: 'Удобное время',
  withheld: 'Снято',
  withheldAmount: 'Снято',
  noticeNumber: 'Номер уведомления',
  noticeDate: 'Дата уведомления',
  actId: 'Акт экспертизы',
  paymentOrder: 'Платёжное поручение',
  purpose: 'Назначение платежа',
  statementNumber: 'Номер акта сверки',
  statementDate: 'Дата акта сверки',
  billed: 'Предъявлено',
  accepted: 'Принято',
  outstanding: 'Задолженность',
  // Medical documentation for expertise (decision record 0056).
  answerDate: 'Дата ответа',
  attachmentId: 'Номер файла',
  attachments: 'Файлы',
  documentation: 'Медицинская документация',
  fileName: 'Имя файла',
  forLines: 'К строкам',
  kind: 'Вид документа',
  mediaType: 'Тип файла',
  missing: 'Нет документации',
  pages: 'Число страниц',
  recordId: 'Номер текста',
  records: 'Тексты',
  requestLineId: 'Строка запроса',
  sha256: 'Контрольная сумма',
  size: 'Размер файла',
  text: 'Текст',
  title: 'Название',
  wanted: 'Что нужно',
};

/** The lists whose items people know as numbered rows of a table or a file. */
const ROW_LISTS = new Set(['lines', 'rows', 'services']);

/** Where a pointer's segments start naming the document or request rather than the part of the HTTP request. */
const ROOTS = new Set(['body', 'query', 'params', 'headers']);

export interface Place {
  /** The 1-based row of the list the pointer goes into, if any. */
  row?: number;
  /** The field's name as people know it, or the format's own name when none is known. */
  field?: string;
}

/** Row and field of a JSON Pointer: `/body/lines/1/defectCode` → row 2, «Код дефекта». */
export function placeOf(pointer: string, lang: PlaceLang = 'ru'): Place {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let row: number | undefined;
  let field: string | undefined;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as string;
    if (/^\d+$/.test(s)) {
      if (i > 0 && ROW_LISTS.has(segments[i - 1] as string) && row === undefined) row = Number(s) + 1;
      continue;
    }
    if (i === 0 && ROOTS.has(s)) continue;
    field = s;
  }
  const name = field === undefined ? undefined : lang === 'ru' ? (FIELD_NAMES_RU[field] ?? field) : field;
  return { ...(row !== undefined ? { row } : {}), ...(name !== undefined ? { field: name } : {}) };
}

/** The place in words: «Строка 2, «Код дефекта»» / "Row 2, defectCode"; empty for the whole document. */
export function placeText(pointer: string, lang: PlaceLang = 'ru'): string {
  const p = placeOf(pointer, lang);
  const parts: string[] = [];
  if (p.row !== undefined) parts.push(`${lang === 'ru' ? 'Строка' : 'Row'} ${p.row}`);
  if (p.field !== undefined) parts.push(lang === 'ru' ? `«${p.field}»` : p.field);
  return parts.join(', ');
}

/**
 * What a field error means, without its place: the registry's words for the code; a code nobody registered keeps
 * the message it came with (its sender's words are better than none).
 */
export function ruleText(code: string, message: string, lang: PlaceLang = 'ru'): string {
  const e = fieldCodeEntry(code);
  if (!e) return message;
  return lang === 'ru' ? e.ru : e.en;
}

/** One field error as a sentence: «Строка 2, «Код дефекта»: для снятия укажите код дефекта». */
export function fieldErrorText(
  e: { pointer: string; code: string; message: string },
  lang: PlaceLang = 'ru',
): string {
  const where = placeText(e.pointer, lang);
  const what = ruleText(e.code, e.message, lang);
  return where ? `${where}: ${what}` : what.charAt(0).toUpperCase() + what.slice(1);
}
