// An evidence bundle made on a real Fabric network (decision record 0034): the node reads the blocks of the send, the
// receipt and the acknowledgement and the channel config through qscc as its own identity; dmsnet-verify's code
// checks them offline — data hashes, orderer signatures, endorsements by two organisations' peers, the writes — and
// names the block part that was tampered with.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { BUNDLE_FILES } from '../../gateway/src/evidence/bundle.js';
import { verifyEvidence } from '../../gateway/src/evidence/verify.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
} from '../../sandbox/src/local-network/network.js';
import { networkDown } from '../../network/src/down.js';
import { fabricProvider } from '../../sandbox/src/local-network/fabric-provider.js';
import { consoleProgress } from '../../network/src/progress.js';
import { networkUp } from '../../network/src/up.js';
import { GOST_SPECS } from '../gost/exchange-suite.js';
import { filesOf, tampered } from '../gateway/receipts/bundle-files.js';

/** Its own default, apart from the other Fabric suites', so it can run beside them. */
const PORT_BASE = Number(process.env.DMSNET_TEST_EVIDENCE_PORT_BASE ?? 29400);

async function settle(...ps: LocalParticipant[]): Promise<void> {
  for (let round = 0; round < 4; round++) for (const p of ps) await p.node.whenIdle();
}

/** A block with one change made through its protobufs (the file stays a well-formed block). */
function rewriteBlock(bytes: Uint8Array, change: (b: common.Block) => void): Uint8Array {
  const b = common.Block.deserializeBinary(bytes);
  change(b);
  return b.serializeBinary();
}

const flip = (bytes: Uint8Array) => {
  const c = Uint8Array.from(bytes);
  c[c.length - 3] ^= 1;
  return c;
};

