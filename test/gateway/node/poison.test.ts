// Poison messages: a hostile member submits, with its own identity and software, payloads that no honest gateway
// would make. None of them may stop the addressee's follower: each ends REJECTED with its code, and the honest
// documents sent before and after all arrive — also after the addressee's gateway restarts.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { canonicalJson } from '@dmsnet/formats/canonical';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers, sealDocument, sha256Hex } from '../../../gateway/src/crypto/index.js';
import { generateParticipantKeys } from '../../../gateway/src/crypto/keys.js';
import { LedgerError } from '../../../gateway/src/ledger/errors.js';
import { GatewayNode } from '../../../gateway/src/node/gateway-node.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

interface Poison {
  name: string;
  /** The ciphertext to submit, and the envelope fields to lie with. */
  make(id: string): Promise<{ ciphertext: Uint8Array; lie?: { size?: number; ciphertextHash?: string } }>;
  /** The codes an arrival may end with (the ledger may also refuse a lying envelope outright). */
  codes: string[];
}

describe('poison messages cannot stop a gateway (embedded ledger, raw sends by a hostile member)', function () {
  this.timeout(300_000);
  let t: TestNetwork;
  const party = (k: string) => t.net.get(k).party;

  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  const list = (documentId: string) => {
    const doc = structuredClone(
      generateDocument('insured-list', {
        seed: 7,
        rows: 2,
        sender: party('insurer'),
        addressee: party('clinic'),
      }),
    );
    doc.header.documentId = documentId;
    return doc;
  };

  /** The signed text of a valid list of this id with one value swapped for raw JSON text. */
  const listText = (documentId: string, rawRows: string) =>
    canonicalJson({
      header: list(documentId).header,
      body: { ...list(documentId).body, rows: '\u0000' },
    }).replace(JSON.stringify('\u0000'), rawRows);

  const sealText = async (text: string, signSecretKey?: Uint8Array) => {
    const insurer = t.net.get('insurer');
    return sealDocument({
      document: { header: null, body: null },
      canonical: text,
      signSecretKey: signSecretKey ?? insurer.keys.signSecretKey,
      senderId: insurer.id,
      keyVersion: 1,
      recipientBoxPublicKey: t.net.get('clinic').keys.boxPublicKey,
    });
  };

  const poisons: Poison[] = [
    {
      name: 'one row nested 10,000 deep',
      make: async (id) => ({
        ciphertext: await sealText(listText(id, '['.repeat(10_000) + ']'.repeat(10_000))),
      }),
      codes: ['DOCUMENT_INVALID'],
    },
    {
      name: 'a header nested 100,000 deep',
      make: async (id) => ({
        ciphertext: await sealText(
          listText(id, '[]').replace(
            '"header":{',
            `"header":{"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)},`,
          ),
        ),
      }),
      codes: ['DOCUMENT_INVALID'],
    },
    {
      name: '300,000 rows',
      make: async (id) => ({
        ciphertext: await sealText(listText(id, `[${Array(300_000).fill('{}').join(',')}]`)),
      }),
      codes: ['DOCUMENT_INVALID'],
    },
    {
      name: 'a text of five million characters',
      make: async (id) => ({
        ciphertext: await sealText(listText(id, JSON.stringify(['я'.repeat(5_000_000)]))),
      }),
      codes: ['DOCUMENT_INVALID'],
    },
    {
      name: 'lone UTF-16 surrogates in names',
      make: async (id) => ({
        ciphertext: await sealText(listText(id, '[{"lastName":"\\ud800","firstName":"\\udfff\\ud800"}]')),
      }),
      codes: ['DOCUMENT_INVALID'],
    },
    {
      name: 'a signed text that is not JSON',
      make: async (id) => ({ ciphertext: await sealText(listText(id, '[').slice(0, -10)) }),
      codes: ['PAYLOAD_MALFORMED'],
    },
    {
      name: 'a signed text that is a JSON array, not a document',
      make: async () => ({ ciphertext: await sealText('[1,2,3]') }),
      codes: ['DOCUMENT_INVALID'],
    },
    {
      name: 'a signed text that is null',
      make: async () => ({ ciphertext: await sealText('null') }),
      codes: ['DOCUMENT_INVALID'],
    },
    {
      name: 'a ciphertext that does not open',
      make: async () => ({ ciphertext: new Uint8Array(randomBytes(4096)) }),
      codes: ['SEAL_OPEN_FAILED'],
    },
    {
      name: 'a signature that does not verify',
      make: async (id) => ({
        ciphertext: await sealText(listText(id, '[]'), (await generateParticipantKeys()).signSecretKey),
      }),
      codes: ['SIGNATURE_INVALID'],
    },
    {
      name: 'an envelope that lies about the size',
      make: async (id) => ({ ciphertext: await sealText(listText(id, '[]')), lie: { size: 1 } }),
      codes: ['PAYLOAD_SIZE_MISMATCH', 'DOCUMENT_INVALID'],
    },
    {
      name: 'an envelope that lies about the hash',
      make: async (id) => ({
        ciphertext: await sealText(listText(id, '[]')),
        lie: { ciphertextHash: sha256Hex('something else') },
      }),
      codes: ['PAYLOAD_HASH_MISMATCH'],
    },
  ];

  it('each poison ends REJECTED with its code; the honest lists before and after all arrive, also after a restart', async () => {
    const insurer = t.net.get('insurer');
    const clinic = t.net.get('clinic');
    const honest = async (documentId: string) => {
      const r = await t.client('insurer').call('POST', '/v1/documents', list(documentId));
      expect(r.status, JSON.stringify(r.body)).to.equal(202);
    };
    await honest('HONEST-BEFORE');
    const sent: Array<{ poison: Poison; messageId: string; refusedBy?: string }> = [];
    for (const [i, poison] of poisons.entries()) {
      const documentId = `POISON-${i}`;
      const messageId = `${insurer.id}:${documentId}`;
      const { ciphertext, lie } = await poison.make(documentId);
      try {
        await insurer.ledger.submit(
          'exchange:send',
          [
            JSON.stringify({
              messageId,
              sender: insurer.id,
              addressee: clinic.id,
              documentType: 'insured-list',
              formatVersion: '1',
              ciphertextHash: lie?.ciphertextHash ?? sha256Hex(ciphertext),
              size: lie?.size ?? ciphertext.byteLength,
              senderKeyVersion: 1,
            }),
          ],
          { ciphertext },
        );
        sent.push({ poison, messageId });
      } catch (err) {
        // The ledger itself refused the lie: nothing reaches the addressee, which is just as good.
        sent.push({ poison, messageId, refusedBy: (err as { code?: string }).code ?? String(err) });
      }
    }
    await honest('HONEST-AFTER');
    await insurer.node.whenIdle(120_000);
    await clinic.node.whenIdle(120_000);
    for (const id of ['HONEST-BEFORE', 'HONEST-AFTER']) {
      const rec = await clinic.node.received(`${insurer.id}:${id}`);
      expect(rec?.status, id).to.be.oneOf(['RECEIVED', 'ACCEPTED']);
    }
    for (const s of sent) {
      if (s.refusedBy) {
        console.log(`      poison: ${s.poison.name} → refused by the ledger: ${s.refusedBy}`);
        continue;
      }
      const rec = await clinic.node.received(s.messageId);
      console.log(`      poison: ${s.poison.name} → ${rec?.status} ${rec?.rejection?.code ?? ''}`);
      expect(rec?.status, s.poison.name).to.equal('REJECTED');
      expect(s.poison.codes, s.poison.name).to.include(rec?.rejection?.code);
      const view = await clinic.node.getDocument(s.messageId);
      // Whatever is kept can be served again: nothing kept is a structure that a recursive walk chokes on.
      expect(() => JSON.stringify(view)).not.to.throw();
    }
    const deep = await clinic.node.getDocument(sent[0]!.messageId);
    expect(deep.document).to.equal(undefined);
    expect(deep.signedText).to.be.a('string').and.to.contain('[[[[');
    // The sender learns of each refusal on the ledger.
    const onLedger = JSON.parse(
      Buffer.from(await insurer.ledger.evaluate('exchange:get', [sent[0]!.messageId])).toString('utf8'),
    ) as { status: string };
    expect(onLedger.status).to.equal('REJECTED');

    // A restart resumes after all of it: the next honest list arrives too.
    await clinic.node.stop();
    const height = t.net.ledger.height;
    const reopened = await GatewayNode.open({
      participantId: clinic.id,
      dataDir: path.join(t.net.dir, 'nodes', 'clinic'),
      ledger: clinic.ledger,
      keys: clinic.keys,
      keyVersion: 1,
      ledgerHeight: height ? () => height.call(t.net.ledger) : undefined,
    });
    t.net.participants.set('clinic', { ...clinic, node: reopened });
    await reopened.start();
    await honest('HONEST-AFTER-RESTART');
    await insurer.node.whenIdle(120_000);
    await reopened.whenIdle(120_000);
    const last = await reopened.received(`${insurer.id}:HONEST-AFTER-RESTART`);
    expect(last?.status).to.be.oneOf(['RECEIVED', 'ACCEPTED']);
  });

  it('a failure that repeats ends RECEIVE_FAILED and is passed; a transient one is retried until it passes', async () => {
    const insurer = t.net.get('insurer');
    const clinic = t.net.get('clinic');
    // The seam: the node's own inbox, made to fail as a bug on one shape of input or a flaky ledger would.
    const inbox = (clinic.node as unknown as { inbox: { receive: (...a: unknown[]) => Promise<void> } })
      .inbox;
    const real = inbox.receive.bind(inbox);
    let flaky = 0;
    inbox.receive = async (...args: unknown[]) => {
      const id = (args[1] as { messageId: string }).messageId;
      if (id.endsWith(':BUG-ON-THIS-ONE')) throw new RangeError('Maximum call stack size exceeded');
      if (id.endsWith(':FLAKY') && flaky++ < 2)
        throw new LedgerError('LEDGER_UNAVAILABLE', 'LEDGER_UNAVAILABLE: the peer went away');
      return real(...args);
    };
    try {
      for (const id of ['BUG-ON-THIS-ONE', 'FLAKY', 'AFTER-THE-BUG']) {
        const r = await t.client('insurer').call('POST', '/v1/documents', list(id));
        expect(r.status, JSON.stringify(r.body)).to.equal(202);
      }
      await insurer.node.whenIdle(120_000);
      await clinic.node.whenIdle(120_000);
      const bug = await clinic.node.received(`${insurer.id}:BUG-ON-THIS-ONE`);
      expect(bug?.status).to.equal('REJECTED');
      expect(bug?.rejection?.code).to.equal('RECEIVE_FAILED');
      expect(bug?.rejection?.message).to.contain('Maximum call stack');
      expect(flaky).to.equal(3);
      for (const id of ['FLAKY', 'AFTER-THE-BUG'])
        expect((await clinic.node.received(`${insurer.id}:${id}`))?.status, id).to.be.oneOf([
          'RECEIVED',
          'ACCEPTED',
        ]);
      // The sender sees the refusal on the ledger.
      await insurer.node.whenIdle(120_000);
      const sent = await insurer.node.getDocument(`${insurer.id}:BUG-ON-THIS-ONE`);
      expect(sent.envelope).to.deep.include({ status: 'REJECTED' });
    } finally {
      inbox.receive = real;
    }
  });
});
