// The published contract means what it meant when its schemas were written by hand: the document the gateway serves
// is compared with the one it served then (fixtures/openapi-published.json, saved before the shapes were declared
// once with TypeBox, decision record 0038). Only the differences listed below, each with its reason, may appear; one
// that no longer appears must leave the list, so the list says exactly what changed.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { repoPath } from '@dmsnet/formats/paths';
import { openApiDocument } from '../../../gateway/src/api/openapi.js';
import { differences, type Difference } from '../fixtures/openapi-equivalence.js';

const published = JSON.parse(
  readFileSync(repoPath('test', 'gateway', 'fixtures', 'openapi-published.json'), 'utf8'),
) as object;
/** What `GET /v1/openapi.json` answers: the document as JSON. */
const served = JSON.parse(JSON.stringify(openApiDocument)) as object;

/** JSON Pointer (in the published document) → why the declared document differs there. */
const LIFTED =
  'a query declared once (queryParameters) carries a property’s description on the parameter, where OpenAPI readers show it';
const REPLACED =
  'the parameter’s own description replaces the ОГРН pattern’s generic one (the pattern stays)';
const ALLOWED: Record<string, string> = {
  '/paths/~1v1~1roster/get/parameters/0/schema/description': REPLACED,
  '/paths/~1v1~1roster/get/parameters/2/schema/description': LIFTED,
  '/paths/~1v1~1roster/get/parameters/2/description': LIFTED,
  '/paths/~1v1~1guarantee-letters/get/parameters/1/schema/description': LIFTED,
  '/paths/~1v1~1guarantee-letters/get/parameters/1/description': LIFTED,
  '/paths/~1v1~1care-requests/get/parameters/2/schema/description': REPLACED,
  '/paths/~1v1~1price-lists/get/parameters/0/schema/description': LIFTED,
  '/paths/~1v1~1price-lists/get/parameters/0/description': LIFTED,
};

const show = (d: Difference) => `${d.pointer}: ${JSON.stringify(d.left)} → ${JSON.stringify(d.right)}`;

describe('the OpenAPI document means what the published one meant', () => {
  it('differs from the published document only where the allow-list says why', () => {
    const found = differences(published, served);
    expect(found.filter((d) => !(d.pointer in ALLOWED)).map(show), 'unexplained differences').to.deep.equal(
      [],
    );
    const seen = new Set(found.map((d) => d.pointer));
    expect(
      Object.keys(ALLOWED).filter((p) => !seen.has(p)),
      'allowed differences that no longer occur',
    ).to.deep.equal([]);
  });

  it('sees a changed rule, a dropped field and a schema moved inline as what they are', () => {
    const changed = structuredClone(published) as {
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
      paths: Record<
        string,
        Record<string, { requestBody: { content: Record<string, { schema: unknown }> } }>
      >;
    };
    const schemas = changed.components.schemas;
    schemas.Withdrawal!.properties.reason!.maxLength = 501;
    delete schemas.OutboxRecord!.properties.digest;
    // the same Rejection written inline where the document refers to it: no difference
    changed.paths['/v1/inbox/{id}/reject']!.post!.requestBody.content['application/json']!.schema =
      structuredClone(schemas.Rejection);
    expect(differences(published, changed).map((d) => d.pointer)).to.deep.equal([
      '/components/schemas/OutboxRecord/properties/digest',
      '/components/schemas/Withdrawal/properties/reason/maxLength',
    ]);
  });

  it('reads equal spellings as equal: a const with its type, an anyOf of consts, required in any order', () => {
    const left = { s: { type: 'object', required: ['a', 'b'], properties: { k: { enum: ['x', 'y'] } } } };
    const right = {
      s: {
        properties: { k: { anyOf: [{ type: 'string', const: 'x' }, { const: 'y' }] } },
        required: ['b', 'a'],
        type: 'object',
      },
    };
    expect(differences(left, right)).to.deep.equal([]);
    expect(differences(left, { s: { ...right.s, required: ['a'] } })).to.have.length(1);
  });
});
