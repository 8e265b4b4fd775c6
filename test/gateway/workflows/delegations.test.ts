import { expect } from 'chai';
import { generateDocument } from '@dmsnet/formats';
import { SMALL_NETWORK } from '../fixtures/network.js';
import { requestPatient, useWorkflowNetwork } from '../fixtures/workflow-network.js';

type Json = Record<string, unknown>;
type Refusal = { code: string; errors: Array<{ pointer: string; code: string }> };

// An assistance company acting for an insurer through real gateways over HTTP on the embedded ledger; every response
// is checked against the OpenAPI contract (decision record 0055).
describe('an assistance company acting for an insurer (real nodes, HTTP, embedded ledger)', function () {
  this.timeout(180_000);
  const w = useWorkflowNetwork('dlg', {
    participants: [
      ...SMALL_NETWORK,
      { key: 'insurer2', role: 'insurer', name: 'АО «СК Вторая»', mspId: 'InsurerMSP', viaAttribute: true },
      {
        key: 'assistance',
        role: 'assistance',
        name: 'АО «Ассистанс»',
        mspId: 'InsurerMSP',
        viaAttribute: true,
      },
    ],
  });
  const c = w.client;
  const id = w.id;

  const terms = (extra: Json = {}) => ({
    id: 'DLG-1',
    agent: id('assistance'),
    sends: ['care-request', 'guarantee-letter', 'expertise-act'],
    receives: ['invoice'],
    validFrom: '2020-01-01',
    ...extra,
  });
  let seq = 0;
  const doc = (type: 'guarantee-letter' | 'invoice', from: string, to: string, onBehalfOf?: string) => {
    const d = structuredClone(generateDocument(type, { seed: 40 + ++seq })) as unknown as {
      header: Json;
      body: Json;
    };
    d.header = {
      ...d.header,
      documentId: `${type}-dlg-${seq}`,
      sender: { ogrn: id(from) },
      addressee: { ogrn: id(to) },
      ...(onBehalfOf ? { onBehalfOf: id(onBehalfOf) } : {}),
    };
    return d;
  };
  const inboxOf = (who: string, messageId: string) =>
    c(who).waitFor<{ items: Json[] }>(
      '/v1/inbox?limit=200',
      (s, b) => s === 200 && b.items.some((r) => r.messageId === messageId),
    );

  it('lets only an insurer delegate, naming the field at fault; anyone lists the delegations in force', async () => {
    const clinic = await c('clinic').call<Refusal>('POST', '/v1/delegations', terms());
    expect([clinic.status, clinic.body.code]).to.deep.equal([403, 'DELEGATION_NOT_PRINCIPAL']);
    const toClinic = await c('insurer').call<Refusal>(
      'POST',
      '/v1/delegations',
      terms({ agent: id('clinic') }),
    );
    expect([toClinic.status, toClinic.body.code]).to.deep.equal([422, 'DELEGATION_AGENT_INVALID']);
    // A type that is not one an insurer sends to a clinic is refused by the request's shape, at its index.
    for (const sends of [['bogus'], ['invoice']]) {
      const bad = await c('insurer').call<Refusal>('POST', '/v1/delegations', terms({ sends }));
      expect([bad.status, bad.body.code], JSON.stringify(bad.body)).to.deep.equal([400, 'REQUEST_INVALID']);
      expect(bad.body.errors.map((e) => e.pointer)).to.include('/body/sends/0');
    }
    // What only the ledger judges comes back with its field in errors too, where the caller put it.
    const late = await c('insurer').call<Refusal>(
      'POST',
      '/v1/delegations',
      terms({ validFrom: '2026-05-01', validUntil: '2026-04-30' }),
    );
    expect([late.status, late.body.code]).to.deep.equal([422, 'INVALID_ARGUMENT']);
    expect(late.body.errors).to.deep.equal([
      { pointer: '/body/validUntil', code: 'INVALID_ARGUMENT', message: 'must not be before validFrom' },
    ]);
    const shape = await c('insurer').call<Refusal>('POST', '/v1/delegations', terms({ validFrom: 'вчера' }));
    expect([shape.status, shape.body.errors[0]?.pointer]).to.deep.equal([400, '/body/validFrom']);
    const ok = await c('insurer').call<Json>('POST', '/v1/delegations', terms());
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body).to.include({ principal: id('insurer'), agent: id('assistance'), status: 'ACTIVE' });
    const listed = await c('clinic').call<{ items: Json[] }>(
      'GET',
      `/v1/delegations?party=${id('assistance')}`,
    );
    expect(listed.body.items.map((d) => d.id)).to.deep.equal(['DLG-1']);
  });

  it('carries a guarantee letter sent on the insurer’s behalf to the clinic, which sees for whom it came', async () => {
    const sent = await c('assistance').call<Json>(
      'POST',
      '/v1/documents',
      doc('guarantee-letter', 'assistance', 'clinic', 'insurer'),
    );
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    expect(sent.body.onBehalfOf).to.equal(id('insurer'));
    const inbox = await inboxOf('clinic', String(sent.body.messageId));
    const rec = inbox.items.find((r) => r.messageId === sent.body.messageId) as Json;
    expect(rec).to.include({ sender: id('assistance'), onBehalfOf: id('insurer') });
    expect(rec.rejection).to.equal(undefined);
  });

  it('refuses an assistance company acting for an insurer that did not delegate to it, at the gateway (hostile)', async () => {
    const r = await c('assistance').call<Refusal>(
      'POST',
      '/v1/documents',
      doc('guarantee-letter', 'assistance', 'clinic', 'insurer2'),
    );
    expect([r.status, r.body.code]).to.deep.equal([422, 'DELEGATION_NOT_IN_FORCE']);
    expect(r.body.errors[0]).to.include({ pointer: '/header/onBehalfOf', code: 'DELEGATION_NOT_IN_FORCE' });
  });

  it('sends the clinic’s invoice for the insurer to the assistance company; the insurer lists what was done in its name', async () => {
    const sent = await c('clinic').call<Json>('POST', '/v1/documents', doc('invoice', 'clinic', 'insurer'));
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    expect(sent.body).to.include({ addressee: id('assistance'), onBehalfOf: id('insurer') });
    await inboxOf('assistance', String(sent.body.messageId));
    const page = await c('insurer').waitFor<{ items: Json[] }>(
      '/v1/on-behalf',
      (s, b) => s === 200 && b.items.some((e) => e.messageId === sent.body.messageId),
    );
    expect(page.items.every((e) => e.onBehalfOf === id('insurer'))).to.equal(true);
    expect(page.items.map((e) => e.documentType).sort()).to.deep.equal(['guarantee-letter', 'invoice']);
  });

  it('fills onBehalfOf of a care request from the delegation the assistance company holds; asks when two insurers’ could apply', async () => {
    type Sent = { record: Json; case: Json };
    const patient = structuredClone(generateDocument('guarantee-letter', { seed: 3 }).body.patient);
    const care = (requestNumber: string, extra: Json = {}) => ({
      clinic: id('clinic'),
      requestNumber,
      urgency: 'urgent',
      patient,
      complaint: 'Боль в пояснице после падения',
      specialty: 'врач-невролог',
      letterToFollow: true,
      ...extra,
    });
    // One delegation covers care requests: the REST caller need not know for whom it acts.
    const implied = await c('assistance').call<Sent>('POST', '/v1/care-requests', care('АС-1'));
    expect(implied.status, JSON.stringify(implied.body)).to.equal(202);
    expect(implied.body.record.onBehalfOf).to.equal(id('insurer'));
    expect(implied.body.case).to.include({ insurer: id('insurer'), onBehalfOf: id('insurer') });
    const arrived = await inboxOf('clinic', String(implied.body.record.messageId));
    expect(arrived.items.find((r) => r.messageId === implied.body.record.messageId)).to.include({
      onBehalfOf: id('insurer'),
    });
    // A second insurer delegates care requests too: now the gateway cannot choose, and says where to.
    const second = await c('insurer2').call<Json>(
      'POST',
      '/v1/delegations',
      terms({ id: 'DLG-2', sends: ['care-request'], receives: [] }),
    );
    expect(second.status, JSON.stringify(second.body)).to.equal(201);
    const ambiguous = await c('assistance').call<Refusal>('POST', '/v1/care-requests', care('АС-2'));
    expect([ambiguous.status, ambiguous.body.code]).to.deep.equal([422, 'DELEGATION_AMBIGUOUS']);
    expect(ambiguous.body.errors[0]).to.include({
      pointer: '/body/onBehalfOf',
      code: 'DELEGATION_AMBIGUOUS',
    });
    // Naming the patient's insurer chooses; an explicit onBehalfOf still works.
    const named = await c('assistance').call<Sent>(
      'POST',
      '/v1/care-requests',
      care('АС-2', { insurer: id('insurer2') }),
    );
    expect([named.status, named.body.record.onBehalfOf]).to.deep.equal([202, id('insurer2')]);
    const explicit = await c('assistance').call<Sent>(
      'POST',
      '/v1/care-requests',
      care('АС-3', { onBehalfOf: id('insurer') }),
    );
    expect([explicit.status, explicit.body.record.onBehalfOf]).to.deep.equal([202, id('insurer')]);
    // Both reach the clinic before the second delegation ends (the ledger checks it when each is submitted).
    await inboxOf('clinic', String(named.body.record.messageId));
    await inboxOf('clinic', String(explicit.body.record.messageId));
    const revoked = await c('insurer2').call<Json>('POST', '/v1/delegations/DLG-2/revoke', {
      reason: 'проверка завершена',
    });
    expect(revoked.status).to.equal(200);
  });

  it('asks a clinic for care on the insurer’s behalf through the care route; both cases name the insurer, a new version keeps it', async () => {
    const request = (requestNumber: string, onBehalfOf: string) => ({
      clinic: id('clinic'),
      requestNumber,
      urgency: 'urgent',
      patient: requestPatient(),
      complaint: 'Температура 39, кашель третий день',
      specialty: 'врач-терапевт',
      onBehalfOf: id(onBehalfOf),
    });
    type Case = { state: string; insurer: string; onBehalfOf?: string; requestId: string };
    const sent = await c('assistance').call<{ record: Json; case: Case }>(
      'POST',
      '/v1/care-requests',
      request('ЗА-1', 'insurer'),
    );
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    expect(sent.body.record.onBehalfOf).to.equal(id('insurer'));
    expect(sent.body.case).to.include({ insurer: id('insurer'), onBehalfOf: id('insurer') });
    const path = `/v1/care-requests/${id('assistance')}/${encodeURIComponent('ЗА-1')}`;
    const atClinic = await c('clinic').waitFor<Case>(path, (s) => s === 200);
    expect(atClinic).to.include({ state: 'proposed', insurer: id('insurer'), onBehalfOf: id('insurer') });
    // New wishes are a new version of the request, sent on the insurer's behalf like the first.
    const changed = await c('assistance').call<{ record: Json; case: Case }>('POST', `${path}/change`, {
      wishedTime: 'после 18:00',
    });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(202);
    expect(changed.body.record.onBehalfOf).to.equal(id('insurer'));
    await c('clinic').waitFor<Case>(path, (s, b) => s === 200 && b.requestId === changed.body.case.requestId);
    // The insurer sees both versions among what was done in its name (envelopes only).
    const done = await c('insurer').call<{ items: Json[] }>('GET', '/v1/on-behalf');
    const versions = [sent.body.record.messageId, changed.body.record.messageId];
    expect(done.body.items.filter((e) => versions.includes(e.messageId))).to.have.length(2);
    // Hostile: an insurer that never delegated to this company; nothing is sent and no case is kept.
    const foreign = await c('assistance').call<Refusal>(
      'POST',
      '/v1/care-requests',
      request('ЗА-2', 'insurer2'),
    );
    expect([foreign.status, foreign.body.code]).to.deep.equal([422, 'DELEGATION_NOT_IN_FORCE']);
    const none = await c('assistance').call<Json>(
      'GET',
      `/v1/care-requests/${id('assistance')}/${encodeURIComponent('ЗА-2')}`,
    );
    expect(none.status).to.equal(404);
  });

  it('issues a guarantee letter on the insurer’s behalf through the letters route, priced from the clinic’s list; an amendment keeps the insurer', async () => {
    // The clinic's price list, accepted by the assistance company: the letter is priced from it.
    const pl = structuredClone(
      generateDocument('price-list', {
        seed: 47,
        rows: 1,
        sender: w.net.get('clinic').party,
        addressee: w.net.get('assistance').party,
      }),
    );
    pl.body.validity = { from: '2020-01-01' };
    pl.body.lines = [{ rowId: '1', serviceCode: 'B01.047.001', name: 'Приём терапевта', price: 250000 }];
    expect((await c('clinic').call('POST', '/v1/documents', pl)).status).to.equal(202);
    await c('assistance').waitFor(`/v1/documents/${pl.header.documentId}`, (s) => s === 200);
    const accepted = await c('assistance').call('POST', `/v1/price-lists/${pl.header.documentId}/accept`, {});
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    await c('clinic').waitFor<{ record: { status: string } }>(
      `/v1/documents/${pl.header.documentId}`,
      (s, b) => s === 200 && b.record.status === 'ACCEPTED',
    );
    const patient = requestPatient();
    const letter = {
      clinic: id('clinic'),
      letterNumber: 'ГП-А-1',
      patient,
      validity: { from: '2026-12-01', to: '2026-12-31' },
      amountLimit: 250000,
      services: [{ serviceCode: 'B01.047.001', quantity: 1 }],
      onBehalfOf: id('insurer'),
    };
    const issued = await c('assistance').call<{ record: Json }>('POST', '/v1/guarantee-letters', letter);
    expect(issued.status, JSON.stringify(issued.body)).to.equal(202);
    expect(issued.body.record.onBehalfOf).to.equal(id('insurer'));
    type Letters = { items: Array<{ onBehalfOf?: string; letter: { status: string } }> };
    const byPolicy = `/v1/guarantee-letters?policy=${encodeURIComponent(patient.policyNumber)}`;
    const atClinic = await c('clinic').waitFor<Letters>(byPolicy, (s, b) => s === 200 && b.items.length > 0);
    expect(atClinic.items[0]).to.include({ onBehalfOf: id('insurer') });
    // The amendment is a new version issued for the same insurer, without naming it again.
    const { onBehalfOf: _named, ...terms } = letter;
    const amended = await c('assistance').call<{ record: Json }>(
      'POST',
      `/v1/guarantee-letters/${encodeURIComponent('ГП-А-1')}/amend`,
      { ...terms, amountLimit: 500000, services: [{ serviceCode: 'B01.047.001', quantity: 2 }] },
    );
    expect(amended.status, JSON.stringify(amended.body)).to.equal(202);
    expect(amended.body.record.onBehalfOf).to.equal(id('insurer'));
    const mine = await c('assistance').call<Letters>('GET', byPolicy);
    expect(mine.body.items[0]).to.deep.include({ onBehalfOf: id('insurer') });
    expect(mine.body.items[0]?.letter.status).to.equal('amended');
  });

  it('revokes a delegation with its reason in the trail; the assistance company then acts no more', async () => {
    const revoked = await c('insurer').call<Json>(
      'POST',
      `/v1/delegations/${encodeURIComponent('DLG-1')}/revoke`,
      {
        reason: 'договор расторгнут',
      },
    );
    expect(revoked.status, JSON.stringify(revoked.body)).to.equal(200);
    const trail = await c('clinic').call<{ items: Json[] }>(
      'GET',
      `/v1/delegations/${id('insurer')}/${encodeURIComponent('DLG-1')}/history`,
    );
    expect(trail.body.items.map((d) => d.status)).to.deep.equal(['ACTIVE', 'REVOKED']);
    const inForce = await c('clinic').call<{ items: Json[] }>(
      'GET',
      `/v1/delegations?party=${id('insurer')}`,
    );
    expect(inForce.body.items).to.deep.equal([]);
    const r = await c('assistance').call<Refusal>(
      'POST',
      '/v1/documents',
      doc('guarantee-letter', 'assistance', 'clinic', 'insurer'),
    );
    expect([r.status, r.body.code]).to.deep.equal([422, 'DELEGATION_NOT_IN_FORCE']);
  });
});
