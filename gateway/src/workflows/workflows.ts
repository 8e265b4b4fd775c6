import type { ErrorCode } from '@dmsnet/formats/error-codes';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { messageIdOf, parseMessageId, validateDocument } from '@dmsnet/formats';
import type {
  ExpertiseActBody,
  GuaranteeLetterBody,
  InsuredListBody,
  InvoiceBody,
  Person,
  PriceListBody,
  Programme,
} from '@dmsnet/formats/types';
import type { ImportCompletion, RowNote } from '../adapters/conversion.js';
import type { GatewayNode, DocumentHandler, InboxRecord, Notification } from '../node/index.js';
import { CursorInvalidError } from '../node/cursors.js';
import { billedKey, checkInvoice } from './invoice-check.js';
import {
  migrateRosterIndex,
  normPolicy,
  personKey,
  Roster,
  type Contract,
  type RosterEntry,
} from './roster.js';

type Doc = { header: Record<string, unknown>; body: Record<string, unknown> };
const SUB = 'workflows';
const S = '\u0000';
const today = () => new Date().toISOString().slice(0, 10);

export interface LetterState {
  documentId: string;
  /** The sender's createdAt: a letter older than the state held (delivered late) does not replace it. */
  createdAt?: string;
  insurer: string;
  clinic: string;
  letter: GuaranteeLetterBody;
}

export interface PriceListState {
  documentId: string;
  clinic: string;
  state: 'RECEIVED' | 'ACCEPTED' | 'CONTESTED' | 'WITHDRAWN';
  priceList: PriceListBody;
}

export interface ActDraft {
  /** The invoice's ledger id (`<clinic ОГРН>:<documentId>`): two clinics may number their invoices alike. */
  invoiceId: string;
  clinic: string;
  state: 'DRAFT' | 'SENT';
  act: ExpertiseActBody;
  actDocumentId?: string;
}

export interface IssueLetterInput {
  clinic: string;
  letterNumber: string;
  patient: Person;
  programme?: Programme;
  validity: { from: string; to: string };
  amountLimit: number;
  services: Array<{ serviceCode: string; quantity: number }>;
  diagnosis?: string;
  reason?: string;
}

/** A received price list's state from its inbox record: a rejection of a price list is a contest. */
const PRICE_LIST_STATE: Record<InboxRecord['status'], PriceListState['state']> = {
  RECEIVED: 'RECEIVED',
  ACCEPTED: 'ACCEPTED',
  REJECTED: 'CONTESTED',
  // The clinic took it back before the insurer decided: it prices nothing.
  WITHDRAWN: 'WITHDRAWN',
};

const invalid = (code: ErrorCode, message: string, errors: FieldError[] = []) =>
  new DmsnetError(code, message, errors);

/**
 * The edge workflows of one participant (the flows of docs/architecture.md): what its gateway does with documents beyond carrying them.
 * Clinic: applies insured lists to its roster (accepting or rejecting with row errors), answers coverage, keeps the
 * state of guarantee letters. Insurer: keeps each clinic's roster from the lists it accepted, the price lists, the
 * letters it issued, and drafts the expertise act of every invoice.
 */
/** A name as the roster compares it: case, ё/е and spacing aside. */
const personName = (s: string) => s.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');

export class Workflows {
  readonly roster: Roster;
  private cursor = 0;
  private running?: Promise<void>;

  constructor(
    readonly node: GatewayNode,
    readonly options: { role: string; contracts?: Contract[] },
  ) {
    this.roster = new Roster(node.store);
  }

  /** Handlers the node calls for each received, verified, valid document. */
  handlers(): Record<string, DocumentHandler> {
    return {
      'insured-list': (d) => this.onInsuredList(d as Doc),
      'guarantee-letter': (d) => this.onGuaranteeLetter(d as Doc),
      'price-list': (d) => this.onPriceList(d as Doc),
      invoice: (d) => this.onInvoice(d as Doc),
    };
  }

  /** Follows the node's durable notifications (from a stored cursor) for what the insurer learns from answers. */
  async start(): Promise<void> {
    // Before any coverage question: a roster stored by an older gateway gets the index a search without the
    // отчество reads.
    await migrateRosterIndex(this.node.store);
    this.cursor = (await this.node.store.get<number>(SUB, 'cursor')) ?? 0;
    this.node.notifications.subscribe(() => this.pump());
    await this.pump();
  }

