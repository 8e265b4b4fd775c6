// An invoice's register as a КНД 1110388 XML file (windows-1251), laid out from the format's PUBLISHED DESCRIPTION,
// not the official XSD, which could not be obtained (layout.ts says which names come from where; decision record
// 0061). The file says so in a comment at its top, so nobody takes it for a file checked against the ФНС's schema.
import { randomUUID } from 'node:crypto';
import iconv from 'iconv-lite';
import { DmsnetError, pointer, type FieldError } from '@dmsnet/formats/errors';
import type { DmsDocument, InvoiceBody, InvoiceLine } from '@dmsnet/formats/types';
import { A, CURRENCY, DOCUMENT_NAME, E, FILE_PREFIX, KND, LAYOUT_VERSION, money, ruDate } from './layout.js';

/** A party as the file names it: ИНН and name from the directory, КПП from the document's header. */
export interface KndParty {
  ogrn: string;
  name: string;
  inn: string;
  kpp?: string;
}

export interface KndExport {
  fileName: string;
  /** The XML as text (what the bytes decode to). */
  xml: string;
  /** The file: windows-1251. */
  bytes: Uint8Array;
}

export const PROVENANCE_COMMENT =
  ' dmsnet: реестр оказанных услуг по договорам ДМС, КНД 1110388. Составлен по опубликованному описанию формата, ' +
  'а не по официальной XSD-схеме ФНС (её получить не удалось): имена элементов строк реестра — dmsnet. ' +
  'Built from the published description of the format, not the official XSD. ';

// Characters windows-1251 has; any other is written as a character reference, so nothing is lost or replaced.
// (0x98 has no character in windows-1251: iconv decodes it as U+FFFD, which is therefore not one of them.)
const CP1251 = iconv
  .decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), 'win1251')
  .replace(/\uFFFD/g, '');
const NOT_CP1251 = new RegExp(
  `[^${[...CP1251].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('')}]`,
  'gu',
);
const MARKUP: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

