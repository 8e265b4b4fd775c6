// A hostile member of the network against the gateway's API and workflows (issue: "the exchange holds against a
// hostile participant"). Every test prints the attack and the refusal it got.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument, type DmsDocument } from '../../formats/src/index.js';
import { startGatewayServer, type RunningServer } from '../../gateway/src/api/server.js';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { GatewayClient } from '../../gateway/src/demo/client.js';
import { startLocalNetwork, type LocalNetwork } from '../../gateway/src/local-network/network.js';
import { workflowRouter } from '../../gateway/src/workflows/index.js';
import { SMALL_NETWORK } from './fixtures/network.js';

type Json = Record<string, unknown>;
interface ErrorBody {
  code: string;
  errors: Array<{ pointer: string; code: string; message: string }>;
}

describe('a hostile participant against the gateway API and workflows (real nodes, HTTP, embedded ledger)', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  const servers = new Map<string, RunningServer>();
  const clients = new Map<string, GatewayClient>();
  const c = (k: string) => clients.get(k) as GatewayClient;
  const url = (k: string) => (servers.get(k) as RunningServer).url;
  const party = (k: string) => net.get(k).party;
  const attack = (what: string, status: number, code: string) =>
    console.log(`      attack: ${what} → ${status} ${code}`);

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-hostile-'));
    net = await startLocalNetwork({ dir, participants: SMALL_NETWORK });
    for (const p of net.participants.values()) {
      const s = await startGatewayServer(p.node, {
        port: 0,
        token: `t-${p.key}`,
        routers: p.workflows ? [workflowRouter(p.workflows)] : [],
      });
      servers.set(p.key, s);
      clients.set(p.key, new GatewayClient(s.url, `t-${p.key}`));
    }
  });
  after(async () => {
    for (const s of servers.values()) await s.close();
    await net?.close();
    await closeCryptoWorkers();
    await rm(dir, { recursive: true, force: true });
  });

  async function send(from: string, to: string, doc: DmsDocument): Promise<string> {
    const r = await c(from).call('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    await c(to).waitFor(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
    return doc.header.documentId;
  }

  const list = (seed: number, from = 'insurer', to = 'clinic') =>
    structuredClone(
      generateDocument('insured-list', { seed, rows: 2, sender: party(from), addressee: party(to) }),
    );

  // ---- events and paging -------------------------------------------------------------------------------------

  it('SSE: a Last-Event-ID beyond the durable log answers 400 EVENT_ID_BEYOND_LOG, not 200 and silence', async () => {
    await send('insurer', 'clinic', list(101));
    const beyond = await fetch(url('clinic') + '/v1/events', {
      headers: { Authorization: 'Bearer t-clinic', 'Last-Event-ID': '999999' },
    });
    const body = (await beyond.json()) as ErrorBody;
    attack('GET /v1/events with Last-Event-ID 999999', beyond.status, body.code);
    expect(beyond.status).to.equal(400);
    expect(body.code).to.equal('EVENT_ID_BEYOND_LOG');
    expect(body.errors[0].pointer).to.equal('/headers/last-event-id');

    // The newest id itself is a valid place to resume: the stream goes live and delivers the next event.
    const newest = net.get('clinic').node.notifications.lastSeq();
    expect(newest).to.be.greaterThan(0);
    const abort = new AbortController();
    const res = await fetch(url('clinic') + '/v1/events', {
      headers: { Authorization: 'Bearer t-clinic', 'Last-Event-ID': String(newest) },
      signal: abort.signal,
    });
    expect(res.status).to.equal(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const next = list(102);
    await send('insurer', 'clinic', next);
    let text = '';
    while (!text.includes(`"messageId":"${next.header.documentId}"`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    abort.abort();
    expect(text).to.include(`id: ${newest + 1}\n`);
  });

  it('a list cursor that the gateway did not issue answers 400 CURSOR_INVALID at /query/cursor', async () => {
    for (let i = 0; i < 3; i++) await send('insurer', 'clinic', list(110 + i));
    const first = await c('clinic').call<{ items: Json[]; nextCursor?: string }>('GET', '/v1/inbox?limit=1');
    expect(first.body.nextCursor).to.be.a('string');
    const second = await c('clinic').call<{ items: Json[] }>(
      'GET',
      `/v1/inbox?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`,
    );
    expect(second.status).to.equal(200);
    expect(second.body.items).to.have.length(1);
    expect(second.body.items[0].messageId).to.not.equal(first.body.items[0].messageId);

    const forged = Buffer.from('~', 'utf8').toString('base64url');
    const cases: Array<[string, string]> = [
      ['/v1/inbox', 'garbage'],
      ['/v1/outbox', 'garbage'],
      ['/v1/participants', 'garbage'],
      ['/v1/inbox', forged],
      // A real cursor of the inbox is not a cursor of the outbox.
      ['/v1/outbox', first.body.nextCursor as string],
      // Nor is it valid once altered.
      ['/v1/inbox', (first.body.nextCursor as string).replace(/^./, (ch) => (ch === 'e' ? 'f' : 'e'))],
    ];
    for (const [p, cursor] of cases) {
      const r = await c('clinic').call<ErrorBody>('GET', `${p}?cursor=${encodeURIComponent(cursor)}`);
      attack(`GET ${p}?cursor=${cursor.slice(0, 24)}`, r.status, r.body.code);
      expect(r.status, p).to.equal(400);
      expect(r.body.code).to.equal('CURSOR_INVALID');
      expect(r.body.errors[0]).to.include({ pointer: '/query/cursor', code: 'CURSOR_INVALID' });
    }

    // Participants page through the cursor they answer.
    const p1 = await c('clinic').call<{ items: Json[]; nextCursor?: string }>(
      'GET',
      '/v1/participants?limit=2',
    );
    expect(p1.body.nextCursor).to.be.a('string');
    const p2 = await c('clinic').call<{ items: Json[] }>(
      'GET',
      `/v1/participants?limit=2&cursor=${encodeURIComponent(p1.body.nextCursor as string)}`,
    );
    expect(p2.status).to.equal(200);
    const ids = [...p1.body.items, ...p2.body.items].map((x) => x.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids).to.have.length(SMALL_NETWORK.length);
  });
});
