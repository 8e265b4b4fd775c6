// A received document's files (decision record 0058): fetched from the ledger piece by piece into sealed files of
// this node, then opened chunk by chunk through the inspector against what the signed document says of each one
// (type, size, SHA-256, PDF pages, active content). A file that is not what the document says leaves field errors
// at its pointer, and nothing of the files is kept.
import type { FieldError } from '@dmsnet/formats/errors';
import { AttachmentInspector, type DeclaredAttachment } from '@dmsnet/formats/attachments/inspect';
import type { FileOnLedger } from '@dmsnet/formats/attachments/transfer';
import type { NodeContext } from './context.js';
import { fetchFile, openSealedFile, removeFiles } from './files.js';
import type { Doc } from './layout.js';

export async function receiveFiles(
  ctx: NodeContext,
  messageId: string,
  files: readonly FileOnLedger[],
  document: Doc,
): Promise<FieldError[]> {
  const declared = ((document.body as { attachments?: DeclaredAttachment[] }).attachments ?? []).slice();
  if (declared.length !== files.length)
    return [
      {
        pointer: '/body/attachments',
        code: 'ATTACHMENT_COUNT_MISMATCH',
        message: `the document describes ${declared.length} file(s); ${files.length} came`,
      },
    ];
  const errors: FieldError[] = [];
  try {
    for (const [i, f] of files.entries()) {
      const path = await fetchFile(ctx, ctx.dataDir, messageId, i, f);
      const inspector = new AttachmentInspector(declared[i]!, `/body/attachments/${i}`);
      for await (const chunk of openSealedFile(ctx, path, 'in')) {
        inspector.update(chunk);
        if (inspector.overrun) break;
      }
      errors.push(...inspector.finish());
    }
  } catch (err) {
    await removeFiles(ctx.dataDir, 'in', messageId, files.length);
    throw err;
  }
  if (errors.length > 0) await removeFiles(ctx.dataDir, 'in', messageId, files.length);
  ctx.log.info({ messageId, files: files.length, faults: errors.length }, 'files received');
  return errors;
}
