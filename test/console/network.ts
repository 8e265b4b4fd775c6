// A real embedded network for the console's end-to-end tests: every gateway serves the built console and the API on
// its own port, with people of each role, and the documents of the story sent between them through the API.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledSchemaText, generateDocument, type DmsDocument } from '@dmsnet/formats';
import { CONSOLE_DIR } from '../../gateway/src/api/console.js';
import type { RunningServer } from '../../gateway/src/api/server.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import { GatewayClient } from '../../sandbox/src/demo/client.js';
import {
  startLocalNetwork,
  type LocalNetwork,
  type ParticipantSpec,
} from '../../sandbox/src/local-network/network.js';

export const PASSWORD = 'console test password';

const SPECS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз страховщиков ДМС (тест)', mspId: 'AssociationMSP' },
  { key: 'insurer', role: 'insurer', name: 'АО «СК «Северная»', mspId: 'InsurerMSP' },
  { key: 'clinic', role: 'clinic', name: 'ООО «Клиника Здоровье»', mspId: 'HostMSP', viaAttribute: true },
];

/** username → [gateway, role, full name] */
export const PEOPLE: Record<string, [string, string, string]> = {
  reg: ['clinic', 'registrar', 'Иванова Анна Петровна'],
  acc: ['clinic', 'accountant', 'Смирнов Олег Ильич'],
  op: ['insurer', 'operator', 'Кузнецов Дмитрий Сергеевич'],
  exp: ['insurer', 'expert', 'Петрова Ирина Андреевна'],
  sec: ['association', 'secretary', 'Соколова Мария Викторовна'],
  adm: ['clinic', 'admin', 'Орлов Павел Николаевич'],
};

export interface ConsoleNetwork {
  net: LocalNetwork;
  servers: Map<string, RunningServer>;
  client(key: string): GatewayClient;
  url(key: string): string;
  story: {
    policy: string;
    person: { lastName: string; firstName: string; middleName?: string; birthDate: string; sex: string };
    invoiceId: string;
    /** The number the clinic wrote on the invoice (its documentId is another). */
    invoiceNumber: string;
    openPriceListId: string;
    serviceDate: string;
    /** How many people the clinic's roster holds (more than one page of the roster screen). */
    rosterSize: number;
    /** An insured-list version open for a vote: a new required property (breaking), a new optional one. */
    proposal: { type: string; version: string };
  };
  close(): Promise<void>;
}

type Row = { action: string; person: Record<string, unknown>; period: { from?: string; to: string } };

/** More participants and their people, for a test that needs them (a second insurer to send to by mistake). */
export interface ConsoleNetworkExtras {
  participants?: ParticipantSpec[];
  people?: Record<string, [string, string, string]>;
}

