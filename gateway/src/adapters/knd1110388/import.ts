// A КНД 1110388 file received from an ЭДО operator or a clinic's system → a dmsnet invoice with its register. The
// layout is the one written from the format's PUBLISHED DESCRIPTION, not the official XSD (layout.ts, decision
// record 0061). Every element and attribute is checked where it stands; every error names it by a JSON Pointer over
// the element path (/Файл/Документ/СодРеестрУсл/СвУсл/3/@Цена: the fourth line's price) with a stable code, and
// all of them come back at once (KND_INVALID). What the format does not carry is not invented: the result is the
// document a sender would send, which the gateway's validator then checks like any other.
import { createHash } from 'node:crypto';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { checkInn, IdCheck } from '@dmsnet/formats/identifiers';
import type { DmsDocument, InvoiceBody, InvoiceLine, PartyRef, Person } from '@dmsnet/formats/types';
import { CURRENCY, DOCUMENT_NAME, E, KND } from './layout.js';
import { readXml, type XmlElement } from './xml-read.js';

/** Finds the participant whose ИНН the file names (the directory's); undefined when none. */
export type PartyByInn = (inn: string) => Promise<{ ogrn: string; name: string } | undefined>;

export interface KndImport {
  document: DmsDocument;
  /** The file's own id (ИдФайл), for the caller's records. */
  fileId: string;
}

type Check = (v: string, at: string, errors: FieldError[]) => void;
interface AttrSpec {
  required?: boolean;
  check: Check;
}

const bad = (errors: FieldError[], at: string, code: string, message: string) =>
  errors.push({ pointer: at, code, message });

const text =
  (min: number, max: number): Check =>
  (v, at, errors) => {
    if ([...v].length < min || [...v].length > max || v.trim() !== v)
      bad(
        errors,
        at,
        'KND_VALUE',
        `a text of ${min} to ${max} characters without leading or trailing spaces`,
      );
  };
const pattern =
  (re: RegExp, what: string, code = 'KND_VALUE'): Check =>
  (v, at, errors) => {
    if (!re.test(v)) bad(errors, at, code, what);
  };
const fixed =
  (value: string, code = 'KND_VALUE', caseless = false): Check =>
  (v, at, errors) => {
    if ((caseless ? v.toLowerCase() : v) !== value) bad(errors, at, code, `must be «${value}»`);
  };

/** ДД.ММ.ГГГГ → YYYY-MM-DD, or undefined when it is not a calendar date. */
export function isoDate(v: string): string | undefined {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(v);
  if (!m) return undefined;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && m[3] !== '0000'
    ? iso
    : undefined;
}
const date: Check = (v, at, errors) => {
  if (!isoDate(v)) bad(errors, at, 'KND_DATE', 'a calendar date ДД.ММ.ГГГГ');
};

