// Guarantee-letter requests, i.e. prior authorisation (decision record 0054): the clinic asks its payer for a letter
// for services the programme covers only with one, priced from the price list the payer accepted; the payer issues
// the letter (X12 278 A1), refuses (A3) or pends for more information (A4), and the clinic answers a pend with a new
// version. Both gateways keep the case, ordered by whichever side's clock is running.
import { createHash, randomBytes } from 'node:crypto';
import { messageIdOf, parseMessageId } from '@dmsnet/formats';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import type {
  CareUrgency,
  Person,
  PriceListBody,
  PriorAuthRequestBody,
  PriorAuthResponseBody,
  Programme,
} from '@dmsnet/formats/types';
import { deadlinePage } from './deadline-page.js';
import { deadlineWithinTerms } from './deadline-terms.js';
import type { GatewayNode } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import type { CareDeadlineMinutes, CareDeadlineTerms } from './care-request-flow.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  isPayer,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import type { LetterFlow } from './letter-flow.js';
import { priceListInForce } from './price-list-flow.js';

/**
 * The case in X12 278 / Da Vinci PAS words: submitted (the payer's turn), pended (A4, the clinic's turn), certified
 * (A1, a letter was issued), not-certified (A3, refused), withdrawn (the clinic took the request back).
 */
export type PriorAuthState = 'submitted' | 'pended' | 'certified' | 'not-certified' | 'withdrawn';

/** Emergency care within the hour, urgent within four, planned within two days: the payer's side of the clock. */
export const DEFAULT_PRIOR_AUTH_DEADLINES: CareDeadlineMinutes = Object.freeze({
  emergency: 60,
  urgent: 240,
  planned: 2880,
});

export interface PriorAuthStep {
  at: string;
  state: PriorAuthState;
  by: 'clinic' | 'payer';
  documentId: string;
}

export interface PriorAuthCase {
  requestNumber: string;
  clinic: string;
  /** The insurer or assistance company asked. */
  payer: string;
  state: PriorAuthState;
  /** The payer answers before this moment. */
  respondBy: string;
  /** Whose clock runs and until when: respondBy while submitted, the pend's informationDueBy while pended. */
  dueAt: string;
  requestId: string;
  request: PriorAuthRequestBody;
  responseId?: string;
  response?: PriorAuthResponseBody;
  /** The letter that certified the request. */
  letterId?: string;
  letterNumber?: string;
  updatedAt: string;
  history: PriorAuthStep[];
}

export interface NewPriorAuthRequest {
  payer: string;
  requestNumber: string;
  urgency: CareUrgency;
  insurer?: string;
  patient: Person;
  programme?: Programme;
  diagnosis: string;
  justification: string;
  plannedPeriod?: { from: string; to: string };
  services: Array<{ serviceCode: string; quantity: number }>;
  attachmentsToFollow?: string;
  comment?: string;
}

/** The clinic's answer to a pend (or a correction before the payer decided): a new version of the request. */
export interface PriorAuthInformation {
  additionalInformation: string;
  justification?: string;
  services?: Array<{ serviceCode: string; quantity: number }>;
  attachmentsToFollow?: string;
}

export interface PriorAuthCertify {
  letterNumber: string;
  validity?: { from: string; to: string };
  amountLimit?: number;
}

export interface PriorAuthPend {
  informationWanted: string;
  informationDueBy?: string;
  comment?: string;
}

export interface PriorAuthPageQuery {
  state?: string;
  overdue?: string;
  counterparty?: string;
  limit?: string;
  cursor?: string;
}

const FINAL = new Set<PriorAuthState>(['certified', 'not-certified', 'withdrawn']);

const caseKey = (clinic: string, number: string) => `pa${KEY_SEPARATOR}${clinic}${KEY_SEPARATOR}${number}`;
/** Nearest deadline first: ISO instants in UTC sort as text. */
const dueKey = (c: Pick<PriorAuthCase, 'dueAt' | 'clinic' | 'requestNumber'>) =>
  `pdl${KEY_SEPARATOR}${c.dueAt}${KEY_SEPARATOR}${c.clinic}${KEY_SEPARATOR}${c.requestNumber}`;
/** A request version's documentId leads to its case: a letter names the request only by it. */
const versionKey = (clinic: string, documentId: string) =>
  `pav${KEY_SEPARATOR}${clinic}${KEY_SEPARATOR}${documentId}`;

const utc = (instant: string) => new Date(instant).toISOString();

/** Is someone late? The payer while the case is submitted, the clinic while it is pended. */
export const isPriorAuthOverdue = (c: PriorAuthCase, now = Date.now()) =>
  (c.state === 'submitted' || c.state === 'pended') && Date.parse(c.dueAt) < now;

