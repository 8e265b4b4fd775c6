// GOST signatures between gateways, one suite for both ledgers (test/gost/exchange.test.ts runs it on the embedded
// ledger, test/fabric/gost.fabric.ts on Fabric): every signature a GOST participant's gateway makes verifies with
// OpenSSL's GOST engine, and every bad one is refused by the addressee's gateway with its own code, which the ledger
// records as the message's reason.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { DmsnetError, generateDocument, type DocumentType } from '@dmsnet/formats';
import { sealDocument, sha256Hex } from '../../gateway/src/crypto/index.js';
import { parseCertificate, signCms, toPem } from '@dmsnet/gost';
import { SandboxGostCa } from '../../sandbox/src/local-network/gost-ca.js';
import {
  type LocalNetwork,
  type LocalParticipant,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';
import { currentKeyOf } from '../../gateway/src/node/directory.js';
import { sendEndorsers } from '../../gateway/src/node/endorsers.js';
import { openssl, opensslVerifyCms, requireGostEngine, scratchDir, writeIn } from './openssl.js';

export const GOST_SPECS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (ГОСТ)', mspId: 'AssociationMSP' },
  { key: 'insurer', role: 'insurer', name: 'АО «СК ГОСТ»', mspId: 'Insurer1MSP' },
  {
    key: 'clinic',
    role: 'clinic',
    name: 'ООО «Клиника ГОСТ»',
    mspId: 'ClinicHostMSP',
    viaAttribute: true,
    signatureProfile: 'gost2012-256',
  },
];

type Doc = { header: Record<string, unknown>; body: Record<string, unknown> };

export function docFrom(type: DocumentType, seed: number, from: LocalParticipant, to: LocalParticipant): Doc {
  const d = generateDocument(type, { seed, sender: from.party, addressee: to.party }) as unknown as Doc;
  d.header.documentId = `${type}-gost-${seed}-${Date.now().toString(36)}`;
  return d;
}

/**
 * Seals and sends as `from` exactly as its outbox would, but with whatever signature (and signed text) the test
 * chooses: what a faulty or hostile sender could put on the ledger.
 */
export async function sendRaw(
  from: LocalParticipant,
  to: LocalParticipant,
  doc: Doc,
  o: { signature?: Uint8Array; canonical?: string },
): Promise<string> {
  const canonical = o.canonical ?? canonicalJson({ header: doc.header, body: doc.body });
  const addressee = await from.node.directory.participant(to.id);
  const ct = await sealDocument({
    document: doc,
    canonical,
    signSecretKey: from.keys.signSecretKey,
    signature: o.signature ? { profile: 'gost2012-256', bytes: o.signature } : undefined,
    senderId: from.id,
    keyVersion: 1,
    recipientBoxPublicKey: currentKeyOf(addressee).x25519,
  });
  const id = `${from.id}:${String(doc.header.documentId)}`;
  const envelope = {
    messageId: id,
    sender: from.id,
    addressee: to.id,
    documentType: String(doc.header.type),
    formatVersion: String(doc.header.formatVersion),
    ciphertextHash: sha256Hex(ct),
    size: ct.byteLength,
    senderKeyVersion: 1,
  };
  const endorsingOrganizations = await sendEndorsers(from.node.directory, from.id, to.id);
  await from.ledger.submit(
    'exchange:send',
    [JSON.stringify(envelope)],
    { ciphertext: ct },
    { endorsingOrganizations },
  );
  return id;
}

async function ledgerStatus(p: LocalParticipant, id: string): Promise<{ status: string; reason?: string }> {
  return JSON.parse(Buffer.from(await p.ledger.evaluate('exchange:get', [id])).toString('utf8')) as {
    status: string;
    reason?: string;
  };
}

async function refusal(p: Promise<unknown>): Promise<DmsnetError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(DmsnetError);
    return err as DmsnetError;
  }
  throw new Error('expected a refusal');
}

