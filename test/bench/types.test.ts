import { expect } from 'chai';
import { result } from '../../bench/types.js';

describe('bench result', () => {
  it('reports ours as a ratio of the baseline measured in the same run', () => {
    const r = result('validate', 300, 'rows/s', 'JSON.parse', 1200);
    expect(r.ratio).to.equal(0.25);
  });

  it('marks a zero baseline as not comparable instead of dividing by zero', () => {
    expect(result('x', 1, 'ops/s', 'y', 0).ratio).to.be.NaN;
  });
});
