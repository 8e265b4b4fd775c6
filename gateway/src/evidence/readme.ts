// The README in Russian that travels inside an evidence bundle: what each file is and how to check it without dmsnet.
import type { LedgerEnvelope } from './bundle.js';

export function readmeRu(o: {
  envelope: LedgerEnvelope;
  fabric: boolean;
  /** The Fabric proof holds the directory's blocks of the parties' keys (decision record 0057). */
  directoryBlocks: boolean;
  receipt: boolean;
  ack: boolean;
  gost: boolean;
}): string {
  const e = o.envelope;
  const lines = [
    'ПАКЕТ ДОКАЗАТЕЛЬСТВ ДОСТАВКИ ЭЛЕКТРОННОГО ДОКУМЕНТА (dmsnet)',
    '',
    `Документ: ${e.messageId} (тип ${e.documentType}, версия формата ${e.formatVersion})`,
    `Отправитель (ОГРН): ${e.sender}; адресат (ОГРН): ${e.addressee}`,
    `Отправлен (время реестра): ${e.sentAt}; статус в реестре: ${e.status}`,
    o.receipt
      ? `Квитанция о получении записана в реестр: ${e.receiptAt ?? '—'}, SHA-256 квитанции ${e.receiptHash ?? '—'}`
      : 'Квитанции о получении нет: адресат установил статус без подписанной квитанции (узел прежней версии).',
    '',
    'СОСТАВ',
    '  document.json            — документ: ровно те байты (канонический JSON по RFC 8785), которые подписал',
    '                             отправитель и получил адресат.',
    '  document.sig             — подпись отправителя над document.json: Ed25519 (64 байта) или откреплённая',
    '                             CMS (CAdES-BES) по ГОСТ Р 34.10-2012 (DER); signature.json называет профиль.',
    ...(o.receipt
      ? [
          '  receipt.json             — квитанция адресата (извещение о получении): идентификатор сообщения,',
          '                             SHA-256 полученного документа, время, подпись; receipt.content.json — ровно',
          '                             подписанные байты квитанции, receipt.sig — её подпись.',
        ]
      : []),
    ...(o.ack
      ? [
          '  acknowledgement.json     — подтверждение отправителем получения квитанции (с content.json и .sig).',
        ]
      : []),
    '  envelope.json, trail.json — запись реестра о сообщении (хеши, стороны, статусы) и история статусов.',
    '  directory.json           — записи справочника участников: ключи и сертификаты, которыми проверяются подписи.',
    ...(o.gost ? ['  gost-roots.pem           — доверенные корневые сертификаты ГОСТ из справочника.'] : []),
    ...(o.fabric
      ? [
          '  ledger/*.block           — блоки Hyperledger Fabric с транзакциями отправки и квитанции: заголовок,',
          '                             транзакция с подписями одобривших организаций (endorsements) и подписи',
          '                             службы упорядочения (orderers); ledger/config.block — конфигурационный блок',
          '                             канала с сертификатами организаций; ledger/proof.json — их перечень.',
          ...(o.directoryBlocks
            ? [
                '  ledger/sender-key.block,  — блоки транзакций справочника, записавших ключ (или сертификат ГОСТ)',
                '  ledger/addressee-key.block  отправителя на момент отправки и адресата на момент квитанции: ими',
                '                             проверены подписи; dmsnet-verify сверяет запись в блоке с directory.json.',
              ]
            : []),
        ]
      : [
          '  ledger/embedded.json     — встроенный реестр (одна машина): независимых подписантов у него нет, и',
          '                             его доказательство — только чтение узла, собравшего пакет.',
        ]),
    '  manifest.json            — SHA-256 каждого файла пакета.',
    '',
    'ПРОВЕРКА',
    '  dmsnet-verify <пакет.zip> — без сети и без шлюза проверяет хеши, подписи документа и квитанций по',
    '  справочнику, совпадение квитанции с документом и записью реестра' +
      (o.fabric
        ? ', подписи блоков службой упорядочения и одобрения транзакций по политике (любые две организации).'
        : '.'),
    ...(o.gost
      ? [
          '',
          '  Подписи ГОСТ проверяются и средствами OpenSSL с модулем gost (libengine-gost-openssl):',
          '    openssl cms -verify -engine gost -binary -inform DER -in document.sig -content document.json \\',
          '      -CAfile gost-roots.pem -purpose any -out /dev/null',
          '    (квитанция: -in receipt.sig -content receipt.content.json)',
        ]
      : []),
    '',
    'ЧТО ДОКАЗЫВАЕТ ПАКЕТ',
    '  Подпись отправителя — что документ составил и подписал отправитель. Квитанция — что адресат получил и',
    '  открыл ровно эти байты (SHA-256 в квитанции равен SHA-256 document.json) и подписал это своим ключом.',
    '  Квитанция — технический факт получения, а не согласие с содержанием: принятие, отказ или уведомление',
    '  об уточнении — отдельные ответы адресата.',
    o.fabric
      ? '  Блоки Fabric — что реестр записал хеш квитанции и документа в указанное время при одобрении двух организаций.'
      : '  Встроенный реестр не даёт независимого подтверждения времени и записи.',
    o.directoryBlocks
      ? '  Ключи и сертификаты сторон в directory.json доказаны блоками справочника (ledger/*-key.block); отпечатки'
      : '  Ключи и сертификаты в directory.json — такие, какими справочник их хранил при сборке пакета; отпечатки',
    '  корневых сертификатов ГОСТ следует сверить с опубликованными аккредитованным удостоверяющим центром.',
    '',
  ];
  return lines.join('\n');
}
