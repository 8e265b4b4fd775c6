// Care requests and appointments (decision record 0047): the payer asks a clinic to organise care, the clinic books a
// visit or declines, either side cancels or moves it, and the visit or the no-show closes the case. Both gateways keep
// the case in FHIR Appointment's words, ordered by the deadline the request carries.
import { createHash, randomBytes } from 'node:crypto';
import { DmsnetError } from '@dmsnet/formats/errors';
import type { AppointmentBody, CareRequestBody, CareUrgency, Person, Programme } from '@dmsnet/formats/types';
import { deadlinePage } from './deadline-page.js';
import { deadlineWithinTerms } from './deadline-terms.js';
import { impliedPrincipal } from '../node/delegations.js';
import type { GatewayNode } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import type { CareQuery } from './care-shapes.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  isPayer,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';

/** FHIR Appointment.status, with AppointmentResponse's `declined` for the clinic's refusal. */
export type CareState = 'proposed' | 'booked' | 'declined' | 'cancelled' | 'fulfilled' | 'noshow';

/** Minutes the clinic has to answer, by urgency. */
export type CareDeadlineMinutes = Record<CareUrgency, number>;

/** The node's `careDeadlines`: the defaults, and an insurer's own terms by its ОГРН. */
export interface CareDeadlineTerms {
  default?: Partial<CareDeadlineMinutes>;
  byInsurer?: Record<string, Partial<CareDeadlineMinutes>>;
}

/** Emergency care within a quarter of an hour, urgent within the hour (issue 24), planned the next day. */
export const DEFAULT_CARE_DEADLINES: CareDeadlineMinutes = Object.freeze({
  emergency: 15,
  urgent: 60,
  planned: 1440,
});

export interface CareStep {
  at: string;
  state: CareState;
  by: 'payer' | 'clinic';
  documentId: string;
}

export interface CareCase {
  requestNumber: string;
  /** The insurer or assistance company that sent the request. */
  payer: string;
  clinic: string;
  /** The insurer whose insured the patient is: the payer itself unless an assistance company names it. */
  insurer: string;
  /** The insurer the payer acts for on the ledger (the header's `onBehalfOf`), carried by every version it sends. */
  onBehalfOf?: string;
  state: CareState;
  respondBy: string;
  /** The latest version of the request and its document id (the one an appointment answers). */
  requestId: string;
  request: CareRequestBody;
  appointmentId?: string;
  appointment?: AppointmentBody;
  updatedAt: string;
  history: CareStep[];
}

export interface NewCareRequest {
  clinic: string;
  requestNumber: string;
  urgency: CareUrgency;
  patient: Person;
  insurer?: string;
  /** An assistance company: the insurer it sends for; absent, the gateway finds it in the delegations it holds. */
  onBehalfOf?: string;
  programme?: Programme;
  contactPhone?: string;
  complaint: string;
  diagnosis?: string;
  specialty?: string;
  services?: Array<{ serviceCode: string; name?: string; quantity?: number }>;
  wishedPeriod?: { from: string; to: string };
  wishedTime?: string;
  guaranteeLetter?: { letterNumber: string; documentId?: string };
  letterToFollow?: boolean;
  comment?: string;
}

/** The payer's new wishes for an open case: other dates, time, services or urgency. */
export type CareRequestChange = Partial<
  Pick<
    NewCareRequest,
    | 'urgency'
    | 'complaint'
    | 'specialty'
    | 'services'
    | 'wishedPeriod'
    | 'wishedTime'
    | 'guaranteeLetter'
    | 'letterToFollow'
    | 'comment'
  >
>;

export interface Booking {
  start: string;
  end?: string;
  doctor: { name: string; specialty?: string; snils?: string };
  address: string;
  instructions?: string;
  comment?: string;
}

export type CarePageQuery = CareQuery;

/** The states after which nothing changes the case. */
const FINAL = new Set<CareState>(['cancelled', 'fulfilled', 'noshow']);

/** Which appointment status may follow which case state (the clinic's steps). */
const CLINIC_STEPS: Record<AppointmentBody['status'], readonly CareState[]> = {
  booked: ['proposed', 'booked'],
  declined: ['proposed'],
  cancelled: ['proposed', 'booked'],
  fulfilled: ['booked'],
  noshow: ['booked'],
};

const caseKey = (payer: string, number: string) => `care${KEY_SEPARATOR}${payer}${KEY_SEPARATOR}${number}`;
/** Nearest deadline first: ISO instants in UTC sort as text. */
const deadlineKey = (c: Pick<CareCase, 'respondBy' | 'payer' | 'requestNumber'>) =>
  `cdl${KEY_SEPARATOR}${c.respondBy}${KEY_SEPARATOR}${c.payer}${KEY_SEPARATOR}${c.requestNumber}`;

