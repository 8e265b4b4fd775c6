import { samplePdf, samplePng, sha256Hex } from '../attachments/sample-files.js';
import { DmsnetError } from '../errors.js';
import { generateInn10 } from '../identifiers/inn.js';
import { generateKpp } from '../identifiers/kpp.js';
import { generateOgrn } from '../identifiers/ogrn.js';
import { formatSnils, generateSnils } from '../identifiers/snils.js';
import { generateEnp } from '../identifiers/enp.js';
import { createRng, pick, randomInt, type Rng } from '../random.js';
import type {
  DocumentationRequestBody,
  MedicalDocumentationBody,
  DmsDocument,
  DocumentHeader,
  DocumentType,
  ExpertiseActBody,
  ExpertiseActLine,
  GuaranteeLetterBody,
  InsuredListBody,
  InsuredListRow,
  InvoiceBody,
  InvoiceLine,
  MedicalProgrammeBody,
  PartyRef,
  ProgrammeService,
  PaymentNoticeBody,
  Person,
  PriceListBody,
  ReconciliationLine,
  ReconciliationStatementBody,
  ReplyBody,
  AppointmentBody,
  CareRequestBody,
  PriorAuthRequestBody,
  PriorAuthResponseBody,
} from '../types.js';
import {
  DEFECTS,
  DIAGNOSES,
  EMPLOYERS,
  FEMALE_NAMES,
  MALE_NAMES,
  PATRONYMICS,
  PROGRAMMES,
  SERVICES,
  SURNAMES,
} from './data.js';

export interface GenerateOptions {
  /** Rows of an insured list, lines of the other documents (default 10; a guarantee letter's default is 3). */
  rows?: number;
  /** Same seed, same document (default 1). */
  seed?: number;
  sender?: PartyRef;
  addressee?: PartyRef;
}

function party(seed: number, name: string): PartyRef {
  const rng = createRng(seed);
  const inn = generateInn10(rng);
  return Object.freeze({ ogrn: generateOgrn(rng), inn, kpp: generateKpp(rng, inn), name });
}

/** The insurer and the clinic generated documents use unless told otherwise; valid ОГРН, ИНН and КПП. */
export const SAMPLE_PARTIES: { readonly insurer: PartyRef; readonly clinic: PartyRef } = Object.freeze({
  insurer: party(0x5eed1, 'АО «Страховая компания «Пример»'),
  clinic: party(0x5eed2, 'ООО «Клиника Здоровье»'),
});

const DAY = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dateMs(iso: string): number {
  return Date.parse(iso + 'T00:00:00Z');
}

function addDays(iso: string, days: number): string {
  return isoDate(dateMs(iso) + days * DAY);
}

/** Per-document context: one rng drives everything, so the seed alone fixes the output. */
class Context {
  readonly rng: Rng;
  /** The day the document is created on, in November–December 2026. */
  readonly today: string;

  constructor(readonly seed: number) {
    this.rng = createRng(seed);
    this.today = addDays('2026-11-01', randomInt(this.rng, 0, 50));
  }

  header(
    type: DocumentType,
    sender: PartyRef,
    addressee: PartyRef,
    extra: Partial<DocumentHeader> = {},
  ): DocumentHeader {
    const hour = String(randomInt(this.rng, 8, 19)).padStart(2, '0');
    const minute = String(randomInt(this.rng, 0, 59)).padStart(2, '0');
    return {
      documentId: `${type}-${this.seed}-${randomInt(this.rng, 0, 0xffffff).toString(16).padStart(6, '0')}`,
      type,
      formatVersion: '1',
      // Copies, so that editing a generated document never edits SAMPLE_PARTIES or the caller's objects.
      sender: { ...sender },
      addressee: { ...addressee },
      createdAt: `${this.today}T${hour}:${minute}:00+03:00`,
      ...extra,
    };
  }

