import { expect } from 'chai';
import { generateDocument, type DmsDocument } from '@dmsnet/formats';
import { isPriorAuthOverdue, type PriorAuthCase } from '../../../gateway/src/workflows/index.js';
import { requestPatient, useWorkflowNetwork } from '../fixtures/workflow-network.js';

type Case = PriorAuthCase & { overdue?: boolean };
type Sent = { record: { status: string }; case: Case };
type Refusal = { code: string; errors?: Array<{ pointer: string; code: string }> };
type DocView = {
  document?: DmsDocument;
  record: { status: string; lastError?: { code: string }; reply?: { errors: Refusal['errors'] } };
};
const MINUTE = 60_000;
const PRICES: Record<string, number> = { 'A05.04.001': 850000, 'B01.023.001': 250000 };

// Guarantee-letter requests (prior authorisation) through real gateways over HTTP on the embedded ledger; every
// response is checked against the OpenAPI contract (decision record 0054).
describe('guarantee-letter requests (prior authorisation; real nodes, HTTP, embedded ledger)', function () {
  this.timeout(120_000);
  const w = useWorkflowNetwork('pa', {
    // The insurer answers planned requests within ten hours, whatever a clinic asks for (decision record 0062).
    priorAuthDeadlines: (p) => (p.role === 'insurer' ? { default: { planned: 600 } } : undefined),
  });
  const c = w.client;
  const patient = requestPatient();
  let clinic: string;
  before(() => {
    clinic = w.id('clinic');
  });

  const request = (requestNumber: string, urgency: string, extra: Record<string, unknown> = {}) => ({
    payer: w.net.get('insurer').id,
    requestNumber,
    urgency,
    patient,
    diagnosis: 'M23.2',
    justification: 'Боль в коленном суставе 3 месяца, лечение без эффекта; показана МРТ и консультация',
    plannedPeriod: { from: '2026-12-10', to: '2026-12-31' },
    services: [
      { serviceCode: 'A05.04.001', quantity: 1 },
      { serviceCode: 'B01.023.001', quantity: 2 },
    ],
    attachmentsToFollow: 'Заключение травматолога, рентгенограмма',
    ...extra,
  });
  const casePath = (number: string, of = clinic) =>
    `/v1/prior-auth-requests/${of}/${encodeURIComponent(number)}`;
  const until = (who: string, number: string, state: string) =>
    c(who).waitFor<Case>(casePath(number), (s, b) => s === 200 && b.state === state);
  const document = (who: string, id: string, done: (b: DocView) => boolean) =>
    c(who).waitFor<DocView>(`/v1/documents/${id}`, (s, b) => s === 200 && done(b));

  it('refuses to ask before the payer accepted a price list, then prices the services from the accepted one', async () => {
    const early = await c('clinic').call<Refusal>(
      'POST',
      '/v1/prior-auth-requests',
      request('ЗГП-1', 'urgent'),
    );
    expect([early.status, early.body.code]).to.deep.equal([422, 'PA_NOT_PRICED']);
    expect(early.body.errors?.map((e) => e.pointer)).to.deep.equal([
      '/body/services/0/serviceCode',
      '/body/services/1/serviceCode',
    ]);

    const pl = structuredClone(
      generateDocument('price-list', {
        seed: 21,
        rows: 1,
        sender: w.net.get('clinic').party,
        addressee: w.net.get('insurer').party,
      }),
    );
    pl.body.validity = { from: '2020-01-01' };
    pl.body.lines = Object.entries(PRICES).map(([serviceCode, price], i) => ({
      rowId: String(i + 1),
      serviceCode,
      name: `Услуга ${serviceCode}`,
      price,
    }));
    expect((await c('clinic').call('POST', '/v1/documents', pl)).status).to.equal(202);
    await document('insurer', pl.header.documentId, () => true);
    expect(
      (await c('insurer').call('POST', `/v1/price-lists/${pl.header.documentId}/accept`, {})).status,
    ).to.equal(200);
    await document('clinic', pl.header.documentId, (b) => b.record.status === 'ACCEPTED');

    const before = Date.now();
    const sent = await c('clinic').call<Sent>('POST', '/v1/prior-auth-requests', request('ЗГП-1', 'urgent'));
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    const r = sent.body.case.request;
    expect(
      r.lines.map((l) => [l.serviceCode, l.quantity, l.unitPrice, l.amount, l.priceListRef?.rowId]),
    ).to.deep.equal([
      ['A05.04.001', 1, 850000, 850000, '1'],
      ['B01.023.001', 2, 250000, 500000, '2'],
    ]);
    expect(r.totalAmount).to.equal(1_350_000);
    // Urgent: the payer has four hours by default.
    expect(Date.parse(sent.body.case.respondBy)).to.be.within(
      before + 240 * MINUTE - 5000,
      Date.now() + 240 * MINUTE + 5000,
    );
    const arrived = await until('insurer', 'ЗГП-1', 'submitted');
    expect(arrived.request.justification).to.match(/показана МРТ/);
    expect(arrived.dueAt).to.equal(sent.body.case.respondBy);

    // The payer's queue: nearest deadline first.
    expect(
      (await c('clinic').call('POST', '/v1/prior-auth-requests', request('ЗГП-2', 'emergency'))).status,
    ).to.equal(202);
    expect(
      (await c('clinic').call('POST', '/v1/prior-auth-requests', request('ЗГП-3', 'planned'))).status,
    ).to.equal(202);
    await until('insurer', 'ЗГП-2', 'submitted');
    const askedAt = Date.now();
    const planned = await until('insurer', 'ЗГП-3', 'submitted');
    // The clinic asked for two days; the insurer's gateway holds it to its own ten hours.
    expect(Date.parse(planned.request.respondBy)).to.be.greaterThan(askedAt + 40 * 60 * MINUTE);
    expect(Date.parse(planned.dueAt)).to.be.within(askedAt - 60_000, Date.now() + 600 * MINUTE);
    expect(Date.parse(planned.dueAt)).to.be.greaterThan(askedAt + 590 * MINUTE);
    const queue = await c('insurer').call<{ items: Case[] }>(
      'GET',
      '/v1/prior-auth-requests?state=submitted',
    );
    expect(queue.body.items.map((x) => x.requestNumber)).to.deep.equal(['ЗГП-2', 'ЗГП-1', 'ЗГП-3']);
    const again = await c('clinic').call<Refusal>(
      'POST',
      '/v1/prior-auth-requests',
      request('ЗГП-1', 'urgent'),
    );
    expect([again.status, again.body.code]).to.deep.equal([409, 'PA_REQUEST_EXISTS']);
  });

  it('refuses a malformed request naming the field', async () => {
    const r = await c('clinic').call<{ errors: Array<{ pointer: string }> }>(
      'POST',
      '/v1/prior-auth-requests',
      request('ЗГП-9', 'soon', { justification: '' }),
    );
    expect(r.status).to.equal(400);
    expect(r.body.errors.map((e) => e.pointer)).to.include.members(['/body/urgency', '/body/justification']);
    // Only a clinic asks; only a payer answers.
    const asks = await c('insurer').call<Refusal>(
      'POST',
      '/v1/prior-auth-requests',
      request('ЗГП-9', 'planned'),
    );
    expect([asks.status, asks.body.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
  });

  it('the payer pends for information, the clinic sends it, the payer issues the letter naming the request', async () => {
    const pended = await c('insurer').call<Sent>('POST', `${casePath('ЗГП-1')}/pend`, {
      informationWanted: 'Выписка из амбулаторной карты за 6 месяцев',
      informationDueBy: '2030-01-01T09:00:00Z',
    });
    expect(pended.status, JSON.stringify(pended.body)).to.equal(202);
    const p = await until('clinic', 'ЗГП-1', 'pended');
    expect(p.response?.informationWanted).to.equal('Выписка из амбулаторной карты за 6 месяцев');
    expect(p.dueAt, 'now the clinic’s clock runs').to.equal('2030-01-01T09:00:00.000Z');
    // A pend asks once; then the payer decides.
    const twice = await c('insurer').call<Refusal>('POST', `${casePath('ЗГП-1')}/pend`, {
      informationWanted: 'Ещё',
    });
    expect([twice.status, twice.body.code]).to.deep.equal([409, 'PA_TRANSITION_INVALID']);

    const supplied = await c('clinic').call<Sent>('POST', `${casePath('ЗГП-1')}/information`, {
      additionalInformation: 'Выписка направлена отдельным письмом 02.12; лечение НПВС 8 недель без эффекта',
    });
    expect(supplied.status, JSON.stringify(supplied.body)).to.equal(202);
    const back = await c('insurer').waitFor<Case>(
      casePath('ЗГП-1'),
      (_s, b) => b.state === 'submitted' && !!b.request.additionalInformation,
    );
    expect(back.requestId).to.equal(supplied.body.case.requestId);

    const certified = await c('insurer').call<Sent>('POST', `${casePath('ЗГП-1')}/certify`, {
      letterNumber: 'ГП-2026-0501',
    });
    expect(certified.status, JSON.stringify(certified.body)).to.equal(202);
    const done = await until('clinic', 'ЗГП-1', 'certified');
    expect(done.letterNumber).to.equal('ГП-2026-0501');
    expect(done.history.map((h) => `${h.by}:${h.state}`)).to.deep.equal([
      'clinic:submitted',
      'payer:pended',
      'clinic:submitted',
      'payer:certified',
    ]);
    // The letter is the existing type, naming the request's latest version, and the clinic keeps it as a letter.
    const letter = await document('clinic', done.letterId as string, (b) => b.record.status === 'ACCEPTED');
    expect(letter.document?.header.replyToId).to.equal(back.requestId);
    expect(letter.document?.body.amountLimit).to.equal(1_350_000);
    const letters = await c('clinic').call<{ items: Array<{ letter: { letterNumber: string } }> }>(
      'GET',
      '/v1/guarantee-letters',
    );
    expect(letters.body.items.map((l) => l.letter.letterNumber)).to.include('ГП-2026-0501');
    const late = await c('clinic').call<Refusal>('POST', `${casePath('ЗГП-1')}/withdraw`, { reason: 'нет' });
    expect([late.status, late.body.code]).to.deep.equal([409, 'PA_TRANSITION_INVALID']);
  });

  it('the payer refuses with a reason; the clinic withdraws another and the payer can no longer certify it', async () => {
    expect(
      (
        await c('insurer').call('POST', `${casePath('ЗГП-2')}/refuse`, {
          reason: 'МРТ не входит в программу «Базовая»',
        })
      ).status,
    ).to.equal(202);
    const refused = await until('clinic', 'ЗГП-2', 'not-certified');
    expect(refused.response?.reason).to.equal('МРТ не входит в программу «Базовая»');

    expect(
      (await c('clinic').call('POST', `${casePath('ЗГП-3')}/withdraw`, { reason: 'Пациент отказался' }))
        .status,
    ).to.equal(202);
    const w = await until('insurer', 'ЗГП-3', 'withdrawn');
    expect(w.request.cancellationReason).to.equal('Пациент отказался');
    const r = await c('insurer').call<Refusal>('POST', `${casePath('ЗГП-3')}/certify`, {
      letterNumber: 'ГП-X',
    });
    expect([r.status, r.body.code]).to.deep.equal([409, 'PA_TRANSITION_INVALID']);
    // Lateness is the running clock's: the payer's while submitted, nobody's once decided.
    expect(isPriorAuthOverdue({ ...w, state: 'submitted' }, Date.parse(w.dueAt) + MINUTE)).to.equal(true);
    expect(isPriorAuthOverdue(w, Date.parse(w.dueAt) + MINUTE)).to.equal(false);
  });

  it('hostile: another clinic cannot reach a request; a letter or answer naming another clinic’s request is refused', async () => {
    expect(
      (await c('clinic').call('POST', '/v1/prior-auth-requests', request('ЗГП-4', 'planned'))).status,
    ).to.equal(202);
    const mine = await until('insurer', 'ЗГП-4', 'submitted');
    // The other clinic holds no such case and cannot add information to it.
    const guess = await c('other').call<Refusal>('POST', `${casePath('ЗГП-4')}/information`, {
      additionalInformation: 'подмена',
    });
    expect([guess.status, guess.body.code]).to.deep.equal([404, 'NOT_FOUND']);

    // The insurer writes a letter to the other clinic naming this clinic's request: the ledger reads the answered
    // message as the other clinic's, and it sent none such.
    const stray = structuredClone(
      generateDocument('guarantee-letter', {
        seed: 31,
        sender: w.net.get('insurer').party,
        addressee: w.net.get('other').party,
      }),
    );
    stray.header.replyToId = mine.requestId;
    expect((await c('insurer').call('POST', '/v1/documents', stray)).status).to.equal(202);
    const failed = await document('insurer', stray.header.documentId, (b) => b.record.status === 'FAILED');
    expect(failed.record.lastError?.code).to.equal('REPLY_TARGET_UNKNOWN');

    // The same for a refusal addressed to the other clinic.
    const answer = structuredClone(
      generateDocument('prior-auth-response', {
        seed: 32,
        sender: w.net.get('insurer').party,
        addressee: w.net.get('other').party,
      }),
    );
    answer.header.replyToId = mine.requestId;
    answer.body.requestNumber = 'ЗГП-4';
    expect((await c('insurer').call('POST', '/v1/documents', answer)).status).to.equal(202);
    const failed2 = await document('insurer', answer.header.documentId, (b) => b.record.status === 'FAILED');
    expect(failed2.record.lastError?.code).to.equal('REPLY_TARGET_UNKNOWN');

    // A letter to this clinic naming one of its documents that is no request (its price list): its gateway refuses it.
    const priceLists = await c('clinic').call<{ items: Array<{ messageId: string }> }>(
      'GET',
      '/v1/outbox?type=price-list',
    );
    const plId = (priceLists.body.items[0] as { messageId: string }).messageId.split(':').slice(1).join(':');
    const crossed = structuredClone(
      generateDocument('guarantee-letter', {
        seed: 33,
        sender: w.net.get('insurer').party,
        addressee: w.net.get('clinic').party,
      }),
    );
    crossed.header.replyToId = plId;
    expect((await c('insurer').call('POST', '/v1/documents', crossed)).status).to.equal(202);
    const rejected = await document(
      'insurer',
      crossed.header.documentId,
      (b) => b.record.status === 'REJECTED' && !!b.record.reply,
    );
    expect(rejected.record.reply?.errors?.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/header/replyToId', 'PA_ANSWER_FOREIGN'],
    ]);
    expect((await c('clinic').call<Case>('GET', casePath('ЗГП-4'))).body.state).to.equal('submitted');
  });

  it('every move of a request reaches the clinic’s event stream (SSE) as prior-auth.changed', async () => {
    const res = await fetch(`${c('clinic').url}/v1/events`, {
      headers: { Authorization: 'Bearer t-clinic' },
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !/"status":"certified"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    await reader.cancel();
    for (const state of ['submitted', 'pended', 'certified', 'not-certified', 'withdrawn'])
      expect(text).to.match(
        new RegExp(`event: prior-auth\\.changed\\ndata: [^\\n]*"status":"${state}"`),
        state,
      );
  });
});
