// Receiving one file of a medical-documentation answer (decision record 0056): the bytes stream from the upload through
// the inspector (type, size, hash, PDF pages, active content) and libsodium's secretstream into a sealed file beside
// the node's store, one 64 KiB chunk at a time; a file that is not what the document says is refused and nothing of
// it is kept.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { FieldError } from '@dmsnet/formats/errors';
import { AttachmentInspector, type DeclaredAttachment } from '@dmsnet/formats/attachments/inspect';
import { sealAttachmentStream } from '../crypto/attachment-stream.js';
import type { Sodium } from '../crypto/sodium.js';

export interface StoredAttachment {
  /** Empty when the file was sealed and kept; otherwise why it was refused (nothing kept). */
  errors: FieldError[];
  sealedBytes: number;
  /** The file's key sealed to `alsoTo`, when given: the sender opens its own copy with it. */
  alsoSealedKey?: Uint8Array;
}

/** Stops the upload once the inspector has seen more bytes than declared, so a lying size cannot fill the disk. */
class Overrun extends Error {}

export async function sealAttachmentToFile(opts: {
  libsodium: Sodium;
  source: AsyncIterable<Uint8Array>;
  declared: DeclaredAttachment;
  /** The attachment's pointer in its document, e.g. /body/attachments/0. */
  pointer: string;
  recipientBoxPublicKey: Uint8Array;
  /** The sender's own box key, to open the copy it keeps (decision 0058). */
  alsoTo?: Uint8Array;
  file: string;
}): Promise<StoredAttachment> {
  const inspector = new AttachmentInspector(opts.declared, opts.pointer);
  const part = `${opts.file}.part`;
  const out = createWriteStream(part, { mode: 0o600 });
  const sink = async (bytes: Uint8Array) => {
    if (!out.write(bytes)) await once(out, 'drain');
  };
  let sealedBytes = 0;
  let alsoSealedKey: Uint8Array | undefined;
  try {
    const facts = await sealAttachmentStream(
      opts.libsodium,
      opts.source,
      opts.recipientBoxPublicKey,
      sink,
      (chunk) => {
        inspector.update(chunk);
        if (inspector.overrun) throw new Overrun();
      },
      opts.alsoTo,
    );
    sealedBytes = facts.sealedBytes;
    alsoSealedKey = facts.alsoSealedKey;
  } catch (e) {
    if (!(e instanceof Overrun)) {
      out.destroy();
      await rm(part, { force: true });
      throw e;
    }
  }
  out.end();
  await once(out, 'close');
  const errors = inspector.finish();
  if (errors.length > 0) {
    await rm(part, { force: true });
    return { errors, sealedBytes: 0 };
  }
  await rename(part, opts.file);
  return { errors, sealedBytes, ...(alsoSealedKey ? { alsoSealedKey } : {}) };
}
