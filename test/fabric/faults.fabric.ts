// Faults on a real Fabric network: a peer, an orderer and a gateway go down in the middle of a burst of sends.
// Each test prints sent / committed / delivered / duplicates / lost; the goal is 0 lost and 0 duplicated.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { generateDocument } from '@dmsnet/formats';
import type { FabricLedger } from '../../gateway/src/ledger/fabric/fabric-ledger.js';
import type { ChaincodeEvent, EventCheckpoint } from '../../gateway/src/ledger/types.js';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { findFabric } from '../../network/src/binaries.js';
import { startNode, stopNode } from '../../network/src/control.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { chaincodeQuery } from '../../network/src/cli-tools.js';
import type { NetworkState } from '../../network/src/state.js';
import { crashResult, runCrashChild } from '../gateway/node/crash-runner.js';
import { startFabric } from './backend.js';

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'АО «СК Север»', mspId: 'Insurer1MSP' },
  { key: 'insurer2', role: 'insurer', name: 'АО «СК Юг»', mspId: 'Insurer2MSP' },
  { key: 'clinic1', role: 'clinic', name: 'ООО «Клиника Один»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

interface Tally {
  sent: number;
  committed: number;
  delivered: number;
  duplicates: number;
  lost: number;
}

async function ledgerIds(
  net: LocalNetwork,
  key: string,
  fn: 'exchange:inbox' | 'exchange:outbox',
): Promise<string[]> {
  const p = net.get(key);
  const ids: string[] = [];
  let bookmark = '';
  do {
    const page = JSON.parse(
      Buffer.from(await p.ledger.evaluate(fn, [p.id, '{}', '500', bookmark])).toString('utf8'),
    ) as { items: Array<{ messageId: string }>; bookmark?: string };
    ids.push(...page.items.map((i) => i.messageId));
    bookmark = page.items.length ? (page.bookmark ?? '') : '';
  } while (bookmark);
  return ids;
}

/** Sends `count` one-row lists from `from` to `to` (seeds from `seed` on); their ledger ids. */
async function sendLists(
  from: LocalParticipant,
  to: LocalParticipant,
  count: number,
  seed: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const doc = generateDocument('insured-list', {
      seed: seed + i,
      rows: 1,
      sender: from.party,
      addressee: to.party,
    });
    await from.node.send(doc);
    ids.push(`${from.id}:${doc.header.documentId}`);
  }
  return ids;
}

