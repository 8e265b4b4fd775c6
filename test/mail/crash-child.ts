// Child process of the mail bridge's crash test: an insurer's node with its bridge over the test's mail server.
// `crash` mode stops inside the bridge after the message with UID `stopAt` is fetched and before its outcome is
// committed, says so, and waits for the parent's SIGKILL; `resume` mode runs until every message in the mailbox is
// handled and prints what the inbox holds.
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { startLocalNetwork } from '../../sandbox/src/local-network/network.js';
import { MailBridge } from '../../gateway/src/mail/bridge.js';
import type { MailBridgeSettings } from '../../gateway/src/mail/bridge.js';
import { CORRESPONDENT } from './helpers.js';

const [dir, mode, stopAtText, total, settingsJson] = process.argv.slice(2);
const stopAt = Number(stopAtText);

async function main(): Promise<void> {
  const net = await startLocalNetwork({
    dir: dir!,
    workflows: false,
    participants: [
      { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
      { key: 'insurer', role: 'insurer', name: 'АО «СК Тест»', mspId: 'InsurerMSP' },
    ],
  });
  const node = net.get('insurer').node;
  let handled = 0;
  const bridge = new MailBridge(node, JSON.parse(settingsJson!) as MailBridgeSettings, {
    log: (l) => {
      if (l.startsWith('mail uid')) handled++;
      process.stdout.write(l + '\n');
    },
    beforeCommit: async (uid) => {
      if (mode === 'crash' && uid === stopAt) {
        process.stdout.write(`FETCHED ${uid}\n`);
        await new Promise(() => undefined);
      }
    },
  });
  await bridge.book.add(CORRESPONDENT);
  bridge.start();
  if (mode === 'crash') await new Promise(() => undefined);
  // Resume: every message not committed before the crash is handled now.
  const want = Number(total);
  const end = Date.now() + 120_000;
  for (;;) {
    const { items } = await node.listInbox({ limit: 500 });
    if (items.length >= want || Date.now() > end) {
      await new Promise((r) => setTimeout(r, 1500));
      const after = (await node.listInbox({ limit: 500 })).items;
      process.stdout.write(
        'RESULT ' +
          JSON.stringify({
            handled,
            inbox: after.map((r) => ({ id: r.messageId, mail: r.email?.messageId })),
          }) +
          '\n',
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await bridge.stop();
  await net.close();
  await closeCryptoWorkers();
}

main().catch((err) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exit(1);
});
