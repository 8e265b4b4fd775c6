import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDocument, type DmsDocument } from '@dmsnet/formats';
import {
  closeCryptoWorkers,
  generateParticipantKeys,
  sealDocument,
  sha256Hex,
} from '../../../gateway/src/crypto/index.js';
import { checkedFetch } from '../fixtures/contract.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;

describe('gateway REST API (real nodes, real HTTP, embedded ledger)', function () {
  this.timeout(60_000);
  let t: TestNetwork;
  const party = (k: string) => t.net.get(k).party;
  const list = (seed: number, from = 'insurer', to = 'clinic') =>
    generateDocument('insured-list', { seed, rows: 3, sender: party(from), addressee: party(to) });

  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  async function sendAndDeliver(doc: DmsDocument, from = 'insurer', to = 'clinic') {
    const r = await t.client(from).call<Json>('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    expect(r.body.status).to.equal('PENDING');
    return t.client(to).waitFor<Json>(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
  }

  it('serves its OpenAPI 3.1 document and a health check without a token', async () => {
    const spec = await checkedFetch(t.servers.get('insurer')!.url + '/v1/openapi.json');
    expect(spec.status).to.equal(200);
    const body = spec.body as { openapi: string; paths: Json };
    expect(body.openapi).to.equal('3.1.0');
    expect(body.paths).to.have.property('/v1/documents');
    const health = await checkedFetch(t.servers.get('insurer')!.url + '/v1/health');
    expect(health.status).to.equal(200);
  });

  it('refuses a missing or wrong token with 401 UNAUTHORIZED', async () => {
    const none = await checkedFetch(t.servers.get('insurer')!.url + '/v1/outbox');
    expect(none.status).to.equal(401);
    expect((none.body as Json).code).to.equal('UNAUTHORIZED');
    const wrong = await t.client('insurer', 'token-clinic').call<Json>('GET', '/v1/outbox');
    expect(wrong.status).to.equal(401);
  });

  it('binds to the loopback interface', () => {
    for (const s of t.servers.values()) expect(s.url).to.match(/^http:\/\/127\.0\.0\.1:/);
  });

  it('sends a document, delivers it opened and verified, and shows the status trail after acceptance', async () => {
    const doc = list(1);
    const received = await sendAndDeliver(doc);
    expect(received.direction).to.equal('in');
    expect(received.document).to.deep.equal(doc);
    const inbox = await t.client('clinic').call<{ items: Json[] }>('GET', '/v1/inbox?type=insured-list');
    expect(inbox.body.items.map((i) => i.messageId)).to.include(
      `${t.net.get('insurer').id}:${doc.header.documentId}`,
    );
    const acc = await t
      .client('clinic')
      .call<Json>('POST', `/v1/inbox/${doc.header.documentId}/accept`, { comment: 'ok' });
    expect(acc.status).to.equal(200);
    const view = await t
      .client('insurer')
      .waitFor<{ status: string; trail: Json[] }>(
        `/v1/documents/${doc.header.documentId}`,
        (_s, b) => b.status === 'ACCEPTED',
      );
    expect(view.trail.map((x) => x.status)).to.deep.equal(['SENT', 'DELIVERED', 'ACCEPTED']);
    const outbox = await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/outbox?status=ACCEPTED');
    expect(outbox.body.items.map((i) => i.messageId)).to.include(
      `${t.net.get('insurer').id}:${doc.header.documentId}`,
    );
  });

  it('resending the same document is idempotent; another document under the same id is a 409', async () => {
    const doc = list(2);
    await sendAndDeliver(doc);
    const again = await t.client('insurer').call<Json>('POST', '/v1/documents', doc);
    expect(again.status).to.equal(202);
    const other = list(3);
    other.header.documentId = doc.header.documentId;
    const clash = await t.client('insurer').call<Json>('POST', '/v1/documents', other);
    expect(clash.status).to.equal(409);
    expect(clash.body.code).to.equal('MESSAGE_ID_CONFLICT');
  });

  it('rejects a document that breaks the format with 422 and JSON Pointers, sending nothing', async () => {
    const doc = structuredClone(list(4));
    (doc.body as { rows: Array<{ person: Json }> }).rows[1].person.snils = '112-233-445 00';
    const r = await t.client('insurer').call<{ code: string; errors: Json[] }>('POST', '/v1/documents', doc);
    expect(r.status).to.equal(422);
    expect(r.body.code).to.equal('DOCUMENT_INVALID');
    expect(r.body.errors).to.deep.include.members([
      {
        pointer: '/body/rows/1/person/snils',
        code: 'SNILS_CHECKSUM',
        message: (r.body.errors.find((e) => e.pointer === '/body/rows/1/person/snils') as Json)?.message,
      },
    ]);
    const out = await t.client('insurer').call('GET', `/v1/documents/${doc.header.documentId}`);
    expect(out.status).to.equal(404);
  });

  it('rejects a malformed request with 400 and pointers into the request', async () => {
    const notJson = await checkedFetch(t.servers.get('insurer')!.url + '/v1/documents', {
      method: 'POST',
      headers: { Authorization: 'Bearer token-insurer', 'Content-Type': 'application/json' },
      body: '{"header":',
    });
    expect(notJson.status).to.equal(400);
    expect((notJson.body as Json).code).to.equal('BODY_NOT_JSON');
    const shape = await t.client('insurer').call<{ errors: Json[] }>('POST', '/v1/documents', { header: {} });
    expect(shape.status).to.equal(400);
    expect(shape.body.errors.map((e) => e.pointer)).to.include('/body/body');
    const limit = await t.client('insurer').call<{ errors: Json[] }>('GET', '/v1/outbox?limit=100000');
    expect(limit.status).to.equal(400);
    expect(limit.body.errors[0].pointer).to.equal('/query/limit');
    const text = await checkedFetch(t.servers.get('insurer')!.url + '/v1/documents', {
      method: 'POST',
      headers: { Authorization: 'Bearer token-insurer', 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).to.equal(415);
  });

  it('refuses an unknown addressee with 422 ADDRESSEE_UNKNOWN at /header/addressee/ogrn', async () => {
    const doc = list(5);
    doc.header.addressee = { ogrn: '1027700132195', name: 'not registered' };
    const r = await t.client('insurer').call<{ code: string; errors: Json[] }>('POST', '/v1/documents', doc);
    expect(r.status).to.equal(422);
    expect(r.body.code).to.equal('ADDRESSEE_UNKNOWN');
    expect(r.body.errors[0].pointer).to.equal('/header/addressee/ogrn');
  });

  it('refuses a document sent in another participant’s name with 422 SENDER_NOT_SELF', async () => {
    const r = await t.client('insurer').call<Json>('POST', '/v1/documents', list(6, 'clinic', 'insurer'));
    expect(r.status).to.equal(422);
    expect(r.body.code).to.equal('SENDER_NOT_SELF');
  });

  it('refuses an oversized payload with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = 'x'.repeat(33 * 1024 * 1024);
    const r = await checkedFetch(t.servers.get('insurer')!.url + '/v1/documents', {
      method: 'POST',
      headers: { Authorization: 'Bearer token-insurer', 'Content-Type': 'application/json' },
      body: JSON.stringify({ header: {}, body: { big } }),
    });
    expect(r.status).to.equal(413);
    expect((r.body as Json).code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('carries a multi-megabyte insured list end to end (sealed and opened off the main thread)', async () => {
    const big = generateDocument('insured-list', {
      seed: 30,
      rows: 20000,
      sender: party('insurer'),
      addressee: party('clinic'),
    });
    expect(JSON.stringify(big).length).to.be.greaterThan(8_000_000);
    const received = await sendAndDeliver(big);
    expect(received.document).to.deep.equal(big);
  });

  it('a third participant cannot open a message not addressed to it', async () => {
    const doc = list(7);
    await sendAndDeliver(doc);
    const peek = await t.client('other').call<Json>('GET', `/v1/documents/${doc.header.documentId}`);
    expect(peek.status).to.equal(404);
    const inbox = await t.client('other').call<{ items: Json[] }>('GET', '/v1/inbox');
    expect(inbox.body.items.map((i) => i.messageId)).not.to.include(
      `${t.net.get('insurer').id}:${doc.header.documentId}`,
    );
  });

  async function submitRaw(doc: DmsDocument, ciphertext: Uint8Array, hashOf: Uint8Array = ciphertext) {
    const insurer = t.net.get('insurer');
    await insurer.ledger.submit(
      'exchange:send',
      [
        JSON.stringify({
          messageId: `${insurer.id}:${doc.header.documentId}`,
          sender: insurer.id,
          addressee: t.net.get('clinic').id,
          documentType: doc.header.type,
          formatVersion: '1',
          ciphertextHash: sha256Hex(hashOf),
          size: hashOf.byteLength,
          senderKeyVersion: 1,
        }),
      ],
      { ciphertext },
    );
  }

  it('a tampered ciphertext is rejected and reported, nothing applied', async () => {
    const doc = list(8);
    const insurer = t.net.get('insurer');
    const ct = await sealDocument({
      document: doc,
      signSecretKey: insurer.keys.signSecretKey,
      senderId: insurer.id,
      keyVersion: 1,
      recipientBoxPublicKey: t.net.get('clinic').keys.boxPublicKey,
    });
    const tampered = Uint8Array.from(ct);
    tampered[tampered.length - 5] ^= 0xff;
    await submitRaw(doc, tampered);
    const view = await t
      .client('clinic')
      .waitFor<{ status: string; document?: unknown; record: { rejection: { code: string } } }>(
        `/v1/documents/${doc.header.documentId}`,
        (s) => s === 200,
      );
    expect(view.status).to.equal('REJECTED');
    expect(view.record.rejection.code).to.equal('SEAL_OPEN_FAILED');
    expect(view.document).to.equal(undefined);
    // The insurer did not send it through its gateway, so only the ledger and the clinic know; the ledger says REJECTED.
    expect((await t.client('insurer').call('GET', `/v1/documents/${doc.header.documentId}`)).status).to.equal(
      404,
    );
    const env = JSON.parse(
      Buffer.from(
        await insurer.ledger.evaluate('exchange:get', [
          `${t.net.get('insurer').id}:${doc.header.documentId}`,
        ]),
      ).toString(),
    ) as Json;
    expect(env.status).to.equal('REJECTED');
  });

  it('a signature by the wrong key is rejected with SIGNATURE_INVALID', async () => {
    const doc = list(9);
    const insurer = t.net.get('insurer');
    const impostor = await generateParticipantKeys();
    const ct = await sealDocument({
      document: doc,
      signSecretKey: impostor.signSecretKey,
      senderId: insurer.id,
      keyVersion: 1,
      recipientBoxPublicKey: t.net.get('clinic').keys.boxPublicKey,
    });
    await submitRaw(doc, ct);
    const view = await t
      .client('clinic')
      .waitFor<{ status: string; record: { rejection: { code: string } } }>(
        `/v1/documents/${doc.header.documentId}`,
        (s) => s === 200,
      );
    expect(view.status).to.equal('REJECTED');
    expect(view.record.rejection.code).to.equal('SIGNATURE_INVALID');
  });

  it('reject sends the row errors back to the sender as an encrypted, signed reply', async () => {
    const doc = list(10);
    await sendAndDeliver(doc);
    const errors = [
      {
        pointer: '/body/rows/0/programme/code',
        code: 'PROGRAMME_NOT_IN_CONTRACT',
        message: 'not in contract',
      },
    ];
    const r = await t
      .client('clinic')
      .call<Json>('POST', `/v1/inbox/${doc.header.documentId}/reject`, { errors });
    expect(r.status).to.equal(200);
    const view = await t
      .client('insurer')
      .waitFor<{ status: string; record: { reply?: { decision: string; errors: Json[] } } }>(
        `/v1/documents/${doc.header.documentId}`,
        (_s, b) => b.status === 'REJECTED' && !!b.record.reply,
      );
    expect(view.record.reply?.decision).to.equal('REJECTED');
    expect(view.record.reply?.errors).to.deep.equal(errors);
    const bad = await t
      .client('clinic')
      .call<Json>('POST', `/v1/inbox/${doc.header.documentId}/reject`, { errors: [] });
    expect(bad.status).to.equal(400);
    const missing = await t.client('clinic').call<Json>('POST', '/v1/inbox/NOPE-1/accept', {});
    expect(missing.status).to.equal(404);
  });

  it('lists participants and active formats', async () => {
    const ps = await t.client('clinic').call<{ items: Json[] }>('GET', '/v1/participants');
    expect(ps.body.items.map((p) => p.id)).to.include(t.net.get('insurer').id);
    const one = await t.client('clinic').call<Json>('GET', `/v1/participants/${t.net.get('insurer').id}`);
    expect(one.body.role).to.equal('insurer');
    const nobody = await t.client('clinic').call<Json>('GET', '/v1/participants/1027700132195');
    expect(nobody.status).to.equal(404);
    const formats = await t.client('clinic').call<{ items: Json[] }>('GET', '/v1/formats');
    expect(formats.body.items.map((f) => f.type)).to.include.members(['insured-list', 'invoice', 'reply']);
  });

  it('pages through the outbox with a cursor', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const r: { body: { items: Json[]; nextCursor?: string } } = await t
        .client('insurer')
        .call('GET', `/v1/outbox?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.body.items.length).to.be.at.most(2);
      r.body.items.forEach((i) => seen.add(String(i.messageId)));
      cursor = r.body.nextCursor;
    } while (cursor);
    const all = await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/outbox?limit=500');
    expect(seen.size).to.equal(all.body.items.length);
    expect(seen.size).to.be.greaterThan(2);
  });

  describe('webhooks and server-sent events', () => {
    let receiver: Server;
    let url: string;
    const got: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    let failFirst = 1;

    before(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          if (failFirst-- > 0) {
            res.writeHead(500).end();
            return;
          }
          got.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    });
    after(() => new Promise<void>((r) => receiver.close(() => r())));

    it('POSTs each notification with a verifiable HMAC, retries after a 500, and logs deliveries', async () => {
      const reg = await t.client('clinic').call<{ id: string; secret: string }>('POST', '/v1/webhooks', {
        url,
        secret: 'a-webhook-secret-of-enough-length',
      });
      expect(reg.status).to.equal(201);
      const doc = list(20);
      await sendAndDeliver(doc);
      const deadline = Date.now() + 15_000;
      while (!got.some((g) => g.body.includes(doc.header.documentId)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const hit = got.find((g) => g.body.includes(doc.header.documentId));
      expect(hit, 'delivered').to.not.equal(undefined);
      const expected =
        'sha256=' + createHmac('sha256', 'a-webhook-secret-of-enough-length').update(hit!.body).digest('hex');
      expect(hit!.headers['x-dmsnet-signature']).to.equal(expected);
      expect(hit!.headers['x-dmsnet-event']).to.equal('document.received');
      const log = await t
        .client('clinic')
        .call<{ items: Json[] }>('GET', `/v1/webhooks/${reg.body.id}/deliveries`);
      expect(log.body.items.map((d) => d.statusCode)).to.include.members([500, 204]);
      const listed = await t.client('clinic').call<{ items: Json[] }>('GET', '/v1/webhooks');
      expect(listed.body.items[0]).to.not.have.property('secret');
      const bad = await t.client('clinic').call<Json>('POST', '/v1/webhooks', { url: 'ftp://x' });
      expect(bad.status).to.equal(400);
      expect((await t.client('clinic').call('DELETE', `/v1/webhooks/${reg.body.id}`)).status).to.equal(204);
      expect((await t.client('clinic').call('DELETE', `/v1/webhooks/${reg.body.id}`)).status).to.equal(404);
    });

    it('streams notifications as server-sent events and replays after Last-Event-ID', async () => {
      const res = await fetch(t.servers.get('clinic')!.url + '/v1/events', {
        headers: { Authorization: 'Bearer token-clinic', 'Last-Event-ID': '0' },
      });
      expect(res.headers.get('content-type')).to.match(/text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      const doc = list(21);
      await sendAndDeliver(doc);
      const deadline = Date.now() + 10_000;
      while (!text.includes(doc.header.documentId) && Date.now() < deadline) {
        const { value } = await reader.read();
        text += Buffer.from(value ?? new Uint8Array()).toString('utf8');
      }
      await reader.cancel();
      expect(text).to.include(doc.header.documentId);
      // Replay from the log: earlier documents (sent before the stream opened) came too.
      expect(text).to.include('id: 1\n');
    });
  });
});
