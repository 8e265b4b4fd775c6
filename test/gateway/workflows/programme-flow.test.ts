// ДМС programmes end to end (issue 24): an insurer's programme reaches the clinic, which answers coverage per service
// from it, refuses list rows naming a programme it never received (once it holds any), and counts what the insurer's
// acts paid against the person's limits; the insurer's invoice check withholds what the programme does not cover.
// Real nodes over HTTP on an embedded ledger; every answer is checked against the published OpenAPI contract.
import { expect } from 'chai';
import { generateDocument, type DmsDocument } from '@dmsnet/formats';
import type { MedicalProgrammeBody } from '@dmsnet/formats/types';
import { useWorkflowNetwork } from '../fixtures/workflow-network.js';

type Json = Record<string, unknown>;
type LimitUse = { limit: number; used: number; left: number };
type LimitState = { visits?: LimitUse; amount?: LimitUse };
interface ServiceAnswer {
  serviceCode: string;
  answer: string;
  reason?: string;
  franchise?: Json;
  limits?: { service?: LimitState; programme?: LimitState };
  programme?: { code: string; version?: number };
}
type Reply = { record: { reply?: { decision: string; errors?: Json[]; comment?: string } } };

const APP = { code: 'APP', name: 'Амбулаторно-поликлиническая помощь' };
const PRICES: Record<string, number> = {
  'B01.047.001': 220000,
  'B01.047.002': 180000,
  'A05.10.006': 350000,
  'A16.07.001': 500000,
  'A09.05.023': 30000,
};

