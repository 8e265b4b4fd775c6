import { expect } from 'chai';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../../gateway/src/api/server.js';
import { startNodeApi } from '../../../gateway/src/api/node-api.js';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { GatewayClient } from '../../../sandbox/src/demo/client.js';
import { checkResponse } from '../fixtures/contract.js';
import { twoLineInvoice } from '../fixtures/invoices.js';
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
    const doc = twoLineInvoice({
      documentId: id,
      invoiceNumber: id.replace('INV-', ''),
      date,
      sender: net.get(from).party,
      addressee: net.get('insurer').party,
    });
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

  it('reconciles a period: each side from its own documents, the differences line by line, XLSX and 1С exports', async () => {
    const insurerId = net.get('insurer').id;
    // A payment the insurer reported outside its gateway's payment records: the clinic counts it, the insurer's own
    // records do not know it, so the two sides' figures differ on that invoice.
    const doc = {
      header: {
        documentId: 'PAY-OUTSIDE-1',
        type: 'payment-notice',
        formatVersion: '1',
        sender: net.get('insurer').party,
        addressee: net.get('clinic').party,
        createdAt: new Date().toISOString(),
      },
      body: {
        noticeNumber: 'вне шлюза',
        noticeDate: daysAgo(0),
        invoiceId: 'INV-P-OLD',
        currency: 'RUB',
        paidAmount: 10_000,
        withheldAmount: 0,
        paymentOrder: { number: '88', date: daysAgo(0) },
      },
    };
    expect((await c('insurer').call('POST', '/v1/documents', doc)).status).to.equal(202);
    await c('clinic').waitFor<PaymentState>('/v1/payments/INV-P-OLD', (_s, b) => b.paid === 10_000);

    const sent = await c('clinic').call<{ record: { messageId: string }; reconciliation: Json }>(
      'POST',
      '/v1/reconciliations',
      { counterparty: insurerId, from: daysAgo(60), to: daysAgo(0), statementNumber: 'АС-1' },
    );
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    const id = sent.body.record.messageId;
    type Rec = {
      direction: string;
      statement: { totals: Json; lines: Json[] };
      ours?: { totals: Json };
      differences?: Json[];
    };
    const got = await c('insurer').waitFor<Rec>(`/v1/reconciliations/${id}`, (st) => st === 200);
    expect(got.direction).to.equal('in');
    expect(got.statement.lines.map((l) => l.invoiceId)).to.deep.equal(['INV-P-OLD', 'INV-P-1']);
    expect(got.statement.totals).to.include({ billed: 300_000, paid: 110_000, withheld: 50_000 });
    expect(got.ours?.totals).to.include({ billed: 300_000, paid: 100_000 });
    expect(got.differences).to.deep.equal([
      { invoiceId: 'INV-P-OLD', invoiceNumber: 'P-OLD', figure: 'paid', theirs: 10_000, ours: 0 },
      {
        invoiceId: 'INV-P-OLD',
        invoiceNumber: 'P-OLD',
        figure: 'outstanding',
        theirs: 140_000,
        ours: 150_000,
      },
    ]);
    const bad = await c('clinic').call<{ errors: Json[] }>('POST', '/v1/reconciliations', {
      counterparty: insurerId,
      from: '2026-13-01',
      to: daysAgo(0),
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0]).to.include({ pointer: '/body/from' });

    const ins = servers[[...net.participants.keys()].indexOf('insurer')]!;
    const xlsx = await fetch(`${ins.url}/v1/reconciliations/${encodeURIComponent(id)}/xlsx`, {
      headers: { Authorization: 'Bearer t-insurer' },
    });
    expect(xlsx.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Акт сверки')!;
    expect(String(ws.getCell(1, 1).value)).to.match(/^Акт сверки взаиморасчётов/);
    const rows = ws.getSheetValues().filter(Boolean) as unknown[][];
    const old = rows.find((r) => r.includes('P-OLD'))!;
    // № п/п, number, date, the clinic's five figures, ours five, the difference of outstanding.
    expect(old.slice(4, 9)).to.deep.equal([1500, 0, 0, 100, 1400]);
    expect(old.slice(9, 15)).to.deep.equal([1500, 0, 0, 0, 1500, -100]);

    const cl = servers[[...net.participants.keys()].indexOf('clinic')]!;
    const onec = await fetch(
      `${cl.url}/v1/exports/payments-1c?from=${daysAgo(1)}&to=${daysAgo(0)}&account=40702810900000012345`,
      { headers: { Authorization: 'Bearer t-clinic' } },
    );
    expect(onec.status).to.equal(200);
    const text = iconv.decode(Buffer.from(await onec.arrayBuffer()), 'win1251');
    expect(text.startsWith('1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows')).to.be.true;
    const sections = text.split('СекцияДокумент=Платежное поручение').slice(1);
    expect(sections.map((x) => /Номер=(\S+)/.exec(x)?.[1]).sort()).to.deep.equal(['1201', '1203', '88']);
    expect(text).to.contain('Сумма=400.00').and.contain('ПолучательСчет=40702810900000012345');
    expect(text).to.contain(`Плательщик=${net.get('insurer').party.name}`);
    expect(text.trimEnd().endsWith('КонецФайла')).to.be.true;
    const noAccount = await c('clinic').call<{ errors: Json[] }>(
      'GET',
      `/v1/exports/payments-1c?from=${daysAgo(1)}&to=${daysAgo(0)}&account=12`,
    );
    expect(noAccount.status).to.equal(400);
    expect(noAccount.body.errors[0]).to.include({ pointer: '/query/account' });
  });
});