export async function startConsoleNetwork(extras: ConsoleNetworkExtras = {}): Promise<ConsoleNetwork> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-console-'));
  const net = await startLocalNetwork({ dir, participants: [...SPECS, ...(extras.participants ?? [])] });
  const servers = new Map<string, RunningServer>();
  const clients = new Map<string, GatewayClient>();
  for (const p of net.participants.values()) {
    const s = await startNodeApi(p, {
      port: 0,
      token: `token-${p.key}`,
      participantRole: p.role,
      consoleDir: CONSOLE_DIR,
    });
    servers.set(p.key, s);
    clients.set(p.key, new GatewayClient(s.url, `token-${p.key}`));
  }
  for (const [username, [key, role, fullName]] of Object.entries({ ...PEOPLE, ...extras.people })) {
    await servers.get(key)!.access.users.add({ username, role, fullName, password: PASSWORD });
  }
  const c = (k: string) => clients.get(k) as GatewayClient;
  const insurer = net.get('insurer');
  const clinic = net.get('clinic');
  const deliver = async (from: string, to: string, doc: DmsDocument) => {
    const r = await c(from).call('POST', '/v1/documents', doc);
    if (r.status !== 202) throw new Error(`seed refused: ${JSON.stringify(r.body)}`);
    await c(to).waitFor(`/v1/documents/${doc.header.documentId}`, (s) => s === 200);
    return doc.header.documentId;
  };
  const waitStatus = (from: string, id: string, status: string) =>
    c(from).waitFor<{ status: string }>(`/v1/documents/${id}`, (s, b) => s === 200 && b.status === status);

  // The roster: an insured list the clinic's gateway accepts.
  const list = structuredClone(
    generateDocument('insured-list', { seed: 501, rows: 30, sender: insurer.party, addressee: clinic.party }),
  );
  const rows = (list.body as { rows: Row[] }).rows;
  for (const r of rows) {
    r.action = 'attach';
    r.person.sex ??= 'F';
  }
  await waitStatus('insurer', await deliver('insurer', 'clinic', list), 'ACCEPTED');
  const p1 = rows[0] as Row;
  const from = p1.period.from as string;
  const day = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);
  const d0 = day(from, 3);

  // A price list the insurer accepted (it prices the invoice), then the invoice the expert will review.
  const prices = structuredClone(
    generateDocument('price-list', { seed: 502, rows: 4, sender: clinic.party, addressee: insurer.party }),
  );
  (prices.body as { validity: { from: string } }).validity = { from };
  const pl = (prices.body as { lines: Array<{ serviceCode: string; name: string; price: number }> }).lines;
  const pricesId = await deliver('clinic', 'insurer', prices);
  await c('insurer').call('POST', `/v1/price-lists/${pricesId}/accept`, {});
  await waitStatus('clinic', pricesId, 'ACCEPTED');
  // A register names each service as the price list does; the act's readers see that name beside the code.
  const line = (rowId: string, code: string, price: number, date: string) => ({
    rowId,
    patient: p1.person,
    serviceCode: code,
    serviceName: pl.find((x) => x.serviceCode === code)?.name,
    serviceDate: date,
    quantity: 1,
    unitPrice: price,
    amount: price,
  });
  const lines = [
    line('1', pl[0]!.serviceCode, pl[0]!.price, d0),
    line('2', pl[1]!.serviceCode, pl[1]!.price, d0),
    line('3', pl[2]!.serviceCode, pl[2]!.price + 15000, day(d0, 1)),
  ];
  const invoice = {
    header: {
      documentId: 'INV-E2E-1',
      type: 'invoice',
      formatVersion: '1',
      sender: clinic.party,
      addressee: insurer.party,
      createdAt: new Date().toISOString(),
    },
    body: {
      invoiceNumber: 'E2E-1',
      invoiceDate: day(d0, 5),
      billingPeriod: { from: d0, to: day(d0, 4) },
      contract: (list.body as { contract: unknown }).contract,
      currency: 'RUB',
      total: lines.reduce((t, l) => t + l.amount, 0),
      lines,
    },
  } as unknown as DmsDocument;
  const invoiceId = await deliver('clinic', 'insurer', invoice);
  await c('insurer').waitFor(`/v1/expertise-acts/${invoiceId}`, (s) => s === 200);

  // A second price list, left for the insurer's operator to decide in the console.
  const next = structuredClone(
    generateDocument('price-list', { seed: 503, rows: 3, sender: clinic.party, addressee: insurer.party }),
  );
  (next.body as { validity: { from: string } }).validity = { from: day(from, 60) };
  const openPriceListId = await deliver('clinic', 'insurer', next);

  // A format proposal for the association's secretary to weigh and vote on.
  const v1 = JSON.parse(bundledSchemaText('insured-list', '1')) as {
    required: string[];
    properties: Record<string, unknown>;
  };
  const proposal = { type: 'insured-list', version: '2' };
  const proposed = await c('association').call('POST', '/v1/governance/proposals', {
    ...proposal,
    effectiveFrom: '2099-01-01',
    schemaText: JSON.stringify({
      ...v1,
      required: [...v1.required, 'approvedBy'],
      properties: { ...v1.properties, approvedBy: { type: 'string' }, note: { type: 'string' } },
    }),
  });
  if (proposed.status !== 201) throw new Error(`proposal refused: ${JSON.stringify(proposed.body)}`);

  return {
    net,
    servers,
    client: c,
    url: (k) => (servers.get(k) as RunningServer).url,
    story: {
      policy: String(p1.person.policyNumber),
      person: p1.person as ConsoleNetwork['story']['person'],
      invoiceId,
      invoiceNumber: 'E2E-1',
      openPriceListId,
      serviceDate: d0,
      rosterSize: rows.length,
      proposal,
    },
    async close() {
      for (const s of servers.values()) await s.close();
      await net.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
