// The one registry of dmsnet's error codes (formats is the leaf, so the chaincode, the gateway, node-config and the
// network tools all read it). What a code means for a caller is decided here once: the HTTP status the API answers
// with, whether retrying the same request can ever succeed, where its rule is written down, and what it says in
// English and Russian. docs/error-codes.md is generated from it (`node scripts/error-codes-doc.mjs`);
// DmsnetError's constructor takes only its keys (or a WireCode read from outside);
// test/formats/error-codes.test.ts fails when a code thrown anywhere in the sources is missing here.

/** `final`: the same request will be refused again, so nobody retries it; `transient`: it may succeed later. */
export type RetryClass = 'final' | 'transient';

export interface ErrorCodeEntry {
  /** The HTTP status the gateway's API answers with. */
  status: number;
  retry: RetryClass;
  /** The document (path from the repository root, `#anchor`) whose rule the code enforces, where one exists. */
  doc?: string;
  en: string;
  ru: string;
}

export const ERROR_CODES = {
  INVALID_ARGUMENT: {
    status: 422,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: 'An argument of a ledger transaction is malformed; the pointer names the field.',
    ru: 'Аргумент транзакции реестра задан неверно; указатель называет поле.',
  },
  IDENTITY_UNKNOWN: {
    status: 422,
    retry: 'final',
    en: 'The calling identity acts for no participant in the directory.',
    ru: 'Идентификатор вызывающего не связан ни с одним участником справочника.',
  },
  IDENTITY_TAKEN: {
    status: 422,
    retry: 'final',
    en: 'A listed certificate already acts for another participant.',
    ru: 'Указанный сертификат уже действует от имени другого участника.',
  },
  IDENTITY_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The creator certificate of a proposal cannot be read.',
    ru: 'Сертификат автора предложения транзакции не читается.',
  },
  IMPERSONATION: {
    status: 422,
    retry: 'final',
    en: 'An identity sends as a participant it does not act for.',
    ru: 'Идентификатор отправляет от имени участника, за которого не действует.',
  },
  NOT_AUTHORIZED: {
    status: 422,
    retry: 'final',
    en: 'The caller may not perform this transaction.',
    ru: 'Вызывающему не разрешена эта транзакция.',
  },
  PARTICIPANT_EXISTS: {
    status: 422,
    retry: 'final',
    en: 'A participant with this ОГРН is already registered.',
    ru: 'Участник с этим ОГРН уже зарегистрирован.',
  },
  PARTICIPANT_NOT_FOUND: {
    status: 404,
    retry: 'final',
    en: 'No participant with this id in the directory.',
    ru: 'В справочнике нет участника с таким идентификатором.',
  },
  KEY_NOT_FOUND: {
    status: 422,
    retry: 'final',
    en: 'The participant has no key of this version.',
    ru: 'У участника нет ключа этой версии.',
  },
  RULES_NOT_SET: {
    status: 404,
    retry: 'final',
    en: 'The association has not set the voting rules on format versions yet.',
    ru: 'Ассоциация ещё не установила правила голосования по версиям формата.',
  },
  KEY_ROTATION_UNAVAILABLE: {
    status: 409,
    retry: 'final',
    en: 'This node was started without a way to write its key file, so it cannot rotate its keys.',
    ru: 'Узел запущен без возможности записать файл ключей, поэтому не может сменить ключи.',
  },
  ROOT_NOT_FOUND: {
    status: 422,
    retry: 'final',
    en: 'No trusted GOST root with this fingerprint.',
    ru: 'Нет доверенного корневого сертификата ГОСТ с таким отпечатком.',
  },
  CERT_KEY_UNSUPPORTED: {
    status: 422,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: 'The certificate is not GOST R 34.10-2012 256-bit on CryptoPro-A.',
    ru: 'Сертификат не ГОСТ Р 34.10-2012 256 бит с параметрами CryptoPro-A.',
  },
  CERT_ISSUER_UNTRUSTED: {
    status: 422,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: 'The certificate is not issued by a root the directory trusts.',
    ru: 'Сертификат выдан не доверенным справочником удостоверяющим центром.',
  },
  CERT_EXPIRED: {
    status: 422,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: 'The certificate is not valid at the time that matters (now, or when the document was signed).',
    ru: 'Сертификат недействителен на нужный момент (сейчас или на момент подписи).',
  },
  CERT_SUBJECT_MISMATCH: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0025-certificates-held-to-their-participant-and-one-code-registry.md#decision-a-signing-certificate-is-its-participants-and-only-its',
    en: "The certificate's subject is not the participant: its ОГРН/ОГРНИП is not the participant's id, or its ИНН is not the one the directory holds.",
    ru: 'Владелец сертификата — не этот участник: ОГРН/ОГРНИП не совпадает с идентификатором участника или ИНН — с ИНН в справочнике.',
  },
  CERT_ALREADY_REGISTERED: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0025-certificates-held-to-their-participant-and-one-code-registry.md#decision-a-signing-certificate-is-its-participants-and-only-its',
    en: 'Another participant has registered this certificate (now or in the past).',
    ru: 'Этот сертификат уже зарегистрировал другой участник (сейчас или ранее).',
  },
  CERT_NOT_REGISTERED: {
    status: 409,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: "The signer's certificate is not the one the directory registered for the sender.",
    ru: 'Сертификат подписанта не тот, что зарегистрирован в справочнике для отправителя.',
  },
  CERT_UNTRUSTED: {
    status: 422,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: "The signature's certificate chain does not lead to a root the directory trusts.",
    ru: 'Цепочка сертификатов подписи не ведёт к доверенному корневому сертификату.',
  },
  CMS_TOO_MANY_CERTIFICATES: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0023-gost-signing-constant-time-and-bounded-cms-verification.md#verification',
    en: 'A CMS signature carries more than 8 certificates; refused before any is parsed.',
    ru: 'Подпись CMS несёт больше 8 сертификатов; отклонена до разбора сертификатов.',
  },
  CMS_MALFORMED: {
    status: 422,
    retry: 'final',
    en: 'The CMS signature cannot be read.',
    ru: 'Подпись CMS не читается.',
  },
  SIGNATURE_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: 'The signature does not verify over the received bytes.',
    ru: 'Подпись не сходится с полученными данными.',
  },
  SIGNATURE_PROFILE_MISMATCH: {
    status: 422,
    retry: 'final',
    doc: 'README.md#signature-profiles-gost-r-3410-2012',
    en: "The document is signed other than the sender's registered signature profile says.",
    ru: 'Документ подписан не так, как требует зарегистрированный профиль подписи отправителя.',
  },
  SIGNER_MISMATCH: {
    status: 422,
    retry: 'final',
    en: 'The sealed document names another signer than its envelope.',
    ru: 'Запечатанный документ называет другого подписанта, чем конверт.',
  },
  SIGNER_UNAVAILABLE: {
    status: 409,
    retry: 'final',
    en: 'This node has no GOST key to sign with.',
    ru: 'У узла нет ключа ГОСТ для подписи.',
  },
  NO_CMS_SIGNATURE: {
    status: 409,
    retry: 'final',
    en: 'The document is not signed with CMS (its profile is Ed25519).',
    ru: 'Документ подписан не CMS (профиль подписи Ed25519).',
  },
  GOST_KEY_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The GOST key or certificate given to dmsnet-node gost-key cannot be used.',
    ru: 'Ключ или сертификат ГОСТ, переданный dmsnet-node gost-key, непригоден.',
  },
  SENDER_INACTIVE: {
    status: 422,
    retry: 'final',
    en: 'The sender is suspended.',
    ru: 'Отправитель приостановлен.',
  },
  SENDER_NOT_SELF: {
    status: 422,
    retry: 'final',
    en: "The document's sender is not this node's participant.",
    ru: 'Отправитель документа — не участник этого узла.',
  },
  ADDRESSEE_UNKNOWN: {
    status: 422,
    retry: 'final',
    en: "No participant with the addressee's ОГРН.",
    ru: 'Нет участника с ОГРН адресата.',
  },
  ADDRESSEE_INACTIVE: {
    status: 422,
    retry: 'final',
    en: 'The addressee is suspended.',
    ru: 'Адресат приостановлен.',
  },
  PARTY_MISMATCH: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0018-party-fields-held-to-the-directory.md#decision',
    en: "A party's ИНН or name differs from its directory entry.",
    ru: 'ИНН или наименование стороны не совпадает со справочником.',
  },
  FORMAT_NOT_ACTIVE: {
    status: 422,
    retry: 'final',
    en: "The document's format version is not active.",
    ru: 'Версия формата документа не действует.',
  },
  FORMAT_VERSION_UNKNOWN: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'No such format version.',
    ru: 'Такой версии формата нет.',
  },
  ROUTE_NOT_ALLOWED: {
    status: 422,
    retry: 'final',
    doc: 'README.md#what-a-member-of-the-network-cannot-do',
    en: "The format does not allow this document type from the sender's role to the addressee's.",
    ru: 'Формат не разрешает этот тип документа от роли отправителя к роли адресата.',
  },
  MESSAGE_ID_CONFLICT: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0006-outbox-seals-once-follower-checkpoint-in-the-inbox-batch.md#context',
    en: 'A message with this id exists with another content.',
    ru: 'Сообщение с этим идентификатором уже есть с другим содержимым.',
  },
  MESSAGE_ID_FOREIGN: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0020-message-ids-carry-their-sender.md#decision',
    en: "A message id must begin with its sender's ОГРН.",
    ru: 'Идентификатор сообщения должен начинаться с ОГРН отправителя.',
  },
  CORRECTS_FOREIGN: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0020-message-ids-carry-their-sender.md#decision',
    en: 'A correction names a message of another sender.',
    ru: 'Исправление ссылается на сообщение другого отправителя.',
  },
  MESSAGE_NOT_FOUND: {
    status: 422,
    retry: 'final',
    en: 'No message with this id on the ledger.',
    ru: 'В реестре нет сообщения с таким идентификатором.',
  },
  PAYLOAD_MISSING: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0053-a-missing-ciphertext-is-asked-for-again.md#decision',
    en: 'The ciphertext is missing from the transaction or the private data.',
    ru: 'Шифртекст отсутствует в транзакции или в закрытых данных.',
  },
  RESEND_NOT_ADDRESSEE: {
    status: 403,
    retry: 'final',
    doc: 'docs/decisions/0053-a-missing-ciphertext-is-asked-for-again.md#decision',
    en: 'Only the addressee asks for a missing ciphertext to be sent again.',
    ru: 'Повторной отправки шифртекста может просить только адресат.',
  },
  RESEND_NOT_SENDER: {
    status: 403,
    retry: 'final',
    doc: 'docs/decisions/0053-a-missing-ciphertext-is-asked-for-again.md#decision',
    en: 'Only the sender sends a ciphertext again.',
    ru: 'Повторно отправить шифртекст может только отправитель.',
  },
  RESEND_NOT_WAITING: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0053-a-missing-ciphertext-is-asked-for-again.md#decision',
    en: 'Only a document not yet delivered is sent again.',
    ru: 'Повторно отправляется только ещё не доставленный документ.',
  },
  RESEND_LIMIT: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0053-a-missing-ciphertext-is-asked-for-again.md#decision',
    en: 'The document was asked for again as often as allowed.',
    ru: 'Повторная отправка документа запрошена максимально допустимое число раз.',
  },
  FILE_NOT_SENDER: {
    status: 403,
    retry: 'final',
    doc: 'docs/decisions/0058-files-through-private-data.md#decision',
    en: 'Only the sender of a document writes its files.',
    ru: 'Файлы документа может передавать только его отправитель.',
  },
  FILE_CHUNK_ORDER: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0058-files-through-private-data.md#decision',
    en: 'A piece of a file comes out of order, or differs from the piece already written at its place.',
    ru: 'Часть файла передана не по порядку или отличается от уже записанной на этом месте.',
  },
  FILE_CHUNK_SIZE: {
    status: 413,
    retry: 'final',
    doc: 'docs/decisions/0058-files-through-private-data.md#decision',
    en: 'A piece of a file is empty or over its size limit, or the file grows over its limit.',
    ru: 'Часть файла пуста или превышает предел, или файл превышает предельный размер.',
  },
  FILES_INCOMPLETE: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0058-files-through-private-data.md#decision',
    en: 'The files the envelope names have not all arrived whole on the ledger.',
    ru: 'Не все файлы, названные в конверте, целиком переданы в реестр.',
  },
  FILES_CLOSED: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0058-files-through-private-data.md#decision',
    en: 'The document is sent already: its files can no longer change.',
    ru: 'Документ уже отправлен: его файлы больше не меняются.',
  },
  ATTACHMENT_COUNT_MISMATCH: {
    status: 400,
    retry: 'final',
    doc: 'docs/decisions/0058-files-through-private-data.md#decision',
    en: 'The upload carries fewer or more files than the document describes.',
    ru: 'Файлов в запросе меньше или больше, чем описано в документе.',
  },
  ATTACHMENT_NOT_FOUND: {
    status: 404,
    retry: 'final',
    doc: 'docs/decisions/0058-files-through-private-data.md#decision',
    en: 'The document has no such file, or this node does not hold it (yet, or any more).',
    ru: 'У документа нет такого файла, или узел его (ещё или уже) не хранит.',
  },
  PAYLOAD_HASH_MISMATCH: {
    status: 422,
    retry: 'final',
    en: 'The ciphertext does not match the hash in the envelope.',
    ru: 'Шифртекст не соответствует хешу в конверте.',
  },
  KND_XML_REFUSED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0061-the-fns-register-format-knd-1110388.md#decision',
    en: 'The file is not XML the КНД 1110388 reader accepts: not well-formed, a DTD, too large or deep, or an encoding other than windows-1251 or UTF-8.',
    ru: 'Файл не является XML, который принимает чтение КНД 1110388: ошибка разметки, DTD, слишком большой или глубокий файл, кодировка не windows-1251 и не UTF-8.',
  },
  KND_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0061-the-fns-register-format-knd-1110388.md#decision',
    en: 'The КНД 1110388 file breaks the layout or a value rule; each error names the element or attribute.',
    ru: 'Файл КНД 1110388 нарушает структуру или правило значения; каждая ошибка называет элемент или атрибут.',
  },
  KND_EXPORT_REFUSED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0061-the-fns-register-format-knd-1110388.md#decision',
    en: 'The document cannot be written as a КНД 1110388 register: it is not an invoice, or a party has no ИНН.',
    ru: 'Документ нельзя выгрузить в формате КНД 1110388: это не счёт или у стороны нет ИНН.',
  },
  EXPORT_NOT_TABULAR: {
    status: 422,
    retry: 'final',
    en: 'This document has no table to export as a spreadsheet.',
    ru: 'У этого документа нет таблицы для выгрузки в XLSX.',
  },
  PAYLOAD_PURGED: {
    status: 422,
    retry: 'final',
    doc: 'README.md#privacy-and-purge-152-фз',
    en: 'The ciphertext was purged; the envelope, hash and trail stay.',
    ru: 'Шифртекст удалён; конверт, хеш и история остаются.',
  },
  PAYLOAD_MALFORMED: {
    status: 422,
    retry: 'final',
    en: 'The ciphertext cannot be opened as a sealed document.',
    ru: 'Шифртекст не раскрывается как запечатанный документ.',
  },
  PAYLOAD_DECOMPRESS_FAILED: {
    status: 422,
    retry: 'final',
    en: 'The sealed document does not decompress.',
    ru: 'Запечатанный документ не распаковывается.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    retry: 'final',
    en: 'The request body or document exceeds the size limit.',
    ru: 'Тело запроса или документ превышает допустимый размер.',
  },
  SEAL_OPEN_FAILED: {
    status: 422,
    retry: 'final',
    en: "The sealed box cannot be opened with this node's key.",
    ru: 'Запечатанный конверт не открывается ключом узла.',
  },
  STATUS_NOT_ADDRESSEE: {
    status: 422,
    retry: 'final',
    en: "Only the addressee sets a message's status.",
    ru: 'Статус сообщения устанавливает только адресат.',
  },
  STATUS_NOT_FORWARD: {
    status: 422,
    retry: 'final',
    en: 'A status moves forward only.',
    ru: 'Статус меняется только вперёд.',
  },
  STATUS_FINAL: {
    status: 409,
    retry: 'final',
    doc: 'gateway/src/workflows/RULES.md#expertise-acts-insurer-side',
    en: 'The document already has its final status.',
    ru: 'У документа уже окончательный статус.',
  },
  WITHDRAW_NOT_SENDER: {
    status: 403,
    retry: 'final',
    doc: 'docs/decisions/0032-withdrawal-by-the-sender-before-a-decision.md#decision',
    en: 'Only the sender withdraws a message.',
    ru: 'Отозвать сообщение может только его отправитель.',
  },
  WITHDRAW_DECIDED: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0032-withdrawal-by-the-sender-before-a-decision.md#decision',
    en: 'The addressee has decided on the message; it is corrected, not withdrawn.',
    ru: 'Адресат уже принял решение по документу: его можно исправить, но не отозвать.',
  },
  NOT_ON_LEDGER: {
    status: 409,
    retry: 'transient',
    doc: 'docs/decisions/0032-withdrawal-by-the-sender-before-a-decision.md#decision',
    en: 'The document is not on the ledger yet (still queued, or its send failed).',
    ru: 'Документ ещё не записан в реестр (ожидает отправки или отправка не удалась).',
  },
  ADDRESSEE_DIFFERS_FROM_FILE: {
    status: 422,
    retry: 'final',
    doc: 'gateway/mappings/README.md#the-addressee-and-the-header-fields',
    en: 'The file names another addressee than the one chosen.',
    ru: 'В файле указан другой получатель, чем выбранный.',
  },
  ADDRESSEE_NAME_UNKNOWN: {
    status: 422,
    retry: 'final',
    doc: 'gateway/mappings/README.md#the-addressee-and-the-header-fields',
    en: 'The addressee named in the file is no participant the document may go to, or names several; choose one.',
    ru: 'Получатель, указанный в файле, не найден среди участников (или подходит несколько); выберите получателя.',
  },
  ADDRESSEE_REQUIRED: {
    status: 422,
    retry: 'final',
    doc: 'gateway/mappings/README.md#the-addressee-and-the-header-fields',
    en: 'The file does not name its addressee; choose one.',
    ru: 'В файле не указан получатель; выберите его.',
  },
  MESSAGE_WITHDRAWN: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0032-withdrawal-by-the-sender-before-a-decision.md#decision',
    en: 'The sender withdrew the message; nobody decides or answers it.',
    ru: 'Отправитель отозвал документ: по нему не принимают решений и не отвечают.',
  },
  RECEIPT_NOT_PARTY: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0034-signed-receipts-and-offline-evidence.md',
    en: 'Only the addressee records a delivery receipt, and only the sender acknowledges it.',
    ru: 'Квитанцию о доставке записывает только адресат, подтверждает её только отправитель.',
  },
  RECEIPT_EXISTS: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0034-signed-receipts-and-offline-evidence.md',
    en: 'The message already has a receipt of this kind with another hash.',
    ru: 'У сообщения уже есть квитанция этого вида с другим хешем.',
  },
  RECEIPT_MISSING: {
    status: 404,
    retry: 'final',
    doc: 'docs/decisions/0034-signed-receipts-and-offline-evidence.md',
    en: 'The message has no receipt of this kind.',
    ru: 'У сообщения нет квитанции этого вида.',
  },
  DELEGATION_NOT_IN_FORCE: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0055-assistance-companies-acting-for-insurers.md',
    en: 'No delegation of the insurer named in onBehalfOf to this assistance company is in force (none, not yet, ended or revoked).',
    ru: 'Нет действующего поручения страховщика, указанного в onBehalfOf, этой ассистанской компании (не выдано, ещё не началось, истекло или отозвано).',
  },
  DELEGATION_AMBIGUOUS: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0062-the-gateway-names-the-principal-and-the-payer-sets-the-clock.md',
    en: 'Delegations of several insurers cover what the assistance company sends; the request must name the insurer (onBehalfOf).',
    ru: 'Отправку покрывают поручения нескольких страховщиков; укажите, по поручению какого страховщика она выполняется (onBehalfOf).',
  },
  DELEGATION_NOT_COVERED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0055-assistance-companies-acting-for-insurers.md',
    en: "The insurer's delegations in force do not cover this document type in this direction.",
    ru: 'Действующие поручения страховщика не распространяются на этот тип документа в этом направлении.',
  },
  DELEGATION_OUT_OF_SCOPE: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0055-assistance-companies-acting-for-insurers.md',
    en: "The document names a programme or policy outside the delegation's scope.",
    ru: 'Документ называет программу или полис вне объёма поручения.',
  },
  DELEGATION_NOT_PRINCIPAL: {
    status: 403,
    retry: 'final',
    doc: 'docs/decisions/0055-assistance-companies-acting-for-insurers.md',
    en: 'Only an active insurer delegates to an assistance company.',
    ru: 'Поручение ассистанской компании выдаёт только действующий страховщик.',
  },
  DELEGATION_AGENT_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0055-assistance-companies-acting-for-insurers.md',
    en: 'The agent of a delegation must be an assistance company of the directory, the same one for one delegation id.',
    ru: 'Поверенным может быть только ассистанская компания из справочника, одна и та же для одного поручения.',
  },
  DELEGATION_REVOKED: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0055-assistance-companies-acting-for-insurers.md',
    en: 'The delegation was revoked; a new one takes a new id.',
    ru: 'Поручение отозвано; новое поручение оформляется под новым номером.',
  },
  DELEGATION_NOT_FOUND: {
    status: 404,
    retry: 'final',
    doc: 'docs/decisions/0055-assistance-companies-acting-for-insurers.md',
    en: 'The insurer has no delegation with this id.',
    ru: 'У страховщика нет поручения с таким номером.',
  },
  RECEIPT_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0034-signed-receipts-and-offline-evidence.md',
    en: 'A receipt does not open, does not verify against the directory, or names other bytes than were sent.',
    ru: 'Квитанция не раскрывается, не проверяется по справочнику или относится не к отправленным байтам.',
  },
  CLARIFICATION_REQUESTED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0034-signed-receipts-and-offline-evidence.md',
    en: 'The addressee asks for a clarification (уведомление об уточнении): send a correction.',
    ru: 'Адресат направил уведомление об уточнении: отправьте исправленный документ.',
  },
  PAYMENT_INVOICE_UNKNOWN: {
    status: 422,
    retry: 'final',
    doc: 'gateway/src/workflows/RULES.md#payments-and-reconciliation',
    en: 'The invoice was not exchanged between this payer and this clinic, or it will not be paid.',
    ru: 'Этот счёт не выставлялся этой клиникой этому плательщику или не подлежит оплате.',
  },
  ACT_NOT_DISPUTED: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0041-act-disputes-line-by-line-and-corrected-acts.md',
    en: 'The act was not disputed by the clinic: there is nothing to correct.',
    ru: 'Клиника не оспаривала этот акт: исправлять нечего.',
  },
  EVIDENCE_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0034-signed-receipts-and-offline-evidence.md',
    en: 'An evidence bundle is malformed or a part of it does not verify; the pointer names the part.',
    ru: 'Пакет доказательств повреждён или его часть не проходит проверку; указатель называет часть.',
  },
  REPLY_TARGET_UNKNOWN: {
    status: 422,
    retry: 'final',
    en: 'The reply answers a message that does not exist.',
    ru: 'Ответ ссылается на несуществующее сообщение.',
  },
  REPLY_TO_REPLY: {
    status: 422,
    retry: 'final',
    doc: 'README.md#what-a-member-of-the-network-cannot-do',
    en: 'A reply is final on arrival; nobody replies to a reply.',
    ru: 'Ответ окончателен при получении; на ответ не отвечают.',
  },
  REPLY_NOT_ADDRESSEE: {
    status: 422,
    retry: 'final',
    doc: 'README.md#what-a-member-of-the-network-cannot-do',
    en: 'Only the addressee answers a message, and only to its sender.',
    ru: 'Отвечает только адресат и только отправителю.',
  },
  REPLY_EXISTS: {
    status: 422,
    retry: 'final',
    doc: 'README.md#what-a-member-of-the-network-cannot-do',
    en: 'The message was answered already.',
    ru: 'На сообщение уже ответили.',
  },
  REPLY_STATUS_MISMATCH: {
    status: 422,
    retry: 'final',
    doc: 'README.md#what-a-member-of-the-network-cannot-do',
    en: 'The reply says other than the status already on the ledger.',
    ru: 'Ответ противоречит статусу, уже записанному в реестре.',
  },
  REPLY_IS_FINAL: {
    status: 409,
    retry: 'final',
    doc: 'README.md#what-a-member-of-the-network-cannot-do',
    en: 'A reply cannot be accepted or rejected.',
    ru: 'Ответ нельзя принять или отклонить.',
  },
  RELATED_DOCUMENT_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'A related document the workflow needs is missing or unusable.',
    ru: 'Связанный документ, нужный процессу, отсутствует или непригоден.',
  },
  PURGE_NOT_FINAL: {
    status: 409,
    retry: 'final',
    doc: 'README.md#privacy-and-purge-152-фз',
    en: 'A document is purged only once its status is final.',
    ru: 'Документ удаляется только после окончательного статуса.',
  },
  RETENTION_NOT_PASSED: {
    status: 422,
    retry: 'final',
    doc: 'README.md#privacy-and-purge-152-фз',
    en: 'Before the retention period only the addressee purges.',
    ru: 'До истечения срока хранения удаляет только адресат.',
  },
  PURGED: {
    status: 410,
    retry: 'final',
    doc: 'README.md#privacy-and-purge-152-фз',
    en: "The document's content was purged.",
    ru: 'Содержимое документа удалено.',
  },
  PROPOSAL_EXISTS: {
    status: 422,
    retry: 'final',
    en: 'This format version was proposed already.',
    ru: 'Эта версия формата уже предложена.',
  },
  PROPOSAL_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The format proposal is malformed, or a proposal signature does not verify.',
    ru: 'Предложение формата некорректно или подпись предложения транзакции не сходится.',
  },
  PROPOSAL_NOT_FOUND: {
    status: 422,
    retry: 'final',
    en: 'No such format proposal.',
    ru: 'Такого предложения формата нет.',
  },
  VOTE_CLOSED: {
    status: 422,
    retry: 'final',
    en: 'Voting on this version is over.',
    ru: 'Голосование по этой версии завершено.',
  },
  VOTE_NOT_ELIGIBLE: {
    status: 422,
    retry: 'final',
    en: "The participant's role does not vote on formats.",
    ru: 'Роль участника не голосует по форматам.',
  },
  VOTE_NO_RULES: {
    status: 422,
    retry: 'final',
    en: 'No voting rules are set.',
    ru: 'Правила голосования не заданы.',
  },
  SCHEMA_REF_UNRESOLVED: {
    status: 422,
    retry: 'final',
    en: 'A $ref of the proposed schema points outside it: a format version must be one self-contained schema text.',
    ru: 'Ссылка $ref в предложенной схеме ведёт за её пределы: версия формата должна быть одним самодостаточным текстом схемы.',
  },
  SCHEMA_TEXT_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'The schema text is not JSON or does not compile.',
    ru: 'Текст схемы — не JSON или не компилируется.',
  },
  DOCUMENT_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'The document breaks its schema or rules; every field error is listed.',
    ru: 'Документ нарушает схему или правила; перечислены все ошибки полей.',
  },
  DOCUMENT_TYPE_UNKNOWN: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'Unknown document type.',
    ru: 'Неизвестный тип документа.',
  },
  CANONICAL_UNSUPPORTED: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'The value cannot be written as canonical JSON.',
    ru: 'Значение нельзя записать как канонический JSON.',
  },
  CARE_REQUEST_EXISTS: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0047-care-requests-and-appointments.md',
    en: 'A care request with this number was sent already; change it through its own routes.',
    ru: 'Заявка с таким номером уже направлена; изменяйте её через действия с заявкой.',
  },
  CARE_TRANSITION_INVALID: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0047-care-requests-and-appointments.md',
    en: 'The care request is not in a state that allows this step (e.g. booking a cancelled case).',
    ru: 'Состояние заявки не допускает это действие (например, запись по отменённой заявке).',
  },
  CARE_ANSWER_FOREIGN: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0047-care-requests-and-appointments.md',
    en: 'An appointment answers only a care request its sender received from its addressee.',
    ru: 'Клиника отвечает только на заявку, направленную ей этим страховщиком.',
  },
  PA_REQUEST_EXISTS: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0054-prior-authorisation-requests.md',
    en: 'A guarantee-letter request with this number was sent already; change it through its own routes.',
    ru: 'Запрос гарантийного письма с таким номером уже направлен; изменяйте его через действия с запросом.',
  },
  PA_TRANSITION_INVALID: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0054-prior-authorisation-requests.md',
    en: 'The guarantee-letter request is not in a state that allows this step (e.g. answering a withdrawn request).',
    ru: 'Состояние запроса гарантийного письма не допускает это действие (например, ответ на отозванный запрос).',
  },
  PA_ANSWER_FOREIGN: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0054-prior-authorisation-requests.md',
    en: 'A letter or an answer names only a guarantee-letter request its addressee sent to its sender.',
    ru: 'Ответ или письмо ссылается только на запрос, который эта клиника направила этому плательщику.',
  },
  PA_NOT_PRICED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0054-prior-authorisation-requests.md',
    en: 'A guarantee-letter request is priced from the price list the payer accepted; a service is not in it.',
    ru: 'Услуги запроса берутся из прайс-листа, принятого плательщиком; этой услуги в нём нет.',
  },
  GL_INVALID: {
    status: 422,
    retry: 'final',
    en: "The guarantee letter breaks the workflow's rules.",
    ru: 'Гарантийное письмо нарушает правила процесса.',
  },
  GL_NO_PRICE_LIST: {
    status: 422,
    retry: 'final',
    doc: 'gateway/src/workflows/RULES.md#guarantee-letters-insurer-side',
    en: 'No price list from the clinic to price the guarantee letter.',
    ru: 'Нет прейскуранта клиники для расчёта гарантийного письма.',
  },
  REJECTED_BY_RECIPIENT: {
    status: 422,
    retry: 'final',
    en: 'The addressee rejected the document.',
    ru: 'Адресат отклонил документ.',
  },
  REJECTED_BY_WORKFLOW: {
    status: 422,
    retry: 'final',
    en: "The addressee's workflow rejected the document.",
    ru: 'Процесс адресата отклонил документ.',
  },
  NOT_FOUND: {
    status: 404,
    retry: 'final',
    en: 'Nothing with this id or route.',
    ru: 'Объекта с таким идентификатором или маршрута нет.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0026-idempotency-keys-on-state-changing-requests.md#decision',
    en: 'This Idempotency-Key was used for a different request; a new action needs a new key.',
    ru: 'Этот ключ идемпотентности (Idempotency-Key) уже использован для другого запроса; новому действию нужен новый ключ.',
  },
  IDEMPOTENCY_IN_FLIGHT: {
    status: 409,
    retry: 'transient',
    doc: 'docs/decisions/0026-idempotency-keys-on-state-changing-requests.md#decision',
    en: 'A request with this Idempotency-Key is still being processed; repeat it later to get its answer.',
    ru: 'Запрос с этим ключом идемпотентности ещё выполняется; повторите его позже, чтобы получить ответ.',
  },
  COVERAGE_AMBIGUOUS: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0027-coverage-by-name-without-the-middle-name.md#decision',
    en: 'Several people in the roster share this last name, first name and birth date; give the middle name or the policy.',
    ru: 'В списке прикреплённых несколько человек с такими фамилией, именем и датой рождения; укажите отчество или полис.',
  },
  ID_AMBIGUOUS: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0020-message-ids-carry-their-sender.md#decision',
    en: 'The short id matches more than one document.',
    ru: 'Короткий идентификатор соответствует нескольким документам.',
  },
  ID_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The id is malformed.',
    ru: 'Идентификатор задан неверно.',
  },
  CURSOR_INVALID: {
    status: 400,
    retry: 'final',
    doc: 'docs/decisions/0018-party-fields-held-to-the-directory.md#decision',
    en: 'The list cursor is not one this node issued for this list.',
    ru: 'Курсор списка выдан не этим узлом или не для этого списка.',
  },
  EVENT_ID_BEYOND_LOG: {
    status: 400,
    retry: 'final',
    doc: 'docs/decisions/0018-party-fields-held-to-the-directory.md#decision',
    en: 'Last-Event-ID is beyond the newest notification.',
    ru: 'Last-Event-ID дальше последнего уведомления.',
  },
  REQUEST_INVALID: {
    status: 400,
    retry: 'final',
    en: 'The request cannot be read or breaks the API schema; field errors say where.',
    ru: 'Запрос составлен неверно; ошибки полей указывают место.',
  },
  BODY_NOT_JSON: {
    status: 400,
    retry: 'final',
    en: 'The request body is not valid JSON.',
    ru: 'Тело запроса — не JSON.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retry: 'final',
    en: "The request's content type is not accepted here.",
    ru: 'Тип содержимого запроса здесь не принимается.',
  },
  UNAUTHORIZED: {
    status: 401,
    retry: 'final',
    en: 'No valid token or session.',
    ru: 'Нет действительного токена или сессии.',
  },
  LOGIN_FAILED: {
    status: 401,
    retry: 'final',
    en: 'Wrong user name or password.',
    ru: 'Неверное имя пользователя или пароль.',
  },
  LOGIN_THROTTLED: {
    status: 429,
    retry: 'transient',
    doc: 'docs/decisions/0012-web-console-lean-react-and-people-at-the-gateway.md#decision',
    en: 'Too many failed logins; try later.',
    ru: 'Слишком много неудачных входов; повторите позже.',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    retry: 'final',
    en: 'The CSRF token is missing or wrong.',
    ru: 'Страница устарела: вход выполнен заново (например, в другой вкладке). Обновите страницу.',
  },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    retry: 'final',
    doc: 'docs/decisions/0012-web-console-lean-react-and-people-at-the-gateway.md#decision',
    en: "The request's Origin is not this console's.",
    ru: 'Origin запроса не совпадает с консолью.',
  },
  HOST_NOT_ALLOWED: {
    status: 421,
    retry: 'final',
    doc: 'docs/decisions/0012-web-console-lean-react-and-people-at-the-gateway.md#decision',
    en: 'The Host header is not one this node answers.',
    ru: 'Заголовок Host не относится к этому узлу.',
  },
  FORBIDDEN_ROLE: {
    status: 403,
    retry: 'final',
    doc: 'README.md#the-web-console',
    en: "The user's role may not do this.",
    ru: 'Роли пользователя это не разрешено.',
  },
  ROLE_UNKNOWN: {
    status: 422,
    retry: 'final',
    en: 'Unknown user role.',
    ru: 'Неизвестная роль пользователя.',
  },
  REQUEST_PATTERN: {
    status: 400,
    retry: 'final',
    en: 'A request value does not have the required form (e.g. a webhook URL that is not http(s)).',
    ru: 'Значение в запросе не имеет нужного вида (например, адрес веб-хука не http(s)).',
  },
  USER_NOT_FOUND: {
    status: 404,
    retry: 'final',
    en: 'No such user.',
    ru: 'Такого пользователя нет.',
  },
  USER_EXISTS: {
    status: 409,
    retry: 'final',
    en: 'A user with this name exists.',
    ru: 'Пользователь с таким именем уже есть.',
  },
  USERNAME_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The user name is malformed.',
    ru: 'Имя пользователя задано неверно.',
  },
  PASSWORD_TOO_SHORT: {
    status: 422,
    retry: 'final',
    en: 'The password is too short.',
    ru: 'Пароль слишком короткий.',
  },
  PASSWORD_MISSING: {
    status: 422,
    retry: 'final',
    en: 'No password given.',
    ru: 'Пароль не задан.',
  },
  FULL_NAME_REQUIRED: {
    status: 422,
    retry: 'final',
    en: "The user's full name is required.",
    ru: 'Нужно полное имя пользователя.',
  },
  WEBHOOK_URL_REFUSED: {
    status: 422,
    retry: 'final',
    en: 'The webhook URL is refused.',
    ru: 'Адрес веб-хука не принимается.',
  },
  WEBHOOK_URL_USERINFO: {
    status: 422,
    retry: 'final',
    en: 'A webhook URL may not carry a user name or password.',
    ru: 'Адрес веб-хука не может содержать имя пользователя или пароль.',
  },
  WEBHOOK_TARGET_FORBIDDEN: {
    status: 422,
    retry: 'final',
    en: 'The webhook target is a private, loopback or otherwise forbidden address.',
    ru: 'Адрес веб-хука — частный, локальный или иной запрещённый.',
  },
  WEBHOOK_HOST_UNRESOLVED: {
    status: 422,
    retry: 'final',
    en: 'The webhook host does not resolve.',
    ru: 'Имя хоста веб-хука не разрешается.',
  },
  MAPPING_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The adapter mapping is invalid.',
    ru: 'Сопоставление адаптера задано неверно.',
  },
  MAPPING_UNKNOWN: {
    status: 422,
    retry: 'final',
    en: 'No such adapter mapping.',
    ru: 'Такого сопоставления адаптера нет.',
  },
  MAPPING_YAML_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The mapping file is not valid YAML.',
    ru: 'Файл сопоставления — не корректный YAML.',
  },
  FILE_KIND_UNSUPPORTED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0016-spreadsheets-through-sheetjs-kind-from-bytes.md#decision',
    en: 'The file is neither CSV nor a spreadsheet the adapters read.',
    ru: 'Файл — не CSV и не таблица, которую читают адаптеры.',
  },
  FILE_EMPTY: {
    status: 422,
    retry: 'final',
    en: 'The file is empty.',
    ru: 'Файл пуст.',
  },
  FILE_UNREADABLE: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'The file cannot be read.',
    ru: 'Файл не читается.',
  },
  CSV_UNTERMINATED_QUOTE: {
    status: 422,
    retry: 'final',
    en: 'A quoted CSV field is not closed.',
    ru: 'Поле CSV в кавычках не закрыто.',
  },
  HEADER_NOT_FOUND: {
    status: 422,
    retry: 'final',
    en: "The table's header row is not found.",
    ru: 'Строка заголовков таблицы не найдена.',
  },
  SHEET_NOT_FOUND: {
    status: 422,
    retry: 'final',
    en: 'The workbook has no such sheet.',
    ru: 'В книге нет такого листа.',
  },
  SPREADSHEET_NO_SHEET: {
    status: 422,
    retry: 'final',
    en: 'The workbook has no sheet.',
    ru: 'В книге нет ни одного листа.',
  },
  SPREADSHEET_TOO_LARGE: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0021-xlsx-table-reader-of-our-own.md#decision',
    en: 'The spreadsheet exceeds the size limits.',
    ru: 'Таблица превышает допустимый размер.',
  },
  SPREADSHEET_UNREADABLE: {
    status: 422,
    retry: 'final',
    en: 'The spreadsheet cannot be read.',
    ru: 'Таблица не читается.',
  },
  XLSX_NOT_A_WORKBOOK: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0021-xlsx-table-reader-of-our-own.md#decision',
    en: 'The file is not an XLSX workbook.',
    ru: 'Файл — не книга XLSX.',
  },
  EXPORT_NO_ROWS: {
    status: 422,
    retry: 'final',
    en: 'Nothing to export.',
    ru: 'Нечего выгружать.',
  },
  JSON_SYNTAX: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'The file is not JSON.',
    ru: 'Файл — не JSON.',
  },
  GENERATE_ROWS_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'The number of rows to generate must be a positive integer.',
    ru: 'Число строк для генерации должно быть положительным целым.',
  },
  GATEWAY_MISSING: {
    status: 422,
    retry: 'final',
    en: 'No gateway URL given.',
    ru: 'Не задан адрес шлюза.',
  },
  TOKEN_MISSING: {
    status: 422,
    retry: 'final',
    en: 'No API token given.',
    ru: 'Не задан токен API.',
  },
  KEYFILE_CORRUPT: {
    status: 422,
    retry: 'final',
    en: 'The key file is damaged.',
    ru: 'Файл ключей повреждён.',
  },
  KEYFILE_PASSPHRASE_WRONG: {
    status: 422,
    retry: 'final',
    en: 'The passphrase does not open the key file.',
    ru: 'Парольная фраза не открывает файл ключей.',
  },
  KEYFILE_UNREADABLE: {
    status: 422,
    retry: 'final',
    en: 'The key file cannot be read.',
    ru: 'Файл ключей не читается.',
  },
  PASSPHRASE_MISSING: {
    status: 422,
    retry: 'final',
    en: 'No passphrase given.',
    ru: 'Парольная фраза не задана.',
  },
  PASSPHRASE_MISMATCH: {
    status: 422,
    retry: 'final',
    en: 'The two passphrases differ.',
    ru: 'Парольные фразы не совпадают.',
  },
  CRYPTO_WORKER_EXITED: {
    status: 422,
    retry: 'transient',
    en: 'A crypto worker thread exited; the operation can be tried again.',
    ru: 'Поток криптографии завершился; операцию можно повторить.',
  },
  CONFIG_INVALID: {
    status: 422,
    retry: 'final',
    en: "The node's configuration is invalid; field errors say where.",
    ru: 'Конфигурация узла неверна; ошибки полей указывают место.',
  },
  CONFIG_MISSING: {
    status: 422,
    retry: 'final',
    en: 'The node has no configuration file.',
    ru: 'У узла нет файла конфигурации.',
  },
  CONFIG_YAML: {
    status: 422,
    retry: 'final',
    en: 'The configuration is not valid YAML.',
    ru: 'Конфигурация — не корректный YAML.',
  },
  INIT_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The options given to dmsnet-node init are invalid.',
    ru: 'dmsnet-node init получил неверные параметры.',
  },
  NODE_EXISTS: {
    status: 422,
    retry: 'final',
    en: 'A node already exists in this directory.',
    ru: 'В этом каталоге уже есть узел.',
  },
  NODE_UNKNOWN: {
    status: 422,
    retry: 'final',
    en: 'No such node.',
    ru: 'Такого узла нет.',
  },
  NODE_RUNNING: {
    status: 422,
    retry: 'final',
    en: 'The node is running already.',
    ru: 'Узел уже запущен.',
  },
  BACKUP_NOT_A_BACKUP: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0039-node-backup-sealed-with-the-passphrase.md',
    en: 'The file is not a dmsnet node backup, or its header is malformed; the pointer names the field.',
    ru: 'Файл — не резервная копия узла dmsnet, или её заголовок испорчен; указатель называет поле.',
  },
  BACKUP_PASSPHRASE_WRONG: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0039-node-backup-sealed-with-the-passphrase.md',
    en: 'The passphrase does not open the backup.',
    ru: 'Пароль не открывает резервную копию.',
  },
  BACKUP_TAMPERED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0039-node-backup-sealed-with-the-passphrase.md',
    en: 'A part of the backup fails authentication: it was altered or damaged; nothing was restored.',
    ru: 'Часть резервной копии не проходит проверку подлинности: копия изменена или повреждена; ничего не восстановлено.',
  },
  BACKUP_TRUNCATED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0039-node-backup-sealed-with-the-passphrase.md',
    en: 'The backup ends before its final part: it is incomplete; nothing was restored.',
    ru: 'Резервная копия обрывается до последней части: она неполная; ничего не восстановлено.',
  },
  BACKUP_FILE_EXISTS: {
    status: 422,
    retry: 'final',
    en: 'The backup file named exists already; a backup never overwrites a file.',
    ru: 'Указанный файл резервной копии уже существует; копия никогда не перезаписывает файл.',
  },
  BACKUP_LINK_LOOP: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0039-node-backup-sealed-with-the-passphrase.md',
    en: 'A symbolic link in the node folder leads back to a folder that holds it; the backup names it and writes nothing.',
    ru: 'Символическая ссылка в папке узла ведёт обратно в папку, которая её содержит; копия называет её и ничего не записывает.',
  },
  RESTORE_TARGET_NOT_EMPTY: {
    status: 422,
    retry: 'final',
    en: 'A backup is restored into an empty or new directory only.',
    ru: 'Резервная копия восстанавливается только в пустую или новую папку.',
  },
  NODE_NOT_READY: {
    status: 422,
    retry: 'transient',
    en: 'The node is not ready yet.',
    ru: 'Узел ещё не готов.',
  },
  NODE_UNREACHABLE: {
    status: 422,
    retry: 'transient',
    en: 'The node does not answer.',
    ru: 'Узел не отвечает.',
  },
  NODE_REFUSED: {
    status: 422,
    retry: 'final',
    en: 'The node refused the request without a code of its own.',
    ru: 'Узел отклонил запрос, не указав кода.',
  },
  NETWORK_RUNNING: {
    status: 422,
    retry: 'final',
    en: 'The network is running already.',
    ru: 'Сеть уже запущена.',
  },
  PORT_IN_USE: {
    status: 422,
    retry: 'transient',
    en: 'The port is taken.',
    ru: 'Порт занят.',
  },
  PROCESS_START_FAILED: {
    status: 422,
    retry: 'final',
    en: 'A process of the network did not start.',
    ru: 'Процесс сети не запустился.',
  },
  IDLE_TIMEOUT: {
    status: 422,
    retry: 'transient',
    en: 'The node did not become idle in time.',
    ru: 'Узел не завершил работу за отведённое время.',
  },
  FABRIC_BINARIES_MISSING: {
    status: 422,
    retry: 'final',
    en: 'The Fabric binaries are not installed.',
    ru: 'Исполняемые файлы Fabric не установлены.',
  },
  FABRIC_BINARIES_BROKEN: {
    status: 422,
    retry: 'final',
    en: 'The Fabric binaries do not run.',
    ru: 'Исполняемые файлы Fabric не запускаются.',
  },
  FABRIC_VERSION_UNSUPPORTED: {
    status: 422,
    retry: 'final',
    en: 'This Fabric version is not supported.',
    ru: 'Эта версия Fabric не поддерживается.',
  },
  FABRIC_COMMAND_FAILED: {
    status: 422,
    retry: 'final',
    en: 'A Fabric command failed.',
    ru: 'Команда Fabric завершилась с ошибкой.',
  },
  FABRIC_CONFIG_MISSING: {
    status: 422,
    retry: 'final',
    en: "The Fabric network's configuration is missing.",
    ru: 'Конфигурация сети Fabric отсутствует.',
  },
  FABRIC_IDENTITY_MISSING: {
    status: 422,
    retry: 'final',
    en: 'The Fabric identity is missing.',
    ru: 'Идентификатор Fabric отсутствует.',
  },
  FABRIC_CA_MISSING: {
    status: 422,
    retry: 'final',
    en: 'Fabric CA is not installed, or the organisation runs the in-process CA instead.',
    ru: 'Fabric CA не установлен, или организация использует встроенный УЦ.',
  },
  FABRIC_CA_COMMAND_FAILED: {
    status: 422,
    retry: 'final',
    en: 'The Fabric CA server or client refused or failed.',
    ru: 'Сервер или клиент Fabric CA отказал или завершился с ошибкой.',
  },
  CA_REQUEST_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The request to the CA is malformed: a name, type, attribute, certificate request or revocation reason.',
    ru: 'Запрос к УЦ составлен неверно: имя, тип, атрибут, запрос на сертификат или причина отзыва.',
  },
  ORG_EXISTS: {
    status: 422,
    retry: 'final',
    en: "The folder already holds an organisation's material.",
    ru: 'В папке уже есть материалы организации.',
  },
  ORG_DEFINITION_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The organisation definition file is unreadable or holds more than public parts.',
    ru: 'Файл определения организации не читается или содержит не только открытые части.',
  },
  ORG_ALREADY_MEMBER: {
    status: 422,
    retry: 'final',
    en: 'The organisation is already a member of the channel.',
    ru: 'Организация уже входит в канал.',
  },
  ORG_NOT_MEMBER: {
    status: 422,
    retry: 'transient',
    en: 'The organisation is not a member of the channel yet.',
    ru: 'Организация ещё не входит в канал.',
  },
  UPDATE_SIGNATURES_MISSING: {
    status: 422,
    retry: 'final',
    en: 'The channel update lacks signatures its modification policy requires.',
    ru: 'Под изменением канала не хватает подписей, которых требует его политика изменения.',
  },
  UPDATE_FILES_DIFFER: {
    status: 422,
    retry: 'final',
    en: 'The files are not copies of one channel update, so their signatures cannot be merged.',
    ru: 'Файлы не являются копиями одного изменения канала, их подписи нельзя объединить.',
  },
  COUNCIL_CHANGE_INVALID: {
    status: 422,
    retry: 'final',
    en: 'The council change would name an organisation outside the channel, a seat twice, or leave no elected member.',
    ru: 'Изменение совета назвало бы организацию вне канала, одно место дважды или не оставило бы выбранных членов.',
  },
  ORG_REMOVAL_REFUSED: {
    status: 422,
    retry: 'final',
    en: 'The organisation cannot be removed this way: it is not in the channel, sits on the council, or is one of the last two.',
    ru: 'Организацию нельзя исключить так: её нет в канале, она входит в совет или она одна из двух последних.',
  },
  CHAINCODE_APPROVALS_MISSING: {
    status: 422,
    retry: 'transient',
    en: 'Too few organisations have approved the chaincode definition to commit it.',
    ru: 'Определение чейнкода одобрило слишком мало организаций, чтобы его зафиксировать.',
  },
  CHAINCODE_VERSION_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0051-chaincode-upgrade-beside-the-running-release.md',
    en: 'The chaincode version is malformed, is the committed one, or is the one the organisation already runs.',
    ru: 'Версия чейнкода записана неверно, уже зафиксирована или уже работает у организации.',
  },
  CHAINCODE_UPGRADE_NOT_READY: {
    status: 409,
    retry: 'transient',
    doc: 'docs/decisions/0051-chaincode-upgrade-beside-the-running-release.md',
    en: 'The organisation has no chaincode upgrade in progress, or its new version is not committed yet.',
    ru: 'У организации нет начатого обновления чейнкода или его новая версия ещё не зафиксирована.',
  },
  NODE_RENEWAL_UNSUPPORTED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0064-orderer-certificates-renewed-by-a-consenter-update.md',
    en: "An orderer's certificates are in the channel's consenter set: they are renewed in two steps (an update of its consenter entry, then a restart), not in one like a peer's.",
    ru: 'Сертификаты узла упорядочивания входят в состав консенсуса канала: они продлеваются в два шага (изменение его записи в составе консенсуса, затем перезапуск), а не за один, как у пира.',
  },
  CHANNEL_POLICY_UNSUPPORTED: {
    status: 422,
    retry: 'final',
    en: 'The channel policy has a shape this tool cannot evaluate.',
    ru: 'Политика канала имеет вид, который этот инструмент не умеет проверить.',
  },
  CONSENTER_EXISTS: {
    status: 422,
    retry: 'final',
    en: 'The orderer is already a consenter of the channel.',
    ru: 'Этот узел упорядочивания уже входит в число участников консенсуса канала.',
  },
  CONSENTER_UNKNOWN: {
    status: 422,
    retry: 'final',
    en: 'No such orderer: neither a consenter of the channel nor a node of this organisation.',
    ru: 'Такого узла упорядочивания нет ни среди участников консенсуса канала, ни среди узлов организации.',
  },
  CONSENTER_CHANGE_REFUSED: {
    status: 422,
    retry: 'final',
    en: 'The change of the ordering service is refused: it is not a SmartBFT channel, a field is invalid, or too few consenters would remain.',
    ru: 'Изменение службы упорядочивания отклонено: канал не на SmartBFT, поле задано неверно или участников консенсуса осталось бы слишком мало.',
  },
  STUB_INVALID_CALL: {
    status: 422,
    retry: 'final',
    en: "The chaincode called the embedded ledger's stub wrongly (a bug).",
    ru: 'Чейнкод неверно вызвал заглушку встроенного реестра (ошибка в коде).',
  },
  LEDGER_UNAVAILABLE: {
    status: 503,
    retry: 'transient',
    en: 'The ledger cannot be reached now.',
    ru: 'Реестр сейчас недоступен.',
  },
  LEDGER_BLOCKS_NOT_HELD: {
    status: 503,
    retry: 'transient',
    doc: 'docs/decisions/0053-a-missing-ciphertext-is-asked-for-again.md#decision',
    en: 'The peer was joined from a snapshot and holds no block before it; the organisation’s other peer serves them.',
    ru: 'Узел присоединён из снимка и не хранит блоков до него; их отдаёт другой узел организации.',
  },
  LEDGER_ERROR: {
    status: 422,
    retry: 'transient',
    en: 'The ledger failed in a way a new proposal may overcome.',
    ru: 'Сбой реестра, который может преодолеть новое предложение транзакции.',
  },
  MAIL_NOT_CONFIGURED: {
    status: 409,
    retry: 'final',
    en: 'This node has no mail bridge: its configuration has no mail section.',
    ru: 'У этого узла нет почтового моста: в его настройках нет раздела mail.',
  },
  FUNCTION_UNKNOWN: {
    status: 501,
    retry: 'final',
    en: "The ledger's chaincode has no such contract or function: it runs an older release than this gateway.",
    ru: 'В чейнкоде реестра нет такого контракта или функции: он старше этого шлюза.',
  },
  LEDGER_ACCESS_DENIED: {
    status: 503,
    retry: 'transient',
    doc: 'docs/operator-guide.ru.md',
    en: "The peer refuses this node's Fabric identity: its MSP id or certificate is not one the channel accepts.",
    ru: 'Пир отказывает идентификатору узла в Fabric: его MSP или сертификат канал не принимает.',
  },
  ENDORSEMENT_FAILED: {
    status: 422,
    retry: 'transient',
    en: 'The endorsements differ or do not satisfy the policy; proposing again may succeed.',
    ru: 'Одобрения расходятся или не удовлетворяют политике; повторное предложение может пройти.',
  },
  PREPARED_TX_INVALID: {
    status: 422,
    retry: 'transient',
    en: 'A saved transaction cannot be submitted again; it is proposed anew.',
    ru: 'Сохранённую транзакцию нельзя отправить повторно; она предлагается заново.',
  },
  MVCC_READ_CONFLICT: {
    status: 422,
    retry: 'transient',
    en: 'A concurrent transaction changed what this one read; proposing again succeeds.',
    ru: 'Параллельная транзакция изменила прочитанное; повторное предложение пройдёт.',
  },
  PHANTOM_READ_CONFLICT: {
    status: 422,
    retry: 'transient',
    en: 'A concurrent transaction changed a range this one read; proposing again succeeds.',
    ru: 'Параллельная транзакция изменила прочитанный диапазон; повторное предложение пройдёт.',
  },
  DUPLICATE_TXID: {
    status: 422,
    retry: 'final',
    en: 'A transaction with this id was committed already.',
    ru: 'Транзакция с этим идентификатором уже записана.',
  },
  ENDORSEMENT_POLICY_FAILURE: {
    status: 422,
    retry: 'final',
    en: "The transaction's endorsements do not satisfy the policy.",
    ru: 'Одобрения транзакции не удовлетворяют политике.',
  },
  BAD_CREATOR_SIGNATURE: {
    status: 422,
    retry: 'final',
    en: "The transaction's creator signature does not verify.",
    ru: 'Подпись автора транзакции не сходится.',
  },
  INVALID_ENDORSER_TRANSACTION: {
    status: 422,
    retry: 'final',
    en: 'Fabric refused the endorser transaction.',
    ru: 'Fabric отклонил транзакцию одобрения.',
  },
  INVALID_CHAINCODE: {
    status: 422,
    retry: 'final',
    en: 'Fabric refused the chaincode.',
    ru: 'Fabric отклонил чейнкод.',
  },
  EXPIRED_CHAINCODE: {
    status: 422,
    retry: 'final',
    en: 'The chaincode definition has expired.',
    ru: 'Определение чейнкода устарело.',
  },
  RECEIVE_FAILED: {
    status: 422,
    retry: 'final',
    doc: 'docs/architecture.md#no-single-event-stops-a-node',
    en: 'Receiving the document failed in a way that repeats on every try; it is rejected and the node moves on.',
    ru: 'Приём документа не удаётся при каждой попытке; документ отклонён, узел продолжает работу.',
  },
  DOCUMENT_SHAPE: {
    status: 422,
    retry: 'final',
    doc: 'docs/architecture.md#no-single-event-stops-a-node',
    en: 'The signed text is not a document: an object with header and body objects.',
    ru: 'Подписанный текст — не документ: нужен объект с объектами header и body.',
  },
  TOO_MANY_ERRORS: {
    status: 422,
    retry: 'final',
    doc: 'formats/RULES.md#entry-before-a-schema-can-be-chosen-and-in-the-cli',
    en: 'More than 1,000 schema errors: the first 1,000 are listed.',
    ru: 'Больше 1000 ошибок схемы: перечислены первые 1000.',
  },
  CHAINCODE_ERROR: {
    status: 422,
    retry: 'final',
    en: 'The chaincode refused without a code of its own (its message is passed on as it came).',
    ru: 'Чейнкод отказал без собственного кода (его сообщение передано как есть).',
  },
  EXPORT_FAILED: {
    status: 502,
    retry: 'final',
    en: 'The node refused the signature export without a code of its own.',
    ru: 'Узел отказал в выгрузке подписи без собственного кода.',
  },
  INTERNAL: {
    status: 500,
    retry: 'transient',
    en: "An internal error; details are in the node's log only.",
    ru: 'Внутренняя ошибка; подробности только в журнале узла.',
  },
  // The e-mail bridge (gateway/src/mail; decision record 0042).
  CORRESPONDENT_INVALID: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: 'A correspondent of the address book is given wrongly; the pointers name the fields.',
    ru: 'Корреспондент адресной книги задан неверно; указатели называют поля.',
  },
  CORRESPONDENT_ADDRESS_TAKEN: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: 'The e-mail address already sends for another correspondent.',
    ru: 'Этот адрес электронной почты уже отправляет от имени другого корреспондента.',
  },
  MAIL_SENDER_UNKNOWN: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: 'The message comes from an address no correspondent of the address book may send from; it is held.',
    ru: 'Письмо пришло с адреса, которого нет в адресной книге; оно задержано.',
  },
  MAIL_NOT_AUTHENTICATED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: "The mail server recorded no SPF, DKIM or DMARC pass for the sender's domain; the message is held for a person.",
    ru: 'Почтовый сервер не подтвердил домен отправителя (SPF, DKIM, DMARC); письмо задержано до решения человека.',
  },
  MAIL_MALFORMED: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: 'The message cannot be read as MIME; it is held.',
    ru: 'Письмо не читается как MIME; оно задержано.',
  },
  MAIL_TOO_LARGE: {
    status: 413,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: "The message or an attachment is over the bridge's size limit.",
    ru: 'Письмо или вложение больше предела, который принимает почтовый мост.',
  },
  MAIL_NO_DOCUMENT: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: "No attachment of the message matches a mapping of the sender's correspondent.",
    ru: 'Ни одно вложение письма не подходит под сопоставления корреспондента.',
  },
  MAIL_NOT_HELD: {
    status: 404,
    retry: 'final',
    doc: 'docs/decisions/0042-the-mail-bridge.md',
    en: 'No held message has this id.',
    ru: 'Задержанного письма с таким идентификатором нет.',
  },
  MAIL_OUTBOUND_NOT_CONFIGURED: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'This node sends no documents by e-mail: its mail section has no publicUrl for download links.',
    ru: 'Узел не отправляет документы по почте: в разделе mail нет publicUrl для ссылок на скачивание.',
  },
  MAIL_ADDRESSEE_NOT_CORRESPONDENT: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'The addressee is not in the address book of correspondents, so the node has no address to write to.',
    ru: 'Адресата нет в адресной книге корреспондентов: узлу некуда писать.',
  },
  MAIL_ADDRESSEE_IS_MEMBER: {
    status: 422,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'The addressee is a member of the network: send the document on the ledger (POST /v1/documents).',
    ru: 'Адресат — участник сети: отправьте документ через реестр (POST /v1/documents).',
  },
  MAIL_OUTBOUND_UNKNOWN: {
    status: 404,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'No document was sent by e-mail under this id.',
    ru: 'Документа, отправленного по почте под этим идентификатором, нет.',
  },
  MAIL_LINK_UNKNOWN: {
    status: 404,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'No download link has this address.',
    ru: 'Ссылки с таким адресом нет.',
  },
  MAIL_LINK_EXPIRED: {
    status: 410,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'The download link has expired; the sender can send the document again.',
    ru: 'Срок действия ссылки истёк; отправитель может отправить документ снова.',
  },
  MAIL_LINK_USED: {
    status: 410,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'The download link was already opened once; it works only once.',
    ru: 'Ссылка уже была открыта; она действует один раз.',
  },
  MAIL_LINK_LOCKED: {
    status: 429,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'Too many wrong codes were entered for this link; it is locked.',
    ru: 'Для этой ссылки слишком много раз введён неверный код; она заблокирована.',
  },
  MAIL_CODE_WRONG: {
    status: 403,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'The access code is wrong.',
    ru: 'Неверный код доступа.',
  },
  MAIL_ALREADY_DECIDED: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0049-documents-to-correspondents-by-e-mail.md',
    en: 'The correspondent already answered this document.',
    ru: 'Корреспондент уже ответил на этот документ.',
  },
  MAIL_NO_LINK: {
    status: 409,
    retry: 'final',
    doc: 'docs/decisions/0057-re-sending-a-link-and-the-e-mail-form.md',
    en: 'The document went as an encrypted attachment: it has no download link to send again.',
    ru: 'Документ отправлен зашифрованным вложением: ссылки для повторной отправки у него нет.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * A code read from outside this process — a peer's endorsement message, an HTTP answer, a crypto worker's reply — kept
 * as it came even where this build does not know it. Everything thrown here names a registered ErrorCode; only
 * wireCode() makes one of these.
 */
export type WireCode = string & { readonly wire: unique symbol };

export const wireCode = (code: string): WireCode => code as WireCode;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** The registry's entry of a code, or undefined for a code it does not know (e.g. one another component made up). */
export function errorCodeEntry(code: string): ErrorCodeEntry | undefined {
  return isErrorCode(code) ? ERROR_CODES[code] : undefined;
}

/** Whether the registry says no retry of the same request can succeed; unknown codes are not known to be final. */
export function isFinalCode(code: string): boolean {
  return errorCodeEntry(code)?.retry === 'final';
}

/** What a field error's code says: a rule broken at the field its pointer names, in English and Russian. */
export interface FieldCodeEntry {
  en: string;
  /** Lower-case, to follow the place it names: «Строка 2, «Код дефекта»: код дефекта обязателен…». */
  ru: string;
}

/**
 * The codes of field errors (a document's or request's rules, a file's cells, a workflow's refusals of one row):
 * the `errors[].code` of an answer rather than its own `code`. They live beside ERROR_CODES so the console, the CLI
 * and e-mail say them from one place; test/formats/field-codes.test.ts fails on one written in the sources or in a
 * RULES.md table without its words here.
 */
export const FIELD_CODES = {
  // The format's schema (formats/RULES.md).
  SCHEMA_REQUIRED: { en: 'A required field is missing.', ru: 'обязательное поле не заполнено' },
  SCHEMA_ADDITIONAL_PROPERTY: {
    en: 'A field the format does not define.',
    ru: 'поле, которого нет в формате',
  },
  SCHEMA_TYPE: { en: 'The value has the wrong type.', ru: 'значение не того вида (число, текст, список)' },
  SCHEMA_ENUM: { en: 'Not one of the allowed values.', ru: 'значение не из допустимых' },
  SCHEMA_CONST: { en: 'Not the one allowed value.', ru: 'допустимо только одно значение, указано другое' },
  SCHEMA_PATTERN: {
    en: 'The text does not have the required form.',
    ru: 'значение не соответствует формату',
  },
  SCHEMA_FORMAT: { en: 'Not a calendar date or date-time.', ru: 'дата не распознана или её нет в календаре' },
  SCHEMA_RANGE: { en: 'The number is out of range.', ru: 'число вне допустимых пределов' },
  SCHEMA_LENGTH: {
    en: 'The text is too short or too long.',
    ru: 'текст слишком короткий или слишком длинный',
  },
  SCHEMA_ITEMS: { en: 'Too few or too many items.', ru: 'слишком мало или слишком много строк' },
  SCHEMA_PROPERTIES: {
    en: 'Too few or too many fields (a limit names visits or roubles; a franchise a percent or an amount).',
    ru: 'заполнено слишком мало или слишком много полей (лимит — посещения или рубли, франшиза — процент или сумма)',
  },
  // The format's business rules (formats/src/rules/codes.ts).
  XML_MALFORMED: { en: 'The file is not well-formed XML.', ru: 'файл не является правильно построенным XML' },
  XML_DOCTYPE: {
    en: 'The file carries a document type declaration (DTD), which the format has none of.',
    ru: 'в файле есть объявление типа документа (DTD), которого в формате нет',
  },
  XML_TOO_LARGE: { en: 'The file is too large or has too many elements.', ru: 'файл слишком большой' },
  XML_TOO_DEEP: { en: 'The elements are nested too deep.', ru: 'слишком глубокая вложенность элементов' },
  XML_ENCODING: {
    en: 'The encoding is not windows-1251 or UTF-8, or the bytes do not match it.',
    ru: 'кодировка не CP1251 и не UTF-8 или байты ей не соответствуют',
  },
  KND_FORM: { en: 'Not the КНД 1110388 form.', ru: 'это не форма КНД 1110388' },
  KND_REQUIRED: {
    en: 'A required element or attribute is missing.',
    ru: 'нет обязательного элемента или атрибута',
  },
  KND_UNEXPECTED: {
    en: 'An element, attribute or text the layout has no place for.',
    ru: 'элемент, атрибут или текст, которому нет места в структуре',
  },
  KND_VALUE: { en: 'The value breaks the layout’s rule for it.', ru: 'значение нарушает правило формата' },
  KND_DATE: { en: 'Not a calendar date ДД.ММ.ГГГГ.', ru: 'дата не в виде ДД.ММ.ГГГГ или её нет в календаре' },
  KND_AMOUNT: {
    en: 'Not an amount in roubles with at most two decimals.',
    ru: 'сумма не в рублях с не более чем двумя знаками после точки',
  },
  KND_PARTY_UNKNOWN: {
    en: 'No participant of the network has this ИНН.',
    ru: 'участника сети с таким ИНН нет',
  },
  KND_PARTY_INN: {
    en: 'The party has no ИНН in the directory or the header.',
    ru: 'у стороны нет ИНН ни в справочнике, ни в заголовке',
  },
  KND_CHAR_NOT_XML: {
    en: 'The text holds a control character that XML 1.0 cannot carry, not even as a reference.',
    ru: 'в тексте управляющий символ, который в XML 1.0 записать нельзя',
  },
  KND_NOT_INVOICE: {
    en: 'Only an invoice has a register of services.',
    ru: 'реестр услуг есть только у счёта',
  },
  INN_FORMAT: { en: 'An ИНН is 10 or 12 digits.', ru: 'ИНН должен содержать 10 или 12 цифр' },
  INN_CHECKSUM: { en: 'The ИНН check digit does not match.', ru: 'неверное контрольное число ИНН' },
  OGRN_FORMAT: { en: 'Not an ОГРН (13 digits) or ОГРНИП (15 digits).', ru: 'неверный формат ОГРН' },
  OGRN_CHECKSUM: { en: 'The ОГРН check digit does not match.', ru: 'неверное контрольное число ОГРН' },
  KPP_FORMAT: { en: 'A КПП is NNNNPPXXX.', ru: 'КПП должен иметь вид NNNNPPXXX' },
  SNILS_FORMAT: { en: 'A СНИЛС is 11 digits.', ru: 'СНИЛС должен содержать 11 цифр' },
  SNILS_CHECKSUM: { en: 'The СНИЛС control number does not match.', ru: 'ошибка в контрольном числе СНИЛС' },
  ENP_FORMAT: { en: 'An ЕНП ОМС is 16 digits.', ru: 'ЕНП ОМС должен содержать 16 цифр' },
  ENP_CHECKSUM: { en: 'The ЕНП ОМС check digit does not match.', ru: 'неверное контрольное число ЕНП ОМС' },
  ICD10_FORMAT: { en: 'Not an МКБ-10 code.', ru: 'неверный код МКБ-10' },
  SERVICE_CODE_FORMAT: {
    en: 'Not a code of the Nomenclature of medical services (804н).',
    ru: 'код услуги не соответствует Номенклатуре (приказ 804н)',
  },
  PERIOD_ORDER: { en: 'The period ends before it starts.', ru: 'дата окончания раньше даты начала' },
  BIRTH_DATE_FUTURE: {
    en: 'The birth date is after the document was made.',
    ru: 'дата рождения позже даты документа',
  },
  SERVICE_DATE_OUTSIDE_PERIOD: {
    en: 'The service date is outside the billing period.',
    ru: 'дата оказания услуги вне отчётного периода',
  },
  LINE_AMOUNT_MISMATCH: {
    en: 'The amount is not quantity × price.',
    ru: 'сумма строки не равна количеству, умноженному на цену',
  },
  TOTAL_MISMATCH: { en: 'The total is not the sum of the lines.', ru: 'итог не равен сумме строк' },
  GL_LIMIT_EXCEEDED: {
    en: "The lines add up to more than the letter's limit.",
    ru: 'сумма услуг больше лимита письма',
  },
  ROW_ID_DUPLICATE: { en: 'Two rows have the same number.', ru: 'номер строки повторяется' },
  SERVICE_DUPLICATE: {
    en: 'The same service is priced twice from the same date.',
    ru: 'услуга указана в прейскуранте дважды с одной даты',
  },
  SELF_REFERENCE: { en: 'A document cannot answer or correct itself.', ru: 'документ ссылается сам на себя' },
  ADDRESSEE_IS_SENDER: { en: 'The addressee is the sender.', ru: 'получатель совпадает с отправителем' },
  TEXT_TOO_LONG: { en: 'The text is longer than 65,536 characters.', ru: 'текст длиннее 65 536 знаков' },
  NESTING_TOO_DEEP: { en: 'Nested deeper than 32 levels.', ru: 'вложенность глубже 32 уровней' },
  ACT_AMOUNT_SPLIT: {
    en: 'Claimed is not paid plus withheld.',
    ru: 'предъявленная сумма не равна сумме к оплате и снятой',
  },
  ACT_DECISION_AMOUNT: {
    en: 'A paid line withholds nothing; a withheld line withholds something.',
    ru: 'у строки «оплатить» снятая сумма должна быть нулём, у строки «снять» — больше нуля',
  },
  ACT_LINE_DUPLICATE: {
    en: 'The invoice line is examined twice.',
    ru: 'строка счёта рассмотрена в акте дважды',
  },
  ACT_INVOICE_MISMATCH: { en: 'The act names another invoice.', ru: 'акт ссылается на другой счёт' },
  ACT_LINE_UNKNOWN: { en: 'The invoice has no such line.', ru: 'в счёте нет такой строки' },
  CARE_WHAT_MISSING: {
    en: 'A care request names the specialty wanted, the services, or both.',
    ru: 'укажите специальность врача, услуги или и то и другое',
  },
  CARE_LETTER_BOTH: {
    en: 'A care request carries a guarantee letter or says one follows, not both.',
    ru: 'гарантийное письмо приложено — оно не может одновременно «поступить позже»',
  },
  CARE_DEADLINE_ORDER: {
    en: 'The answer is due after the request is created.',
    ru: 'срок ответа должен быть позже создания заявки',
  },
  APPOINTMENT_TIME_ORDER: {
    en: 'The visit ends after it starts.',
    ru: 'приём должен заканчиваться позже начала',
  },
  CARE_ANSWER_FOREIGN: {
    en: 'The appointment answers no care request this participant sent to that clinic.',
    ru: 'запись отвечает на заявку, которую этой клинике не направляли',
  },
  PA_TOTAL_MISMATCH: {
    en: 'The total is the sum of the lines.',
    ru: 'итог должен равняться сумме строк',
  },
  PA_DEADLINE_ORDER: {
    en: 'The answer is due after the request is created.',
    ru: 'срок ответа должен быть позже создания запроса',
  },
  PA_INFO_DUE_ORDER: {
    en: 'The information is wanted after the answer is created.',
    ru: 'срок представления сведений должен быть позже ответа',
  },
  PA_ANSWER_FOREIGN: {
    en: 'The answer names no guarantee-letter request this clinic sent to this payer.',
    ru: 'ответ ссылается на запрос, который эта клиника этому плательщику не направляла',
  },
  PA_NOT_PRICED: {
    en: 'The service is not in the price list the payer accepted.',
    ru: 'услуги нет в принятом плательщиком прайс-листе',
  },
  ACT_AMOUNT_EXCEEDS_INVOICE: {
    en: 'More is claimed than the invoice line holds.',
    ru: 'предъявлено больше, чем в строке счёта',
  },
  DOCREQ_DEADLINE_ORDER: {
    en: 'The answer is due on or after the request date.',
    ru: 'срок ответа не может быть раньше даты запроса',
  },
  DOCREQ_LINE_TWICE: {
    en: 'Another line of the request asks about the same invoice line.',
    ru: 'эта строка счёта уже указана в запросе',
  },
  DOCREQ_OTHER_UNSAID: {
    en: 'Say in the comment what other documentation is wanted.',
    ru: 'укажите в комментарии, какие ещё документы нужны',
  },
  DOCREQ_INVOICE_MISMATCH: {
    en: 'The request names another invoice.',
    ru: 'запрос ссылается на другой счёт',
  },
  DOCREQ_LINE_UNKNOWN: { en: 'The invoice has no such line.', ru: 'в счёте нет такой строки' },
  DOCREQ_LINE_MISMATCH: {
    en: 'The service or its date differ from the invoice line.',
    ru: 'услуга или дата не совпадают со строкой счёта',
  },
  DOCS_NOTHING: {
    en: 'The answer carries no file, no text and no missing line.',
    ru: 'в ответе нет ни файлов, ни текстов, ни перечня отсутствующих документов',
  },
  DOCS_TOO_LARGE: {
    en: 'The files of one answer add up to more than 100 MiB.',
    ru: 'файлы одного ответа больше 100 МБ в сумме',
  },
  DOCS_ATTACHMENT_TWICE: { en: 'The same file is attached twice.', ru: 'этот файл уже приложен' },
  DOCS_EXTENSION_MISMATCH: {
    en: "The file name's ending does not fit its type.",
    ru: 'расширение имени файла не соответствует его типу',
  },
  DOCS_PAGES_MISSING: { en: 'A PDF states its page count.', ru: 'укажите число страниц PDF' },
  DOCS_PAGES_ONLY_PDF: {
    en: 'Only a PDF states a page count.',
    ru: 'число страниц указывается только для PDF',
  },
  DOCS_REQUEST_MISMATCH: {
    en: 'The answer names another request or invoice.',
    ru: 'ответ ссылается на другой запрос или счёт',
  },
  DOCS_LINE_UNKNOWN: { en: 'The request has no such line.', ru: 'в запросе нет такой строки' },
  DOCS_ANSWER_FOREIGN: {
    en: 'The documentation answers no request this participant sent to that clinic.',
    ru: 'документация отвечает на запрос, который этой клинике не направляли',
  },
  ATTACHMENT_SIZE_MISMATCH: {
    en: 'The file is not of its declared size, or is over the limit.',
    ru: 'размер файла не совпадает с заявленным или превышает предел',
  },
  ATTACHMENT_TYPE_MISMATCH: {
    en: 'The file content is not of its declared type.',
    ru: 'содержимое файла не соответствует заявленному типу',
  },
  ATTACHMENT_HASH_MISMATCH: {
    en: 'The file is not the one its document names (SHA-256).',
    ru: 'файл не тот, хеш которого указан в документе',
  },
  ATTACHMENT_MALFORMED: {
    en: 'The file is cut short or malformed.',
    ru: 'файл повреждён или обрезан',
  },
  ATTACHMENT_PAGES_MISMATCH: {
    en: 'The PDF has another page count than declared.',
    ru: 'число страниц PDF не совпадает с заявленным',
  },
  ATTACHMENT_ACTIVE_CONTENT: {
    en: 'The PDF carries active content (scripts, launch actions, embedded files).',
    ru: 'PDF содержит активное содержимое (сценарии, запуск программ, вложенные файлы)',
  },
  PAYMENT_ORDER_AFTER_NOTICE: {
    en: 'The payment order is dated after the notice.',
    ru: 'платёжное поручение датировано позже уведомления',
  },
  PAYMENT_EMPTY: {
    en: 'The notice pays nothing and withholds nothing.',
    ru: 'в уведомлении нет ни оплаты, ни снятия',
  },
  PAYMENT_INVOICE_MISMATCH: {
    en: 'The notice names another invoice.',
    ru: 'уведомление ссылается на другой счёт',
  },
  PAYMENT_EXCEEDS_INVOICE: {
    en: 'Payments and withheld amounts exceed the invoice total.',
    ru: 'оплаты вместе со снятым превышают сумму счёта',
  },
  PAYMENT_INVOICE_UNKNOWN: {
    en: 'This payer did not receive such an invoice from this clinic.',
    ru: 'такой счёт этой клиники плательщику не поступал',
  },
  RECON_INVOICE_DUPLICATE: {
    en: 'The invoice is listed twice.',
    ru: 'счёт указан в акте сверки дважды',
  },
  RECON_INVOICE_OUTSIDE_PERIOD: {
    en: 'The invoice date lies outside the period.',
    ru: 'дата счёта вне периода сверки',
  },
  RECON_AMOUNTS_EXCEED_BILLED: {
    en: 'Accepted and withheld exceed what was billed.',
    ru: 'принято и снято больше, чем предъявлено',
  },
  RECON_OUTSTANDING: {
    en: 'Outstanding is not billed minus withheld minus paid.',
    ru: 'задолженность не равна предъявленному за вычетом снятого и оплаченного',
  },
  PROGRAMME_SCOPE_FORMAT: {
    en: 'A prefix ends at a dot of a Nomenclature code; a section is A, B or one with its type (B01).',
    ru: 'префикс должен заканчиваться на точке кода Номенклатуры, раздел — A, B или раздел с типом (B01)',
  },
  PROGRAMME_SCOPE_DUPLICATE: {
    en: 'An earlier row matches the same code the same way.',
    ru: 'строка с тем же кодом и тем же способом сопоставления уже есть в программе',
  },
  PROGRAMME_LIMIT_ON_EXCLUDED: {
    en: 'An excluded row has no limit.',
    ru: 'у исключённой услуги не бывает лимита',
  },
  PROGRAMME_LIMIT_ABOVE_PROGRAMME: {
    en: "A service's limit cannot exceed the programme's.",
    ru: 'лимит услуги больше лимита программы',
  },
  PROGRAMME_NOTHING_COVERED: {
    en: 'Every row excludes: the programme covers nothing.',
    ru: 'все строки программы — исключения, программа ничего не покрывает',
  },
  // A clinic's dispute of an act's lines (decision record 0041).
  ACT_LINE_DISPUTED: {
    en: 'The clinic disputes the line; the message is its reason.',
    ru: 'клиника оспаривает строку',
  },
  DISPUTE_REASON_REQUIRED: {
    en: 'Each disputed line says why.',
    ru: 'укажите причину, по которой строка оспаривается',
  },
  DISPUTE_LINE_REPEATED: { en: 'The line is named twice.', ru: 'строка указана дважды' },
  DISPUTE_LINES_REQUIRED: {
    en: 'Name at least one disputed line.',
    ru: 'отметьте хотя бы одну оспариваемую строку',
  },
  // A workflow's refusals of one row (gateway/src/workflows/RULES.md).
  ACT_AMOUNT_RANGE: {
    en: 'The withheld amount must be between 0 and the claimed amount.',
    ru: 'снятая сумма должна быть от нуля до предъявленной',
  },
  ACT_DEFECT_REQUIRED: {
    en: 'A withheld line needs a defect code.',
    ru: 'для снятия укажите код дефекта',
  },
  ROSTER_DUPLICATE_ROW: {
    en: 'The same person, programme and action appear earlier in the list.',
    ru: 'этот человек с той же программой и действием уже есть выше в списке',
  },
  ROSTER_OVERLAP: {
    en: 'Already attached under this programme for an overlapping period.',
    ru: 'уже прикреплён по этой программе на пересекающийся период',
  },
  ROSTER_NOT_ATTACHED: {
    en: 'Not attached under this programme on the detachment date.',
    ru: 'на дату открепления не прикреплён по этой программе',
  },
  ROSTER_UNKNOWN_PERSON: {
    en: 'Nobody with this policy under this programme.',
    ru: 'по этой программе нет человека с таким полисом',
  },
  ROSTER_OUTSIDE_CONTRACT: {
    en: 'The period is outside the contract.',
    ru: 'период выходит за срок договора',
  },
  ROSTER_CONTRACT_UNKNOWN: {
    en: 'No contract with this insurer has this number.',
    ru: 'с этим страховщиком нет договора с таким номером',
  },
  ROSTER_PROGRAMME_UNKNOWN: {
    en: 'The clinic has received no programme of this code from the insurer.',
    ru: 'клиника не получала от страховщика программу с этим кодом',
  },
  PROGRAMME_VERSION_STALE: {
    en: 'The clinic holds a version of this programme at least as new.',
    ru: 'у клиники уже есть такая же или более новая версия этой программы',
  },
  ROSTER_POLICY_UNKNOWN: {
    en: "The clinic's roster does not know this policy.",
    ru: 'полиса нет в списке застрахованных клиники',
  },
  ROSTER_NAME_DIFFERS: {
    en: 'The roster has another name for this policy.',
    ru: 'в списке застрахованных по этому полису другое ФИО',
  },
  GL_NO_PRICE_LIST: {
    en: 'No accepted price list of the clinic is in force on the first day.',
    ru: 'нет принятого прейскуранта клиники, действующего с первого дня',
  },
  GL_SERVICE_NOT_IN_PRICE_LIST: {
    en: 'The service is not in the price list.',
    ru: 'услуги нет в прейскуранте',
  },
  // A file's cells (gateway/src/adapters).
  DATE_INVALID: {
    en: 'A date is written as DD.MM.YYYY and exists in the calendar.',
    ru: 'дата должна быть в виде ДД.ММ.ГГГГ и существовать в календаре',
  },
  MONEY_INVALID: {
    en: 'An amount is a number with at most two decimals.',
    ru: 'сумма должна быть числом, не более двух знаков после запятой',
  },
  MONEY_NOT_KOPECKS: {
    en: 'More than two decimals: amounts are not rounded.',
    ru: 'в сумме больше двух знаков после запятой: суммы не округляются',
  },
  INTEGER_INVALID: { en: 'A whole number is needed.', ru: 'должно быть целое число' },
  SEX_INVALID: { en: 'Sex is М or Ж.', ru: 'пол должен быть М или Ж' },
  FULL_NAME_INVALID: {
    en: 'A full name has at least a last and a first name.',
    ru: 'ФИО должно содержать как минимум фамилию и имя',
  },
  PROGRAMME_UNKNOWN: {
    en: 'The programme is not in the mapping.',
    ru: 'программа не указана в файле сопоставления',
  },
  SERVICE_CODE_UNKNOWN: {
    en: "The clinic's service code is not in the price list.",
    ru: 'код услуги клиники не найден в прейскуранте',
  },
  VALUE_UNKNOWN: { en: 'Not one of the allowed values.', ru: 'недопустимое значение' },
  PARTY_INVALID: { en: 'The organisation is given wrongly.', ru: 'неверно указана организация' },
  NO_ROWS: { en: 'The file has no data rows.', ru: 'в файле нет строк с данными' },
  NO_ROUTE: { en: 'No route for this file.', ru: 'для этого файла не задан маршрут' },
  // Requests (gateway/src/api).
  REQUEST_REQUIRED: { en: 'Required.', ru: 'обязательное поле не заполнено' },
  REQUEST_MAX_LENGTH: { en: 'Too long.', ru: 'слишком длинное значение' },
  REQUEST_TYPE: { en: 'The value has the wrong type.', ru: 'значение не того вида' },
  // Received documents (gateway/src/node/inbox.ts).
  REPLY_FORGED: {
    en: 'The reply does not come from the addressee of the answered document.',
    ru: 'ответ пришёл не от получателя документа, на который он отвечает',
  },
  ENVELOPE_MISMATCH: {
    en: "The document's header does not match its envelope.",
    ru: 'заголовок документа не совпадает с конвертом',
  },
  // Mappings and node configuration files.
  ENUM: { en: 'Not one of the allowed values.', ru: 'значение не из допустимых' },
  TYPE: { en: 'The value has the wrong type.', ru: 'значение не того вида' },
  REQUIRED: { en: 'Required.', ru: 'обязательное поле не заполнено' },
  PATTERN: { en: 'Not in the expected form.', ru: 'значение не в ожидаемом виде' },
  PATTERN_INVALID: { en: 'Not a valid regular expression.', ru: 'регулярное выражение записано с ошибкой' },
  PATTERN_GROUP: {
    en: 'The pattern must capture the value in one group.',
    ru: 'в шаблоне должна быть одна группа, выделяющая значение',
  },
  HEADER_CONSTANT: {
    en: 'A number, date, period or contract comes from the file or the form, never from a constant in a mapping.',
    ru: 'номер, дата, период и договор берутся из файла или формы, а не из постоянной в описании файла',
  },
  CONFIG_REQUIRED: { en: 'A required setting is missing.', ru: 'обязательная настройка не задана' },
  CONFIG_UNKNOWN_KEY: { en: 'An unknown setting.', ru: 'неизвестная настройка' },
  CONFIG_ONE_OF: { en: 'Not one of the allowed values.', ru: 'значение не из допустимых' },
  CONFIG_TLS_REQUIRED: {
    en: 'Off loopback the connection must be encrypted.',
    ru: 'вне локального адреса соединение должно быть зашифровано',
  },
  FILE_MISSING: { en: 'The file does not exist.', ru: 'файла нет' },
  LEDGER_UNREACHABLE: { en: 'The peer cannot be reached.', ru: 'пир реестра недоступен' },
  TLS_UNTRUSTED: {
    en: "The peer's TLS certificate does not verify against the configured root.",
    ru: 'сертификат TLS пира не проверяется настроенным корневым сертификатом',
  },
  PARTICIPANT_MISMATCH: {
    en: 'The certificate acts for another participant.',
    ru: 'сертификат принадлежит другому участнику',
  },
  MAIL_SERVER_UNREACHABLE: {
    en: 'The mail server cannot be reached.',
    ru: 'почтовый сервер недоступен',
  },
} as const satisfies Record<string, FieldCodeEntry>;

/**
 * A field error's code in words: its own entry, else the top-level registry's (some codes are both), else the
 * schema keyword family's, so a governance-activated schema's new keyword still reads as a schema rule.
 */
export function fieldCodeEntry(code: string): FieldCodeEntry | undefined {
  if (Object.prototype.hasOwnProperty.call(FIELD_CODES, code))
    return FIELD_CODES[code as keyof typeof FIELD_CODES];
  const top = errorCodeEntry(code);
  if (top) return { en: top.en, ru: top.ru.charAt(0).toLowerCase() + top.ru.slice(1).replace(/\.$/, '') };
  if (code.startsWith('SCHEMA_'))
    return { en: 'The value breaks a rule of the format.', ru: 'значение нарушает правило формата' };
  return undefined;
}