  private pump(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (;;) {
          const batch = await this.node.notifications.list(this.cursor, 100);
          if (!batch.length) break;
          for (const n of batch) await this.onNotification(n);
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async onNotification(n: Notification): Promise<void> {
    const ops = [];
    if (
      n.kind === 'status.changed' &&
      n.status === 'ACCEPTED' &&
      n.documentType === 'insured-list' &&
      n.sender === this.node.participantId
    ) {
      // The clinic accepted our list: our copy of its roster now holds these people too.
      const view = await this.node.getDocument(n.messageId);
      const doc = view.document as Doc;
      const plan = await new Roster(this.node.store, n.addressee).plan(
        {
          documentId: parseMessageId(n.messageId)?.documentId ?? n.messageId,
          insurer: this.node.participantId,
          body: doc.body as unknown as InsuredListBody,
        },
        [],
      );
      ops.push(...plan.ops);
    }
    this.cursor = n.seq;
    await this.node.store.batch([...ops, { type: 'put', sublevel: SUB, key: 'cursor', value: this.cursor }]);
  }

  // ---- clinic side --------------------------------------------------------------------------------------------

  private async onInsuredList(doc: Doc): Promise<Awaited<ReturnType<DocumentHandler>>> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string } };
    const plan = await this.roster.plan(
      { documentId: h.documentId, insurer: h.sender.ogrn, body: doc.body as unknown as InsuredListBody },
      this.options.contracts ?? [],
    );
    if (plan.errors.length)
      return { action: 'reject', errors: plan.errors, comment: 'rows refused by the clinic roster' };
    await this.node.store.batch(plan.ops);
    return {
      action: 'accept',
      // Read by the insurer's people in their console: Russian, like the documents themselves.
      comment: `принято строк: ${(doc.body as unknown as InsuredListBody).rows.length}`,
    };
  }

  async coverage(q: {
    policy?: string;
    lastName?: string;
    firstName?: string;
    middleName?: string;
    birthDate?: string;
    date?: string;
  }) {
    const date = q.date ?? today();
    const entries = q.policy
      ? await this.roster.byPolicy(q.policy)
      : await this.roster.byName(q.lastName ?? '', q.firstName ?? '', q.middleName, q.birthDate ?? '');
    // Without the отчество two people may share the rest; an answer about one of them would be a guess.
    const people = new Set(entries.map(personKey));
    if (!q.policy && people.size > 1) {
      throw new DmsnetError(
        'COVERAGE_AMBIGUOUS',
        `${people.size} people in the roster have this name and birth date: give the middle name or the policy`,
        [
          {
            pointer: '/query/middleName',
            code: 'COVERAGE_AMBIGUOUS',
            message: `${people.size} people match without the middle name`,
          },
        ],
      );
    }
    const covering = await this.roster.coverage(entries, date);
    return {
      date,
      covered: covering.length > 0,
      coverage: covering.map((e) => ({
        insurer: e.insurer,
        policyNumber: e.policyNumber,
        programme: e.programme,
        from: e.from,
        to: e.to,
      })),
    };
  }

  /** A page of this node's own roster (a clinic's), filtered; the cursor is the last key served, base64url. */
  async rosterPage(q: {
    clinic?: string;
    q?: string;
    insurer?: string;
    programme?: string;
    date?: string;
    limit?: string;
    cursor?: string;
  }): Promise<{ items: RosterEntry[]; nextCursor?: string }> {
    const roster = this.rosterOf(q.clinic);
    // Cursors are the node's (HMAC-tagged, bound to this list), as on every other paged list, and to one roster.
    const after = q.cursor ? this.node.cursors.read('roster', q.cursor) : undefined;
    if (after !== undefined && !(after > roster.range.gte && after < roster.range.lt))
      throw new CursorInvalidError('it pages another roster');
    const page = await roster.page({
      q: q.q,
      insurer: q.insurer,
      programme: q.programme,
      date: q.date,
      limit: q.limit ? Number(q.limit) : 50,
      after,
    });
    return {
      items: page.items,
      ...(page.next ? { nextCursor: this.node.cursors.issue('roster', page.next) } : {}),
    };
  }

  /**
   * A clinic reads its own roster; an insurer (or assistance company) the copy it keeps of each clinic's, holding the
   * people of its own lists that clinic accepted.
   */
  private rosterOf(clinic: string | undefined): Roster {
    const payer = this.options.role === 'insurer' || this.options.role === 'assistance';
    if (payer && !clinic) {
      throw new DmsnetError('REQUEST_INVALID', 'an insurer keeps a roster copy per clinic: name the clinic', [
        { pointer: '/query/clinic', code: 'REQUEST_REQUIRED', message: 'the clinic’s ОГРН' },
      ]);
    }
    if (!payer && clinic && clinic !== this.node.participantId) {
      throw new DmsnetError('REQUEST_INVALID', 'a clinic reads its own roster only', [
        {
          pointer: '/query/clinic',
          code: 'REQUEST_INVALID',
          message: 'only this clinic’s own ОГРН, or none',
        },
      ]);
    }
    return payer ? new Roster(this.node.store, clinic) : this.roster;
  }

  /**
   * A clinic's invoice register names patients by name and policy; the preview fills birth date and sex from the
   * roster (the addressee insurer's entry first) and notes a policy the roster does not know.
   */
  importCompletion(): ImportCompletion {
    return (type, addressee) => {
      if (type !== 'invoice' || this.options.role !== 'clinic') return undefined;
      /** The lists of this insurer that attached the register's patients, by how many rows each attached. */
      const lists = new Map<string, number>();
      const row = async (row: Record<string, unknown>): Promise<RowNote | undefined> => {
        const patient = row.patient as Record<string, unknown> | undefined;
        const policy = patient?.policyNumber;
        if (!patient || typeof policy !== 'string' || !policy.trim()) return undefined;
        const entries = (await this.roster.byPolicy(policy)).sort(
          (a, b) =>
            Number(b.insurer === addressee) - Number(a.insurer === addressee) || b.from.localeCompare(a.from),
        );
        const e = entries[0];
        if (!e)
          return {
            field: '/patient/policyNumber',
            code: 'ROSTER_POLICY_UNKNOWN',
            message: 'the policy number is not in the clinic’s roster',
          };
        if (e.insurer === addressee) lists.set(e.listId, (lists.get(e.listId) ?? 0) + 1);
        patient.birthDate ??= e.person.birthDate;
        if (e.person.sex) patient.sex ??= e.person.sex;
        // A wrong name under a known policy is what the insurer's check withholds as a stranger: say so before sending.
        const same = (a: unknown, b: string | undefined) =>
          typeof a !== 'string' || b === undefined || personName(a) === personName(b);
        if (
          !same(patient.lastName, e.person.lastName) ||
          !same(patient.firstName, e.person.firstName) ||
          (patient.middleName !== undefined && !same(patient.middleName, e.person.middleName))
        ) {
          return {
            field: '/patient/lastName',
            code: 'ROSTER_NAME_DIFFERS',
            message: 'the roster names another person under this policy number',
          };
        }
        return undefined;
      };
      // A register names no contract: it is the one of the insured list that attached most of its patients.
      const body = async (b: Record<string, unknown>): Promise<void> => {
        if (b.contract !== undefined) return;
        const [listId] = [...lists].sort((x, y) => y[1] - x[1])[0] ?? [];
        if (!listId) return;
        const list = (await this.node.getDocument(`${addressee}:${listId}`).catch(() => undefined))
          ?.document as { body?: { contract?: unknown } } | undefined;
        if (list?.body?.contract) b.contract = structuredClone(list.body.contract);
      };
      return { row, body };
    };
  }

  private async onGuaranteeLetter(doc: Doc): Promise<Awaited<ReturnType<DocumentHandler>>> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string } };
    const letter = doc.body as unknown as GuaranteeLetterBody;
    await this.saveLetter({
      documentId: h.documentId,
      insurer: h.sender.ogrn,
      clinic: this.node.participantId,
      letter,
    });
    return { action: 'accept', comment: `guarantee letter ${letter.letterNumber} ${letter.status}` };
  }

  async letters(policy: string): Promise<LetterState[]> {
    const prefix = `glp${S}${this.node.store.blind(normPolicy(policy))}${S}`;
    const out: LetterState[] = [];
    for await (const n of this.node.store
      .sublevel<string>(SUB)
      .values({ gte: prefix, lt: prefix + '\uffff' })) {
      const s = await this.node.store.get<LetterState>(SUB, `gl${S}${n}`);
      if (s) out.push(s);
    }
    return out;
  }

  /**
   * Every letter held here, in letter-number order (the key order: letter numbers are not personal), filtered while
   * walking by clinic, status and a period the letter's validity overlaps; a page is the next `limit` matches.
   */
  async letterPage(q: {
    clinic?: string;
    status?: string;
    from?: string;
    to?: string;
    limit?: string;
    cursor?: string;
  }): Promise<{ items: LetterState[]; nextCursor?: string }> {
    const gte = `gl${S}`;
    const lt = `gl${S}\uffff`;
    const after = q.cursor ? this.node.cursors.read('letters', q.cursor) : undefined;
    if (after !== undefined && !(after > gte && after < lt))
      throw new CursorInvalidError('it pages another list');
    const limit = q.limit ? Number(q.limit) : 50;
    const matches = (s: LetterState) =>
      (!q.clinic || s.clinic === q.clinic) &&
      (!q.status || s.letter.status === q.status) &&
      (!q.from || s.letter.validity.to >= q.from) &&
      (!q.to || s.letter.validity.from <= q.to);
    const items: LetterState[] = [];
    let last: string | undefined;
    const range = after ? { gt: after, lt } : { gte, lt };
    for await (const [k, s] of this.node.store.sublevel<LetterState>(SUB).iterator(range)) {
      if (!matches(s)) continue;
      // One match beyond the page says there is a next page; the cursor is the last key served.
      if (items.length === limit)
        return { items, nextCursor: this.node.cursors.issue('letters', last as string) };
      items.push(s);
      last = k;
    }
    return { items };
  }

  /** Records a letter's state (also how an insurer imports letters issued before it joined). */
  async saveLetter(s: LetterState): Promise<void> {
    await this.node.store.batch([
      { type: 'put', sublevel: SUB, key: `gl${S}${s.letter.letterNumber}`, value: s },
      {
        type: 'put',
        sublevel: SUB,
        key: `glp${S}${this.node.store.blind(normPolicy(s.letter.patient.policyNumber))}${S}${s.letter.letterNumber}`,
        value: s.letter.letterNumber,
      },
    ]);
  }

  // ---- insurer side -------------------------------------------------------------------------------------------

  private async onPriceList(doc: Doc): Promise<Awaited<ReturnType<DocumentHandler>>> {
    if (this.options.role !== 'insurer' && this.options.role !== 'assistance') return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string } };
    const s: PriceListState = {
      documentId: h.documentId,
      clinic: h.sender.ogrn,
      state: 'RECEIVED',
      priceList: doc.body as unknown as PriceListBody,
    };
    await this.node.store.batch([
      { type: 'put', sublevel: SUB, key: `pl${S}${s.clinic}${S}${s.documentId}`, value: s },
    ]);
    return { action: 'none' };
  }

  /** Records a price list's state (also how an insurer imports the versions it agreed before joining). */
  async savePriceList(s: PriceListState): Promise<void> {
    await this.node.store.batch([
      { type: 'put', sublevel: SUB, key: `pl${S}${s.clinic}${S}${s.documentId}`, value: s },
    ]);
  }

  /**
   * The price lists of a clinic. The state of a received one is the inbox record's, whichever endpoint decided it
   * (`/v1/price-lists/{id}/accept|contest` or `/v1/inbox/{id}/accept|reject`): one state model, the ledger's.
   */
  async priceLists(clinic: string): Promise<PriceListState[]> {
    const prefix = `pl${S}${clinic}${S}`;
    const out: PriceListState[] = [];
    for await (const v of this.node.store
      .sublevel<PriceListState>(SUB)
      .values({ gte: prefix, lt: prefix + '\uffff' }))
      out.push(await this.withDecision(v));
    return out;
  }

  /** A list imported with savePriceList has no inbox record: its saved state stands. */
  private async withDecision(s: PriceListState): Promise<PriceListState> {
    const rec = await this.node.received(messageIdOf(s.clinic, s.documentId));
    if (!rec || rec.sender !== s.clinic) return s;
    const state = PRICE_LIST_STATE[rec.status];
    return state === s.state ? s : { ...s, state };
  }

  async decidePriceList(
    documentId: string,
    decision: 'ACCEPTED' | 'CONTESTED',
    o: { errors?: FieldError[]; comment?: string } = {},
  ) {
    const rec = await this.node.received(documentId);
    const key = rec && `pl${S}${rec.sender}${S}${parseMessageId(rec.messageId)?.documentId}`;
    const s = key && (await this.node.store.get<PriceListState>(SUB, key));
    if (!rec || !s) throw new DmsnetError('NOT_FOUND', `no received price list ${documentId}`);
    if (decision === 'ACCEPTED') await this.node.accept(rec.messageId, { comment: o.comment });
    else
      await this.node.reject(rec.messageId, {
        errors: o.errors ?? [],
        comment: o.comment,
        decision: 'CONTESTED',
      });
    return this.withDecision(s);
  }

  /** The accepted version in force on a date: it prices a guarantee letter or an invoice line of that date. */
  priceListAtFrom(lists: readonly PriceListState[]) {
    const accepted = lists.filter((l) => l.state === 'ACCEPTED').map((l) => l.priceList);
    return (date: string) =>
      accepted
        .filter((p) => p.validity.from <= date && (!p.validity.to || date <= p.validity.to))
        .sort((a, b) => b.validity.from.localeCompare(a.validity.from) || b.version - a.version)[0];
  }

  async issueLetter(
    input: IssueLetterInput,
    status: 'issued' | 'amended' | 'revoked' = 'issued',
    corrects?: string,
  ) {
    const priceList = this.priceListAtFrom(await this.priceLists(input.clinic))(input.validity.from);
    if (!priceList) {
      throw invalid(
        'GL_NO_PRICE_LIST',
        'no accepted price list of this clinic is in force on the first day of validity',
        [
          {
            pointer: '/body/validity/from',
            code: 'GL_NO_PRICE_LIST',
            message: 'no accepted price list on this date',
          },
        ],
      );
    }
    const errors: FieldError[] = [];
    const lines = input.services.map((s, i) => {
      const pl = priceList.lines.find((l) => l.serviceCode === s.serviceCode);
      if (!pl)
        errors.push({
          pointer: `/body/services/${i}/serviceCode`,
          code: 'GL_SERVICE_NOT_IN_PRICE_LIST',
          message: 'not in the accepted price list',
        });
      const price = pl?.price ?? 0;
      return {
        rowId: String(i + 1),
        serviceCode: s.serviceCode,
        ...(pl?.clinicServiceCode ? { clinicServiceCode: pl.clinicServiceCode } : {}),
        name: pl?.name,
        quantity: s.quantity,
        unitPrice: price,
        amount: price * s.quantity,
      };
    });
    if (errors.length) throw invalid('GL_INVALID', `the letter breaks ${errors.length} rule(s)`, errors);
    const letter: GuaranteeLetterBody = {
      letterNumber: input.letterNumber,
      issueDate: today(),
      status,
      patient: input.patient,
      ...(input.programme ? { programme: input.programme } : {}),
      validity: input.validity,
      ...(input.diagnosis ? { diagnosis: input.diagnosis } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      currency: 'RUB',
      amountLimit: input.amountLimit,
      lines,
    };
    const documentId = `GL-${input.letterNumber}-${status}-${Date.now()}`
      .replace(/[^A-Za-z0-9._:-]/g, '-')
      .slice(0, 128);
    const document = {
      header: {
        documentId,
        type: 'guarantee-letter',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: input.clinic },
        createdAt: new Date().toISOString(),
        ...(corrects ? { correctsId: corrects } : {}),
      },
      body: letter,
    };
    const record = await this.node.send(document);
    await this.saveLetter({ documentId, insurer: this.node.participantId, clinic: input.clinic, letter });
    return { record, letter };
  }

  async changeLetter(letterNumber: string, status: 'amended' | 'revoked', input?: IssueLetterInput) {
    const s = await this.node.store.get<LetterState>(SUB, `gl${S}${letterNumber}`);
    if (!s || s.insurer !== this.node.participantId)
      throw new DmsnetError('NOT_FOUND', `no letter ${letterNumber} issued here`);
    const base: IssueLetterInput = input ?? {
      clinic: s.clinic,
      letterNumber,
      patient: s.letter.patient,
      programme: s.letter.programme,
      validity: s.letter.validity,
      amountLimit: s.letter.amountLimit,
      services: s.letter.lines.map((l) => ({ serviceCode: l.serviceCode, quantity: l.quantity })),
    };
    return this.issueLetter({ ...base, letterNumber, clinic: s.clinic }, status, s.documentId);
  }

  private async onInvoice(doc: Doc): Promise<Awaited<ReturnType<DocumentHandler>>> {
    if (this.options.role !== 'insurer' && this.options.role !== 'assistance') return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string } };
    await this.draftAct(
      messageIdOf(h.sender.ogrn, h.documentId),
      h.sender.ogrn,
      doc.body as unknown as InvoiceBody,
    );
    return { action: 'none' };
  }

  /** Runs the automatic check with every lookup done in bulk, and stores the draft act for the expert. */
  async draftAct(invoiceId: string, clinic: string, invoice: InvoiceBody): Promise<ActDraft> {
    const store = this.node.store;
    // The roster sweep waits on LevelDB's threads: start it first, and do the other lookups (and the hashing
    // of the billed keys) meanwhile rather than after it.
    const rosterFound = new Roster(store, clinic).byPolicies(
      invoice.lines.map((l) => l.patient.policyNumber),
    );
    const numbers = [
      ...new Set(invoice.lines.flatMap((l) => (l.guaranteeLetter ? [l.guaranteeLetter.letterNumber] : []))),
    ];
    const usageFound = store.get<{ q: Record<string, number>; a: Record<string, number> }>(
      SUB,
      `glu${S}${clinic}`,
    );
    const statesFound = store.getMany<LetterState>(
      SUB,
      numbers.map((n) => `gl${S}${n}`),
    );
    const listsFound = this.priceLists(clinic);
    // The stored key blinds the policy number it carries; the check compares the plain form.
    const plainBilled = invoice.lines.map((l) =>
      billedKey(l.patient.policyNumber, l.serviceCode, l.serviceDate),
    );
    const billedKeys = plainBilled.map((k) => `bl${S}${clinic}${S}${store.blind(k)}`);
    const [found, usage, states, lists, billedValues] = await Promise.all([
      rosterFound,
      usageFound,
      statesFound,
      listsFound,
      store.getMany<string>(SUB, billedKeys),
    ]);
    const roster = new Map(
      [...found].map(([p, es]) => [p, es.filter((e) => e.insurer === this.node.participantId)]),
    );
    const letters = new Map<string, GuaranteeLetterBody>();
    states.forEach((st) => {
      if (st && st.clinic === clinic) letters.set(st.letter.letterNumber, st.letter);
    });
    const billedBefore = new Set<string>();
    billedValues.forEach((v, i) => {
      if (v && v !== invoiceId) billedBefore.add(plainBilled[i]);
    });
    const act = checkInvoice({
      // The act names the invoice as its clinic numbered it.
      invoiceId: parseMessageId(invoiceId)?.documentId ?? invoiceId,
      invoice,
      roster,
      letters,
      letterQuantityUsed: new Map(Object.entries(usage?.q ?? {})),
      letterAmountUsed: new Map(Object.entries(usage?.a ?? {})),
      priceListAt: this.priceListAtFrom(lists),
      billedBefore,
      actDate: today(),
    });
    const q = { ...(usage?.q ?? {}) };
    const a = { ...(usage?.a ?? {}) };
    invoice.lines.forEach((l, i) => {
      if (l.guaranteeLetter && act.lines[i].decision === 'PAID') {
        const k = `${l.guaranteeLetter.letterNumber}${S}${l.serviceCode}`;
        q[k] = (q[k] ?? 0) + l.quantity;
        a[l.guaranteeLetter.letterNumber] = (a[l.guaranteeLetter.letterNumber] ?? 0) + l.amount;
      }
    });
    const draft: ActDraft = { invoiceId, clinic, state: 'DRAFT', act };
    await this.node.store.batch([
      { type: 'put', sublevel: SUB, key: `act${S}${invoiceId}`, value: draft },
      { type: 'put', sublevel: SUB, key: `glu${S}${clinic}`, value: { q, a } },
      ...billedKeys.map((key) => ({ type: 'put' as const, sublevel: SUB, key, value: invoiceId })),
    ]);
    return draft;
  }

  /** The act of an invoice named by its ledger id, or by the clinic's invoice number while only one has it. */
  async act(invoiceId: string): Promise<ActDraft> {
    const d = await this.node.store.get<ActDraft>(SUB, `act${S}${await this.node.resolveId(invoiceId)}`);
    if (!d) throw new DmsnetError('NOT_FOUND', `no expertise act for invoice ${invoiceId}`);
    return d;
  }

  /** The expert's edits: a line's decision, amounts, defect code and reason; totals follow. */
  async editAct(
    invoiceId: string,
    edits: Array<{
      invoiceLineId: string;
      decision: 'PAID' | 'WITHHELD';
      paidAmount?: number;
      defectCode?: string;
      reason?: string;
    }>,
  ) {
    const d = await this.act(invoiceId);
    if (d.state !== 'DRAFT')
      throw new DmsnetError('STATUS_FINAL', `the act for ${invoiceId} was already sent`);
    const errors: FieldError[] = [];
    edits.forEach((e, i) => {
      const line = d.act.lines.find((l) => l.invoiceLineId === e.invoiceLineId);
      if (!line)
        return errors.push({
          pointer: `/body/lines/${i}/invoiceLineId`,
          code: 'ACT_LINE_UNKNOWN',
          message: 'no such invoice line in the act',
        });
      const paid = e.decision === 'PAID' ? (e.paidAmount ?? line.claimedAmount) : (e.paidAmount ?? 0);
      if (paid < 0 || paid > line.claimedAmount)
        return errors.push({
          pointer: `/body/lines/${i}/paidAmount`,
          code: 'ACT_AMOUNT_RANGE',
          message: 'must be between 0 and the claimed amount',
        });
      if (paid < line.claimedAmount && !e.defectCode)
        return errors.push({
          pointer: `/body/lines/${i}/defectCode`,
          code: 'ACT_DEFECT_REQUIRED',
          message: 'a withheld amount needs a defect code',
        });
      Object.assign(line, {
        decision: paid < line.claimedAmount ? 'WITHHELD' : 'PAID',
        paidAmount: paid,
        withheldAmount: line.claimedAmount - paid,
      });
      if (e.defectCode) Object.assign(line, { defectCode: e.defectCode, reason: e.reason ?? line.reason });
      else if (paid === line.claimedAmount) {
        delete line.defectCode;
        delete line.reason;
      }
    });
    if (errors.length)
      throw new DmsnetError('REQUEST_INVALID', `the edit breaks ${errors.length} rule(s)`, errors);
    d.act.totals = d.act.lines.reduce(
      (t, l) => ({
        claimed: t.claimed + l.claimedAmount,
        paid: t.paid + l.paidAmount,
        withheld: t.withheld + l.withheldAmount,
      }),
      { claimed: 0, paid: 0, withheld: 0 },
    );
    await this.node.store.batch([{ type: 'put', sublevel: SUB, key: `act${S}${d.invoiceId}`, value: d }]);
    return d;
  }

  /** The expert confirms: the invoice is accepted for payment as the act says, and the act goes to the clinic. */
  async sendAct(ref: string, expert?: { name: string; snils?: string }) {
    const d = await this.act(ref);
    const invoiceId = d.invoiceId;
    const invoiceNumber = parseMessageId(invoiceId)?.documentId ?? invoiceId;
    const view = await this.node.getDocument(invoiceId);
    // The clinic took the invoice back (sent to the wrong insurer): no act answers it.
    if (view.status === 'WITHDRAWN')
      throw new DmsnetError('MESSAGE_WITHDRAWN', `invoice ${invoiceId} was withdrawn by the clinic`);
    const invoice = view.document;
    const act = { ...d.act, ...(expert ? { expert } : {}) };
    const actDocumentId = d.actDocumentId ?? `ACT-${invoiceNumber}`.slice(0, 128);
    const document = {
      header: {
        documentId: actDocumentId,
        type: 'expertise-act',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: d.clinic },
        createdAt: new Date().toISOString(),
        replyToId: invoiceNumber,
      },
      body: act,
    };
    const errors = validateDocument(document, { related: { invoice } });
    if (errors.length)
      throw new DmsnetError('DOCUMENT_INVALID', `the act breaks ${errors.length} format rule(s)`, errors);
    await this.node.store.batch([
      { type: 'put', sublevel: SUB, key: `act${S}${invoiceId}`, value: { ...d, act, actDocumentId } },
    ]);
    await this.node.accept(invoiceId, { comment: `акт экспертизы ${act.actNumber}` });
    const record = await this.node.send(document);
    await this.node.store.batch([
      {
        type: 'put',
        sublevel: SUB,
        key: `act${S}${invoiceId}`,
        value: { ...d, act, actDocumentId, state: 'SENT' },
      },
    ]);
    return { record, act };
  }
}
