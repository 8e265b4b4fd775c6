import { expect } from 'chai';
import fc from 'fast-check';
import { messageIdOf, parseMessageId } from '@dmsnet/formats';

const ogrn = fc.oneof(fc.stringMatching(/^\d{13}$/), fc.stringMatching(/^\d{15}$/));
const documentId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);

describe('ledger message ids (<sender ОГРН>:<documentId>)', () => {
  it('give back the sender and the document id, whatever the id holds (colons included)', () => {
    fc.assert(
      fc.property(ogrn, documentId, (sender, id) => {
        expect(parseMessageId(messageIdOf(sender, id))).to.deep.equal({ sender, documentId: id });
      }),
    );
  });

  it('never read one sender’s id as another’s', () => {
    fc.assert(
      fc.property(ogrn, ogrn, documentId, (a, b, id) => {
        fc.pre(a !== b);
        expect(messageIdOf(a, id)).to.not.equal(messageIdOf(b, id));
      }),
    );
  });

  it('refuse what is not one: no sender, a sender of the wrong length, an empty or foreign-character id', () => {
    for (const id of [
      'GL-2026-0001',
      '102770000000:GL-1',
      '10277000000012:GL-1',
      '1027700000001:',
      '1027700000001:-GL',
      '1027700000001:ГП-1',
      `1027700000001:${'x'.repeat(129)}`,
    ]) {
      expect(parseMessageId(id), id).to.equal(undefined);
    }
  });
});
