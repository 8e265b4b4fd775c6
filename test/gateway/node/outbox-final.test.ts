// The outbox on the embedded ledger gives up on a send the contract refuses for good, whatever the code: the
// refusals once missing from its hand-made never-retry list (MESSAGE_ID_FOREIGN, CORRECTS_FOREIGN, PAYLOAD_PURGED)
// were retried forever there, while Fabric's client already called every contract refusal final.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument } from '@dmsnet/formats';
import { LedgerError } from '../../../gateway/src/ledger/errors.js';
import type { LedgerClient } from '../../../gateway/src/ledger/types.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
} from '../../../sandbox/src/local-network/network.js';

const SPECS = [
  { key: 'association', role: 'association' as const, name: 'Союз (исходящие)', mspId: 'AssociationMSP' },
  { key: 'insurer', role: 'insurer' as const, name: 'АО «СК Исходящие»', mspId: 'InsurerMSP' },
  { key: 'clinic', role: 'clinic' as const, name: 'ООО «Клиника Исходящие»', mspId: 'ClinicMSP' },
];

type Envelope = Record<string, unknown>;

describe('outbox: a final refusal ends the send FAILED on the embedded ledger', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  let insurer: LocalParticipant;
  let clinic: LocalParticipant;
  /** Per document id: how the envelope is spoilt on its way to the ledger, and how often it was submitted. */
  const spoil = new Map<string, { change: (e: Envelope) => Envelope | Error; attempts: number }>();

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-outbox-final-'));
    net = await startLocalNetwork({ dir, participants: SPECS, workflows: false });
    insurer = net.get('insurer');
    clinic = net.get('clinic');
    // The node holds this very client: a send passes through here to the real chaincode, spoilt as a faulty or
    // hostile gateway would send it.
    const ledger: LedgerClient = insurer.ledger;
    const submit = ledger.submit.bind(ledger);
    ledger.submit = async (fn, args, transient, options) => {
      if (fn !== 'exchange:send') return submit(fn, args, transient, options);
      const env = JSON.parse(args[0]) as Envelope;
      const s = spoil.get(String(env.messageId).split(':').slice(1).join(':'));
      if (!s) return submit(fn, args, transient, options);
      s.attempts++;
      const changed = s.change(env);
      if (changed instanceof Error) throw changed;
      return submit(fn, [JSON.stringify(changed), ...args.slice(1)], transient, options);
    };
  });
  after(async () => {
    await net?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sendSpoilt = async (seed: number, change: (e: Envelope) => Envelope | Error) => {
    const doc = generateDocument('insured-list', {
      seed,
      rows: 2,
      sender: insurer.party,
      addressee: clinic.party,
    }) as unknown as { header: { documentId: string } };
    const s = { change, attempts: 0 };
    spoil.set(doc.header.documentId, s);
    const rec = await insurer.node.send(doc);
    const deadline = Date.now() + 10_000;
    let view = await insurer.node.getDocument(rec.messageId);
    while (view.record.status === 'PENDING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = await insurer.node.getDocument(rec.messageId);
    }
    // Retried, the send would still be PENDING with its attempts climbing every few hundred milliseconds.
    await new Promise((r) => setTimeout(r, 1_000));
    return { record: (await insurer.node.getDocument(rec.messageId)).record, attempts: s.attempts };
  };
  const failedWith = (r: { record: { status: string; lastError?: { code: string } }; attempts: number }) => {
    expect(r.record.status).to.equal('FAILED');
    expect(r.attempts).to.equal(1);
    return r.record.lastError?.code;
  };

  it('MESSAGE_ID_FOREIGN: a message id that is not its sender’s', async () => {
    const r = await sendSpoilt(1, (e) => ({
      ...e,
      messageId: String(e.messageId).replace(insurer.id, clinic.id),
    }));
    expect(failedWith(r)).to.equal('MESSAGE_ID_FOREIGN');
  });

  it('CORRECTS_FOREIGN: a correction of another sender’s message', async () => {
    const r = await sendSpoilt(2, (e) => ({ ...e, corrects: `${clinic.id}:someone-elses` }));
    expect(failedWith(r)).to.equal('CORRECTS_FOREIGN');
  });

  it('PAYLOAD_PURGED: the refusal as the embedded ledger throws it', async () => {
    // No send meets a purged payload on today's contract (only a read does); the ledger's own error class and
    // message shape stand in for a contract that would refuse so.
    const r = await sendSpoilt(
      3,
      () => new LedgerError('PAYLOAD_PURGED', 'PAYLOAD_PURGED: the payload was purged'),
    );
    expect(failedWith(r)).to.equal('PAYLOAD_PURGED');
  });

  it('a transient refusal is still retried until it passes', async () => {
    let left = 2;
    const r = await sendSpoilt(4, (e) =>
      left-- > 0 ? new LedgerError('LEDGER_UNAVAILABLE', 'LEDGER_UNAVAILABLE: down for a moment') : e,
    );
    expect(r.record.status).to.be.oneOf(['SENT', 'DELIVERED']);
    expect(r.attempts).to.equal(3);
  });
});
