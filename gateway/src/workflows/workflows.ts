import type { FieldError } from '@dmsnet/formats/errors';
import type { InvoiceBody } from '@dmsnet/formats/types';
import type { ImportCompletion } from '../adapters/conversion.js';
import type { DocumentHandler, GatewayNode } from '../node/index.js';
import { ActFlow, type ActDraft, type ActLineEdit, type ActView } from './act-flow.js';
import { CareRequestFlow, type CareDeadlineTerms } from './care-request-flow.js';
import { DocumentationFlow } from './documentation-flow.js';
import { Figures } from '../figures/figures.js';
import { PriorAuthFlow } from './prior-auth-flow.js';
import type { ReceivedDocument } from './flow-state.js';
import { LetterFlow, type IssueLetterInput, type LetterPageQuery, type LetterState } from './letter-flow.js';
import { PaymentFlow, type PaymentInput, type PaymentQuery } from './payment-flow.js';
import type { PaymentState } from './payment-state.js';
import { ReconciliationFlow, type ReconcileInput } from './reconciliation-flow.js';
import { paymentsOneC, reconciliationXlsx, type Side } from './reconciliation-exports.js';
import { PriceListFlow, priceListInForce, type PriceListState } from './price-list-flow.js';
import { ProgrammeFlow } from './programme-flow.js';
import { serviceAnswers } from './service-coverage.js';
import { RosterFlow, type CoverageQuery, type RosterPageQuery } from './roster-flow.js';
import type { Contract, Roster } from './roster.js';

export type { ActDraft, ActView, IssueLetterInput, LetterState, PaymentState, PriceListState };

/**
 * The edge workflows of one participant (the flows of docs/architecture.md): what its gateway does with documents
 * beyond carrying them. One front over the flows, each in a module of its own with its state: insured lists and
 * coverage (roster-flow), ДМС programmes and the coverage per service they answer (programme-flow), guarantee letters
 * (letter-flow), price lists (price-list-flow), invoices and expertise acts (act-flow), payments and reconciliation
 * (payment-flow, reconciliation-flow), care requests and appointments (care-request-flow). The routes, the node and the sandbox call this front; the flows call each other only where one reads
 * another's state (letters and acts are priced from the price lists).
 */
export class Workflows {
  private readonly rosterFlow: RosterFlow;
  private readonly priceListFlow: PriceListFlow;
  private readonly letterFlow: LetterFlow;
  private readonly actFlow: ActFlow;
  private readonly paymentFlow: PaymentFlow;
  private readonly reconciliationFlow: ReconciliationFlow;
  private readonly programmeFlow: ProgrammeFlow;
  /** Care requests and appointments (decision record 0047): their routes call the flow directly. */
  readonly careRequests: CareRequestFlow;
  /** Medical documentation for expertise (decision record 0056): its routes call the flow directly. */
  readonly documentation: DocumentationFlow;
  /** Guarantee-letter requests (decision record 0054): their routes call the flow directly. */
  readonly priorAuth: PriorAuthFlow;
  /** The dashboards' figures, folded from the node's own documents as they are stored (decision record 0060). */
  readonly figures: Figures;

  constructor(
    readonly node: GatewayNode,
    readonly options: {
      role: string;
      contracts?: Contract[];
      paymentTermDays?: number;
      careDeadlines?: CareDeadlineTerms;
      /** A clinic's view of each payer's terms for answering guarantee-letter requests, by urgency. */
      priorAuthDeadlines?: CareDeadlineTerms;
    },
  ) {
    this.programmeFlow = new ProgrammeFlow(node, options);
    this.rosterFlow = new RosterFlow(node, options, this.programmeFlow);
    this.priceListFlow = new PriceListFlow(node, options);
    this.letterFlow = new LetterFlow(node, options, this.priceListFlow);
    this.actFlow = new ActFlow(node, options, this.priceListFlow, this.programmeFlow.programmes);
    this.paymentFlow = new PaymentFlow(node, options, this.actFlow);
    this.reconciliationFlow = new ReconciliationFlow(node, this.paymentFlow);
    this.careRequests = new CareRequestFlow(node, options);
    this.documentation = new DocumentationFlow(node, options, this.actFlow);
    this.priorAuth = new PriorAuthFlow(node, options, this.letterFlow);
    this.figures = new Figures(node, { role: options.role });
  }

