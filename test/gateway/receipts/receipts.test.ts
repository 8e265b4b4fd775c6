// Signed receipts between gateways on the embedded ledger: the addressee signs what it opened (Ed25519 or GOST CMS),
// the ledger keeps the hash with DELIVERED, the sender verifies and acknowledges it, and a forged or missing receipt
// is kept as what it is. Decision record 0034.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument } from '@dmsnet/formats';
import { Ed25519Signer, sodium } from '../../../gateway/src/crypto/index.js';
import { boxSeal } from '../../../gateway/src/crypto/sealed-box.js';
import { toPem } from '@dmsnet/gost';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
  type ParticipantSpec,
} from '../../../sandbox/src/local-network/network.js';
import { currentKeyOf } from '../../../gateway/src/node/directory.js';
import {
  receiptBytes,
  receiptHash,
  RECEIPT_FORMAT,
  signReceipt,
  type Receipt,
} from '../../../gateway/src/receipts/receipt.js';
import { opensslVerifyCms, requireGostEngine, scratchDir, writeIn } from '../../gost/openssl.js';

const SPECS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (квитанции)', mspId: 'AssociationMSP' },
  { key: 'insurer', role: 'insurer', name: 'АО «СК Квитанция»', mspId: 'Insurer1MSP' },
  {
    key: 'clinic',
    role: 'clinic',
    name: 'ООО «Клиника ГОСТ-квитанция»',
    mspId: 'ClinicHostMSP',
    viaAttribute: true,
    signatureProfile: 'gost2012-256',
  },
  { key: 'old', role: 'clinic', name: 'ООО «Старый шлюз»', mspId: 'ClinicHostMSP', viaAttribute: true },
];

async function settle(...ps: LocalParticipant[]): Promise<void> {
  for (let round = 0; round < 4; round++) for (const p of ps) await p.node.whenIdle();
}