/** Starts a network of GOST_SPECS in `dir` on the ledger under test. */
export type NetworkStarter = (dir: string) => Promise<LocalNetwork>;

export function gostExchangeSuite(
  ledgerName: string,
  start: NetworkStarter,
  o: { timeoutMs?: number; cleanup?: () => Promise<void> } = {},
): void {
  describe(`GOST signatures between gateways (${ledgerName})`, function () {
    this.timeout(o.timeoutMs ?? 120_000);
    let dir: string;
    let net: LocalNetwork;
    let insurer: LocalParticipant;
    let clinic: LocalParticipant;
    let ca: SandboxGostCa;
    let scratch: string;

    const settle = async () => {
      for (let i = 0; i < 3; i++) for (const p of [insurer, clinic]) await p.node.whenIdle();
    };
    const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

    before(async () => {
      requireGostEngine();
      dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-gost-'));
      net = await start(dir);
      insurer = net.get('insurer');
      clinic = net.get('clinic');
      ca = await SandboxGostCa.open(path.join(dir, 'gost-ca'));
      scratch = scratchDir();
    });
    after(async () => {
      await net?.close();
      await o.cleanup?.();
      await rm(dir, { recursive: true, force: true });
    });

    it('registers the profile with its trail; the directory refuses bad certificates with their codes', async () => {
      const me = (await clinic.node.directory.participant(clinic.id)) as {
        signature?: { profile: string; fingerprint?: string };
        signatureTrail?: unknown[];
      };
      expect(me.signature?.profile).to.equal('gost2012-256');
      expect(me.signature?.fingerprint).to.equal(parseCertificate(clinic.keys.gost!.certificate).fingerprint);
      expect(me.signatureTrail).to.have.length(1);
      const set = (who: LocalParticipant, body: unknown) =>
        who.ledger.submit('directory:setSignatureProfile', [clinic.id, JSON.stringify(body)]);
      const rogue = await SandboxGostCa.open(path.join(dir, 'rogue-ca'), 'rogue CA');
      const cases: Array<[unknown, string, string?]> = [
        [{ profile: 'rsa' }, 'INVALID_ARGUMENT', '/profile'],
        [{ profile: 'gost2012-256' }, 'INVALID_ARGUMENT', '/certificate'],
        [{ profile: 'gost2012-256', certificate: 'not base64 DER!' }, 'INVALID_ARGUMENT', '/certificate'],
        [
          { profile: 'gost2012-256', certificate: b64(Buffer.from('0123456789')) },
          'INVALID_ARGUMENT',
          '/certificate',
        ],
        [
          { profile: 'gost2012-256', certificate: b64(ca.certificate.der) },
          'INVALID_ARGUMENT',
          '/certificate',
        ],
        [
          { profile: 'gost2012-256', certificate: b64(rogue.issue('CN=x').certificate) },
          'CERT_ISSUER_UNTRUSTED',
        ],
        [
          {
            profile: 'gost2012-256',
            certificate: b64(ca.issue('CN=x', 60_000, Date.now() - 3_600_000).certificate),
          },
          'CERT_EXPIRED',
        ],
        [
          { profile: 'ed25519', certificate: b64(ca.issue('CN=x').certificate) },
          'INVALID_ARGUMENT',
          '/certificate',
        ],
      ];
      for (const [body, code, pointer] of cases) {
        const err = await refusal(set(clinic, body));
        expect(err.code, JSON.stringify(body).slice(0, 80)).to.equal(code);
        // The pointer travels in the message: a Fabric client sees only the message of an endorsement error.
        if (pointer) expect(err.message).to.contain(pointer);
      }
      expect((await refusal(set(insurer, { profile: 'ed25519' }))).code).to.equal('NOT_AUTHORIZED');
      expect(
        (
          await refusal(
            clinic.ledger.submit('directory:addTrustedRoot', [
              JSON.stringify({ certificate: b64(rogue.certificate.der) }),
            ]),
          )
        ).code,
      ).to.equal('NOT_AUTHORIZED');
    });

    it('signs every document type the clinic sends as CMS that OpenSSL verifies over the canonical bytes', async () => {
      const rootPem = writeIn(scratch, 'root.pem', toPem(ca.certificate.der));
      const ids: string[] = [];
      for (const [i, type] of (['price-list', 'invoice'] as DocumentType[]).entries()) {
        const rec = await clinic.node.send(docFrom(type, 40 + i, clinic, insurer));
        ids.push(rec.messageId);
      }
      await settle();
      for (const id of ids) {
        const received = await insurer.node.getDocument(id);
        expect(received.record.status, id).to.equal('RECEIVED');
        for (const side of [clinic, insurer]) {
          const x = await side.node.exportSignature(id);
          expect(x.chain).to.have.length(2);
          const r = opensslVerifyCms({
            signature: writeIn(scratch, `${side.key}-${id}.sig`, x.signature),
            content: writeIn(scratch, `${side.key}-${id}.json`, x.canonical),
            caFile: rootPem,
            cades: true,
          });
          expect(r.status, r.stderr).to.equal(0);
          expect(r.stderr).to.match(/Verification successful/);
        }
      }
    });

    it('accepts a CMS that OpenSSL signed with the registered GOST key', async () => {
      const doc = docFrom('invoice', 60, clinic, insurer);
      const canonical = canonicalJson({ header: doc.header, body: doc.body });
      const out = path.join(scratch, 'openssl-signed.sig');
      const { privateKeyPkcs8Pem } = await import('@dmsnet/gost');
      const r = openssl([
        'cms',
        '-sign',
        '-engine',
        'gost',
        '-binary',
        '-outform',
        'DER',
        '-md',
        'md_gost12_256',
        '-cades',
        '-nosmimecap',
        '-in',
        writeIn(scratch, 'openssl-signed.json', canonical),
        '-signer',
        writeIn(scratch, 'clinic.pem', toPem(clinic.keys.gost!.certificate)),
        '-inkey',
        writeIn(scratch, 'clinic.key', privateKeyPkcs8Pem(clinic.keys.gost!.privateKey)),
        '-out',
        out,
      ]);
      expect(r.status, r.stderr).to.equal(0);
      const { readFileSync } = await import('node:fs');
      const id = await sendRaw(clinic, insurer, doc, { signature: new Uint8Array(readFileSync(out)) });
      await settle();
      expect((await insurer.node.getDocument(id)).record.status).to.equal('RECEIVED');
    });

    it('refuses a flipped byte, a certificate of an untrusted CA or another than the registered one, and an Ed25519 signature', async () => {
      const registered = {
        cert: parseCertificate(clinic.keys.gost!.certificate),
        key: clinic.keys.gost!.privateKey,
      };
      const rogue = await SandboxGostCa.open(path.join(dir, 'rogue-ca'), 'rogue CA');
      const cases: Array<[string, (doc: Doc, canonical: string) => Promise<string>]> = [
        [
          'SIGNATURE_INVALID',
          (doc, canonical) => {
            const signature = signCms({
              content: Buffer.from(canonical),
              certificate: registered.cert,
              privateKey: registered.key,
            });
            // One byte of the signed text changed after signing (an amount's digit).
            const flipped = canonical.replace(
              /"amount":(\d)/,
              (_m, d: string) => `"amount":${(Number(d) + 1) % 10}`,
            );
            expect(flipped).to.not.equal(canonical);
            return sendRaw(clinic, insurer, doc, { signature, canonical: flipped });
          },
        ],
        [
          // The registered certificate is looked for first (decision record 0023): one from an untrusted CA is not it,
          // and is refused before its chain is looked at. An untrusted chain of the registered certificate itself is
          // the CERT_UNTRUSTED of the next test.
          'CERT_NOT_REGISTERED',
          (doc, canonical) => {
            const m = rogue.issue(registered.cert.subject);
            const signature = signCms({
              content: Buffer.from(canonical),
              certificate: parseCertificate(m.certificate),
              privateKey: m.privateKey,
            });
            return sendRaw(clinic, insurer, doc, { signature });
          },
        ],
        [
          'CERT_NOT_REGISTERED',
          (doc, canonical) => {
            const m = ca.issue(registered.cert.subject);
            const signature = signCms({
              content: Buffer.from(canonical),
              certificate: parseCertificate(m.certificate),
              privateKey: m.privateKey,
            });
            return sendRaw(clinic, insurer, doc, { signature });
          },
        ],
        ['SIGNATURE_PROFILE_MISMATCH', (doc) => sendRaw(clinic, insurer, doc, {})],
      ];
      for (const [i, [code, send]] of cases.entries()) {
        const doc = docFrom('invoice', 70 + i, clinic, insurer);
        const id = await send(doc, canonicalJson({ header: doc.header, body: doc.body }));
        await settle();
        const rec = await insurer.node.getDocument(id);
        expect(rec.record.status, code).to.equal('REJECTED');
        expect((rec.record as { rejection?: { code: string } }).rejection?.code).to.equal(code);
        expect(await ledgerStatus(insurer, id)).to.include({ status: 'REJECTED', reason: code });
      }
    });

    it('refuses a GOST signature once the association stops trusting its root (CERT_UNTRUSTED), and accepts again once trusted', async () => {
      const association = net.get('association');
      const roots = JSON.parse(
        Buffer.from(await association.ledger.evaluate('directory:listTrustedRoots', [])).toString('utf8'),
      ) as Array<{ fingerprint: string; status: string }>;
      expect(roots.map((r) => r.status)).to.deep.equal(['ACTIVE']);
      await association.ledger.submit('directory:removeTrustedRoot', [roots[0].fingerprint]);
      const before = await clinic.node.send(docFrom('invoice', 90, clinic, insurer));
      await settle();
      expect(await ledgerStatus(insurer, before.messageId)).to.include({
        status: 'REJECTED',
        reason: 'CERT_UNTRUSTED',
      });
      await association.ledger.submit('directory:addTrustedRoot', [
        JSON.stringify({ certificate: b64(ca.certificate.der) }),
      ]);
      const after = await clinic.node.send(docFrom('invoice', 91, clinic, insurer));
      await settle();
      expect((await insurer.node.getDocument(after.messageId)).record.status).to.equal('RECEIVED');
    });

    it('refuses a document signed after the registered certificate expired (CERT_EXPIRED)', async () => {
      const short = ca.issue(
        `CN=Clinic short-lived, 1.2.643.100.1=${clinic.id}, C=RU`,
        2_500,
        Date.now() - 1_000,
      );
      await clinic.ledger.submit('directory:setSignatureProfile', [
        clinic.id,
        JSON.stringify({ profile: 'gost2012-256', certificate: b64(short.certificate) }),
      ]);
      // Past notAfter by more than a second: certificate times have whole seconds.
      await new Promise((r) => setTimeout(r, 3_200));
      const doc = docFrom('invoice', 80, clinic, insurer);
      const canonical = canonicalJson({ header: doc.header, body: doc.body });
      const signature = signCms({
        content: Buffer.from(canonical),
        certificate: parseCertificate(short.certificate),
        privateKey: short.privateKey,
      });
      const id = await sendRaw(clinic, insurer, doc, { signature });
      await settle();
      expect(await ledgerStatus(insurer, id)).to.include({ status: 'REJECTED', reason: 'CERT_EXPIRED' });
      const trail = ((await clinic.node.directory.participant(clinic.id)) as { signatureTrail?: unknown[] })
        .signatureTrail;
      expect(trail).to.have.length(2);
    });
  });
}
