import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { canonicalDigest, canonicalJson, DmsnetError } from '@dmsnet/formats';

describe('formats: canonical JSON (RFC 8785)', () => {
  it('serialises the RFC 8785 §3.2.2 example', () => {
    // The input of the RFC, written as the JavaScript value JSON.parse gives for it.
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(input)).to.equal(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts properties by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Compared as text: Object.keys() would list the integer-like key "1" first whatever the JSON order.
    expect(canonicalJson(input)).to.equal(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('formats numbers as the RFC 8785 Appendix B table does', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [-9007199254740992, '-9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [333333333.3333333, '333333333.3333333'],
    ];
    for (const [n, text] of cases) expect(canonicalJson(n), String(n)).to.equal(text);
  });

  it('gives the same bytes whatever the property order and whitespace of the input', () => {
    const a = JSON.parse('{ "b": [1, {"y": 2, "x": 1}], "a": "я" }') as unknown;
    const b = JSON.parse('{"a":"я","b":[1,{"x":1,"y":2}]}') as unknown;
    expect(canonicalJson(a)).to.equal(canonicalJson(b));
    expect(canonicalJson(a)).to.equal('{"a":"я","b":[1,{"x":1,"y":2}]}');
  });

  it('digests the canonical UTF-8 bytes with SHA-256', () => {
    // sha256("{}") is a published constant.
    expect(canonicalDigest({})).to.equal('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    const doc = { b: 'ДМС', a: 1 };
    expect(canonicalDigest(doc)).to.equal(
      createHash('sha256').update(Buffer.from('{"a":1,"b":"ДМС"}', 'utf8')).digest('hex'),
    );
  });

  it('refuses values JSON cannot represent, with a typed error', () => {
    for (const v of [NaN, Infinity, undefined]) {
      expect(() => canonicalJson(v))
        .to.throw(DmsnetError)
        .with.property('code', 'CANONICAL_UNSUPPORTED');
    }
  });

  it('refuses a lone surrogate in a value or a key, as the reference does (found by fuzzing)', () => {
    for (const v of [{ a: '\ud800' }, { ['x\udc00']: 1 }, ['ok', 'a\udbffb'], { 1: '\udfff' }]) {
      expect(() => canonicalJson(v), JSON.stringify(v))
        .to.throw(DmsnetError)
        .with.property('code', 'CANONICAL_UNSUPPORTED');
    }
    expect(canonicalJson({ a: '\ud83d\ude00' })).to.equal('{"a":"\ud83d\ude00"}');
  });
});

describe('formats: the fast canonical JSON path agrees with the reference implementation', () => {
  it('gives the same text as canonicalize for any JSON value (fast-check)', async () => {
    const fc = await import('fast-check');
    const { canonicalJsonReference } = await import('@dmsnet/formats/canonical');
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).to.equal(canonicalJsonReference(v));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a "__proto__" key that JSON.parse made an own property', () => {
    const v = JSON.parse('{"b":1,"__proto__":{"x":2},"a":[{"__proto__":null}]}') as unknown;
    expect(canonicalJson(v)).to.equal('{"__proto__":{"x":2},"a":[{"__proto__":null}],"b":1}');
  });

  it('refuses NaN and Infinity with its code, nested anywhere', () => {
    for (const v of [{ a: [1, NaN] }, { b: { c: Infinity } }]) {
      try {
        canonicalJson(v);
        expect.fail('should refuse');
      } catch (err) {
        expect((err as DmsnetError).code).to.equal('CANONICAL_UNSUPPORTED');
      }
    }
  });
});
