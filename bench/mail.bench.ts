// E-mail intake beside the folder drop (issue 26): 200 invoice registers of 500 rows each, Windows-1251 CSV as a
// clinic's MIS writes them, are delivered through a real Postfix to the insurer's Dovecot mailbox; the insurer's mail
// bridge then imports all of them into its inbox (IMAP fetch, MIME, authentication results, conversion, validation,
// the UID committed with the record). In the same run the very same files go through a member clinic's folder drop
// (claim, convert, validate, sign, encrypt, send over the embedded ledger). Goal: the mail path keeps at least half
// the folder drop's throughput. SMTP delivery is timed apart: it is the mail server's work, not the bridge's.
// The folder drop does more per file than the bridge (it signs, seals and commits a transaction; the bridge writes a
// local inbox record for a sender outside the network): the ratio says whether e-mail keeps up with the folder, not
// that the two do the same work. `--quick` uses 40 messages.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import { closeCryptoWorkers } from '../gateway/src/crypto/index.js';
import iconv from 'iconv-lite';
import { generateDocument } from '@dmsnet/formats';
import { exportTable, FolderDrop, loadMapping, type TableMapping } from '../gateway/src/adapters/index.js';
import { MailBridge } from '../gateway/src/mail/bridge.js';
import { startLocalNetwork, type LocalNetwork } from '../sandbox/src/local-network/network.js';
import { bridgeSettings, CORRESPONDENT, INBOX, sendAsClinic, until, USERS } from '../test/mail/helpers.js';
import { mailServerMissing, startMailServer, type MailServer } from '../test/mail/mail-server.js';
import { result, type Bench } from './types.js';

const MESSAGES = 200;
const QUICK_MESSAGES = 40;
const ROWS = 500;
const PAYER = 'АО «СК Бенч»';

const MAPPED_SERVICES = ['B01.047.001', 'B01.065.001'];
const ru = (iso: string) => iso.split('-').reverse().join('.');

/**
 * Register `n` as a clinic's MIS writes it: formats' generator makes a valid invoice of ROWS lines (its own seed, so
 * no two files nor attachments are alike), the adapters' writer puts its lines in the mapping's columns in
 * Windows-1251, and the title and payer lines a register carries above the table are added as the MIS prints them.
 */
async function registerFile(n: number, mapping: TableMapping): Promise<Buffer> {
  const doc = generateDocument('invoice', { rows: ROWS, seed: n + 1 });
  const body = doc.body as {
    invoiceNumber: string;
    invoiceDate: string;
    billingPeriod: { from: string };
    contract: { number: string; date: string };
  };
  // The correspondent's mapping knows two of the clinic's own codes; the generator draws from the whole nomenclature.
  const lines = (doc.body as { lines: Array<{ serviceCode: string }> }).lines;
  lines.forEach((line, i) => (line.serviceCode = MAPPED_SERVICES[i % MAPPED_SERVICES.length]!));
  const table = iconv.decode(
    Buffer.from(await exportTable(doc, mapping, { encoding: 'windows-1251' })),
    'win1251',
  );
  const month = ru(body.billingPeriod.from).slice(3);
  const title =
    `Реестр оказанных медицинских услуг к счёту № ${body.invoiceNumber}-${n + 1} от ${ru(body.invoiceDate)} ` +
    `за ${month}, договор № ${body.contract.number} от ${ru(body.contract.date)}`;
  return iconv.encode(`${title}\r\nПлательщик: ${PAYER}\r\n${table}`, 'win1251');
}

async function mailboxCount(server: MailServer): Promise<number> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: server.ports.imap,
    secure: false,
    auth: { user: INBOX, pass: USERS[INBOX] },
    logger: false,
  });
  await client.connect();
  try {
    const status = await client.status('INBOX', { messages: true });
    return status ? (status.messages ?? 0) : 0;
  } finally {
    await client.logout().catch(() => undefined);
  }
}

