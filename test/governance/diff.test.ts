import { expect } from 'chai';
import fc from 'fast-check';
import { diffSchemas, isBreaking } from '@dmsnet/formats/governance/diff';

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

  // Flat object schemas of the kind the formats are made of: typed properties, some bounded, some enums.
  const prop = fc.oneof(
    fc.record({ type: fc.constant('string'), maxLength: fc.integer({ min: 1, max: 200 }) }),
    fc.record({ type: fc.constantFrom('integer', 'number', 'boolean') }),
    fc.record({ enum: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 2 }) }),
  );
  const name = fc.stringMatching(/^[a-z]{1,8}$/);
  const schema = fc
    .dictionary(name, prop, { minKeys: 1, maxKeys: 6 })
    .chain((properties) =>
      fc
        .subarray(Object.keys(properties))
        .map((required) => ({ type: 'object', required, properties }) as Record<string, unknown>),
    );
  type S = { required: string[]; properties: Record<string, Record<string, unknown>> };

  it('finds nothing between a schema and itself (property)', () => {
    fc.assert(fc.property(schema, (s) => diffSchemas(s, structuredClone(s)).length === 0));
  });

  it('a new optional property is compatible, a new required one breaking, a removed one breaking (property)', () => {
    fc.assert(
      fc.property(schema, name, prop, (s0, extra, p) => {
        const s = s0 as unknown as S;
        fc.pre(!(extra in s.properties));
        const optional = { ...s, properties: { ...s.properties, [extra]: p } };
        const required = { ...optional, required: [...s.required, extra] };
        const [gone] = Object.keys(s.properties);
        const removed = {
          ...s,
          required: s.required.filter((r) => r !== gone),
          properties: Object.fromEntries(Object.entries(s.properties).filter(([k]) => k !== gone)),
        };
        return (
          !isBreaking(diffSchemas(s, optional)) &&
          isBreaking(diffSchemas(s, required)) &&
          isBreaking(diffSchemas(s, removed)) &&
          // Undoing a compatible change is breaking: a document using the new property would be refused.
          isBreaking(
            diffSchemas({ ...optional, additionalProperties: false }, { ...s, additionalProperties: false }),
          )
        );
      }),
    );
  });

  it('a narrowed enum or maxLength breaks, a widened one does not (property)', () => {
    fc.assert(
      fc.property(schema, (s0) => {
        const s = s0 as unknown as S;
        const entries = Object.entries(s.properties);
        return entries.every(([k, p]) => {
          const narrowed = structuredClone(s);
          const widened = structuredClone(s);
          if (Array.isArray(p.enum)) {
            narrowed.properties[k]!.enum = (p.enum as string[]).slice(1);
            widened.properties[k]!.enum = [...(p.enum as string[]), 'z'];
          } else if (typeof p.maxLength === 'number') {
            narrowed.properties[k]!.maxLength = p.maxLength - 1;
            widened.properties[k]!.maxLength = p.maxLength + 1;
          } else return true;
          return isBreaking(diffSchemas(s, narrowed)) && !isBreaking(diffSchemas(s, widened));
        });
      }),
    );
  });
});
