// The files of a medical-documentation answer on the embedded ledger (decision record 0058): uploaded as multipart,
// sealed as they stream, carried through the ledger's private data piece by piece before the document, fetched and
// checked by the insurer's gateway, and downloaded by its expert equal to the bytes sent; a lying file is refused with
// nothing kept; a non-expert is refused the file; fewer files than described are refused.
import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createRng, generateOgrn, messageIdOf, type DmsDocument } from '@dmsnet/formats';
import { samplePdf, samplePng, sha256Hex } from '@dmsnet/formats/attachments/sample-files';
import { until } from '../fixtures/invoices.js';
import { PASSWORD, useDocumentationSuite } from '../fixtures/documentation-suite.js';
import { bigPdf } from '../fixtures/big-pdf.js';

type Json = Record<string, unknown>;

describe('medical documentation files: upload, transport through private data, download (embedded ledger)', function () {
  this.timeout(120_000);
  const { w, sendInvoice, answer } = useDocumentationSuite('docfiles');
  const c = w.client;

  async function upload(doc: DmsDocument, files: Buffer[], token = 't-clinic') {
    const form = new FormData();
    form.append('document', new Blob([JSON.stringify(doc)], { type: 'application/json' }), 'document.json');
    for (const [i, f] of files.entries())
      form.append('file', new Blob([f], { type: 'application/pdf' }), `f${i}.pdf`);
    const res = await fetch(`${w.server('clinic').url}/v1/medical-documentation`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    return {
      status: res.status,
      body: (await res.json()) as Json & { errors?: Array<{ pointer: string; code: string }> },
    };
  }

  async function login(username: string) {
    const res = await fetch(`${w.server('insurer').url}/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(res.status).to.equal(200);
    return String(res.headers.get('set-cookie')).split(';')[0] as string;
  }

  let requestId: string;
  let request: Json;

  it('carries a 5 MiB PDF through the ledger in pieces; the expert downloads the very bytes, the operator is refused', async () => {
    const invoiceId = await sendInvoice('INV-F-1');
    const posted = await c('insurer').call<{ case: { requestId: string } }>(
      'POST',
      '/v1/documentation-requests',
      {
        invoiceId,
        lines: [{ invoiceLineId: 'b', wanted: ['protocol'] }],
      },
    );
    expect(posted.status, JSON.stringify(posted.body)).to.equal(202);
    requestId = posted.body.case.requestId;
    request = await until('the request at the clinic', async () => {
      const v = await w.net.get('clinic').node.getDocument(messageIdOf(w.net.get('insurer').id, requestId));
      return (v.document as DmsDocument | undefined)?.body as Json | undefined;
    });
    const pdf = bigPdf(5 * 1024 * 1024 + 123);
    const r = await upload(answer(requestId, request, 'DOCS-F-1', ['1'], pdf), [pdf]);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    expect(r.body.messageId).to.equal(messageIdOf(w.net.get('clinic').id, 'DOCS-F-1'));
    const id = String(r.body.messageId);
    // Delivered and accepted only once the file is there and checked.
    const rec = await c('clinic').waitFor<{
      record: { status: string; files?: Array<{ chunks: number; sent: number }> };
    }>(`/v1/documents/${encodeURIComponent(id)}`, (_s, b) => b.record?.status === 'ACCEPTED');
    expect(rec.record.files![0]!.chunks).to.equal(6);
    expect(rec.record.files![0]!.sent).to.equal(6);
    const url = `${w.server('insurer').url}/v1/documents/${encodeURIComponent(id)}/attachments/0`;
    const got = await fetch(url, { headers: { Cookie: await login('exp') } });
    expect(got.status).to.equal(200);
    expect(got.headers.get('content-type')).to.equal('application/pdf');
    expect(got.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(got.headers.get('content-security-policy')).to.equal("sandbox; default-src 'none'");
    expect(got.headers.get('content-disposition')).to.match(/^attachment; filename="protokol.pdf"/);
    const bytes = Buffer.from(await got.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).to.equal(sha256Hex(pdf));
    const inline = await fetch(`${url}?inline=1`, { headers: { Cookie: await login('exp') } });
    expect(inline.headers.get('content-disposition')).to.match(/^inline;/);
    await inline.arrayBuffer();
    // The sender opens its own copy with the machine token.
    const own = await fetch(
      `${w.server('clinic').url}/v1/documents/${encodeURIComponent(id)}/attachments/0`,
      {
        headers: { Authorization: 'Bearer t-clinic' },
      },
    );
    expect(own.status).to.equal(200);
    expect(sha256Hex(Buffer.from(await own.arrayBuffer()))).to.equal(sha256Hex(pdf));
    // A non-expert is refused, and the refusal is audited.
    for (const who of ['op', 'boss']) {
      const res = await fetch(url, { headers: { Cookie: await login(who) } });
      expect(res.status, who).to.equal(403);
      expect(((await res.json()) as { code: string }).code).to.equal('FORBIDDEN_ROLE');
    }
    const audit = await fetch(`${w.server('insurer').url}/v1/documents/${encodeURIComponent(id)}`, {
      headers: { Authorization: 'Bearer t-insurer' },
    });
    const entries = ((await audit.json()) as { audit: Json[] }).audit.filter(
      (a) => a.action === 'documentation.open',
    );
    expect(
      entries
        .filter((a) => (a.detail as Json).how === 'attachment')
        .map((a) => [a.user, (a.detail as Json).refused ?? false]),
    ).to.deep.include.members([
      ['exp', false],
      ['op', true],
      ['boss', true],
    ]);
    // The insurer's store keeps the file sealed: its bytes are not the PDF's.
    const held = await readdir(path.join(w.dir, 'nodes', 'insurer', 'files', 'in'));
    expect(held.filter((f) => f.endsWith('.sealed'))).to.have.length(1);
  });

  it('refuses a file whose content lies about its type (422 at its pointer) and keeps nothing of it', async () => {
    const png = samplePng();
    const doc = answer(requestId, request, 'DOCS-F-LIE');
    const a = (doc.body as { attachments: Json[] }).attachments[0]!;
    Object.assign(a, { size: png.length, sha256: sha256Hex(png) });
    const before = await readdir(path.join(w.dir, 'nodes', 'clinic', 'files', 'out'));
    const r = await upload(doc, [png]);
    expect(r.status, JSON.stringify(r.body)).to.equal(422);
    expect(
      r.body.errors!.map((e) => [e.pointer, e.code]),
      JSON.stringify(r.body),
    ).to.deep.include(['/body/attachments/0/mediaType', 'ATTACHMENT_TYPE_MISMATCH']);
    expect(await readdir(path.join(w.dir, 'nodes', 'clinic', 'files', 'out'))).to.deep.equal(before);
    const none = await c('clinic').call('GET', '/v1/documents/DOCS-F-LIE');
    expect(none.status).to.equal(404);
  });

  it('refuses fewer files than described, and a document that breaks its rules, naming the pointer', async () => {
    const r = await upload(answer(requestId, request, 'DOCS-F-FEW'), []);
    expect(r.status, JSON.stringify(r.body)).to.equal(400);
    expect(r.body.code).to.equal('ATTACHMENT_COUNT_MISMATCH');
    expect(r.body.errors![0]!.pointer).to.equal('/body/attachments/0');
    const bad = answer(requestId, request, 'DOCS-F-BAD');
    delete (bad.body as { requestNumber?: unknown }).requestNumber;
    const b = await upload(bad, [samplePdf(2, 'Protocol')]);
    expect(b.status, JSON.stringify(b.body)).to.equal(422);
    expect(b.body.errors!.some((e) => e.pointer.startsWith('/document/body'))).to.equal(true);
    const stranger = answer(requestId, request, 'DOCS-F-WHO');
    (stranger.header.addressee as { ogrn: string }).ogrn = generateOgrn(createRng(99));
    const w = await upload(stranger, [samplePdf(2, 'Protocol')]);
    expect(w.status, JSON.stringify(w.body)).to.equal(422);
    expect(w.body.errors!.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/document/header/addressee/ogrn', 'ADDRESSEE_UNKNOWN'],
    ]);
  });
});
