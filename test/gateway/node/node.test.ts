import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument, DmsnetError } from '@dmsnet/formats';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
} from '../../../sandbox/src/local-network/network.js';

const SPECS = [
  { key: 'association', role: 'association' as const, name: 'Союз (узел)', mspId: 'AssociationMSP' },
  { key: 'insurer', role: 'insurer' as const, name: 'АО «СК Узел»', mspId: 'InsurerMSP' },
  {
    key: 'clinic',
    role: 'clinic' as const,
    name: 'ООО «Клиника Узел»',
    mspId: 'InsurerMSP',
    viaAttribute: true,
  },
  { key: 'other', role: 'clinic' as const, name: 'ООО «Третья»', mspId: 'InsurerMSP', viaAttribute: true },
];

async function settle(...ps: LocalParticipant[]): Promise<void> {
  // A status set by one node is an event for the other: two rounds let replies and their echoes land.
  for (let round = 0; round < 3; round++) for (const p of ps) await p.node.whenIdle();
}

async function rejection(p: Promise<unknown>): Promise<DmsnetError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(DmsnetError);
    return e as DmsnetError;
  }
  throw new Error('expected a rejection');
}

describe('gateway node core', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  let insurer: LocalParticipant;
  let clinic: LocalParticipant;
  let other: LocalParticipant;
  const list = (seed: number) =>
    generateDocument('insured-list', { seed, rows: 3, sender: insurer.party, addressee: clinic.party });

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-node-'));
    net = await startLocalNetwork({ dir, participants: SPECS, workflows: false });
    insurer = net.get('insurer');
    clinic = net.get('clinic');
    other = net.get('other');
  });
  after(async () => {
    await net?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers a document: the addressee holds it RECEIVED, the sender sees DELIVERED, then ACCEPTED', async () => {
    const doc = list(101);
    const sent = await insurer.node.send(doc);
    expect(sent.addressee).to.equal(clinic.id);
    await settle(insurer, clinic);
    const inbox = await clinic.node.listInbox({});
    const got = inbox.items.find((r) => r.messageId === sent.messageId);
    expect(got?.status).to.equal('RECEIVED');
    const view = await clinic.node.getDocument(sent.messageId);
    expect(view.direction).to.equal('in');
    expect(view.document).to.deep.equal(doc);
    expect((await insurer.node.getDocument(sent.messageId)).status).to.equal('DELIVERED');

    await clinic.node.accept(sent.messageId, { comment: 'ок' });
    await settle(insurer, clinic);
    const out = await insurer.node.getDocument(sent.messageId);
    expect(out.status).to.equal('ACCEPTED');
    expect(out.trail.map((t) => t.status)).to.include.members(['SENT', 'DELIVERED', 'ACCEPTED']);
    const kinds = (await clinic.node.notifications.list(0, 100)).map((n) => n.kind);
    expect(kinds).to.include('document.received');
  });

  it('treats the same document again as the same record and a changed one under the same id as a conflict', async () => {
    const doc = list(102);
    const first = await insurer.node.send(doc);
    const again = await insurer.node.send(structuredClone(doc));
    expect(again.messageId).to.equal(first.messageId);
    expect(again.ciphertextHash).to.equal(first.ciphertextHash);
    const changed = list(102) as unknown as {
      header: Record<string, unknown>;
      body: Record<string, unknown>;
    };
    changed.header.createdAt = '2020-01-01T00:00:00Z';
    const err = await rejection(insurer.node.send(changed));
    expect(err.code).to.equal('MESSAGE_ID_CONFLICT');
    await settle(insurer, clinic);
    const inbox = await clinic.node.listInbox({ limit: 1000 });
    expect(inbox.items.filter((r) => r.messageId === first.messageId)).to.have.length(1);
  });

  it('refuses a document that breaks the format, names someone else as sender or an unknown addressee', async () => {
    const bad = list(103) as unknown as { header: Record<string, unknown> };
    delete bad.header.type;
    const invalid = await rejection(insurer.node.send(bad));
    expect(invalid.code).to.equal('DOCUMENT_INVALID');
    expect(invalid.errors.length).to.be.greaterThan(0);

    const notSelf = await rejection(clinic.node.send(list(104)));
    expect(notSelf.code).to.equal('SENDER_NOT_SELF');
    expect(notSelf.errors[0]?.pointer).to.equal('/header/sender/ogrn');

    const stranger = generateDocument('insured-list', { seed: 105, rows: 2, sender: insurer.party });
    const unknown = await rejection(insurer.node.send(stranger));
    expect(unknown.code).to.equal('ADDRESSEE_UNKNOWN');
    expect(unknown.errors[0]?.pointer).to.equal('/header/addressee/ogrn');
  });

  it('a rejection travels back as a reply with the row errors and sets REJECTED on both sides', async () => {
    const sent = await insurer.node.send(list(106));
    await settle(insurer, clinic);
    const errors = [{ pointer: '/body/rows/0/snils', code: 'SNILS_CHECKSUM', message: 'контрольная сумма' }];
    const rec = await clinic.node.reject(sent.messageId, { errors });
    expect(rec.status).to.equal('REJECTED');
    await settle(insurer, clinic);
    const [out] = (await insurer.node.listOutbox({ limit: 1000 })).items.filter(
      (r) => r.messageId === sent.messageId,
    );
    expect(out?.status).to.equal('REJECTED');
    expect(out?.reply?.decision).to.equal('REJECTED');
    expect(out?.reply?.errors).to.deep.equal(errors);
  });

  it('a third participant never receives a message not addressed to it', async () => {
    await insurer.node.send(list(107));
    await settle(insurer, clinic, other);
    expect((await other.node.listInbox({})).items).to.have.length(0);
    const err = await rejection(other.node.getDocument(list(107).header.documentId));
    expect(err.code).to.equal('NOT_FOUND');
  });

  it('lists with filters and pages through a cursor', async () => {
    const all = (await insurer.node.listOutbox({ limit: 1000 })).items;
    const first = await insurer.node.listOutbox({ limit: 2 });
    expect(first.items).to.have.length(2);
    expect(first.nextCursor).to.be.a('string');
    const second = await insurer.node.listOutbox({ limit: 1000, cursor: first.nextCursor });
    expect(first.items.length + second.items.length).to.equal(all.length);
    const accepted = await insurer.node.listOutbox({ status: 'ACCEPTED' });
    expect(accepted.items.every((r) => r.status === 'ACCEPTED')).to.equal(true);
  });
});
