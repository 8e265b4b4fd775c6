// Child of the ledger crash test. `send`: sets up a network once, then sends 1,000 messages, printing each committed
// block; the parent kills it with SIGKILL midway. `check`: reopens the same ledger and reports what it holds.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundledSchemaText, createRng, generateOgrn } from '@dmsnet/formats';
import { EmbeddedLedger } from '../../embedded-ledger/src/index.js';
import { LocalCA } from '../../node-config/src/local-ca.js';

const [dir, mode, fromBlockText] = process.argv.slice(2);
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const key32 = () => randomBytes(32).toString('base64');

async function main(): Promise<void> {
  const assocCa = await LocalCA.open(path.join(dir, 'ca', 'AssociationMSP'), 'AssociationMSP');
  const memberCa = await LocalCA.open(path.join(dir, 'ca', 'MemberMSP'), 'MemberMSP');
  const ledger = await EmbeddedLedger.open({
    dir: path.join(dir, 'ledger'),
    msps: [
      { mspId: 'AssociationMSP', rootCertificate: assocCa.certificate },
      { mspId: 'MemberMSP', rootCertificate: memberCa.certificate },
    ],
  });
  const idsFile = path.join(dir, 'ids.json');
  let ids: { assoc: string; sender: string; addressee: string };
  if (!existsSync(idsFile)) {
    const rng = createRng(9);
    ids = { assoc: generateOgrn(rng), sender: generateOgrn(rng), addressee: generateOgrn(rng) };
    const a = await assocCa.issue({ commonName: 'admin' });
    const admin = ledger.connect({ mspId: 'AssociationMSP', ...a });
    const reg = (id: string, role: string, identities: unknown[]) =>
      admin.submit('directory:register', [
        JSON.stringify({ id, role, name: role, identities, keys: { x25519: key32(), ed25519: key32() } }),
      ]);
    await reg(ids.assoc, 'association', [
      { mspId: 'AssociationMSP', kind: 'certificate', certificate: a.certificate },
    ]);
    await reg(ids.sender, 'insurer', [{ mspId: 'MemberMSP', kind: 'attribute' }]);
    await reg(ids.addressee, 'clinic', [{ mspId: 'MemberMSP', kind: 'attribute' }]);
    await admin.submit('formats:setRules', [JSON.stringify({ voterRoles: ['association'], quorum: 1 })]);
    const text = bundledSchemaText('insured-list', '1');
    const today = new Date().toISOString().slice(0, 10);
    await admin.submit('formats:propose', [
      JSON.stringify({
        type: 'insured-list',
        version: '1',
        schemaText: text,
        schemaHash: sha(text),
        effectiveFrom: today,
      }),
    ]);
    await admin.submit('formats:vote', ['insured-list', '1', 'yes']);
    await writeFile(idsFile, JSON.stringify(ids));
  } else {
    ids = JSON.parse(await readFile(idsFile, 'utf8')) as typeof ids;
  }
  const as = async (id: string) =>
    ledger.connect({
      mspId: 'MemberMSP',
      ...(await memberCa.issue({ commonName: id, attributes: { 'dmsnet.participant': id } })),
    });
  const sender = await as(ids.sender);
  const addressee = await as(ids.addressee);

  if (mode === 'send') {
    process.stdout.write(`ready ${ledger.height()}\n`);
    for (let i = 0; i < 1000; i++) {
      const ct = new Uint8Array(randomBytes(2048));
      const env = {
        messageId: `${ids.sender}:crash-${String(i).padStart(4, '0')}`,
        sender: ids.sender,
        addressee: ids.addressee,
        documentType: 'insured-list',
        formatVersion: '1',
        ciphertextHash: sha(ct),
        size: ct.length,
        senderKeyVersion: 1,
      };
      const r = await sender.submit('exchange:send', [JSON.stringify(env)], { ciphertext: ct });
      process.stdout.write(`committed ${i} block ${r.blockNumber}\n`);
    }
    await new Promise(() => undefined);
  }

  // check: every message whole, ids a prefix, and events from the given block on, without a gap.
  const seen: string[] = [];
  let whole = 0;
  let bookmark = '';
  do {
    const page = JSON.parse(
      Buffer.from(
        await addressee.evaluate('exchange:inbox', [ids.addressee, '{}', '500', bookmark]),
      ).toString(),
    ) as { items: Array<{ messageId: string; ciphertextHash: string }>; bookmark: string };
    for (const env of page.items) {
      seen.push(env.messageId);
      const b64 = JSON.parse(
        Buffer.from(await addressee.evaluate('exchange:getPayload', [env.messageId])).toString(),
      ) as string;
      if (sha(Buffer.from(b64, 'base64')) === env.ciphertextHash) whole++;
    }
    bookmark = page.bookmark;
  } while (bookmark);
  const ac = new AbortController();
  const events: Array<{ block: string; id: string }> = [];
  const height = ledger.height();
  for await (const ev of addressee.events({ blockNumber: BigInt(fromBlockText ?? '0') }, ac.signal)) {
    events.push({
      block: ev.blockNumber.toString(),
      id: (JSON.parse(Buffer.from(ev.payload).toString()) as { messageId: string }).messageId,
    });
    if (ev.blockNumber >= height - 1n) ac.abort();
  }
  process.stdout.write(`RESULT ${JSON.stringify({ seen, whole, events, height: height.toString() })}\n`);
  await ledger.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`ledger crash child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
