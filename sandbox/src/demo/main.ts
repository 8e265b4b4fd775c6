// `npm start`: an embedded dmsnet network on one machine and the document story of docs/architecture.md (its flows), over HTTP.
import { signalExitCode, stopSignals, type StopSignals } from '../../../node-config/src/stop-signals.js';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { repoPath, generateDocument, type DmsDocument } from '@dmsnet/formats';
import type { FieldError } from '@dmsnet/formats/errors';
import type { RunningServer } from '../../../gateway/src/api/server.js';
import { startNodeApi } from '../../../gateway/src/api/node-api.js';
import { CONSOLE_DIR } from '../../../gateway/src/api/console.js';
import { rolesOf } from '../../../gateway/src/access/roles.js';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import {
  freshDir,
  startLocalNetwork,
  type LedgerProvider,
  type LocalParticipant,
} from '../local-network/network.js';
import { GatewayClient } from './client.js';
import {
  exportFromJson,
  writeSignatureExport,
  type SignatureExportJson,
} from '../../../gateway/src/node/signature-export.js';
import { demoMailBridge, evidenceStep, freePort, mailOnlyClinicStep, startDemoMail } from './mail-story.js';

interface DocView {
  status: string;
  trail: Array<{ status: string; at: string }>;
  record: { reply?: { decision: string; errors?: FieldError[] }; rejection?: { errors: FieldError[] } };
}

export interface DemoOptions {
  /** Exit after the story instead of keeping the gateways up. */
  once?: boolean;
  /** The first gateway's port (7101 by default); 0 lets the system pick each one. */
  portBase?: number;
  dir?: string;
  /** Where the ledger comes from (default: the embedded ledger); e.g. a Fabric network brought up by network/. */
  provider?: (dir: string) => Promise<LedgerProvider>;
  /** What the first line calls the network. */
  label?: string;
  /** Sees every body the story sends to or receives from a gateway. */
  observe?: (body: unknown) => void;
  /**
   * Where the GOST-signed invoice is exported (default: beside the network's folder, `<dir>-export`): an export is the
   * document in clear by the operator's choice, so it is kept apart from the network's state.
   */
  exportDir?: string;
  /** Stop signals owned by the caller (default: this run installs them and exits at a stop before the wait). */
  stop?: StopSignals;
  /**
   * Where the e-mail-only clinic's mail server listens (its ports are base+24…base+587; default: the first gateway's
   * port + 200, and none with port base 0, when that step is skipped unless a base is given).
   */
  mailPortBase?: number;
}

const portBaseArg = process.argv.indexOf('--port-base');
const rubles = (k: number) => `${(k / 100).toFixed(2)} ₽`;
let stepStartedAt = Date.now();
const say = (s: string) => console.log(s);
const step = (n: number, title: string) => say(`\n── ${n}. ${title}`);
const elapsed = () => `${((Date.now() - stepStartedAt) / 1000).toFixed(1)} s`;

