// A clinic's invoice register of any size, billed to the console network's insurer for the people of its roster and
// the services of its accepted price list, so that the insurer's automatic check drafts an act with a mix of paid
// and withheld lines (not covered after a policy ends, a price above the list) — the act the expert works through.
// The console's scale test and `npm run bench` both send it.
import type { DmsDocument } from '@dmsnet/formats';
import type { ConsoleNetwork } from './network.js';

type Person = Record<string, unknown> & { policyNumber?: string };
interface InsuredRow {
  person: Person;
  period: { from: string; to: string };
}

const addDays = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);

/** Every how many lines one is billed above the price list (defect 1.3.2). */
const OVERPRICED_EVERY = 7;

export interface BigInvoice {
  /** The ledger id of the invoice at the insurer. */
  invoiceId: string;
  invoiceNumber: string;
  lines: number;
  /** The name of the roster's first person, as the act shows it ("Фамилия Имя Отчество"). */
  firstPatient: string;
}

export async function sendBigInvoice(
  t: ConsoleNetwork,
  lines: number,
  number: string,
  progress: (m: string) => void = () => undefined,
): Promise<BigInvoice> {
  const clinic = t.client('clinic');
  const insurer = t.client('insurer');
  const open = async <T>(id: string) =>
    (await clinic.call<{ document: { body: T } }>('GET', `/v1/documents/${encodeURIComponent(id)}`)).body
      .document.body;
  const lists = await clinic.call<{ items: Array<{ messageId: string }> }>(
    'GET',
    '/v1/inbox?type=insured-list&status=ACCEPTED&limit=1',
  );
  const people = (await open<{ rows: InsuredRow[]; contract: unknown }>(lists.body.items[0]!.messageId)).rows;
  const contract = (await open<{ contract: unknown }>(lists.body.items[0]!.messageId)).contract;
  const prices = await clinic.call<{ items: Array<{ messageId: string }> }>(
    'GET',
    '/v1/outbox?type=price-list&status=ACCEPTED&limit=1',
  );
  const pl = (
    await open<{ lines: Array<{ serviceCode: string; price: number }> }>(prices.body.items[0]!.messageId)
  ).lines;
  const start = people.map((p) => p.period.from).sort()[people.length - 1] as string;
  const first = addDays(start, 1);
  const out: Array<Record<string, unknown>> = [];
  let last = first;
  for (let i = 0; i < lines; i++) {
    const who = people[i % people.length] as InsuredRow;
    const service = pl[Math.floor(i / people.length) % pl.length] as { serviceCode: string; price: number };
    // One visit a day per person and service: no line repeats another (1.10.2), and the latest fall after the
    // policies end (1.1.1).
    const date = addDays(first, Math.floor(i / (people.length * pl.length)));
    if (date > last) last = date;
    const unitPrice = i % OVERPRICED_EVERY === 3 ? service.price + 10_000 : service.price;
    out.push({
      rowId: String(i + 1),
      patient: { ...who.person, sex: who.person.sex ?? 'F' },
      serviceCode: service.serviceCode,
      serviceDate: date,
      quantity: 1,
      unitPrice,
      amount: unitPrice,
    });
  }
  const p0 = (people[0] as InsuredRow).person;
  const doc = {
    header: {
      documentId: `INV-${number}`,
      type: 'invoice',
      formatVersion: '1',
      sender: t.net.get('clinic').party,
      addressee: t.net.get('insurer').party,
      createdAt: new Date().toISOString(),
    },
    body: {
      invoiceNumber: number,
      invoiceDate: addDays(last, 1),
      billingPeriod: { from: first, to: last },
      contract,
      currency: 'RUB',
      total: out.reduce((s, l) => s + (l.amount as number), 0),
      lines: out,
    },
  } as unknown as DmsDocument;
  progress(`sending a ${lines.toLocaleString('en-US')}-line invoice register`);
  const sent = await clinic.call<{ messageId: string }>('POST', '/v1/documents', doc);
  if (sent.status !== 202)
    throw new Error(`the register was refused: ${JSON.stringify(sent.body).slice(0, 2000)}`);
  progress('waiting for the insurer to open it and draft the act');
  const until = Date.now() + 600_000;
  for (;;) {
    // The gateway is busy for seconds drafting a large act: a kept-alive connection it closed meanwhile is retried.
    const status = await insurer
      .call('GET', `/v1/expertise-acts/${encodeURIComponent(sent.body.messageId)}`)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) break;
    if (Date.now() > until) throw new Error('the act was not drafted in 10 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    invoiceId: sent.body.messageId,
    invoiceNumber: number,
    lines,
    firstPatient: [p0.lastName, p0.firstName, p0.middleName].filter(Boolean).join(' '),
  };
}
