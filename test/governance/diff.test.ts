import { expect } from 'chai';
import { diffSchemas, isBreaking } from '../../formats/src/governance/diff.js';

describe('schema diff classification', () => {
  const base = {
    type: 'object',
    required: ['a'],
    properties: { a: { type: 'string', maxLength: 10 }, b: { enum: ['x', 'y'] }, c: { type: 'number' } },
  };
  const rules = (after: unknown) => diffSchemas(base, after).map((c) => `${c.kind} ${c.rule} ${c.pointer}`);

  it('a new required field, a removed field and a narrowed type are breaking', () => {
    const after = {
      type: 'object',
      required: ['a', 'd'],
      properties: {
        a: { type: 'string', maxLength: 5 },
        b: { enum: ['x'] },
        c: { type: 'integer' },
        d: { type: 'string' },
      },
    };
    expect(rules(after)).to.include.members([
      'breaking REQUIRED_ADDED /required',
      'breaking BOUND_TIGHTENED /properties/a/maxLength',
      'breaking ENUM_SHRUNK /properties/b/enum',
      'breaking TYPE_NARROWED /properties/c/type',
    ]);
    expect(rules({ ...base, properties: { a: base.properties.a, b: base.properties.b } })).to.include(
      'breaking PROPERTY_REMOVED /properties/c',
    );
  });

  it('an optional field and a widened enum are compatible', () => {
    const after = {
      ...base,
      properties: { ...base.properties, b: { enum: ['x', 'y', 'z'] }, e: { type: 'string' } },
    };
    const changes = diffSchemas(base, after);
    expect(isBreaking(changes)).to.equal(false);
    expect(rules(after)).to.have.members([
      'compatible ENUM_WIDENED /properties/b/enum',
      'compatible PROPERTY_ADDED /properties/e',
    ]);
  });
});
