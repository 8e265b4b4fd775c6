// A hostile member of the network against the gateway's API and workflows (issue: "the exchange holds against a
// hostile participant"). Every test prints the attack and the refusal it got.
import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument, type DmsDocument } from '@dmsnet/formats';
import type { RunningServer } from '../../gateway/src/api/server.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import { closeCryptoWorkers, sealDocument, sha256Hex } from '../../gateway/src/crypto/index.js';
import { GatewayClient } from '../../sandbox/src/demo/client.js';
import { startLocalNetwork, type LocalNetwork } from '../../sandbox/src/local-network/network.js';
import { repoPath } from '@dmsnet/formats/paths';
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
  const attack = (what: string, status: number | string, code: string) =>
    console.log(`      attack: ${what} → ${status} ${code}`);

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-hostile-'));
    net = await startLocalNetwork({ dir, participants: SMALL_NETWORK });
    for (const p of net.participants.values()) {
      const s = await startNodeApi(p, { port: 0, token: `t-${p.key}` });
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
    while (!text.includes(`"messageId":"${net.get('insurer').id}:${next.header.documentId}"`)) {
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

  // ---- false identities ------------------------------------------------------------------------------------

  it('the sending gateway refuses a header whose ИНН or name is another company’s: 422 PARTY_MISMATCH', async () => {
    const cases: Array<[string, (d: DmsDocument) => void, string]> = [
      [
        'own ОГРН, another company’s ИНН',
        (d) => (d.header.sender.inn = party('other').inn),
        '/header/sender/inn',
      ],
      [
        'own ОГРН, another company’s name',
        (d) => (d.header.sender.name = party('other').name),
        '/header/sender/name',
      ],
      [
        'the addressee with a third company’s ИНН',
        (d) => (d.header.addressee.inn = party('insurer').inn),
        '/header/addressee/inn',
      ],
      [
        'the addressee under another legal form',
        (d) => (d.header.addressee.name = 'АО «Клиника Тест»'),
        '/header/addressee/name',
      ],
    ];
    for (const [what, change, pointer] of cases) {
      const doc = list(120 + cases.findIndex((x) => x[0] === what), 'insurer', 'clinic');
      change(doc);
      const r = await c('insurer').call<ErrorBody>('POST', '/v1/documents', doc);
      attack(`POST /v1/documents with ${what}`, r.status, r.body.code);
      expect(r.status, what).to.equal(422);
      expect(r.body.code).to.equal('PARTY_MISMATCH');
      expect(r.body.errors.map((e) => e.pointer)).to.deep.equal([pointer]);
      expect((await c('insurer').call('GET', `/v1/documents/${doc.header.documentId}`)).status).to.equal(404);
    }
    // The same company written as people write it is the same party.
    const fine = list(130, 'insurer', 'clinic');
    fine.header.sender.name = 'Акционерное общество "СК  Тест"';
    fine.header.addressee.name = 'Клиника тест, ООО';
    fine.header.addressee.inn = `${party('clinic').inn?.slice(0, 4)} ${party('clinic').inn?.slice(4)}`;
    const ok = await c('insurer').call<Json>('POST', '/v1/documents', fine);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(202);
  });

  it('the receiving gateway rejects on arrival a document whose party fields disagree with the directory', async () => {
    // A hostile insurer bypasses its own gateway: it seals and submits the document to the ledger itself.
    const insurer = net.get('insurer');
    const doc = list(140, 'insurer', 'clinic');
    doc.header.sender.inn = party('other').inn;
    doc.header.sender.name = party('other').name;
    const ciphertext = await sealDocument({
      document: doc,
      signSecretKey: insurer.keys.signSecretKey,
      senderId: insurer.id,
      keyVersion: 1,
      recipientBoxPublicKey: net.get('clinic').keys.boxPublicKey,
    });
    await insurer.ledger.submit(
      'exchange:send',
      [
        JSON.stringify({
          messageId: `${insurer.id}:${doc.header.documentId}`,
          sender: insurer.id,
          addressee: net.get('clinic').id,
          documentType: doc.header.type,
          formatVersion: '1',
          ciphertextHash: sha256Hex(ciphertext),
          size: ciphertext.byteLength,
          senderKeyVersion: 1,
        }),
      ],
      { ciphertext },
    );
    const view = await c('clinic').waitFor<{
      status: string;
      record: { rejection?: { code: string; errors: ErrorBody['errors'] } };
    }>(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
    attack(
      'a raw send with another company’s ИНН and name',
      `${view.status} on arrival`,
      view.record.rejection?.errors[0]?.code ?? 'none',
    );
    expect(view.status).to.equal('REJECTED');
    expect(view.record.rejection?.code).to.equal('DOCUMENT_INVALID');
    expect(
      view.record.rejection?.errors.filter((e) => e.code === 'PARTY_MISMATCH').map((e) => e.pointer),
    ).to.have.members(['/header/sender/inn', '/header/sender/name']);
    // Nothing of it reached the roster: the ledger says REJECTED.
    const env = await c('clinic').waitFor<{ envelope: { status: string } }>(
      `/v1/documents/${doc.header.documentId}`,
      (_s, b) => (b as { envelope?: { status: string } }).envelope?.status === 'REJECTED',
    );
    expect(env.envelope.status).to.equal('REJECTED');
  });

  // ---- one state model for price lists --------------------------------------------------------------------------

  it('a price list decided through /v1/inbox shows the same state in /v1/price-lists as on the ledger', async () => {
    const priceList = (seed: number) => {
      const pl = structuredClone(
        generateDocument('price-list', {
          seed,
          rows: 2,
          sender: party('clinic'),
          addressee: party('insurer'),
        }),
      );
      (pl.body as { validity: Json }).validity = { from: '2026-03-01' };
      return pl;
    };
    const stateOf = async (id: string) => {
      const r = await c('insurer').call<{ items: Array<{ documentId: string; state: string }> }>(
        'GET',
        `/v1/price-lists?clinic=${net.get('clinic').id}`,
      );
      return r.body.items.find((x) => x.documentId === id)?.state;
    };
    const ledgerStatus = async (id: string) =>
      (
        await c('clinic').waitFor<{ envelope: { status: string } }>(`/v1/documents/${id}`, (_s, b) =>
          ['ACCEPTED', 'REJECTED'].includes((b as { envelope?: { status: string } }).envelope?.status ?? ''),
        )
      ).envelope.status;

    const accepted = await send('clinic', 'insurer', priceList(150));
    expect(await stateOf(accepted)).to.equal('RECEIVED');
    expect((await c('insurer').call('POST', `/v1/inbox/${accepted}/accept`, {})).status).to.equal(200);
    const seen = await stateOf(accepted);
    attack('accept a price list through /v1/inbox, then read /v1/price-lists', 200, String(seen));
    expect(seen).to.equal('ACCEPTED');
    expect(await ledgerStatus(accepted)).to.equal('ACCEPTED');

    const rejected = await send('clinic', 'insurer', priceList(151));
    const rj = await c('insurer').call('POST', `/v1/inbox/${rejected}/reject`, {
      errors: [{ pointer: '/body/lines/0/price', code: 'PRICE_ABOVE_MARKET', message: 'too high' }],
    });
    expect(rj.status).to.equal(200);
    expect(await stateOf(rejected)).to.equal('CONTESTED');
    expect(await ledgerStatus(rejected)).to.equal('REJECTED');

    // Decided through /v1/price-lists, the inbox agrees and refuses the other answer.
    const contested = await send('clinic', 'insurer', priceList(152));
    const ct = await c('insurer').call<{ state: string }>('POST', `/v1/price-lists/${contested}/contest`, {
      errors: [{ pointer: '/body/lines/1/price', code: 'PRICE_ABOVE_MARKET', message: 'too high' }],
    });
    expect(ct.status).to.equal(200);
    expect(ct.body.state).to.equal('CONTESTED');
    const late = await c('insurer').call<ErrorBody>('POST', `/v1/inbox/${contested}/accept`, {});
    attack(
      'accept through /v1/inbox a price list contested through /v1/price-lists',
      late.status,
      late.body.code,
    );
    expect(late.status).to.equal(409);
    expect(await stateOf(contested)).to.equal('CONTESTED');
    expect(await ledgerStatus(contested)).to.equal('REJECTED');

    // The workflows price from the list accepted through the inbox.
    const lines = (priceList(150).body as { lines: Array<{ serviceCode: string; price: number }> }).lines;
    const letter = await c('insurer').call<{ letter: { lines: Array<{ unitPrice: number }> } }>(
      'POST',
      '/v1/guarantee-letters',
      {
        clinic: net.get('clinic').id,
        letterNumber: 'GL-HOSTILE-1',
        patient: {
          lastName: 'Иванов',
          firstName: 'Иван',
          birthDate: '1980-01-01',
          sex: 'M',
          policyNumber: 'P-1',
        },
        validity: { from: '2026-03-10', to: '2026-04-10' },
        amountLimit: 10_000_000,
        services: [{ serviceCode: lines[0].serviceCode, quantity: 1 }],
      },
    );
    expect(letter.status, JSON.stringify(letter.body)).to.equal(202);
    expect(letter.body.letter.lines[0].unitPrice).to.equal(lines[0].price);
  });

  // ---- text checks in linear time, limits in the schemas ------------------------------------------------------

  it('ten million Cyrillic characters in one text field answer 422 or 400 with TEXT_TOO_LONG, never 500', async () => {
    const big = 'Ж'.repeat(10_000_000);
    const doc = list(160, 'insurer', 'clinic') as unknown as { body: { rows: Array<{ person: Json }> } };
    doc.body.rows[0].person.lastName = big;
    const r = await c('insurer').call<ErrorBody>('POST', '/v1/documents', doc);
    attack('POST /v1/documents with a 10,000,000-character surname', r.status, r.body.errors[0]?.code);
    expect(r.status).to.equal(422);
    expect(r.body.errors.map((e) => `${e.pointer} ${e.code}`)).to.deep.equal([
      '/body/rows/0/person/lastName TEXT_TOO_LONG',
    ]);

    // Every other body is held to the same limit before any pattern or format runs (ajv's "uri" overflowed the stack).
    const hook = await c('insurer').call<ErrorBody>('POST', '/v1/webhooks', {
      url: 'http://' + 'a.'.repeat(5_000_000),
    });
    attack('POST /v1/webhooks with a 10,000,007-character url', hook.status, hook.body.errors[0]?.code);
    expect(hook.status).to.equal(400);
    expect(hook.body.errors.map((e) => `${e.pointer} ${e.code}`)).to.deep.equal(['/body/url TEXT_TOO_LONG']);
    const letter = await c('insurer').call<ErrorBody>('POST', '/v1/guarantee-letters', {
      clinic: net.get('clinic').id,
      letterNumber: 'GL-BIG',
      patient: { lastName: big, firstName: 'И', birthDate: '1980-01-01', sex: 'M', policyNumber: 'P-2' },
      validity: { from: '2026-03-10', to: '2026-04-10' },
      amountLimit: 1,
      services: [{ serviceCode: 'A01.01.001', quantity: 1 }],
    });
    attack(
      'POST /v1/guarantee-letters with a 10,000,000-character surname',
      letter.status,
      letter.body.errors[0]?.code,
    );
    expect(letter.status).to.equal(400);
    expect(letter.body.errors[0]).to.include({ pointer: '/body/patient/lastName', code: 'TEXT_TOO_LONG' });
  });

  it('/v1/health answers while four such requests are in flight', async () => {
    const doc = list(161, 'insurer', 'clinic') as unknown as { body: { rows: Array<{ person: Json }> } };
    doc.body.rows[0].person.lastName = 'Ж'.repeat(10_000_000);
    const text = JSON.stringify(doc);
    const finished: string[] = [];
    const big = [1, 2, 3, 4].map((i) =>
      fetch(url('insurer') + '/v1/documents', {
        method: 'POST',
        headers: { Authorization: 'Bearer t-insurer', 'Content-Type': 'application/json' },
        body: text,
      }).then(async (r) => {
        await r.arrayBuffer();
        finished.push(`big${i}`);
        return r.status;
      }),
    );
    const health = fetch(url('insurer') + '/v1/health').then(async (r) => {
      await r.arrayBuffer();
      finished.push('health');
      return r.status;
    });
    const statuses = await Promise.all([...big, health]);
    attack(
      'four 20 MB requests in flight, then GET /v1/health',
      statuses[4],
      `health answered ${finished.indexOf('health') + 1} of 5`,
    );
    expect(statuses).to.deep.equal([422, 422, 422, 422, 200]);
    expect(finished.indexOf('health')).to.be.lessThan(4);
  });

  it('every string of the v1 schemas has a maxLength and every list a maxItems', async () => {
    const dir = repoPath('formats', 'schemas', 'v1');
    const unbounded: string[] = [];
    const walk = (file: string, node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((x, i) => walk(file, x, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const n = node as Json;
      if (n.type === 'string' && n.maxLength === undefined) unbounded.push(`${file}#${at} maxLength`);
      if (n.type === 'array' && n.items !== undefined && n.maxItems === undefined)
        unbounded.push(`${file}#${at} maxItems`);
      for (const [k, v] of Object.entries(n)) walk(file, v, `${at}/${k}`);
    };
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')))
      walk(file, JSON.parse(await readFile(path.join(dir, file), 'utf8')), '');
    expect(unbounded).to.deep.equal([]);
  });
});
