// The evidence bundle on the embedded ledger: made by either party, verified offline by dmsnet-verify's code and, for
// its GOST parts, by OpenSSL's GOST engine; each part tampered with is named by the verifier.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument } from '@dmsnet/formats';
import { BUNDLE_FILES } from '../../../gateway/src/evidence/bundle.js';
import { filesOf, tampered } from './bundle-files.js';
import { verifyEvidence, type VerifyReport } from '../../../gateway/src/evidence/verify.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type LocalParticipant,
  type ParticipantSpec,
} from '../../../sandbox/src/local-network/network.js';
import { opensslVerifyCms, requireGostEngine, scratchDir, writeIn } from '../../gost/openssl.js';

const SPECS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (пакет)', mspId: 'AssociationMSP' },
  { key: 'insurer', role: 'insurer', name: 'АО «СК Пакет»', mspId: 'Insurer1MSP' },
  {
    key: 'clinic',
    role: 'clinic',
    name: 'ООО «Клиника Пакет»',
    mspId: 'ClinicHostMSP',
    viaAttribute: true,
    signatureProfile: 'gost2012-256',
  },
];

async function settle(...ps: LocalParticipant[]): Promise<void> {
  for (let round = 0; round < 4; round++) for (const p of ps) await p.node.whenIdle();
}

const failed = (r: VerifyReport) => r.checks.filter((c) => !c.ok).map((c) => c.part);
const text = (files: Map<string, Uint8Array>, name: string) => Buffer.from(files.get(name)!).toString('utf8');

