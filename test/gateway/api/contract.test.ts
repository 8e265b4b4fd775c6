// The API contract as integrators use it: Spectral's `oas` ruleset finds no error in the live document, a client
// generated from it by openapi-typescript type-checks a program that sends a list and reads its status (and a
// program reading a field the contract does not promise does not), the governance paths answer as the document
// says, and the response checker the HTTP tests use refuses a wrong shape.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import spectralRulesets from '@stoplight/spectral-rulesets';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { bundledSchemaText } from '../../../formats/src/index.js';
import type { RunningServer } from '../../../gateway/src/api/server.js';
import { startNodeApi } from '../../../gateway/src/api/node-api.js';
import { GatewayClient } from '../../../gateway/src/demo/client.js';
import { startLocalNetwork, type LocalNetwork } from '../../../gateway/src/local-network/network.js';
import { checkResponse, ContractViolation } from '../fixtures/contract.js';

const { Spectral, Document } = spectralCore as unknown as typeof import('@stoplight/spectral-core');
const { Json } = spectralParsers as unknown as typeof import('@stoplight/spectral-parsers');
const { oas } = spectralRulesets as unknown as typeof import('@stoplight/spectral-rulesets');

describe('the API contract (live document, generated client, Spectral, governance paths)', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  let server: RunningServer;
  let live: Record<string, unknown>;
  const token = randomBytes(24).toString('base64url');

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-contract-'));
    net = await startLocalNetwork({
      dir: path.join(dir, 'net'),
      workflows: false,
      participants: [
        { key: 'association', role: 'association', name: 'Ассоциация', mspId: 'AssociationMSP' },
      ],
    });
    const p = net.get('association');
    server = await startNodeApi(p, { port: 0, token });
    live = (await (await fetch(server.url + '/v1/openapi.json')).json()) as Record<string, unknown>;
  });
  after(async () => {
    await server?.close();
    await net?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('every operation has an operationId, tags, and a schema for each JSON response; governance is in it', () => {
    const paths = live.paths as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(paths)).to.include.members([
      '/v1/governance/proposals',
      '/v1/governance/proposals/{type}/{version}/votes',
      '/v1/coverage',
      '/v1/events',
    ]);
    const ids = new Set<string>();
    for (const [p, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${p}`;
        expect(op.operationId, where).to.be.a('string');
        ids.add(op.operationId as string);
        expect(op.tags, where).to.be.an('array').that.is.not.empty;
        const responses = op.responses as Record<string, { content?: Record<string, { schema: object }> }>;
        expect(responses, where).to.have.property('default');
        for (const [status, r] of Object.entries(responses)) {
          for (const media of Object.values(r.content ?? {})) {
            expect(Object.keys(media.schema), `${where} ${status}`).to.not.be.empty;
          }
        }
      }
    }
    expect(ids.size, 'operationIds are unique').to.equal(
      Object.values(paths).reduce((n, item) => n + Object.keys(item).length, 0),
    );
    const events = paths['/v1/events']!.get!.responses as Record<string, { content: object }>;
    expect(events['200']!.content).to.have.property('text/event-stream');
  });

  it('Spectral’s oas ruleset reports no error', async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [[oas as never, 'recommended']] } as never);
    const broken = structuredClone(live) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    broken.paths['/v1/health']!.get!.operationId = 'getOpenApi'; // two operations, one id
    const refused = await spectral.run(new Document(JSON.stringify(broken, null, 2), Json));
    expect(
      refused.filter((r) => r.severity === 0),
      'the ruleset runs and can fail',
    ).to.not.be.empty;
    const results = await spectral.run(new Document(JSON.stringify(live, null, 2), Json));
    const errorsFound = results.filter((r) => r.severity === 0);
    expect(
      errorsFound.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`),
      'Spectral errors',
    ).to.deep.equal([]);
  });

  it('a client generated by openapi-typescript type-checks a program that sends a list and reads its status', async () => {
    const types = astToString(await openapiTS(live as never));
    await writeFile(path.join(dir, 'api.d.ts'), types);
    const program = (readsField: string) => `
import type { paths } from './api.js';
type Sent = paths['/v1/documents']['post']['responses']['202']['content']['application/json'];
type View = paths['/v1/documents/{id}']['get']['responses']['200']['content']['application/json'];
type Body = paths['/v1/documents']['post']['requestBody']['content']['application/json'];
export async function sendAndRead(base: string, token: string, list: Body): Promise<string> {
  const headers = { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' };
  const sent = (await (await fetch(base + '/v1/documents', { method: 'POST', headers, body: JSON.stringify(list) })).json()) as Sent;
  const id: string = sent.messageId;
  const attempts: number = sent.attempts;
  const view = (await (await fetch(base + '/v1/documents/' + encodeURIComponent(id), { headers })).json()) as View;
  const trail: string[] = view.trail.map((t) => t.status + ' ' + t.at);
  return ${readsField} + ' ' + attempts + ' ' + trail.join(',');
}
`;
    const check = async (name: string, readsField: string): Promise<string[]> => {
      const file = path.join(dir, `${name}.ts`);
      await writeFile(file, program(readsField));
      const p = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
      });
      return ts.getPreEmitDiagnostics(p).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    expect(await check('good', 'view.status + view.record.messageId')).to.deep.equal([]);
    const bad = await check('bad', 'view.statusText');
    expect(bad.join('\n')).to.include("Property 'statusText' does not exist");
  });

  it('the governance paths answer as the document says (propose, vote, status, list, schema)', async () => {
    const client = new GatewayClient(server.url, token, undefined, checkResponse);
    const schemaText = bundledSchemaText('insured-list', '1').replace('{', '{"$comment": "v9",');
    const proposed = await client.call<{ schemaHash: string }>('POST', '/v1/governance/proposals', {
      type: 'insured-list',
      version: '9',
      schemaText,
      effectiveFrom: '2026-01-01',
    });
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(201);
    expect(proposed.body.schemaHash).to.equal(createHash('sha256').update(schemaText).digest('hex'));
    const vote = await client.call('POST', '/v1/governance/proposals/insured-list/9/votes', {
      choice: 'yes',
    });
    expect(vote.status).to.be.oneOf([200, 403]);
    const maybe = await client.call('POST', '/v1/governance/proposals/insured-list/9/votes', {
      choice: 'maybe',
    });
    expect(maybe.status).to.equal(400);
    expect((await client.call('GET', '/v1/governance/proposals/insured-list/9')).status).to.equal(200);
    expect((await client.call('GET', '/v1/governance/proposals/insured-list/99')).status).to.equal(404);
    expect((await client.call('GET', '/v1/governance/proposals')).status).to.equal(200);
    const schema = await client.call('GET', '/v1/governance/schemas/insured-list/9');
    expect(schema.status).to.equal(200);
    expect(schema.body).to.deep.equal(JSON.parse(schemaText));
  });

  it('the response checker refuses a shape the contract does not promise', () => {
    const page = { method: 'GET', path: '/v1/outbox?limit=1', status: 200, contentType: 'application/json' };
    expect(() => checkResponse({ ...page, body: { items: [] } })).to.not.throw();
    expect(() => checkResponse({ ...page, body: [] })).to.throw(ContractViolation);
    expect(() => checkResponse({ ...page, body: { items: [{ messageId: 'x' }] } })).to.throw(
      ContractViolation,
    );
    const hooks = { method: 'GET', path: '/v1/webhooks', status: 200, contentType: 'application/json' };
    const listed = {
      id: 'w',
      url: 'http://127.0.0.1:9/',
      events: [],
      cursor: 0,
      createdAt: '2026-01-01T00:00:00Z',
    };
    expect(() => checkResponse({ ...hooks, body: { items: [listed] } })).to.not.throw();
    expect(
      () => checkResponse({ ...hooks, body: { items: [{ ...listed, secret: 'x'.repeat(32) }] } }),
      'a listed secret',
    ).to.throw(ContractViolation);
    expect(() => checkResponse({ ...hooks, status: 500, contentType: 'text/html', body: 'oops' })).to.throw(
      ContractViolation,
    );
  });
});
