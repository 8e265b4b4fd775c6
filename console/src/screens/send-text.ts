// The words of the send path (upload summary, withdrawal), kept beside its screens so that the shared dictionary
// changes little; Russian first, English on request, as everywhere in the console.
import { useI18n } from '../i18n';

const ru = {
  withdraw: 'Отозвать документ',
  withdrawWhy: 'Причина отзыва (её увидит получатель)',
  withdrawConfirm: 'Подтвердить отзыв',
  withdrawCancel: 'Не отзывать',
  withdrawHint:
    'Отзыв возможен, пока получатель не принял решение. После отзыва получатель не сможет принять или отклонить документ; файл можно отправить заново нужному получателю.',
  withdrawnOk: 'Документ отозван. Теперь файл можно отправить заново нужному получателю.',
  sendAgain: 'Загрузить файл заново',
  withdrawnBySender: 'Отправитель отозвал документ',
  withdrawnByUs: 'Документ отозван',
  summary: 'Проверьте перед отправкой',
  summaryAddressee: 'Получатель',
  summaryNumber: 'Номер и дата',
  summaryRows: 'Строк',
  summaryTotal: 'Итого, руб.',
  summaryFromFile: 'указан в файле',
  summaryNotInFile: 'в файле не указан — выберите получателя',
  signAndSend: 'Подписать и отправить',
  headerFields: 'Реквизиты документа',
  fromFile: 'из файла',
  fromForm: 'введено вручную',
  fromLocal: 'из списка застрахованных',
  missing: 'в файле нет — введите',
} as const;

type Text = Record<keyof typeof ru, string>;

const en: Text = {
  withdraw: 'Withdraw the document',
  withdrawWhy: 'Why (the addressee sees it)',
  withdrawConfirm: 'Confirm the withdrawal',
  withdrawCancel: 'Keep it',
  withdrawHint:
    'A document can be withdrawn until its addressee decides. Afterwards the addressee cannot accept or reject it; the file can be sent again to the right addressee.',
  withdrawnOk: 'Withdrawn. The file can now be sent again to the right addressee.',
  sendAgain: 'Upload the file again',
  withdrawnBySender: 'The sender withdrew this document',
  withdrawnByUs: 'Withdrawn',
  summary: 'Check before sending',
  summaryAddressee: 'Addressee',
  summaryNumber: 'Number and date',
  summaryRows: 'Rows',
  summaryTotal: 'Total, roubles',
  summaryFromFile: 'named in the file',
  summaryNotInFile: 'not named in the file: choose the addressee',
  signAndSend: 'Sign and send',
  headerFields: 'Document details',
  fromFile: 'from the file',
  fromForm: 'entered by hand',
  fromLocal: 'from the insured list',
  missing: 'not in the file: type it',
};

export function useSendText(): (k: keyof typeof ru) => string {
  const { lang } = useI18n();
  const dict: Text = lang === 'en' ? en : ru;
  return (k) => dict[k];
}
