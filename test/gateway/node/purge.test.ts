import { expect } from 'chai';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

describe('gateway purge under 152-ФЗ (real nodes, real HTTP, embedded ledger)', function () {
  this.timeout(60_000);
  let t: TestNetwork;

  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  async function deliver(seed: number): Promise<string> {
    const doc = generateDocument('insured-list', {
      seed,
      rows: 2,
      sender: t.net.get('insurer').party,
      addressee: t.net.get('clinic').party,
    });
    const r = await t.client('insurer').call<Json>('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    await t.client('clinic').waitFor(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
    // The ledger id: the insurer's ОГРН and the document id.
    return `${t.net.get('insurer').id}:${doc.header.documentId}`;
  }

  it('the addressee purges at once: its copy and the ledger’s go, GET answers 410 PURGED with hash and trail', async () => {
    const id = await deliver(301);
    await t.client('clinic').call('POST', `/v1/inbox/${id}/accept`, {});
    const before = await t.client('clinic').call<Json>('GET', `/v1/documents/${id}`);
    const hash = (before.body.envelope as Json).ciphertextHash;
    const p = await t.client('clinic').call<Json>('POST', `/v1/documents/${id}/purge`, {});
    expect(p.status, JSON.stringify(p.body)).to.equal(200);
    expect(p.body.purgedAt).to.be.a('string');
    const gone = await t.client('clinic').call<Json>('GET', `/v1/documents/${id}`);
    expect(gone.status).to.equal(410);
    expect(gone.body.code).to.equal('PURGED');
    expect(gone.body.ciphertextHash).to.equal(hash);
    expect((gone.body.trail as Json[]).map((e) => e.status)).to.include('SENT');
    expect(JSON.stringify(gone.body)).to.not.include('rows');
    // The ledger copy is gone too; the envelope stays.
    const clinic = t.net.get('clinic');
    try {
      await clinic.ledger.evaluate('exchange:getPayload', [id]);
      expect.fail('the payload should be purged');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('PAYLOAD_PURGED');
    }
    const env = JSON.parse(
      Buffer.from(await clinic.ledger.evaluate('exchange:get', [id])).toString(),
    ) as Json;
    expect(env.ciphertextHash).to.equal(hash);
    expect(env.purgedBy).to.equal(clinic.id);
  });

  it('each node purges its own copies once the retention has passed since the final status, not before', async () => {
    const id = await deliver(302);
    await t.client('clinic').call('POST', `/v1/inbox/${id}/accept`, {});
    const insurer = t.net.get('insurer').node;
    await t
      .client('insurer')
      .waitFor<Json>(`/v1/documents/${id}`, (s, b) => s === 200 && b.status === 'ACCEPTED');
    expect(await insurer.purgeExpired(Date.now() + 30 * DAY)).to.equal(0);
    expect((await t.client('insurer').call('GET', `/v1/documents/${id}`)).status).to.equal(200);
    // insured-list: 365 days by default.
    expect(await insurer.purgeExpired(Date.now() + 366 * DAY)).to.be.at.least(1);
    const gone = await t.client('insurer').call<Json>('GET', `/v1/documents/${id}`);
    expect(gone.status).to.equal(410);
    expect(gone.body.code).to.equal('PURGED');
  });

  it('refuses to purge an unknown document with 404', async () => {
    const r = await t.client('clinic').call<Json>('POST', '/v1/documents/NO-SUCH/purge', {});
    expect(r.status).to.equal(404);
    expect(r.body.code).to.equal('NOT_FOUND');
  });
});
