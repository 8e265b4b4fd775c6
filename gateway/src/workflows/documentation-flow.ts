// Medical documentation for expertise (decision record 0056): the payer's expert asks the clinic for the documentation
// behind chosen lines of a received invoice; the clinic's answer, checked against the request, is cited by the act and
// reopens the lines withheld for want of it (defect 2.1.2).
import { DmsnetError } from '@dmsnet/formats/errors';
import { messageIdOf, validateDocument } from '@dmsnet/formats';
import type {
  DocumentationKind,
  DocumentationRequestBody,
  InvoiceBody,
  MedicalDocumentationBody,
} from '@dmsnet/formats/types';
import type { GatewayNode } from '../node/index.js';
import type { ActFlow } from './act-flow.js';
import {
  KEY_SEPARATOR,
  WORKFLOW_SUBLEVEL,
  isPayer,
  today,
  type HandlerOutcome,
  type ReceivedDocument,
} from './flow-state.js';

/** The defect of a line withheld because the documentation asked for was not given: its arrival reopens the line. */
export const DOCUMENTATION_MISSING_DEFECT = '2.1.2';

export interface DocumentationRequestInput {
  /** The invoice's ledger id, or the clinic's invoice number while only one has it. */
  invoiceId: string;
  lines: Array<{ invoiceLineId: string; wanted: DocumentationKind[]; comment?: string }>;
  /** The last day to answer; 10 days from today by default. */
  respondBy?: string;
  requestNumber?: string;
  expert?: { name: string; snils?: string };
  comment?: string;
}

/** What the payer keeps of one request: which invoice lines it asked about and the answers it got. */
export interface DocumentationCase {
  requestId: string;
  requestNumber: string;
  invoiceId: string;
  clinic: string;
  respondBy: string;
  /** Request line rowId → invoice line rowId. */
  lines: Record<string, string>;
  answers: Array<{ documentId: string; at: string; invoiceLineIds: string[] }>;
}

