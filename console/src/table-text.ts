// The words of long tables, their filters and the progress of long steps, kept beside them so that the shared
// dictionary changes little; Russian first, English on request, as everywhere in the console.
import { useI18n } from './i18n';

const ru = {
  rowsInView: 'Строки {from}–{to} из {count}',
  scrollHint: 'прокрутите таблицу, чтобы увидеть остальные.',
  filteredOf: '(отобрано из {of})',
  noRows: 'Нет строк, подходящих под отбор.',
  filters: 'Отбор строк',
  defectsOnly: 'Только с дефектами',
  byPatient: 'Пациент или полис',
  byCode: 'Код дефекта',
  anyCode: 'любой',
  search: 'Поиск по строкам',
  clear: 'Сбросить отбор',
  stepRead: 'Чтение файла',
  stepUpload: 'Передача на узел',
  stepCheck: 'Проверка на узле',
  stepDownload: 'Получение результата',
  stepSend: 'Подпись, шифрование и отправка',
  stepOpen: 'Загрузка акта',
  stepLines: 'Загрузка строк счёта',
  elapsed: 'прошло {s} с',
  inProgress: 'Выполняется',
};

type Text = Record<keyof typeof ru, string>;

const en: Text = {
  rowsInView: 'Rows {from}–{to} of {count}',
  scrollHint: 'scroll the table to see the rest.',
  filteredOf: '(selected from {of})',
  noRows: 'No rows match the filter.',
  filters: 'Filter rows',
  defectsOnly: 'Defects only',
  byPatient: 'Patient or policy',
  byCode: 'Defect code',
  anyCode: 'any',
  search: 'Search the rows',
  clear: 'Clear the filter',
  stepRead: 'Reading the file',
  stepUpload: 'Sending to the node',
  stepCheck: 'Checking at the node',
  stepDownload: 'Receiving the result',
  stepSend: 'Signing, sealing and sending',
  stepOpen: 'Loading the act',
  stepLines: 'Loading the invoice lines',
  elapsed: '{s} s elapsed',
  inProgress: 'In progress',
};

export type TableTextKey = keyof typeof ru;

export function useTableText(): (k: TableTextKey) => string {
  const { lang } = useI18n();
  const dict: Text = lang === 'en' ? en : ru;
  return (k) => dict[k];
}
