// Flow 4 of docs/architecture.md, invoices: the insurer's gateway checks each register line against the roster copy,
// the letters, the price list and earlier bills, drafts an expertise act with defect codes; an expert edits and
// confirms it, and the act goes to the clinic.
import { DmsnetError, type FieldError } from '../../../formats/src/errors.js';
import { messageIdOf, parseMessageId, validateDocument } from '../../../formats/src/index.js';
import type { ExpertiseActBody, GuaranteeLetterBody, InvoiceBody } from '../../../formats/src/types.js';
import type { GatewayNode } from '../node/index.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  isPayer,
  senderAndId,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import { billedKey, checkInvoice } from './invoice-check.js';
import { letterKey, type LetterState } from './letter-flow.js';
import { priceListInForce, type PriceListFlow } from './price-list-flow.js';
import { Roster } from './roster.js';

export interface ActDraft {
  /** The invoice's ledger id (`<clinic ОГРН>:<documentId>`): two clinics may number their invoices alike. */
  invoiceId: string;
  clinic: string;
  state: 'DRAFT' | 'SENT';
  act: ExpertiseActBody;
  actDocumentId?: string;
}

export interface ActLineEdit {
  invoiceLineId: string;
  decision: 'PAID' | 'WITHHELD';
  paidAmount?: number;
  defectCode?: string;
  reason?: string;
}

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
    const [found, usage, states, lists, billedValues] = await Promise.all([
      rosterFound,
      usageFound,
      statesFound,
      listsFound,
      store.getMany<string>(WORKFLOW_SUBLEVEL, billedKeys),
    ]);
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
    const draft: ActDraft = { invoiceId, clinic, state: 'DRAFT', act };
    const newUsage: LetterUsage = { q: quantities, a: amounts };
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: actKey(invoiceId), value: draft },
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: letterUsageKey(clinic), value: newUsage },
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
      {
        type: 'put',
        sublevel: WORKFLOW_SUBLEVEL,
        key: actKey(invoiceId),
        value: { ...d, act, actDocumentId },
      },
    ]);
    await this.node.accept(invoiceId, { comment: `акт экспертизы ${act.actNumber}` });
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