const caseKey = (requestId: string) => `docreq${KEY_SEPARATOR}${requestId}`;
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export class DocumentationFlow {
  constructor(
    private readonly node: GatewayNode,
    private readonly options: { role: string },
    private readonly acts: ActFlow,
  ) {}

  /** The expert's request for a received invoice's lines: the patient, service and date come from the invoice. */
  async request(input: DocumentationRequestInput) {
    if (!isPayer(this.options.role))
      throw new DmsnetError(
        'NOT_AUTHORIZED',
        'only a payer (insurer or assistance company) requests documentation',
      );
    const view = await this.node.getDocument(input.invoiceId);
    if (view.direction !== 'in' || !view.document)
      throw new DmsnetError('NOT_FOUND', `no received invoice ${input.invoiceId} at this node`);
    const invoice = view.document as {
      header: { documentId: string; sender: { ogrn: string } };
      body: InvoiceBody;
    };
    const byRow = new Map(invoice.body.lines.map((l) => [l.rowId, l]));
    const requestDate = today();
    const body: DocumentationRequestBody = {
      requestNumber:
        input.requestNumber ?? `ЗМД-${invoice.header.documentId}-${Date.now().toString(36)}`.slice(0, 200),
      requestDate,
      respondBy: input.respondBy ?? addDays(requestDate, 10),
      invoiceId: invoice.header.documentId,
      invoiceNumber: invoice.body.invoiceNumber,
      expertiseType: 'medico-economic',
      ...(input.expert ? { expert: input.expert } : {}),
      lines: input.lines.map((l, i) => {
        const billed = byRow.get(l.invoiceLineId);
        return {
          rowId: String(i + 1),
          invoiceLineId: l.invoiceLineId,
          // An unknown line is left for the format rules to name (DOCREQ_LINE_UNKNOWN at its pointer).
          patient: billed?.patient ?? invoice.body.lines[0]!.patient,
          serviceCode: billed?.serviceCode ?? invoice.body.lines[0]!.serviceCode,
          serviceDate: billed?.serviceDate ?? invoice.body.lines[0]!.serviceDate,
          wanted: l.wanted,
          ...(l.comment ? { comment: l.comment } : {}),
        };
      }),
      ...(input.comment ? { comment: input.comment } : {}),
    };
    const documentId = `DOCREQ-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    const document = {
      header: {
        documentId,
        type: 'documentation-request',
        formatVersion: '1',
        sender: { ogrn: this.node.participantId },
        addressee: { ogrn: invoice.header.sender.ogrn },
        createdAt: new Date().toISOString(),
        replyToId: invoice.header.documentId,
      },
      body,
    };
    const errors = validateDocument(document, { related: { invoice } });
    if (errors.length)
      throw new DmsnetError('DOCUMENT_INVALID', `the request breaks ${errors.length} rule(s)`, errors);
    const record = await this.node.send(document);
    const c: DocumentationCase = {
      requestId: documentId,
      requestNumber: body.requestNumber,
      invoiceId: view.record.messageId,
      clinic: invoice.header.sender.ogrn,
      respondBy: body.respondBy,
      lines: Object.fromEntries(body.lines.map((l) => [l.rowId, l.invoiceLineId])),
      answers: [],
    };
    await this.node.store.batch([
      { type: 'put', sublevel: WORKFLOW_SUBLEVEL, key: caseKey(documentId), value: c },
    ]);
    return { record, request: body, case: c };
  }

  /** The requests this payer sent, newest first. */
  async list(): Promise<DocumentationCase[]> {
    const out: DocumentationCase[] = [];
    const prefix = caseKey('');
    for await (const v of this.node.store
      .sublevel<DocumentationCase>(WORKFLOW_SUBLEVEL)
      .values({ gte: prefix, lt: `${prefix}\uffff` }))
      out.push(v);
    return out.reverse();
  }

  /**
   * At the payer: the clinic's answer. One that answers no request of this payer to this clinic is refused; a valid
   * one is cited by the invoice's act and reopens the lines withheld for want of it.
   */
  async receiveAnswer(doc: ReceivedDocument): Promise<HandlerOutcome> {
    if (!isPayer(this.options.role)) return { action: 'none' };
    const h = doc.header as { documentId: string; sender: { ogrn: string }; replyToId?: string };
    const c = h.replyToId
      ? await this.node.store.get<DocumentationCase>(WORKFLOW_SUBLEVEL, caseKey(h.replyToId))
      : undefined;
    if (!c || c.clinic !== h.sender.ogrn)
      return {
        action: 'reject',
        errors: [
          {
            pointer: '/header/replyToId',
            code: 'DOCS_ANSWER_FOREIGN',
            message: 'answers no documentation request this participant sent to this clinic',
          },
        ],
      };
    const sent = await this.node.getDocument(messageIdOf(this.node.participantId, c.requestId));
    const errors = validateDocument(doc, { related: { documentationRequest: sent.document } });
    if (errors.length) return { action: 'reject', errors };
    const b = doc.body as unknown as MedicalDocumentationBody;
    const documented = new Set(
      [...(b.attachments ?? []), ...(b.records ?? [])].flatMap((x) => x.forLines).map((row) => c.lines[row]),
    );
    const invoiceLineIds = [...documented].filter((x): x is string => x !== undefined);
    await this.acts.onDocumentation(c.invoiceId, h.documentId, invoiceLineIds);
    await this.node.store.batch([
      {
        type: 'put',
        sublevel: WORKFLOW_SUBLEVEL,
        key: caseKey(c.requestId),
        value: {
          ...c,
          answers: [...c.answers, { documentId: h.documentId, at: new Date().toISOString(), invoiceLineIds }],
        },
      },
    ]);
    return {
      action: 'accept',
      comment: `документация по запросу ${c.requestNumber}: строк счёта ${invoiceLineIds.length}`,
    };
  }
}