export const benches: Bench[] = [
  {
    name: 'mail',
    async run({ progress, flags }) {
      const missing = mailServerMissing();
      if (missing) {
        progress(`mail: no real mail server here, skipped: ${missing}`);
        return [];
      }
      const count = flags.has('--quick') ? QUICK_MESSAGES : MESSAGES;
      let server: MailServer | undefined;
      let net: LocalNetwork | undefined;
      let bridge: MailBridge | undefined;
      let drop: FolderDrop | undefined;
      let dir: string | undefined;
      try {
        progress(`mail: generating ${count} invoice registers of ${ROWS} rows (Windows-1251 CSV)`);
        const mapping = loadMapping(CORRESPONDENT.mappings[0]!.mapping);
        const files: Array<{ name: string; content: Buffer }> = [];
        for (let n = 0; n < count; n++)
          files.push({ name: `Реестр счёта № Б-${n + 1}.csv`, content: await registerFile(n, mapping) });
        const mb = files.reduce((s, f) => s + f.content.length, 0) / 1e6;
        progress(`mail: ${mb.toFixed(1)} MB in all; starting Postfix and Dovecot on loopback`);
        server = await startMailServer({ users: USERS, spfPass: ['clinic.test'] });
        dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-bench-mail-'));
        net = await startLocalNetwork({
          dir,
          workflows: false,
          participants: [
            { key: 'association', role: 'association', name: 'Союз (бенч)', mspId: 'AssociationMSP' },
            { key: 'insurer', role: 'insurer', name: PAYER, mspId: 'InsurerMSP' },
            {
              key: 'clinic',
              role: 'clinic',
              name: 'ООО «Клиника Бенч»',
              mspId: 'ClinicHostMSP',
              viaAttribute: true,
            },
          ],
        });

        // Delivery: the clinic's mail client hands each message to the insurer's MX, one connection each.
        const sendStart = performance.now();
        for (const [n, f] of files.entries()) {
          await sendAsClinic(server, {
            subject: `Реестр к счёту № Б-${n + 1}`,
            attachments: [{ filename: f.name, content: f.content }],
          });
          if ((n + 1) % 20 === 0) progress(`mail: sent ${n + 1}/${count} over SMTP`);
        }
        await until(
          `${count} messages in the mailbox`,
          async () => ((await mailboxCount(server!)) >= count ? true : undefined),
          300_000,
        );
        const deliverMs = performance.now() - sendStart;
        progress(`mail: ${count} messages delivered to Dovecot in ${(deliverMs / 1000).toFixed(1)} s`);

        // The bridge starts on a full mailbox: the time is IMAP to inbox record, nothing of SMTP's.
        const log: string[] = [];
        let handled = 0;
        bridge = new MailBridge(net.get('insurer').node, bridgeSettings(server), {
          log: (line) => {
            log.push(line);
            if (line.startsWith('mail uid') && ++handled % 20 === 0)
              progress(`mail: bridge handled ${handled}/${count}`);
          },
        });
        await bridge.book.add(CORRESPONDENT);
        const mailStart = performance.now();
        bridge.start();
        await until(`${count} messages handled by the bridge`, async () =>
          handled >= count ? true : undefined,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; last lines: ${log.slice(-5).join(' | ')}`);
        });
        const mailMs = performance.now() - mailStart;
        await bridge.stop();
        bridge = undefined;
        const mailLines = log.filter((l) => l.startsWith('mail uid'));
        const notImported = mailLines.filter((l) => !/: imported/.test(l));
        if (notImported.length)
          throw new Error(`the bridge did not import every register: ${notImported.slice(0, 3).join(' | ')}`);
        const inboxed = (await net.get('insurer').node.listInbox({ limit: count + 10 })).items.filter(
          (r) => r.email,
        ).length;
        if (inboxed !== count) throw new Error(`${inboxed} e-mailed records in the inbox, expected ${count}`);
        progress(`mail: bridge imported ${count} in ${(mailMs / 1000).toFixed(1)} s`);

        // The same files through the clinic's folder drop, dropped in before it starts (as a batch copied in).
        const doneLines: string[] = [];
        drop = new FolderDrop({
          root: path.join(dir, 'drop'),
          node: net.get('clinic').node,
          routes: [{ match: /\.csv$/i, mapping }],
          settleMs: 0,
          scanIntervalMs: 1000,
          log: (line) => {
            if (!/ → (done|failed)\//.test(line)) return;
            doneLines.push(line);
            if (doneLines.length % 20 === 0)
              progress(`mail: folder drop handled ${doneLines.length}/${count}`);
          },
        });
        await mkdir(drop.dirs.in, { recursive: true });
        for (const f of files) await writeFile(path.join(drop.dirs.in, f.name), f.content);
        const folderStart = performance.now();
        await drop.start();
        await until(`${count} files handled by the folder drop`, async () =>
          doneLines.length >= count ? true : undefined,
        );
        const folderMs = performance.now() - folderStart;
        const failed = doneLines.filter((l) => l.includes('→ failed/'));
        if (failed.length) throw new Error(`the folder drop failed files: ${failed.slice(0, 3).join(' | ')}`);
        progress(`mail: folder drop sent ${count} in ${(folderMs / 1000).toFixed(1)} s`);

        const mailRate = count / (mailMs / 1000);
        const folderRate = count / (folderMs / 1000);
        const ratio = mailRate / folderRate;
        progress(
          `mail: ${mailRate.toFixed(2)} registers/s by e-mail, ${folderRate.toFixed(2)} registers/s by folder: ` +
            `ratio ${ratio.toFixed(3)}, goal ≥ 0.5 ${ratio >= 0.5 ? 'holds' : 'NOT met'}`,
        );
        return [
          result(
            `${count} e-mailed ${ROWS}-row registers, mailbox → inbox`,
            mailRate,
            'registers/s',
            'the same files through the folder drop',
            folderRate,
            'e-mail at least 0.5 of the folder drop',
          ),
        ];
      } finally {
        await bridge?.stop();
        await drop?.stop();
        await net?.close();
        await closeCryptoWorkers();
        await server?.stop();
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },
  },
];