describe('ДМС programmes through the gateways (real nodes, HTTP, embedded ledger)', function () {
  this.timeout(180_000);
  const w = useWorkflowNetwork('mp');
  const c = w.client;
  let person: Json;
  let from: string;
  let seed = 100;

  async function send(from: string, to: string, doc: DmsDocument): Promise<string> {
    const r = await c(from).call('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    await c(to).waitFor(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
    return doc.header.documentId;
  }
  const decided = (id: string) =>
    c('insurer').waitFor<Reply>(`/v1/documents/${id}`, (_s, b) => !!b.record.reply);

  function list(programme: { code: string; name: string }): DmsDocument {
    const doc = structuredClone(
      generateDocument('insured-list', {
        seed: seed++,
        rows: 1,
        sender: w.net.get('insurer').party,
        addressee: w.net.get('clinic').party,
      }),
    );
    const row = (doc.body as { rows: Json[] }).rows[0];
    Object.assign(row, { action: 'attach', programme });
    (row.person as Json).sex ??= 'F';
    return doc;
  }

  function programme(version: number, documentId: string): DmsDocument {
    const doc = structuredClone(
      generateDocument('medical-programme', {
        seed: 5,
        rows: 1,
        sender: w.net.get('insurer').party,
        addressee: w.net.get('clinic').party,
      }),
    );
    doc.header.documentId = documentId;
    const body: MedicalProgrammeBody = {
      programme: APP,
      version,
      validity: { from: '2020-01-01', to: '2030-12-31' },
      territory: 'г. Москва',
      currency: 'RUB',
      franchise: { percent: 10 },
      limits: { amount: 1_000_000 },
      services: [
        { rowId: '1', match: 'prefix', code: 'B01', cover: 'included', limit: { visits: 2 } },
        { rowId: '2', match: 'code', code: 'B01.003.001', cover: 'excluded' },
        { rowId: '3', match: 'prefix', code: 'A05', cover: 'letter' },
        { rowId: '4', match: 'section', code: 'A09', cover: 'included' },
      ],
    };
    doc.body = body;
    return doc;
  }

  const coverage = async (services: string) =>
    (
      await c('clinic').call<{ covered: boolean; services: ServiceAnswer[] }>(
        'GET',
        `/v1/coverage?policy=${encodeURIComponent(String(person.policyNumber))}&date=${from}&service=${services}`,
      )
    ).body;

  it('accepts a list naming a programme it never received while it holds none from the insurer, and says so', async () => {
    const doc = list(APP);
    const row = (doc.body as { rows: Array<{ person: Json; period: { from: string } }> }).rows[0];
    person = row.person;
    from = row.period.from;
    const reply = (await decided(await send('insurer', 'clinic', doc))).record.reply;
    expect(reply?.decision).to.equal('ACCEPTED');
    expect(reply?.comment).to.match(/программы APP клиника от страховщика не получала/);
    const before = await coverage('B01.047.001');
    expect(before.covered).to.equal(true);
    expect(before.services).to.deep.include.members([
      {
        serviceCode: 'B01.047.001',
        answer: 'unknown',
        reason: 'PROGRAMME_NOT_RECEIVED',
        insurer: w.net.get('insurer').id,
        policyNumber: person.policyNumber,
        programme: APP,
      },
    ]);
  });

  it('the clinic accepts the programme and answers per service: covered, letter, excluded, outside', async () => {
    const reply = (await decided(await send('insurer', 'clinic', programme(1, 'MP-APP-1')))).record.reply;
    expect(reply?.decision).to.equal('ACCEPTED');
    const a = await coverage('B01.047.001,A05.10.006&service=B01.003.001&service=А16.07.001');
    expect(a.services.map((s) => [s.serviceCode, s.answer, s.reason])).to.deep.equal([
      ['B01.047.001', 'covered', undefined],
      ['A05.10.006', 'letter-required', undefined],
      ['B01.003.001', 'not-covered', 'EXCLUDED'],
      ['A16.07.001', 'not-covered', 'NOT_IN_PROGRAMME'],
    ]);
    expect(a.services[0].franchise).to.deep.equal({ percent: 10 });
    expect(a.services[0].limits).to.deep.equal({
      service: { visits: { limit: 2, used: 0, left: 2 } },
      programme: { amount: { limit: 1_000_000, used: 0, left: 1_000_000 } },
    });
    expect(a.services[0].programme).to.include({ code: 'APP', version: 1 });
  });

  it('routes a programme from the payer to the clinic only: a clinic cannot send one', async () => {
    const back = programme(9, 'MP-FROM-CLINIC');
    back.header.sender = w.net.get('clinic').party;
    back.header.addressee = w.net.get('insurer').party;
    const r = await c('clinic').call<{ errors: Json[] }>('POST', '/v1/documents', back);
    expect(r.status).to.equal(422);
    expect(r.body.errors.map((e) => [e.pointer, e.code])).to.deep.include([
      '/header/addressee/ogrn',
      'ROUTE_NOT_ALLOWED',
    ]);
  });

  it('refuses a malformed service code in the question, naming it', async () => {
    const r = await c('clinic').call<{ errors: Json[] }>(
      'GET',
      `/v1/coverage?policy=${encodeURIComponent(String(person.policyNumber))}&service=B01.047.001,X1`,
    );
    expect(r.status).to.equal(400);
    expect(r.body.errors).to.deep.include({
      pointer: '/query/service/1',
      code: 'SERVICE_CODE_FORMAT',
      message: 'not a Nomenclature (804н) service code like B01.047.001',
    });
  });

  it('refuses a programme version not newer than the one it holds', async () => {
    const reply = (await decided(await send('insurer', 'clinic', programme(1, 'MP-APP-1-again')))).record
      .reply;
    expect(reply?.decision).to.equal('REJECTED');
    expect(reply?.errors?.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/version', 'PROGRAMME_VERSION_STALE'],
    ]);
  });

  it('now refuses a list row naming a programme it never received, at the row', async () => {
    const doc = list({ code: 'VIP', name: 'ВИП' });
    const reply = (await decided(await send('insurer', 'clinic', doc))).record.reply;
    expect(reply?.decision).to.equal('REJECTED');
    expect(reply?.errors?.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/rows/0/programme/code', 'ROSTER_PROGRAMME_UNKNOWN'],
    ]);
  });

  it('the invoice check withholds lines outside the programme, over its limit or without the letter it needs', async () => {
    const pl = structuredClone(
      generateDocument('price-list', {
        seed: 9,
        rows: 1,
        sender: w.net.get('clinic').party,
        addressee: w.net.get('insurer').party,
      }),
    );
    (pl.body as Json).validity = { from: '2020-01-01' };
    (pl.body as Json).lines = Object.entries(PRICES).map(([serviceCode, price], i) => ({
      rowId: String(i + 1),
      serviceCode,
      name: `Услуга ${serviceCode}`,
      price,
    }));
    const plId = await send('clinic', 'insurer', pl);
    expect((await c('insurer').call('POST', `/v1/price-lists/${plId}/accept`, {})).status).to.equal(200);
    const line = (rowId: string, serviceCode: string, quantity: number) => ({
      rowId,
      patient: { ...person },
      serviceCode,
      serviceDate: from,
      quantity,
      unitPrice: PRICES[serviceCode],
      amount: PRICES[serviceCode] * quantity,
    });
    const lines = [
      line('a', 'B01.047.001', 1),
      line('b', 'B01.047.002', 2),
      line('c', 'A05.10.006', 1),
      line('d', 'A16.07.001', 1),
      line('e', 'A09.05.023', 1),
    ];
    const invoice = {
      header: {
        documentId: 'INV-MP-1',
        type: 'invoice',
        formatVersion: '1',
        sender: w.net.get('clinic').party,
        addressee: w.net.get('insurer').party,
        createdAt: new Date().toISOString(),
      },
      body: {
        invoiceNumber: 'MP-1',
        invoiceDate: from,
        billingPeriod: { from, to: from },
        contract: { number: '1-ДМС', date: '2020-01-01' },
        currency: 'RUB',
        total: lines.reduce((t, l) => t + l.amount, 0),
        lines,
      },
    } as unknown as DmsDocument;
    await send('clinic', 'insurer', invoice);
    const draft = await c('insurer').waitFor<{ act: { lines: Json[] } }>(
      '/v1/expertise-acts/INV-MP-1',
      (s) => s === 200,
    );
    expect(draft.act.lines.map((l) => [l.invoiceLineId, l.decision, l.defectCode ?? null])).to.deep.equal([
      ['a', 'PAID', null],
      ['b', 'WITHHELD', '1.1.3'],
      ['c', 'WITHHELD', '1.2.7'],
      ['d', 'WITHHELD', '1.1.2'],
      ['e', 'PAID', null],
    ]);
    expect(String(draft.act.lines[1].reason)).to.match(/лимит услуги/);
    const sent = await c('insurer').call<{ record: { messageId: string } }>(
      'POST',
      '/v1/expertise-acts/INV-MP-1/send',
      { expert: { name: 'Эксперт' } },
    );
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    await c('clinic').waitFor(`/v1/documents/${sent.body.record.messageId}`, (s) => s === 200);
    // The clinic counts what the act paid: one visit of two under B01, and the roubles of both paid lines.
    const after = await c('clinic').waitFor<{ services: ServiceAnswer[] }>(
      `/v1/coverage?policy=${encodeURIComponent(String(person.policyNumber))}&date=${from}&service=B01.047.002`,
      (_s, b) => (b.services?.[0]?.limits?.service?.visits?.used ?? 0) > 0,
    );
    expect(after.services[0].limits).to.deep.equal({
      service: { visits: { limit: 2, used: 1, left: 1 } },
      programme: {
        amount: {
          limit: 1_000_000,
          used: PRICES['B01.047.001'] + PRICES['A09.05.023'],
          left: 1_000_000 - PRICES['B01.047.001'] - PRICES['A09.05.023'],
        },
      },
    });
  });
});