describe('evidence bundles (embedded ledger)', function () {
  this.timeout(240_000);
  let dir: string;
  let net: LocalNetwork;
  let insurer: LocalParticipant;
  let clinic: LocalParticipant;
  let toClinic: Uint8Array;
  let toInsurer: Uint8Array;

  before(async () => {
    requireGostEngine();
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-evidence-'));
    net = await startLocalNetwork({ dir, participants: SPECS, workflows: false });
    insurer = net.get('insurer');
    clinic = net.get('clinic');
    const list = generateDocument('insured-list', {
      seed: 11,
      rows: 2,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const a = await insurer.node.send(list);
    const prices = generateDocument('price-list', {
      seed: 12,
      sender: clinic.party,
      addressee: insurer.party,
    });
    const b = await clinic.node.send(prices);
    await settle(insurer, clinic);
    toClinic = (await insurer.node.evidence(a.messageId)).zip;
    toInsurer = (await clinic.node.evidence(b.messageId)).zip;
  });
  after(async () => {
    await net?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies offline, both ways, and says plainly what the embedded ledger proves', async () => {
    for (const zip of [toClinic, toInsurer]) {
      const r = verifyEvidence(zip);
      expect(failed(r), JSON.stringify(r.checks, null, 1)).to.deep.equal([]);
      expect(r.ledger).to.equal('embedded');
      const parts = r.checks.map((c) => c.part);
      expect(parts).to.include.members([
        BUNDLE_FILES.manifest,
        BUNDLE_FILES.documentSig,
        BUNDLE_FILES.receipt,
        BUNDLE_FILES.ack,
        BUNDLE_FILES.embedded,
      ]);
      const files = await filesOf(zip);
      expect(text(files, BUNDLE_FILES.readme)).to.contain('ПАКЕТ ДОКАЗАТЕЛЬСТВ');
      expect(text(files, BUNDLE_FILES.embedded)).to.contain('no independent signer');
    }
    // The same bundle through the dmsnet-verify binary: exit 0, then exit 1 for a tampered one.
    const file = path.join(dir, 'ok.zip');
    await writeFile(file, toClinic);
    const cli = path.resolve('dist/node-config/src/verify-cli.js');
    expect(execFileSync(process.execPath, [cli, file], { encoding: 'utf8' })).to.contain(
      'Все проверки пройдены',
    );
    const bad = path.join(dir, 'bad.zip');
    await writeFile(bad, await tampered(toClinic, { [BUNDLE_FILES.document]: '{"tampered":true}' }));
    let status = 0;
    try {
      execFileSync(process.execPath, [cli, bad, '--en'], { encoding: 'utf8' });
    } catch (err) {
      status = (err as { status: number }).status;
      expect((err as { stdout: string }).stdout).to.contain('does NOT verify');
    }
    expect(status).to.equal(1);
  });

  it('its GOST parts verify with openssl cms -verify -engine gost: the document (clinic) and the receipt (clinic)', async () => {
    const scratch = scratchDir();
    const a = await filesOf(toInsurer);
    const doc = opensslVerifyCms({
      signature: writeIn(scratch, 'doc.sig', a.get(BUNDLE_FILES.documentSig)!),
      content: writeIn(scratch, 'doc.json', a.get(BUNDLE_FILES.document)!),
      caFile: writeIn(scratch, 'roots.pem', a.get(BUNDLE_FILES.rootsPem)!),
    });
    expect(doc.status, doc.stderr).to.equal(0);
    const b = await filesOf(toClinic);
    const receipt = opensslVerifyCms({
      signature: writeIn(scratch, 'r.sig', b.get(BUNDLE_FILES.receiptSig)!),
      content: writeIn(scratch, 'r.json', b.get(BUNDLE_FILES.receiptContent)!),
      caFile: writeIn(scratch, 'roots2.pem', b.get(BUNDLE_FILES.rootsPem)!),
    });
    expect(receipt.status, receipt.stderr).to.equal(0);
  });

  it('names each part that was tampered with', async () => {
    const files = await filesOf(toClinic);
    const doc = text(files, BUNDLE_FILES.document);
    const receipt = JSON.parse(text(files, BUNDLE_FILES.receipt)) as {
      receipt: Record<string, unknown>;
      signature: string;
    };
    const envelope = JSON.parse(text(files, BUNDLE_FILES.envelope)) as Record<string, unknown>;
    const directory = JSON.parse(text(files, BUNDLE_FILES.directory)) as {
      addressee: { signatureTrail?: Array<{ fingerprint?: string }> };
      sender: { keys: Array<{ ed25519: string }> };
    };
    const flip = (b: Uint8Array) => {
      const c = Buffer.from(b);
      c[c.length - 5] ^= 1;
      return c;
    };
    const cases: Array<[string, Record<string, Uint8Array | string | null>, string[], boolean?]> = [
      [
        'the document’s bytes',
        { [BUNDLE_FILES.document]: doc.replace('"header"', '"header" ') },
        [BUNDLE_FILES.documentSig, `${BUNDLE_FILES.receipt}#/receipt/documentDigest`],
      ],
      [
        'the sender’s signature',
        { [BUNDLE_FILES.documentSig]: flip(files.get(BUNDLE_FILES.documentSig)!) },
        [BUNDLE_FILES.documentSig],
      ],
      [
        'the receipt’s content',
        {
          [BUNDLE_FILES.receipt]: JSON.stringify({
            ...receipt,
            receipt: { ...receipt.receipt, issuedAt: '2020-01-01T00:00:00.000Z' },
          }),
        },
        [BUNDLE_FILES.receipt],
      ],
      [
        'the receipt’s signature',
        {
          [BUNDLE_FILES.receipt]: JSON.stringify({
            ...receipt,
            signature: flip(Buffer.from(receipt.signature, 'base64')).toString('base64'),
          }),
          [BUNDLE_FILES.receiptSig]: null,
        },
        [`${BUNDLE_FILES.receipt}#/signature`],
      ],
      [
        'the ledger’s receipt hash',
        { [BUNDLE_FILES.envelope]: JSON.stringify({ ...envelope, receiptHash: 'b'.repeat(64) }) },
        [BUNDLE_FILES.receipt, `${BUNDLE_FILES.ack}#/receipt/acknowledges`],
      ],
      [
        'the addressee’s registered certificate',
        {
          [BUNDLE_FILES.directory]: JSON.stringify({
            ...directory,
            addressee: {
              ...directory.addressee,
              signatureTrail: (directory.addressee.signatureTrail ?? []).map((t) => ({
                ...t,
                fingerprint: 'c'.repeat(64),
              })),
            },
          }),
        },
        [`${BUNDLE_FILES.receipt}#/signature`],
      ],
      [
        'the sender’s key',
        {
          [BUNDLE_FILES.directory]: JSON.stringify({
            ...directory,
            sender: {
              ...directory.sender,
              keys: directory.sender.keys.map((k) => ({
                ...k,
                ed25519: Buffer.alloc(32, 7).toString('base64'),
              })),
            },
          }),
        },
        [BUNDLE_FILES.documentSig, `${BUNDLE_FILES.ack}#/signature`],
      ],
      ['a file the manifest does not list', { 'extra.txt': 'x' }, ['extra.txt'], true],
      [
        'a file whose hash the manifest does not hold',
        { [BUNDLE_FILES.trail]: '[]' },
        [BUNDLE_FILES.trail],
        true,
      ],
      [
        'a missing receipt',
        {
          [BUNDLE_FILES.receipt]: null,
          [BUNDLE_FILES.receiptContent]: null,
          [BUNDLE_FILES.receiptSig]: null,
        },
        [BUNDLE_FILES.receipt],
      ],
    ];
    for (const [what, changes, parts, keepManifest] of cases) {
      const r = verifyEvidence(await tampered(toClinic, changes, keepManifest));
      expect(r.ok, what).to.equal(false);
      expect(failed(r), what).to.deep.equal(parts);
    }
    const notZip = verifyEvidence(Buffer.from('not a zip at all'));
    expect(notZip.ok).to.equal(false);
    expect(notZip.checks[0]?.ru).to.contain('не читается как ZIP');
  });
});
