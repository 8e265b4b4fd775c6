// Child process of the file restart test (decision record 0058): the clinic sends a medical-documentation answer with
// a 6 MiB file through real nodes. `send` mode kills itself with SIGKILL once some pieces are committed; `resume` mode
// reopens the same nodes, lets the outbox finish, and reports what the ledger and the insurer hold.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { messageIdOf } from '@dmsnet/formats';
import { sampleDocumentationAnswer, sha256Hex } from '@dmsnet/formats/attachments/sample-files';
import { closeCryptoWorkers, sodium } from '../../../gateway/src/crypto/index.js';
import { currentKeyOf } from '../../../gateway/src/node/directory.js';
import type { DeclaredAttachment } from '@dmsnet/formats/attachments/inspect';
import { sealAttachmentToFile } from '../../../gateway/src/workflows/documentation-files.js';
import { startLocalNetwork } from '../../../sandbox/src/local-network/network.js';
import { SMALL_NETWORK } from '../fixtures/network.js';
import { bigPdf } from '../fixtures/big-pdf.js';

const [dir, mode, killAfterText] = process.argv.slice(2);
const FILE_BYTES = 6 * 1024 * 1024 + 7;

async function main(): Promise<void> {
  const net = await startLocalNetwork({ dir, participants: SMALL_NETWORK.slice(0, 3), workflows: false });
  const insurer = net.get('insurer');
  const clinic = net.get('clinic');
  const pdf = bigPdf(FILE_BYTES);
  const id = messageIdOf(clinic.id, 'DOCS-CRASH-1');
  if (mode === 'send') {
    const doc = sampleDocumentationAnswer({
      documentId: 'DOCS-CRASH-1',
      sender: clinic.party,
      addressee: insurer.party,
      pdf: { size: pdf.length, sha256: sha256Hex(pdf) },
    });
    const folder = clinic.node.uploadFolder();
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, 'upload-crash.0.sealed');
    const stored = await sealAttachmentToFile({
      libsodium: await sodium(),
      source: (async function* () {
        for (let at = 0; at < pdf.length; at += 65_536) yield pdf.subarray(at, at + 65_536);
      })(),
      declared: (doc.body.attachments as DeclaredAttachment[])[0]!,
      pointer: '/body/attachments/0',
      recipientBoxPublicKey: currentKeyOf(await clinic.node.directory.participant(insurer.id)).x25519,
      alsoTo: clinic.node.ownBoxPublicKey(),
      file,
    });
    if (stored.errors.length) throw new Error(JSON.stringify(stored.errors));
    await clinic.node.sendWithFiles(doc, [{ path: file, ownKey: stored.alsoSealedKey! }]);
    const killAfter = Number(killAfterText);
    for (;;) {
      const rec = (await clinic.node.recordOf(id)) as { files?: Array<{ sent: number }> } | undefined;
      const sent = rec?.files?.[0]?.sent ?? 0;
      if (sent >= killAfter) {
        process.stdout.write(`KILLED ${JSON.stringify({ sent })}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  await clinic.node.whenIdle(300_000);
  for (let i = 0; i < 600; i++) {
    const r = await insurer.node.recordOf(id);
    if (r) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  await insurer.node.whenIdle(300_000);
  const sentRec = (await clinic.node.recordOf(id)) as {
    status: string;
    files: Array<{ sent: number; chunks: number }>;
  };
  const envelope = JSON.parse(
    Buffer.from(await insurer.ledger.evaluate('exchange:get', [id])).toString(),
  ) as {
    files: Array<{ chunks: number; sealedBytes: number }>;
  };
  const got = await insurer.node.attachment(id, 0);
  const h = createHash('sha256');
  for await (const c of got.chunks) h.update(c);
  process.stdout.write(
    `RESULT ${JSON.stringify({
      outbox: sentRec.status,
      sent: sentRec.files[0]!.sent,
      ledgerChunks: envelope.files[0]!.chunks,
      received: (await insurer.node.recordOf(id))?.status,
      equal: h.digest('hex') === sha256Hex(pdf),
    })}\n`,
  );
  await net.close();
  await closeCryptoWorkers();
}

main().catch((err: unknown) => {
  process.stderr.write(`file crash child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