  /** This node's own roster (a clinic's). */
  get roster(): Roster {
    return this.rosterFlow.roster;
  }

  /** Handlers the node calls for each received, verified, valid document. */
  handlers(): Record<string, DocumentHandler> {
    return {
      'insured-list': (d) => this.rosterFlow.receive(d as ReceivedDocument),
      // A letter naming a guarantee-letter request certifies it; one naming another clinic's request is refused.
      'guarantee-letter': async (d) =>
        (await this.priorAuth.receiveLetter(d as ReceivedDocument)) ??
        this.letterFlow.receive(d as ReceivedDocument),
      'price-list': (d) => this.priceListFlow.receive(d as ReceivedDocument),
      invoice: (d) => this.actFlow.receive(d as ReceivedDocument),
      'medical-programme': (d) => this.programmeFlow.receive(d as ReceivedDocument),
      // An act tells the clinic both what becomes payable and what counts against its patients' limits.
      'expertise-act': async (d) => {
        await this.paymentFlow.receiveAct(d as ReceivedDocument);
        return this.programmeFlow.onAct(d as ReceivedDocument);
      },
      'payment-notice': (d) => this.paymentFlow.receiveNotice(d as ReceivedDocument),
      'reconciliation-statement': (d) => this.reconciliationFlow.receive(d as ReceivedDocument),
      'care-request': (d) => this.careRequests.receiveRequest(d as ReceivedDocument),
      appointment: (d) => this.careRequests.receiveAppointment(d as ReceivedDocument),
      'medical-documentation': (d) => this.documentation.receiveAnswer(d as ReceivedDocument),
      'prior-auth-request': (d) => this.priorAuth.receiveRequest(d as ReceivedDocument),
      'prior-auth-response': (d) => this.priorAuth.receiveResponse(d as ReceivedDocument),
    };
  }

  /** Follows the node's durable notifications (from a stored cursor) for what the insurer learns from answers. */
  async start(): Promise<void> {
    await this.rosterFlow.start();
    await this.figures.start();
  }

  // ---- insured lists and coverage -----------------------------------------------------------------------------

  /** Who covers the person on the date; with `services`, an answer per service from the programmes held. */
  async coverage(query: CoverageQuery & { services?: string[] }) {
    const answer = await this.rosterFlow.coverage(query);
    if (!query.services) return answer;
    return {
      ...answer,
      services: await serviceAnswers(
        this.programmeFlow.programmes,
        answer.coverage,
        query.services,
        answer.date,
      ),
    };
  }

  // ---- ДМС programmes -----------------------------------------------------------------------------------------

  /** The programme versions held: at a clinic, received from `peer` (an insurer); at an insurer, accepted by it. */
  programmes(peer?: string) {
    return this.programmeFlow.programmes.list(peer);
  }

  /** A page of this node's own roster (a clinic's) or of a clinic's copy (an insurer's), filtered. */
  rosterPage(query: RosterPageQuery) {
    return this.rosterFlow.page(query);
  }

  importCompletion(): ImportCompletion {
    return this.rosterFlow.importCompletion();
  }

  // ---- guarantee letters --------------------------------------------------------------------------------------

  letters(policy: string): Promise<LetterState[]> {
    return this.letterFlow.byPolicy(policy);
  }

  letterPage(query: LetterPageQuery) {
    return this.letterFlow.page(query);
  }

  /** Records a letter's state (also how an insurer imports letters issued before it joined). */
  saveLetter(s: LetterState): Promise<void> {
    return this.letterFlow.save(s);
  }

  issueLetter(
    input: IssueLetterInput,
    status: 'issued' | 'amended' | 'revoked' = 'issued',
    corrects?: string,
  ) {
    return this.letterFlow.issue(input, status, corrects);
  }

