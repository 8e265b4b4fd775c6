// ДМС programmes (issue 24): an insurer sends each clinic what its programmes cover there; the clinic's gateway
// keeps every version it accepted, answers coverage per service from them and counts what its own acted invoices used
// of each person's limits; the insurer keeps the versions each clinic accepted, to check invoices against them.
import { messageIdOf, parseMessageId } from '@dmsnet/formats';
import type { FieldError } from '@dmsnet/formats/errors';
import type { ExpertiseActBody, InvoiceBody, MedicalProgrammeBody } from '@dmsnet/formats/types';
import type { GatewayNode, Notification } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import {
  KEY_SEPARATOR as SEP,
  WORKFLOW_SUBLEVEL,
  senderAndId,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';
import { hold, programmeAt, type HeldProgramme, type UsageRecord } from './programme-limits.js';
import { normPolicy } from './roster.js';

/** What a programme's version is kept as: at a clinic, `peer` is the insurer; at an insurer, the clinic. */
interface StoredProgramme {
  documentId: string;
  insurer: string;
  programme: MedicalProgrammeBody;
}

/** Stable codes of a clinic's refusals of a programme (gateway/src/workflows/RULES.md). */
export const PROGRAMME_CODES = { stale: 'PROGRAMME_VERSION_STALE' } as const;

const programmePrefix = (peer: string) => `mp${SEP}${peer}${SEP}`;
const programmeKey = (peer: string, code: string, documentId: string) =>
  `${programmePrefix(peer)}${code}${SEP}${documentId}`;

export class ProgrammeFlow {
  /** The versions held per peer and programme code, read once from the store and kept with their indexes. */
  private readonly cache = new Map<string, Promise<Map<string, HeldProgramme[]>>>();

  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string },
  ) {}

  private usagePrefix(peer: string, policy: string) {
    return `pu${SEP}${peer}${SEP}${this.node.store.blind(normPolicy(policy))}${SEP}`;
  }

  /** Every version held from (at a clinic) or accepted by (at an insurer) one peer, by programme code. */
  held(peer: string): Promise<Map<string, HeldProgramme[]>> {
    let found = this.cache.get(peer);
    if (!found) {
      found = (async () => {
        const byCode = new Map<string, HeldProgramme[]>();
        const prefix = programmePrefix(peer);
        for await (const s of this.node.store
          .sublevel<StoredProgramme>(WORKFLOW_SUBLEVEL)
          .values({ gte: prefix, lt: prefix + '\uffff' })) {
          const list = byCode.get(s.programme.programme.code) ?? [];
          list.push(hold(s.documentId, s.insurer, s.programme));
          byCode.set(s.programme.programme.code, list);
        }
        return byCode;
      })();
      this.cache.set(peer, found);
      // A failed read is not remembered: the next question reads again.
      found.catch(() => this.cache.delete(peer));
    }
    return found;
  }

  /** The version of a programme in force on a date. */
  async inForce(peer: string, code: string, date: string): Promise<HeldProgramme | undefined> {
    return programmeAt((await this.held(peer)).get(code) ?? [], date);
  }

  /** Every version held of a peer's programmes, newest first, as the API lists them. */
  async list(peer?: string): Promise<StoredProgramme[]> {
    const prefix = peer ? programmePrefix(peer) : `mp${SEP}`;
    const out: StoredProgramme[] = [];
    for await (const s of this.node.store
      .sublevel<StoredProgramme>(WORKFLOW_SUBLEVEL)
      .values({ gte: prefix, lt: prefix + '\uffff' }))
      out.push(s);
    return out.sort(
      (a, b) =>
        a.programme.programme.code.localeCompare(b.programme.programme.code) ||
        b.programme.version - a.programme.version,
    );
  }

  private async put(peer: string, s: StoredProgramme): Promise<BatchOp> {
    this.cache.delete(peer);
    return {
      type: 'put',
      sublevel: WORKFLOW_SUBLEVEL,
      key: programmeKey(peer, s.programme.programme.code, s.documentId),
      value: s,
    };
  }

  /**
   * A clinic receives a programme: a version not newer than one it holds of the same programme is refused (the
   * insurer numbers its versions; an older one arriving late must not replace the newer), any other is accepted.
   */
  async receive(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const header = senderAndId(doc);
    const body = doc.body as unknown as MedicalProgrammeBody;
    const insurer = header.sender.ogrn;
    const versions = (await this.held(insurer)).get(body.programme.code) ?? [];
    const newer = versions.find((v) => v.body.version >= body.version && v.documentId !== header.documentId);
    if (newer) {
      const errors: FieldError[] = [
        {
          pointer: '/body/version',
          code: PROGRAMME_CODES.stale,
          message: `the clinic holds version ${newer.body.version} of this programme (${newer.documentId})`,
        },
      ];
      return { action: 'reject', errors, comment: 'версия программы не новее принятой' };
    }
    await this.node.store.batch([
      await this.put(insurer, { documentId: header.documentId, insurer, programme: body }),
    ]);
    this.cache.delete(insurer);
    return {
      action: 'accept',
      comment: `программа ${body.programme.code}, версия ${body.version}: строк ${body.services.length}`,
    };
  }

  /** At an insurer: a programme the clinic accepted binds the invoices of that clinic from now on. */
  async onNotification(n: Notification): Promise<BatchOp[]> {
    if (
      n.kind !== 'status.changed' ||
      n.status !== 'ACCEPTED' ||
      n.documentType !== 'medical-programme' ||
      n.sender !== this.node.participantId
    )
      return [];
    const view = await this.node.getDocument(n.messageId);
    const doc = view.document as ReceivedDocument;
    const documentId = parseMessageId(n.messageId)?.documentId ?? n.messageId;
    return [
      await this.put(n.addressee, {
        documentId,
        insurer: this.node.participantId,
        programme: doc.body as unknown as MedicalProgrammeBody,
      }),
    ];
  }

  /** The programme codes a clinic holds from an insurer (any version). */
  async codes(insurer: string): Promise<Set<string>> {
    return new Set((await this.held(insurer)).keys());
  }

  /** What one person used under a peer's programmes, as this node knows it. */
  async usage(peer: string, policy: string): Promise<UsageRecord[]> {
    const prefix = this.usagePrefix(peer, policy);
    const out: UsageRecord[] = [];
    for await (const r of this.node.store
      .sublevel<UsageRecord>(WORKFLOW_SUBLEVEL)
      .values({ gte: prefix, lt: prefix + '\uffff' }))
      out.push(r);
    return out;
  }

  /** The writes that record (or, for a line paid nothing, forget) one invoice line's use of a person's limits. */
  usageOps(peer: string, policy: string, r: UsageRecord): BatchOp {
    const key = `${this.usagePrefix(peer, policy)}${r.invoiceId}${SEP}${r.rowId}`;
    return r.amount > 0 || r.quantity > 0
      ? { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key, value: r }
      : { type: 'del', sublevel: WORKFLOW_SUBLEVEL, key };
  }

  /**
   * At a clinic: the insurer's act on one of its invoices says what was paid. Each paid line counts against the
   * patient's limits; a withheld one does not; a corrected act on the same invoice replaces what the earlier said.
   * The act itself stays for the clinic to accept or dispute.
   */
  async onAct(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (this.options.role !== 'clinic') return { action: 'none' };
    const insurer = senderAndId(doc).sender.ogrn;
    const act = doc.body as unknown as ExpertiseActBody;
    const invoiceId = messageIdOf(this.node.participantId, act.invoiceId);
    const invoice = await this.node.getDocument(invoiceId).catch(() => undefined);
    const body = (invoice?.document as { body?: InvoiceBody } | undefined)?.body;
    if (!body || invoice?.direction !== 'out') return { action: 'none' };
    const lines = new Map(body.lines.map((l) => [l.rowId, l]));
    const ops: BatchOp[] = [];
    for (const a of act.lines) {
      const l = lines.get(a.invoiceLineId);
      if (!l) continue;
      const paid = a.paidAmount > 0;
      ops.push(
        this.usageOps(insurer, l.patient.policyNumber, {
          serviceCode: l.serviceCode,
          date: l.serviceDate,
          quantity: paid ? l.quantity : 0,
          amount: a.paidAmount,
          invoiceId,
          rowId: l.rowId,
        }),
      );
    }
    await this.node.store.batch(ops);
    return { action: 'none' };
  }
}
