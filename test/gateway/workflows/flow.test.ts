import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument, type DmsDocument } from '@dmsnet/formats';
import type { RunningServer } from '../../../gateway/src/api/server.js';
import { startNodeApi } from '../../../gateway/src/api/node-api.js';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { GatewayClient } from '../../../sandbox/src/demo/client.js';
import { checkResponse } from '../fixtures/contract.js';
import { startLocalNetwork, type LocalNetwork } from '../../../sandbox/src/local-network/network.js';
import { SMALL_NETWORK } from '../fixtures/network.js';

type Json = Record<string, unknown>;
type Row = {
  rowId: string;
  action: string;
  person: Json;
  period: { from: string; to: string };
  programme: Json;
};

describe('edge workflows through the gateways (real nodes, HTTP, embedded ledger)', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  const servers: RunningServer[] = [];
  const clients = new Map<string, GatewayClient>();
  const c = (k: string) => clients.get(k) as GatewayClient;
  let rows: Row[];
  let prices: Array<{ serviceCode: string; price: number }>;
  let priceListId: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-wf-'));
    net = await startLocalNetwork({
      dir,
      participants: SMALL_NETWORK,
      // The clinic's contract with the insurer covers 2026-2027 only.
      contracts: (p, all) =>
        p.role === 'clinic'
          ? [
              {
                insurer: all.find((x) => x.key === 'insurer')!.id,
                number: '12-ДМС/2026',
                from: '2026-01-01',
                to: '2027-12-31',
              },
            ]
          : [],
    });
    for (const p of net.participants.values()) {
      const s = await startNodeApi(p, { port: 0, token: `t-${p.key}` });
      servers.push(s);
      clients.set(p.key, new GatewayClient(s.url, `t-${p.key}`, undefined, checkResponse));
    }
    const list = structuredClone(
      generateDocument('insured-list', {
        seed: 7,
        rows: 3,
        sender: net.get('insurer').party,
        addressee: net.get('clinic').party,
      }),
    );
    rows = (list.body as { rows: Row[] }).rows;
    for (const r of rows) {
      r.action = 'attach';
      r.person.sex ??= 'M';
    }
    (list.body as { contract: Json }).contract = { number: '12-ДМС/2026', date: '2026-01-15' };
    await send('insurer', 'clinic', list);
    await c('insurer').waitFor<{ status: string }>(
      `/v1/documents/${list.header.documentId}`,
      (_s, b) => b.status === 'ACCEPTED',
    );
    const pl = structuredClone(
      generateDocument('price-list', {
        seed: 8,
        rows: 4,
        sender: net.get('clinic').party,
        addressee: net.get('insurer').party,
      }),
    );
    (pl.body as { validity: Json }).validity = { from: rows[0].period.from };
    prices = (pl.body as { lines: Array<{ serviceCode: string; price: number }> }).lines;
    priceListId = await send('clinic', 'insurer', pl);
  });
  after(async () => {
    for (const s of servers) await s.close();
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

  it('the clinic refuses a list outside its contract period, naming the row', async () => {
    const late = structuredClone(
      generateDocument('insured-list', {
        seed: 9,
        rows: 1,
        sender: net.get('insurer').party,
        addressee: net.get('clinic').party,
      }),
    );
    const r = (late.body as { rows: Row[] }).rows[0];
    r.action = 'attach';
    r.period = { from: '2027-06-01', to: '2028-05-31' };
    (late.body as { contract: Json }).contract = { number: '12-ДМС/2026', date: '2026-01-15' };
    const id = await send('insurer', 'clinic', late);
    const v = await c('insurer').waitFor<{ record: { reply?: { errors: Json[] } } }>(
      `/v1/documents/${id}`,
      (_s, b) => !!b.record.reply,
    );
    expect(v.record.reply?.errors.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/rows/0/period', 'ROSTER_OUTSIDE_CONTRACT'],
    ]);
  });

  it('answers coverage by policy and by name + birth date, and validates the query', async () => {
    const p = rows[0].person;
    const on = rows[0].period.from;
    const byPolicy = await c('clinic').call<{ covered: boolean }>(
      'GET',
      `/v1/coverage?policy=${encodeURIComponent(String(p.policyNumber))}&date=${on}`,
    );
    expect(byPolicy.body.covered).to.equal(true);
    const q = new URLSearchParams({
      lastName: String(p.lastName),
      firstName: String(p.firstName),
      birthDate: String(p.birthDate),
      date: on,
    });
    if (p.middleName) q.set('middleName', String(p.middleName));
    expect((await c('clinic').call<{ covered: boolean }>('GET', `/v1/coverage?${q}`)).body.covered).to.equal(
      true,
    );
    expect(
      (
        await c('clinic').call<{ covered: boolean }>(
          'GET',
          `/v1/coverage?policy=${encodeURIComponent(String(p.policyNumber))}&date=2030-01-01`,
        )
      ).body.covered,
    ).to.equal(false);
    const bad = await c('clinic').call<{ errors: Json[] }>('GET', '/v1/coverage?date=2026-13-45');
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/query/date');
    expect((await c('clinic').call('GET', '/v1/coverage')).status).to.equal(400);
  });

  it('answers coverage by name without the middle name, says when namesakes make it ambiguous, refuses an unreadable birth date', async () => {
    const list = structuredClone(
      generateDocument('insured-list', {
        seed: 12,
        rows: 3,
        sender: net.get('insurer').party,
        addressee: net.get('clinic').party,
      }),
    );
    const listed = (list.body as { rows: Row[] }).rows;
    for (const r of listed) {
      r.action = 'attach';
      r.person.sex ??= 'M';
      r.period = { from: rows[0].period.from, to: rows[0].period.to };
    }
    (list.body as { contract: Json }).contract = { number: '12-ДМС/2026', date: '2026-01-15' };
    // Two namesakes: the same last name, first name and birth date, told apart only by the отчество.
    const [a, b, single] = listed.map((r) => r.person);
    Object.assign(a, {
      lastName: 'Тёзкин',
      firstName: 'Олег',
      middleName: 'Иванович',
      birthDate: '1984-08-30',
    });
    Object.assign(b, {
      lastName: 'Тезкин',
      firstName: 'Олег',
      middleName: 'Петрович',
      birthDate: '1984-08-30',
    });
    single.middleName = 'Сергеевич';
    await send('insurer', 'clinic', list);
    await c('insurer').waitFor<{ status: string }>(
      `/v1/documents/${list.header.documentId}`,
      (_s, x) => x.status === 'ACCEPTED',
    );
    const on = rows[0].period.from;
    const ask = (p: Json, o: { middle?: boolean; birthDate?: string } = {}) => {
      const q = new URLSearchParams({
        lastName: String(p.lastName),
        firstName: String(p.firstName),
        birthDate: o.birthDate ?? String(p.birthDate),
        date: on,
      });
      if (o.middle) q.set('middleName', String(p.middleName));
      return c('clinic').call<{ covered: boolean; coverage: Json[]; code: string; errors: Json[] }>(
        'GET',
        `/v1/coverage?${q}`,
      );
    };
    const plain = await ask(single);
    expect(plain.status, JSON.stringify(plain.body)).to.equal(200);
    expect(plain.body.covered).to.equal(true);
    expect(plain.body.coverage.map((x) => x.policyNumber)).to.deep.equal([single.policyNumber]);
    const ambiguous = await ask(a);
    expect(ambiguous.status).to.equal(422);
    expect(ambiguous.body.code).to.equal('COVERAGE_AMBIGUOUS');
    expect(ambiguous.body.errors[0].pointer).to.equal('/query/middleName');
    const exact = await ask(b, { middle: true });
    expect(exact.body.covered).to.equal(true);
    expect(exact.body.coverage.map((x) => x.policyNumber)).to.deep.equal([b.policyNumber]);
    const unreadable = await ask(single, { birthDate: '30.08.84' });
    expect(unreadable.status).to.equal(400);
    expect(unreadable.body.errors.map((e) => e.pointer)).to.deep.equal(['/query/birthDate']);
  });

  it('lists the clinic roster a page at a time, searched by name or policy, filtered by insurer, programme, date', async () => {
    type Page = {
      items: Array<{ policyNumber: string; person: Json; insurer: string }>;
      nextCursor?: string;
    };
    const get = (query: Record<string, string>) =>
      c('clinic').call<Page>('GET', `/v1/roster?${new URLSearchParams(query)}`);
    const all = await get({ limit: '500' });
    expect(all.status).to.equal(200);
    const policies = rows.map((r) => String(r.person.policyNumber));
    expect(all.body.items.map((e) => e.policyNumber)).to.include.members(policies);
    expect(all.body.nextCursor).to.equal(undefined);
    // Sex travels from the list into the roster (it completes the clinic's invoice register).
    expect(all.body.items.find((e) => e.policyNumber === policies[0])!.person.sex).to.equal(
      rows[0].person.sex,
    );
    // Pages of one: every entry once, in the same order, and the last page has no cursor.
    const walked: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const p = await get({ limit: '1', ...(cursor ? { cursor } : {}) });
      walked.push(...p.body.items.map((e) => e.policyNumber));
      cursor = p.body.nextCursor;
      if (!cursor) break;
    }
    expect(walked).to.deep.equal(all.body.items.map((e) => e.policyNumber));
    const last = String(rows[1].person.lastName);
    const byName = await get({ q: last.slice(1, 5).toLowerCase() });
    expect(byName.body.items.map((e) => e.person.lastName)).to.include(last);
    for (const e of byName.body.items)
      expect(JSON.stringify(e.person).toUpperCase()).to.contain(last.slice(1, 5).toUpperCase());
    const byPolicy = await get({ q: policies[2]!.slice(-5) });
    expect(byPolicy.body.items.map((e) => e.policyNumber)).to.include(policies[2]);
    expect((await get({ insurer: net.get('insurer').id })).body.items.length).to.equal(all.body.items.length);
    expect((await get({ insurer: net.get('association').id })).body.items).to.deep.equal([]);
    expect((await get({ programme: String(rows[0].programme.code) })).body.items.length).to.be.greaterThan(0);
    expect((await get({ programme: 'NO-SUCH-PROGRAMME' })).body.items).to.deep.equal([]);
    expect((await get({ date: '1990-01-01' })).body.items).to.deep.equal([]);
    expect((await get({ date: rows[0].period.from })).body.items.map((e) => e.policyNumber)).to.include(
      policies[0],
    );
    const forged = await c('clinic').call<{ code: string }>('GET', '/v1/roster?cursor=bm90LWEta2V5');
    expect([forged.status, forged.body.code]).to.deep.equal([400, 'CURSOR_INVALID']);
    // A real cursor of this node, but of another list, does not page the roster either.
    const inbox = await c('clinic').call<{ nextCursor?: string }>('GET', '/v1/inbox?limit=1');
    expect(inbox.body.nextCursor).to.be.a('string');
    const crossed = await c('clinic').call<{ code: string }>(
      'GET',
      `/v1/roster?cursor=${encodeURIComponent(inbox.body.nextCursor!)}`,
    );
    expect([crossed.status, crossed.body.code]).to.deep.equal([400, 'CURSOR_INVALID']);
    const badDate = await c('clinic').call<{ errors: Json[] }>('GET', '/v1/roster?date=2026-02-31x');
    expect(badDate.status).to.equal(400);
    expect(badDate.body.errors[0]!.pointer).to.equal('/query/date');
  });

  it('shows an insurer its roster copy of each clinic (its own people the clinic accepted), and only per clinic', async () => {
    const clinic = net.get('clinic').id;
    const copy = await c('insurer').call<{ items: Array<{ policyNumber: string; insurer: string }> }>(
      'GET',
      `/v1/roster?clinic=${clinic}&limit=500`,
    );
    expect(copy.status).to.equal(200);
    expect(copy.body.items.map((e) => e.policyNumber)).to.include.members(
      rows.map((r) => String(r.person.policyNumber)),
    );
    expect(new Set(copy.body.items.map((e) => e.insurer))).to.deep.equal(new Set([net.get('insurer').id]));
    const unnamed = await c('insurer').call<{ errors: Json[] }>('GET', '/v1/roster');
    expect([unnamed.status, unnamed.body.errors[0]!.pointer]).to.deep.equal([400, '/query/clinic']);
    const foreign = await c('clinic').call<{ errors: Json[] }>(
      'GET',
      `/v1/roster?clinic=${net.get('insurer').id}`,
    );
    expect([foreign.status, foreign.body.errors[0]!.pointer]).to.deep.equal([400, '/query/clinic']);
    // A cursor of the clinic's own roster pages nothing at the insurer: cursors are the node's, per roster.
    const first = await c('insurer').call<{ nextCursor?: string }>(
      'GET',
      `/v1/roster?clinic=${clinic}&limit=1`,
    );
    expect(first.body.nextCursor).to.be.a('string');
    const other = await c('insurer').call<{ code: string }>(
      'GET',
      `/v1/roster?clinic=${net.get('insurer').id}&cursor=${encodeURIComponent(first.body.nextCursor!)}`,
    );
    expect([other.status, other.body.code]).to.deep.equal([400, 'CURSOR_INVALID']);
  });

  it('refuses a letter before the price list is accepted; contest sends CONTESTED; accept makes it price letters', async () => {
    const letter = (n: string, services: Json[]) => ({
      clinic: net.get('clinic').id,
      letterNumber: n,
      patient: rows[0].person,
      validity: { from: rows[0].period.from, to: rows[0].period.to },
      amountLimit: 1_000_000_00,
      services,
    });
    const early = await c('insurer').call<{ code: string }>(
      'POST',
      '/v1/guarantee-letters',
      letter('GL-A', [{ serviceCode: prices[0].serviceCode, quantity: 1 }]),
    );
    expect(early.status).to.equal(422);
    expect(early.body.code).to.equal('GL_NO_PRICE_LIST');
    const listed = await c('insurer').call<{ items: Json[] }>(
      'GET',
      `/v1/price-lists?clinic=${net.get('clinic').id}`,
    );
    expect(listed.body.items[0]).to.include({ state: 'RECEIVED' });
    // A second version, contested:
    const v2 = structuredClone(
      generateDocument('price-list', {
        seed: 10,
        rows: 2,
        sender: net.get('clinic').party,
        addressee: net.get('insurer').party,
      }),
    );
    const v2id = await send('clinic', 'insurer', v2);
    const contest = await c('insurer').call('POST', `/v1/price-lists/${v2id}/contest`, {
      errors: [{ pointer: '/body/lines/0/price', code: 'PRICE_ABOVE_MARKET', message: 'too high' }],
    });
    expect(contest.status).to.equal(200);
    const seen = await c('clinic').waitFor<{ record: { reply?: { decision: string } } }>(
      `/v1/documents/${v2id}`,
      (_s, b) => !!b.record.reply,
    );
    expect(seen.record.reply?.decision).to.equal('CONTESTED');
    expect((await c('insurer').call('POST', `/v1/price-lists/${priceListId}/accept`, {})).status).to.equal(
      200,
    );
    const ok = await c('insurer').call<{ letter: { lines: Array<{ unitPrice: number }> } }>(
      'POST',
      '/v1/guarantee-letters',
      letter('GL-B', [{ serviceCode: prices[0].serviceCode, quantity: 2 }]),
    );
    expect(ok.status, JSON.stringify(ok.body)).to.equal(202);
    expect(ok.body.letter.lines[0].unitPrice).to.equal(prices[0].price);
  });

  it('amends and revokes a letter; the clinic sees its current state per patient', async () => {
    const policy = encodeURIComponent(String(rows[0].person.policyNumber));
    const amend = await c('insurer').call('POST', '/v1/guarantee-letters/GL-B/amend', {
      clinic: net.get('clinic').id,
      letterNumber: 'GL-B',
      patient: rows[0].person,
      validity: { from: rows[0].period.from, to: rows[0].period.to },
      amountLimit: 5_000_00,
      services: [{ serviceCode: prices[1].serviceCode, quantity: 1 }],
    });
    expect(amend.status, JSON.stringify(amend.body)).to.equal(202);
    await c('clinic').waitFor<{ items: Array<{ letter: { status: string } }> }>(
      `/v1/guarantee-letters?policy=${policy}`,
      (_s, b) => b.items?.[0]?.letter.status === 'amended',
    );
    expect((await c('insurer').call('POST', '/v1/guarantee-letters/GL-B/revoke')).status).to.equal(202);
    const st = await c('clinic').waitFor<{ items: Array<{ letter: { status: string } }> }>(
      `/v1/guarantee-letters?policy=${policy}`,
      (_s, b) => b.items?.[0]?.letter.status === 'revoked',
    );
    expect(st.items).to.have.length(1);
    expect((await c('insurer').call('POST', '/v1/guarantee-letters/NOPE/revoke')).status).to.equal(404);
  });

  it('issues one letter for two concurrent requests with one Idempotency-Key, both answered alike, even after a restart', async () => {
    const insurer = net.get('insurer');
    const body = {
      clinic: net.get('clinic').id,
      letterNumber: 'GL-IDEM',
      patient: rows[1].person,
      validity: { from: rows[1].period.from, to: rows[1].period.to },
      amountLimit: 3_000_00,
      services: [{ serviceCode: prices[0].serviceCode, quantity: 1 }],
    };
    type Sent = { record: { messageId: string } };
    const outbox = async () =>
      (
        await c('insurer').call<{ items: Array<{ documentType?: string; type?: string }> }>(
          'GET',
          '/v1/outbox?limit=500',
        )
      ).body.items.length;
    const before = await outbox();
    const key = { 'Idempotency-Key': 'c0ffee00-0000-4000-8000-000000000001' };
    const [a, b] = await Promise.all([
      c('insurer').call<Sent>('POST', '/v1/guarantee-letters', body, key),
      c('insurer').call<Sent>('POST', '/v1/guarantee-letters', body, key),
    ]);
    expect(a.status, JSON.stringify(a.body)).to.equal(202);
    expect(b.status).to.equal(202);
    expect(b.body).to.deep.equal(a.body);
    // One ran, the other waited for it and got its answer replayed.
    const replayed = [a, b].map((r) => r.headers.get('idempotent-replayed'));
    expect(replayed.filter((h) => h === 'true')).to.have.length(1);
    expect(replayed.filter((h) => h === null)).to.have.length(1);
    expect(await outbox()).to.equal(before + 1);
    // The answer is in the node's store, not only in the server's memory: a new server on the node replays it.
    const old = servers.find((s) => clients.get('insurer')!.url === s.url)!;
    await old.close();
    const fresh = await startNodeApi(insurer, { port: 0, token: 't-insurer' });
    servers.push(fresh);
    clients.set('insurer', new GatewayClient(fresh.url, 't-insurer', undefined, checkResponse));
    const again = await c('insurer').call<Sent>('POST', '/v1/guarantee-letters', body, key);
    expect(again.status).to.equal(202);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal(a.body);
    expect(await outbox()).to.equal(before + 1);
    // The same key on another request is a client's mistake, not a replay.
    const other = await c('insurer').call<{ code: string; errors: Json[] }>(
      'POST',
      '/v1/guarantee-letters',
      { ...body, amountLimit: 4_000_00 },
      key,
    );
    expect(other.status).to.equal(422);
    expect(other.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.errors[0].pointer).to.equal('/headers/idempotency-key');
    const malformed = await c('insurer').call<{ code: string }>('POST', '/v1/guarantee-letters', body, {
      'Idempotency-Key': 'has spaces',
    });
    expect(malformed.status).to.equal(400);
    expect(await outbox()).to.equal(before + 1);
    // Without a key every request is its own: the second issue of the same number is the gateway's own rule's to judge.
    const plain = await c('insurer').call<Sent>('POST', '/v1/guarantee-letters', body);
    expect(plain.status).to.equal(202);
    expect(plain.body.record.messageId).to.not.equal(a.body.record.messageId);
  });

  it('lists every letter held by status and validity period, a page at a time; an unreadable date or a foreign cursor is refused at its field', async () => {
    type Page = { items: Array<{ letter: { letterNumber: string; status: string } }>; nextCursor?: string };
    const all = await c('insurer').call<Page>('GET', '/v1/guarantee-letters');
    expect(all.status, JSON.stringify(all.body)).to.equal(200);
    const numbers = all.body.items.map((x) => x.letter.letterNumber);
    expect(numbers).to.include('GL-B');
    expect(numbers.length).to.be.greaterThan(1);
    const revoked = await c('insurer').call<Page>('GET', '/v1/guarantee-letters?status=revoked');
    expect(revoked.body.items.map((x) => x.letter.letterNumber)).to.include('GL-B');
    expect(revoked.body.items.every((x) => x.letter.status === 'revoked')).to.equal(true);
    const issued = await c('insurer').call<Page>('GET', '/v1/guarantee-letters?status=issued');
    expect(issued.body.items.map((x) => x.letter.letterNumber)).not.to.include('GL-B');
    expect(issued.body.items.length + revoked.body.items.length).to.be.at.most(numbers.length);
    // Page by page, the same letters in the same order.
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page: { status: number; body: Page } = await c('insurer').call<Page>(
        'GET',
        `/v1/guarantee-letters?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.body.items.length).to.be.at.most(1);
      walked.push(...page.body.items.map((x) => x.letter.letterNumber));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).to.deep.equal(numbers);
    expect(
      (await c('insurer').call<Page>('GET', '/v1/guarantee-letters?from=2999-01-01')).body.items,
    ).to.deep.equal([]);
    const bad = await c('insurer').call<{ code: string; errors: Array<{ pointer: string }> }>(
      'GET',
      '/v1/guarantee-letters?from=31.02.2026',
    );
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.map((e) => e.pointer)).to.include('/query/from');
    const roster = await c('insurer').call<{ nextCursor?: string }>(
      'GET',
      `/v1/roster?clinic=${net.get('clinic').id}&limit=1`,
    );
    expect(roster.body.nextCursor).to.be.a('string');
    const foreign = await c('insurer').call<{ code: string }>(
      'GET',
      `/v1/guarantee-letters?cursor=${encodeURIComponent(roster.body.nextCursor as string)}`,
    );
    expect(foreign.status).to.equal(400);
    expect(foreign.body.code).to.equal('CURSOR_INVALID');
    // The clinic lists the letters it received the same way.
    const atClinic = await c('clinic').call<Page>('GET', '/v1/guarantee-letters?status=revoked');
    expect(atClinic.body.items.map((x) => x.letter.letterNumber)).to.include('GL-B');
  });

  it('drafts an act from the invoice, lets the expert edit it, sends it; the clinic disputes it', async () => {
    const p = rows[1].person;
    const d = rows[1].period.from;
    const lines = [
      {
        rowId: 'a',
        patient: p,
        serviceCode: prices[0].serviceCode,
        serviceDate: d,
        quantity: 1,
        unitPrice: prices[0].price,
        amount: prices[0].price,
      },
      {
        rowId: 'b',
        patient: p,
        serviceCode: prices[1].serviceCode,
        serviceDate: d,
        quantity: 1,
        unitPrice: prices[1].price,
        amount: prices[1].price,
      },
    ];
    const invoice = {
      header: {
        documentId: 'INV-T-1',
        type: 'invoice',
        formatVersion: '1',
        sender: net.get('clinic').party,
        addressee: net.get('insurer').party,
        createdAt: new Date().toISOString(),
      },
      body: {
        invoiceNumber: 'T-1',
        invoiceDate: d,
        billingPeriod: { from: d, to: d },
        contract: { number: '12-ДМС/2026', date: '2026-01-15' },
        currency: 'RUB',
        total: lines[0].amount + lines[1].amount,
        lines,
      },
    } as unknown as DmsDocument;
    await send('clinic', 'insurer', invoice);
    const draft = await c('insurer').waitFor<{ state: string; act: { lines: Json[] } }>(
      '/v1/expertise-acts/INV-T-1',
      (s) => s === 200,
    );
    expect(draft.state).to.equal('DRAFT');
    expect(draft.act.lines.map((l) => l.decision)).to.deep.equal(['PAID', 'PAID']);
    const noCode = await c('insurer').call<{ errors: Json[] }>('PATCH', '/v1/expertise-acts/INV-T-1', {
      lines: [{ invoiceLineId: 'b', decision: 'WITHHELD' }],
    });
    expect(noCode.status).to.equal(400);
    expect(noCode.body.errors[0]).to.include({
      pointer: '/body/lines/0/defectCode',
      code: 'ACT_DEFECT_REQUIRED',
    });
    const unknown = await c('insurer').call<{ errors: Json[] }>('PATCH', '/v1/expertise-acts/INV-T-1', {
      lines: [{ invoiceLineId: 'zz', decision: 'PAID' }],
    });
    expect(unknown.body.errors[0]).to.include({ code: 'ACT_LINE_UNKNOWN' });
    const edited = await c('insurer').call<{ act: { totals: Json } }>('PATCH', '/v1/expertise-acts/INV-T-1', {
      lines: [
        { invoiceLineId: 'b', decision: 'WITHHELD', defectCode: '2.1.1', reason: 'нет записи в медкарте' },
      ],
    });
    expect(edited.body.act.totals).to.include({ withheld: prices[1].price });
    const sent = await c('insurer').call<{ record: { messageId: string } }>(
      'POST',
      '/v1/expertise-acts/INV-T-1/send',
      { expert: { name: 'Эксперт' } },
    );
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    expect(
      (
        await c('insurer').call('PATCH', '/v1/expertise-acts/INV-T-1', {
          lines: [{ invoiceLineId: 'a', decision: 'PAID' }],
        })
      ).status,
    ).to.equal(409);
    const actId = sent.body.record.messageId;
    await c('clinic').waitFor(`/v1/documents/${actId}`, (s) => s === 200);
    const dispute = await c('clinic').call('POST', `/v1/inbox/${actId}/reject`, {
      decision: 'DISPUTED',
      errors: [
        { pointer: '/body/lines/1/defectCode', code: 'DISPUTED_DEFECT', message: 'запись в медкарте есть' },
      ],
    });
    expect(dispute.status).to.equal(200);
    const back = await c('insurer').waitFor<{ status: string; record: { reply?: { decision: string } } }>(
      `/v1/documents/${actId}`,
      (_s, b) => !!b.record.reply,
    );
    expect(back.status).to.equal('REJECTED');
    expect(back.record.reply?.decision).to.equal('DISPUTED');
    // The invoice itself was accepted for payment when the act was sent.
    expect((await c('clinic').call<{ status: string }>('GET', '/v1/documents/INV-T-1')).body.status).to.equal(
      'ACCEPTED',
    );
    // A dispute of the whole act (no line named) still reads at the insurer, its words kept as the comment.
    const whole = await c('insurer').call<{ dispute?: { lines: Json[]; comment?: string } }>(
      'GET',
      '/v1/expertise-acts/INV-T-1',
    );
    expect(whole.body.dispute).to.deep.equal({
      replyId: (back.record.reply as { messageId?: string }).messageId,
      lines: [],
      comment: 'запись в медкарте есть',
    });
  });

  it('the clinic disputes single lines with reasons; the insurer answers with a corrected act naming the disputed one', async () => {
    const p = rows[2].person;
    const d = rows[2].period.from;
    const lines = ['a', 'b', 'c'].map((rowId, i) => ({
      rowId,
      patient: p,
      serviceCode: prices[i].serviceCode,
      serviceDate: d,
      quantity: 1,
      unitPrice: prices[i].price,
      amount: prices[i].price,
    }));
    const invoice = {
      header: {
        documentId: 'INV-D-1',
        type: 'invoice',
        formatVersion: '1',
        sender: net.get('clinic').party,
        addressee: net.get('insurer').party,
        createdAt: new Date().toISOString(),
      },
      body: {
        invoiceNumber: 'D-1',
        invoiceDate: d,
        billingPeriod: { from: d, to: d },
        contract: { number: '12-ДМС/2026', date: '2026-01-15' },
        currency: 'RUB',
        total: lines.reduce((t, l) => t + l.amount, 0),
        lines,
      },
    } as unknown as DmsDocument;
    await send('clinic', 'insurer', invoice);
    await c('insurer').waitFor('/v1/expertise-acts/INV-D-1', (s) => s === 200);
    const withheld = [
      { invoiceLineId: 'b', decision: 'WITHHELD', defectCode: '2.1.1', reason: 'нет записи в медкарте' },
      { invoiceLineId: 'c', decision: 'WITHHELD', defectCode: '1.3.2', reason: 'цена выше прейскуранта' },
    ];
    expect(
      (await c('insurer').call('PATCH', '/v1/expertise-acts/INV-D-1', { lines: withheld })).status,
    ).to.equal(200);
    const notDisputed = await c('insurer').call<{ code: string }>(
      'POST',
      '/v1/expertise-acts/INV-D-1/correct',
    );
    expect(notDisputed.status).to.equal(409);
    expect(notDisputed.body.code).to.equal('ACT_NOT_DISPUTED');
    const sent = await c('insurer').call<{ record: { messageId: string } }>(
      'POST',
      '/v1/expertise-acts/INV-D-1/send',
      { expert: { name: 'Эксперт' } },
    );
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    const actId = sent.body.record.messageId;
    await c('clinic').waitFor(`/v1/documents/${actId}`, (s) => s === 200);
    // The clinic reads under its invoice what the act pays and withholds, in roubles.
    const answered = await c('clinic').waitFor<{ record: { reply?: { comment?: string } } }>(
      '/v1/documents/INV-D-1',
      (_s, b) => !!b.record?.reply,
    );
    const rub = (k: number) =>
      `${String(Math.floor(k / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0')},${String(k % 100).padStart(2, '0')}\u00a0₽`;
    const totals = (sent.body as unknown as { act: { totals: { paid: number; withheld: number } } }).act
      .totals;
    expect(answered.record.reply?.comment).to.equal(
      `акт экспертизы ЭА-D-1: к оплате ${rub(totals.paid)}, снято ${rub(totals.withheld)}`,
    );

    // Each disputed line is the act's, named once, with a reason; the refusal names the field of each fault.
    const bad = await c('clinic').call<{ errors: Json[] }>('POST', `/v1/expertise-acts/${actId}/dispute`, {
      lines: [
        { invoiceLineId: 'zz', reason: 'нет такой' },
        { invoiceLineId: 'b', reason: '   ' },
        { invoiceLineId: 'b', reason: 'дважды' },
      ],
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors).to.deep.include.members([
      { pointer: '/lines/0/invoiceLineId', code: 'ACT_LINE_UNKNOWN', message: 'not a line of the act' },
      { pointer: '/lines/1/reason', code: 'DISPUTE_REASON_REQUIRED', message: 'each disputed line says why' },
      {
        pointer: '/lines/2/invoiceLineId',
        code: 'DISPUTE_LINE_REPEATED',
        message: 'the line is disputed once',
      },
    ]);
    const none = await c('clinic').call<{ errors: Json[] }>('POST', `/v1/expertise-acts/${actId}/dispute`, {
      lines: [],
    });
    expect(none.status).to.equal(400);
    expect(none.body.errors[0]).to.include({ pointer: '/body/lines' });
    // The insurer cannot dispute its own act: it is not a received one.
    expect(
      (
        await c('insurer').call('POST', `/v1/expertise-acts/${actId}/dispute`, {
          lines: [{ invoiceLineId: 'b', reason: 'x' }],
        })
      ).status,
    ).to.equal(404);

    const disputed = await c('clinic').call<{ status: string; decision?: string }>(
      'POST',
      `/v1/expertise-acts/${actId}/dispute`,
      {
        lines: [{ invoiceLineId: 'c', reason: ' цена по прейскуранту от 01.02 ' }],
        comment: 'просим пересмотреть',
      },
    );
    expect(disputed.status, JSON.stringify(disputed.body)).to.equal(200);
    expect(disputed.body).to.include({ status: 'REJECTED', decision: 'DISPUTED' });
    // Nothing is decided twice: the act is final at the clinic now.
    expect((await c('clinic').call('POST', `/v1/inbox/${actId}/accept`, {})).status).to.equal(409);

    type ActView = {
      state: string;
      actStatus?: string;
      corrects?: string;
      earlier?: string[];
      actDocumentId?: string;
      dispute?: { lines: Json[]; comment?: string };
      act: { lines: Json[] };
    };
    const atInsurer = await c('insurer').waitFor<ActView>(
      '/v1/expertise-acts/INV-D-1',
      (_s, b) => !!b.dispute,
    );
    expect(atInsurer.actStatus).to.equal('REJECTED');
    expect(atInsurer.dispute?.lines).to.deep.equal([
      { invoiceLineId: 'c', reason: 'цена по прейскуранту от 01.02' },
    ]);
    expect(atInsurer.dispute?.comment).to.equal('просим пересмотреть');

    const corrected = await c('insurer').call<ActView>('POST', '/v1/expertise-acts/INV-D-1/correct');
    expect(corrected.status, JSON.stringify(corrected.body)).to.equal(200);
    expect(corrected.body).to.include({ state: 'DRAFT', corrects: 'ACT-INV-D-1' });
    expect(corrected.body.earlier).to.deep.equal(['ACT-INV-D-1']);
    expect(corrected.body.dispute?.lines).to.have.length(1);
    // The expert pays the disputed line in full this time; line b stays withheld.
    const before = (corrected.body.act as unknown as { totals: { withheld: number } }).totals.withheld;
    const edited = await c('insurer').call<{ act: { totals: { withheld: number }; lines: Json[] } }>(
      'PATCH',
      '/v1/expertise-acts/INV-D-1',
      { lines: [{ invoiceLineId: 'c', decision: 'PAID' }] },
    );
    expect(edited.body.act.totals.withheld).to.equal(before - prices[2].price);
    expect(edited.body.act.lines.find((l) => l.invoiceLineId === 'b')).to.include({ decision: 'WITHHELD' });
    const resent = await c('insurer').call<{ record: { messageId: string; corrects?: string } }>(
      'POST',
      '/v1/expertise-acts/INV-D-1/send',
      {},
    );
    expect(resent.status, JSON.stringify(resent.body)).to.equal(202);
    expect(resent.body.record.messageId).to.not.equal(actId);
    const second = await c('clinic').waitFor<{ document: { header: Json }; record: { corrects?: string } }>(
      `/v1/documents/${resent.body.record.messageId}`,
      (s) => s === 200,
    );
    expect(second.document.header.correctsId).to.equal('ACT-INV-D-1');
    expect(second.record.corrects).to.equal(actId);
    expect(
      (await c('clinic').call('POST', `/v1/inbox/${resent.body.record.messageId}/accept`, {})).status,
    ).to.equal(200);
    const closed = await c('insurer').waitFor<ActView>(
      '/v1/expertise-acts/INV-D-1',
      (_s, b) => b.actStatus === 'ACCEPTED',
    );
    expect(closed.dispute).to.equal(undefined);
    expect(closed.earlier).to.deep.equal(['ACT-INV-D-1']);
  });
});