function attr(value: string): string {
  return value
    .replace(/[&<>"\n\r\t]/g, (ch) => MARKUP[ch]!)
    .replace(NOT_CP1251, (ch) => `&#x${ch.codePointAt(0)!.toString(16).toUpperCase()};`);
}

/** `<name a="v" …>`: attributes in the layout's order, undefined ones left out. */
function open(name: string, order: readonly string[], values: Record<string, string | undefined>, end = '>') {
  const parts = order
    .filter((k) => values[k] !== undefined)
    .map((k) => `${k}="${attr(values[k] as string)}"`);
  return `<${name}${parts.length ? ' ' + parts.join(' ') : ''}${end}`;
}

function participant(tag: string, p: KndParty): string {
  return (
    `<${tag}><${E.participantId}>` +
    open(E.legalEntity, A.legalEntity, { НаимОрг: p.name, ИННЮЛ: p.inn, КПП: p.kpp }, '/>') +
    `</${E.participantId}></${tag}>`
  );
}

function line(l: InvoiceLine, index: number): string {
  const p = l.patient;
  return (
    open(E.line, A.line, {
      НомСтр: String(index + 1),
      ИдСтр: l.rowId,
      КодУсл: l.serviceCode,
      КодУслИсп: l.clinicServiceCode,
      НаимУсл: l.serviceName,
      ДатаНачУсл: ruDate(l.serviceDate),
      ДатаОкУсл: l.serviceEndDate ? ruDate(l.serviceEndDate) : undefined,
      КолУсл: String(l.quantity),
      Цена: money(l.unitPrice),
      Стоим: money(l.amount),
      КодДиаг: l.diagnosis,
    }) +
    open(
      E.patient,
      A.patient,
      {
        Фамилия: p.lastName,
        Имя: p.firstName,
        Отчество: p.middleName,
        ДатаРожд: ruDate(p.birthDate),
        Пол: p.sex === 'M' ? '1' : '2',
        НомПолис: p.policyNumber,
        СНИЛС: p.snils,
      },
      '/>',
    ) +
    `</${E.line}>`
  );
}

/** The file's date and time as the ФНС formats write them: Moscow time, ДД.ММ.ГГГГ and ЧЧ.ММ.СС. */
function moscow(now: Date): { date: string; time: string; compact: string } {
  const t = new Date(now.getTime() + 3 * 3_600_000).toISOString();
  return {
    date: ruDate(t.slice(0, 10)),
    time: t.slice(11, 19).replace(/:/g, '.'),
    compact: t.slice(0, 10).replace(/-/g, ''),
  };
}

// XML 1.0 has no way to write these, not even as a character reference; the invoice's format lets text hold them.
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- the control characters are exactly what is looked for
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** Every string of the body holding a character XML 1.0 cannot carry, by its pointer. */
function notXmlText(value: unknown, at: string): FieldError[] {
  if (typeof value === 'string')
    return NOT_XML_CHAR.test(value)
      ? [{ pointer: at, code: 'KND_CHAR_NOT_XML', message: 'holds a control character XML 1.0 cannot carry' }]
      : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => notXmlText(v, `${at}/${i}`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      notXmlText(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
    );
  return [];
}

/** The ЭДО participant id in ИдФайл: dmsnet is no ЭДО operator, so it is the ОГРН (an operator rewraps the file). */
const edoId = (p: KndParty) => p.ogrn;

export function exportKnd1110388(
  doc: DmsDocument,
  parties: { sender: KndParty; addressee: KndParty },
  options: { now?: Date; guid?: string } = {},
): KndExport {
  if (doc.header.type !== 'invoice')
    throw new DmsnetError('KND_EXPORT_REFUSED', 'only an invoice has a register of services', [
      {
        pointer: '/header/type',
        code: 'KND_NOT_INVOICE',
        message: `a ${doc.header.type} is not an invoice`,
      },
    ]);
  const missing: FieldError[] = [];
  for (const side of ['sender', 'addressee'] as const)
    if (!parties[side].inn)
      missing.push({
        pointer: pointer('header', side, 'inn'),
        code: 'KND_PARTY_INN',
        message: 'the format names each party by ИНН: neither the directory nor the header has one',
      });
  if (missing.length) throw new DmsnetError('KND_EXPORT_REFUSED', 'a party has no ИНН', missing);
  const unwritable = notXmlText(doc.body, '/body');
  if (unwritable.length)
    throw new DmsnetError('KND_EXPORT_REFUSED', 'a text holds a character XML 1.0 cannot carry', unwritable);
  const b = doc.body as InvoiceBody;
  const when = moscow(options.now ?? new Date());
  const guid = options.guid ?? randomUUID();
  const fileId = `${FILE_PREFIX}_${edoId(parties.addressee)}_${edoId(parties.sender)}_${when.compact}_${guid}`;
  const xml =
    '<?xml version="1.0" encoding="windows-1251"?>\n' +
    `<!--${PROVENANCE_COMMENT}-->\n` +
    open(E.file, A.file, { ИдФайл: fileId, ВерсФорм: LAYOUT_VERSION, ВерсПрог: 'dmsnet' }) +
    open(E.document, A.document, { КНД: KND, ДатаИнф: when.date, ВремИнф: when.time }) +
    open(E.content, A.content, {
      НаимДок: DOCUMENT_NAME,
      НомДок: b.invoiceNumber,
      ДатаДок: ruDate(b.invoiceDate),
      ДатаНачПер: ruDate(b.billingPeriod.from),
      ДатаОкПер: ruDate(b.billingPeriod.to),
      КодВал: CURRENCY.code,
      НаимВал: CURRENCY.name,
    }) +
    participant(E.performer, parties.sender) +
    participant(E.customer, parties.addressee) +
    open(E.contract, A.contract, { НомДог: b.contract.number, ДатаДог: ruDate(b.contract.date) }, '/>') +
    b.lines.map(line).join('') +
    open(E.total, A.total, { СтоимИт: money(b.total) }, '/>') +
    `</${E.content}>` +
    open(E.signer, A.signer, { НаимОрг: parties.sender.name, ИННЮЛ: parties.sender.inn }, '/>') +
    `</${E.document}></${E.file}>\n`;
  return { fileName: `${fileId}.xml`, xml, bytes: new Uint8Array(iconv.encode(xml, 'win1251')) };
}