  person(): Person {
    const rng = this.rng;
    const male = rng() < 0.5;
    const [surnameM, surnameF] = pick(rng, SURNAMES);
    const [patronymicM, patronymicF] = pick(rng, PATRONYMICS);
    const birth = dateMs('1950-01-01') + Math.floor(rng() * (dateMs('2008-12-31') - dateMs('1950-01-01')));
    const person: Person = {
      lastName: male ? surnameM : surnameF,
      firstName: male ? pick(rng, MALE_NAMES) : pick(rng, FEMALE_NAMES),
      middleName: male ? patronymicM : patronymicF,
      birthDate: isoDate(birth),
      sex: male ? 'M' : 'F',
      snils: formatSnils(generateSnils(rng)),
      policyNumber: `ДМС-77-${String(randomInt(rng, 1_000_000, 9_999_999))}`,
    };
    // Not everybody's patronymic or ЕНП is known; the format has to carry both cases.
    if (rng() < 0.05) delete person.middleName;
    if (rng() < 0.3) person.enp = generateEnp(rng);
    return person;
  }
}

function rowCount(opts: GenerateOptions, fallback: number): number {
  const n = opts.rows ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new DmsnetError('GENERATE_ROWS_INVALID', `rows must be a positive integer, got ${n}`);
  return n;
}

function insuredList(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = rowCount(opts, 10);
  const from = addDays(ctx.today, randomInt(rng, 1, 14));
  const rows: InsuredListRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng();
    const action = r < 0.8 ? 'attach' : r < 0.9 ? 'detach' : 'change';
    // The order of rng calls fixes the output of a seed: person, programme, employer, phone.
    const person = ctx.person();
    const programme = { ...pick(rng, PROGRAMMES) };
    const policyholder = { name: pick(rng, EMPLOYERS), inn: '5024123459' };
    const phone = `+7 (9${randomInt(rng, 10, 99)}) ${randomInt(rng, 100, 999)}-${randomInt(rng, 10, 99)}-${randomInt(rng, 10, 99)}`;
    const rowId = String(i + 1);
    const row: InsuredListRow =
      action === 'detach'
        ? {
            rowId,
            action,
            person,
            programme,
            period: { from: addDays(from, -200), to: from },
            policyholder,
            phone,
          }
        : { rowId, action, person, programme, period: { from, to: addDays(from, 364) }, policyholder, phone };
    if (action === 'detach') row.comment = 'Увольнение сотрудника';
    rows[i] = row;
  }
  const body: InsuredListBody = {
    listNumber: `${randomInt(rng, 1, 999)}-ДМС/2026`,
    listDate: ctx.today,
    contract: { number: '12-ДМС/2026', date: '2026-01-15' },
    rows,
  };
  return {
    header: ctx.header(
      'insured-list',
      opts.sender ?? SAMPLE_PARTIES.insurer,
      opts.addressee ?? SAMPLE_PARTIES.clinic,
    ),
    body,
  };
}

function guaranteeLetter(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = rowCount(opts, 3);
  const priceListId = `price-list-${ctx.seed}`;
  const lines = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const at = (i + randomInt(rng, 0, SERVICES.length - 1)) % SERVICES.length;
    const s = SERVICES[at];
    const quantity = randomInt(rng, 1, 2);
    lines.push({
      rowId: String(i + 1),
      serviceCode: s.serviceCode,
      clinicServiceCode: s.clinicServiceCode,
      name: s.name,
      quantity,
      unitPrice: s.price,
      amount: quantity * s.price,
      priceListRef: { documentId: priceListId, rowId: String(at + 1) },
    });
    sum += quantity * s.price;
  }
  const body: GuaranteeLetterBody = {
    letterNumber: `ГП-2026-${randomInt(rng, 1000, 9999)}`,
    issueDate: ctx.today,
    status: 'issued',
    patient: ctx.person(),
    programme: { ...pick(rng, PROGRAMMES) },
    validity: { from: ctx.today, to: addDays(ctx.today, 30) },
    diagnosis: pick(rng, DIAGNOSES),
    reason: 'Направление врача-терапевта',
    currency: 'RUB',
    amountLimit: Math.ceil((sum * 1.2) / 100) * 100,
    lines,
  };
  return {
    header: ctx.header(
      'guarantee-letter',
      opts.sender ?? SAMPLE_PARTIES.insurer,
      opts.addressee ?? SAMPLE_PARTIES.clinic,
    ),
    body,
  };
}