  changeLetter(letterNumber: string, status: 'amended' | 'revoked', input?: IssueLetterInput) {
    return this.letterFlow.change(letterNumber, status, input);
  }

  // ---- price lists --------------------------------------------------------------------------------------------

  /** Records a price list's state (also how an insurer imports the versions it agreed before joining). */
  savePriceList(s: PriceListState): Promise<void> {
    return this.priceListFlow.save(s);
  }

  priceLists(clinic: string): Promise<PriceListState[]> {
    return this.priceListFlow.ofClinic(clinic);
  }

  decidePriceList(
    documentId: string,
    decision: 'ACCEPTED' | 'CONTESTED',
    o: { errors?: FieldError[]; comment?: string } = {},
  ) {
    return this.priceListFlow.decide(documentId, decision, o);
  }

  /** The accepted version in force on a date: it prices a guarantee letter or an invoice line of that date. */
  priceListAtFrom(lists: readonly PriceListState[]) {
    return priceListInForce(lists);
  }

  // ---- invoices and expertise acts ----------------------------------------------------------------------------

  draftAct(invoiceId: string, clinic: string, invoice: InvoiceBody): Promise<ActDraft> {
    return this.actFlow.draft(invoiceId, clinic, invoice);
  }

  act(invoiceId: string): Promise<ActDraft> {
    return this.actFlow.get(invoiceId);
  }

  /** The act with the sent act's status and the clinic's dispute, or the dispute a corrected draft answers. */
  actView(invoiceId: string): Promise<ActView> {
    return this.actFlow.view(invoiceId);
  }

  /** A new draft answering the clinic's dispute of the sent act. */
  correctAct(invoiceId: string): Promise<ActView> {
    return this.actFlow.correct(invoiceId);
  }

  editAct(invoiceId: string, edits: ActLineEdit[]) {
    return this.actFlow.edit(invoiceId, edits);
  }

  sendAct(ref: string, expert?: { name: string; snils?: string }) {
    return this.actFlow.send(ref, expert);
  }

  // ---- payments -----------------------------------------------------------------------------------------------

  /** The payer records a payment order against a received invoice and sends the clinic its notice. */
  pay(input: PaymentInput) {
    return this.paymentFlow.pay(input);
  }

  paymentState(invoiceId: string): Promise<PaymentState> {
    return this.paymentFlow.state(invoiceId);
  }

  paymentStates(query: PaymentQuery = {}): Promise<PaymentState[]> {
    return this.paymentFlow.states(query);
  }

  /** A participant as an export names it: from the directory, its ОГРН alone when the directory does not answer. */
  private async side(id: string): Promise<Side> {
    const p = await this.node.participant(id).catch(() => undefined);
    return { id, name: p?.name ?? id, ...(p?.inn ? { inn: p.inn } : {}) };
  }

  /** The payment orders of a period (by their dates) as a 1CClientBankExchange file. */
  async paymentsOneC(q: { from: string; to: string; account: string }): Promise<Buffer> {
    const states = await this.paymentFlow.states();
    const ids = [...new Set(states.flatMap((s) => [s.payer, s.clinic]))];
    const sides = new Map(await Promise.all(ids.map(async (id) => [id, await this.side(id)] as const)));
    return paymentsOneC(
      states,
      (id) => sides.get(id) ?? { id, name: id },
      q,
      q.account,
      this.node.participantId,
    );
  }

  // ---- reconciliation statements ------------------------------------------------------------------------------

  reconcile(input: ReconcileInput) {
    return this.reconciliationFlow.reconcile(input);
  }

  reconciliation(id: string) {
    return this.reconciliationFlow.get(id);
  }

  async reconciliationXlsx(id: string): Promise<{ name: string; bytes: Buffer }> {
    const r = await this.reconciliationFlow.get(id);
    const bytes = await reconciliationXlsx(
      r,
      await this.side(this.node.participantId),
      await this.side(r.counterparty),
    );
    return { name: `reconciliation-${r.statementId}`.replace(/[^A-Za-z0-9._-]/g, '_') + '.xlsx', bytes };
  }
}
