// Receipts, clarification requests and evidence bundles through the REST API (real HTTP, embedded ledger): the
// responses are held to the OpenAPI contract, a malformed clarification is refused at its field, and the bundle the
// API answers verifies offline.
import { expect } from 'chai';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { verifyEvidence } from '../../../gateway/src/evidence/verify.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;

describe('receipts over the REST API', function () {
  this.timeout(120_000);
  let t: TestNetwork;

  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  it('shows the verified receipt, asks for a clarification, and answers an evidence bundle that verifies', async () => {
    const doc = generateDocument('insured-list', {
      seed: 61,
      rows: 2,
      sender: t.net.get('insurer').party,
      addressee: t.net.get('clinic').party,
    });
    const sent = await t.client('insurer').call<Json>('POST', '/v1/documents', doc);
    expect(sent.status).to.equal(202);
    const id = String(sent.body.messageId);
    const view = await t
      .client('insurer')
      .waitFor<Json>(
        `/v1/documents/${encodeURIComponent(id)}`,
        (s, b) =>
          s === 200 &&
          (b as { receipts?: Record<string, unknown> }).receipts?.delivery !== undefined &&
          (b as { receipts?: Record<string, unknown> }).receipts?.acknowledgement !== undefined,
      );
    const receipts = (view as { receipts: Record<string, { state: string }> }).receipts;
    expect(receipts.delivery?.state).to.equal('VERIFIED');
    expect(receipts.acknowledgement?.state).to.equal('ISSUED');

    const empty = await t
      .client('clinic')
      .call<Json>('POST', `/v1/inbox/${encodeURIComponent(id)}/clarify`, {});
    expect(empty.status).to.equal(400);
    expect(JSON.stringify(empty.body)).to.contain('comment');
    const asked = await t
      .client('clinic')
      .call<Json>('POST', `/v1/inbox/${encodeURIComponent(id)}/clarify`, { comment: 'Уточните программу' });
    expect(asked.status, JSON.stringify(asked.body)).to.equal(200);
    expect((asked.body.rejection as { code: string }).code).to.equal('CLARIFICATION_REQUESTED');

    const server = t.servers.get('insurer')!;
    const res = await fetch(`${server.url}/v1/documents/${encodeURIComponent(id)}/evidence`, {
      headers: { Authorization: 'Bearer token-insurer' },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('application/zip');
    expect(res.headers.get('content-disposition')).to.match(/attachment; filename="evidence-\d+_.+\.zip"/);
    const report = verifyEvidence(new Uint8Array(await res.arrayBuffer()));
    expect(report.checks.filter((c) => !c.ok)).to.deep.equal([]);
    const stranger = await fetch(`${server.url}/v1/documents/${encodeURIComponent(id)}/evidence`);
    expect(stranger.status).to.equal(401);
  });
});