function invoice(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = rowCount(opts, 10);
  const periodFrom = '2026-10-01';
  const periodTo = '2026-10-31';
  const patients: Person[] = [];
  const lines: InvoiceLine[] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    // A patient usually has several services in one register.
    const patient = patients.length > 0 && rng() < 0.6 ? pick(rng, patients) : ctx.person();
    if (!patients.includes(patient)) patients.push(patient);
    const s = pick(rng, SERVICES);
    const quantity = rng() < 0.9 ? 1 : 2;
    const line: InvoiceLine = {
      rowId: String(i + 1),
      patient,
      serviceCode: s.serviceCode,
      clinicServiceCode: s.clinicServiceCode,
      serviceName: s.name,
      serviceDate: addDays(periodFrom, randomInt(rng, 0, 30)),
      quantity,
      unitPrice: s.price,
      amount: quantity * s.price,
      diagnosis: pick(rng, DIAGNOSES),
    };
    if (rng() < 0.3) line.guaranteeLetter = { letterNumber: `ГП-2026-${randomInt(rng, 1000, 9999)}` };
    lines[i] = line;
    total += line.amount;
  }
  const body: InvoiceBody = {
    invoiceNumber: String(randomInt(rng, 100, 999)),
    invoiceDate: ctx.today,
    billingPeriod: { from: periodFrom, to: periodTo },
    contract: { number: '12-ДМС/2026', date: '2026-01-15' },
    currency: 'RUB',
    total,
    lines,
  };
  return {
    header: ctx.header(
      'invoice',
      opts.sender ?? SAMPLE_PARTIES.clinic,
      opts.addressee ?? SAMPLE_PARTIES.insurer,
    ),
    body,
  };
}

function priceList(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = rowCount(opts, SERVICES.length);
  const lines = [];
  for (let i = 0; i < n; i++) {
    const s = SERVICES[i % SERVICES.length];
    // Past the catalogue, variants of the same Nomenclature code under further clinic codes.
    const round = Math.floor(i / SERVICES.length);
    lines.push({
      rowId: String(i + 1),
      section: s.section,
      serviceCode: s.serviceCode,
      clinicServiceCode: round === 0 ? s.clinicServiceCode : `${s.clinicServiceCode}/${round}`,
      name: round === 0 ? s.name : `${s.name} (вариант ${round})`,
      unit: s.unit,
      price: s.price + round * 10000 + randomInt(rng, 0, 5) * 1000,
    });
  }
  const body: PriceListBody = {
    priceListNumber: `ПР-${randomInt(rng, 1, 99)}/2027`,
    version: randomInt(rng, 1, 5),
    validity: { from: '2027-01-01' },
    currency: 'RUB',
    vatExempt: true,
    lines,
  };
  return {
    header: ctx.header(
      'price-list',
      opts.sender ?? SAMPLE_PARTIES.clinic,
      opts.addressee ?? SAMPLE_PARTIES.insurer,
    ),
    body,
  };
}

/**
 * An invoice and the insurer's expertise act on it, both from one seed: about one line in five is withheld
 * with a defect code. The act's invoiceId and invoiceLineIds name the invoice's own ids.
 */
export function generateExpertiseCase(opts: GenerateOptions = {}): {
  invoice: DmsDocument;
  act: DmsDocument;
} {
  const seed = opts.seed ?? 1;
  const insurer = opts.sender ?? SAMPLE_PARTIES.insurer;
  const clinic = opts.addressee ?? SAMPLE_PARTIES.clinic;
  const inv = invoice(new Context(seed), { rows: opts.rows, sender: clinic, addressee: insurer });
  const ctx = new Context(seed ^ 0x5a5a5a5a);
  const rng = ctx.rng;
  const invBody = inv.body as InvoiceBody;
  const lines: ExpertiseActLine[] = [];
  const totals = { claimed: 0, paid: 0, withheld: 0 };
  for (const [i, l] of invBody.lines.entries()) {
    const withhold = rng() < 0.2;
    const withheld = withhold ? (rng() < 0.5 ? l.amount : Math.floor(l.amount / 2)) : 0;
    const line: ExpertiseActLine = {
      rowId: String(i + 1),
      invoiceLineId: l.rowId,
      decision: withhold && withheld > 0 ? 'WITHHELD' : 'PAID',
      claimedAmount: l.amount,
      paidAmount: l.amount - withheld,
      withheldAmount: withheld,
    };
    if (line.decision === 'WITHHELD') {
      const defect = pick(rng, DEFECTS);
      line.defectCode = defect.code;
      line.reason = defect.reason;
    }
    lines.push(line);
    totals.claimed += line.claimedAmount;
    totals.paid += line.paidAmount;
    totals.withheld += line.withheldAmount;
  }
  const body: ExpertiseActBody = {
    actNumber: `АЭ-${randomInt(rng, 1, 9999)}`,
    actDate: addDays(invBody.invoiceDate, randomInt(rng, 1, 10)),
    invoiceId: inv.header.documentId,
    invoiceNumber: invBody.invoiceNumber,
    expertiseType: 'technical',
    expert: { name: 'Эксперт-врач ' + pick(rng, SURNAMES)[0] + ' И. И.' },
    currency: 'RUB',
    totals,
    lines,
  };
  const header = ctx.header('expertise-act', insurer, clinic, { replyToId: inv.header.documentId });
  // The act cannot be created before the invoice it examines.
  if (header.createdAt < inv.header.createdAt)
    header.createdAt = inv.header.createdAt.replace(/T.*/, 'T20:00:00+03:00');
  return { invoice: inv, act: { header, body } };
}

