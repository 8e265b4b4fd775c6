// Disputes of expertise acts line by line (decision record 0041). The clinic names the lines it disputes, each with
// its reason; the dispute travels as a v1 reply (decision DISPUTED, one error per line at /body/lines/<i>), so a
// gateway of any version reads it as today. The insurer reads the dispute back from that reply and answers with a
// corrected act that names the disputed one (correctsId).
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import type { ExpertiseActBody } from '@dmsnet/formats/types';
import type { GatewayNode, InboxRecord, OutboxRecord } from '../node/index.js';

/** The error code each disputed line carries in the reply; its message is the clinic's reason, as typed. */
export const LINE_DISPUTED = 'ACT_LINE_DISPUTED';

export interface DisputeInput {
  lines: Array<{ invoiceLineId: string; reason: string }>;
  comment?: string;
}

/** A dispute as the insurer reads it: the lines and reasons, or only a comment when the whole act was disputed. */
export interface ActDispute {
  /** The ledger id of the clinic's reply. */
  replyId: string;
  lines: Array<{ invoiceLineId: string; reason: string }>;
  comment?: string;
}

/** The clinic disputes lines of an act it received: each named line must be the act's, once, with a reason. */
export async function disputeAct(node: GatewayNode, ref: string, input: DisputeInput): Promise<InboxRecord> {
  const view = await node.getDocument(ref);
  const act = view.document as { body?: ExpertiseActBody } | undefined;
  if (view.direction !== 'in' || view.record.documentType !== 'expertise-act' || !act?.body)
    throw new DmsnetError('NOT_FOUND', `no received expertise act ${ref}`);
  const index = new Map(act.body.lines.map((l, i) => [l.invoiceLineId, i]));
  const fault: FieldError[] = [];
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  input.lines.forEach((l, i) => {
    const at = index.get(l.invoiceLineId);
    const reason = typeof l.reason === 'string' ? l.reason.trim() : '';
    if (at === undefined)
      fault.push({
        pointer: `/lines/${i}/invoiceLineId`,
        code: 'ACT_LINE_UNKNOWN',
        message: 'not a line of the act',
      });
    else if (seen.has(l.invoiceLineId))
      fault.push({
        pointer: `/lines/${i}/invoiceLineId`,
        code: 'DISPUTE_LINE_REPEATED',
        message: 'the line is disputed once',
      });
    if (!reason)
      fault.push({
        pointer: `/lines/${i}/reason`,
        code: 'DISPUTE_REASON_REQUIRED',
        message: 'each disputed line says why',
      });
    seen.add(l.invoiceLineId);
    if (at !== undefined) errors.push({ pointer: `/body/lines/${at}`, code: LINE_DISPUTED, message: reason });
  });
  if (input.lines.length === 0)
    fault.push({
      pointer: '/lines',
      code: 'DISPUTE_LINES_REQUIRED',
      message: 'name at least one disputed line',
    });
  if (fault.length)
    throw new DmsnetError('REQUEST_INVALID', `the dispute breaks ${fault.length} rule(s)`, fault);
  errors.sort((a, b) => lineOf(a.pointer) - lineOf(b.pointer));
  const comment = input.comment?.trim();
  return node.reject(view.record.messageId, {
    decision: 'DISPUTED',
    errors,
    ...(comment ? { comment } : {}),
  });
}

const lineOf = (pointer: string) => Number(/^\/body\/lines\/(\d+)$/.exec(pointer)?.[1] ?? -1);

/**
 * The dispute a sent act met, read from its reply: lines named by the errors at /body/lines/<i>; a dispute of the
 * whole act (an earlier console, or an integrator's reject with decision DISPUTED) keeps its words as the comment.
 */
export function disputeOf(act: ExpertiseActBody, record: OutboxRecord | undefined): ActDispute | undefined {
  const reply = record?.reply;
  if (!reply || reply.decision !== 'DISPUTED') return undefined;
  const lines: ActDispute['lines'] = [];
  const other: string[] = [];
  for (const e of reply.errors ?? []) {
    const line = act.lines[lineOf(e.pointer)];
    if (line && e.code === LINE_DISPUTED)
      lines.push({ invoiceLineId: line.invoiceLineId, reason: e.message });
    else if (e.message && e.message !== reply.comment) other.push(e.message);
  }
  const comment = [reply.comment, ...other].filter(Boolean).join('; ');
  return { replyId: reply.messageId, lines, ...(comment ? { comment } : {}) };
}
