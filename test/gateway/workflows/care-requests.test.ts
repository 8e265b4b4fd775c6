import { expect } from 'chai';
import { generateDocument } from '@dmsnet/formats';
import { isOverdue, type CareCase } from '../../../gateway/src/workflows/index.js';
import { requestPatient, useWorkflowNetwork } from '../fixtures/workflow-network.js';

type Case = CareCase & { overdue?: boolean };
type Sent = { record: { status: string }; case: Case };
const MINUTE = 60_000;

// Care requests and appointments through real gateways over HTTP on the embedded ledger; every response is checked
// against the OpenAPI contract (decision record 0047).
describe('care requests and appointments (real nodes, HTTP, embedded ledger)', function () {
  this.timeout(120_000);
  const w = useWorkflowNetwork('care', {
    // The insurer's own terms: urgent requests are answered within 30 minutes, not the default hour.
    // The clinic agreed with this insurer to answer planned requests within two hours (decision record 0062).
    careDeadlines: (p, all) =>
      p.role === 'insurer'
        ? { byInsurer: { [p.id]: { urgent: 30 } } }
        : p.role === 'clinic'
          ? { byInsurer: { [all.find((x) => x.role === 'insurer')?.id ?? '']: { planned: 120 } } }
          : undefined,
  });
  const c = w.client;
  const patient = requestPatient();
  let insurer: string;
  before(() => {
    insurer = w.id('insurer');
  });

  const request = (requestNumber: string, urgency: string, extra: Record<string, unknown> = {}) => ({
    clinic: w.net.get('clinic').id,
    requestNumber,
    urgency,
    patient,
    complaint: 'Давящая боль за грудиной при нагрузке',
    specialty: 'врач-кардиолог',
    services: [{ serviceCode: 'B01.015.001' }],
    wishedPeriod: { from: '2026-12-03', to: '2026-12-05' },
    letterToFollow: true,
    ...extra,
  });
  const casePath = (number: string) => `/v1/care-requests/${insurer}/${encodeURIComponent(number)}`;
  const until = (who: string, number: string, state: string) =>
    c(who).waitFor<Case>(casePath(number), (s, b) => s === 200 && b.state === state);

  it('sends a request with its deadline by urgency and the insurer’s terms; the clinic lists the nearest deadline first', async () => {
    const before = Date.now();
    const sent = await c('insurer').call<Sent>('POST', '/v1/care-requests', request('ЗМП-1', 'urgent'));
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    expect(sent.body.case.state).to.equal('proposed');
    const due = Date.parse(sent.body.case.respondBy);
    // The insurer's 30 minutes, not the default hour.
    expect(due).to.be.within(before + 30 * MINUTE - 5000, Date.now() + 30 * MINUTE + 5000);
    const planned: Sent[] = [];
    for (const [n, u] of [
      ['ЗМП-2', 'planned'],
      ['ЗМП-3', 'emergency'],
    ] as const) {
      const r = await c('insurer').call<Sent>('POST', '/v1/care-requests', request(n, u));
      expect(r.status).to.equal(202);
      planned.push(r.body);
    }
    const sentPlanned = Date.now();
    const atClinic = await until('clinic', 'ЗМП-2', 'proposed');
    // The sender asked for a day; the clinic's gateway holds it to the two hours agreed with this insurer.
    expect(Date.parse(planned[0].case.respondBy)).to.be.greaterThan(sentPlanned + 23 * 60 * MINUTE);
    expect(Date.parse(atClinic.respondBy)).to.be.within(
      sentPlanned + 120 * MINUTE - 5000,
      Date.now() + 120 * MINUTE,
    );
    await until('clinic', 'ЗМП-3', 'proposed');
    const arrived = await until('clinic', 'ЗМП-1', 'proposed');
    expect(arrived.request.complaint).to.equal('Давящая боль за грудиной при нагрузке');
    expect(arrived.respondBy).to.equal(sent.body.case.respondBy);
    const queue = await c('clinic').call<{ items: Case[] }>('GET', '/v1/care-requests?state=proposed');
    // Emergency (15 min), then urgent (30), then planned (two hours at this clinic).
    expect(queue.body.items.map((x) => x.requestNumber)).to.deep.equal(['ЗМП-3', 'ЗМП-1', 'ЗМП-2']);
    expect(queue.body.items.every((x) => x.overdue === false)).to.equal(true);
    // A number is used once.
    const again = await c('insurer').call<{ code: string }>(
      'POST',
      '/v1/care-requests',
      request('ЗМП-1', 'urgent'),
    );
    expect([again.status, again.body.code]).to.deep.equal([409, 'CARE_REQUEST_EXISTS']);
  });

  it('refuses a malformed request naming the field and the rule', async () => {
    const r = await c('insurer').call<{ errors: Array<{ pointer: string }> }>(
      'POST',
      '/v1/care-requests',
      request('ЗМП-9', 'soon'),
    );
    expect(r.status).to.equal(400);
    expect(r.body.errors.map((e) => e.pointer)).to.include('/body/urgency');
    // The format's own rule, checked when the document is built: a letter and «the letter follows» at once.
    const both = await c('insurer').call<{ errors: Array<{ pointer: string; code: string }> }>(
      'POST',
      '/v1/care-requests',
      request('ЗМП-10', 'planned', { guaranteeLetter: { letterNumber: 'ГП-1' } }),
    );
    expect(both.status).to.equal(422);
    expect(both.body.errors.map((e) => [e.pointer, e.code])).to.deep.include([
      '/body/letterToFollow',
      'CARE_LETTER_BOTH',
    ]);
  });

  it('the clinic books; the insurer sees the slot; the insurer moves the dates, the clinic books again, the visit closes it', async () => {
    const slot = {
      start: '2026-12-03T10:00:00+03:00',
      end: '2026-12-03T10:30:00+03:00',
      doctor: { name: 'Смирнов Андрей Петрович', specialty: 'врач-кардиолог' },
      address: 'г. Москва, ул. Примерная, д. 1, кабинет 312',
      instructions: 'Паспорт, полис ДМС, ЭКГ, если делали',
    };
    const booked = await c('clinic').call<Sent>('POST', `${casePath('ЗМП-1')}/book`, slot);
    expect(booked.status, JSON.stringify(booked.body)).to.equal(202);
    const seen = await until('insurer', 'ЗМП-1', 'booked');
    expect(seen.appointment?.doctor?.name).to.equal('Смирнов Андрей Петрович');
    expect(seen.appointment?.start).to.equal(slot.start);

    const moved = await c('insurer').call<Sent>('POST', `${casePath('ЗМП-1')}/change`, {
      wishedPeriod: { from: '2026-12-07', to: '2026-12-08' },
      wishedTime: 'после 18:00',
    });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(202);
    const back = await c('clinic').waitFor<Case>(
      casePath('ЗМП-1'),
      (_s, b) => b.state === 'proposed' && b.request.wishedTime === 'после 18:00',
    );
    expect(back.request.wishedPeriod).to.deep.equal({ from: '2026-12-07', to: '2026-12-08' });
    expect(back.appointment, 'the old slot no longer stands').to.equal(undefined);
    expect(back.appointmentId, 'the next answer corrects the last one').to.equal(
      booked.body.case.appointmentId,
    );
    expect(
      (
        await c('clinic').call('POST', `${casePath('ЗМП-1')}/book`, {
          ...slot,
          start: '2026-12-07T18:30:00+03:00',
          end: undefined,
        })
      ).status,
    ).to.equal(202);
    await c('insurer').waitFor<Case>(
      casePath('ЗМП-1'),
      (_s, b) => b.appointment?.start === '2026-12-07T18:30:00+03:00',
    );
    expect(
      (await c('clinic').call('POST', `${casePath('ЗМП-1')}/close`, { status: 'fulfilled' })).status,
    ).to.equal(202);
    const done = await until('insurer', 'ЗМП-1', 'fulfilled');
    expect(done.history.map((h) => `${h.by}:${h.state}`)).to.deep.equal([
      'payer:proposed',
      'clinic:booked',
      'payer:proposed',
      'clinic:booked',
      'clinic:fulfilled',
    ]);
    // Nothing follows a visit.
    const late = await c('insurer').call<{ code: string }>('POST', `${casePath('ЗМП-1')}/cancel`, {
      reason: 'Передумали',
    });
    expect([late.status, late.body.code]).to.deep.equal([409, 'CARE_TRANSITION_INVALID']);
  });

  it('the clinic declines with a reason; the insurer cancels another case and the clinic sees it cancelled', async () => {
    const declined = await c('clinic').call<Sent>('POST', `${casePath('ЗМП-2')}/decline`, {
      reason: 'Кардиолог в отпуске до 15.12',
    });
    expect(declined.status).to.equal(202);
    const d = await until('insurer', 'ЗМП-2', 'declined');
    expect(d.appointment?.reason).to.equal('Кардиолог в отпуске до 15.12');
    expect(
      (await c('insurer').call('POST', `${casePath('ЗМП-3')}/cancel`, { reason: 'Пациент госпитализирован' }))
        .status,
    ).to.equal(202);
    const x = await until('clinic', 'ЗМП-3', 'cancelled');
    expect(x.request.cancellationReason).to.equal('Пациент госпитализирован');
    // A cancelled case is not booked.
    const r = await c('clinic').call<{ code: string }>('POST', `${casePath('ЗМП-3')}/book`, {
      start: '2026-12-03T10:00:00+03:00',
      doctor: { name: 'Смирнов А. П.' },
      address: 'кабинет 312',
    });
    expect([r.status, r.body.code]).to.deep.equal([409, 'CARE_TRANSITION_INVALID']);
    // The payer's follow-up: nothing is overdue yet; the rule itself, an hour later.
    const overdue = await c('insurer').call<{ items: Case[] }>('GET', '/v1/care-requests?overdue=true');
    expect(overdue.body.items).to.deep.equal([]);
    expect(isOverdue({ ...x, state: 'proposed' }, Date.parse(x.respondBy) + MINUTE)).to.equal(true);
    expect(isOverdue(x, Date.parse(x.respondBy) + MINUTE)).to.equal(false);
  });

  it('hostile: a clinic answering a request addressed to another clinic is refused by the ledger, and a foreign answer by the insurer’s gateway', async () => {
    expect(
      (await c('insurer').call('POST', '/v1/care-requests', request('ЗМП-4', 'planned'))).status,
    ).to.equal(202);
    const mine = await until('clinic', 'ЗМП-4', 'proposed');
    // The other clinic has no such case.
    const guess = await c('other').call<{ code: string }>('POST', `${casePath('ЗМП-4')}/decline`, {
      reason: 'нет',
    });
    expect([guess.status, guess.body.code]).to.deep.equal([404, 'NOT_FOUND']);
    // It writes the appointment itself, naming the request it saw nowhere but guessed: the ledger refuses it.
    const forged = structuredClone(
      generateDocument('appointment', {
        seed: 4,
        sender: w.net.get('other').party,
        addressee: w.net.get('insurer').party,
      }),
    );
    forged.header.replyToId = mine.requestId;
    forged.body.requestNumber = 'ЗМП-4';
    expect((await c('other').call('POST', '/v1/documents', forged)).status).to.equal(202);
    const failed = await c('other').waitFor<{ record: { status: string; lastError?: { code: string } } }>(
      `/v1/documents/${forged.header.documentId}`,
      (_s, b) => b.record?.status === 'FAILED',
    );
    expect(failed.record.lastError?.code).to.equal('REPLY_NOT_ADDRESSEE');
    // The addressee clinic answering one case with another case's number: its own insurer's gateway refuses it.
    const crossed = structuredClone(
      generateDocument('appointment', {
        seed: 5,
        sender: w.net.get('clinic').party,
        addressee: w.net.get('insurer').party,
      }),
    );
    crossed.header.replyToId = mine.requestId;
    crossed.body.requestNumber = 'ЗМП-2';
    expect((await c('clinic').call('POST', '/v1/documents', crossed)).status).to.equal(202);
    const refused = await c('clinic').waitFor<{
      record: { status: string; reply?: { errors: Array<{ pointer: string; code: string }> } };
    }>(
      `/v1/documents/${crossed.header.documentId}`,
      (_s, b) => b.record?.status === 'REJECTED' && !!b.record.reply,
    );
    expect(refused.record.reply?.errors.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/header/replyToId', 'CARE_ANSWER_FOREIGN'],
    ]);
    expect((await c('insurer').call<Case>('GET', casePath('ЗМП-4'))).body.state).to.equal('proposed');
    expect((await c('insurer').call<Case>('GET', casePath('ЗМП-2'))).body.state).to.equal('declined');
  });

  it('every change reaches the payer’s event stream (SSE) as a document of the case', async () => {
    const res = await fetch(`${c('insurer').url}/v1/events`, {
      headers: { Authorization: 'Bearer t-insurer' },
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (text.match(/"documentType":"appointment"/g) ?? []).length < 5) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    await reader.cancel();
    // booked, booked again, fulfilled, declined of the four cases, and the refused foreign one.
    expect(
      (text.match(/event: document\.received\ndata: [^\n]*"documentType":"appointment"/g) ?? []).length,
    ).to.be.at.least(4);
    expect(text).to.match(
      /event: document\.rejected\ndata: [^\n]*"documentType":"appointment"[^\n]*"status":"REJECTED"/,
    );
    expect(text).to.match(/event: status\.changed\ndata: [^\n]*"documentType":"care-request"/);
  });
});