/**
 * The head of a programme as insurers write one: whole blocks by section or prefix, what needs a letter, and the
 * exclusions carved out of them. Code rows follow it up to the size asked.
 */
const PROGRAMME_HEAD: ReadonlyArray<Omit<ProgrammeService, 'rowId'>> = [
  {
    match: 'prefix',
    code: 'B01',
    cover: 'included',
    section: 'Амбулаторно-поликлиническая помощь',
    name: 'Приёмы и консультации врачей-специалистов',
    limit: { visits: 30 },
  },
  {
    match: 'prefix',
    code: 'B04',
    cover: 'included',
    section: 'Амбулаторно-поликлиническая помощь',
    name: 'Профилактические приёмы',
  },
  {
    match: 'prefix',
    code: 'A09',
    cover: 'included',
    section: 'Лабораторная диагностика',
    name: 'Лабораторные исследования',
  },
  {
    match: 'prefix',
    code: 'A04',
    cover: 'included',
    section: 'Инструментальная диагностика',
    name: 'Ультразвуковые исследования',
  },
  {
    match: 'prefix',
    code: 'A05',
    cover: 'letter',
    section: 'Инструментальная диагностика',
    name: 'МРТ и электрофизиология — по гарантийному письму',
    limit: { visits: 2 },
  },
  {
    match: 'prefix',
    code: 'A06',
    cover: 'letter',
    section: 'Инструментальная диагностика',
    name: 'Рентгенологические исследования и КТ — по гарантийному письму',
  },
  {
    match: 'prefix',
    code: 'A16',
    cover: 'excluded',
    section: 'Исключения',
    name: 'Оперативные вмешательства',
  },
  {
    match: 'code',
    code: 'B01.003.001',
    cover: 'excluded',
    section: 'Исключения',
    name: 'Осмотр (консультация) врачом-анестезиологом-реаниматологом',
  },
  { match: 'prefix', code: 'A09.05.200', cover: 'excluded', section: 'Исключения', name: 'Онкомаркеры' },
  {
    match: 'code',
    code: 'B01.065.001',
    cover: 'letter',
    section: 'Стоматология',
    name: 'Приём врача-стоматолога-терапевта первичный — по гарантийному письму',
    limit: { amount: 1500000 },
  },
];

/**
 * A large realistic ДМС programme: the blocks of PROGRAMME_HEAD, then code rows over the Nomenclature's consultations,
 * laboratory and diagnostic classes (each code once), a limit here and there, a franchise and a yearly limit.
 */
