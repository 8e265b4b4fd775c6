import { expect } from 'chai';
import { deadlineWithinTerms } from '../../../gateway/src/workflows/deadline-terms.js';

// A stated deadline held to the terms agreed with the payer (decision record 0062), counted from arrival.
describe('a request’s deadline within the payer’s terms', () => {
  const arrived = Date.parse('2026-12-02T10:00:00Z');
  const at = (minutes: number) => new Date(arrived + minutes * 60_000).toISOString();

  it('keeps the deadline the sender stated when it lies within the terms', () => {
    expect(deadlineWithinTerms(at(30), arrived, 60)).to.equal(at(30));
    expect(deadlineWithinTerms(at(60), arrived, 60)).to.equal(at(60));
  });

  it('holds a deadline stretched beyond the terms to them: an urgent request cannot wait a week', () => {
    expect(deadlineWithinTerms(at(7 * 24 * 60), arrived, 60)).to.equal(at(60));
  });

  it('gives the full terms from arrival when the stated moment had passed, or is no moment at all', () => {
    expect(deadlineWithinTerms(at(-5), arrived, 15)).to.equal(at(15));
    expect(deadlineWithinTerms(at(0), arrived, 15)).to.equal(at(15));
    expect(deadlineWithinTerms('завтра', arrived, 15)).to.equal(at(15));
  });
});
