import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bundledSchemaText, createRng, generateInn10, generateOgrn, repoPath } from '@dmsnet/formats';
import { CHAIN_START, chainNext, FILE_CHUNK_BYTES } from '@dmsnet/formats/attachments/transfer';
import type { LedgerClient, SubmitOptions } from '../../gateway/src/ledger/types.js';
import { testCa, testSigner, type SubjectIds } from '../gost/pki.js';
import type { BackendInstance, LedgerBackend, TestIdentity } from './backend.js';

type Json = Record<string, unknown>;
const rng = createRng(4242);
// A stream of its own, so that the ОГРНs drawn from `rng` stay what they were before participants had an ИНН.
const innRng = createRng(2424);
const key32 = () => randomBytes(32).toString('base64');
const keys = () => ({ x25519: key32(), ed25519: key32() });
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as Json;

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect((err as { code?: string }).code, (err as Error).message).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

/**
 * A call just after a write, refused with `code` once the write is seen: on Fabric an endorsement or evaluation may
 * reach a peer a block behind the one that committed it (no read-your-writes across peers), which refuses otherwise
 * or not at all. Only for calls that cannot commit anything while the peer is behind.
 */
async function expectCodeSoon(call: () => Promise<unknown>, code: string): Promise<void> {
  let got = 'no refusal';
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      await call();
    } catch (err) {
      if ((err as { code?: string }).code === code) return;
      got = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  expect.fail(`expected ${code}, got ${got}`);
}

/**
 * A write that depends on the one just committed: on Fabric its endorsers may be a block behind (no read-your-writes
 * across peers) and refuse it with one of `lagCodes` until they catch up; it is tried again then, as the outbox does.
 */
async function afterCatchUp<T>(call: () => Promise<T>, lagCodes: readonly string[]): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= 30 || !lagCodes.includes(String((err as { code?: string }).code))) throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Party {
  id: string;
  who: TestIdentity;
}