describe('evidence bundles on a Fabric network', function () {
  this.timeout(900_000);
  let fabricDir: string;
  let dir: string;
  let net: LocalNetwork;
  let insurer: LocalParticipant;
  let clinic: LocalParticipant;
  let bundle: Uint8Array;

  before(async () => {
    fabricDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-fabric-evidence-'));
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-evidence-nodes-'));
    const state = await networkUp({
      dir: fabricDir,
      portBase: PORT_BASE,
      consensus: 'raft',
      progress: consoleProgress(),
    });
    net = await startLocalNetwork({
      dir,
      participants: GOST_SPECS,
      workflows: false,
      provider: await fabricProvider(state),
    });
    insurer = net.get('insurer');
    clinic = net.get('clinic');
    const doc = generateDocument('insured-list', {
      seed: 41,
      rows: 2,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const sent = await insurer.node.send(doc);
    // Sent, received and receipted, then the acknowledgement: each a transaction and an event for the other side.
    for (let i = 0; i < 60; i++) {
      await settle(insurer, clinic);
      const env = (await insurer.node.getDocument(sent.messageId)).envelope as { receiptAckHash?: string };
      if (env?.receiptAckHash) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    bundle = (await insurer.node.evidence(sent.messageId)).zip;
  });
  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    if (fabricDir) await networkDown({ dir: fabricDir });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the blocks of the send, the receipt and the acknowledgement, and verifies offline', async () => {
    const r = verifyEvidence(bundle);
    expect(
      r.checks.filter((c) => !c.ok),
      JSON.stringify(r.checks, null, 1),
    ).to.deep.equal([]);
    expect(r.ledger).to.equal('fabric');
    const parts = r.checks.map((c) => c.part);
    expect(parts).to.include.members([
      BUNDLE_FILES.configBlock,
      BUNDLE_FILES.block('send'),
      BUNDLE_FILES.block('receipt'),
      BUNDLE_FILES.block('acknowledgement'),
      BUNDLE_FILES.receipt,
      BUNDLE_FILES.ack,
      BUNDLE_FILES.block('sender-key'),
      BUNDLE_FILES.block('addressee-key'),
    ]);
    // The sender's key version and the addressee's GOST certificate, each proven by the directory's own block.
    const directoryChecks = r.checks.filter((c) => /directory entry/.test(c.en));
    expect(directoryChecks.map((c) => c.en).join('\n'))
      .to.match(/sender’s directory entry \(directory\.json#\/sender\/keys\/0\)/)
      .and.match(/addressee’s directory entry \(directory\.json#\/addressee\/signatureTrail\/\d+\)/);
    const files = await filesOf(bundle);
    expect(Buffer.from(files.get(BUNDLE_FILES.readme)!).toString('utf8')).to.contain('Hyperledger Fabric');
  });

  it('names the directory entry that no block proves: a swapped key, a missing block, another transaction’s block', async () => {
    const files = await filesOf(bundle);
    const directory = JSON.parse(Buffer.from(files.get(BUNDLE_FILES.directory)!).toString('utf8')) as {
      sender: { keys: Array<{ ed25519: string }> };
      addressee: { signatureTrail: Array<{ fingerprint?: string; certificate?: string }> };
    };
    const failing = async (changes: Record<string, Uint8Array | string | null>) =>
      verifyEvidence(await tampered(bundle, changes))
        .checks.filter((c) => !c.ok)
        .map((c) => c.part);

    // Another key put in the sender's entry: the document's signature fails, and the block names the entry.
    const swapped = structuredClone(directory);
    swapped.sender.keys[0]!.ed25519 = Buffer.alloc(32, 7).toString('base64');
    expect(await failing({ [BUNDLE_FILES.directory]: JSON.stringify(swapped) })).to.include.members([
      `${BUNDLE_FILES.directory}#/sender/keys/0`,
      BUNDLE_FILES.documentSig,
    ]);

    // The addressee's certificate entry rewritten: its block wrote another one.
    const cert = structuredClone(directory);
    const last = cert.addressee.signatureTrail.length - 1;
    cert.addressee.signatureTrail[last]!.fingerprint = 'ab'.repeat(32);
    expect(await failing({ [BUNDLE_FILES.directory]: JSON.stringify(cert) })).to.include(
      `${BUNDLE_FILES.directory}#/addressee/signatureTrail/${last}`,
    );

    // The block left out (file and index): the entry is no longer proven.
    const index = JSON.parse(Buffer.from(files.get(BUNDLE_FILES.proof)!).toString('utf8')) as {
      blocks: Array<{ name: string }>;
    };
    index.blocks = index.blocks.filter((b) => b.name !== 'sender-key');
    expect(
      await failing({
        [BUNDLE_FILES.block('sender-key')]: null,
        [BUNDLE_FILES.proof]: JSON.stringify(index),
      }),
    ).to.include(`${BUNDLE_FILES.directory}#/sender/keys/0/txId`);

    // The send's block in its place: a valid block, but not of the transaction that registered the key.
    expect(
      await failing({ [BUNDLE_FILES.block('sender-key')]: files.get(BUNDLE_FILES.block('send'))! }),
    ).to.include(BUNDLE_FILES.block('sender-key'));
  });

  it('names the block part tampered with: an endorsement, an orderer signature, the written data', async () => {
    const files = await filesOf(bundle);
    const receiptBlock = files.get(BUNDLE_FILES.block('receipt'))!;

    const endorsement = rewriteBlock(receiptBlock, (b) => {
      const env = common.Envelope.deserializeBinary(b.getData()!.getDataList_asU8()[0]!);
      const payload = common.Payload.deserializeBinary(env.getPayload_asU8());
      const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
      const action = tx.getActionsList()[0]!;
      const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      const e = cap.getAction()!.getEndorsementsList()[0]!;
      e.setSignature(flip(e.getSignature_asU8()));
      action.setPayload(cap.serializeBinary());
      payload.setData(tx.serializeBinary());
      env.setPayload(payload.serializeBinary());
      b.getData()!.setDataList([env.serializeBinary()]);
    });
    const r1 = verifyEvidence(await tampered(bundle, { [BUNDLE_FILES.block('receipt')]: endorsement }));
    // Re-serialising changed the data, so the data hash fails first: the verifier names the header.
    expect(r1.checks.filter((c) => !c.ok).map((c) => c.part)).to.include(
      `${BUNDLE_FILES.block('receipt')}/header/dataHash`,
    );

    const orderer = rewriteBlock(receiptBlock, (b) => {
      const md = b.getMetadata()!.getMetadataList_asU8();
      const sigs = common.Metadata.deserializeBinary(md[0]!);
      const s = sigs.getSignaturesList()[0]!;
      s.setSignature(flip(s.getSignature_asU8()));
      b.getMetadata()!.setMetadataList([sigs.serializeBinary(), ...md.slice(1)]);
    });
    const r2 = verifyEvidence(await tampered(bundle, { [BUNDLE_FILES.block('receipt')]: orderer }));
    expect(r2.checks.filter((c) => !c.ok).map((c) => c.part)).to.include(
      `${BUNDLE_FILES.block('receipt')}/metadata/signatures/0`,
    );

    const invalid = rewriteBlock(receiptBlock, (b) => {
      const md = b.getMetadata()!.getMetadataList_asU8();
      const filter = Uint8Array.from(md[2]!);
      filter[0] = peer.TxValidationCode.MVCC_READ_CONFLICT;
      b.getMetadata()!.setMetadataList([md[0]!, md[1]!, filter, ...md.slice(3)]);
    });
    const r3 = verifyEvidence(await tampered(bundle, { [BUNDLE_FILES.block('receipt')]: invalid }));
    expect(r3.checks.filter((c) => !c.ok).map((c) => c.part)).to.include(
      `${BUNDLE_FILES.block('receipt')}/metadata/transactionsFilter/0`,
    );

    // The receipt block of another message does not prove this one's receipt.
    const r4 = verifyEvidence(
      await tampered(bundle, { [BUNDLE_FILES.block('receipt')]: files.get(BUNDLE_FILES.block('send'))! }),
    );
    expect(r4.ok).to.equal(false);
    expect(r4.checks.filter((c) => !c.ok).map((c) => c.part)).to.include(BUNDLE_FILES.block('receipt'));
  });
});