const utc = (instant: string) => new Date(instant).toISOString();

/** Is the clinic late with its answer? Only a case still waiting for one can be. */
export const isOverdue = (c: CareCase, now = Date.now()) =>
  c.state === 'proposed' && Date.parse(c.respondBy) < now;

const transitionRefused = (c: CareCase, step: string) =>
  new DmsnetError(
    'CARE_TRANSITION_INVALID',
    `care request ${c.requestNumber} is ${c.state}; it cannot be ${step}`,
    [
      {
        pointer: '/body/status',
        code: 'CARE_TRANSITION_INVALID',
        message: `the case is ${c.state}; ${step} is not a step from there`,
      },
    ],
  );

export class CareRequestFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string; careDeadlines?: CareDeadlineTerms },
  ) {}

  /** The minutes an insurer gives a clinic to answer at this urgency: its own terms, else the node's, else ours. */
  deadlineMinutes(insurer: string, urgency: CareUrgency): number {
    const terms = this.options.careDeadlines;
    return (
      terms?.byInsurer?.[insurer]?.[urgency] ?? terms?.default?.[urgency] ?? DEFAULT_CARE_DEADLINES[urgency]
    );
  }

  async get(payer: string, number: string): Promise<CareCase> {
    const c = await this.node.store.get<CareCase>(WORKFLOW_SUBLEVEL, caseKey(payer, number));
    if (!c || (c.payer !== this.node.participantId && c.clinic !== this.node.participantId))
      throw new DmsnetError('NOT_FOUND', `no care request ${number} of ${payer} here`);
    return c;
  }

  /**
   * The cases held here, nearest deadline first, filtered while walking by state, counterparty and lateness; a page is
   * the next `limit` matches.
   */
  page(
    query: CarePageQuery,
  ): Promise<{ items: Array<CareCase & { overdue: boolean }>; nextCursor?: string }> {
    return deadlinePage(this.node, { prefix: 'cdl', list: 'care-requests', query, isOverdue });
  }

  // ---- the payer's side ---------------------------------------------------------------------------------------

  async create(input: NewCareRequest) {
    this.mustBe('payer');
    const me = this.node.participantId;
    if (await this.node.store.get<CareCase>(WORKFLOW_SUBLEVEL, caseKey(me, input.requestNumber)))
      throw new DmsnetError('CARE_REQUEST_EXISTS', `care request ${input.requestNumber} was sent already`, [
        {
          pointer: '/body/requestNumber',
          code: 'CARE_REQUEST_EXISTS',
          message: 'this number is taken by an earlier request',
        },
      ]);
    const { clinic, insurer: _named, onBehalfOf: _for, urgency, ...rest } = input;
    const onBehalfOf = await this.principal(input);
    const insurer = onBehalfOf ?? input.insurer ?? me;
    const body: CareRequestBody = {
      ...rest,
      requestDate: today(),
      status: 'active',
      urgency,
      respondBy: this.respondBy(insurer, urgency),
      ...(insurer !== me ? { insurer: { ogrn: insurer } } : {}),
    };
    return this.sendRequest(undefined, { clinic, insurer, body, onBehalfOf });
  }

  /**
   * The insurer an assistance company acts for (decision record 0062): the one the caller named in `onBehalfOf`, else
   * the one whose delegation in force covers a care request for this programme and policy (narrowed to `insurer`
   * when the caller named the patient's insurer). An insurer sends in its own name.
   */
  private async principal(input: NewCareRequest): Promise<string | undefined> {
    if (input.onBehalfOf !== undefined) {
      if (input.insurer !== undefined && input.insurer !== input.onBehalfOf)
        throw new DmsnetError('REQUEST_INVALID', 'insurer and onBehalfOf name different insurers', [
          {
            pointer: '/body/insurer',
            code: 'REQUEST_INVALID',
            message: 'must be the insurer named in onBehalfOf',
          },
        ]);
      return input.onBehalfOf;
    }
    if (this.options.role !== 'assistance') return undefined;
    return impliedPrincipal(this.node.directory, {
      agent: this.node.participantId,
      documentType: 'care-request',
      body: { programme: input.programme, patient: input.patient },
      at: new Date().toISOString(),
      ...(input.insurer ? { named: input.insurer } : {}),
      field: '/body/onBehalfOf',
    });
  }

  /** New wishes for a case still open: a new version of the request, and the clinic's clock starts again. */
  async change(payer: string, number: string, input: CareRequestChange) {
    this.mustBe('payer');
    const c = await this.get(payer, number);
    if (FINAL.has(c.state)) throw transitionRefused(c, 'changed');
    const urgency = input.urgency ?? c.request.urgency;
    const body: CareRequestBody = {
      ...c.request,
      ...input,
      status: 'active',
      urgency,
      requestDate: today(),
      respondBy: this.respondBy(c.insurer, urgency),
    };
    if (input.guaranteeLetter) delete body.letterToFollow;
    if (input.letterToFollow) delete body.guaranteeLetter;
    return this.sendRequest(c, { clinic: c.clinic, insurer: c.insurer, body, onBehalfOf: c.onBehalfOf });
  }

  /** Either side cancels an open case with its reason. */
  async cancel(payer: string, number: string, reason: string) {
    const c = await this.get(payer, number);
    if (FINAL.has(c.state)) throw transitionRefused(c, 'cancelled');
    if (isPayer(this.options.role)) {
      const body: CareRequestBody = { ...c.request, status: 'revoked', cancellationReason: reason };
      return this.sendRequest(c, { clinic: c.clinic, insurer: c.insurer, body, onBehalfOf: c.onBehalfOf });
    }
    return this.answer(c, {
      requestNumber: number,
      status: c.state === 'proposed' ? 'declined' : 'cancelled',
      reason,
    });
  }

  /** The clinic's answer reached the payer: the case takes its state, unless it is not this clinic's to answer. */
  async receiveAppointment(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (!isPayer(this.options.role)) return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string }; replyToId?: string };
    const a = doc.body as unknown as AppointmentBody;
    const c = await this.node.store.get<CareCase>(
      WORKFLOW_SUBLEVEL,
      caseKey(this.node.participantId, a.requestNumber),
    );
    // The ledger lets only the addressee answer a request; this is the same rule kept by the one who asked.
    const versions = new Set(c?.history.filter((s) => s.by === 'payer').map((s) => s.documentId));
    if (!c || c.clinic !== h.sender.ogrn || !h.replyToId || !versions.has(h.replyToId))
      return {
        action: 'reject',
        errors: [
          {
            pointer: '/header/replyToId',
            code: 'CARE_ANSWER_FOREIGN',
            message: 'answers no care request of this number sent to this clinic',
          },
        ],
      };
    // An answer that crossed the payer's cancellation on the way is kept in the trail but changes nothing.
    const applies = !FINAL.has(c.state) && CLINIC_STEPS[a.status].includes(c.state);
    await this.save(c, {
      ...c,
      ...(applies ? { state: a.status, appointment: a, appointmentId: h.documentId } : {}),
      history: [
        ...c.history,
        { at: new Date().toISOString(), state: a.status, by: 'clinic', documentId: h.documentId },
      ],
    });
    return {
      action: 'accept',
      comment: `заявка ${a.requestNumber}: ${applies ? a.status : `${c.state}, ответ ${a.status} не меняет её`}`,
    };
  }

  // ---- the clinic's side --------------------------------------------------------------------------------------

  /** A request or its new version reached the clinic: the case opens, changes or ends as the payer says. */
  async receiveRequest(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string }; onBehalfOf?: string };
    const r = doc.body as unknown as CareRequestBody;
    const payer = h.sender.ogrn;
    const insurer = r.insurer?.ogrn ?? payer;
    const before = await this.node.store.get<CareCase>(WORKFLOW_SUBLEVEL, caseKey(payer, r.requestNumber));
    const state: CareState =
      r.status === 'revoked' ? 'cancelled' : before && FINAL.has(before.state) ? before.state : 'proposed';
    const step: CareStep = { at: new Date().toISOString(), state, by: 'payer', documentId: h.documentId };
    const next: CareCase = {
      requestNumber: r.requestNumber,
      payer,
      clinic: this.node.participantId,
      insurer,
      // The inbox checked the delegation before this handler ran: the clinic's list names the insurer acted for.
      ...(h.onBehalfOf ? { onBehalfOf: h.onBehalfOf } : {}),
      state,
      // The insurer's terms as this clinic agreed them (its careDeadlines) bound what the sender asks for.
      respondBy: deadlineWithinTerms(r.respondBy, Date.now(), this.deadlineMinutes(insurer, r.urgency)),
      requestId: h.documentId,
      request: r,
      // The clinic's next answer corrects its last one, so the chain of appointments stays whole; the slot itself
      // is shown only while it stands.
      ...(before?.appointmentId ? { appointmentId: before.appointmentId } : {}),
      ...(before?.appointment && state !== 'proposed' ? { appointment: before.appointment } : {}),
      updatedAt: step.at,
      history: [...(before?.history ?? []), step],
    };
    await this.save(before, next);
    return { action: 'accept', comment: `заявка ${r.requestNumber} получена клиникой` };
  }

  /** The clinic gives a slot, or moves the one it gave. */
  async book(payer: string, number: string, b: Booking) {
    const c = await this.get(payer, number);
    return this.answer(c, { requestNumber: number, status: 'booked', ...b });
  }

  async decline(payer: string, number: string, reason: string) {
    const c = await this.get(payer, number);
    return this.answer(c, { requestNumber: number, status: 'declined', reason });
  }

  /** The visit took place, or the patient did not come. */
  async close(payer: string, number: string, status: 'fulfilled' | 'noshow', comment?: string) {
    const c = await this.get(payer, number);
    return this.answer(c, { requestNumber: number, status, ...(comment ? { comment } : {}) });
  }

  // ---- both ---------------------------------------------------------------------------------------------------

  private mustBe(side: 'payer' | 'clinic') {
    if ((side === 'payer') !== isPayer(this.options.role))
      throw new DmsnetError(
        'FORBIDDEN_ROLE',
        side === 'payer'
          ? 'only an insurer or an assistance company asks for care'
          : 'only a clinic answers a care request',
      );
  }

  private respondBy(insurer: string, urgency: CareUrgency): string {
    return new Date(Date.now() + this.deadlineMinutes(insurer, urgency) * 60_000).toISOString();
  }

  private async sendRequest(
    before: CareCase | undefined,
    o: { clinic: string; insurer: string; body: CareRequestBody; onBehalfOf?: string },
  ) {
    const me = this.node.participantId;
    const documentId = this.documentId('CR', o.body.requestNumber);
    const record = await this.node.send({
      header: {
        documentId,
        type: 'care-request',
        formatVersion: '1',
        sender: { ogrn: me },
        addressee: { ogrn: o.clinic },
        createdAt: new Date().toISOString(),
        ...(before ? { correctsId: before.requestId } : {}),
        // Every version of a case sent for an insurer says so: the clinic and the ledger check each one.
        ...(o.onBehalfOf ? { onBehalfOf: o.onBehalfOf } : {}),
      },
      body: o.body,
    });
    const state: CareState = o.body.status === 'revoked' ? 'cancelled' : 'proposed';
    const at = new Date().toISOString();
    const next: CareCase = {
      requestNumber: o.body.requestNumber,
      payer: me,
      clinic: o.clinic,
      insurer: o.insurer,
      ...(o.onBehalfOf ? { onBehalfOf: o.onBehalfOf } : {}),
      state,
      respondBy: utc(o.body.respondBy),
      requestId: documentId,
      request: o.body,
      // The clinic's next answer corrects its last one, so the chain of appointments stays whole; the slot itself
      // is shown only while it stands.
      ...(before?.appointmentId ? { appointmentId: before.appointmentId } : {}),
      ...(before?.appointment && state !== 'proposed' ? { appointment: before.appointment } : {}),
      updatedAt: at,
      history: [...(before?.history ?? []), { at, state, by: 'payer', documentId }],
    };
    await this.save(before, next);
    return { record, case: next };
  }

  private async answer(c: CareCase, a: AppointmentBody) {
    this.mustBe('clinic');
    if (!CLINIC_STEPS[a.status].includes(c.state)) throw transitionRefused(c, a.status);
    const documentId = this.documentId('AP', c.requestNumber);
    const record = await this.node.send({
      header: {
        documentId,
        type: 'appointment',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: c.payer },
        createdAt: new Date().toISOString(),
        replyToId: c.requestId,
        ...(c.appointmentId ? { correctsId: c.appointmentId } : {}),
      },
      body: a,
    });
    const at = new Date().toISOString();
    const next: CareCase = {
      ...c,
      state: a.status,
      appointment: a,
      appointmentId: documentId,
      updatedAt: at,
      history: [...c.history, { at, state: a.status, by: 'clinic', documentId }],
    };
    await this.save(c, next);
    return { record, case: next };
  }

  /**
   * A fresh id per version. Case numbers are mostly Cyrillic, outside the id's alphabet, so the id carries a digest
   * of the number (the same for every version of a case) rather than a mangled copy of it.
   */
  private documentId(prefix: string, number: string): string {
    const digest = createHash('sha256').update(number).digest('hex').slice(0, 12);
    return `${prefix}-${digest}-${Date.now()}-${randomBytes(3).toString('hex')}`;
  }

  /** The case and its place in the deadline order, in one batch. */
  private async save(before: CareCase | undefined, next: CareCase): Promise<void> {
    const ops: BatchOp[] = [];
    if (before && deadlineKey(before) !== deadlineKey(next))
      ops.push({ type: 'del', sublevel: WORKFLOW_SUBLEVEL, key: deadlineKey(before) });
    ops.push(
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: caseKey(next.payer, next.requestNumber), value: next },
      {
        type: 'put',
        sublevel: WORKFLOW_SUBLEVEL,
        key: deadlineKey(next),
        value: caseKey(next.payer, next.requestNumber),
      },
    );
    await this.node.store.batch(ops);
  }
}
