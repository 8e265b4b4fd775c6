// ДМС programmes (issue 24): an insurer sends each clinic what its programmes cover there; the clinic's gateway
// keeps every version it accepted, answers coverage per service from them and counts what its own acted invoices used
// of each person's limits; the insurer keeps the versions each clinic accepted, to check invoices against them.
import { messageIdOf, parseMessageId } from '@dmsnet/formats';
import type { FieldError } from '@dmsnet/formats/errors';
import type { ExpertiseActBody, InvoiceBody, MedicalProgrammeBody } from '@dmsnet/formats/types';
import type { GatewayNode, Notification } from '../node/index.js';
import type { BatchOp } from '../store/store.js';
import { senderAndId, type HandlerOutcome, type ReceivedDocument } from './flow-state.js';
import { ProgrammeStore } from './programme-store.js';

/** Stable codes of a clinic's refusals of a programme (gateway/src/workflows/RULES.md). */
export const PROGRAMME_CODES = { stale: 'PROGRAMME_VERSION_STALE' } as const;

export class ProgrammeFlow {
  readonly programmes: ProgrammeStore;

  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string },
  ) {
    this.programmes = new ProgrammeStore(node.store);
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
    const versions = (await this.programmes.held(insurer)).get(body.programme.code) ?? [];
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
      await this.programmes.put(insurer, { documentId: header.documentId, insurer, programme: body }),
    ]);
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
      await this.programmes.put(n.addressee, {
        documentId,
        insurer: this.node.participantId,
        programme: doc.body as unknown as MedicalProgrammeBody,
      }),
    ];
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
        this.programmes.usageOps(insurer, l.patient.policyNumber, {
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