export function contractSuite(backend: LedgerBackend): void {
  describe(`contracts on the ${backend.name}`, function () {
    this.timeout(120_000);
    let b: BackendInstance;
    let assoc: Party;
    let insurer: Party;
    let insurer2: Party;
    let clinic: Party;
    let assistance: Party;
    let outsider: TestIdentity;
    const today = new Date().toISOString().slice(0, 10);
    /** The ИНН the directory holds, for the participants registered with one. */
    const inns = new Map<string, string>();

    const submit = async (
      c: LedgerClient,
      fn: string,
      args: unknown[],
      transient?: Record<string, Uint8Array>,
      options?: SubmitOptions,
    ) =>
      decode(
        (
          await c.submit(
            fn,
            args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))),
            transient,
            options,
          )
        ).result,
      );
    /**
     * On Fabric a send is endorsed by the sender's and the addressee's organisations (the ciphertext goes into the
     * addressee's implicit collection), with the association's as the second when they share one.
     */
    const endorsers = (from: Party, addresseeId: string): SubmitOptions => {
      const to = [assoc, insurer, insurer2, clinic, assistance].find((p) => p?.id === addresseeId);
      const orgs = [...new Set([from.who.mspId, to?.who.mspId ?? from.who.mspId])];
      if (orgs.length < 2) orgs.push(orgs[0] === 'AssociationMSP' ? 'Insurer2MSP' : 'AssociationMSP');
      return { endorsingOrganizations: orgs };
    };
    const evaluate = async (c: LedgerClient, fn: string, args: unknown[]) =>
      JSON.parse(
        Buffer.from(
          await c.evaluate(
            fn,
            args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))),
          ),
        ).toString(),
      ) as unknown;
    const reg = (
      id: string,
      role: string,
      who: TestIdentity,
      kind: 'certificate' | 'attribute' = 'certificate',
    ) => ({
      id,
      role,
      name: `${role} ${id}`,
      ...(inns.has(id) ? { inn: inns.get(id) } : {}),
      identities: [
        kind === 'certificate'
          ? { mspId: who.mspId, kind, certificate: who.certificate }
          : { mspId: who.mspId, kind },
      ],
      keys: keys(),
    });
    let seq = 0;
    const envelope = (from: Party, to: Party, ct: Uint8Array, extra: Json = {}) => ({
      messageId: `${from.id}:m-${++seq}`,
      sender: from.id,
      addressee: to.id,
      documentType: 'insured-list',
      formatVersion: '1',
      ciphertextHash: sha(ct),
      size: ct.length,
      senderKeyVersion: 1,
      ...extra,
    });
    const send = (from: Party, env: Json, ct: Uint8Array) =>
      submit(
        from.who.client,
        'exchange:send',
        [env],
        { ciphertext: ct },
        endorsers(from, String(env.addressee)),
      );

    before(async function () {
      // Bringing a whole Fabric network up takes minutes on a loaded machine; the tests keep their own limit.
      this.timeout(600_000);
      b = await backend.start(['AssociationMSP', 'Insurer1MSP', 'Insurer2MSP']);
      const ids = Array.from({ length: 4 }, () => generateOgrn(rng));
      assoc = { id: ids[0], who: await b.identity('AssociationMSP', 'admin') };
      insurer = { id: ids[1], who: await b.identity('Insurer1MSP', 'insurer1') };
      insurer2 = { id: ids[2], who: await b.identity('Insurer2MSP', 'insurer2') };
      clinic = {
        id: ids[3],
        who: await b.identity('Insurer1MSP', 'clinic', { 'dmsnet.participant': ids[3] }),
      };
      outsider = await b.identity('Insurer1MSP', 'nobody');
      // Drawn after the others, so that their ОГРНs stay what they were before an assistance company took part.
      const assistanceId = generateOgrn(rng);
      assistance = {
        id: assistanceId,
        who: await b.identity('Insurer2MSP', 'assistance', { 'dmsnet.participant': assistanceId }),
      };
      for (const p of [insurer2, clinic]) inns.set(p.id, generateInn10(innRng));
    });
    after(() => b?.close());

    it('answers org.hyperledger.fabric:GetMetadata with every contract and transaction', async () => {
      // fabric-contract-api serialises non-string results with class-transformer's classToPlain.
      const meta = (await evaluate(insurer.who.client, 'org.hyperledger.fabric:GetMetadata', [])) as {
        contracts: Record<string, { transactions: Array<{ name: string }> }>;
      };
      expect(Object.keys(meta.contracts)).to.include.members([
        'directory',
        'exchange',
        'formats',
        'delegations',
      ]);
      expect(meta.contracts.exchange.transactions.map((t) => t.name)).to.include.members([
        'send',
        'setStatus',
        'withdraw',
      ]);
    });

    describe('directory', () => {
      it('lets the first association found the network only through its own identity', async () => {
        await expectCode(
          submit(insurer.who.client, 'directory:register', [reg(insurer.id, 'insurer', insurer.who)]),
          'NOT_AUTHORIZED',
        );
        await expectCode(
          submit(assoc.who.client, 'directory:register', [reg(assoc.id, 'association', insurer.who)]),
          'NOT_AUTHORIZED',
        );
        const p = await submit(assoc.who.client, 'directory:register', [
          reg(assoc.id, 'association', assoc.who),
        ]);
        expect(p).to.include({ id: assoc.id, role: 'association', status: 'ACTIVE' });
      });

      it('registers members only by the association, maps identities by certificate or attribute', async () => {
        await submit(assoc.who.client, 'directory:register', [reg(insurer.id, 'insurer', insurer.who)]);
        await submit(assoc.who.client, 'directory:register', [reg(insurer2.id, 'insurer', insurer2.who)]);
        await submit(assoc.who.client, 'directory:register', [
          reg(clinic.id, 'clinic', clinic.who, 'attribute'),
        ]);
        expect(await evaluate(clinic.who.client, 'directory:whoAmI', [])).to.include({ id: clinic.id });
        expect(await evaluate(insurer.who.client, 'directory:whoAmI', [])).to.include({ id: insurer.id });
        // Same MSP as the insurer and the clinic, but neither its certificate nor an attribute is registered.
        await expectCode(evaluate(outsider.client, 'directory:whoAmI', []), 'IDENTITY_UNKNOWN');
        await expectCode(
          submit(insurer.who.client, 'directory:register', [reg(generateOgrn(rng), 'clinic', outsider)]),
          'NOT_AUTHORIZED',
        );
        await expectCode(
          submit(assoc.who.client, 'directory:register', [reg(insurer.id, 'insurer', outsider)]),
          'PARTICIPANT_EXISTS',
        );
      });

      it('refuses malformed registrations with the field named', async () => {
        const bad = { ...reg('1234567890123', 'insurer', outsider) };
        await expectCode(submit(assoc.who.client, 'directory:register', [bad]), 'INVALID_ARGUMENT');
        try {
          await submit(assoc.who.client, 'directory:register', [
            { ...reg(generateOgrn(rng), 'pharmacy', outsider) },
          ]);
        } catch (err) {
          expect((err as Error).message).to.include('/role');
        }
        await expectCode(submit(assoc.who.client, 'directory:register', ['not json']), 'INVALID_ARGUMENT');
      });

      it('rotates keys only by the participant itself and keeps every version addressable', async () => {
        await expectCode(
          submit(assoc.who.client, 'directory:rotateKeys', [insurer.id, keys()]),
          'NOT_AUTHORIZED',
        );
        const first = (await evaluate(insurer.who.client, 'directory:getKey', [insurer.id, '1'])) as Json;
        const v2 = await submit(insurer.who.client, 'directory:rotateKeys', [insurer.id, keys()]);
        expect(v2.version).to.equal(2);
        expect(v2.txId, 'the key trail names the transaction').to.be.a('string').and.not.empty;
        // A key of an earlier version cannot come back: its old secret half may be in someone's hands.
        const reused = { x25519: first.x25519, ed25519: keys().ed25519 };
        await expectCode(
          submit(insurer.who.client, 'directory:rotateKeys', [insurer.id, reused]),
          'INVALID_ARGUMENT',
        );
        expect(await evaluate(insurer.who.client, 'directory:getKey', [insurer.id, '1'])).to.deep.equal(
          first,
        );
        expect(
          ((await evaluate(clinic.who.client, 'directory:get', [insurer.id])) as { keys: unknown[] }).keys,
        ).to.have.length(2);
        await expectCode(
          evaluate(insurer.who.client, 'directory:getKey', [insurer.id, '9']),
          'KEY_NOT_FOUND',
        );
      });

      it('pages through the directory', async () => {
        const p1 = (await evaluate(clinic.who.client, 'directory:list', ['2', ''])) as {
          items: Json[];
          bookmark: string;
        };
        expect(p1.items).to.have.length(2);
        const p2 = (await evaluate(clinic.who.client, 'directory:list', ['2', p1.bookmark])) as {
          items: Json[];
        };
        expect(p2.items).to.have.length(2);
        expect(p2.items.map((x) => x.id)).to.not.include.members(p1.items.map((x) => x.id));
      });
      describe('GOST signing certificates', () => {
        const ca = testCa('contract suite root');
        const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');
        const certOf = (name: string, ids: SubjectIds) =>
          b64(testSigner(ca, name, undefined, 30, ids).cert.der);
        const setGost = (p: Party, certificate: string) =>
          submit(p.who.client, 'directory:setSignatureProfile', [
            p.id,
            { profile: 'gost2012-256', certificate },
          ]);
        const refusal = async (p: Promise<unknown>, code: string, ...inMessage: string[]) => {
          try {
            await p;
          } catch (err) {
            const e = err as { code?: string; message: string };
            expect(e.code, e.message).to.equal(code);
            // A Fabric client sees only the message, so the pointer and the attribute must be in it.
            for (const s of ['/certificate', ...inMessage]) expect(e.message).to.include(s);
            return;
          }
          expect.fail(`expected ${code}`);
        };
        let clinicCert: string;

        before(async () => {
          await submit(assoc.who.client, 'directory:addTrustedRoot', [{ certificate: b64(ca.cert.der) }]);
          clinicCert = certOf('Клиника Здоровье', { ogrn: clinic.id, innLe: inns.get(clinic.id)! });
        });

        it('registers a certificate whose subject names the participant by ОГРН and ИНН, in either ИНН attribute', async () => {
          const r = await setGost(clinic, clinicCert);
          expect(r).to.include({
            profile: 'gost2012-256',
            fingerprint: sha(Buffer.from(clinicCert, 'base64')),
          });
          // The 12-digit ИНН attribute writes a legal entity's ИНН after "00"; no ИНН at all leaves the ОГРН to decide.
          const inn = inns.get(insurer2.id)!;
          await setGost(insurer2, certOf('Insurer two', { ogrn: insurer2.id, inn: `00${inn}`, innLe: inn }));
          await setGost(insurer2, certOf('Insurer two', { ogrn: insurer2.id }));
          // The insurer's directory entry holds no ИНН: the certificate's is not held against it.
          await setGost(insurer, certOf('Insurer one', { ogrn: insurer.id, innLe: generateInn10(innRng) }));
        });

        it('refuses a certificate whose subject is another participant’s (CERT_SUBJECT_MISMATCH)', async () => {
          const theirs = inns.get(clinic.id)!;
          const mine = inns.get(insurer2.id)!;
          // The clinic's own name and ОГРН on a fresh certificate, registered by somebody else.
          await refusal(
            setGost(insurer2, certOf('Клиника Здоровье', { ogrn: clinic.id, innLe: theirs })),
            'CERT_SUBJECT_MISMATCH',
            '1.2.643.100.1',
            clinic.id,
          );
          await refusal(
            setGost(insurer2, certOf('Insurer two', {})),
            'CERT_SUBJECT_MISMATCH',
            '1.2.643.100.1',
          );
          await refusal(
            setGost(insurer2, certOf('Insurer two', { innLe: mine })),
            'CERT_SUBJECT_MISMATCH',
            '1.2.643.100.1',
          );
          await refusal(
            setGost(insurer2, certOf('Insurer two', { ogrn: insurer2.id, innLe: theirs })),
            'CERT_SUBJECT_MISMATCH',
            '1.2.643.100.4',
          );
          await refusal(
            setGost(insurer2, certOf('Insurer two', { ogrn: insurer2.id, inn: `00${theirs}` })),
            'CERT_SUBJECT_MISMATCH',
            '1.2.643.3.131.1.1',
          );
          await refusal(
            setGost(insurer2, certOf('Insurer two', { ogrnip: `3${insurer2.id}0` })),
            'CERT_SUBJECT_MISMATCH',
            '1.2.643.100.5',
          );
        });

        it('refuses a certificate another participant registered, now or before (CERT_ALREADY_REGISTERED)', async () => {
          await refusal(setGost(insurer2, clinicCert), 'CERT_ALREADY_REGISTERED', clinic.id);
          // The clinic moves on to a new certificate and to Ed25519: its old certificate stays its own.
          await setGost(clinic, certOf('Клиника Здоровье', { ogrn: clinic.id }));
          await submit(clinic.who.client, 'directory:setSignatureProfile', [
            clinic.id,
            { profile: 'ed25519' },
          ]);
          await refusal(setGost(insurer2, clinicCert), 'CERT_ALREADY_REGISTERED', clinic.id);
          expect(await setGost(clinic, clinicCert)).to.include({ profile: 'gost2012-256' });
          const me = (await evaluate(clinic.who.client, 'directory:get', [clinic.id])) as {
            signatureTrail: Array<{ profile: string }>;
          };
          expect(me.signatureTrail.map((x) => x.profile)).to.deep.equal([
            'gost2012-256',
            'gost2012-256',
            'ed25519',
            'gost2012-256',
          ]);
        });

        it('refuses a certificate whose key is not GOST CryptoPro-A (CERT_KEY_UNSUPPORTED) or that is no certificate', async () => {
          // The one certificate parser of @dmsnet/gost reads it; the chaincode names the field and the reason.
          const der = Buffer.from(certOf('Insurer two', { ogrn: insurer2.id }), 'base64');
          const cryptoProA = Buffer.from([0x06, 0x07, 0x2a, 0x85, 0x03, 0x02, 0x02, 0x23, 0x01]);
          const at = der.indexOf(cryptoProA);
          expect(at, 'the certificate names its curve').to.be.greaterThan(0);
          const curveB = Buffer.from(der);
          curveB[at + cryptoProA.length - 1] = 0x02; // CryptoPro-B, 1.2.643.2.2.35.2
          await refusal(
            setGost(insurer2, curveB.toString('base64')),
            'CERT_KEY_UNSUPPORTED',
            '1.2.643.2.2.35.2',
            '1.2.643.2.2.35.1',
          );
          await refusal(
            setGost(insurer2, Buffer.from(der.subarray(0, der.length - 9)).toString('base64')),
            'INVALID_ARGUMENT',
            'not a DER X.509 certificate',
          );
          await refusal(setGost(insurer2, 'not base64!'), 'INVALID_ARGUMENT', 'base64 DER');
        });
      });
    });

    describe('format registry', () => {
      const propose = (
        type: string,
        version: string,
        effectiveFrom = today,
        text = bundledSchemaText('insured-list', '1'),
      ) =>
        submit(assoc.who.client, 'formats:propose', [
          { type, version, schemaText: text, schemaHash: sha(text), effectiveFrom },
        ]);

      it('activates a version once the quorum of voters says yes, from its effective date', async () => {
        await expectCode(
          submit(insurer.who.client, 'formats:setRules', [{ voterRoles: ['insurer'], quorum: 0.5 }]),
          'NOT_AUTHORIZED',
        );
        await submit(assoc.who.client, 'formats:setRules', [
          { voterRoles: ['association', 'insurer'], quorum: 0.6 },
        ]);
        await propose('insured-list', '1');
        await expectCode(
          submit(clinic.who.client, 'formats:vote', ['insured-list', '1', 'yes']),
          'VOTE_NOT_ELIGIBLE',
        );
        let s = await submit(assoc.who.client, 'formats:vote', ['insured-list', '1', 'yes']);
        expect(s.state).to.equal('PROPOSED'); // 1 of 3
        s = await submit(insurer.who.client, 'formats:vote', ['insured-list', '1', 'yes']);
        expect(s).to.include({ state: 'APPROVED', active: true }); // 2 of 3 ≥ 0.6
        await expectCode(
          submit(insurer2.who.client, 'formats:vote', ['insured-list', '1', 'no']),
          'VOTE_CLOSED',
        );
      });

      it('an approved version with a future date is not active yet; a rejected one never', async () => {
        await propose('invoice', '1', '2999-01-01', bundledSchemaText('invoice', '1'));
        await submit(assoc.who.client, 'formats:vote', ['invoice', '1', 'yes']);
        const s = await submit(insurer.who.client, 'formats:vote', ['invoice', '1', 'yes']);
        expect(s).to.include({ state: 'APPROVED', active: false });
        await propose('reply', '1', today, bundledSchemaText('reply', '1'));
        await submit(insurer.who.client, 'formats:vote', ['reply', '1', 'no']);
        const r = await submit(insurer2.who.client, 'formats:vote', ['reply', '1', 'no']);
        expect(r.state).to.equal('REJECTED');
        const active = (await evaluate(clinic.who.client, 'formats:active', [])) as Json[];
        expect(active.map((a) => a.type)).to.deep.equal(['insured-list']);
      });

      it('checks the schema hash and refuses a second proposal of the same version', async () => {
        await expectCode(
          submit(assoc.who.client, 'formats:propose', [
            {
              type: 'price-list',
              version: '1',
              schemaText: '{}',
              schemaHash: sha('x'),
              effectiveFrom: today,
            },
          ]),
          'INVALID_ARGUMENT',
        );
        await expectCode(propose('insured-list', '1'), 'PROPOSAL_EXISTS');
        // The schema file beside common.schema.json compiles on its author's disk only: refused at proposal.
        const beside = readFileSync(repoPath('formats', 'schemas', 'v1', 'price-list.schema.json'), 'utf8');
        let refusal: Error | undefined;
        try {
          await submit(assoc.who.client, 'formats:propose', [
            {
              type: 'price-list',
              version: '9',
              schemaText: beside,
              schemaHash: sha(beside),
              effectiveFrom: today,
            },
          ]);
        } catch (err) {
          refusal = err as Error;
        }
        expect((refusal as { code?: string } | undefined)?.code, refusal?.message).to.equal(
          'SCHEMA_REF_UNRESOLVED',
        );
        expect(refusal?.message, 'the message names the reference').to.match(
          /\/schemaText\/\S*\$ref common\.schema\.json#/,
        );
        expect(
          await evaluate(clinic.who.client, 'formats:getSchema', ['insured-list', '1']),
        ).to.have.property('$schema');
      });
    });

    describe('exchange', () => {
      const ct = () => new Uint8Array(randomBytes(2048));

      it('sends with the ciphertext in transient data, stores its hash, and emits one public event', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c);
        const stored = await send(insurer, env, c);
        expect(stored).to.include({ status: 'SENT', ciphertextHash: sha(c), sender: insurer.id });
        const payload = (await evaluate(clinic.who.client, 'exchange:getPayload', [env.messageId])) as string;
        expect(Buffer.from(payload, 'base64').equals(Buffer.from(c))).to.equal(true);
      });

      it('carries a file in ordered pieces before its envelope: only the sender, in order, whole, then closed (0058)', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c);
        const id = String(env.messageId);
        const p0 = new Uint8Array(randomBytes(FILE_CHUNK_BYTES));
        const p1 = new Uint8Array(randomBytes(1000));
        const put = (who: Party, i: number, piece: Uint8Array, msg = id) =>
          submit(
            who.who.client,
            'exchange:putFilePiece',
            [msg, clinic.id, '0', String(i)],
            { piece },
            endorsers(who, clinic.id),
          );
        // The id carries its sender: nobody writes pieces under another sender's document.
        await expectCode(put(clinic, 0, p0), 'FILE_NOT_SENDER');
        await expectCode(put(insurer, 1, p1), 'FILE_CHUNK_ORDER');
        await expectCode(put(insurer, 0, new Uint8Array(FILE_CHUNK_BYTES + 1)), 'FILE_CHUNK_SIZE');
        const first = (await put(insurer, 0, p0)) as Json;
        const lag = ['FILE_CHUNK_ORDER', 'FILES_INCOMPLETE'];
        expect(first).to.include({ chunks: 1, sealedBytes: p0.length });
        // The same piece again (a commit whose answer was lost) is no change; other bytes at its place are refused.
        expect(await afterCatchUp(() => put(insurer, 0, p0), lag)).to.deep.equal(first);
        await expectCodeSoon(() => put(insurer, 0, p1), 'FILE_CHUNK_ORDER');
        const chain = chainNext(chainNext(CHAIN_START, sha(p0)), sha(p1));
        const files = [{ sealedBytes: p0.length + p1.length, chunks: 2, chain }];
        await expectCode(send(insurer, { ...env, files }, c), 'FILES_INCOMPLETE');
        await afterCatchUp(() => put(insurer, 1, p1), lag);
        const sent = (await afterCatchUp(() => send(insurer, { ...env, files }, c), lag)) as Json;
        expect(sent.files).to.deep.equal(files);
        await expectCodeSoon(() => put(insurer, 2, p1), 'FILES_CLOSED');
        // The addressee's organisation reads the pieces back; nobody else does.
        const read = async (i: number) =>
          Buffer.from(
            (await evaluate(clinic.who.client, 'exchange:getFilePiece', [id, '0', String(i)])) as string,
            'base64',
          );
        expect((await read(0)).equals(Buffer.from(p0))).to.equal(true);
        expect((await read(1)).equals(Buffer.from(p1))).to.equal(true);
        await expectCode(
          evaluate(insurer2.who.client, 'exchange:getFilePiece', [id, '0', '0']),
          'NOT_AUTHORIZED',
        );
        // Retention: the purge takes the pieces with the ciphertext; the envelope keeps the files' chain.
        await submit(clinic.who.client, 'exchange:purge', [id]);
        await expectCodeSoon(() => read(0), 'PAYLOAD_PURGED');
        expect(((await evaluate(clinic.who.client, 'exchange:get', [id])) as Json).files).to.deep.equal(
          files,
        );
      });

      it('refuses impersonation: an identity sending as another participant', async () => {
        const c = ct();
        await expectCode(send(clinic, envelope(insurer, clinic, c), c), 'IMPERSONATION');
      });

      it('resend with the same id and hash is idempotent; with another hash it is a conflict', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c);
        const first = await send(insurer, env, c);
        const again = await send(insurer, env, c);
        expect(again).to.deep.equal(first);
        const other = ct();
        await expectCode(
          send(insurer, { ...env, ciphertextHash: sha(other), size: other.length }, other),
          'MESSAGE_ID_CONFLICT',
        );
      });

      it('checks the payload, the addressee and the format', async () => {
        const c = ct();
        await expectCode(
          insurer.who.client.submit('exchange:send', [JSON.stringify(envelope(insurer, clinic, c))]),
          'PAYLOAD_MISSING',
        );
        await expectCode(
          send(insurer, { ...envelope(insurer, clinic, c), ciphertextHash: sha('x') }, c),
          'PAYLOAD_HASH_MISMATCH',
        );
        await expectCode(
          send(insurer, envelope(insurer, { id: generateOgrn(rng), who: outsider }, c), c),
          'ADDRESSEE_UNKNOWN',
        );
        await expectCode(
          send(insurer, envelope(insurer, clinic, c, { documentType: 'invoice' }), c),
          'FORMAT_NOT_ACTIVE',
        );
        await expectCode(
          send(insurer, envelope(insurer, clinic, c, { messageId: 'bad id!' }), c),
          'INVALID_ARGUMENT',
        );
        await expectCode(
          send(insurer, envelope(insurer, clinic, c, { senderKeyVersion: 7 }), c),
          'INVALID_ARGUMENT',
        );
      });

      it('moves status forward only, only by the addressee, idempotently', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c);
        await send(insurer, env, c);
        await expectCode(
          submit(insurer.who.client, 'exchange:setStatus', [env.messageId, 'DELIVERED', '']),
          'STATUS_NOT_ADDRESSEE',
        );
        await submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'DELIVERED', '']);
        await submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'DELIVERED', '']);
        await submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'REJECTED', 'SNILS_CHECKSUM']);
        await expectCode(
          submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'ACCEPTED', '']),
          'STATUS_NOT_FORWARD',
        );
        await expectCode(
          submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'DELIVERED', '']),
          'STATUS_NOT_FORWARD',
        );
        await expectCode(
          submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'LOST', '']),
          'INVALID_ARGUMENT',
        );
        const trail = (await evaluate(insurer.who.client, 'exchange:history', [env.messageId])) as Json[];
        expect(trail.map((t) => t.status)).to.deep.equal(['SENT', 'DELIVERED', 'REJECTED']);
        expect(trail[2].by).to.equal(clinic.id);
      });

      it('asks for a missing ciphertext again: only the addressee, only while SENT, at most three times; only the sender re-sends, the same bytes (0053)', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c);
        await send(insurer, env, c);
        const resend = (from: Party, bytes: Uint8Array) =>
          submit(
            from.who.client,
            'exchange:resend',
            [env.messageId],
            { ciphertext: bytes },
            endorsers(from, clinic.id),
          );
        // Nothing asked: a re-send writes nothing.
        expect(await resend(insurer, c)).to.not.have.property('resends');
        await expectCode(
          submit(insurer.who.client, 'exchange:requestResend', [env.messageId]),
          'RESEND_NOT_ADDRESSEE',
        );
        const asked = await submit(clinic.who.client, 'exchange:requestResend', [env.messageId]);
        expect(asked).to.include({ resendRequests: 1, status: 'SENT' });
        await expectCodeSoon(() => resend(clinic, c), 'RESEND_NOT_SENDER');
        const other = ct();
        await expectCodeSoon(() => resend(insurer, other), 'PAYLOAD_HASH_MISMATCH');
        const answered = await resend(insurer, c);
        expect(answered).to.include({ resends: 1, resendRequests: 1 });
        // Answered once per request: a retried re-send writes nothing more.
        expect(await resend(insurer, c)).to.include({ resends: 1 });
        const payload = (await evaluate(clinic.who.client, 'exchange:getPayload', [env.messageId])) as string;
        expect(Buffer.from(payload, 'base64').equals(Buffer.from(c))).to.equal(true);
        await submit(clinic.who.client, 'exchange:requestResend', [env.messageId]);
        expect(await submit(clinic.who.client, 'exchange:requestResend', [env.messageId])).to.include({
          resendRequests: 3,
        });
        await expectCodeSoon(
          () => submit(clinic.who.client, 'exchange:requestResend', [env.messageId]),
          'RESEND_LIMIT',
        );
        // Once delivered nothing is asked any more; the trail is the document's statuses alone.
        const d = ct();
        const delivered = envelope(insurer, clinic, d);
        await send(insurer, delivered, d);
        await submit(clinic.who.client, 'exchange:setStatus', [delivered.messageId, 'DELIVERED', '']);
        await expectCodeSoon(
          () => submit(clinic.who.client, 'exchange:requestResend', [delivered.messageId]),
          'RESEND_NOT_WAITING',
        );
        const trail = (await evaluate(clinic.who.client, 'exchange:history', [env.messageId])) as Json[];
        expect(trail.map((t) => t.status)).to.deep.equal(['SENT']);
      });

      it('lets only the sender withdraw, with a reason, before the addressee decides; then nobody decides it', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c);
        await send(insurer, env, c);
        await submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'DELIVERED', '']);
        await expectCode(
          submit(clinic.who.client, 'exchange:withdraw', [env.messageId, 'sent to the wrong clinic']),
          'WITHDRAW_NOT_SENDER',
        );
        await expectCode(
          submit(insurer.who.client, 'exchange:withdraw', [env.messageId, ' ']),
          'INVALID_ARGUMENT',
        );
        const w = await submit(insurer.who.client, 'exchange:withdraw', [
          env.messageId,
          'sent to the wrong clinic',
        ]);
        expect(w).to.include({
          status: 'WITHDRAWN',
          statusBy: insurer.id,
          reason: 'sent to the wrong clinic',
        });
        // Idempotent: a retried withdrawal answers the same envelope.
        const again = await submit(insurer.who.client, 'exchange:withdraw', [env.messageId, 'retry']);
        expect(again).to.include({ status: 'WITHDRAWN', reason: 'sent to the wrong clinic' });
        // The addressee decides nothing on it any more, neither by status nor by a reply.
        await expectCodeSoon(
          () => submit(clinic.who.client, 'exchange:setStatus', [env.messageId, 'ACCEPTED', '']),
          'STATUS_NOT_FORWARD',
        );
        const trail = (await evaluate(clinic.who.client, 'exchange:history', [env.messageId])) as Json[];
        expect(trail.map((t) => t.status)).to.deep.equal(['SENT', 'DELIVERED', 'WITHDRAWN']);
        expect(trail[2].by).to.equal(insurer.id);
        // After a decision the sender corrects, it does not withdraw.
        const d = ct();
        const decided = envelope(insurer, clinic, d);
        await send(insurer, decided, d);
        await submit(clinic.who.client, 'exchange:setStatus', [decided.messageId, 'ACCEPTED', '']);
        await expectCodeSoon(
          () => submit(insurer.who.client, 'exchange:withdraw', [decided.messageId, 'too late']),
          'WITHDRAW_DECIDED',
        );
        await expectCode(
          submit(insurer.who.client, 'exchange:withdraw', [`${insurer.id}:no-such-message`, 'x']),
          'MESSAGE_NOT_FOUND',
        );
      });

      it('lets only the addressee read a payload, and each participant list only its own messages', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c);
        await send(insurer, env, c);
        const got = (await evaluate(clinic.who.client, 'exchange:getPayload', [env.messageId])) as string;
        expect(Buffer.from(got, 'base64').equals(Buffer.from(c))).to.equal(true);
        // The sender keeps its own copy: the ledger's is the addressee's alone.
        for (const who of [insurer2, insurer]) {
          await expectCode(
            evaluate(who.who.client, 'exchange:getPayload', [env.messageId]),
            'NOT_AUTHORIZED',
          );
        }
        const stored = (await evaluate(clinic.who.client, 'exchange:get', [env.messageId])) as Json;
        expect(stored.collection).to.equal(`_implicit_org_${clinic.who.mspId}`);
        await expectCode(
          evaluate(insurer2.who.client, 'exchange:inbox', [clinic.id, '{}', '10', '']),
          'NOT_AUTHORIZED',
        );
        await expectCode(evaluate(clinic.who.client, 'exchange:get', ['nope']), 'MESSAGE_NOT_FOUND');
      });

      it('refuses sends by a suspended participant and to one; reinstating restores it', async () => {
        await expectCode(submit(insurer.who.client, 'directory:suspend', [insurer2.id]), 'NOT_AUTHORIZED');
        await submit(assoc.who.client, 'directory:suspend', [insurer2.id]);
        const c = ct();
        // Both routes are refused anyway (insurer to insurer), so a peer that has not seen the suspension yet refuses
        // with ROUTE_NOT_ALLOWED and commits nothing: asked again until the suspension is what it reports.
        await expectCodeSoon(() => send(insurer, envelope(insurer, insurer2, c), c), 'ADDRESSEE_INACTIVE');
        await expectCodeSoon(() => send(insurer2, envelope(insurer2, insurer, c), c), 'SENDER_INACTIVE');
        await submit(assoc.who.client, 'directory:reinstate', [insurer2.id]);
        await send(insurer2, envelope(insurer2, clinic, c), c);
      });

      it('refuses a send in a retired format version', async () => {
        await submit(assoc.who.client, 'formats:retire', ['insured-list', '1']);
        const c = ct();
        await expectCode(send(insurer, envelope(insurer, clinic, c), c), 'FORMAT_NOT_ACTIVE');
        // Bring a fresh version in for the paging test below.
        const text = bundledSchemaText('insured-list', '1');
        await submit(assoc.who.client, 'formats:propose', [
          {
            type: 'insured-list',
            version: '1.1',
            schemaText: text,
            schemaHash: sha(text),
            effectiveFrom: today,
          },
        ]);
        await submit(assoc.who.client, 'formats:vote', ['insured-list', '1.1', 'yes']);
        await submit(insurer.who.client, 'formats:vote', ['insured-list', '1.1', 'yes']);
      });

      it('pages through 1,000 messages of an inbox, filters by status and time', async function () {
        this.timeout(300_000);
        const c = ct();
        const before = new Date().toISOString();
        // In waves, as gateways send: a Fabric block then carries many transactions.
        for (let wave = 0; wave < 1000; wave += 50) {
          await Promise.all(
            Array.from({ length: 50 }, (_, j) =>
              send(
                insurer2,
                envelope(insurer2, clinic, c, {
                  formatVersion: '1.1',
                  messageId: `${insurer2.id}:page-${String(wave + j).padStart(4, '0')}`,
                }),
                c,
              ),
            ),
          );
        }
        await submit(clinic.who.client, 'exchange:setStatus', [`${insurer2.id}:page-0007`, 'ACCEPTED', '']);
        const seen: string[] = [];
        let bookmark = '';
        let pages = 0;
        do {
          const page = (await evaluate(clinic.who.client, 'exchange:inbox', [
            clinic.id,
            { from: before },
            '100',
            bookmark,
          ])) as {
            items: Json[];
            bookmark: string;
          };
          expect(page.items.length).to.be.at.most(100);
          seen.push(...page.items.map((x) => String(x.messageId)));
          bookmark = page.bookmark;
          pages++;
        } while (bookmark);
        expect(seen).to.have.length(1000);
        expect(new Set(seen).size).to.equal(1000);
        expect(pages).to.be.within(10, 11);
        const accepted = (await evaluate(clinic.who.client, 'exchange:inbox', [
          clinic.id,
          { status: 'ACCEPTED', from: before },
          '50',
          '',
        ])) as { items: Json[] };
        expect(accepted.items.map((x) => x.messageId)).to.deep.equal([`${insurer2.id}:page-0007`]);
        const none = (await evaluate(clinic.who.client, 'exchange:inbox', [
          clinic.id,
          { to: '2000-01-01' },
          '50',
          '',
        ])) as { items: Json[] };
        expect(none.items).to.have.length(0);
        const out = (await evaluate(insurer2.who.client, 'exchange:outbox', [
          insurer2.id,
          { documentType: 'insured-list' },
          '1000',
          '',
        ])) as { items: Json[] };
        expect(out.items.length).to.be.at.least(1000);
      });

      it('emits at most one event per transaction, with ids and metadata only', async () => {
        const names: string[] = [];
        const ac = new AbortController();
        const c = ct();
        const env = envelope(insurer, clinic, c, { formatVersion: '1.1' });
        const committed = await insurer.who.client.submit(
          'exchange:send',
          [JSON.stringify(env)],
          { ciphertext: c },
          endorsers(insurer, clinic.id),
        );
        for await (const ev of insurer.who.client.events({ blockNumber: committed.blockNumber }, ac.signal)) {
          names.push(ev.eventName);
          const payload = decode(ev.payload);
          expect(Object.keys(payload).sort()).to.deep.equal([
            'addressee',
            'documentType',
            'formatVersion',
            'messageId',
            'sender',
            'status',
            'txId',
          ]);
          expect(Buffer.from(ev.payload).includes(Buffer.from(c.subarray(0, 16)))).to.equal(false);
          expect(ev.transactionId).to.equal(committed.transactionId);
          ac.abort();
        }
        expect(names).to.deep.equal(['MessageSent']);
      });

      describe('against a hostile participant', () => {
        before(async () => {
          const text = bundledSchemaText('reply', '1');
          await submit(assoc.who.client, 'formats:propose', [
            { type: 'reply', version: '1.1', schemaText: text, schemaHash: sha(text), effectiveFrom: today },
          ]);
          await submit(assoc.who.client, 'formats:vote', ['reply', '1.1', 'yes']);
          await submit(insurer.who.client, 'formats:vote', ['reply', '1.1', 'yes']);
        });
        // The hostile suite prints each attack with the refusal it met.
        const refused = async (p: Promise<unknown>, code: string) => {
          try {
            await p;
          } catch (err) {
            expect((err as { code?: string }).code, (err as Error).message).to.equal(code);
            console.log(`      refused: ${(err as Error).message.slice(0, 160)}`);
            return;
          }
          expect.fail(`expected ${code}`);
        };
        const list = (from: Party, to: Party, c: Uint8Array) =>
          envelope(from, to, c, { formatVersion: '1.1' });
        const reply = (from: Party, to: Party, c: Uint8Array, replyTo: string, replyStatus: string) =>
          envelope(from, to, c, { documentType: 'reply', formatVersion: '1.1', replyTo, replyStatus });

        it('refuses a document type on a route its format does not name (role × type)', async () => {
          const c = ct();
          await refused(send(insurer, list(insurer, insurer2, c), c), 'ROUTE_NOT_ALLOWED');
          await refused(send(clinic, list(clinic, insurer, c), c), 'ROUTE_NOT_ALLOWED');
          await send(insurer, list(insurer, clinic, c), c);
        });

        it('takes a reply only from the addressee, to the sender, once, as the final status it sets', async () => {
          const c = ct();
          const m = list(insurer, clinic, c);
          await send(insurer, m, c);
          // A third participant, and the sender itself, cannot answer for the addressee.
          await refused(
            send(insurer2, reply(insurer2, insurer, c, m.messageId, 'REJECTED'), c),
            'REPLY_NOT_ADDRESSEE',
          );
          await refused(
            send(clinic, reply(clinic, insurer2, c, m.messageId, 'REJECTED'), c),
            'REPLY_NOT_ADDRESSEE',
          );
          await refused(
            send(clinic, reply(clinic, insurer, c, `${insurer.id}:m-none`, 'REJECTED'), c),
            'REPLY_TARGET_UNKNOWN',
          );
          await refused(
            send(
              clinic,
              envelope(clinic, insurer, c, {
                documentType: 'reply',
                formatVersion: '1.1',
                replyTo: m.messageId,
              }),
              c,
            ),
            'INVALID_ARGUMENT',
          );
          const r = reply(clinic, insurer, c, m.messageId, 'REJECTED');
          await send(clinic, r, c);
          // The reply's transaction set the answered message's final status: the first decision won.
          expect(await evaluate(insurer.who.client, 'exchange:get', [m.messageId])).to.include({
            status: 'REJECTED',
            statusBy: clinic.id,
          });
          await refused(send(clinic, reply(clinic, insurer, c, m.messageId, 'ACCEPTED'), c), 'REPLY_EXISTS');
          await refused(
            submit(clinic.who.client, 'exchange:setStatus', [m.messageId, 'ACCEPTED', '']),
            'STATUS_NOT_FORWARD',
          );
          // Nobody answers a reply.
          await refused(
            send(insurer, reply(insurer, clinic, c, r.messageId, 'ACCEPTED'), c),
            'REPLY_TO_REPLY',
          );
        });

        it('refuses a reply to a withdrawn message and a withdrawal of a reply', async () => {
          const c = ct();
          const m = list(insurer, clinic, c);
          await send(insurer, m, c);
          await submit(insurer.who.client, 'exchange:withdraw', [m.messageId, 'wrong clinic']);
          await refused(
            send(clinic, reply(clinic, insurer, c, m.messageId, 'REJECTED'), c),
            'MESSAGE_WITHDRAWN',
          );
          const m2 = list(insurer, clinic, c);
          await send(insurer, m2, c);
          const r = reply(clinic, insurer, c, m2.messageId, 'ACCEPTED');
          await send(clinic, r, c);
          await refused(
            submit(clinic.who.client, 'exchange:withdraw', [r.messageId, 'changed my mind']),
            'REPLY_IS_FINAL',
          );
        });

        it('refuses a reply that says other than the status already on the ledger', async () => {
          const c = ct();
          const m = list(insurer, clinic, c);
          await send(insurer, m, c);
          await submit(clinic.who.client, 'exchange:setStatus', [m.messageId, 'ACCEPTED', '']);
          await refused(
            send(clinic, reply(clinic, insurer, c, m.messageId, 'REJECTED'), c),
            'REPLY_STATUS_MISMATCH',
          );
          await send(clinic, reply(clinic, insurer, c, m.messageId, 'ACCEPTED'), c);
        });

        it('keeps every message id its sender’s: nobody squats another’s id or corrects another’s message', async () => {
          const c = ct();
          // insurer2 tries the id insurer will send its next list under, and an id with no sender at all.
          const next = `${insurer.id}:LIST-2027-0001`;
          await refused(
            send(insurer2, envelope(insurer2, clinic, c, { formatVersion: '1.1', messageId: next }), c),
            'MESSAGE_ID_FOREIGN',
          );
          await refused(
            send(
              insurer2,
              envelope(insurer2, clinic, c, { formatVersion: '1.1', messageId: 'LIST-2027-0001' }),
              c,
            ),
            'INVALID_ARGUMENT',
          );
          // The same document id under each sender is two messages, and insurer's send is not pre-empted.
          const mine = envelope(insurer2, clinic, c, {
            formatVersion: '1.1',
            messageId: `${insurer2.id}:LIST-2027-0001`,
          });
          await send(insurer2, mine, c);
          const theirs = envelope(insurer, clinic, c, { formatVersion: '1.1', messageId: next });
          await send(insurer, theirs, c);
          expect(await evaluate(clinic.who.client, 'exchange:get', [next])).to.include({
            sender: insurer.id,
          });
          expect(await evaluate(clinic.who.client, 'exchange:get', [mine.messageId])).to.include({
            sender: insurer2.id,
          });
          await refused(
            send(insurer2, envelope(insurer2, clinic, c, { formatVersion: '1.1', corrects: next }), c),
            'CORRECTS_FOREIGN',
          );
        });
      });

      it('carries a ciphertext over 4 MiB end to end (gRPC limits raised past their 4 MiB default)', async function () {
        this.timeout(120_000);
        const c = new Uint8Array(randomBytes(6 * 1024 * 1024));
        const env = envelope(insurer, clinic, c, { formatVersion: '1.1' });
        await send(insurer, env, c);
        const got = (await evaluate(clinic.who.client, 'exchange:getPayload', [env.messageId])) as string;
        expect(sha(Buffer.from(got, 'base64'))).to.equal(sha(c));
      });

      it('purges a payload: the addressee at any time, nobody else before the retention; envelope, hash and trail stay', async () => {
        const c = ct();
        const env = envelope(insurer, clinic, c, { formatVersion: '1.1' });
        await send(insurer, env, c);
        const id = String(env.messageId);
        await expectCode(submit(insurer2.who.client, 'exchange:purge', [id]), 'PURGE_NOT_FINAL');
        await submit(clinic.who.client, 'exchange:setStatus', [id, 'ACCEPTED', '']);
        // insured-list keeps 365 days after its final status unless its version says otherwise.
        await expectCode(submit(insurer2.who.client, 'exchange:purge', [id]), 'RETENTION_NOT_PASSED');
        await expectCode(submit(outsider.client, 'exchange:purge', [id]), 'IDENTITY_UNKNOWN');
        await expectCode(submit(clinic.who.client, 'exchange:purge', ['nope']), 'MESSAGE_NOT_FOUND');
        const purged = await submit(clinic.who.client, 'exchange:purge', [id]);
        expect(purged.purgedBy).to.equal(clinic.id);
        await expectCodeSoon(
          () => evaluate(clinic.who.client, 'exchange:getPayload', [id]),
          'PAYLOAD_PURGED',
        );
        const kept = (await evaluate(insurer.who.client, 'exchange:get', [id])) as Json;
        expect(kept.ciphertextHash).to.equal(sha(c));
        expect(kept.status).to.equal('ACCEPTED');
        const trail = (await evaluate(insurer.who.client, 'exchange:history', [id])) as Json[];
        expect(trail.map((t) => t.status)).to.deep.equal(['SENT', 'ACCEPTED']);
        // A second purge changes nothing.
        expect((await submit(clinic.who.client, 'exchange:purge', [id])).purgeTxId).to.equal(
          purged.purgeTxId,
        );
      });

      it('lets anyone purge once the retention voted for the format version has passed', async () => {
        const text = bundledSchemaText('insured-list', '1');
        await expectCode(
          submit(assoc.who.client, 'formats:propose', [
            {
              type: 'insured-list',
              version: '1.2',
              schemaText: text,
              schemaHash: sha(text),
              effectiveFrom: today,
              retentionDays: -1,
            },
          ]),
          'INVALID_ARGUMENT',
        );
        await submit(assoc.who.client, 'formats:propose', [
          {
            type: 'insured-list',
            version: '1.2',
            schemaText: text,
            schemaHash: sha(text),
            effectiveFrom: today,
            retentionDays: 0,
          },
        ]);
        await submit(assoc.who.client, 'formats:vote', ['insured-list', '1.2', 'yes']);
        await submit(insurer.who.client, 'formats:vote', ['insured-list', '1.2', 'yes']);
        const c = ct();
        const env = envelope(insurer, clinic, c, { formatVersion: '1.2' });
        await send(insurer, env, c);
        const id = String(env.messageId);
        await submit(clinic.who.client, 'exchange:setStatus', [id, 'REJECTED', 'test']);
        const purged = await submit(insurer2.who.client, 'exchange:purge', [id]);
        expect(purged.purgedBy).to.equal(insurer2.id);
        await expectCodeSoon(
          () => evaluate(clinic.who.client, 'exchange:getPayload', [id]),
          'PAYLOAD_PURGED',
        );
      });
    });

    describe('delegations (an assistance company acting for an insurer)', () => {
      const ct = () => new Uint8Array(randomBytes(512));
      const terms = (id: string, extra: Json = {}) => ({
        id,
        agent: assistance.id,
        sends: ['care-request', 'guarantee-letter', 'expertise-act'],
        receives: ['invoice'],
        validFrom: '2020-01-01',
        ...extra,
      });
      const letter = (from: Party, to: Party, c: Uint8Array, onBehalfOf?: string) =>
        envelope(from, to, c, {
          documentType: 'guarantee-letter',
          formatVersion: '1',
          ...(onBehalfOf ? { onBehalfOf } : {}),
        });
      /**
       * On Fabric the submit returns once its own peer committed the delegation; another organisation's peer that
       * endorses the next send may be a block behind and not see it yet. Asks again while the refusal is that the
       * delegation is not seen (a refused send writes nothing), for at most 10 s; any other answer is the answer.
       */
      const onceDelegationSeen = async (attempt: () => Promise<unknown>): Promise<unknown> => {
        for (let tries = 1; ; tries++) {
          try {
            return await attempt();
          } catch (err) {
            if ((err as { code?: string }).code !== 'DELEGATION_NOT_IN_FORCE' || tries >= 20) throw err;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      };

      const pointerOf = async (p: Promise<unknown>, code: string): Promise<void> => {
        try {
          await p;
        } catch (err) {
          expect((err as { code?: string }).code, (err as Error).message).to.equal(code);
          // The refusal names the envelope field that asked, as every field refusal does.
          expect((err as Error).message).to.contain('/onBehalfOf');
          console.log(`      refused: ${(err as Error).message.slice(0, 160)}`);
          return;
        }
        expect.fail(`expected ${code}`);
      };

      before(async () => {
        await submit(assoc.who.client, 'directory:register', [
          reg(assistance.id, 'assistance', assistance.who, 'attribute'),
        ]);
        for (const [type, version] of <Array<['guarantee-letter' | 'invoice', string]>>[
          ['guarantee-letter', '1'],
          ['invoice', '1.9'],
        ]) {
          const text = bundledSchemaText(type, '1');
          await submit(assoc.who.client, 'formats:propose', [
            { type, version, schemaText: text, schemaHash: sha(text), effectiveFrom: today },
          ]);
          await submit(assoc.who.client, 'formats:vote', [type, version, 'yes']);
          await submit(insurer.who.client, 'formats:vote', [type, version, 'yes']);
        }
      });

      it('is given only by an insurer, only to an assistance company, with each bad field named', async () => {
        await expectCode(
          submit(clinic.who.client, 'delegations:delegate', [terms('d-clinic')]),
          'DELEGATION_NOT_PRINCIPAL',
        );
        await expectCode(
          submit(insurer.who.client, 'delegations:delegate', [terms('d-1', { agent: clinic.id })]),
          'DELEGATION_AGENT_INVALID',
        );
        const bad: Array<[Json, string]> = [
          [{ id: ' bad' }, '/id'],
          [{ agent: '12' }, '/agent'],
          [{ sends: ['invoice'] }, '/sends/0'],
          [{ receives: ['guarantee-letter'] }, '/receives/0'],
          [{ sends: [], receives: [] }, '/sends'],
          [{ validFrom: '2020-02-30' }, '/validFrom'],
          [{ validUntil: '2019-12-31' }, '/validUntil'],
          [{ programmes: [''] }, '/programmes/0'],
        ];
        for (const [extra, pointer] of bad) {
          try {
            await submit(insurer.who.client, 'delegations:delegate', [terms('d-1', extra)]);
            expect.fail(`accepted ${JSON.stringify(extra)}`);
          } catch (err) {
            expect((err as { code?: string }).code, (err as Error).message).to.equal('INVALID_ARGUMENT');
            expect((err as Error).message).to.contain(pointer);
          }
        }
        const d = await submit(insurer.who.client, 'delegations:delegate', [
          terms('d-1', { programmes: ['VIP-1'] }),
        ]);
        expect(d).to.include({ id: 'd-1', principal: insurer.id, agent: assistance.id, status: 'ACTIVE' });
        // The same terms again: the record as it stands, no new version.
        const again = await submit(insurer.who.client, 'delegations:delegate', [
          terms('d-1', { programmes: ['VIP-1'] }),
        ]);
        expect(again.txId).to.equal(d.txId);
        for (const party of [insurer.id, assistance.id]) {
          const inForce = (await evaluate(clinic.who.client, 'delegations:list', [party, 'true'])) as Json[];
          expect(inForce.map((x) => x.id)).to.include('d-1');
        }
        expect(await evaluate(clinic.who.client, 'delegations:list', [clinic.id, 'true'])).to.deep.equal([]);
      });

      it('lets the assistance company send on the insurer’s behalf, and the insurer list what was sent in its name', async () => {
        const c = ct();
        const env = letter(assistance, clinic, c, insurer.id);
        const stored = await send(assistance, env, c);
        expect(stored).to.include({ onBehalfOf: insurer.id, sender: assistance.id, status: 'SENT' });
        const page = (await evaluate(insurer.who.client, 'exchange:onBehalf', [
          insurer.id,
          '{}',
          '100',
          '',
        ])) as {
          items: Json[];
        };
        expect(page.items.map((e) => e.messageId)).to.include(env.messageId);
        // Envelopes only: the ciphertext stays the clinic's, and nobody else lists the insurer's index.
        await expectCode(
          evaluate(insurer.who.client, 'exchange:getPayload', [env.messageId]),
          'NOT_AUTHORIZED',
        );
        await expectCode(
          evaluate(clinic.who.client, 'exchange:onBehalf', [insurer.id, '{}', '100', '']),
          'NOT_AUTHORIZED',
        );
        // An invoice for a delegated case goes to the assistance company, for the insurer.
        const i = ct();
        const invoice = envelope(clinic, assistance, i, {
          documentType: 'invoice',
          formatVersion: '1.9',
          onBehalfOf: insurer.id,
        });
        expect(await send(clinic, invoice, i)).to.include({ onBehalfOf: insurer.id });
        // onBehalfOf names a third party acting through an assistance company, never sender or addressee.
        const x = ct();
        await expectCode(send(insurer, letter(insurer, clinic, x, insurer2.id), x), 'INVALID_ARGUMENT');
        await expectCode(
          send(assistance, letter(assistance, clinic, x, assistance.id), x),
          'INVALID_ARGUMENT',
        );
      });

      it('refuses an assistance company acting for an insurer that did not delegate to it (hostile)', async () => {
        const c = ct();
        await pointerOf(
          send(assistance, letter(assistance, clinic, c, insurer2.id), c),
          'DELEGATION_NOT_IN_FORCE',
        );
        const i = ct();
        const invoice = envelope(clinic, assistance, i, {
          documentType: 'invoice',
          formatVersion: '1.9',
          onBehalfOf: insurer2.id,
        });
        await pointerOf(send(clinic, invoice, i), 'DELEGATION_NOT_IN_FORCE');
      });

      it('refuses a delegation used after its end, and one for another document type (hostile)', async () => {
        await submit(insurer2.who.client, 'delegations:delegate', [
          terms('ended', { validFrom: '2020-01-01', validUntil: '2020-12-31' }),
        ]);
        const c = ct();
        await pointerOf(
          send(assistance, letter(assistance, clinic, c, insurer2.id), c),
          'DELEGATION_NOT_IN_FORCE',
        );
        await submit(insurer2.who.client, 'delegations:delegate', [
          terms('requests-only', { sends: ['care-request'], receives: [] }),
        ]);
        const d = ct();
        await pointerOf(
          onceDelegationSeen(() => send(assistance, letter(assistance, clinic, d, insurer2.id), d)),
          'DELEGATION_NOT_COVERED',
        );
      });

      it('is changed and revoked by its insurer alone, every change in its trail; a revoked one acts no more', async () => {
        await submit(insurer.who.client, 'delegations:delegate', [
          terms('d-1', { programmes: ['VIP-1'], validUntil: '2099-12-31' }),
        ]);
        await expectCode(
          submit(insurer2.who.client, 'delegations:revoke', ['d-1', 'not mine']),
          'DELEGATION_NOT_FOUND',
        );
        await expectCode(submit(insurer.who.client, 'delegations:revoke', ['d-1', ' ']), 'INVALID_ARGUMENT');
        const revoked = await submit(insurer.who.client, 'delegations:revoke', ['d-1', 'contract ended']);
        expect(revoked).to.include({ status: 'REVOKED', revokeReason: 'contract ended' });
        await expectCode(
          submit(insurer.who.client, 'delegations:delegate', [terms('d-1')]),
          'DELEGATION_REVOKED',
        );
        const trail = (await evaluate(clinic.who.client, 'delegations:history', [
          insurer.id,
          'd-1',
        ])) as Json[];
        expect(trail.map((t) => [t.status, t.validUntil ?? null])).to.deep.equal([
          ['ACTIVE', null],
          ['ACTIVE', '2099-12-31'],
          ['REVOKED', '2099-12-31'],
        ]);
        // A refused send commits nothing, so it may be retried until the peer has seen the revocation (Fabric).
        await expectCodeSoon(() => {
          const c = ct();
          return send(assistance, letter(assistance, clinic, c, insurer.id), c);
        }, 'DELEGATION_NOT_IN_FORCE');
        const inForce = (await evaluate(clinic.who.client, 'delegations:list', [
          insurer.id,
          'true',
        ])) as Json[];
        expect(inForce.map((x) => x.id)).to.not.include('d-1');
        const all = (await evaluate(clinic.who.client, 'delegations:list', [insurer.id, 'false'])) as Json[];
        expect(all.map((x) => x.id)).to.include('d-1');
      });
    });
  });
}
