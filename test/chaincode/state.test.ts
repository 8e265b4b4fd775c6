import { expect } from 'chai';
import { txTime } from '@dmsnet/chaincode/state';
import type { Context } from '@dmsnet/chaincode/fabric';

const ctxWith = (ts: unknown) => ({ stub: { getTxTimestamp: () => ts } }) as unknown as Context;

describe('chaincode transaction time', () => {
  it('reads the proposal timestamp whether seconds is a number (embedded) or a protobuf Long (Fabric)', () => {
    const at = Date.parse('2026-11-24T10:11:12.345Z');
    const seconds = Math.floor(at / 1000);
    expect(txTime(ctxWith({ seconds, nanos: 345_000_000 }))).to.equal('2026-11-24T10:11:12.345Z');
    const long = { low: seconds, high: 0, toNumber: () => seconds };
    expect(txTime(ctxWith({ seconds: long, nanos: 345_000_000 }))).to.equal('2026-11-24T10:11:12.345Z');
  });
});