/** Roubles with up to two decimals → kopecks, or undefined; 13 digits of roubles keep kopecks an exact integer. */
export function kopecks(v: string): number | undefined {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
const amount: Check = (v, at, errors) => {
  if (kopecks(v) === undefined)
    bad(errors, at, 'KND_AMOUNT', 'roubles with at most two decimals, e.g. 2450.00');
};
const inn10: Check = (v, at, errors) => {
  if (!/^\d{10}$/.test(v)) bad(errors, at, 'INN_FORMAT', 'an organisation’s ИНН is 10 digits');
  else if (checkInn(v) !== IdCheck.Ok)
    bad(errors, at, 'INN_CHECKSUM', 'the check digit of this ИНН does not match');
};
const kpp = pattern(/^\d{4}[\dA-Z]{2}\d{3}$/, 'a КПП is 9 characters NNNNPPXXX', 'KPP_FORMAT');

const SPECS: Record<string, Record<string, AttrSpec>> = {
  [E.file]: {
    ИдФайл: { required: true, check: text(1, 200) },
    ВерсФорм: { required: true, check: text(1, 20) },
    ВерсПрог: { check: text(1, 40) },
  },
  [E.document]: {
    КНД: { required: true, check: fixed(KND, 'KND_FORM') },
    ДатаИнф: { required: true, check: date },
    ВремИнф: { required: true, check: pattern(/^([01]\d|2[0-3])\.[0-5]\d\.[0-5]\d$/, 'a time ЧЧ.ММ.СС') },
  },
  [E.content]: {
    НаимДок: { required: true, check: fixed(DOCUMENT_NAME, 'KND_VALUE', true) },
    НомДок: { required: true, check: text(1, 200) },
    ДатаДок: { required: true, check: date },
    ДатаНачПер: { required: true, check: date },
    ДатаОкПер: { required: true, check: date },
    КодВал: { check: fixed(CURRENCY.code) },
    НаимВал: { check: text(1, 100) },
  },
  [E.performer]: {},
  [E.customer]: {},
  [E.participantId]: {},
  [E.legalEntity]: {
    НаимОрг: { required: true, check: text(1, 200) },
    ИННЮЛ: { required: true, check: inn10 },
    КПП: { check: kpp },
  },
  [E.contract]: { НомДог: { required: true, check: text(1, 64) }, ДатаДог: { required: true, check: date } },
  [E.line]: {
    НомСтр: { required: true, check: pattern(/^[1-9]\d{0,5}$/, 'the line’s number, 1 upwards') },
    ИдСтр: {
      required: true,
      check: pattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'a line id (Latin, digits)'),
    },
    КодУсл: { required: true, check: text(1, 24) },
    КодУслИсп: { check: text(1, 32) },
    НаимУсл: { check: text(1, 500) },
    ДатаНачУсл: { required: true, check: date },
    ДатаОкУсл: { check: date },
    КолУсл: { required: true, check: pattern(/^[1-9]\d{0,5}$/, 'a whole number of units, 1 upwards') },
    Цена: { required: true, check: amount },
    Стоим: { required: true, check: amount },
    КодДиаг: { check: text(1, 10) },
  },
  [E.patient]: {
    Фамилия: { required: true, check: text(1, 100) },
    Имя: { required: true, check: text(1, 100) },
    Отчество: { check: text(1, 100) },
    ДатаРожд: { required: true, check: date },
    Пол: { required: true, check: pattern(/^[12]$/, '1 (male) or 2 (female)') },
    НомПолис: { required: true, check: text(1, 32) },
    СНИЛС: { check: text(1, 20) },
  },
  [E.total]: { СтоимИт: { required: true, check: amount } },
  // The signer's block is read for its shape only: the signature that counts is the sender's own (README).
  [E.signer]: { НаимОрг: { check: text(1, 1000) }, ИННЮЛ: { check: inn10 } },
};

/** Which children each element has: [name, min, max]. */
const CHILDREN: Record<string, Array<[string, number, number]>> = {
  [E.file]: [[E.document, 1, 1]],
  [E.document]: [
    [E.content, 1, 1],
    [E.signer, 0, 10],
  ],
  [E.content]: [
    [E.performer, 1, 1],
    [E.customer, 1, 1],
    [E.contract, 1, 1],
    [E.line, 1, 200_000],
    [E.total, 1, 1],
  ],
  [E.performer]: [[E.participantId, 1, 1]],
  [E.customer]: [[E.participantId, 1, 1]],
  [E.participantId]: [[E.legalEntity, 1, 1]],
  [E.legalEntity]: [],
  [E.contract]: [],
  [E.line]: [[E.patient, 1, 1]],
  [E.patient]: [],
  [E.total]: [],
  [E.signer]: [],
};

