// Decision record 0053: an addressee organisation whose only peer lost a ciphertext asks for it on the ledger, and the
// sender's gateway sends the same sealed bytes again from its outbox — delivered once, without anyone doing anything.
// Real nodes over the embedded ledger (the real chaincode, LevelDB); the loss is the ledger's private data store.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { GatewayNode } from '../../../gateway/src/node/index.js';
import { EmbeddedLedger } from '../../../embedded-ledger/src/index.js';
import { LocalCA } from '../../../node-config/src/local-ca.js';
import {
  startLocalNetwork,
  type LedgerProvider,
  type LocalNetwork,
  type LocalParticipant,
} from '../../../sandbox/src/local-network/network.js';

type Json = Record<string, unknown>;
const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as Json;
const WAIT = { retryMs: 100, maxRetryMs: 400, askAfterMs: 400, giveUpMs: 1500 };

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a ciphertext lost on the addressee’s only peer is asked for and sent again (embedded ledger)', function () {
  this.timeout(120_000);
  let dir: string;
  let ledger: EmbeddedLedger;
  let net: LocalNetwork;
  const nodes = new Map<string, GatewayNode>();
  const logger = pino({ level: process.env.DMSNET_LOG_LEVEL ?? 'warn' });

  async function open(p: LocalParticipant): Promise<GatewayNode> {
    const node = await GatewayNode.open({
      participantId: p.id,
      dataDir: path.join(dir, 'nodes', p.key),
      ledger: p.ledger,
      keys: p.keys,
      keyVersion: 1,
      logger,
      ledgerHeight: () => ledger.height(),
      payloadWait: WAIT,
    });
    await node.start();
    nodes.set(p.key, node);
    return node;
  }
  async function stop(key: string): Promise<void> {
    await nodes.get(key)?.stop();
    nodes.delete(key);
  }
  const envelope = async (id: string) =>
    decode(await net.get('insurer').ledger.evaluate('exchange:get', [id]));

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-resend-'));
    const msps = ['AssociationMSP', 'InsurerMSP', 'ClinicMSP'];
    const cas = new Map<string, LocalCA>();
    for (const m of msps) cas.set(m, await LocalCA.open(path.join(dir, 'ca', m), m));
    ledger = await EmbeddedLedger.open({
      dir: path.join(dir, 'ledger'),
      msps: [...cas].map(([mspId, ca]) => ({ mspId, rootCertificate: ca.certificate })),
    });
    const provider: LedgerProvider = {
      name: 'embedded ledger',
      ca: async (m) => cas.get(m) as LocalCA,
      connect: (identity) => ledger.connect(identity),
      height: () => ledger.height(),
      close: () => ledger.close(),
    };
    net = await startLocalNetwork({
      dir,
      provider,
      workflows: false,
      startNodes: false,
      participants: [
        { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
        { key: 'insurer', role: 'insurer', name: 'АО «СК Тест»', mspId: 'InsurerMSP' },
        // A clinic whose organisation runs one peer: its ciphertexts have no second copy.
        { key: 'clinic', role: 'clinic', name: 'ООО «Клиника Тест»', mspId: 'ClinicMSP' },
      ],
    });
    // The network's own nodes were opened, not started: closed here, reopened with short waits.
    for (const p of net.participants.values()) await p.node.stop();
    await open(net.get('insurer'));
    await open(net.get('clinic'));
  });
  after(async () => {
    for (const key of [...nodes.keys()]) await stop(key);
    await ledger?.close();
    await closeCryptoWorkers();
    await rm(dir, { recursive: true, force: true });
  });

  async function sendWhileClinicAway(seed: number): Promise<{ id: string; doc: Json }> {
    await stop('clinic');
    const doc = generateDocument('insured-list', {
      seed,
      rows: 3,
      sender: net.get('insurer').party,
      addressee: net.get('clinic').party,
    });
    const rec = await nodes.get('insurer')!.send(doc);
    await until('the send committed', async () => {
      const v = await nodes.get('insurer')!.getDocument(rec.messageId);
      return v.status === 'SENT' ? true : undefined;
    });
    // The clinic organisation's only peer loses its private data before the clinic's gateway read the document.
    expect(await ledger.losePrivateData('ClinicMSP')).to.be.at.least(1);
    return { id: rec.messageId, doc: doc as unknown as Json };
  }

  it('delivers the document once: the clinic asks, the insurer re-sends the same bytes, nobody acts', async () => {
    const { id, doc: sent } = await sendWhileClinicAway(5301);
    const clinic = await open(net.get('clinic'));
    const received = await until('the clinic received it', async () => {
      const r = await clinic.received(id);
      return r && r.status === 'RECEIVED' ? r : undefined;
    });
    expect(received.rejection).to.equal(undefined);
    const env = await envelope(id);
    expect(env).to.include({ resendRequests: 1, resends: 1 });
    // Delivered once: one inbox record, DELIVERED once in the ledger's trail, the insurer's record says it re-sent.
    const inbox = await clinic.listInbox({ limit: 100 });
    expect(inbox.items.filter((r) => r.messageId === id)).to.have.length(1);
    const outRec = await until('DELIVERED at the insurer', async () => {
      const v = await nodes.get('insurer')!.getDocument(id);
      return v.status === 'DELIVERED' ? (v.record as Json) : undefined;
    });
    expect((outRec.resent as Json).count).to.equal(1);
    const trail = decode(
      await net.get('clinic').ledger.evaluate('exchange:history', [id]),
    ) as unknown as Json[];
    expect(trail.map((t) => t.status)).to.deep.equal(['SENT', 'DELIVERED']);
    // The re-sent ciphertext is the one the envelope's hash names (sealed once), and it opens to the document sent.
    expect(received.ciphertextHash).to.equal(env.ciphertextHash);
    expect(outRec.ciphertextHash).to.equal(env.ciphertextHash);
    const view = await clinic.getDocument(id);
    expect(view.document).to.deep.equal(sent);
  });

  it('asks at most three times; with the sender away it then refuses PAYLOAD_MISSING, and the sender sends nothing after', async () => {
    const { id } = await sendWhileClinicAway(5302);
    await stop('insurer');
    const clinic = await open(net.get('clinic'));
    const refused = await until(
      'the clinic gave up',
      async () => {
        const r = await clinic.received(id);
        return r && r.status === 'REJECTED' ? r : undefined;
      },
      60_000,
    );
    expect(refused.rejection?.code).to.equal('PAYLOAD_MISSING');
    // The refusal goes to the ledger as the clinic's status intent, drained by its worker.
    const refusedEnv = await until('REJECTED on the ledger', async () => {
      const e = await envelope(id);
      return e.status === 'REJECTED' ? e : undefined;
    });
    expect(refusedEnv).to.include({ resendRequests: 3, reason: 'PAYLOAD_MISSING' });
    await expectRefused(
      net.get('clinic').ledger.submit('exchange:requestResend', [id]),
      'RESEND_NOT_WAITING',
    );
    // Back, the insurer meets three requests for a refused document: the contract writes nothing for them.
    const insurer = await open(net.get('insurer'));
    await insurer.whenIdle();
    const env = await envelope(id);
    expect(env.resends ?? 0).to.equal(0);
    const view = await insurer.getDocument(id);
    expect(view.status).to.equal('REJECTED');
    expect((view.record as Json).resent).to.equal(undefined);
  });
});

async function expectRefused(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect((err as { code?: string }).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}
