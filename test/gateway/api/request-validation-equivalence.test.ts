// Requests are refused by the declared contract exactly as by the published one: the same malformed requests, over
// real HTTP through the same validator (http/request-validation.ts), answer the same pointers and codes whether the
// validator is built from the document the gateway serves now or from the one it served before the shapes were
// declared once (fixtures/openapi-published.json, decision record 0038). Well-formed requests pass both.
import { expect } from 'chai';
import express from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { repoPath } from '@dmsnet/formats/paths';
import { openApiDocument } from '../../../gateway/src/api/openapi.js';
import { errorHandler } from '../../../gateway/src/http/errors.js';
import { routeValidator, type OpenApiContract } from '../../../gateway/src/http/request-validation.js';

const published = JSON.parse(
  readFileSync(repoPath('test', 'gateway', 'fixtures', 'openapi-published.json'), 'utf8'),
) as OpenApiContract;

interface Case {
  method: 'get' | 'post' | 'put' | 'patch';
  template: string;
  url: string;
  body?: unknown;
  /** A well-formed request: both contracts let it through. */
  valid?: true;
}

const PERSON = {
  lastName: 'Иванов',
  firstName: 'Иван',
  birthDate: '1990-01-01',
  sex: 'M',
  policyNumber: 'P-1',
};
const KEY = 'A'.repeat(43) + '=';

const CASES: Case[] = [
  {
    method: 'post',
    template: '/v1/inbox/{id}/reject',
    url: '/v1/inbox/x/reject',
    body: { errors: [], extra: 1 },
  },
  {
    method: 'post',
    template: '/v1/inbox/{id}/reject',
    url: '/v1/inbox/x/reject',
    body: { errors: [{ pointer: '/a', code: 'lower', message: 5 }], decision: 'MAYBE' },
  },
  {
    method: 'post',
    template: '/v1/inbox/{id}/reject',
    url: '/v1/inbox/x/reject',
    body: { errors: [{ pointer: '/a', code: 'ROW_BAD', message: 'плохо' }], decision: 'REJECTED' },
    valid: true,
  },
  {
    method: 'post',
    template: '/v1/inbox/{id}/accept',
    url: '/v1/inbox/x/accept',
    body: { comment: 1, x: 2 },
  },
  { method: 'post', template: '/v1/inbox/{id}/clarify', url: '/v1/inbox/x/clarify', body: { comment: '' } },
  {
    method: 'post',
    template: '/v1/documents/{id}/withdraw',
    url: '/v1/documents/x/withdraw',
    body: { reason: '  ' },
  },
  { method: 'post', template: '/v1/documents', url: '/v1/documents', body: { header: 1 } },
  {
    method: 'post',
    template: '/v1/webhooks',
    url: '/v1/webhooks',
    body: { url: 'ftp://example', events: ['nope', 'nope'], secret: 'short' },
  },
  {
    method: 'post',
    template: '/v1/webhooks',
    url: '/v1/webhooks',
    body: { url: 'http://127.0.0.1:9/hook', events: ['document.received'] },
    valid: true,
  },
  {
    method: 'put',
    template: '/v1/signature-profile',
    url: '/v1/signature-profile',
    body: { profile: 'rsa' },
  },
  { method: 'post', template: '/v1/session', url: '/v1/session', body: { username: 5 } },
  {
    method: 'get',
    template: '/v1/outbox',
    url: '/v1/outbox?limit=0&order=up&from=yesterday&counterparty=1&replies=all&status=sent',
  },
  { method: 'get', template: '/v1/inbox', url: '/v1/inbox?limit=20&order=desc&replies=exclude', valid: true },
  {
    method: 'get',
    template: '/v1/participants',
    url: '/v1/participants?limit=501&cursor=' + 'c'.repeat(1025),
  },
  { method: 'get', template: '/v1/participants/{id}', url: '/v1/participants/abc' },
  { method: 'get', template: '/v1/events', url: '/v1/events?since=then' },
  { method: 'get', template: '/v1/coverage', url: '/v1/coverage?birthDate=1990-13-45&policy=' },
  { method: 'get', template: '/v1/roster', url: '/v1/roster?limit=501&q=&clinic=12' },
  { method: 'get', template: '/v1/guarantee-letters', url: '/v1/guarantee-letters?status=lost&from=May' },
  {
    method: 'post',
    template: '/v1/guarantee-letters',
    url: '/v1/guarantee-letters',
    body: {
      clinic: '1',
      letterNumber: '',
      patient: {},
      validity: { from: 'x' },
      amountLimit: -1,
      services: [],
    },
  },
  {
    method: 'post',
    template: '/v1/guarantee-letters',
    url: '/v1/guarantee-letters',
    body: {
      clinic: '1027700000001',
      letterNumber: 'ГП-1',
      patient: PERSON,
      validity: { from: '2026-01-01', to: '2026-02-01' },
      amountLimit: 100000,
      services: [{ serviceCode: 'A01', quantity: 1 }],
    },
    valid: true,
  },
  {
    method: 'patch',
    template: '/v1/expertise-acts/{id}',
    url: '/v1/expertise-acts/x',
    body: { lines: [{ invoiceLineId: 'a', decision: 'X', defectCode: '1', paidAmount: -1 }] },
  },
  {
    method: 'post',
    template: '/v1/expertise-acts/{id}/send',
    url: '/v1/expertise-acts/x/send',
    body: { expert: {} },
  },
  { method: 'get', template: '/v1/price-lists', url: '/v1/price-lists' },
  {
    method: 'post',
    template: '/v1/governance/proposals',
    url: '/v1/governance/proposals',
    body: { type: 'X', version: '', effectiveFrom: 'soon' },
  },
  {
    method: 'post',
    template: '/v1/governance/proposals/{type}/{version}/votes',
    url: '/v1/governance/proposals/Insured/1/votes',
    body: { choice: 'maybe' },
  },
  {
    method: 'post',
    template: '/v1/governance/participants',
    url: '/v1/governance/participants',
    body: {
      id: '1027700000001',
      role: 'bank',
      name: '',
      inn: '123',
      identities: [
        { mspId: 'Org1MSP', kind: 'certificate' },
        { mspId: 'Org1MSP', kind: 'attribute', x: 1 },
      ],
      keys: { x25519: 'short', ed25519: KEY },
    },
  },
  {
    method: 'post',
    template: '/v1/governance/participants',
    url: '/v1/governance/participants',
    body: {
      id: '1027700000001',
      role: 'clinic',
      name: 'Клиника',
      identities: [{ mspId: 'HostMSP', kind: 'attribute' }],
      keys: { x25519: KEY, ed25519: KEY },
    },
    valid: true,
  },
  {
    method: 'put',
    template: '/v1/governance/rules',
    url: '/v1/governance/rules',
    body: { voterRoles: ['insurer', 'insurer'], quorum: 0 },
  },
];