/** Checks one element's attributes, text and children, then its children in turn; pushes every error. */
function checkElement(el: XmlElement, at: string, errors: FieldError[]): void {
  const spec = SPECS[el.name] ?? {};
  for (const [name, s] of Object.entries(spec)) {
    const v = el.attrs[name];
    if (v === undefined) {
      if (s.required) bad(errors, `${at}/@${name}`, 'KND_REQUIRED', `the attribute ${name} is required`);
    } else s.check(v, `${at}/@${name}`, errors);
  }
  for (const name of Object.keys(el.attrs))
    if (!Object.hasOwn(spec, name) && !name.startsWith('xmlns') && !name.startsWith('xsi:'))
      bad(errors, `${at}/@${name}`, 'KND_UNEXPECTED', `no attribute ${name} here`);
  if (el.text.trim())
    bad(errors, at, 'KND_UNEXPECTED', 'the element has text; the format puts values in attributes');
  const allowed = CHILDREN[el.name] ?? [];
  for (const [name, min, max] of allowed) {
    const n = el.children.filter((c) => c.name === name).length;
    if (n < min) bad(errors, `${at}/${name}`, 'KND_REQUIRED', `the element ${name} is required`);
    if (n > max) bad(errors, `${at}/${name}`, 'KND_UNEXPECTED', `at most ${max} ${name}`);
  }
  const repeated = new Set(allowed.filter(([, , max]) => max > 1).map(([n]) => n));
  const seen = new Map<string, number>();
  for (const c of el.children) {
    if (!allowed.some(([n]) => n === c.name)) {
      bad(errors, `${at}/${c.name}`, 'KND_UNEXPECTED', `no element ${c.name} here (line ${c.line})`);
      continue;
    }
    const i = seen.get(c.name) ?? 0;
    seen.set(c.name, i + 1);
    checkElement(c, repeated.has(c.name) ? `${at}/${c.name}/${i}` : `${at}/${c.name}`, errors);
    if (errors.length >= 1000) return;
  }
}

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name) as XmlElement;

function person(p: XmlElement): Person {
  const a = p.attrs;
  return {
    lastName: a.Фамилия!,
    firstName: a.Имя!,
    ...(a.Отчество !== undefined ? { middleName: a.Отчество } : {}),
    birthDate: isoDate(a.ДатаРожд!)!,
    sex: a.Пол === '1' ? 'M' : 'F',
    ...(a.СНИЛС !== undefined ? { snils: a.СНИЛС } : {}),
    policyNumber: a.НомПолис!,
  };
}

function line(l: XmlElement): InvoiceLine {
  const a = l.attrs;
  return {
    rowId: a.ИдСтр!,
    patient: person(child(l, E.patient)),
    serviceCode: a.КодУсл!,
    ...(a.КодУслИсп !== undefined ? { clinicServiceCode: a.КодУслИсп } : {}),
    ...(a.НаимУсл !== undefined ? { serviceName: a.НаимУсл } : {}),
    serviceDate: isoDate(a.ДатаНачУсл!)!,
    ...(a.ДатаОкУсл !== undefined ? { serviceEndDate: isoDate(a.ДатаОкУсл)! } : {}),
    quantity: Number(a.КолУсл),
    unitPrice: kopecks(a.Цена!)!,
    amount: kopecks(a.Стоим!)!,
    ...(a.КодДиаг !== undefined ? { diagnosis: a.КодДиаг } : {}),
  };
}

/**
 * Reads the file and builds the invoice. Throws KND_XML_REFUSED (not XML we read) or KND_INVALID (every element
 * and attribute that breaks the layout, and each party whose ИНН no participant has).
 */
