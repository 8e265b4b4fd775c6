// Child process of the gateway crash test: sends COUNT documents from an insurer to a clinic through real nodes.
// `send` mode is killed with SIGKILL midway; `resume` mode re-submits all of them, as a back office that lost track
// would, waits until everything has settled, and reports what the clinic holds.
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { startLocalNetwork, type ParticipantSpec } from '../../../sandbox/src/local-network/network.js';
import { fabricProvider } from '../../../sandbox/src/local-network/fabric-provider.js';
import { runningNetwork } from '../../../network/src/up.js';
import { SMALL_NETWORK } from '../fixtures/network.js';

const [dir, countText, mode] = process.argv.slice(2);
const count = Number(countText);

/** The same three participants laid out as on the Fabric network (clinics under the host organisation). */
const FABRIC_PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer', role: 'insurer', name: 'АО «СК Тест»', mspId: 'Insurer1MSP' },
  { key: 'clinic', role: 'clinic', name: 'ООО «Клиника Тест»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

async function main(): Promise<void> {
  // With DMSNET_FABRIC_DIR the nodes run on that running Fabric network instead of an embedded ledger.
  const fabricDir = process.env.DMSNET_FABRIC_DIR;
  const state = fabricDir ? await runningNetwork(fabricDir) : undefined;
  if (fabricDir && !state) throw new Error(`no running Fabric network in ${fabricDir}`);
  const net = await startLocalNetwork({
    dir,
    participants: state ? FABRIC_PARTICIPANTS : SMALL_NETWORK.slice(0, 3),
    provider: state ? await fabricProvider(state) : undefined,
    workflows: false,
  });
  const insurer = net.get('insurer');
  const clinic = net.get('clinic');
  const template = generateDocument('insured-list', {
    seed: 77,
    rows: 1,
    sender: insurer.party,
    addressee: clinic.party,
  });
  for (let i = 0; i < count; i++) {
    const doc = structuredClone(template);
    doc.header.documentId = `CRASH-${String(i).padStart(4, '0')}`;
    await insurer.node.send(doc);
    if (i % 20 === 19) {
      const out = await insurer.node.listOutbox({ status: 'PENDING', limit: 500 });
      process.stdout.write(`queued ${i + 1} pending ${out.items.length}\n`);
    }
  }
  if (mode !== 'resume') {
    // Keep submitting until the parent kills us.
    await new Promise(() => undefined);
  }
  await insurer.node.whenIdle(300_000);
  await clinic.node.whenIdle(300_000);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await clinic.node.listInbox({ limit: 500, cursor });
    ids.push(...page.items.map((i) => i.messageId));
    cursor = page.nextCursor;
  } while (cursor);
  const ledgerIds: string[] = [];
  let bookmark = '';
  do {
    const page = JSON.parse(
      Buffer.from(
        await clinic.ledger.evaluate('exchange:inbox', [clinic.id, JSON.stringify({}), '500', bookmark]),
      ).toString('utf8'),
    ) as { items: Array<{ messageId: string }>; bookmark?: string };
    ledgerIds.push(...page.items.map((i) => i.messageId));
    bookmark = page.items.length ? (page.bookmark ?? '') : '';
  } while (bookmark);
  process.stdout.write(
    `RESULT ${JSON.stringify({ inbox: ids.length, distinct: new Set(ids).size, ledger: ledgerIds.length, ledgerDistinct: new Set(ledgerIds).size })}\n`,
  );
  await net.close();
  await closeCryptoWorkers();
}

main().catch((err: unknown) => {
  process.stderr.write(`crash child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