function medicalProgramme(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = Math.max(1, opts.rows ?? 10);
  const services: ProgrammeService[] = [];
  for (const head of PROGRAMME_HEAD.slice(0, n))
    services.push({ rowId: String(services.length + 1), ...head });
  // Code rows in the order a printed programme lists them: consultations, laboratory, ultrasound, X-ray, functional
  // diagnostics; every code at most once, so a 2,000-row programme is 2,000 distinct services.
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  function* codes(): Generator<[string, ProgrammeService['cover'], string]> {
    for (let c = 1; c <= 99; c++)
      for (const v of [1, 2]) yield [`B01.${pad(c, 3)}.${pad(v, 3)}`, 'included', 'Консультации'];
    for (let c = 1; c <= 199; c++) yield [`A09.05.${pad(c, 3)}`, 'included', 'Лабораторная диагностика'];
    for (const [prefix, cover, section] of [
      ['A04', 'included', 'Ультразвуковая диагностика'],
      ['A06', 'letter', 'Рентгенология'],
      ['A12', 'included', 'Функциональная диагностика'],
    ] as const)
      for (let t = 1; t <= 30; t++)
        for (let c = 1; c <= 40; c++) yield [`${prefix}.${pad(t, 2)}.${pad(c, 3)}`, cover, section];
    for (let k = 0; ; k++)
      yield [
        `A09.${pad(10 + (k % 90), 2)}.${pad(1 + Math.floor(k / 90), 3)}`,
        'included',
        'Лабораторная диагностика',
      ];
  }
  const taken = new Set(services.map((r) => r.code));
  for (const [code, cover, section] of codes()) {
    if (services.length >= n) break;
    if (taken.has(code)) continue;
    services.push({
      rowId: String(services.length + 1),
      match: 'code',
      code,
      cover,
      section,
      name: `${section}: услуга ${code}`,
      ...(rng() < 0.1 ? { limit: { visits: randomInt(rng, 1, 10) } } : {}),
    });
  }
  const programme = pick(rng, PROGRAMMES);
  const body: MedicalProgrammeBody = {
    programme: { code: programme.code, name: programme.name },
    version: randomInt(rng, 1, 3),
    validity: { from: '2027-01-01', to: '2027-12-31' },
    territory: 'г. Москва и Московская область',
    contract: { number: `ДМС-${randomInt(rng, 100, 999)}/27`, date: '2026-12-15' },
    currency: 'RUB',
    franchise:
      rng() < 0.5 ? { percent: pick(rng, [5, 10, 15, 20]) } : { amount: randomInt(rng, 3, 10) * 10000 },
    limits: { amount: randomInt(rng, 50, 300) * 1_000_000 },
    services,
  };
  return {
    header: ctx.header(
      'medical-programme',
      opts.sender ?? SAMPLE_PARTIES.insurer,
      opts.addressee ?? SAMPLE_PARTIES.clinic,
    ),
    body,
  };
}

/**
 * An expert's documentation request for some lines of a generated invoice, and the clinic's answer with a PDF
 * discharge summary, a PNG scan and a text record; `files` holds the bytes each attachment describes.
 */
export function generateDocumentationCase(opts: GenerateOptions = {}): {
  invoice: DmsDocument;
  request: DmsDocument;
  answer: DmsDocument;
  files: Map<string, Buffer>;
} {
  const seed = opts.seed ?? 1;
  const insurer = opts.sender ?? SAMPLE_PARTIES.insurer;
  const clinic = opts.addressee ?? SAMPLE_PARTIES.clinic;
  const inv = invoice(new Context(seed), { rows: opts.rows ?? 3, sender: clinic, addressee: insurer });
  const invBody = inv.body as InvoiceBody;
  const ctx = new Context(seed ^ 0x0d0c0d0c);
  const chosen = invBody.lines.slice(0, Math.min(2, invBody.lines.length));
  const requestDate = invBody.invoiceDate > ctx.today ? invBody.invoiceDate : ctx.today;
  const reqBody: DocumentationRequestBody = {
    requestNumber: `ЗМД-${randomInt(ctx.rng, 100, 9999)}`,
    requestDate,
    respondBy: addDays(requestDate, 10),
    invoiceId: inv.header.documentId,
    invoiceNumber: invBody.invoiceNumber,
    expertiseType: 'medico-economic',
    expert: { name: 'Смирнова Ольга Петровна' },
    lines: chosen.map((l, i) => ({
      rowId: String(i + 1),
      invoiceLineId: l.rowId,
      patient: l.patient,
      serviceCode: l.serviceCode,
      serviceDate: l.serviceDate,
      wanted: i === 0 ? ['discharge-summary', 'lab-results'] : ['protocol'],
    })),
  };
  const request: DmsDocument = {
    header: ctx.header('documentation-request', insurer, clinic, {
      createdAt: `${requestDate}T10:00:00+03:00`,
    }),
    body: reqBody,
  };
  const pdf = samplePdf(2, 'Discharge summary');
  const png = samplePng();
  const files = new Map<string, Buffer>([
    ['1', pdf],
    ['2', png],
  ]);
  const answerDate = addDays(requestDate, 3);
  const ansBody: MedicalDocumentationBody = {
    requestNumber: reqBody.requestNumber,
    answerDate,
    invoiceId: reqBody.invoiceId,
    attachments: [
      {
        attachmentId: '1',
        fileName: 'vypiska.pdf',
        mediaType: 'application/pdf',
        size: pdf.length,
        pages: 2,
        sha256: sha256Hex(pdf),
        kind: 'discharge-summary',
        title: 'Выписка из медицинской карты',
        forLines: ['1'],
      },
      {
        attachmentId: '2',
        fileName: 'analizy.png',
        mediaType: 'image/png',
        size: png.length,
        sha256: sha256Hex(png),
        kind: 'lab-results',
        title: 'Результаты анализов (скан)',
        forLines: ['1'],
      },
    ],
    records: reqBody.lines.slice(1).map((l) => ({
      recordId: `r${l.rowId}`,
      kind: 'protocol' as const,
      title: 'Протокол осмотра',
      date: l.serviceDate,
      text: 'Жалобы на головную боль. Объективно: состояние удовлетворительное. Рекомендовано наблюдение.',
      forLines: [l.rowId],
    })),
  };
  if (ansBody.records?.length === 0) delete ansBody.records;
  const answer: DmsDocument = {
    header: ctx.header('medical-documentation', clinic, insurer, {
      replyToId: request.header.documentId,
      createdAt: `${answerDate}T12:00:00+03:00`,
    }),
    body: ansBody,
  };
  return { invoice: inv, request, answer, files };
}

