// Types that live below the gateway (the ledger's, the chaincode's, the shared format's) cannot be aliases of the
// API's declarations, which the gateway owns (decision record 0038). What they hold must still fit what the contract
// promises for them: these assertions fail the build when one of them drifts from its published shape.
import { expect } from 'chai';
import type { FormatVersion as ChaincodeFormatVersion } from '@dmsnet/chaincode/model';
import type { FieldError } from '@dmsnet/formats/errors';
import type { SchemaChange } from '@dmsnet/formats/governance/diff';
import type { DocumentSummary as FormatsSummary } from '@dmsnet/formats/summary';
import type { Participant as LedgerParticipant } from '../../../gateway/src/ledger/types.js';
import type { Static } from '../../../gateway/src/shapes/kit.js';
import type { DocumentSummary, ErrorItem } from '../../../gateway/src/node/types.js';
import type { FormatVersion, Participant, SchemaDiff } from '../../../gateway/src/governance/shapes.js';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `true` when every value of A is a value of B. */
type Fits<A, B> = [A] extends [B] ? true : false;

const agreements = {
  DocumentSummary: true satisfies Same<FormatsSummary, Static<typeof DocumentSummary>>,
  ErrorItem: true satisfies Same<FieldError, Static<typeof ErrorItem>>,
  SchemaChange: true satisfies Same<SchemaChange, Static<typeof SchemaDiff>['changes'][number]>,
  Participant: true satisfies Fits<LedgerParticipant, Static<typeof Participant>>,
  FormatVersion: true satisfies Fits<ChaincodeFormatVersion, Static<typeof FormatVersion>>,
};

describe('types below the gateway and the shapes the contract publishes for them', () => {
  it('fit (checked when the tests compile)', () => {
    expect(Object.keys(agreements)).to.have.length(5);
  });
});