function faultSuite(consensus: 'raft' | 'bft'): void {
  describe(`faults on a real Fabric network (${consensus === 'bft' ? 'SmartBFT, 4 orderers' : 'Raft, 3 orderers'})`, function () {
    this.timeout(900_000);
    let dir: string;
    let state: NetworkState;
    let nodesDir: string;
    let net: LocalNetwork;
    let seq = 0;

    before(async () => {
      ({ dir, state } = await startFabric(`faults-${consensus}`, { bft: consensus === 'bft' }));
      nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-nodes-'));
      net = await startLocalNetwork({
        dir: nodesDir,
        participants: PARTICIPANTS,
        provider: await fabricProvider(state),
        workflows: false,
      });
    });
    after(async () => {
      await net?.close();
      await closeCryptoWorkers();
      if (dir) await networkDown({ dir });
      if (nodesDir) await rm(nodesDir, { recursive: true, force: true });
    });

    /** Sends `n` lists insurer1 → clinic1; `fault` runs after a third of them, `heal` after two thirds. */
    async function burst(
      label: string,
      n: number,
      fault: () => Promise<void>,
      heal: () => Promise<void>,
    ): Promise<Tally> {
      const insurer = net.get('insurer1');
      const clinic = net.get('clinic1');
      const template = generateDocument('insured-list', {
        seed: 5,
        rows: 2,
        sender: insurer.party,
        addressee: clinic.party,
      });
      const ids: string[] = [];
      let healed = false;
      try {
        for (let i = 0; i < n; i++) {
          if (i === Math.floor(n / 3)) await fault();
          if (i === Math.floor((2 * n) / 3)) {
            healed = true;
            await heal();
          }
          const doc = structuredClone(template);
          doc.header.documentId = `${label}-${++seq}`;
          await insurer.node.send(doc);
          ids.push(`${insurer.id}:${doc.header.documentId}`);
        }
      } finally {
        // A failed burst must not leave the node down for the next test.
        if (!healed) await heal();
      }
      await insurer.node.whenIdle(600_000);
      await clinic.node.whenIdle(600_000);
      const want = new Set(ids);
      const committed = new Set(
        (await ledgerIds(net, 'insurer1', 'exchange:outbox')).filter((id) => want.has(id)),
      );
      const received = async () => {
        const out: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await clinic.node.listInbox({ limit: 500, cursor });
          out.push(...page.items.map((r) => r.messageId).filter((id) => want.has(id)));
          cursor = page.nextCursor;
        } while (cursor);
        return out;
      };
      // Without a ledger height to compare with, "idle" is a quiet half second at the addressee, which a loaded
      // machine can show between two events; what has not arrived within two minutes counts as lost.
      let inbox = await received();
      for (const deadline = Date.now() + 120_000; new Set(inbox).size < want.size && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 250));
        inbox = await received();
      }
      const distinct = new Set(inbox);
      const tally = {
        sent: ids.length,
        committed: committed.size,
        delivered: inbox.length,
        duplicates: inbox.length - distinct.size,
        lost: ids.filter((id) => !distinct.has(id)).length,
      };
      console.log(`      ${label}: ${JSON.stringify(tally)}`);
      return tally;
    }

    if (consensus === 'raft')
      it('a peer read by a client no one here wrote: peer chaincode query shows the envelope, metadata and hash only', async () => {
        const insurer = net.get('insurer1');
        const clinic = net.get('clinic1');
        const doc = generateDocument('insured-list', {
          seed: 9,
          rows: 3,
          sender: insurer.party,
          addressee: clinic.party,
        });
        const surname = String(
          (doc.body as { rows: Array<{ person: { lastName: string } }> }).rows[0].person.lastName,
        );
        await insurer.node.send(doc);
        await insurer.node.whenIdle(120_000);
        const fabric = await findFabric();
        const peer = state.topology.peers.find((p) => p.org === 'insurer1')!;
        // The peer CLI as the insurer's organisation admin: an identity the chaincode does not map to a participant
        // may still read public envelope metadata.
        const stdout = await chaincodeQuery(state.topology, fabric, peer, [
          'exchange:get',
          `${insurer.id}:${doc.header.documentId}`,
        ]);
        const envelope = JSON.parse(stdout) as Record<string, unknown>;
        expect(envelope.messageId).to.equal(`${insurer.id}:${doc.header.documentId}`);
        expect(envelope.sender).to.equal(insurer.id);
        expect(envelope.addressee).to.equal(clinic.id);
        expect(envelope.ciphertextHash).to.match(/^[0-9a-f]{64}$/);
        expect(stdout).to.not.include(surname);
        expect(stdout).to.not.include('"rows"');
      });

    if (consensus === 'raft')
      it('resumes inside a block of many transactions after exactly the checkpointed one', async () => {
        const insurer = net.get('insurer1');
        const insurer2 = net.get('insurer2');
        const clinic = net.get('clinic1');
        const ct = new Uint8Array(Buffer.alloc(512, 7));
        const hash = createHash('sha256').update(ct).digest('hex');
        const from = await (insurer.ledger as FabricLedger).height();
        const ids = Array.from({ length: 20 }, (_, i) => `${insurer.id}:multi-${i}`);
        // Endorsed first, then submitted together: the orderer receives them within milliseconds, so one block
        // (cut after 100 ms) holds many of them.
        const ledger = insurer.ledger as FabricLedger;
        const prepared = await Promise.all(
          ids.map((messageId) =>
            ledger.prepare(
              'exchange:send',
              [
                JSON.stringify({
                  messageId,
                  sender: insurer.id,
                  addressee: clinic.id,
                  documentType: 'insured-list',
                  formatVersion: '1',
                  ciphertextHash: hash,
                  size: ct.length,
                  senderKeyVersion: 1,
                }),
              ],
              { ciphertext: ct },
              { endorsingOrganizations: ['Insurer1MSP', 'ClinicHostMSP'] },
            ),
          ),
        );
        await Promise.all(prepared.map((p) => ledger.commitPrepared(p.bytes)));
        const mine = async (checkpoint: EventCheckpoint, want: number) => {
          const out: ChaincodeEvent[] = [];
          const ac = new AbortController();
          for await (const ev of insurer2.ledger.events(checkpoint, ac.signal)) {
            const p = JSON.parse(Buffer.from(ev.payload).toString()) as { messageId: string };
            if (ev.eventName === 'MessageSent' && ids.includes(p.messageId)) out.push(ev);
            if (out.length >= want) break;
          }
          return out;
        };
        const all = await mine({ blockNumber: from }, ids.length);
        const blocks = new Map<bigint, ChaincodeEvent[]>();
        for (const ev of all) blocks.set(ev.blockNumber, [...(blocks.get(ev.blockNumber) ?? []), ev]);
        const shared = [...blocks.values()].find((evs) => evs.length >= 2);
        expect(shared, 'twenty concurrent sends share a block').to.not.equal(undefined);
        const [first, second] = shared!;
        const resumed = await mine(
          { blockNumber: first!.blockNumber, transactionId: first!.transactionId },
          1,
        );
        expect(resumed[0]!.transactionId).to.equal(second!.transactionId);
      });

    if (consensus === 'raft')
      it('retries a status change that lost an MVCC conflict: concurrent DELIVERED and ACCEPTED end ACCEPTED', async () => {
        const insurer = net.get('insurer1');
        const clinic = net.get('clinic1');
        const ids = await sendLists(insurer, clinic, 5, 900);
        await insurer.node.whenIdle(120_000);
        const before = (clinic.ledger as FabricLedger).retries.newProposal;
        const outcomes = await Promise.all(
          ids.map((id) =>
            Promise.allSettled([
              clinic.ledger.submit('exchange:setStatus', [id, 'DELIVERED', '']),
              clinic.ledger.submit('exchange:setStatus', [id, 'ACCEPTED', '']),
            ]),
          ),
        );
        for (const [i, pair] of outcomes.entries()) {
          const codes = pair.flatMap((r) =>
            r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [],
          );
          // Moving back from ACCEPTED is refused by the contract; a conflict never reaches the caller.
          expect(
            codes.every((c) => c === 'STATUS_NOT_FORWARD'),
            codes.join(','),
          ).to.equal(true);
          const env = JSON.parse(
            Buffer.from(await clinic.ledger.evaluate('exchange:get', [ids[i]!])).toString(),
          ) as {
            status: string;
          };
          expect(env.status).to.equal('ACCEPTED');
        }
        const retried = (clinic.ledger as FabricLedger).retries.newProposal - before;
        console.log(`      new proposals after a conflict: ${retried}`);
        // And the conflict itself, made certain: two changes endorsed on the same state, committed one after the
        // other; the second is invalidated as an MVCC read conflict and classed for a new proposal.
        const doc = generateDocument('insured-list', {
          seed: 950,
          rows: 1,
          sender: insurer.party,
          addressee: clinic.party,
        });
        await insurer.node.send(doc);
        await insurer.node.whenIdle(120_000);
        const ledger = clinic.ledger as FabricLedger;
        const id = `${insurer.id}:${doc.header.documentId}`;
        // Once the clinic's node has written DELIVERED, nothing else touches the message.
        const statusOf = async () =>
          (
            JSON.parse(Buffer.from(await ledger.evaluate('exchange:get', [id])).toString()) as {
              status: string;
            }
          ).status;
        for (let i = 0; (await statusOf()) !== 'DELIVERED'; i++) {
          if (i > 300) throw new Error('the clinic never marked the message DELIVERED');
          await new Promise((r) => setTimeout(r, 100));
        }
        const rejected = await ledger.prepare('exchange:setStatus', [id, 'REJECTED', 'test']);
        const accepted = await ledger.prepare('exchange:setStatus', [id, 'ACCEPTED', '']);
        await ledger.commitPrepared(accepted.bytes);
        try {
          await ledger.commitPrepared(rejected.bytes);
          expect.fail('the second change read a stale version');
        } catch (err) {
          expect((err as { code?: string }).code).to.equal('MVCC_READ_CONFLICT');
          expect((err as { retry?: string }).retry).to.equal('new-proposal');
        }
        // The newest block holds only that invalid transaction, no event of ours: the sender's node still settles,
        // and only once it has handled the ACCEPTED before it.
        await insurer.node.whenIdle(60_000);
        expect((await insurer.node.getDocument(id)).record.status).to.equal('ACCEPTED');
      });

    if (consensus === 'raft')
      it('whenIdle means every event handled: twelve sends are all in the inbox the moment both nodes settle', async () => {
        const insurer = net.get('insurer1');
        const clinic = net.get('clinic1');
        const ids = await sendLists(insurer, clinic, 12, 980);
        // Settled by walking the blocks after each follower's position, not by a quiet period: no further wait.
        await insurer.node.whenIdle(120_000);
        await clinic.node.whenIdle(120_000);
        for (const id of ids) expect(await clinic.node.received(id), id).to.not.equal(undefined);
      });

    if (consensus === 'raft')
      it('stops one insurer’s peer during a burst of sends and restarts it: 0 lost, 0 duplicated', async () => {
        const tally = await burst(
          'peer-down',
          30,
          () => stopNode(state, 'peer0.insurer1'),
          () => startNode(state, 'peer0.insurer1'),
        );
        expect(tally).to.deep.include({ sent: 30, committed: 30, delivered: 30, duplicates: 0, lost: 0 });
      });

    it(`stops one of the ${consensus === 'bft' ? '4 SmartBFT' : '3 Raft'} orderers during a burst and restarts it: 0 lost, 0 duplicated`, async () => {
      // The first orderer: the Raft leader or the BFT view's first leader more often than not.
      const tally = await burst(
        `orderer-down-${consensus}`,
        30,
        () => stopNode(state, 'orderer1.association'),
        () => startNode(state, 'orderer1.association'),
      );
      expect(tally).to.deep.include({ sent: 30, committed: 30, delivered: 30, duplicates: 0, lost: 0 });
    });
  });
}

faultSuite('raft');
faultSuite('bft');

describe('a gateway killed -9 mid-stream on a real Fabric network', function () {
  this.timeout(900_000);

  it('restarts and delivers every document exactly once', async () => {
    const { dir } = await startFabric('gateway-crash');
    const nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-crash-'));
    try {
      const env = { DMSNET_FABRIC_DIR: dir };
      const first = await runCrashChild(nodesDir, 'send', { count: 150, killAfterQueued: 60, env });
      expect(first.code).to.equal(null);
      const second = await runCrashChild(nodesDir, 'resume', { count: 150, env });
      const r = crashResult(second);
      expect(r, second.out).to.not.equal(undefined);
      const tally = {
        sent: 150,
        committed: r!.ledgerDistinct,
        delivered: r!.inbox,
        duplicates: r!.inbox - r!.distinct,
        lost: 150 - r!.distinct,
      };
      console.log(`      gateway-kill-9: ${JSON.stringify(tally)}`);
      expect(r).to.deep.equal({ inbox: 150, distinct: 150, ledger: 150, ledgerDistinct: 150 });
    } finally {
      await networkDown({ dir });
      await rm(nodesDir, { recursive: true, force: true });
    }
  });
});
