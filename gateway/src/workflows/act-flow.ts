// Flow 4 of docs/architecture.md, invoices: the insurer's gateway checks each register line against the roster copy,
// the letters, the price list and earlier bills, drafts an expertise act with defect codes; an expert edits and
// confirms it, and the act goes to the clinic.
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { messageIdOf, parseMessageId, validateDocument } from '@dmsnet/formats';
import type { ExpertiseActBody, GuaranteeLetterBody, InvoiceBody } from '@dmsnet/formats/types';
import type { GatewayNode, OutboxRecord } from '../node/index.js';
import { disputeOf } from './act-disputes.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  isPayer,
  senderAndId,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import { billedKey, checkInvoice, rubles } from './invoice-check.js';
import { letterKey, type LetterState } from './letter-flow.js';
import { priceListInForce, type PriceListFlow } from './price-list-flow.js';
import type { ProgrammeStore } from './programme-store.js';
import { programmeAt, type UsageRecord } from './programme-limits.js';
import { normPolicy, Roster } from './roster.js';
import type { ActDraft as ActDraftShape, ActEdit } from './shapes.js';

/**
 * The act as the API answers it (the contract's `ActDraft`): the stored draft, the sent act's status, and the dispute
 * it met or answers. Its `invoiceId` is the invoice's ledger id (`<clinic ОГРН>:<documentId>`): two clinics may
 * number their invoices alike.
 */
export type ActView = ActDraftShape;
/** The draft as stored: the view without what is read at answer time. */
export type ActDraft = Omit<ActView, 'actStatus' | 'dispute'>;

export type ActLineEdit = ActEdit['lines'][number];

/**
 * What the acts paid so far against a clinic's letters: quantities by letter number and service, amounts by letter
 * number. The next invoice's check counts against what is left.
 */
interface LetterUsage {
  q: Record<string, number>;
  a: Record<string, number>;
}

const actKey = (invoiceId: string) => `act${KEY_SEPARATOR}${invoiceId}`;
const letterUsageKey = (clinic: string) => `glu${KEY_SEPARATOR}${clinic}`;

