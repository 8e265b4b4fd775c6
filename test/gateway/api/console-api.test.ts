import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { generateDocument, repoPath } from '@dmsnet/formats';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;

describe('gateway REST API for the console: newest first, by counterparty, live-only events, import preview', function () {
  this.timeout(60_000);
  let t: TestNetwork;
  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  it('lists newest first with order=desc, pages without gaps, and filters by counterparty', async () => {
    const ids: string[] = [];
    for (const [seed, to] of [
      [11, 'clinic'],
      [12, 'other'],
      [13, 'clinic'],
    ] as const) {
      const doc = generateDocument('insured-list', {
        seed,
        rows: 1,
        sender: t.net.get('insurer').party,
        addressee: t.net.get(to).party,
      });
      await t.client('insurer').call('POST', '/v1/documents', doc);
      ids.push(`${t.net.get('insurer').id}:${doc.header.documentId}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const all = await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/outbox?order=desc');
    expect(all.body.items.map((i) => i.messageId)).to.deep.equal([...ids].reverse());
    const first = await t
      .client('insurer')
      .call<{ items: Json[]; nextCursor: string }>('GET', '/v1/outbox?order=desc&limit=2');
    const second = await t
      .client('insurer')
      .call<{ items: Json[] }>('GET', `/v1/outbox?order=desc&limit=2&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...second.body.items].map((i) => i.messageId)).to.deep.equal(
      [...ids].reverse(),
    );
    const toOther = await t
      .client('insurer')
      .call<{ items: Json[] }>('GET', `/v1/outbox?counterparty=${t.net.get('other').id}`);
    expect(toOther.body.items.map((i) => i.messageId)).to.deep.equal([ids[1]]);
    const bad = await t.client('insurer').call<Json>('GET', '/v1/outbox?order=sideways');
    expect(bad.status).to.equal(400);
  });

  it('GET /v1/events?since=now replays nothing old, then streams what happens', async () => {
    // Let the earlier sends settle: their later statuses would be news too.
    for (const k of ['insurer', 'clinic', 'other']) await t.net.get(k).node.whenIdle();
    const s = t.servers.get('insurer')!;
    const ctrl = new AbortController();
    const res = await fetch(`${s.url}/v1/events?since=now`, {
      headers: { Authorization: 'Bearer token-insurer' },
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    const doc = generateDocument('insured-list', {
      seed: 14,
      rows: 1,
      sender: t.net.get('insurer').party,
      addressee: t.net.get('clinic').party,
    });
    await t.client('insurer').call('POST', '/v1/documents', doc);
    let text = '';
    while (!text.includes(doc.header.documentId))
      text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    const ids = [...text.matchAll(/"messageId":"([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids)).to.deep.equal(new Set([`${t.net.get('insurer').id}:${doc.header.documentId}`]));
  });

  it('previews a CSV through a bundled mapping: every error at its row and column, nothing sent', async () => {
    const mappings = await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/imports/mappings');
    expect(mappings.body.items.map((m) => m.name)).to.include('insurer-insured-list-attach.csv');
    const sample = await readFile(repoPath('gateway', 'mappings', 'samples', 'insured-list-attach.csv'));
    const text = iconv.decode(sample, 'win1251');
    const snils = /\d{3}-\d{3}-\d{3} \d{2}/.exec(text)![0];
    const broken = iconv.encode(
      text.replace(snils, snils.slice(0, -1) + ((Number(snils.slice(-1)) + 1) % 10)),
      'win1251',
    );
    const before = (await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/outbox?limit=500')).body
      .items.length;
    const body = (content: Buffer) => ({
      mapping: 'insurer-insured-list-attach.csv',
      fileName: 'list.csv',
      addressee: t.net.get('clinic').id,
      // The list's own number and date are not in the file: the sender types them.
      fields: { listNumber: '12-ДМС/2026-П', listDate: '15.11.2026' },
      content: content.toString('base64'),
    });
    const ok = await t
      .client('insurer')
      .call<{ rows: number; report: { errors: Json[] }; document: { header: Json } }>(
        'POST',
        '/v1/imports/preview',
        body(sample),
      );
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.report.errors).to.deep.equal([]);
    expect(ok.body.rows).to.be.greaterThan(0);
    expect((ok.body.document.header.addressee as Json).ogrn).to.equal(t.net.get('clinic').id);
    const bad = await t
      .client('insurer')
      .call<{ report: { errors: Json[] } }>('POST', '/v1/imports/preview', body(broken));
    expect(bad.body.report.errors).to.have.length(1);
    expect(bad.body.report.errors[0]).to.include({ code: 'SNILS_CHECKSUM', header: 'СНИЛС', row: 5 });
    const after = (await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/outbox?limit=500')).body
      .items.length;
    expect(after).to.equal(before);
    const missing = await t
      .client('insurer')
      .call<{ errors: Json[] }>('POST', '/v1/imports/preview', { mapping: 'x' });
    expect(missing.status).to.equal(400);
    expect(missing.body.errors.map((e) => e.pointer)).to.deep.equal(['/body/content']);
    // The file names «ООО «Клиника Здоровье»», which is nobody here: the addressee must be chosen.
    const { addressee: _a, ...unaddressed } = body(sample);
    const unknown = await t
      .client('insurer')
      .call<{ code: string; errors: Json[] }>('POST', '/v1/imports/preview', unaddressed);
    expect(unknown.status).to.equal(422);
    expect(unknown.body.code).to.equal('ADDRESSEE_NAME_UNKNOWN');
    expect(unknown.body.errors[0]).to.include({
      pointer: '/header/addressee',
      code: 'ADDRESSEE_NAME_UNKNOWN',
    });
  });
});