/** A payment of the act's amount to pay on an expertise case, by one payment order. */
function paymentNotice(opts: GenerateOptions): DmsDocument {
  const seed = opts.seed ?? 1;
  const { invoice: inv, act } = generateExpertiseCase(opts);
  const actBody = act.body as ExpertiseActBody;
  const ctx = new Context(seed ^ 0x3c3c3c3c);
  const noticeDate = actBody.actDate > ctx.today ? actBody.actDate : ctx.today;
  const body: PaymentNoticeBody = {
    noticeNumber: `УО-${randomInt(ctx.rng, 1, 9999)}`,
    noticeDate,
    invoiceId: inv.header.documentId,
    invoiceNumber: (inv.body as InvoiceBody).invoiceNumber,
    actId: act.header.documentId,
    currency: 'RUB',
    paidAmount: actBody.totals.paid,
    withheldAmount: actBody.totals.withheld,
    paymentOrder: { number: String(randomInt(ctx.rng, 1, 999999)), date: noticeDate },
    purpose: `Оплата по счёту № ${(inv.body as InvoiceBody).invoiceNumber} по договору ДМС`,
  };
  const header = ctx.header('payment-notice', act.header.sender, act.header.addressee, {
    replyToId: inv.header.documentId,
  });
  if (header.createdAt < act.header.createdAt) header.createdAt = act.header.createdAt;
  return { header, body };
}

/** A clinic's reconciliation of a few invoices with their acts, some paid in full, some in part, some not yet. */
function reconciliationStatement(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = rowCount(opts, 5);
  const lines: ReconciliationLine[] = [];
  const totals = { billed: 0, accepted: 0, withheld: 0, paid: 0, outstanding: 0 };
  for (let i = 0; i < n; i++) {
    const billed = randomInt(rng, 1_000, 500_000) * 100;
    const withheld = rng() < 0.3 ? Math.floor(billed / randomInt(rng, 3, 10)) : 0;
    const accepted = billed - withheld;
    const paid = [0, accepted, Math.floor(accepted / 2)][randomInt(rng, 0, 2)] as number;
    const line: ReconciliationLine = {
      rowId: String(i + 1),
      invoiceId: `invoice-${ctx.seed}-${i + 1}`,
      invoiceNumber: String(100 + i),
      invoiceDate: addDays('2026-10-01', randomInt(rng, 0, 30)),
      billed,
      accepted,
      withheld,
      paid,
      outstanding: billed - withheld - paid,
    };
    lines.push(line);
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += line[k];
  }
  const body: ReconciliationStatementBody = {
    statementNumber: `АС-${randomInt(rng, 1, 999)}`,
    statementDate: ctx.today,
    period: { from: '2026-10-01', to: '2026-10-31' },
    contract: { number: '12-ДМС/2026', date: '2026-01-15' },
    currency: 'RUB',
    totals,
    lines,
  };
  return {
    header: ctx.header(
      'reconciliation-statement',
      opts.sender ?? SAMPLE_PARTIES.clinic,
      opts.addressee ?? SAMPLE_PARTIES.insurer,
    ),
    body,
  };
}