type Answer = { status: number; errors: Array<{ pointer: string; code: string }> };

async function serve(contract: OpenApiContract): Promise<Server> {
  const validate = routeValidator(contract);
  const app = express();
  app.use(express.json());
  for (const { method, template } of new Map(CASES.map((c) => [`${c.method} ${c.template}`, c])).values()) {
    app[method](template.replace(/\{([^}]+)\}/g, ':$1'), validate(template, method), (_req, res) => {
      res.status(204).end();
    });
  }
  app.use(errorHandler(() => undefined));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function ask(server: Server, c: Case): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${c.url}`, {
    method: c.method.toUpperCase(),
    ...(c.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(c.body) }),
  });
  const body = res.status === 204 ? { errors: [] } : ((await res.json()) as Answer);
  const errors = body.errors
    .map(({ pointer, code }) => ({ pointer, code }))
    .sort((a, b) => (a.pointer + a.code).localeCompare(b.pointer + b.code));
  return { status: res.status, errors };
}

describe('requests are refused by the declared contract as by the published one', function () {
  this.timeout(60_000);
  let publishedServer: Server;
  let servedServer: Server;
  before(async () => {
    publishedServer = await serve(published);
    servedServer = await serve(openApiDocument);
  });
  after(async () => {
    await new Promise((r) => publishedServer?.close(r));
    await new Promise((r) => servedServer?.close(r));
  });

  for (const [i, c] of CASES.entries()) {
    it(`${i + 1}. ${c.method.toUpperCase()} ${c.url.slice(0, 70)}${c.valid ? ' (well-formed)' : ''}`, async () => {
      const was = await ask(publishedServer, c);
      const is = await ask(servedServer, c);
      if (c.valid)
        expect(was, 'the published contract lets it through').to.deep.equal({ status: 204, errors: [] });
      else expect(was.errors, 'the published contract refuses it').to.not.be.empty;
      expect(is).to.deep.equal(was);
    });
  }
});
