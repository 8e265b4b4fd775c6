import { expect } from 'chai';
import { contracts } from '@dmsnet/chaincode';
import { createChaincode, startServer } from '@dmsnet/chaincode/server';

describe('chaincode entry points (what fabric-chaincode-node and a CCaaS peer load)', () => {
  it('exports one contract per concern and builds Fabric metadata for every transaction', () => {
    expect(contracts.map((c) => new c().getName())).to.deep.equal([
      'directory',
      'exchange',
      'formats',
      'receipts',
      'delegations',
    ]);
    const cc = createChaincode() as {
      metadata: { contracts: Record<string, { transactions: Array<{ name: string }> }> };
    };
    expect(cc.metadata.contracts.exchange.transactions.map((t) => t.name)).to.include.members([
      'send',
      'setStatus',
      'get',
      'getPayload',
      'history',
      'inbox',
      'outbox',
    ]);
    expect(cc.metadata.contracts.receipts.transactions.map((t) => t.name)).to.include.members([
      'record',
      'get',
    ]);
    expect(cc.metadata.contracts.delegations.transactions.map((t) => t.name)).to.include.members([
      'delegate',
      'revoke',
      'get',
      'history',
      'list',
    ]);
    expect(Object.keys(cc.metadata.contracts)).to.include.members([
      'directory',
      'exchange',
      'formats',
      'receipts',
      'delegations',
    ]);
  });

  it('reports the release it runs in its metadata: the version its server was started for, 1.0 unless told', () => {
    const info = (cc: unknown) => (cc as { metadata: { info: { version: string } } }).metadata.info;
    expect(info(createChaincode()).version).to.equal(process.env.DMSNET_CHAINCODE_VERSION ?? '1.0');
    expect(info(createChaincode(undefined, 'dmsnet', '1.1')).version).to.equal('1.1');
  });

  it('refuses to start a CCaaS server without its package id and address', async () => {
    try {
      await startServer({});
      expect.fail('should refuse');
    } catch (err) {
      expect((err as Error).message).to.include('CORE_CHAINCODE_ID');
    }
  });
});
