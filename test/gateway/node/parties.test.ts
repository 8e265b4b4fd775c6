import { expect } from 'chai';
import { normaliseName, partyMismatches, sameName } from '../../../gateway/src/node/parties.js';
import type { Participant } from '../../../gateway/src/node/types.js';

describe('party fields against the directory (names, ИНН)', () => {
  it('one company however its name is written: case, quotes, spaces, the legal form spelt out or moved', () => {
    const dir = 'ООО «Медицинский центр «Исток»';
    for (const written of [
      'ООО "Медицинский центр "Исток""',
      'Общество с ограниченной ответственностью “Медицинский  центр Исток”',
      'медицинский центр «исток», ооо',
      'Медицинский центр Исток',
    ])
      expect(sameName(written, dir), written).to.equal(true);
    expect(sameName('АО «Страховая компания «Северная»', 'Акционерное общество СК Северная')).to.equal(false);
    expect(sameName('ПАО «Северная»', 'Публичное акционерное общество "Северная"')).to.equal(true);
    expect(sameName('ПАО «Северная»', 'Акционерное общество "Северная"')).to.equal(false);
    expect(sameName('ООО «Клиника Здоровье»', 'ООО «Клиника Здоровье+»')).to.equal(true);
    expect(sameName('ООО «Клиника Здоровье»', 'ООО «Клиника Здоровье 2»')).to.equal(false);
    expect(normaliseName('Ёлка, ООО')).to.deep.equal({ forms: ['ооо'], words: 'елка' });
  });

  it('names each mismatching field; an ИНН the directory does not hold is a mismatch too', () => {
    const entry = (id: string, name: string, inn?: string): Participant => ({
      id,
      role: 'clinic',
      name,
      status: 'ACTIVE',
      ...(inn ? { inn } : {}),
      keys: [],
    });
    const header = {
      sender: { ogrn: '1', inn: '7707 083893', name: 'ООО «А»' },
      addressee: { ogrn: '2', inn: '5024123459' },
    };
    expect(
      partyMismatches(header, { sender: entry('1', 'ООО "А"', '7707083893'), addressee: entry('2', 'Б') }),
    ).to.deep.equal([
      {
        pointer: '/header/addressee/inn',
        code: 'PARTY_MISMATCH',
        message: 'the directory holds no ИНН for 2: leave the ИНН out or have the directory entry completed',
      },
    ]);
    expect(
      partyMismatches(header, { sender: entry('1', 'АО «А»', '7707083894') }).map((e) => e.pointer),
    ).to.deep.equal(['/header/sender/inn', '/header/sender/name']);
    expect(partyMismatches({ sender: { ogrn: '1' } }, { sender: entry('1', 'X', '1') })).to.deep.equal([]);
  });
});
