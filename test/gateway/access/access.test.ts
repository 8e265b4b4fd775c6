import { expect } from 'chai';
import { request } from 'node:http';
import { generateDocument } from '@dmsnet/formats';
import { startGatewayServer, type RunningServer } from '../../../gateway/src/api/server.js';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { may, routeOf } from '../../../gateway/src/access/roles.js';
import { openApiDocument } from '../../../gateway/src/api/openapi.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;
interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

/** Raw HTTP, so that Host, Origin and Cookie are exactly what the test says. */
function call(
  base: string,
  method: string,
  path: string,
  o: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Res> {
  const u = new URL(base);
  const data = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: {
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as Json) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('people at a gateway: accounts, sessions, CSRF, Host and Origin, roles, audit (real HTTP)', function () {
  this.timeout(60_000);
  let t: TestNetwork;
  let clinic: RunningServer;
  const PASSWORD = 'correct horse battery';

  before(async () => {
    t = await startTestNetwork();
    clinic = t.servers.get('clinic')!;
    const users = clinic.access.users;
    await users.add({
      username: 'reg',
      fullName: 'Иванова Анна Петровна',
      role: 'registrar',
      password: PASSWORD,
    });
    await users.add({
      username: 'acc',
      fullName: 'Смирнов Олег Ильич',
      role: 'accountant',
      password: PASSWORD,
    });
    await users.add({
      username: 'victim',
      fullName: 'Кузнецова Вера',
      role: 'registrar',
      password: PASSWORD,
    });
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  async function login(server: RunningServer, username: string, password = PASSWORD) {
    const r = await call(server.url, 'POST', '/v1/session', { body: { username, password } });
    const set = String(r.headers['set-cookie'] ?? '');
    const cookie = set.split(';')[0] as string;
    return { r, cookie, csrf: String(r.body.csrfToken ?? ''), set };
  }

  it('refuses a wrong password with 401 LOGIN_FAILED and sets no cookie', async () => {
    const { r } = await login(clinic, 'reg', 'wrong password!');
    expect(r.status).to.equal(401);
    expect(r.body.code).to.equal('LOGIN_FAILED');
    expect(r.headers['set-cookie']).to.equal(undefined);
    const unknown = await login(clinic, 'nobody', PASSWORD);
    expect(unknown.r.status).to.equal(401);
    expect(unknown.r.body.code).to.equal('LOGIN_FAILED');
  });

  it('logs in with an HttpOnly, SameSite=Strict session cookie; the session reads the API and logs out', async () => {
    const { r, cookie, csrf, set } = await login(clinic, 'acc');
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.include({ username: 'acc', role: 'accountant', participantRole: 'clinic' });
    expect(set)
      .to.match(/HttpOnly/)
      .and.match(/SameSite=Strict/)
      .and.match(/Path=\//);
    expect(set).not.to.match(/Secure/);
    expect(csrf).to.have.length.greaterThan(20);
    const me = await call(clinic.url, 'GET', '/v1/session', { headers: { Cookie: cookie } });
    expect(me.body.csrfToken).to.equal(csrf);
    const inbox = await call(clinic.url, 'GET', '/v1/inbox', { headers: { Cookie: cookie } });
    expect(inbox.status).to.equal(200);
    const noCsrf = await call(clinic.url, 'DELETE', '/v1/session', { headers: { Cookie: cookie } });
    expect(noCsrf.status).to.equal(403);
    const out = await call(clinic.url, 'DELETE', '/v1/session', {
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(out.status).to.equal(204);
    expect(String(out.headers['set-cookie'])).to.match(/Max-Age=0/);
    const after = await call(clinic.url, 'GET', '/v1/inbox', { headers: { Cookie: cookie } });
    expect(after.status).to.equal(401);
  });

  it('refuses a state-changing cookie request without the right CSRF token (403 CSRF_TOKEN_INVALID)', async () => {
    const { cookie, csrf } = await login(clinic, 'acc');
    const doc = generateDocument('price-list', {
      seed: 5,
      rows: 2,
      sender: t.net.get('clinic').party,
      addressee: t.net.get('insurer').party,
    });
    const none = await call(clinic.url, 'POST', '/v1/documents', { body: doc, headers: { Cookie: cookie } });
    expect(none.status).to.equal(403);
    expect(none.body.code).to.equal('CSRF_TOKEN_INVALID');
    const wrong = await call(clinic.url, 'POST', '/v1/documents', {
      body: doc,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf.slice(1) + 'x' },
    });
    expect(wrong.status).to.equal(403);
    const right = await call(clinic.url, 'POST', '/v1/documents', {
      body: doc,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(right.status, JSON.stringify(right.body)).to.equal(202);
  });

  it('refuses a request for another host name (DNS rebinding), even with the right token, and a foreign Origin', async () => {
    const evil = await call(clinic.url, 'GET', '/v1/outbox', {
      headers: { Host: 'evil.example', Authorization: 'Bearer token-clinic' },
    });
    expect(evil.status).to.equal(421);
    expect(evil.body.code).to.equal('HOST_NOT_ALLOWED');
    const health = await call(clinic.url, 'GET', '/v1/health', { headers: { Host: 'evil.example:80' } });
    expect(health.status).to.equal(421);
    const port = new URL(clinic.url).port;
    const local = await call(clinic.url, 'GET', '/v1/outbox', {
      headers: { Host: `localhost:${port}`, Authorization: 'Bearer token-clinic' },
    });
    expect(local.status).to.equal(200);
    const crossSite = await call(clinic.url, 'POST', '/v1/session', {
      body: { username: 'acc', password: PASSWORD },
      headers: { Origin: 'http://evil.example' },
    });
    expect(crossSite.status).to.equal(403);
    expect(crossSite.body.code).to.equal('ORIGIN_NOT_ALLOWED');
    const sameSite = await call(clinic.url, 'POST', '/v1/session', {
      body: { username: 'acc', password: PASSWORD },
      headers: { Origin: clinic.url },
    });
    expect(sameSite.status).to.equal(200);
  });

  it('refuses an operation outside the role with 403 FORBIDDEN_ROLE from the API itself', async () => {
    const { cookie, csrf } = await login(clinic, 'reg');
    const doc = generateDocument('price-list', {
      seed: 6,
      rows: 2,
      sender: t.net.get('clinic').party,
      addressee: t.net.get('insurer').party,
    });
    const send = await call(clinic.url, 'POST', '/v1/documents', {
      body: doc,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(send.status).to.equal(403);
    expect(send.body.code).to.equal('FORBIDDEN_ROLE');
    for (const path of ['/v1/webhooks', '/v1/users', '/v1/expertise-acts/X-1']) {
      const r = await call(clinic.url, 'GET', path, { headers: { Cookie: cookie } });
      expect(r.status, path).to.equal(403);
    }
    const read = await call(clinic.url, 'GET', '/v1/inbox', { headers: { Cookie: cookie } });
    expect(read.status).to.equal(200);
    // The machine token keeps every operation.
    const hooks = await call(clinic.url, 'GET', '/v1/webhooks', {
      headers: { Authorization: 'Bearer token-clinic' },
    });
    expect(hooks.status).to.equal(200);
  });

  it('throttles logins after five failures for a user name, even with the right password then', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login(clinic, 'victim', `wrong-${i}-password`)).r.status).to.equal(401);
    const blocked = await login(clinic, 'victim');
    expect(blocked.r.status).to.equal(429);
    expect(blocked.r.body.code).to.equal('LOGIN_THROTTLED');
    expect(Number(blocked.r.headers['retry-after'])).to.be.greaterThan(0);
    // Another user name from the same address is not locked out by them.
    expect((await login(clinic, 'reg')).r.status).to.equal(200);
  });

  it('ends a session after its idle time, and at once when the account is disabled', async () => {
    const short = await startGatewayServer(t.net.get('clinic').node, {
      port: 0,
      token: 'token-short',
      participantRole: 'clinic',
      access: { sessions: { idleMs: 300 } },
    });
    try {
      const { cookie } = await login(short, 'reg');
      expect((await call(short.url, 'GET', '/v1/inbox', { headers: { Cookie: cookie } })).status).to.equal(
        200,
      );
      await new Promise((r) => setTimeout(r, 450));
      expect((await call(short.url, 'GET', '/v1/inbox', { headers: { Cookie: cookie } })).status).to.equal(
        401,
      );
    } finally {
      await short.close();
    }
    await clinic.access.users.add({
      username: 'temp',
      fullName: 'Временный',
      role: 'registrar',
      password: PASSWORD,
    });
    const { cookie } = await login(clinic, 'temp');
    await call(clinic.url, 'POST', '/v1/users/temp/disable', {
      headers: { Authorization: 'Bearer token-clinic' },
    });
    expect((await call(clinic.url, 'GET', '/v1/inbox', { headers: { Cookie: cookie } })).status).to.equal(
      401,
    );
    expect((await login(clinic, 'temp')).r.status).to.equal(401);
  });

  it('records who sent and who accepted in the audit log shown with the document', async () => {
    const doc = generateDocument('insured-list', {
      seed: 77,
      rows: 2,
      sender: t.net.get('insurer').party,
      addressee: t.net.get('clinic').party,
    });
    const id = doc.header.documentId;
    await t.client('insurer').call('POST', '/v1/documents', doc);
    await t.client('clinic').waitFor(`/v1/documents/${id}`, (s) => s === 200);
    const { cookie, csrf } = await login(clinic, 'acc');
    const acc = await call(clinic.url, 'POST', `/v1/inbox/${id}/accept`, {
      body: { comment: 'принято' },
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(acc.status, JSON.stringify(acc.body)).to.equal(200);
    const view = await t
      .client('clinic')
      .waitFor<{ audit: Json[] }>(`/v1/documents/${id}`, (s, b) => s === 200 && b.audit.length > 0);
    expect(view.audit[0]).to.include({
      action: 'accept',
      user: 'acc',
      fullName: 'Смирнов Олег Ильич',
      role: 'accountant',
    });
    expect(view.audit[0].detail).to.deep.equal({ comment: 'принято' });
    const sent = await t
      .client('insurer')
      .waitFor<{ audit: Json[] }>(`/v1/documents/${id}`, (s, b) => s === 200 && b.audit.length > 0);
    expect(sent.audit[0]).to.include({ action: 'send', user: 'api-token' });
  });
});

describe('the role table covers the API', () => {
  // Paths a person reaches before or without a role: health, the contract itself, logging in and out.
  const PUBLIC = new Set(['/v1/health', '/v1/openapi.json', '/v1/session']);

  it('gives every operation of the OpenAPI contract a role rule, so no console session meets a missing one', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const [template, item] of Object.entries(openApiDocument.paths)) {
      if (PUBLIC.has(template)) continue;
      const path = template.replace(/\{[^}]+\}/g, 'X-1');
      for (const method of Object.keys(item)) {
        if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
        checked++;
        if (!routeOf(method.toUpperCase(), path)) missing.push(`${method.toUpperCase()} ${template}`);
      }
    }
    expect(checked).to.be.above(40);
    expect(missing, 'routes without a role rule').to.deep.equal([]);
  });

  it('lets only an admin set the signature profile and any reader export a signature', () => {
    for (const kind of ['clinic', 'insurer', 'assistance', 'association'] as const) {
      expect(may(kind, 'admin', routeOf('PUT', '/v1/signature-profile')!.op)).to.equal(true);
      expect(routeOf('GET', '/v1/documents/a:b/signature')?.op).to.equal('read');
      expect(routeOf('GET', '/v1/documents/a:b/signature/export')?.op).to.equal('read');
    }
    expect(may('clinic', 'accountant', routeOf('PUT', '/v1/signature-profile')!.op)).to.equal(false);
  });

  it('lets any reader see delegations and what was done in the insurer’s name; only an admin delegates or revokes', () => {
    for (const path of ['/v1/delegations', '/v1/delegations/1027700000001/DLG-1/history', '/v1/on-behalf'])
      expect(may('insurer', 'expert', routeOf('GET', path)!.op), path).to.equal(true);
    for (const path of ['/v1/delegations', '/v1/delegations/DLG-1/revoke']) {
      const rule = routeOf('POST', path)!;
      expect([rule.op, rule.audit], path).to.deep.equal(['delegations', 'delegation']);
      expect(may('insurer', 'admin', rule.op), path).to.equal(true);
      expect(may('insurer', 'operator', rule.op), path).to.equal(false);
    }
  });

  it('lets managers, a clinic’s accountant and admins read the figures; nobody else (decision 0060)', () => {
    for (const path of ['/v1/figures', '/v1/figures/by-month/xlsx']) {
      const op = routeOf('GET', path)!.op;
      expect(op, path).to.equal('figures.read');
      for (const kind of ['clinic', 'insurer', 'assistance'] as const) {
        expect(may(kind, 'manager', op), `${kind} manager`).to.equal(true);
        expect(may(kind, 'admin', op), `${kind} admin`).to.equal(true);
        expect(may(kind, 'expert', op), `${kind} expert`).to.equal(false);
      }
      expect(may('clinic', 'accountant', op)).to.equal(true);
      expect(may('clinic', 'registrar', op)).to.equal(false);
      expect(may('insurer', 'operator', op)).to.equal(false);
    }
  });
});