const refused = (code: 'PA_TRANSITION_INVALID', c: PriorAuthCase, step: string) =>
  new DmsnetError(code, `request ${c.requestNumber} is ${c.state}; it cannot be ${step}`, [
    { pointer: '/body/status', code, message: `the request is ${c.state}; ${step} is not a step from there` },
  ]);

const foreign = (message: string): HandlerOutcome => ({
  action: 'reject',
  errors: [{ pointer: '/header/replyToId', code: 'PA_ANSWER_FOREIGN', message }],
});

export class PriorAuthFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string; priorAuthDeadlines?: CareDeadlineTerms },
    private readonly letters: LetterFlow,
  ) {}

  /** The minutes a payer has to answer at this urgency: its terms in the node's configuration, else ours. */
  deadlineMinutes(payer: string, urgency: CareUrgency): number {
    const terms = this.options.priorAuthDeadlines;
    return (
      terms?.byInsurer?.[payer]?.[urgency] ??
      terms?.default?.[urgency] ??
      DEFAULT_PRIOR_AUTH_DEADLINES[urgency]
    );
  }

  async get(clinic: string, number: string): Promise<PriorAuthCase> {
    const c = await this.node.store.get<PriorAuthCase>(WORKFLOW_SUBLEVEL, caseKey(clinic, number));
    if (!c || (c.payer !== this.node.participantId && c.clinic !== this.node.participantId))
      throw new DmsnetError('NOT_FOUND', `no guarantee-letter request ${number} of ${clinic} here`);
    return c;
  }

  /** The cases held here, nearest deadline first, filtered while walking; a page is the next `limit` matches. */
  page(
    query: PriorAuthPageQuery,
  ): Promise<{ items: Array<PriorAuthCase & { overdue: boolean }>; nextCursor?: string }> {
    return deadlinePage(this.node, {
      prefix: 'pdl',
      list: 'prior-auth-requests',
      query,
      isOverdue: isPriorAuthOverdue,
    });
  }

  // ---- the clinic's side --------------------------------------------------------------------------------------

  async create(input: NewPriorAuthRequest) {
    this.mustBe('clinic');
    const me = this.node.participantId;
    if (await this.node.store.get(WORKFLOW_SUBLEVEL, caseKey(me, input.requestNumber)))
      throw new DmsnetError('PA_REQUEST_EXISTS', `request ${input.requestNumber} was sent already`, [
        {
          pointer: '/body/requestNumber',
          code: 'PA_REQUEST_EXISTS',
          message: 'this number is taken by an earlier request',
        },
      ]);
    const on = input.plannedPeriod?.from ?? today();
    const lines = await this.priced(input.payer, on, input.services);
    const body: PriorAuthRequestBody = {
      requestNumber: input.requestNumber,
      requestDate: today(),
      status: 'active',
      urgency: input.urgency,
      respondBy: this.respondBy(input.payer, input.urgency),
      ...(input.insurer ? { insurer: { ogrn: input.insurer } } : {}),
      patient: input.patient,
      ...(input.programme ? { programme: input.programme } : {}),
      diagnosis: input.diagnosis,
      justification: input.justification,
      ...(input.plannedPeriod ? { plannedPeriod: input.plannedPeriod } : {}),
      currency: 'RUB',
      totalAmount: lines.reduce((t, l) => t + l.amount, 0),
      lines,
      ...(input.attachmentsToFollow ? { attachmentsToFollow: input.attachmentsToFollow } : {}),
      ...(input.comment ? { comment: input.comment } : {}),
    };
    return this.sendRequest(undefined, input.payer, body);
  }

  /** The information a pend asked for (or a correction while the payer has not decided): the payer's clock restarts. */
  async supply(clinic: string, number: string, input: PriorAuthInformation) {
    this.mustBe('clinic');
    const c = await this.get(clinic, number);
    if (FINAL.has(c.state)) throw refused('PA_TRANSITION_INVALID', c, 'answered with more information');
    const lines = input.services
      ? await this.priced(c.payer, c.request.plannedPeriod?.from ?? today(), input.services)
      : c.request.lines;
    const body: PriorAuthRequestBody = {
      ...c.request,
      ...(input.justification ? { justification: input.justification } : {}),
      ...(input.attachmentsToFollow ? { attachmentsToFollow: input.attachmentsToFollow } : {}),
      additionalInformation: input.additionalInformation,
      requestDate: today(),
      respondBy: this.respondBy(c.payer, c.request.urgency),
      lines,
      totalAmount: lines.reduce((t, l) => t + l.amount, 0),
    };
    return this.sendRequest(c, c.payer, body);
  }

  async withdraw(clinic: string, number: string, reason: string) {
    this.mustBe('clinic');
    const c = await this.get(clinic, number);
    if (FINAL.has(c.state)) throw refused('PA_TRANSITION_INVALID', c, 'withdrawn');
    return this.sendRequest(c, c.payer, { ...c.request, status: 'revoked', cancellationReason: reason });
  }

  /** The payer's refusal or pend reached the clinic: the case takes it, unless it answers no request of ours. */
  async receiveResponse(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string }; replyToId?: string };
    const r = doc.body as unknown as PriorAuthResponseBody;
    const c = await this.answered(h);
    if (!c || c.requestNumber !== r.requestNumber)
      return foreign('answers no guarantee-letter request of this number sent by this clinic to this payer');
    const state: PriorAuthState = r.reviewAction === 'pended' ? 'pended' : 'not-certified';
    // An answer that crossed the clinic's withdrawal on the way is kept in the trail but changes nothing.
    const applies = !FINAL.has(c.state);
    const at = new Date().toISOString();
    await this.save(c, {
      ...c,
      ...(applies
        ? {
            state,
            response: r,
            responseId: h.documentId,
            ...(r.informationDueBy ? { dueAt: utc(r.informationDueBy) } : {}),
          }
        : {}),
      updatedAt: at,
      history: [...c.history, { at, state, by: 'payer', documentId: h.documentId }],
    });
    return { action: 'accept', comment: `запрос ${r.requestNumber}: ${applies ? state : c.state}` };
  }

  /**
   * A guarantee letter reached the clinic. One naming a request (header.replyToId) certifies that request; one naming
   * something that is no request of this clinic to this payer is refused. A letter naming nothing is not ours.
   */
  async receiveLetter(doc: ReceivedDocument): Promise<HandlerOutcome | undefined> {
    if (this.options.role !== 'clinic') return undefined;
    const h = doc.header as { documentId: string; sender: { ogrn: string }; replyToId?: string };
    if (!h.replyToId) return undefined;
    const c = await this.answered(h);
    if (!c) return foreign('the letter names no guarantee-letter request this clinic sent to this payer');
    const letterNumber = String((doc.body as { letterNumber?: unknown }).letterNumber);
    const applies = !FINAL.has(c.state);
    const at = new Date().toISOString();
    await this.save(c, {
      ...c,
      ...(applies ? { state: 'certified' as const, letterId: h.documentId, letterNumber } : {}),
      updatedAt: at,
      history: [...c.history, { at, state: 'certified', by: 'payer', documentId: h.documentId }],
    });
    return undefined;
  }

  // ---- the payer's side ---------------------------------------------------------------------------------------

  /** A request or its new version reached the payer: the case opens, returns to the payer, or ends. */
  async receiveRequest(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (!isPayer(this.options.role)) return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string } };
    const r = doc.body as unknown as PriorAuthRequestBody;
    const clinic = h.sender.ogrn;
    const before = await this.node.store.get<PriorAuthCase>(
      WORKFLOW_SUBLEVEL,
      caseKey(clinic, r.requestNumber),
    );
    const state: PriorAuthState =
      r.status === 'revoked' ? 'withdrawn' : before && FINAL.has(before.state) ? before.state : 'submitted';
    const at = new Date().toISOString();
    // This payer's terms (its priorAuthDeadlines, for the insurer it answers for) bound what the clinic asks for.
    const respondBy = deadlineWithinTerms(
      r.respondBy,
      Date.parse(at),
      this.deadlineMinutes(r.insurer?.ogrn ?? this.node.participantId, r.urgency),
    );
    await this.save(before, {
      ...(before ?? {}),
      requestNumber: r.requestNumber,
      clinic,
      payer: this.node.participantId,
      state,
      respondBy,
      dueAt: respondBy,
      requestId: h.documentId,
      request: r,
      updatedAt: at,
      history: [...(before?.history ?? []), { at, state, by: 'clinic', documentId: h.documentId }],
    });
    return { action: 'accept', comment: `запрос гарантийного письма ${r.requestNumber} получен` };
  }

  /** A1: the payer issues the letter the request asks for; the letter names the request it answers. */
  async certify(clinic: string, number: string, input: PriorAuthCertify) {
    this.mustBe('payer');
    const c = await this.get(clinic, number);
    if (FINAL.has(c.state)) throw refused('PA_TRANSITION_INVALID', c, 'certified');
    const from = c.request.plannedPeriod?.from ?? today();
    const sent = await this.letters.issue(
      {
        clinic,
        letterNumber: input.letterNumber,
        patient: c.request.patient,
        ...(c.request.programme ? { programme: c.request.programme } : {}),
        validity: input.validity ?? c.request.plannedPeriod ?? { from, to: addDays(from, 30) },
        amountLimit: input.amountLimit ?? c.request.totalAmount,
        services: c.request.lines.map((l) => ({ serviceCode: l.serviceCode, quantity: l.quantity })),
        diagnosis: c.request.diagnosis,
        reason: `По запросу клиники № ${c.requestNumber}`,
      },
      'issued',
      undefined,
      c.requestId,
    );
    const at = new Date().toISOString();
    const documentId = parseMessageId(sent.record.messageId)?.documentId as string;
    const next: PriorAuthCase = {
      ...c,
      state: 'certified',
      letterId: documentId,
      letterNumber: input.letterNumber,
      updatedAt: at,
      history: [...c.history, { at, state: 'certified', by: 'payer', documentId }],
    };
    await this.save(c, next);
    return { record: sent.record, case: next };
  }

  /** A3: the payer refuses with its reason. */
  async refuse(clinic: string, number: string, reason: string) {
    const c = await this.get(clinic, number);
    return this.respond(c, { requestNumber: number, reviewAction: 'not-certified', reason });
  }

  /** A4: the payer wants more information by a date (by default as long as it had to answer). */
  async pend(clinic: string, number: string, input: PriorAuthPend) {
    const c = await this.get(clinic, number);
    const due =
      input.informationDueBy ??
      new Date(Date.now() + this.deadlineMinutes(c.payer, c.request.urgency) * 60_000).toISOString();
    return this.respond(c, {
      requestNumber: number,
      reviewAction: 'pended',
      informationWanted: input.informationWanted,
      informationDueBy: due,
      ...(input.comment ? { comment: input.comment } : {}),
    });
  }

  // ---- both ---------------------------------------------------------------------------------------------------

  private mustBe(side: 'payer' | 'clinic') {
    if ((side === 'payer') !== isPayer(this.options.role))
      throw new DmsnetError(
        'FORBIDDEN_ROLE',
        side === 'payer'
          ? 'only an insurer or an assistance company answers a guarantee-letter request'
          : 'only a clinic asks for a guarantee letter',
      );
  }

  private respondBy(payer: string, urgency: CareUrgency): string {
    return new Date(Date.now() + this.deadlineMinutes(payer, urgency) * 60_000).toISOString();
  }

  /** The case a received answer names: a version of a request this clinic sent to the answer's sender. */
  private async answered(h: { sender: { ogrn: string }; replyToId?: string }) {
    if (!h.replyToId) return undefined;
    const me = this.node.participantId;
    const ref = await this.node.store.get<string>(WORKFLOW_SUBLEVEL, versionKey(me, h.replyToId));
    const c = ref ? await this.node.store.get<PriorAuthCase>(WORKFLOW_SUBLEVEL, ref) : undefined;
    return c && c.clinic === me && c.payer === h.sender.ogrn ? c : undefined;
  }

  /**
   * Lines priced from the price list this payer accepted, in force on the planned day: the clinic's own sent price
   * lists with the payer's acceptance on the ledger.
   */
  private async priced(
    payer: string,
    on: string,
    services: Array<{ serviceCode: string; quantity: number }>,
  ): Promise<PriorAuthRequestBody['lines']> {
    const accepted = await this.node.listOutbox({
      type: 'price-list',
      counterparty: payer,
      status: 'ACCEPTED',
      limit: 500,
    });
    const lists = [];
    for (const r of accepted.items) {
      const doc = (await this.node.getDocument(r.messageId)).document as
        { header: { documentId: string }; body: PriceListBody } | undefined;
      if (doc)
        lists.push({
          documentId: doc.header.documentId,
          clinic: this.node.participantId,
          state: 'ACCEPTED' as const,
          priceList: doc.body,
        });
    }
    const list = priceListInForce(lists)(on);
    const documentId = lists.find((l) => l.priceList === list)?.documentId;
    const errors: FieldError[] = [];
    const lines = services.map((s, i) => {
      const at = list ? list.lines.findIndex((l) => l.serviceCode === s.serviceCode) : -1;
      const row = list?.lines[at];
      if (!row)
        errors.push({
          pointer: `/body/services/${i}/serviceCode`,
          code: 'PA_NOT_PRICED',
          message: list
            ? 'not in the price list this payer accepted'
            : 'this payer has accepted no price list in force on that day',
        });
      const price = row?.price ?? 0;
      return {
        rowId: String(i + 1),
        serviceCode: s.serviceCode,
        ...(row?.clinicServiceCode ? { clinicServiceCode: row.clinicServiceCode } : {}),
        ...(row?.name ? { name: row.name } : {}),
        quantity: s.quantity,
        unitPrice: price,
        amount: price * s.quantity,
        ...(documentId ? { priceListRef: { documentId, ...(row?.rowId ? { rowId: row.rowId } : {}) } } : {}),
      };
    });
    if (errors.length)
      throw new DmsnetError('PA_NOT_PRICED', `${errors.length} service(s) cannot be priced`, errors);
    return lines;
  }

  private async sendRequest(before: PriorAuthCase | undefined, payer: string, body: PriorAuthRequestBody) {
    const me = this.node.participantId;
    const documentId = this.documentId('PA', body.requestNumber);
    const record = await this.node.send({
      header: {
        documentId,
        type: 'prior-auth-request',
        formatVersion: '1',
        sender: { ogrn: me },
        addressee: { ogrn: payer },
        createdAt: new Date().toISOString(),
        ...(before ? { correctsId: before.requestId } : {}),
      },
      body,
    });
    const state: PriorAuthState = body.status === 'revoked' ? 'withdrawn' : 'submitted';
    const at = new Date().toISOString();
    const next: PriorAuthCase = {
      ...(before ?? {}),
      requestNumber: body.requestNumber,
      clinic: me,
      payer,
      state,
      respondBy: utc(body.respondBy),
      dueAt: utc(body.respondBy),
      requestId: documentId,
      request: body,
      updatedAt: at,
      history: [...(before?.history ?? []), { at, state, by: 'clinic', documentId }],
    };
    await this.save(before, next, [
      {
        type: 'put',
        sublevel: WORKFLOW_SUBLEVEL,
        key: versionKey(me, documentId),
        value: caseKey(me, body.requestNumber),
      },
    ]);
    return { record, case: next };
  }

  private async respond(c: PriorAuthCase, r: PriorAuthResponseBody) {
    this.mustBe('payer');
    // A pend asks the clinic something before a decision; after a pend the payer decides.
    const from: readonly PriorAuthState[] =
      r.reviewAction === 'pended' ? ['submitted'] : ['submitted', 'pended'];
    if (!from.includes(c.state)) throw refused('PA_TRANSITION_INVALID', c, r.reviewAction);
    const documentId = this.documentId('PR', c.requestNumber);
    const record = await this.node.send({
      header: {
        documentId,
        type: 'prior-auth-response',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: c.clinic },
        createdAt: new Date().toISOString(),
        replyToId: c.requestId,
      },
      body: r,
    });
    const state: PriorAuthState = r.reviewAction === 'pended' ? 'pended' : 'not-certified';
    const at = new Date().toISOString();
    const next: PriorAuthCase = {
      ...c,
      state,
      response: r,
      responseId: documentId,
      ...(r.informationDueBy ? { dueAt: utc(r.informationDueBy) } : {}),
      updatedAt: at,
      history: [...c.history, { at, state, by: 'payer', documentId }],
    };
    await this.save(c, next);
    return { record, case: next };
  }

  /** A fresh id per version, carrying a digest of the (mostly Cyrillic) number rather than a mangled copy. */
  private documentId(prefix: string, number: string): string {
    const digest = createHash('sha256').update(number).digest('hex').slice(0, 12);
    return `${prefix}-${digest}-${Date.now()}-${randomBytes(3).toString('hex')}`;
  }

  /**
   * The case and its place in the deadline order in one batch, with a prior-auth.changed notification when its state
   * moved, so SSE and webhooks carry every step.
   */
  private async save(
    before: PriorAuthCase | undefined,
    next: PriorAuthCase,
    extra: readonly BatchOp[] = [],
  ): Promise<void> {
    const ops: BatchOp[] = [...extra];
    if (before && dueKey(before) !== dueKey(next))
      ops.push({ type: 'del', sublevel: WORKFLOW_SUBLEVEL, key: dueKey(before) });
    const key = caseKey(next.clinic, next.requestNumber);
    ops.push(
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key, value: next },
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: dueKey(next), value: key },
    );
    const last = next.history[next.history.length - 1];
    await this.node.notify(
      {
        kind: 'prior-auth.changed',
        messageId: messageIdOf(last.by === 'clinic' ? next.clinic : next.payer, last.documentId),
        documentType: 'prior-auth-request',
        sender: next.clinic,
        addressee: next.payer,
        status: next.state,
        reason: `запрос ${next.requestNumber}: ${next.state}`,
      },
      ops,
    );
  }
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
