// The texts of the e-mails a node writes to a correspondent about a document (decision record 0049). They name the
// sender organisation and the document's number and nothing from its body: no patient, policy or diagnosis is ever
// in a message's clear text.
import type { Correspondent } from './correspondents.js';

const dateRu = (iso: string) =>
  new Date(iso).toLocaleString('ru-RU', {
    timeZone: 'Europe/Moscow',
    dateStyle: 'long',
    timeStyle: 'short',
  }) + ' (МСК)';

/** Why and how the correspondent would join, with the one command that starts its node, pre-filled. */
export function invitation(c: Correspondent): string {
  const name = c.name.replace(/["\\$`]/g, '');
  return [
    '— Подключитесь к сети dmsnet —',
    'Участники сети обмениваются документами ДМС (реестры, счета, гарантийные письма, акты экспертизы) напрямую,',
    'без вложений в почте: каждый документ подписан, зашифрован для адресата, проверяется по формату до отправки,',
    'а получение и решение фиксируются в общем реестре и подтверждаются квитанциями, которые принимаются в споре.',
    `Документы, отправленные ${c.name} до подключения, будут переданы через сеть сразу после него.`,
    'Чтобы создать узел организации, выполните:',
    '',
    `  dmsnet-node init --role ${c.role} --ogrn ${c.ogrn} --inn ${c.inn} --name "${name}" --dir ./dmsnet-node`,
    '',
    'и передайте ассоциации запрос на регистрацию из созданной папки (см. её README.md).',
  ].join('\n');
}

export function notificationText(o: {
  sender: string;
  documentId: string;
  channel: 'encrypted' | 'link';
  join: string;
  url?: string;
  expiresAt?: string;
}): string {
  const how =
    o.channel === 'encrypted'
      ? [
          'Документ приложен к письму в зашифрованном виде (файл .age) для ключа, который ваша организация',
          'зарегистрировала. Расшифруйте его программой age: age -d -i ваш-ключ.txt файл.json.age',
        ]
      : [
          'Документ содержит сведения, которые нельзя пересылать открытой почтой, поэтому он не вложен в письмо.',
          `Откройте его по ссылке: ${o.url}`,
          'Код доступа придёт отдельным письмом. Ссылку можно открыть один раз; она действует до',
          `${dateRu(o.expiresAt!)}. После нескольких неверных кодов ссылка блокируется.`,
        ];
  return [
    'Здравствуйте!',
    '',
    `${o.sender} направляет вам документ № ${o.documentId}.`,
    '',
    ...how,
    '',
    'Ответить можно на странице документа или ответом на это письмо: напишите в теме или первой строкой',
    `«ПРИНЯТО» либо «ОТКЛОНЕНО: причина», сохранив в теме [dmsnet:${o.documentId}].`,
    '',
    o.join,
    '',
    'Это письмо отправлено автоматически узлом сети dmsnet.',
  ].join('\n');
}

export function codeText(o: { sender: string; documentId: string; code: string; expiresAt: string }): string {
  return [
    'Здравствуйте!',
    '',
    `Код доступа к документу № ${o.documentId} от ${o.sender}: ${o.code}`,
    '',
    'Ссылка на документ — в отдельном письме. Не пересылайте это письмо вместе с ней.',
    `Код действует до ${dateRu(o.expiresAt)}.`,
    '',
    'Это письмо отправлено автоматически узлом сети dmsnet.',
  ].join('\n');
}
