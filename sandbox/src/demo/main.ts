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

  step(6, 'An invoice with its register, checked automatically; the expert confirms the expertise act');
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

  step(7, 'The payment: a payment order in two parts, the clinic sees the invoice paid');
  type Payment = { state: string; paid: number; withheld: number; outstanding: number; dueDate: string };
  const rub = (k: number) => `${(k / 100).toFixed(2)} ₽`;
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
    8,
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

  step(9, 'What nobody else can read');
  const other = net.get('clinic2');
  const peek = await c(other).call('GET', `/v1/documents/${listId}`);
  say(
    `  clinic2 asks its gateway for the insured list sent to clinic1 → ${peek.status} (only the addressee can open it)`,
  );

  step(10, 'A clinic served by e-mail only: a link and a code, opened, answered by a reply');
  if (mail) await mailOnlyClinicStep(mail, insurer, c(insurer), say);
  else say('  skipped (no mail server here; see the line at the start)');

  step(11, 'The evidence bundle of the insured list, verified offline by dmsnet-verify');
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
