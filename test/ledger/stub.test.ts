import { expect } from 'chai';
import { EmbeddedStub, type StateReader } from '../../embedded-ledger/src/stub.js';

const reader: StateReader = {
  get: async () => undefined,
  getPrivate: async () => undefined,
  hasCollection: (c) => c === '_implicit_org_M',
  range: async () => [],
  history: async () => [],
};
const transaction = {
  txId: 'tx1',
  channelId: 'dmsnet',
  mspId: 'M',
  certificate: '',
  timestampMs: 0,
  fn: 'f',
  args: [],
  transient: new Map<string, Uint8Array>(),
};

describe('embedded stub: what Fabric refuses, refused here too', () => {
  it('refuses a write after a paginated query in the same transaction', async () => {
    const stub = new EmbeddedStub(transaction, reader);
    await stub.getStateByPartialCompositeKeyWithPagination('message', [], 10, '');
    try {
      await stub.putState('k', new Uint8Array([1]));
      expect.fail('the write should be refused');
    } catch (err) {
      expect((err as Error).message).to.include('already performed a paginated query');
    }
    try {
      await stub.deleteState('k');
      expect.fail('the delete should be refused');
    } catch (err) {
      expect((err as Error).message).to.include('Writes are not allowed');
    }
  });

  it('refuses a paginated query after a write in the same transaction', async () => {
    const stub = new EmbeddedStub(transaction, reader);
    await stub.putState('k', new Uint8Array([1]));
    try {
      await stub.getStateByRangeWithPagination('a', 'z', 10, '');
      expect.fail('the query should be refused');
    } catch (err) {
      expect((err as Error).message).to.include('not allowed in a transaction that has writes');
    }
  });

  it('refuses private data of a collection the channel does not define', async () => {
    const stub = new EmbeddedStub(transaction, reader);
    for (const call of [
      () => stub.putPrivateData('_implicit_org_Other', 'k', new Uint8Array([1])),
      () => stub.getPrivateData('secret', 'k'),
    ]) {
      try {
        await call();
        expect.fail('should refuse');
      } catch (err) {
        expect((err as Error).message).to.include('is not defined on this channel');
      }
    }
    await stub.putPrivateData('_implicit_org_M', 'k', new Uint8Array([1]));
    expect(stub.privateWrites.size).to.equal(1);
  });

  it('allows plain range queries before and after writes', async () => {
    const stub = new EmbeddedStub(transaction, reader);
    await stub.getStateByRange('a', 'z');
    await stub.putState('k', new Uint8Array([1]));
    await stub.getStateByPartialCompositeKey('message', []);
    expect(stub.writes.size).to.equal(1);
  });
});
