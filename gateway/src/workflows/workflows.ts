import type { FieldError } from '@dmsnet/formats/errors';
import type { InvoiceBody } from '@dmsnet/formats/types';
import type { ImportCompletion } from '../adapters/conversion.js';
import type { DocumentHandler, GatewayNode } from '../node/index.js';
import { ActFlow, type ActDraft, type ActLineEdit, type ActView } from './act-flow.js';
import { CareRequestFlow, type CareDeadlineTerms } from './care-request-flow.js';
import type { ReceivedDocument } from './flow-state.js';
import { LetterFlow, type IssueLetterInput, type LetterPageQuery, type LetterState } from './letter-flow.js';
import { PriceListFlow, priceListInForce, type PriceListState } from './price-list-flow.js';
import { RosterFlow, type CoverageQuery, type RosterPageQuery } from './roster-flow.js';
import type { Contract, Roster } from './roster.js';

export type { ActDraft, ActView, IssueLetterInput, LetterState, PriceListState };

/**
 * The edge workflows of one participant (the flows of docs/architecture.md): what its gateway does with documents
 * beyond carrying them. One front over the flows, each in a module of its own with its state: insured lists and
 * coverage (roster-flow), guarantee letters (letter-flow), price lists (price-list-flow), invoices and expertise acts
 * (act-flow), care requests and appointments (care-request-flow). The routes, the node and the sandbox call this front; the flows call each other only where one reads
 * another's state (letters and acts are priced from the price lists).
 */
export class Workflows {
  private readonly rosterFlow: RosterFlow;
  private readonly priceListFlow: PriceListFlow;
  private readonly letterFlow: LetterFlow;
  private readonly actFlow: ActFlow;
  /** Care requests and appointments (decision record 0047): their routes call the flow directly. */
  readonly careRequests: CareRequestFlow;

  constructor(
    readonly node: GatewayNode,
    readonly options: { role: string; contracts?: Contract[]; careDeadlines?: CareDeadlineTerms },
  ) {
    this.rosterFlow = new RosterFlow(node, options);
    this.priceListFlow = new PriceListFlow(node, options);
    this.letterFlow = new LetterFlow(node, options, this.priceListFlow);
    this.actFlow = new ActFlow(node, options, this.priceListFlow);
    this.careRequests = new CareRequestFlow(node, options);
  }

  /** This node's own roster (a clinic's). */
  get roster(): Roster {
    return this.rosterFlow.roster;
  }

  /** Handlers the node calls for each received, verified, valid document. */
  handlers(): Record<string, DocumentHandler> {
    return {
      'insured-list': (d) => this.rosterFlow.receive(d as ReceivedDocument),
      'guarantee-letter': (d) => this.letterFlow.receive(d as ReceivedDocument),
      'price-list': (d) => this.priceListFlow.receive(d as ReceivedDocument),
      invoice: (d) => this.actFlow.receive(d as ReceivedDocument),
      'care-request': (d) => this.careRequests.receiveRequest(d as ReceivedDocument),
      appointment: (d) => this.careRequests.receiveAppointment(d as ReceivedDocument),
    };
  }

  /** Follows the node's durable notifications (from a stored cursor) for what the insurer learns from answers. */
  start(): Promise<void> {
    return this.rosterFlow.start();
  }

  // ---- insured lists and coverage -----------------------------------------------------------------------------

  coverage(query: CoverageQuery) {
    return this.rosterFlow.coverage(query);
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
}