/** The story over HTTP; resolves after it ran (with `once`) or once the person stops it. */
export async function runDemo(o: DemoOptions = {}): Promise<void> {
  stepStartedAt = Date.now();
  // A stop before the gateways wait for it ends the process at once: everything the embedded story runs lives in this
  // process. Whoever passes `stop` (the Fabric launcher) owns that decision, since it has a network to bring down.
  const stop = o.stop ?? stopSignals();
  let waiting = false;
  if (!o.stop) {
    void stop.requested.then((sig) => {
      if (!waiting) process.exit(signalExitCode(sig));
    });
  }
  const once = o.once ?? process.argv.includes('--once');
  const portBase = o.portBase ?? (portBaseArg > 0 ? Number(process.argv[portBaseArg + 1]) : 7101);
  const dir = await freshDir(o.dir ?? repoPath('.run', 'demo'));
  say(`dmsnet demo — ${o.label ?? 'an embedded network'} in ${dir}`);
  const provider = o.provider ? await o.provider(dir) : undefined;
  const net = await startLocalNetwork({ dir, provider, progress: (m) => say(`  · ${m}`) });
  const mail = await startDemoMail(o.mailPortBase ?? (portBase === 0 ? undefined : portBase + 200), say);
  const servers: RunningServer[] = [];
  const clients = new Map<string, GatewayClient>();
  const consoles = new Map<string, RunningServer>();
  let port = portBase;
  for (const p of net.participants.values()) {
    const token = randomBytes(24).toString('base64url');
    // Port base 0: each gateway on a port the system picks (tests that run beside others).
    let listen = portBase === 0 ? 0 : port++;
    // The insurer reaches the e-mail-only clinic through its mail bridge, whose links name its gateway's address.
    const bridge =
      mail && p.key === 'insurer1'
        ? await demoMailBridge(mail, p, `http://127.0.0.1:${(listen ||= await freePort())}`)
        : undefined;
    const server = await startNodeApi(bridge ? { ...p, mail: bridge } : p, {
      port: listen,
      token,
      participantRole: p.role,
      consoleDir: CONSOLE_DIR,
    });
    servers.push(server);
    consoles.set(p.key, server);
    clients.set(p.key, new GatewayClient(server.url, token, o.observe));
    bridge?.start();
  }
  const shutdown = async () => {
    await mail?.stop();
    for (const s of servers) await s.close();
    await net.close();
    await closeCryptoWorkers();
  };

  say('\nParticipants (each a gateway on its own port, own keys, own store):');
  for (const p of net.participants.values()) {
    const signs = p.signatureProfile === 'gost2012-256' ? '  [signs with GOST R 34.10-2012]' : '';
    say(
      `  ${p.key.padEnd(12)} ${p.role.padEnd(12)} ОГРН ${p.id}  ${p.name}  ${clients.get(p.key)?.url}${signs}`,
    );
  }

  const insurer = net.get('insurer1');
  const clinic = net.get('clinic1');
  const c = (p: LocalParticipant) => clients.get(p.key) as GatewayClient;

  /** Sends through the sender's gateway and waits until the addressee's gateway has opened and verified it. */
  async function deliver(from: LocalParticipant, to: LocalParticipant, doc: DmsDocument): Promise<string> {
    const id = doc.header.documentId;
    const r = await c(from).call('POST', '/v1/documents', doc);
    if (r.status !== 202) throw new Error(`send refused: ${JSON.stringify(r.body)}`);
    await c(to).waitFor(`/v1/documents/${id}`, (s) => s === 200);
    say(`  ${from.key} → ${to.key}: ${doc.header.type} ${id} delivered, opened and verified by ${to.key}`);
    return id;
  }
  async function trail(from: LocalParticipant, id: string, final: string): Promise<DocView> {
    const v = await c(from).waitFor<DocView>(
      `/v1/documents/${id}`,
      (s, b) => s === 200 && b.status === final,
    );
    say(`  status trail on the ledger: ${v.trail.map((t) => t.status).join(' → ')}`);
    return v;
  }
  const printErrors = (errors: FieldError[]) =>
    errors.forEach((e) => say(`    ${e.pointer}  ${e.code}  ${e.message}`));

  type Row = {
    rowId: string;
    action: string;
    person: Record<string, unknown>;
    period: { from?: string; to: string };
    programme: { code: string; name: string };
  };
  const rowsOf = (d: DmsDocument) => (d.body as { rows: Row[] }).rows;
  /** A list of new attachments only: the clinic's roster rules decide the rest. */
  const attachList = (seed: number, rows: number) => {
    const d = structuredClone(
      generateDocument('insured-list', { seed, rows, sender: insurer.party, addressee: clinic.party }),
    );
    for (const r of rowsOf(d)) {
      r.action = 'attach';
      r.person.sex ??= 'F';
    }
    return d;
  };

  step(1, 'An insured list, applied to the clinic’s roster and accepted by its gateway');
  const list = attachList(101, 5);
  const listId = await deliver(insurer, clinic, list);
  await trail(insurer, listId, 'ACCEPTED');
  const [p1, p2] = rowsOf(list);
  const day = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);
  const d0 = day(p1.period.from as string, 3);
  const cov = await c(clinic).call<{ covered: boolean; coverage: Array<{ programme: { code: string } }> }>(
    'GET',
    `/v1/coverage?policy=${encodeURIComponent(String(p1.person.policyNumber))}&date=${d0}`,
  );
  say(
    `  coverage check at the clinic: policy ${p1.person.policyNumber} on ${d0} → covered=${cov.body.covered} (${cov.body.coverage.map((x) => x.programme.code).join(', ')})`,
  );
  const none = await c(clinic).call<{ covered: boolean }>('GET', `/v1/coverage?policy=NOBODY-1&date=${d0}`);
  say(`  coverage check for an unknown policy → covered=${none.body.covered}`);

  step(2, 'A list with a bad СНИЛС: the sender’s own gateway refuses it before anything leaves');
  const broken = attachList(102, 3);
  rowsOf(broken)[0].person.snils = '112-233-445 00';
  const refused = await c(insurer).call<{ code: string; errors: FieldError[] }>(
    'POST',
    '/v1/documents',
    broken,
  );
  say(`  POST /v1/documents → ${refused.status} ${refused.body.code}`);
  printErrors(refused.body.errors);

  step(3, 'A list the clinic’s roster refuses row by row, and its correction, accepted');
  const disputed = attachList(103, 3);
  const dRows = rowsOf(disputed);
  dRows.push({ ...structuredClone(dRows[0]), rowId: 'dup-1' });
  dRows.push({
    ...structuredClone(p2),
    rowId: 'det-1',
    action: 'detach',
    period: { to: day(p2.period.from as string, -10) },
  });
  const disputedId = await deliver(insurer, clinic, disputed);
  const rejected = await trail(insurer, disputedId, 'REJECTED');
  const reply = await c(insurer).waitFor<DocView>(
    `/v1/documents/${disputedId}`,
    (s, b) => s === 200 && !!b.record.reply,
  );
  say(
    `  the insurer’s gateway received the clinic’s signed reply (${reply.record.reply?.decision}) with the row errors:`,
  );
  printErrors(reply.record.reply?.errors ?? rejected.record.reply?.errors ?? []);
  const correction = structuredClone(disputed);
  correction.header.documentId = disputed.header.documentId + '-c1';
  correction.header.correctsId = disputed.header.documentId;
  (correction.body as { rows: Row[] }).rows = rowsOf(correction).slice(0, 3);
  const correctionId = await deliver(insurer, clinic, correction);
  await trail(insurer, correctionId, 'ACCEPTED');
  say(`  the correction names the rejected list: correctsId = ${correction.header.correctsId}`);

  step(4, 'A price list from the clinic, accepted by the insurer');
  const prices = structuredClone(
    generateDocument('price-list', { seed: 104, rows: 6, sender: clinic.party, addressee: insurer.party }),
  );
  (prices.body as { validity: { from: string } }).validity = { from: p1.period.from as string };
  const pl = (prices.body as { lines: Array<{ serviceCode: string; price: number; name: string }> }).lines;
  const pricesId = await deliver(clinic, insurer, prices);
  await c(insurer).call('POST', `/v1/price-lists/${pricesId}/accept`, {});
  await trail(clinic, pricesId, 'ACCEPTED');
  say(
    `  in force from ${p1.period.from}: ${pl
      .slice(0, 3)
      .map((l) => `${l.serviceCode} ${(l.price / 100).toFixed(2)} ₽`)
      .join(', ')} …`,
  );

  step(5, 'A guarantee letter, priced from the accepted price list');
  const letterNumber = 'ГП-2026-0001';
  const issued = await c(insurer).call<{
    record: { messageId: string };
    letter: { lines: Array<{ serviceCode: string; unitPrice: number }> };
  }>('POST', '/v1/guarantee-letters', {
    clinic: clinic.id,
    letterNumber,
    patient: p1.person,
    programme: p1.programme,
    validity: { from: d0, to: day(d0, 30) },
    amountLimit: pl[0].price * 2 + pl[1].price,
    services: [
      { serviceCode: pl[0].serviceCode, quantity: 1 },
      { serviceCode: pl[1].serviceCode, quantity: 1 },
    ],
  });
  if (issued.status !== 202) throw new Error(`letter refused: ${JSON.stringify(issued.body)}`);
  await c(clinic).waitFor(`/v1/documents/${issued.body.record.messageId}`, (st) => st === 200);
  await trail(insurer, issued.body.record.messageId, 'ACCEPTED');
  const letters = await c(clinic).call<{
    items: Array<{ letter: { letterNumber: string; status: string } }>;
  }>('GET', `/v1/guarantee-letters?policy=${encodeURIComponent(String(p1.person.policyNumber))}`);
  say(
    `  the clinic’s view of the patient’s letters: ${letters.body.items.map((l) => `${l.letter.letterNumber} (${l.letter.status})`).join(', ')}`,
  );
  const outsider = await c(insurer).call<{ code: string; errors: FieldError[] }>(
    'POST',
    '/v1/guarantee-letters',
    {
      clinic: clinic.id,
      letterNumber: 'ГП-2026-0002',
      patient: p1.person,
      validity: { from: d0, to: day(d0, 30) },
      amountLimit: 100000,
      services: [{ serviceCode: 'A99.99.999', quantity: 1 }],
    },
  );
  say(`  a letter naming a service outside the price list → ${outsider.status} ${outsider.body.code}`);
  printErrors(outsider.body.errors);

  // ---- care before the bill: a programme, an assistance company acting for the insurer, a visit ----------------
  const assistance = net.get('assistance');
  const p3 = rowsOf(list)[2];
  // Delegations are in force by Moscow dates (UTC+3).
  const moscowToday = new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);
  const caseService = pl[2]; // the neurologist: the programme wants a guarantee letter for it

  step(6, 'A ДМС programme from the insurer; the clinic’s coverage answer per service uses it');
  const programme = structuredClone(
    generateDocument('medical-programme', {
      seed: 106,
      rows: 1,
      sender: insurer.party,
      addressee: clinic.party,
    }),
  );
  programme.header.documentId = `MP-${p3.programme.code}-1`;
  programme.body = {
    programme: p3.programme,
    version: 1,
    validity: { from: p3.period.from as string, to: p3.period.to },
    territory: 'г. Москва',
    currency: 'RUB',
    franchise: { percent: 10 },
    limits: { amount: 5_000_000 },
    services: [
      { rowId: '1', match: 'prefix', code: 'B01', cover: 'included', limit: { visits: 10 } },
      { rowId: '2', match: 'code', code: caseService.serviceCode, cover: 'letter' },
    ],
  } as unknown as DmsDocument['body'];
  const programmeId = await deliver(insurer, clinic, programme);
  await trail(insurer, programmeId, 'ACCEPTED');
  type ServiceAnswer = { serviceCode: string; answer: string; franchise?: { percent?: number } };
  const asked = [pl[0].serviceCode, caseService.serviceCode, 'A16.01.001'];
  const perService = await c(clinic).call<{ services: ServiceAnswer[] }>(
    'GET',
    `/v1/coverage?policy=${encodeURIComponent(String(p3.person.policyNumber))}&date=${d0}&service=${asked.join(',')}`,
  );
  say(`  programme ${p3.programme.code} of policy ${p3.person.policyNumber}, per service on ${d0}:`);
  for (const a of perService.body.services)
    say(
      `    ${a.serviceCode.padEnd(12)} ${a.answer}${a.franchise?.percent ? ` (franchise ${a.franchise.percent} %)` : ''}`,
    );

  step(7, 'The insurer delegates care to an assistance company, on the ledger');
  const delegation = {
    id: 'DLG-2026-1',
    agent: assistance.id,
    sends: ['care-request', 'guarantee-letter'],
    receives: [] as string[],
    programmes: [p3.programme.code],
    validFrom: day(moscowToday, -1),
  };
  const delegated = await c(insurer).call<{ status: string; txId: string }>(
    'POST',
    '/v1/delegations',
    delegation,
  );
  if (delegated.status !== 201) throw new Error(`delegation refused: ${JSON.stringify(delegated.body)}`);
  say(
    `  ${insurer.key} → ${assistance.key}: delegation ${delegation.id} (${delegated.body.status}) — sends ${delegation.sends.join(', ')} for programme ${p3.programme.code}, from ${delegation.validFrom}`,
  );
  const misspelt = await c(insurer).call<{ code: string; errors: FieldError[] }>('POST', '/v1/delegations', {
    ...delegation,
    sends: ['bogus'],
  });
  say(`  a delegation naming an unknown document type → ${misspelt.status} ${misspelt.body.code}`);
  printErrors(misspelt.body.errors.slice(0, 1));
  // The assistance company agrees the clinic's prices too: its letters and the clinic's requests are priced by them.
  const agreed = structuredClone(prices);
  agreed.header = {
    ...agreed.header,
    documentId: `${prices.header.documentId}-A`,
    addressee: assistance.party,
  };
  const agreedId = await deliver(clinic, assistance, agreed);
  await c(assistance).call('POST', `/v1/price-lists/${agreedId}/accept`, {});
  await trail(clinic, agreedId, 'ACCEPTED');

  step(
    8,
    'The assistance company asks the clinic for care on the insurer’s behalf; the clinic offers a slot',
  );
  const careNumber = 'АС-2026-0001';
  const care = {
    clinic: clinic.id,
    requestNumber: careNumber,
    urgency: 'urgent',
    patient: p3.person,
    programme: p3.programme,
    complaint: 'Боль в пояснице с иррадиацией в ногу, третий день',
    specialty: 'врач-невролог',
    services: [{ serviceCode: caseService.serviceCode }],
    wishedPeriod: { from: d0, to: day(d0, 2) },
    letterToFollow: true,
  };
  const stray = await c(assistance).call<{ code: string; errors: FieldError[] }>(
    'POST',
    '/v1/care-requests',
    {
      ...care,
      requestNumber: 'АС-2026-0000',
      onBehalfOf: net.get('insurer2').id,
    },
  );
  say(
    `  on behalf of ${net.get('insurer2').key}, which never delegated → ${stray.status} ${stray.body.code}`,
  );
  printErrors(stray.body.errors);
  type Care = { state: string; insurer: string; respondBy: string; onBehalfOf?: string };
  const asks = await c(assistance).call<{ record: { messageId: string; onBehalfOf?: string }; case: Care }>(
    'POST',
    '/v1/care-requests',
    care,
  );
  if (asks.status !== 202) throw new Error(`care request refused: ${JSON.stringify(asks.body)}`);
  const casePath = `/v1/care-requests/${assistance.id}/${encodeURIComponent(careNumber)}`;
  const atClinic = await c(clinic).waitFor<Care>(casePath, (st, b) => st === 200 && b.state === 'proposed');
  say(
    `  care request ${careNumber} (urgent): the gateway found the delegation and sent it on behalf of ${asks.body.record.onBehalfOf === insurer.id ? insurer.key : asks.body.record.onBehalfOf}; answer by ${atClinic.respondBy}`,
  );
  const inbox = await c(clinic).call<{
    items: Array<{ messageId: string; sender: string; onBehalfOf?: string }>;
  }>('GET', '/v1/inbox?limit=200');
  const arrived = inbox.body.items.find((r) => r.messageId === asks.body.record.messageId);
  say(
    `  the clinic’s registrar sees it from ${assistance.name} по поручению ${insurer.name} (envelope onBehalfOf ${arrived?.onBehalfOf})`,
  );
  const booked = await c(clinic).call('POST', `${casePath}/book`, {
    start: `${day(d0, 1)}T09:30:00+03:00`,
    doctor: { name: 'Соколов Андрей Викторович', specialty: 'врач-невролог' },
    address: 'г. Москва, ул. Лесная, д. 5, каб. 214',
    instructions: 'Паспорт, полис ДМС, результаты прежних обследований',
  });
  if (booked.status !== 202) throw new Error(`booking refused: ${JSON.stringify(booked.body)}`);
  const seen = await c(assistance).waitFor<Care & { appointment?: { start: string } }>(
    casePath,
    (st, b) => st === 200 && b.state === 'booked',
  );
  say(
    `  appointment back: ${seen.state}, ${seen.appointment?.start}, врач-невролог — the assistance company sees it`,
  );

  step(
    9,
    'The clinic asks for the guarantee letter the programme needs; the assistance company issues it for the insurer',
  );
  const paNumber = 'ЗГП-2026-0001';
  const paAsked = await c(clinic).call<{ case: { respondBy: string; request: { totalAmount: number } } }>(
    'POST',
    '/v1/prior-auth-requests',
    {
      payer: assistance.id,
      insurer: insurer.id,
      requestNumber: paNumber,
      urgency: 'urgent',
      patient: p3.person,
      programme: p3.programme,
      diagnosis: 'M54.4',
      justification: 'Люмбоишиалгия; программа требует гарантийного письма на приём невролога',
      plannedPeriod: { from: day(d0, 1), to: day(d0, 30) },
      services: [{ serviceCode: caseService.serviceCode, quantity: 1 }],
    },
  );
  if (paAsked.status !== 202) throw new Error(`prior-auth request refused: ${JSON.stringify(paAsked.body)}`);
  say(
    `  request ${paNumber}: ${caseService.serviceCode} priced ${rubles(paAsked.body.case.request.totalAmount)} from the accepted price list; answer by ${paAsked.body.case.respondBy}`,
  );
  const paPath = `/v1/prior-auth-requests/${clinic.id}/${encodeURIComponent(paNumber)}`;
  await c(assistance).waitFor(paPath, (st) => st === 200);
  const certified = await c(assistance).call<{ record: { messageId: string; onBehalfOf?: string } }>(
    'POST',
    `${paPath}/certify`,
    { letterNumber: 'ГП-А-2026-0001' },
  );
  if (certified.status !== 202) throw new Error(`certification refused: ${JSON.stringify(certified.body)}`);
  const paDone = await c(clinic).waitFor<{ state: string; letterNumber?: string }>(
    paPath,
    (st, b) => st === 200 && b.state === 'certified',
  );
  say(
    `  guarantee letter ${paDone.letterNumber} names the request; sent on behalf of ${certified.body.record.onBehalfOf === insurer.id ? insurer.key : certified.body.record.onBehalfOf}; the clinic’s case is ${paDone.state}`,
  );

  step(10, 'The visit closes the care request');
  const closed = await c(clinic).call('POST', `${casePath}/close`, { status: 'fulfilled' });
  if (closed.status !== 202) throw new Error(`closing refused: ${JSON.stringify(closed.body)}`);
  const done = await c(assistance).waitFor<Care>(casePath, (st, b) => st === 200 && b.state === 'fulfilled');
  say(`  the patient came: the case is ${done.state} at both gateways`);

  step(11, 'An invoice with its register, checked automatically; the expert confirms the expertise act');
  const stranger = rowsOf(attachList(199, 1))[0].person;
  const line = (
    rowId: string,
    person: Record<string, unknown>,
    code: string,
    date: string,
    unitPrice: number,
    gl?: boolean,
  ) => ({
    rowId,
    patient: person,
    serviceCode: code,
    serviceDate: date,
    quantity: 1,
    unitPrice,
    amount: unitPrice,
    ...(gl ? { guaranteeLetter: { letterNumber } } : {}),
  });
  const lines = [
    line('1', p1.person, pl[0].serviceCode, d0, pl[0].price, true),
    line('2', p1.person, pl[0].serviceCode, d0, pl[0].price, true),
    line('3', stranger, pl[1].serviceCode, d0, pl[1].price),
    line('4', p2.person, pl[2].serviceCode, day(d0, 1), pl[2].price + 15000),
    line('5', p1.person, pl[1].serviceCode, day(d0, 2), pl[1].price, true),
  ];
  const invoice = {
    header: {
      documentId: 'INV-345-2026',
      type: 'invoice',
      formatVersion: '1',
      sender: clinic.party,
      addressee: insurer.party,
      createdAt: new Date().toISOString(),
    },
    body: {
      invoiceNumber: '345',
      invoiceDate: day(d0, 5),
      billingPeriod: { from: d0, to: day(d0, 4) },
      contract: (list.body as { contract: unknown }).contract,
      currency: 'RUB',
      total: lines.reduce((t, l) => t + l.amount, 0),
      lines,
    },
  } as unknown as DmsDocument;
  const invoiceId = await deliver(clinic, insurer, invoice);
  if (clinic.signatureProfile === 'gost2012-256') {
    const exported = await c(insurer).call<SignatureExportJson>(
      'GET',
      `/v1/documents/${invoiceId}/signature/export`,
    );
    if (exported.status !== 200) throw new Error(`export refused: ${JSON.stringify(exported.body)}`);
    const files = await writeSignatureExport(
      exportFromJson(exported.body),
      await freshDir(o.exportDir ?? `${dir}-export`),
    );
    say(
      `  ${clinic.key} signs with GOST R 34.10-2012; the insurer’s gateway verified the chain to the directory’s`,
    );
    say('  GOST root and exported the invoice for any e-document tool (CAdES-BES, detached, DER):');
    say(`    .sig   ${files.signature}`);
    say(`    bytes  ${files.document}   chain ${files.chain}`);
    say(
      `    check: openssl cms -verify -engine gost -binary -inform DER -in ${files.signature} ` +
        `-content ${files.document} -CAfile ${files.chain} -purpose any -out /dev/null`,
    );
  }
  const draft = await c(insurer).waitFor<{
    act: {
      lines: Array<{
        invoiceLineId: string;
        decision: string;
        defectCode?: string;
        reason?: string;
        paidAmount: number;
        withheldAmount: number;
      }>;
      totals: { claimed: number; paid: number; withheld: number };
    };
  }>(`/v1/expertise-acts/${invoiceId}`, (st) => st === 200);
  say('  the insurer’s gateway drafted the expertise act:');
  for (const l of draft.act.lines) {
    say(
      `    line ${l.invoiceLineId}: ${l.decision.padEnd(8)} paid ${(l.paidAmount / 100).toFixed(2).padStart(9)} withheld ${(l.withheldAmount / 100).toFixed(2).padStart(9)}${l.defectCode ? `  ${l.defectCode} ${l.reason}` : ''}`,
    );
  }
  const t = draft.act.totals;
  say(
    `    totals: claimed ${(t.claimed / 100).toFixed(2)} ₽, paid ${(t.paid / 100).toFixed(2)} ₽, withheld ${(t.withheld / 100).toFixed(2)} ₽`,
  );
  const sent = await c(insurer).call<{ record: { messageId: string } }>(
    'POST',
    `/v1/expertise-acts/${invoiceId}/send`,
    { expert: { name: 'Эксперт Петрова И. А.' } },
  );
  if (sent.status !== 202) throw new Error(`act refused: ${JSON.stringify(sent.body)}`);
  const actId = sent.body.record.messageId;
  await trail(clinic, invoiceId, 'ACCEPTED');
  await c(clinic).waitFor(`/v1/documents/${actId}`, (st) => st === 200);
  say(`  the expert confirmed; the act went to the clinic (${actId}), which accepts it:`);
  await c(clinic).call('POST', `/v1/inbox/${actId}/accept`, {});
  await trail(insurer, actId, 'ACCEPTED');

  step(
    12,
    'The delegated case’s invoice goes to the assistance company; the insurer sees what was done in its name',
  );
  // The insurer widens the same delegation (a new version in its trail): the assistance company now receives invoices.
  const widened = await c(insurer).call('POST', '/v1/delegations', { ...delegation, receives: ['invoice'] });
  if (widened.status !== 201) throw new Error(`delegation change refused: ${JSON.stringify(widened.body)}`);
  const caseLine = line('1', p3.person, caseService.serviceCode, day(d0, 1), caseService.price);
  const caseInvoice = {
    header: { ...invoice.header, documentId: 'INV-346-2026', createdAt: new Date().toISOString() },
    body: {
      ...(invoice.body as object),
      invoiceNumber: '346',
      total: caseLine.amount,
      lines: [{ ...caseLine, guaranteeLetter: { letterNumber: paDone.letterNumber } }],
    },
  } as unknown as DmsDocument;
  const routed = await c(clinic).call<{ messageId: string; addressee: string; onBehalfOf?: string }>(
    'POST',
    '/v1/documents',
    caseInvoice,
  );
  if (routed.status !== 202) throw new Error(`invoice refused: ${JSON.stringify(routed.body)}`);
  await c(assistance).waitFor(`/v1/documents/${caseInvoice.header.documentId}`, (st) => st === 200);
  say(
    `  invoice № 346 addressed to ${insurer.key} went to ${routed.body.addressee === assistance.id ? assistance.key : routed.body.addressee} with onBehalfOf ${routed.body.onBehalfOf === insurer.id ? insurer.key : routed.body.onBehalfOf}; opened and verified there`,
  );
  const inItsName = await c(insurer).waitFor<{
    items: Array<{ documentType: string; sender: string; addressee: string; status: string }>;
  }>('/v1/on-behalf', (st, b) => st === 200 && b.items.some((e) => e.documentType === 'invoice'));
  const keyOf = (id: string) => [...net.participants.values()].find((p) => p.id === id)?.key ?? id;
  say(`  GET /v1/on-behalf at ${insurer.key} (envelopes only, never the content):`);
  for (const e of inItsName.items)
    say(`    ${e.documentType.padEnd(16)} ${keyOf(e.sender)} → ${keyOf(e.addressee)}  ${e.status}`);

  step(13, 'The payment: a payment order in two parts, the clinic sees the invoice paid');
  type Payment = { state: string; paid: number; withheld: number; outstanding: number; dueDate: string };
  const rub = rubles;
  const due = await c(clinic).waitFor<Payment>(
    `/v1/payments/${invoiceId}`,
    (st, b) => st === 200 && b.state !== 'not-due',
  );
  say(
    `  the clinic’s gateway: invoice № 345 is ${due.state} by ${due.dueDate} — ${rub(due.outstanding)} to be paid, ${rub(due.withheld)} withheld by the act`,
  );
  const today = new Date().toISOString().slice(0, 10);
  const firstPart = Math.floor(due.outstanding / 2);
  for (const [n, amount] of [
    ['4521', firstPart],
    ['4522', due.outstanding - firstPart],
  ] as const) {
    if (amount === 0) continue;
    const paid = await c(insurer).call<{ payment: Payment }>('POST', '/v1/payments', {
      invoiceId,
      paidAmount: amount,
      paymentOrder: { number: n, date: today },
    });
    if (paid.status !== 202) throw new Error(`payment refused: ${JSON.stringify(paid.body)}`);
    const seen = await c(clinic).waitFor<Payment>(
      `/v1/payments/${invoiceId}`,
      (st, b) => st === 200 && b.paid === paid.body.payment.paid,
    );
    say(
      `  payment order № ${n} of ${rub(amount)} → the clinic sees ${seen.state}: paid ${rub(seen.paid)}, outstanding ${rub(seen.outstanding)}`,
    );
  }
  const foreign = await c(insurer).call<{ code: string }>('POST', '/v1/payments', {
    invoiceId: 'INVOICE-NOBODY-SENT',
    paidAmount: 100,
    paymentOrder: { number: '4523', date: today },
  });
  say(`  a payment for an invoice the insurer never received → ${foreign.status} ${foreign.body.code}`);

  step(
    14,
    'The reconciliation: the clinic sends its акт сверки, the insurer compares it with its own figures',
  );
  const reconciled = await c(clinic).call<{ record: { messageId: string } }>('POST', '/v1/reconciliations', {
    counterparty: insurer.id,
    // The period of the story's invoice, to today (or its date, when the roster's period lies ahead).
    from: day(d0, 5),
    to: day(d0, 5) > today ? day(d0, 5) : today,
  });
  if (reconciled.status !== 202)
    throw new Error(`reconciliation refused: ${JSON.stringify(reconciled.body)}`);
  const compared = await c(insurer).waitFor<{
    statement: { totals: { billed: number; withheld: number; paid: number; outstanding: number } };
    differences: unknown[];
  }>(`/v1/reconciliations/${reconciled.body.record.messageId}`, (st) => st === 200);
  const rt = compared.statement.totals;
  say(
    `  the clinic’s figures: billed ${rub(rt.billed)}, withheld ${rub(rt.withheld)}, paid ${rub(rt.paid)}, outstanding ${rub(rt.outstanding)}`,
  );
  say(
    `  the insurer’s gateway computed its own from its documents: ${compared.differences.length === 0 ? 'no differences' : `${compared.differences.length} difference(s)`} (GET /v1/reconciliations/{id}/xlsx for the workbook)`,
  );

  step(15, 'What nobody else can read');
  const other = net.get('clinic2');
  const peek = await c(other).call('GET', `/v1/documents/${listId}`);
  say(
    `  clinic2 asks its gateway for the insured list sent to clinic1 → ${peek.status} (only the addressee can open it)`,
  );

  step(16, 'A clinic served by e-mail only: a link and a code, opened, answered by a reply');
  if (mail) await mailOnlyClinicStep(mail, insurer, c(insurer), say);
  else say('  skipped (no mail server here; see the line at the start)');

  step(17, 'The evidence bundle of the insured list, verified offline by dmsnet-verify');
  await evidenceStep(c(insurer), listId, path.join(o.exportDir ?? `${dir}-export`, 'evidence'), say);

  say(`\nThe story ran in ${elapsed()}.`);
  if (once) {
    await shutdown();
    return;
  }
  const ic = c(insurer);
  say('\nThe gateways stay up. Try (Ctrl-C to stop):');
  say(`  curl -s -H 'Authorization: Bearer ${ic.token}' ${ic.url}/v1/outbox`);
  say(`  curl -s -H 'Authorization: Bearer ${ic.token}' ${ic.url}/v1/documents/${listId}`);
  say(`  curl -s -H 'Authorization: Bearer ${ic.token}' ${ic.url}/v1/participants`);
  say(`  curl -sN -H 'Authorization: Bearer ${ic.token}' ${ic.url}/v1/events`);
  say(`  curl -s ${ic.url}/v1/openapi.json`);
  const cc = c(clinic);
  say(`  curl -s -H 'Authorization: Bearer ${cc.token}' ${cc.url}/v1/inbox`);
  // One person per role at each gateway, with one password for the run (a loopback sandbox, printed on purpose).
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  say(`\nThe web console of each gateway (log in as any user below, password ${password}):`);
  for (const p of net.participants.values()) {
    const server = consoles.get(p.key) as RunningServer;
    const names: string[] = [];
    for (const role of rolesOf(p.role)) {
      const username = `${role}`;
      await server.access.users.add({ username, fullName: DEMO_NAMES[role] ?? role, role, password });
      names.push(username);
    }
    say(
      `  ${p.key.padEnd(12)} ${server.url.replace('127.0.0.1', 'localhost')}/   users: ${names.join(', ')}`,
    );
  }
  waiting = true;
  await stop.requested;
  await shutdown();
}

const DEMO_NAMES: Record<string, string> = {
  registrar: 'Иванова Анна Петровна',
  accountant: 'Смирнов Олег Ильич',
  expert: 'Петрова Ирина Андреевна',
  operator: 'Кузнецов Дмитрий Сергеевич',
  manager: 'Лебедева Ольга Сергеевна',
  secretary: 'Соколова Мария Викторовна',
  admin: 'Администратор узла',
};

if (import.meta.url === `file://${process.argv[1]}`) {
  runDemo().catch((err: unknown) => {
    console.error('demo failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
