// Medical documentation for expertise on the embedded ledger (decision record 0056): the insurer's expert asks the
// clinic for the documentation behind a withheld line, the clinic answers with a checked PDF, the act cites the answer
// and the line withheld for want of it (2.1.2) reopens; the answer opens only to the expert role, every opening in the
// audit log; an answer to no request is refused.
import { expect } from 'chai';
import { messageIdOf, type DmsDocument } from '@dmsnet/formats';
import { until } from '../fixtures/invoices.js';
import { PASSWORD, useDocumentationSuite } from '../fixtures/documentation-suite.js';

type Json = Record<string, unknown>;

describe('medical documentation for expertise (real nodes, embedded ledger)', function () {
  this.timeout(120_000);
  const { w, wf, sendInvoice, answer } = useDocumentationSuite('docs');
  const c = w.client;

  let answerId: string;

  it('asks for the documentation behind a withheld line; its arrival is cited by the act and reopens the line', async () => {
    const invoiceId = await sendInvoice('INV-D-1');
    await wf('insurer').editAct(invoiceId, [
      { invoiceLineId: 'a', decision: 'PAID' },
      {
        invoiceLineId: 'b',
        decision: 'WITHHELD',
        defectCode: '2.1.2',
        reason: 'документация не представлена',
      },
    ]);
    const posted = await c('insurer').call<{
      request: { lines: Json[] };
      case: { requestId: string };
    }>('POST', '/v1/documentation-requests', {
      invoiceId,
      lines: [{ invoiceLineId: 'b', wanted: ['protocol', 'lab-results'] }],
      expert: { name: 'Смирнова Ольга Петровна' },
    });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(202);
    expect(posted.body.request.lines[0]).to.include({ invoiceLineId: 'b', serviceCode: 'A09.05.023' });
    const requestId = posted.body.case.requestId;
    // A line the invoice lacks is named at its pointer.
    const bad = await c('insurer').call<{ errors: Json[] }>('POST', '/v1/documentation-requests', {
      invoiceId,
      lines: [{ invoiceLineId: 'zz', wanted: ['protocol'] }],
    });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors).to.deep.include({
      pointer: '/body/lines/0/invoiceLineId',
      code: 'DOCREQ_LINE_UNKNOWN',
      message: '/body/lines/0/invoiceLineId: the invoice has no line with this rowId',
    });
    // The clinic has the request in its inbox, sealed to it like every document.
    const atClinic = await until('the request at the clinic', async () => {
      const v = await w.net.get('clinic').node.getDocument(messageIdOf(w.net.get('insurer').id, requestId));
      return v.document as DmsDocument | undefined;
    });
    expect(atClinic.header.type).to.equal('documentation-request');

    const doc = answer(requestId, atClinic.body, 'DOCS-1');
    const r = await c('clinic').call('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    answerId = messageIdOf(w.net.get('clinic').id, 'DOCS-1');
    const act = await until('the reopened line', async () => {
      const a = await wf('insurer').act(invoiceId);
      return a.reopened?.length ? a : undefined;
    });
    expect(act.reopened).to.deep.equal([{ invoiceLineId: 'b', documentId: 'DOCS-1' }]);
    expect(act.act.documentation).to.deep.equal(['DOCS-1']);
    const b = act.act.lines.find((l) => l.invoiceLineId === 'b')!;
    expect(b).to.include({ decision: 'PAID', withheldAmount: 0 });
    expect(b.defectCode).to.equal(undefined);
    expect(act.act.totals).to.deep.equal({ claimed: 150_000, paid: 150_000, withheld: 0 });
    const cases = await c('insurer').call<{ items: Array<{ answers: Array<{ invoiceLineIds: string[] }> }> }>(
      'GET',
      '/v1/documentation-requests',
    );
    expect(cases.body.items[0]!.answers.map((x) => x.invoiceLineIds)).to.deep.equal([['b']]);
    // The answer was accepted on arrival; the act the expert sends cites it.
    const sentAct = await wf('insurer').sendAct(invoiceId, { name: 'Смирнова Ольга Петровна' });
    expect(sentAct.act.documentation).to.deep.equal(['DOCS-1']);
  });

  async function login(username: string) {
    const res = await fetch(`${w.server('insurer').url}/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(res.status).to.equal(200);
    return String(res.headers.get('set-cookie')).split(';')[0] as string;
  }

  it('opens the documentation to the expert alone (not the operator, not the admin), each opening in the audit log', async () => {
    const url = `${w.server('insurer').url}/v1/documents/${encodeURIComponent(answerId)}`;
    for (const who of ['op', 'boss']) {
      const cookie = await login(who);
      for (const sub of ['', '/xlsx', '/evidence']) {
        const res = await fetch(url + sub, { headers: { Cookie: cookie } });
        expect(res.status, `${who} ${sub}`).to.equal(403);
        expect(((await res.json()) as { code: string }).code).to.equal('FORBIDDEN_ROLE');
      }
    }
    const res = await fetch(url, { headers: { Cookie: await login('exp') } });
    expect(res.status).to.equal(200);
    const view = (await res.json()) as { document: DmsDocument; audit: Array<Json> };
    expect(view.document.header.type).to.equal('medical-documentation');
    const opened = view.audit.filter((a) => a.action === 'documentation.open');
    expect(opened.map((a) => [a.user, (a.detail as Json).refused ?? false])).to.deep.include.members([
      ['op', true],
      ['boss', true],
      ['exp', false],
    ]);
  });

  it('refuses documentation that answers no request of this insurer (DOCS_ANSWER_FOREIGN)', async () => {
    const fake = answer('NO-SUCH-REQUEST', { requestNumber: 'X-1', invoiceId: 'INV-D-1' }, 'DOCS-FAKE');
    // The ledger refuses a reply to a message the clinic never received; a document without replyToId reaches the
    // insurer, whose gateway refuses it as answering nothing it asked.
    delete (fake.header as { replyToId?: string }).replyToId;
    const r = await c('clinic').call('POST', '/v1/documents', fake);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    // The status may come before the insurer's reply with its reasons: wait for both.
    const refused = await c('clinic').waitFor<{
      record: { status: string; reply?: { errors: Array<{ pointer: string; code: string }> } };
    }>('/v1/documents/DOCS-FAKE', (_s, b) => b.record?.status === 'REJECTED' && !!b.record.reply);
    expect(refused.record.reply?.errors.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/header/replyToId', 'DOCS_ANSWER_FOREIGN'],
    ]);
  });
});
