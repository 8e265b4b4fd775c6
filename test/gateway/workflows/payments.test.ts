import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
type PaymentState = {
  invoiceId: string;
  state: string;
  billed: number;
  accepted: number;
  withheld: number;
  paid: number;
  outstanding: number;
  dueDate: string;
  payments: Json[];
};

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('payment notices and payment states through the gateways (real nodes, HTTP, embedded ledger)', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  let receiver: Server;
  let hookUrl: string;
  const hits: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const servers: RunningServer[] = [];
  const clients = new Map<string, GatewayClient>();
  const c = (k: string) => clients.get(k) as GatewayClient;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-pay-'));
    net = await startLocalNetwork({
      dir,
      participants: SMALL_NETWORK,
      // The contract gives the insurer 30 days to pay.
      contracts: (p, all) =>
        p.role === 'clinic'
          ? [
              {
                insurer: all.find((x) => x.key === 'insurer')!.id,
                number: '12-ДМС/2026',
                from: '2020-01-01',
                to: '2030-12-31',
                paymentTermDays: 30,
              },
            ]
          : [],
    });
    for (const p of net.participants.values()) {
      const s = await startNodeApi(p, {
        port: 0,
        token: `t-${p.key}`,
        webhooks: { initialBackoffMs: 20, maxBackoffMs: 100 },
      });
      servers.push(s);
      clients.set(p.key, new GatewayClient(s.url, `t-${p.key}`, undefined, checkResponse));
    }
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => {
        hits.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/accounting`;
  });
  after(async () => {
    for (const s of servers) await s.close();
    await net?.close();
    await closeCryptoWorkers();
    await new Promise<void>((r) => receiver.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  /** An invoice of two lines (1 000,00 ₽ and 500,00 ₽) from the clinic to the insurer, dated `date`. */
  async function invoice(id: string, date: string, from = 'clinic'): Promise<void> {
    const person = (
      generateDocument('invoice', { seed: 3, rows: 1 }).body as { lines: Array<{ patient: Json }> }
    ).lines[0].patient;
    const line = (rowId: string, serviceCode: string, amount: number) => ({
      rowId,
      patient: person,
      serviceCode,
      serviceDate: date,
      quantity: 1,
      unitPrice: amount,
      amount,
    });
    const doc = {
      header: {
        documentId: id,
        type: 'invoice',
        formatVersion: '1',
        sender: net.get(from).party,
        addressee: net.get('insurer').party,
        createdAt: new Date().toISOString(),
      },
      body: {
        invoiceNumber: id.replace('INV-', ''),
        invoiceDate: date,
        billingPeriod: { from: date, to: date },
        contract: { number: '12-ДМС/2026', date: '2020-01-15' },
        currency: 'RUB',
        total: 150_000,
        lines: [line('a', 'B01.047.001', 100_000), line('b', 'A09.05.023', 50_000)],
      },
    } as unknown as DmsDocument;
    const r = await c(from).call('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    await c('insurer').waitFor(`/v1/expertise-acts/${id}`, (s) => s === 200);
  }

  const stateAt = (who: string, id: string, want: string) =>
    c(who).waitFor<PaymentState>(`/v1/payments/${id}`, (s, b) => s === 200 && b.state === want);

  async function rawNotice(to: string, documentId: string, invoiceId: string): Promise<Json[]> {
    const doc = {
      header: {
        documentId,
        type: 'payment-notice',
        formatVersion: '1',
        sender: net.get('insurer').party,
        addressee: net.get(to).party,
        createdAt: new Date().toISOString(),
      },
      body: {
        noticeNumber: documentId,
        noticeDate: daysAgo(0),
        invoiceId,
        currency: 'RUB',
        paidAmount: 10_000,
        withheldAmount: 0,
        paymentOrder: { number: '77', date: daysAgo(0) },
      },
    };
    const r = await c('insurer').call('POST', '/v1/documents', doc);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    const v = await c('insurer').waitFor<{ status: string; record: { reply?: { errors: Json[] } } }>(
      `/v1/documents/${documentId}`,
      (_s, b) => b.status === 'REJECTED' && !!b.record.reply,
    );
    return v.record.reply?.errors ?? [];
  }

  it('moves an invoice from not due through due and partly paid to paid, and tells the accounting system each time', async () => {
    const reg = await c('clinic').call<{ id: string }>('POST', '/v1/webhooks', {
      url: hookUrl,
      secret: 'the-accounting-system-secret',
      events: ['payment.changed'],
    });
    expect(reg.status).to.equal(201);
    const today = daysAgo(0);
    await invoice('INV-P-1', today);
    const first = await stateAt('clinic', 'INV-P-1', 'not-due');
    expect(first).to.include({ billed: 150_000, paid: 0, outstanding: 150_000 });
    expect(first.dueDate > today).to.be.true;

    const edit = await c('insurer').call('PATCH', '/v1/expertise-acts/INV-P-1', {
      lines: [
        { invoiceLineId: 'a', decision: 'PAID' },
        { invoiceLineId: 'b', decision: 'WITHHELD', defectCode: '2.1.1', reason: 'нет записи в медкарте' },
      ],
    });
    expect(edit.status, JSON.stringify(edit.body)).to.equal(200);
    expect((await c('insurer').call('POST', '/v1/expertise-acts/INV-P-1/send', {})).status).to.equal(202);
    const due = await stateAt('clinic', 'INV-P-1', 'due');
    expect(due).to.include({ accepted: 100_000, withheld: 50_000, paid: 0, outstanding: 100_000 });

    const part = await c('insurer').call<{ payment: PaymentState }>('POST', '/v1/payments', {
      invoiceId: 'INV-P-1',
      paidAmount: 40_000,
      paymentOrder: { number: '1201', date: today },
    });
    expect(part.status, JSON.stringify(part.body)).to.equal(202);
    expect(part.body.payment).to.include({ state: 'partly-paid', paid: 40_000, withheld: 50_000 });
    const partly = await stateAt('clinic', 'INV-P-1', 'partly-paid');
    expect(partly).to.include({ paid: 40_000, outstanding: 60_000 });
    expect(partly.payments.map((p) => p.paymentOrder)).to.deep.equal([{ number: '1201', date: today }]);

    // 70 000 more would pay 110 000 + 50 000 withheld on a bill of 150 000: refused at the field, nothing sent.
    const over = await c('insurer').call<{ code: string; errors: Json[] }>('POST', '/v1/payments', {
      invoiceId: 'INV-P-1',
      paidAmount: 70_000,
      paymentOrder: { number: '1202', date: today },
    });
    expect(over.status).to.equal(422);
    expect(over.body.errors.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/paidAmount', 'PAYMENT_EXCEEDS_INVOICE'],
    ]);

    const rest = await c('insurer').call('POST', '/v1/payments', {
      invoiceId: 'INV-P-1',
      paidAmount: 60_000,
      paymentOrder: { number: '1203', date: today },
    });
    expect(rest.status, JSON.stringify(rest.body)).to.equal(202);
    const paid = await stateAt('clinic', 'INV-P-1', 'paid');
    expect(paid).to.include({ paid: 100_000, outstanding: 0 });
    // The payer reads the same figures from its own documents.
    expect(await stateAt('insurer', 'INV-P-1', 'paid')).to.include({ paid: 100_000, withheld: 50_000 });

    const deadline = Date.now() + 15_000;
    const events = () =>
      hits
        .map((h) => ({ h, n: JSON.parse(h.body) as { kind: string; status: string; messageId: string } }))
        .filter((x) => x.n.messageId.endsWith(':INV-P-1'));
    while (events().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events().map((e) => e.n.status)).to.deep.equal(['due', 'partly-paid', 'paid']);
    for (const { h } of events()) {
      expect(h.headers['x-dmsnet-event']).to.equal('payment.changed');
      expect(h.headers['x-dmsnet-signature']).to.equal(
        'sha256=' + createHmac('sha256', 'the-accounting-system-secret').update(h.body).digest('hex'),
      );
    }
    const listed = await c('clinic').call<{ items: PaymentState[] }>('GET', '/v1/payments?state=paid');
    expect(listed.body.items.map((s) => s.invoiceId)).to.include(`${net.get('clinic').id}:INV-P-1`);
  });

  it('is overdue when the contract’s term has passed with something unpaid', async () => {
    await invoice('INV-P-OLD', daysAgo(40));
    const s = await stateAt('clinic', 'INV-P-OLD', 'overdue');
    expect(s.dueDate).to.equal(daysAgo(10));
    const overdue = await c('clinic').call<{ items: PaymentState[] }>('GET', '/v1/payments?state=overdue');
    expect(overdue.body.items.map((x) => x.invoiceId)).to.deep.equal([`${net.get('clinic').id}:INV-P-OLD`]);
  });

  it('refuses a payment for an invoice the payer never received, naming the field', async () => {
    const r = await c('insurer').call<{ code: string; errors: Json[] }>('POST', '/v1/payments', {
      invoiceId: 'INV-NOBODY-SENT',
      paidAmount: 1,
      paymentOrder: { number: '9', date: daysAgo(0) },
    });
    expect(r.status).to.equal(422);
    expect(r.body.code).to.equal('PAYMENT_INVOICE_UNKNOWN');
    expect(r.body.errors.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/invoiceId', 'PAYMENT_INVOICE_UNKNOWN'],
    ]);
    const bad = await c('insurer').call<{ errors: Json[] }>('POST', '/v1/payments', {
      invoiceId: 'INV-P-1',
      paidAmount: 10.5,
      paymentOrder: { number: '9', date: 'вчера' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.map((e) => e.pointer)).to.include.members([
      '/body/paidAmount',
      '/body/paymentOrder/date',
    ]);
    const q = await c('clinic').call<{ errors: Json[] }>('GET', '/v1/payments?state=paid-ish');
    expect(q.status).to.equal(400);
    expect(q.body.errors[0]).to.include({ pointer: '/query/state' });
  });

  it('hostile: a clinic refuses a notice for someone else’s invoice, or for one nobody sent', async () => {
    // The insurer (bypassing its own gateway's check) tells the other clinic it paid the first clinic's invoice.
    const elsewhere = await rawNotice('other', 'PAY-FOREIGN-1', 'INV-P-1');
    expect(elsewhere.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/invoiceId', 'PAYMENT_INVOICE_UNKNOWN'],
    ]);
    const nowhere = await rawNotice('clinic', 'PAY-NOWHERE-1', 'INV-NEVER-SENT');
    expect(nowhere.map((e) => [e.pointer, e.code])).to.deep.equal([
      ['/body/invoiceId', 'PAYMENT_INVOICE_UNKNOWN'],
    ]);
    // Nothing was counted anywhere.
    const s = await c('clinic').call<PaymentState>('GET', '/v1/payments/INV-P-1');
    expect(s.body.payments).to.have.length(2);
  });
});