export async function importKnd1110388(
  bytes: Uint8Array,
  partyByInn: PartyByInn,
  options: { now?: Date } = {},
): Promise<KndImport> {
  const root = readXml(bytes);
  const errors: FieldError[] = [];
  if (root.name !== E.file)
    throw new DmsnetError('KND_INVALID', 'not a КНД 1110388 file', [
      {
        pointer: `/${root.name}`,
        code: 'KND_FORM',
        message: `the root element is ${E.file}, not ${root.name}`,
      },
    ]);
  checkElement(root, `/${E.file}`, errors);
  const doc = child(root, E.document);
  const content = doc && child(doc, E.content);
  const base = `/${E.file}/${E.document}/${E.content}`;
  const parties: Partial<Record<'sender' | 'addressee', PartyRef>> = {};
  if (!errors.length && content) {
    for (const [side, tag] of [
      ['sender', E.performer],
      ['addressee', E.customer],
    ] as const) {
      const le = child(child(child(content, tag), E.participantId), E.legalEntity);
      const inn = le.attrs.ИННЮЛ!;
      const found = await partyByInn(inn);
      if (!found)
        bad(
          errors,
          `${base}/${tag}/${E.participantId}/${E.legalEntity}/@ИННЮЛ`,
          'KND_PARTY_UNKNOWN',
          `no participant of the network has ИНН ${inn}`,
        );
      else
        parties[side] = {
          ogrn: found.ogrn,
          inn,
          ...(le.attrs.КПП !== undefined ? { kpp: le.attrs.КПП } : {}),
          name: le.attrs.НаимОрг!,
        };
    }
  }
  if (errors.length)
    throw new DmsnetError(
      'KND_INVALID',
      `the file breaks the КНД 1110388 layout in ${errors.length} place(s)`,
      errors,
    );
  const c = content.attrs;
  const contract = child(content, E.contract).attrs;
  const body: InvoiceBody = {
    invoiceNumber: c.НомДок!,
    invoiceDate: isoDate(c.ДатаДок!)!,
    billingPeriod: { from: isoDate(c.ДатаНачПер!)!, to: isoDate(c.ДатаОкПер!)! },
    contract: { number: contract.НомДог!, date: isoDate(contract.ДатаДог!)! },
    currency: 'RUB',
    total: kopecks(child(content, E.total).attrs.СтоимИт!)!,
    lines: content.children.filter((x) => x.name === E.line).map(line),
  };
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 24);
  return {
    fileId: root.attrs.ИдФайл!,
    document: {
      header: {
        documentId: `knd1110388-${digest}`,
        type: 'invoice',
        formatVersion: '1',
        sender: parties.sender!,
        addressee: parties.addressee!,
        createdAt: (options.now ?? new Date()).toISOString(),
      },
      body,
    } as DmsDocument,
  };
}

const BODY_ATTR: Record<string, string> = {
  invoiceNumber: `${E.content}/@НомДок`,
  invoiceDate: `${E.content}/@ДатаДок`,
  'billingPeriod/from': `${E.content}/@ДатаНачПер`,
  'billingPeriod/to': `${E.content}/@ДатаОкПер`,
  'contract/number': `${E.content}/${E.contract}/@НомДог`,
  'contract/date': `${E.content}/${E.contract}/@ДатаДог`,
  total: `${E.content}/${E.total}/@СтоимИт`,
};
const LINE_ATTR: Record<string, string> = {
  rowId: '@ИдСтр',
  serviceCode: '@КодУсл',
  clinicServiceCode: '@КодУслИсп',
  serviceName: '@НаимУсл',
  serviceDate: '@ДатаНачУсл',
  serviceEndDate: '@ДатаОкУсл',
  quantity: '@КолУсл',
  unitPrice: '@Цена',
  amount: '@Стоим',
  diagnosis: '@КодДиаг',
  'patient/lastName': `${E.patient}/@Фамилия`,
  'patient/firstName': `${E.patient}/@Имя`,
  'patient/middleName': `${E.patient}/@Отчество`,
  'patient/birthDate': `${E.patient}/@ДатаРожд`,
  'patient/sex': `${E.patient}/@Пол`,
  'patient/policyNumber': `${E.patient}/@НомПолис`,
  'patient/snils': `${E.patient}/@СНИЛС`,
};

/**
 * Where in the file an error the invoice validator found in the imported document stands: its pointer into the
 * document (/body/lines/3/amount) → the element path (/Файл/Документ/СодРеестрУсл/СвУсл/3/@Стоим), so the sender
 * of the file can find it; undefined for what the file has no place for.
 */
export function filePointer(documentPointer: string): string | undefined {
  const root = `/${E.file}/${E.document}/`;
  const m = /^\/body\/lines\/(\d+)(?:\/(.+))?$/.exec(documentPointer);
  if (m) {
    const at = `${root}${E.content}/${E.line}/${m[1]}`;
    if (m[2] === undefined) return at;
    const attr = LINE_ATTR[m[2]];
    return attr ? `${at}/${attr}` : undefined;
  }
  const b = /^\/body\/(.+)$/.exec(documentPointer);
  if (b && BODY_ATTR[b[1]!]) return `${root}${BODY_ATTR[b[1]!]}`;
  const h = /^\/header\/(sender|addressee)(?:\/.*)?$/.exec(documentPointer);
  if (h) return `${root}${E.content}/${h[1] === 'sender' ? E.performer : E.customer}`;
  return undefined;
}
