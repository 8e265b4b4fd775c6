// Medical documentation for expertise in format v1 (decision record 0056): the rules of the request and the answer,
// and the check of each file against what the answer says of it — magic bytes, size, hash, a PDF's pages and
// active content — fed in arbitrary chunks, fuzzed.
import { expect } from 'chai';
import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { generateDocumentationCase, validateDocument } from '@dmsnet/formats';
import type { TypedDocument } from '@dmsnet/formats/types';
import {
  AttachmentInspector,
  inspectAttachment,
  type DeclaredAttachment,
} from '@dmsnet/formats/attachments/inspect';
import { samplePdf, samplePng, sha256Hex } from '@dmsnet/formats/attachments/sample-files';

const clone = <T>(v: T): T => structuredClone(v);
const codes = (errors: Array<{ pointer: string; code: string }>) =>
  errors.map((e) => `${e.pointer} ${e.code}`);
const declared = (bytes: Buffer, mediaType: string, pages?: number): DeclaredAttachment => ({
  mediaType,
  size: bytes.length,
  sha256: sha256Hex(bytes),
  ...(pages === undefined ? {} : { pages }),
});
const at = '/body/attachments/0';

describe('formats: documentation requests and medical documentation', () => {
  const { invoice, request, answer } = generateDocumentationCase({ seed: 7 });

  it('generates a request valid against its invoice and an answer valid against its request', () => {
    expect(validateDocument(request, { related: { invoice } })).to.deep.equal([]);
    expect(validateDocument(answer, { related: { documentationRequest: request } })).to.deep.equal([]);
  });

  it('refuses a request for an invoice line the invoice lacks, a line twice, a late deadline, an unsaid «other»', () => {
    const r = clone(request) as unknown as TypedDocument<'documentation-request'>;
    r.body.lines[0]!.invoiceLineId = 'nope';
    r.body.lines.push({ ...clone(r.body.lines[0]!), rowId: '99', wanted: ['other'] });
    r.body.respondBy = '2020-01-01';
    expect(codes(validateDocument(r, { related: { invoice } }))).to.have.members([
      '/body/respondBy DOCREQ_DEADLINE_ORDER',
      `/body/lines/${r.body.lines.length - 1}/invoiceLineId DOCREQ_LINE_TWICE`,
      `/body/lines/${r.body.lines.length - 1}/comment DOCREQ_OTHER_UNSAID`,
      '/body/lines/0/invoiceLineId DOCREQ_LINE_UNKNOWN',
      `/body/lines/${r.body.lines.length - 1}/invoiceLineId DOCREQ_LINE_UNKNOWN`,
    ]);
  });

  it('refuses a request whose line names another service than the invoice line', () => {
    const r = clone(request) as unknown as TypedDocument<'documentation-request'>;
    r.body.lines[0]!.serviceDate = '2026-01-02';
    expect(codes(validateDocument(r, { related: { invoice } }))).to.deep.equal([
      '/body/lines/0/serviceCode DOCREQ_LINE_MISMATCH',
    ]);
  });

  it('refuses an answer over 100 MiB, a PDF without pages, pages on a PNG, a lying name, a file twice, an unknown line', () => {
    const a = clone(answer) as unknown as TypedDocument<'medical-documentation'>;
    const [pdf, png] = a.body.attachments!;
    delete pdf!.pages;
    png!.pages = 1;
    png!.fileName = 'scan.pdf';
    pdf!.size = 100 * 1024 * 1024;
    pdf!.forLines = ['1', '42'];
    a.body.attachments!.push({ ...clone(png!), attachmentId: '3', fileName: 'x.png' });
    delete a.body.attachments![2]!.pages;
    expect(codes(validateDocument(a, { related: { documentationRequest: request } }))).to.have.members([
      '/body/attachments/0/pages DOCS_PAGES_MISSING',
      '/body/attachments/1/fileName DOCS_EXTENSION_MISMATCH',
      '/body/attachments/1/pages DOCS_PAGES_ONLY_PDF',
      '/body/attachments/2/sha256 DOCS_ATTACHMENT_TWICE',
      '/body/attachments DOCS_TOO_LARGE',
      '/body/attachments/0/forLines/1 DOCS_LINE_UNKNOWN',
    ]);
  });

  it('refuses an empty answer and one answering another request', () => {
    const a = clone(answer) as unknown as TypedDocument<'medical-documentation'>;
    delete a.body.attachments;
    delete a.body.records;
    a.body.requestNumber = 'другой';
    expect(codes(validateDocument(a, { related: { documentationRequest: request } }))).to.have.members([
      '/body/attachments DOCS_NOTHING',
      '/body/requestNumber DOCS_REQUEST_MISMATCH',
    ]);
  });
});