export class ActFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string },
    private readonly priceLists: PriceListFlow,
    private readonly programmes: ProgrammeStore,
  ) {}

  /** A received invoice: the payer's gateway drafts its act at once; the invoice stays RECEIVED until one is sent. */
  async receive(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (!isPayer(this.options.role)) return { action: 'none' };
    const header = senderAndId(doc);
    await this.draft(
      messageIdOf(header.sender.ogrn, header.documentId),
      header.sender.ogrn,
      doc.body as unknown as InvoiceBody,
    );
    return { action: 'none' };
  }

  /** Runs the automatic check with every lookup done in bulk, and stores the draft act for the expert. */
  async draft(invoiceId: string, clinic: string, invoice: InvoiceBody): Promise<ActDraft> {
    const store = this.node.store;
    // The roster sweep waits on LevelDB's threads: start it first, and do the other lookups (and the hashing
    // of the billed keys) meanwhile rather than after it.
    const rosterFound = new Roster(store, clinic).byPolicies(
      invoice.lines.map((l) => l.patient.policyNumber),
    );
    const numbers = [
      ...new Set(invoice.lines.flatMap((l) => (l.guaranteeLetter ? [l.guaranteeLetter.letterNumber] : []))),
    ];
    const usageFound = store.get<LetterUsage>(WORKFLOW_SUBLEVEL, letterUsageKey(clinic));
    const statesFound = store.getMany<LetterState>(WORKFLOW_SUBLEVEL, numbers.map(letterKey));
    const listsFound = this.priceLists.ofClinic(clinic);
    // The stored key blinds the policy number it carries; the check compares the plain form.
    const plainBilled = invoice.lines.map((l) =>
      billedKey(l.patient.policyNumber, l.serviceCode, l.serviceDate),
    );
    const billedKeys = plainBilled.map((k) => `bl${KEY_SEPARATOR}${clinic}${KEY_SEPARATOR}${store.blind(k)}`);
    const [found, usage, states, lists, billedValues, programmes] = await Promise.all([
      rosterFound,
      usageFound,
      statesFound,
      listsFound,
      store.getMany<string>(WORKFLOW_SUBLEVEL, billedKeys),
      this.programmes.held(clinic),
    ]);
    // A clinic that accepted none of this insurer's programmes costs the check no per-person reads.
    const programmeUsage = new Map<string, UsageRecord[]>();
    if (programmes.size) {
      const policies = [...new Set(invoice.lines.map((l) => normPolicy(l.patient.policyNumber)))];
      const read = await Promise.all(policies.map((p) => this.programmes.usage(clinic, p)));
      policies.forEach((p, i) => programmeUsage.set(p, read[i]));
    }
    const roster = new Map(
      [...found].map(([policy, entries]) => [
        policy,
        entries.filter((e) => e.insurer === this.node.participantId),
      ]),
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
      priceListAt: priceListInForce(lists),
      billedBefore,
      actDate: today(),
      programmeAt: (code, date) => programmeAt(programmes.get(code) ?? [], date),
      programmeUsage,
    });
    const quantities = { ...(usage?.q ?? {}) };
    const amounts = { ...(usage?.a ?? {}) };
    invoice.lines.forEach((l, i) => {
      if (l.guaranteeLetter && act.lines[i].decision === 'PAID') {
        const k = `${l.guaranteeLetter.letterNumber}${KEY_SEPARATOR}${l.serviceCode}`;
        quantities[k] = (quantities[k] ?? 0) + l.quantity;
        amounts[l.guaranteeLetter.letterNumber] = (amounts[l.guaranteeLetter.letterNumber] ?? 0) + l.amount;
      }
    });
    // What this act pays counts against each person's limits at the next invoice.
    const documentId = act.invoiceId;
    const limitOps = programmes.size
      ? invoice.lines.map((l, i) =>
          this.programmes.usageOps(clinic, l.patient.policyNumber, {
            serviceCode: l.serviceCode,
            date: l.serviceDate,
            quantity: act.lines[i].paidAmount > 0 ? l.quantity : 0,
            amount: act.lines[i].paidAmount,
            invoiceId: documentId,
            rowId: l.rowId,
          }),
        )
      : [];
    const draft: ActDraft = { invoiceId, clinic, state: 'DRAFT', act };
    const newUsage: LetterUsage = { q: quantities, a: amounts };
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: actKey(invoiceId), value: draft },
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: letterUsageKey(clinic), value: newUsage },
      ...limitOps,
      ...billedKeys.map((key) => ({
        type: 'put' as const,
        sublevel: WORKFLOW_SUBLEVEL,
        key,
        value: invoiceId,
      })),
    ]);
    return draft;
  }

  /** The act of an invoice named by its ledger id, or by the clinic's invoice number while only one has it. */
  async get(invoiceId: string): Promise<ActDraft> {
    const d = await this.node.store.get<ActDraft>(
      WORKFLOW_SUBLEVEL,
      actKey(await this.node.resolveId(invoiceId)),
    );
    if (!d) throw new DmsnetError('NOT_FOUND', `no expertise act for invoice ${invoiceId}`);
    return d;
  }

  /** The act with what its clinic said: the sent act's status and dispute, or for a correction the dispute it answers. */
  async view(invoiceId: string): Promise<ActView> {
    const d = await this.get(invoiceId);
    const asked = d.state === 'SENT' ? d.actDocumentId : d.corrects;
    if (!asked) return d;
    // The sent act as this node keeps it: its record carries the clinic's reply, its body the lines the reply counts.
    const sent = await this.node.getDocument(messageIdOf(this.node.participantId, asked)).catch((err) => {
      if (err instanceof DmsnetError) return undefined;
      throw err;
    });
    const rec = sent?.direction === 'out' ? (sent.record as OutboxRecord) : undefined;
    const body = (sent?.document as { body?: ExpertiseActBody } | undefined)?.body ?? d.act;
    const dispute = disputeOf(body, rec);
    return {
      ...d,
      ...(d.state === 'SENT' && rec ? { actStatus: rec.status } : {}),
      ...(dispute ? { dispute } : {}),
    };
  }

  /**
   * The insurer answers a dispute: the disputed act becomes the base of a new draft that names it (correctsId on
   * sending), which the expert edits and confirms like the first one.
   */
  async correct(invoiceId: string): Promise<ActView> {
    const d = await this.view(invoiceId);
    if (d.state !== 'SENT' || !d.dispute || !d.actDocumentId)
      throw new DmsnetError('ACT_NOT_DISPUTED', `the act for ${invoiceId} is not disputed by the clinic`);
    const draft: ActDraft = {
      invoiceId: d.invoiceId,
      clinic: d.clinic,
      state: 'DRAFT',
      act: { ...d.act, actDate: today() },
      corrects: d.actDocumentId,
      earlier: [...(d.earlier ?? []), d.actDocumentId],
    };
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: actKey(d.invoiceId), value: draft },
    ]);
    return this.view(d.invoiceId);
  }

  /**
   * Medical documentation arrived for lines of an invoice (decision record 0056): the act cites it, and each of those
   * lines withheld for want of documentation (defect 2.1.2) reopens — paid in full in the draft until the expert
   * decides it again, and listed in `reopened`. An act already sent gets a correcting draft (correctsId on sending).
   */
  async onDocumentation(invoiceId: string, documentId: string, invoiceLineIds: string[]): Promise<void> {
    const d = await this.node.store.get<ActDraft>(WORKFLOW_SUBLEVEL, actKey(invoiceId));
    if (!d) return;
    const asked = new Set(invoiceLineIds);
    const reopen = d.act.lines.filter((l) => asked.has(l.invoiceLineId) && l.defectCode === '2.1.2');
    if (d.state === 'SENT' && reopen.length === 0) return;
    const draft: ActDraft =
      d.state === 'SENT' && d.actDocumentId
        ? {
            invoiceId: d.invoiceId,
            clinic: d.clinic,
            state: 'DRAFT',
            act: structuredClone({ ...d.act, actDate: today() }),
            corrects: d.actDocumentId,
            earlier: [...(d.earlier ?? []), d.actDocumentId],
          }
        : d;
    const cited = new Set([...(draft.act.documentation ?? []), documentId]);
    draft.act.documentation = [...cited].slice(0, 100);
    const byId = new Map(draft.act.lines.map((l) => [l.invoiceLineId, l]));
    for (const r of reopen) {
      const line = byId.get(r.invoiceLineId);
      if (!line) continue;
      Object.assign(line, { decision: 'PAID', paidAmount: line.claimedAmount, withheldAmount: 0 });
      delete line.defectCode;
      delete line.reason;
      draft.reopened = [...(draft.reopened ?? []), { invoiceLineId: r.invoiceLineId, documentId }];
    }
    draft.act.totals = draft.act.lines.reduce(
      (t, l) => ({
        claimed: t.claimed + l.claimedAmount,
        paid: t.paid + l.paidAmount,
        withheld: t.withheld + l.withheldAmount,
      }),
      { claimed: 0, paid: 0, withheld: 0 },
    );
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: actKey(d.invoiceId), value: draft },
    ]);
  }

  /** The expert's edits: a line's decision, amounts, defect code and reason; totals follow. */
  async edit(invoiceId: string, edits: ActLineEdit[]) {
    const d = await this.get(invoiceId);
    if (d.state !== 'DRAFT')
      throw new DmsnetError('STATUS_FINAL', `the act for ${invoiceId} was already sent`);
    const errors: FieldError[] = [];
    // By id once: a search of the lines for each edit made a 50,000-line act's save take minutes.
    const byId = new Map(d.act.lines.map((l) => [l.invoiceLineId, l]));
    edits.forEach((e, i) => {
      const line = byId.get(e.invoiceLineId);
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
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: actKey(d.invoiceId), value: d },
    ]);
    return d;
  }

  /** The expert confirms: the invoice is accepted for payment as the act says, and the act goes to the clinic. */
  async send(ref: string, expert?: { name: string; snils?: string }) {
    const d = await this.get(ref);
    const invoiceId = d.invoiceId;
    const invoiceNumber = parseMessageId(invoiceId)?.documentId ?? invoiceId;
    const view = await this.node.getDocument(invoiceId);
    // The clinic took the invoice back (sent to the wrong insurer): no act answers it.
    if (view.status === 'WITHDRAWN')
      throw new DmsnetError('MESSAGE_WITHDRAWN', `invoice ${invoiceId} was withdrawn by the clinic`);
    const invoice = view.document;
    const act = { ...d.act, ...(expert ? { expert } : {}) };
    // A correction is a new document (an id is never reused, decision record 0032) numbered by its place.
    const actDocumentId =
      d.actDocumentId ??
      (d.corrects
        ? `ACT-${invoiceNumber}`.slice(0, 120) + `-c${d.earlier?.length ?? 1}`
        : `ACT-${invoiceNumber}`.slice(0, 128));
    const document = {
      header: {
        documentId: actDocumentId,
        type: 'expertise-act',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: d.clinic },
        createdAt: new Date().toISOString(),
        replyToId: invoiceNumber,
        ...(d.corrects ? { correctsId: d.corrects } : {}),
      },
      body: act,
    };
    const errors = validateDocument(document, { related: { invoice } });
    if (errors.length)
      throw new DmsnetError('DOCUMENT_INVALID', `the act breaks ${errors.length} format rule(s)`, errors);
    await this.node.store.batch([
      {
        type: 'put',
        sublevel: WORKFLOW_SUBLEVEL,
        key: actKey(invoiceId),
        value: { ...d, act, actDocumentId },
      },
    ]);
    // The invoice was accepted with the first act; a corrected act changes the act, not that decision.
    // The clinic reads this under its invoice: what the act pays and withholds, in roubles.
    if (!d.corrects)
      await this.node.accept(invoiceId, {
        comment: `акт экспертизы ${act.actNumber}: к оплате ${rubles(act.totals.paid)}, снято ${rubles(act.totals.withheld)}`,
      });
    const record = await this.node.send(document);
    await this.node.store.batch([
      {
        type: 'put',
        sublevel: WORKFLOW_SUBLEVEL,
        key: actKey(invoiceId),
        value: { ...d, act, actDocumentId, state: 'SENT' },
      },
    ]);
    return { record, act };
  }
}