describe('signed receipts', function () {
  this.timeout(180_000);
  let dir: string;
  let net: LocalNetwork;
  let insurer: LocalParticipant;
  let clinic: LocalParticipant;
  let old: LocalParticipant;
  const list = (seed: number, to: LocalParticipant) => {
    const d = generateDocument('insured-list', { seed, rows: 2, sender: insurer.party, addressee: to.party });
    (d as unknown as { header: { documentId: string } }).header.documentId =
      `rcpt-${seed}-${Date.now().toString(36)}`;
    return d;
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-receipts-'));
    net = await startLocalNetwork({ dir, participants: SPECS, workflows: false });
    insurer = net.get('insurer');
    clinic = net.get('clinic');
    old = net.get('old');
  });
  after(async () => {
    await net?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a GOST addressee signs a receipt over the bytes it opened; the sender verifies it and acknowledges it', async () => {
    requireGostEngine();
    const sent = await insurer.node.send(list(1, clinic));
    await settle(insurer, clinic);
    const out = await insurer.node.getDocument(sent.messageId);
    expect(out.status).to.equal('DELIVERED');
    const rec = out.record as { receipt?: { state: string; hash: string; acknowledgementHash?: string } };
    expect(rec.receipt?.state).to.equal('VERIFIED');
    const delivery = out.receipts?.delivery;
    expect(delivery?.state).to.equal('VERIFIED');
    const r = delivery!.signed!.receipt;
    expect(r.documentDigest).to.equal(sent.digest);
    expect(r.ciphertextHash).to.equal(sent.ciphertextHash);
    expect(r.signer).to.deep.equal({ participant: clinic.id, keyVersion: 1, profile: 'gost2012-256' });
    const envelope = out.envelope as { receiptHash?: string; receiptAckHash?: string };
    expect(envelope.receiptHash).to.equal(receiptHash(r)).and.to.equal(rec.receipt?.hash);
    expect(out.trail.map((t) => t.status)).to.include('DELIVERED');

    // The receipt's CMS is what OpenSSL's GOST engine checks, against the sandbox root.
    const scratch = scratchDir();
    const roots = await insurer.node.directory.trustedRoots();
    const verified = opensslVerifyCms({
      signature: writeIn(scratch, 'receipt.sig', Buffer.from(delivery!.signed!.signature, 'base64')),
      content: writeIn(scratch, 'receipt.json', receiptBytes(r)),
      caFile: writeIn(scratch, 'root.pem', roots.map((c) => toPem(c.der)).join('')),
    });
    expect(verified.status, verified.stderr).to.equal(0);
    // …and not over other bytes.
    const tampered = opensslVerifyCms({
      signature: writeIn(scratch, 'receipt2.sig', Buffer.from(delivery!.signed!.signature, 'base64')),
      content: writeIn(
        scratch,
        'receipt2.json',
        receiptBytes({ ...r, issuedAt: '2020-01-01T00:00:00.000Z' }),
      ),
      caFile: writeIn(scratch, 'root2.pem', roots.map((c) => toPem(c.der)).join('')),
    });
    expect(tampered.status).to.not.equal(0);

    // The acknowledgement went to the ledger and the addressee verified it.
    expect(envelope.receiptAckHash).to.equal(rec.receipt?.acknowledgementHash);
    const inView = await clinic.node.getDocument(sent.messageId);
    expect(inView.receipts?.delivery?.state).to.equal('ISSUED');
    expect(inView.receipts?.acknowledgement?.state).to.equal('VERIFIED');
    expect(inView.receipts?.acknowledgement?.signed?.receipt.acknowledges).to.equal(rec.receipt?.hash);
    const inRec = inView.record as { receipt?: { hash: string; acknowledgement?: { state: string } } };
    expect(inRec.receipt?.hash).to.equal(rec.receipt?.hash);
    expect(inRec.receipt?.acknowledgement?.state).to.equal('VERIFIED');
  });

  it('an Ed25519 addressee signs its receipt with its directory key', async () => {
    const doc = generateDocument('price-list', { seed: 7, sender: clinic.party, addressee: insurer.party });
    (doc as unknown as { header: { documentId: string } }).header.documentId =
      `pl-rcpt-${Date.now().toString(36)}`;
    const sent = await clinic.node.send(doc);
    await settle(insurer, clinic);
    const out = await clinic.node.getDocument(sent.messageId);
    expect(out.receipts?.delivery?.state).to.equal('VERIFIED');
    expect(out.receipts?.delivery?.signed?.receipt.signer.profile).to.equal('ed25519');
    expect(out.receipts?.acknowledgement?.state).to.equal('ISSUED');
  });

  it('a clarification request is a third answer: REJECTED with CLARIFICATION_REQUESTED, the comment reaches the sender', async () => {
    const sent = await insurer.node.send(list(2, clinic));
    await settle(insurer, clinic);
    const empty = await clinic.node.clarify(sent.messageId, { comment: '  ' }).catch((e: unknown) => e);
    expect((empty as { code?: string }).code).to.equal('INVALID_ARGUMENT');
    expect((empty as { errors: Array<{ pointer: string }> }).errors[0]?.pointer).to.equal('/comment');
    const rec = await clinic.node.clarify(sent.messageId, { comment: 'Уточните номер полиса в строке 2' });
    expect(rec.status).to.equal('REJECTED');
    expect(rec.rejection?.code).to.equal('CLARIFICATION_REQUESTED');
    await settle(insurer, clinic);
    const out = await insurer.node.getDocument(sent.messageId);
    expect(out.status).to.equal('REJECTED');
    const reply = (out.record as { reply?: { errors?: Array<{ code: string; message: string }> } }).reply;
    expect(reply?.errors?.[0]).to.include({
      code: 'CLARIFICATION_REQUESTED',
      message: 'Уточните номер полиса в строке 2',
    });
    // The technical receipt stays apart from the business answer.
    expect(out.receipts?.delivery?.state).to.equal('VERIFIED');
  });

  it('an old gateway’s DELIVERED without a receipt still works, and a forged receipt is kept INVALID with its field', async () => {
    // "old" stands for a gateway of an earlier version: its node is stopped and its identity acts by hand.
    await old.node.stop();
    const plain = await insurer.node.send(list(3, old));
    const forged = await insurer.node.send(list(4, old));
    await settle(insurer);
    await old.ledger.submit('exchange:setStatus', [plain.messageId, 'DELIVERED', '']);
    const receipt: Receipt = {
      format: RECEIPT_FORMAT,
      kind: 'delivery',
      messageId: forged.messageId,
      sender: insurer.id,
      addressee: old.id,
      ciphertextHash: forged.ciphertextHash,
      documentDigest: '0'.repeat(64),
      issuedAt: new Date().toISOString(),
      signer: { participant: old.id, keyVersion: 1, profile: 'ed25519' },
    };
    const signed = await signReceipt(receipt, new Ed25519Signer(old.keys.signSecretKey));
    const to = currentKeyOf(await insurer.node.directory.participant(insurer.id));
    const sealed = boxSeal(await sodium(), Buffer.from(JSON.stringify(signed)), to.x25519);
    await old.ledger.submit('receipts:record', [
      forged.messageId,
      JSON.stringify({
        kind: 'delivery',
        receiptHash: receiptHash(receipt),
        sealed: Buffer.from(sealed).toString('base64'),
      }),
    ]);
    await settle(insurer);

    const p = await insurer.node.getDocument(plain.messageId);
    expect(p.status).to.equal('DELIVERED');
    expect((p.record as { receipt?: unknown }).receipt).to.equal(undefined);
    expect(p.receipts).to.equal(undefined);

    const f = await insurer.node.getDocument(forged.messageId);
    expect(f.status).to.equal('DELIVERED');
    expect(f.receipts?.delivery?.state).to.equal('INVALID');
    expect(f.receipts?.delivery?.code).to.equal('RECEIPT_INVALID');
    expect(f.receipts?.delivery?.message).to.contain('/receipt/documentDigest');
    expect(f.receipts?.acknowledgement).to.equal(undefined);

    // The ledger refuses a second receipt, and one from anyone but the addressee.
    const again = await old.ledger
      .submit('receipts:record', [
        forged.messageId,
        JSON.stringify({
          kind: 'delivery',
          receiptHash: 'a'.repeat(64),
          sealed: Buffer.from(sealed).toString('base64'),
        }),
      ])
      .catch((e: unknown) => e);
    expect((again as { code?: string }).code).to.equal('RECEIPT_EXISTS');
    const stranger = await insurer.ledger
      .submit('receipts:record', [
        plain.messageId,
        JSON.stringify({
          kind: 'delivery',
          receiptHash: 'a'.repeat(64),
          sealed: Buffer.from(sealed).toString('base64'),
        }),
      ])
      .catch((e: unknown) => e);
    expect((stranger as { code?: string }).code).to.equal('RECEIPT_NOT_PARTY');
    const malformed = await old.ledger
      .submit('receipts:record', [
        plain.messageId,
        JSON.stringify({ kind: 'delivery', receiptHash: 'xyz', sealed: '' }),
      ])
      .catch((e: unknown) => e);
    // A ledger error carries its code and message (the pointer first), as Fabric's would.
    expect((malformed as { code?: string }).code).to.equal('INVALID_ARGUMENT');
    expect((malformed as Error).message).to.contain('/receiptHash must be SHA-256 hex');
  });
});