function reply(ctx: Context, opts: GenerateOptions): DmsDocument {
  const body: ReplyBody = { decision: 'ACCEPTED', comment: 'Принято без замечаний' };
  return {
    header: ctx.header(
      'reply',
      opts.sender ?? SAMPLE_PARTIES.clinic,
      opts.addressee ?? SAMPLE_PARTIES.insurer,
      {
        replyToId: `insured-list-${ctx.seed}`,
      },
    ),
    body,
  };
}

const SPECIALTIES = ['врач-терапевт', 'врач-кардиолог', 'врач-невролог', 'врач-оториноларинголог'];
const COMPLAINTS = [
  'Боль в горле, температура 38,2 второй день',
  'Давящая боль за грудиной при нагрузке',
  'Головная боль, головокружение по утрам',
  'Боль в пояснице после подъёма тяжести',
];

function careRequest(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = rowCount(opts, 1);
  const urgency = pick(rng, ['emergency', 'urgent', 'planned'] as const);
  const header = ctx.header(
    'care-request',
    opts.sender ?? SAMPLE_PARTIES.insurer,
    opts.addressee ?? SAMPLE_PARTIES.clinic,
  );
  const minutes = urgency === 'emergency' ? 15 : urgency === 'urgent' ? 60 : 1440;
  const body: CareRequestBody = {
    requestNumber: `ЗМП-2026-${randomInt(rng, 10000, 99999)}`,
    requestDate: ctx.today,
    status: 'active',
    urgency,
    respondBy: new Date(Date.parse(header.createdAt) + minutes * 60_000).toISOString(),
    patient: ctx.person(),
    programme: { ...pick(rng, PROGRAMMES) },
    contactPhone: `+7 9${randomInt(rng, 10, 99)} ${randomInt(rng, 100, 999)}-${randomInt(rng, 10, 99)}-${randomInt(rng, 10, 99)}`,
    complaint: pick(rng, COMPLAINTS),
    specialty: pick(rng, SPECIALTIES),
    services: Array.from({ length: n }, (_, i) => {
      const s = SERVICES[(i + randomInt(rng, 0, SERVICES.length - 1)) % SERVICES.length];
      return { serviceCode: s.serviceCode, name: s.name, quantity: 1 };
    }),
    wishedPeriod: { from: ctx.today, to: addDays(ctx.today, urgency === 'planned' ? 7 : 1) },
  };
  if (rng() < 0.5) body.guaranteeLetter = { letterNumber: `ГП-2026-${randomInt(rng, 1000, 9999)}` };
  else body.letterToFollow = true;
  return { header, body };
}

function appointment(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const header = ctx.header(
    'appointment',
    opts.sender ?? SAMPLE_PARTIES.clinic,
    opts.addressee ?? SAMPLE_PARTIES.insurer,
    { replyToId: `care-request-${ctx.seed}` },
  );
  const start = `${addDays(ctx.today, 1)}T${String(randomInt(rng, 8, 19)).padStart(2, '0')}:${pick(rng, ['00', '20', '40'])}:00+03:00`;
  const body: AppointmentBody = {
    requestNumber: `ЗМП-2026-${randomInt(rng, 10000, 99999)}`,
    status: 'booked',
    start,
    end: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
    doctor: { name: `${pick(rng, SURNAMES)[0]} ${pick(rng, MALE_NAMES)}`, specialty: pick(rng, SPECIALTIES) },
    address: 'г. Москва, ул. Примерная, д. 1, 3 этаж, кабинет 312',
    instructions: 'Паспорт, полис ДМС, результаты прежних обследований',
  };
  return { header, body };
}

const JUSTIFICATIONS = [
  'Жалобы на боли в коленном суставе 3 месяца, консервативное лечение без эффекта; показана МРТ',
  'Подозрение на ишемическую болезнь сердца по ЭКГ; показано суточное мониторирование и УЗИ сердца',
  'Хронический тонзиллит с частыми обострениями; показана консультация и плановое лечение',
];

