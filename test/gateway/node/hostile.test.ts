import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { generateDocument, type DmsDocument } from '@dmsnet/formats';
import { closeCryptoWorkers, sealDocument, sha256Hex } from '../../../gateway/src/crypto/index.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;

// Each attack a hostile member of the network made against the gateways and the ledger, with the refusal it meets.
describe('a hostile participant against the gateways and the ledger (embedded)', function () {
  this.timeout(180_000);
  let t: TestNetwork;
  const party = (k: string) => t.net.get(k).party;
  const list = (seed: number, from = 'insurer', to = 'clinic') =>
    generateDocument('insured-list', { seed, rows: 2, sender: party(from), addressee: party(to) });
  const attack = (what: string, status: number, body: unknown) =>
    console.log(`      attack: ${what} → ${status} ${(body as { code?: string })?.code ?? ''}`);

  const forgedReply = (from: string, to: string, replyToId: string, decision: string): DmsDocument =>
    ({
      header: {
        documentId: `forged-${from}-${replyToId}-${decision}`,
        type: 'reply',
        formatVersion: '1',
        sender: party(from),
        addressee: party(to),
        createdAt: new Date().toISOString(),
        replyToId,
      },
      body: {
        decision,
        ...(decision === 'REJECTED'
          ? { errors: [{ pointer: '/body/rows/0', code: 'INVENTED', message: 'made up' }] }
          : {}),
      },
    }) as unknown as DmsDocument;

  async function sendAndDeliver(doc: DmsDocument, from = 'insurer', to = 'clinic') {
    const r = await t.client(from).call<Json>('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    return t.client(to).waitFor<Json>(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
  }

  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  it('forged replies: only the addressee answers, once, with the status the ledger gets', async () => {
    const doc = list(501);
    await sendAndDeliver(doc);
    const id = doc.header.documentId;
    // Another clinic answers for the addressee, through its gateway and straight at the ledger.
    const viaGateway = await t
      .client('other')
      .call<Json>('POST', '/v1/documents', forgedReply('other', 'insurer', id, 'REJECTED'));
    attack('a third party posts a reply about a list it never received', viaGateway.status, viaGateway.body);
    expect(viaGateway.status).to.equal(422);
    expect(viaGateway.body.code).to.equal('REPLY_NOT_ADDRESSEE');
    const other = t.net.get('other');
    let ledgerCode = '';
    try {
      await other.ledger.submit(
        'exchange:send',
        [
          JSON.stringify({
            messageId: `${other.id}:forged-raw-1`,
            sender: other.id,
            addressee: t.net.get('insurer').id,
            documentType: 'reply',
            formatVersion: '1',
            ciphertextHash: createHash('sha256')
              .update(new Uint8Array([1]))
              .digest('hex'),
            size: 1,
            senderKeyVersion: 1,
            replyTo: `${t.net.get('insurer').id}:${id}`,
            replyStatus: 'REJECTED',
          }),
        ],
        { ciphertext: new Uint8Array([1]) },
      );
    } catch (err) {
      ledgerCode = (err as { code?: string }).code ?? '';
    }
    attack('the same reply submitted straight to the ledger', 0, { code: ledgerCode });
    expect(ledgerCode).to.equal('REPLY_NOT_ADDRESSEE');

    const rej = await t.client('clinic').call<Json>('POST', `/v1/inbox/${id}/reject`, {
      errors: [{ pointer: '/body/rows/0', code: 'NOT_ATTACHED', message: 'not attached' }],
    });
    expect(rej.status).to.equal(200);
    // The addressee itself cannot follow a rejection with an ACCEPTED reply.
    const flip = await t
      .client('clinic')
      .call<Json>('POST', '/v1/documents', forgedReply('clinic', 'insurer', id, 'ACCEPTED'));
    attack('an ACCEPTED reply after the addressee rejected', flip.status, flip.body);
    expect(flip.status).to.equal(422);
    expect(flip.body.code).to.equal('REPLY_STATUS_MISMATCH');
    const out = await t
      .client('insurer')
      .waitFor<{ record: Json; status: string }>(
        `/v1/documents/${id}`,
        (s, b) => s === 200 && !!b.record.reply,
      );
    expect(out.status).to.equal('REJECTED');
    expect((out.record.reply as Json).decision).to.equal('REJECTED');
    const onLedger = JSON.parse(
      Buffer.from(
        await t.net.get('insurer').ledger.evaluate('exchange:get', [`${t.net.get('insurer').id}:${id}`]),
      ).toString(),
    ) as Json;
    expect(onLedger.status).to.equal('REJECTED');
  });

  it('a reply whose decision differs from the ledger is refused on arrival; the outbox follows the ledger', async () => {
    const doc = list(503);
    await sendAndDeliver(doc);
    const id = doc.header.documentId;
    const insurer = t.net.get('insurer');
    const clinic = t.net.get('clinic');
    // The addressee's own software says ACCEPTED in the signed reply while the ledger envelope says REJECTED.
    const reply = forgedReply('clinic', 'insurer', id, 'ACCEPTED');
    const ciphertext = await sealDocument({
      document: reply,
      signSecretKey: clinic.keys.signSecretKey,
      senderId: clinic.id,
      keyVersion: 1,
      recipientBoxPublicKey: insurer.keys.boxPublicKey,
    });
    await clinic.ledger.submit(
      'exchange:send',
      [
        JSON.stringify({
          messageId: `${clinic.id}:${reply.header.documentId}`,
          sender: clinic.id,
          addressee: insurer.id,
          documentType: 'reply',
          formatVersion: '1',
          ciphertextHash: sha256Hex(ciphertext),
          size: ciphertext.byteLength,
          senderKeyVersion: 1,
          replyTo: `${insurer.id}:${id}`,
          replyStatus: 'REJECTED',
        }),
      ],
      { ciphertext },
    );
    const arrived = await t
      .client('insurer')
      .waitFor<{ record: { rejection?: { errors: Array<{ code: string }> } }; status: string }>(
        `/v1/documents/${clinic.id}:${reply.header.documentId}`,
        (s) => s === 200,
      );
    attack('a reply saying ACCEPTED under a REJECTED envelope', 0, {
      code: arrived.record.rejection?.errors[0]?.code,
    });
    expect(arrived.status).to.equal('REJECTED');
    expect(arrived.record.rejection?.errors.map((e) => e.code)).to.include('REPLY_FORGED');
    const out = await t
      .client('insurer')
      .waitFor<{ status: string }>(
        `/v1/documents/${insurer.id}:${id}`,
        (s, b) => s === 200 && b.status !== 'DELIVERED',
      );
    expect(out.status).to.equal('REJECTED');
  });

  it('a reply is final on arrival: it cannot be accepted or rejected, so nobody replies to a reply', async () => {
    const doc = list(502);
    await sendAndDeliver(doc);
    const acc = await t.client('clinic').call<Json>('POST', `/v1/inbox/${doc.header.documentId}/accept`, {});
    expect(acc.status).to.equal(200);
    const replies = await t
      .client('insurer')
      .waitFor<{ items: Json[] }>('/v1/inbox?type=reply', (s, b) => s === 200 && b.items.length > 0);
    const reply = replies.items[0] as Json;
    expect(reply.status).to.equal('ACCEPTED');
    const decisions: Array<[string, Json]> = [
      ['accept', {}],
      ['reject', { errors: [{ pointer: '', code: 'NO', message: 'no' }] }],
    ];
    for (const [verb, body] of decisions) {
      const r = await t
        .client('insurer')
        .call<Json>('POST', `/v1/inbox/${String(reply.messageId)}/${verb}`, body);
      attack(`${verb} a reply`, r.status, r.body);
      expect(r.status).to.equal(409);
      expect(r.body.code).to.equal('REPLY_IS_FINAL');
    }
  });

  it('squatted ids: an id is its sender’s, so nobody takes another’s next id and nothing received is hidden', async () => {
    const clinic = t.net.get('clinic');
    const other = t.net.get('other');
    const insurer = t.net.get('insurer');
    const priceList = (seed: number, from: string, documentId: string) => {
      const d = generateDocument('price-list', { seed, sender: party(from), addressee: party('insurer') });
      (d.header as { documentId: string }).documentId = documentId;
      return d;
    };
    // The clinic's next price list will be PL-2027-01; another clinic tries to take that id on the ledger first.
    const ct = new Uint8Array([7, 7, 7]);
    let code = '';
    try {
      await other.ledger.submit(
        'exchange:send',
        [
          JSON.stringify({
            messageId: `${clinic.id}:PL-2027-01`,
            sender: other.id,
            addressee: insurer.id,
            documentType: 'price-list',
            formatVersion: '1',
            ciphertextHash: createHash('sha256').update(ct).digest('hex'),
            size: ct.length,
            senderKeyVersion: 1,
          }),
        ],
        { ciphertext: ct },
      );
    } catch (err) {
      code = (err as { code?: string }).code ?? '';
    }
    attack('a clinic takes another clinic’s next id straight on the ledger', 0, { code });
    expect(code).to.equal('MESSAGE_ID_FOREIGN');
    // Through its gateway the same document id is simply its own: both sends go, and neither hides the other.
    await sendAndDeliver(priceList(508, 'other', 'PL-2027-01'), 'other', 'insurer');
    const mine = await t
      .client('clinic')
      .call<Json>('POST', '/v1/documents', priceList(509, 'clinic', 'PL-2027-01'));
    attack('a clinic sends under a document id another clinic used first', mine.status, mine.body);
    expect(mine.status).to.equal(202);
    expect((mine.body as { messageId: string }).messageId).to.equal(`${clinic.id}:PL-2027-01`);
    await t
      .client('insurer')
      .waitFor(`/v1/documents/${encodeURIComponent(`${clinic.id}:PL-2027-01`)}`, (st) => st === 200);
    const both = await t.client('insurer').call<Json>('GET', '/v1/documents/PL-2027-01');
    attack('the insurer asks for PL-2027-01, which two clinics sent', both.status, both.body);
    expect(both.status).to.equal(409);
    expect(both.body.code).to.equal('ID_AMBIGUOUS');
    expect((both.body.errors as Json[]).map((e) => e.message)).to.have.members([
      `${clinic.id}:PL-2027-01`,
      `${other.id}:PL-2027-01`,
    ]);
    for (const who of [clinic, other]) {
      const v = await t
        .client('insurer')
        .call<{ record: Json }>('GET', `/v1/documents/${encodeURIComponent(`${who.id}:PL-2027-01`)}`);
      expect(v.status).to.equal(200);
      expect(v.body.record.sender).to.equal(who.id);
    }

    // A send under the id of a document received here stays apart from it.
    const doc = list(507);
    await sendAndDeliver(doc);
    const d = doc.header.documentId;
    const r = await t.client('clinic').call<Json>('POST', '/v1/documents', priceList(507, 'clinic', d));
    attack('a clinic sends under the id of a list it received', r.status, r.body);
    expect(r.status).to.equal(202);
    const received = await t
      .client('clinic')
      .call<Json>('GET', `/v1/documents/${encodeURIComponent(`${insurer.id}:${d}`)}`);
    expect(received.body.direction).to.equal('in');
    const sent = await t
      .client('clinic')
      .call<Json>('GET', `/v1/documents/${encodeURIComponent(`${clinic.id}:${d}`)}`);
    expect(sent.body.direction).to.equal('out');
  });

  it('any type to anyone: a document goes only along the routes of its format (role × type)', async () => {
    const invoice = generateDocument('invoice', {
      seed: 503,
      sender: party('insurer'),
      addressee: party('clinic'),
    });
    const r1 = await t.client('insurer').call<Json>('POST', '/v1/documents', invoice);
    attack('an insurer sends an invoice to a clinic', r1.status, r1.body);
    expect(r1.status).to.equal(422);
    expect(r1.body.code).to.equal('ROUTE_NOT_ALLOWED');
    const r2 = await t
      .client('insurer')
      .call<Json>('POST', '/v1/documents', list(504, 'insurer', 'association'));
    attack('an insurer sends an insured list to the association', r2.status, r2.body);
    expect(r2.status).to.equal(422);
    expect((r2.body.errors as Json[])[0]).to.include({
      pointer: '/header/addressee/ogrn',
      code: 'ROUTE_NOT_ALLOWED',
    });
    const r3 = await t.client('clinic').call<Json>('POST', '/v1/documents', list(505, 'clinic', 'other'));
    attack('a clinic sends an insured list to another clinic', r3.status, r3.body);
    expect(r3.status).to.equal(422);
  });

  it('races: of 100 concurrent accept/reject pairs one wins (200), the other meets 409, the reply equals the ledger', async () => {
    const docs = Array.from({ length: 100 }, (_, i) => list(600 + i));
    for (const d of docs) {
      const r = await t.client('insurer').call<Json>('POST', '/v1/documents', d);
      expect(r.status).to.equal(202);
    }
    for (const d of docs) {
      await t.client('clinic').waitFor(`/v1/documents/${d.header.documentId}`, (s) => s === 200);
    }
    const outcomes = await Promise.all(
      docs.map(async (d) => {
        const id = `${t.net.get('insurer').id}:${d.header.documentId}`;
        const [a, r] = await Promise.all([
          t.client('clinic').call<Json>('POST', `/v1/inbox/${id}/accept`, {}),
          t.client('clinic').call<Json>('POST', `/v1/inbox/${id}/reject`, {
            errors: [{ pointer: '', code: 'RACE', message: 'race' }],
          }),
        ]);
        return {
          id,
          statuses: [a.status, r.status].sort(),
          winner: a.status === 200 ? 'ACCEPTED' : 'REJECTED',
        };
      }),
    );
    for (const o of outcomes) expect(o.statuses, o.id).to.deep.equal([200, 409]);
    for (const o of outcomes) {
      const view = await t
        .client('insurer')
        .waitFor<{ record: Json; status: string }>(
          `/v1/documents/${o.id}`,
          (s, b) => s === 200 && !!b.record.reply,
        );
      const onLedger = JSON.parse(
        Buffer.from(await t.net.get('insurer').ledger.evaluate('exchange:get', [o.id])).toString(),
      ) as Json;
      expect(onLedger.status, o.id).to.equal(o.winner);
      expect((view.record.reply as Json).decision, o.id).to.equal(o.winner);
      expect(view.status, o.id).to.equal(o.winner);
    }
    console.log(
      `      100 accept/reject pairs: ${outcomes.filter((o) => o.winner === 'ACCEPTED').length} accepted first, the rest rejected first; every loser 409`,
    );
  });
});