/** A PDF whose pages live in a compressed object stream (PDF 1.5), as most scanners write them. */
function objectStreamPdf(pages: number, extra = ''): Buffer {
  const objs = Array.from({ length: pages }, () => `<< /Type /Page /Parent 2 0 R ${extra} >>`);
  const nums = objs.map((_, i) => 10 + i);
  let offsets = '';
  let body = '';
  objs.forEach((o, i) => {
    offsets += `${nums[i]} ${body.length} `;
    body += o + '\n';
  });
  const first = offsets.length;
  const data = deflateSync(Buffer.from(offsets + body, 'latin1'));
  const head = `%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Count ${pages} >>\nendobj\n3 0 obj\n<< /Type /ObjStm /N ${pages} /First ${first} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`;
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    data,
    Buffer.from('\nendstream\nendobj\nstartxref\n0\n%%EOF\n', 'latin1'),
  ]);
}

function inChunks(bytes: Buffer, cuts: number[], d: DeclaredAttachment) {
  const i = new AttachmentInspector(d, at);
  let from = 0;
  for (const c of [...cuts].sort((x, y) => x - y)) {
    i.update(bytes.subarray(from, c));
    from = c;
  }
  i.update(bytes.subarray(from));
  return codes(i.finish());
}

describe('formats: a file checked against what its document says', () => {
  it('lets in a PDF of the declared pages, a PNG, UTF-8 text', () => {
    for (const n of [1, 3, 40]) {
      const pdf = samplePdf(n);
      expect(inspectAttachment(pdf, declared(pdf, 'application/pdf', n), at), String(n)).to.deep.equal([]);
    }
    const png = samplePng();
    expect(inspectAttachment(png, declared(png, 'image/png'), at)).to.deep.equal([]);
    const text = Buffer.from('Выписка: состояние удовлетворительное.\r\n', 'utf8');
    expect(inspectAttachment(text, declared(text, 'text/plain'), at)).to.deep.equal([]);
  });

  it('counts the pages PDF 1.5 keeps in compressed object streams', () => {
    const pdf = objectStreamPdf(5);
    expect(inspectAttachment(pdf, declared(pdf, 'application/pdf', 5), at)).to.deep.equal([]);
    expect(codes(inspectAttachment(pdf, declared(pdf, 'application/pdf', 4), at))).to.deep.equal([
      `${at}/pages ATTACHMENT_PAGES_MISMATCH`,
    ]);
  });

  it('refuses a file whose content lies about its type (a PDF declared as PNG, an executable as text)', () => {
    const pdf = samplePdf(1);
    expect(codes(inspectAttachment(pdf, declared(pdf, 'image/png'), at))).to.deep.equal([
      `${at}/mediaType ATTACHMENT_TYPE_MISMATCH`,
    ]);
    const png = samplePng();
    expect(codes(inspectAttachment(png, declared(png, 'text/plain'), at))).to.deep.equal([
      `${at}/mediaType ATTACHMENT_TYPE_MISMATCH`,
    ]);
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03', 'latin1'), Buffer.alloc(100)]);
    expect(codes(inspectAttachment(exe, declared(exe, 'text/plain'), at))).to.deep.equal([
      `${at} ATTACHMENT_MALFORMED`,
    ]);
    expect(codes(inspectAttachment(exe, declared(exe, 'image/jpeg'), at))).to.deep.equal([
      `${at}/mediaType ATTACHMENT_TYPE_MISMATCH`,
    ]);
  });

  it('refuses a wrong size, a wrong hash, a cut file and a wrong page count', () => {
    const pdf = samplePdf(2);
    expect(
      codes(inspectAttachment(pdf, { ...declared(pdf, 'application/pdf', 2), size: pdf.length + 1 }, at)),
    ).to.deep.equal([`${at}/size ATTACHMENT_SIZE_MISMATCH`]);
    expect(
      codes(inspectAttachment(pdf, { ...declared(pdf, 'application/pdf', 2), size: pdf.length - 1 }, at)),
    ).to.deep.equal([`${at}/size ATTACHMENT_SIZE_MISMATCH`]);
    expect(
      codes(inspectAttachment(pdf, { ...declared(pdf, 'application/pdf', 2), sha256: '0'.repeat(64) }, at)),
    ).to.deep.equal([`${at}/sha256 ATTACHMENT_HASH_MISMATCH`]);
    const cut = pdf.subarray(0, pdf.length - 40);
    expect(codes(inspectAttachment(cut, declared(cut, 'application/pdf', 2), at))).to.deep.equal([
      `${at} ATTACHMENT_MALFORMED`,
    ]);
    expect(codes(inspectAttachment(pdf, declared(pdf, 'application/pdf', 3), at))).to.deep.equal([
      `${at}/pages ATTACHMENT_PAGES_MISMATCH`,
    ]);
    const png = samplePng().subarray(0, 50);
    expect(codes(inspectAttachment(png, declared(png, 'image/png'), at))).to.deep.equal([
      `${at} ATTACHMENT_MALFORMED`,
    ]);
  });

  it('refuses a PDF naming active content, even spelled with #xx escapes or inside an object stream', () => {
    const js = Buffer.from(
      samplePdf(1)
        .toString('latin1')
        .replace('/Type /Catalog', '/Type /Catalog /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>'),
      'latin1',
    );
    expect(codes(inspectAttachment(js, declared(js, 'application/pdf', 1), at))).to.deep.equal([
      `${at} ATTACHMENT_ACTIVE_CONTENT`,
    ]);
    const hidden = objectStreamPdf(2, '/AA << /O << /S /Launch /F (cmd.exe) >> >>');
    expect(codes(inspectAttachment(hidden, declared(hidden, 'application/pdf', 2), at))).to.deep.equal([
      `${at} ATTACHMENT_ACTIVE_CONTENT`,
    ]);
    // The words inside a string or a page's content stream are text, not actions.
    const text = samplePdf(1, 'JavaScript /Launch');
    expect(inspectAttachment(text, declared(text, 'application/pdf', 1), at)).to.deep.equal([]);
  });

  it('gives the same answer however the file is cut into chunks (fast-check)', () => {
    const files: Array<[Buffer, DeclaredAttachment]> = [
      [samplePdf(3), declared(samplePdf(3), 'application/pdf', 3)],
      [objectStreamPdf(4), declared(objectStreamPdf(4), 'application/pdf', 4)],
      [samplePng(), declared(samplePng(), 'image/png')],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (k, raw) => {
          const [bytes, d] = files[k]!;
          expect(
            inChunks(
              bytes,
              raw.map((c) => c % (bytes.length + 1)),
              d,
            ),
          ).to.deep.equal([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and always answers in typed codes on mangled PDFs and random bytes (fast-check)', () => {
    const base = objectStreamPdf(3);
    const typed = /^\/body\/attachments\/0(\/\w+)? ATTACHMENT_[A-Z_]+$/;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b)),
          fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.concat([Buffer.from('%PDF-1.7\n'), b])),
          fc
            .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 30 })
            .map((edits) => {
              const b = Buffer.from(base);
              for (const [i, v] of edits) b[i % b.length] = v;
              return b;
            }),
          fc.nat().map((n) => base.subarray(0, n % base.length)),
        ),
        fc.constantFrom('application/pdf', 'image/png', 'image/jpeg', 'text/plain'),
        (bytes, type) => {
          const out = codes(
            inspectAttachment(bytes, declared(bytes, type, type === 'application/pdf' ? 3 : undefined), at),
          );
          for (const c of out) expect(c).to.match(typed);
        },
      ),
      { numRuns: 500 },
    );
  });
});
