import { expect } from 'chai';
import fc from 'fast-check';
import {
  createRng,
  generateEnp,
  generateInn10,
  generateInn12,
  generateOgrn,
  generateOgrnip,
  generateSnils,
  isValidEnp,
  isValidIcd10,
  isValidInn,
  isValidKpp,
  isValidOgrn,
  isValidServiceCode,
  isValidSnils,
  normalizeDigits,
  normalizeServiceCode,
  type Rng,
} from '@dmsnet/formats';

describe('formats: identifiers', () => {
  describe('published and worked examples (domain.md §2)', () => {
    it('accepts the ИНН examples of ФНС weights, 10 and 12 digits', () => {
      for (const inn of ['1234567894', '123456789047', '7707083893', '502 412 3459'])
        expect(isValidInn(inn), inn).to.be.true;
      for (const inn of [
        '1234567895',
        '123456789048',
        '123456789037',
        '12345678',
        '12345678901',
        'l234567894',
      ])
        expect(isValidInn(inn), inn).to.be.false;
    });

    it('accepts the ОГРН examples and rejects first digits that are not ОГРН', () => {
      for (const ogrn of ['1022200525819', '1037739010891', '1027700220624', '1027-7002-20624'])
        expect(isValidOgrn(ogrn), ogrn).to.be.true;
      expect(isValidOgrn('1022200525818')).to.be.false;
      // Same check digit rule, but 2… is a ГРН of a later entry, not an ОГРН.
      expect(isValidOgrn('2022200525819')).to.be.false;
    });

    it('takes the last digit of the ОГРНИП remainder, so remainders 10, 11 and 12 are valid (python-stdnum gets these wrong)', () => {
      expect(isValidOgrn('304500116000157')).to.be.true;
      expect(isValidOgrn('304500116000050'), 'remainder 10 → check 0').to.be.true;
      expect(isValidOgrn('304500116000061'), 'remainder 11 → check 1').to.be.true;
      expect(isValidOgrn('304500116000072'), 'remainder 12 → check 2').to.be.true;
      expect(isValidOgrn('304500116000051')).to.be.false;
      expect(isValidOgrn('404500116000050'), 'ОГРНИП starts with 3').to.be.false;
    });

    it('checks СНИЛС control numbers, including sums of 100 and 101 (→ 00) and above 101 (mod 101)', () => {
      for (const s of ['112-233-445 95', '010-242-368 77', '11223344595', '224-592-686 84'])
        expect(isValidSnils(s), s).to.be.true;
      expect(isValidSnils('112-233-445 96')).to.be.false;
      // Σ dᵢ·(10−i) below 100 is the control number itself: 001-001-999 → 7 + 4 + 27 + 18 + 9 = 65.
      expect(isValidSnils('001-001-999 65')).to.be.true;
      // Σ = 100 and Σ = 101 both give 00; Σ = 201 ≡ 100 (mod 101) gives 00; Σ = 405 gives 405 mod 101 = 01.
      expect(isValidSnils('920-000-003 00'), 'Σ = 100').to.be.true;
      expect(isValidSnils('920-000-004 00'), 'Σ = 101').to.be.true;
      expect(isValidSnils('996-000-006 00'), 'Σ = 201').to.be.true;
      expect(isValidSnils('999-999-999 01'), 'Σ = 405').to.be.true;
      expect(isValidSnils('920-000-003 01')).to.be.false;
      expect(isValidSnils('112-233-445')).to.be.false;
    });

    it('leaves СНИЛС up to 001-001-998 unchecked, as the rule says', () => {
      expect(isValidSnils('001-001-998 99')).to.be.true;
      expect(isValidSnils('001-001-999 99')).to.be.false;
    });

    it('checks the ЕНП ОМС with the Mod10 worked example', () => {
      expect(isValidEnp('8451999122899990')).to.be.true;
      expect(isValidEnp('8451 9991 2289 9990')).to.be.true;
      expect(isValidEnp('8451999122899991')).to.be.false;
      expect(isValidEnp('845199912289999')).to.be.false;
    });

    it('checks the КПП form (letters allowed in the reason code)', () => {
      for (const kpp of ['770701001', '7707AB001', '7707 01 001', '7707ab001'])
        expect(isValidKpp(kpp), kpp).to.be.true;
      for (const kpp of ['77070100', '7707010011', 'A70701001', '7707АБ001'])
        expect(isValidKpp(kpp), kpp).to.be.false;
    });

    it('checks the МКБ-10 form, reading Cyrillic look-alike letters as Latin', () => {
      for (const c of ['J06.9', 'I10', 'K29.7', 'S72.00', 'а09', 'Е11.9'])
        expect(isValidIcd10(c), c).to.be.true;
      for (const c of ['J6.9', 'J069', '06.9', 'J06.', 'J06.123', 'ЖJ06'])
        expect(isValidIcd10(c), c).to.be.false;
    });

    it('checks 804н service codes and normalises Cyrillic А/В and spaces as published texts write them', () => {
      for (const c of [
        'A01.01.001',
        'B01.047.001',
        'A03.08.004.002',
        'А01.20.001',
        'А01. 20.001',
        'А01.20.003.01',
        'В03.016.003',
      ])
        expect(isValidServiceCode(c), c).to.be.true;
      for (const c of ['C01.01.001', 'A1.01.001', 'A01.1.001', 'A01.01.01', 'A01.01.001.1', 'К-001', ''])
        expect(isValidServiceCode(c), c).to.be.false;
      expect(normalizeServiceCode('А01. 20.001')).to.equal('A01.20.001');
      expect(normalizeServiceCode('В01.047.001')).to.equal('B01.047.001');
    });

    it('strips spaces, no-break spaces and hyphens from numbers', () => {
      expect(normalizeDigits('224-592-686 84')).to.equal('22459268684');
      expect(normalizeDigits('1027\u00a0700 220624')).to.equal('1027700220624');
    });
  });

  // Property tests. A single-digit change is always caught EXCEPT where the published rule itself is blind,
  // which the preconditions below spell out from the arithmetic (not from our code):
  //  - mod 11 mod 10 (ИНН-10, ОГРН): remainders 0 and 10 share check digit 0, so a number with check digit 0
  //    can turn into another valid one;
  //  - mod 13 mod 10 (ОГРНИП): remainders 0/10, 1/11, 2/12 share check digits 0, 1, 2;
  //  - СНИЛС: control 00 stands for both Σ ≡ 0 and Σ ≡ 100 (mod 101), and numbers ≤ 001-001-998 are unchecked;
  //  - ИНН-12 (two check digits) and ЕНП (Mod10) catch every single-digit change.
  interface Kind {
    name: string;
    generate: (rng: Rng) => string;
    isValid: (v: string) => boolean;
    blind: (original: string, mutated: string) => boolean;
  }
  const kinds: Kind[] = [
    { name: 'ИНН-10', generate: generateInn10, isValid: isValidInn, blind: (o) => o.endsWith('0') },
    { name: 'ИНН-12', generate: generateInn12, isValid: isValidInn, blind: () => false },
    { name: 'ОГРН', generate: generateOgrn, isValid: isValidOgrn, blind: (o) => o.endsWith('0') },
    { name: 'ОГРНИП', generate: generateOgrnip, isValid: isValidOgrn, blind: (o) => /[012]$/.test(o) },
    {
      name: 'СНИЛС',
      generate: generateSnils,
      isValid: isValidSnils,
      blind: (o, m) => o.endsWith('00') || Number(m.slice(0, 9)) <= 1001998,
    },
    { name: 'ЕНП', generate: generateEnp, isValid: isValidEnp, blind: () => false },
  ];

  for (const kind of kinds) {
    describe(`${kind.name} (property)`, () => {
      it('every generated value passes its checksum', () => {
        fc.assert(
          fc.property(fc.integer(), (seed) => kind.isValid(kind.generate(createRng(seed)))),
          { numRuns: 500 },
        );
      });

      it('every single-digit change of a valid value fails', () => {
        fc.assert(
          fc.property(fc.integer(), fc.nat(), fc.integer({ min: 1, max: 9 }), (seed, at, delta) => {
            const original = kind.generate(createRng(seed));
            const i = at % original.length;
            const mutated =
              original.slice(0, i) + String((Number(original[i]) + delta) % 10) + original.slice(i + 1);
            fc.pre(!kind.blind(original, mutated));
            return !kind.isValid(mutated);
          }),
          { numRuns: 2000 },
        );
      });
    });
  }

  it('the mod 11 mod 10 blind spot is real: two ИНН one digit apart are both valid', () => {
    // Remainder 0 and remainder 10 both give check digit 0 (the rule, taken as published).
    expect(isValidInn('0707083890')).to.be.true;
    expect(isValidInn('5707083890')).to.be.true;
  });

  it('generators are deterministic by seed', () => {
    expect(generateSnils(createRng(42))).to.equal(generateSnils(createRng(42)));
    expect(generateInn12(createRng(42))).to.not.equal(generateInn12(createRng(43)));
  });
});
