// Until workflows.ts (being split per flow) takes its types from workflows/shapes.ts, its hand-written interfaces and
// the declarations the contract publishes must say the same: the assertions below fail the build when one of them
// gains, loses or retypes a member the other does not (decision record 0038).
import { expect } from 'chai';
import type {
  ActDraft as ActDraftShape,
  ActEdit,
  IssueLetter,
  LetterState as LetterStateShape,
  PriceListState as PriceListStateShape,
} from '../../../gateway/src/workflows/shapes.js';
import type {
  ActView,
  IssueLetterInput,
  LetterState,
  PriceListState,
  Workflows,
} from '../../../gateway/src/workflows/workflows.js';

/** `true` only when A and B are the same type (each assignable to the other, members alike). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const agreements = {
  LetterState: true satisfies Same<LetterState, LetterStateShape>,
  PriceListState: true satisfies Same<PriceListState, PriceListStateShape>,
  // The API answers the act as its view: the draft with the sent act's status and the clinic's dispute.
  ActDraft: true satisfies Same<ActView, ActDraftShape>,
  IssueLetter: true satisfies Same<IssueLetterInput, IssueLetter>,
  ActEdit: true satisfies Same<Parameters<Workflows['editAct']>[1], ActEdit['lines']>,
};

describe('the workflows’ types and their declared shapes', () => {
  it('agree (checked when the tests compile)', () => {
    expect(Object.keys(agreements)).to.have.length(5);
  });
});