function priorAuthRequest(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const n = rowCount(opts, 2);
  const urgency = pick(rng, ['emergency', 'urgent', 'planned'] as const);
  const header = ctx.header(
    'prior-auth-request',
    opts.sender ?? SAMPLE_PARTIES.clinic,
    opts.addressee ?? SAMPLE_PARTIES.insurer,
  );
  const minutes = urgency === 'emergency' ? 60 : urgency === 'urgent' ? 240 : 1440;
  const lines: PriorAuthRequestBody['lines'] = [];
  for (let i = 0; i < n; i++) {
    const at = (i + randomInt(rng, 0, SERVICES.length - 1)) % SERVICES.length;
    const s = SERVICES[at];
    const quantity = randomInt(rng, 1, 2);
    lines.push({
      rowId: String(i + 1),
      serviceCode: s.serviceCode,
      clinicServiceCode: s.clinicServiceCode,
      name: s.name,
      quantity,
      unitPrice: s.price,
      amount: quantity * s.price,
      priceListRef: { documentId: `price-list-${ctx.seed}`, rowId: String(at + 1) },
    });
  }
  const body: PriorAuthRequestBody = {
    requestNumber: `ЗГП-2026-${randomInt(rng, 10000, 99999)}`,
    requestDate: ctx.today,
    status: 'active',
    urgency,
    respondBy: new Date(Date.parse(header.createdAt) + minutes * 60_000).toISOString(),
    patient: ctx.person(),
    programme: { ...pick(rng, PROGRAMMES) },
    diagnosis: pick(rng, DIAGNOSES),
    justification: pick(rng, JUSTIFICATIONS),
    plannedPeriod: { from: ctx.today, to: addDays(ctx.today, 14) },
    currency: 'RUB',
    totalAmount: lines.reduce((t, l) => t + l.amount, 0),
    lines,
  };
  if (rng() < 0.5) body.attachmentsToFollow = 'Выписка из амбулаторной карты, заключение врача';
  return { header, body };
}

function priorAuthResponse(ctx: Context, opts: GenerateOptions): DmsDocument {
  const rng = ctx.rng;
  const header = ctx.header(
    'prior-auth-response',
    opts.sender ?? SAMPLE_PARTIES.insurer,
    opts.addressee ?? SAMPLE_PARTIES.clinic,
    { replyToId: `prior-auth-request-${ctx.seed}` },
  );
  const requestNumber = `ЗГП-2026-${randomInt(rng, 10000, 99999)}`;
  const body: PriorAuthResponseBody =
    rng() < 0.5
      ? {
          requestNumber,
          reviewAction: 'pended',
          informationWanted: 'Выписка из амбулаторной карты за последние 6 месяцев',
          informationDueBy: new Date(Date.parse(header.createdAt) + 3 * 86_400_000).toISOString(),
        }
      : {
          requestNumber,
          reviewAction: 'not-certified',
          reason: 'Услуга не входит в программу ДМС застрахованного',
        };
  return { header, body };
}

/**
 * A valid synthetic document of the given type with realistic Russian data and valid checksums; the same
 * options give the same document. Default parties are SAMPLE_PARTIES (insurer → clinic for lists, letters
 * and acts; clinic → insurer for invoices, price lists and replies).
 */
export function generateDocument(type: DocumentType, opts: GenerateOptions = {}): DmsDocument {
  const ctx = new Context(opts.seed ?? 1);
  switch (type) {
    case 'insured-list':
      return insuredList(ctx, opts);
    case 'guarantee-letter':
      return guaranteeLetter(ctx, opts);
    case 'invoice':
      return invoice(ctx, opts);
    case 'price-list':
      return priceList(ctx, opts);
    case 'expertise-act':
      return generateExpertiseCase(opts).act;
    case 'reply':
      return reply(ctx, opts);
    case 'payment-notice':
      return paymentNotice(opts);
    case 'reconciliation-statement':
      return reconciliationStatement(ctx, opts);
    case 'medical-programme':
      return medicalProgramme(ctx, opts);
    case 'care-request':
      return careRequest(ctx, opts);
    case 'appointment':
      return appointment(ctx, opts);
    case 'documentation-request':
      return generateDocumentationCase(opts).request;
    case 'medical-documentation':
      return generateDocumentationCase(opts).answer;
    case 'prior-auth-request':
      return priorAuthRequest(ctx, opts);
    case 'prior-auth-response':
      return priorAuthResponse(ctx, opts);
    default:
      throw new DmsnetError('DOCUMENT_TYPE_UNKNOWN', `unknown document type "${String(type)}"`);
  }
}
