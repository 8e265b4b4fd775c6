import { expect } from 'chai';
import { generateDocument } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

describe('whenIdle on the embedded ledger', function () {
  this.timeout(120_000);
  let t: TestNetwork;
  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  it('settles when the newest blocks carry no event of the chaincode (a directory change after the last document)', async () => {
    const insurer = t.net.get('insurer');
    const clinic = t.net.get('clinic');
    const doc = generateDocument('insured-list', {
      seed: 11,
      rows: 1,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const r = await t.client('insurer').call('POST', '/v1/documents', doc);
    expect(r.status).to.equal(202);
    await insurer.node.whenIdle(30_000);
    await clinic.node.whenIdle(30_000);
    const before = t.net.ledger.height!();
    // Directory transactions commit blocks that carry no chaincode event.
    await insurer.node.setSignatureProfile('ed25519');
    await insurer.node.setSignatureProfile('ed25519');
    expect(Number(t.net.ledger.height!())).to.be.above(Number(before));
    await clinic.node.whenIdle(3_000);
    await insurer.node.whenIdle(3_000);
    expect((await clinic.node.received(`${insurer.id}:${doc.header.documentId}`))?.status).to.equal(
      'RECEIVED',
    );
  });
});
