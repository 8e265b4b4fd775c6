// `npm start`: an embedded dmsnet network on one machine and the document story of design.md §3, over HTTP.
import { randomBytes } from 'node:crypto';
import {
  repoPath,
  generateDocument,
  generateExpertiseCase,
  type DmsDocument,
} from '../../../formats/src/index.js';
import type { FieldError } from '../../../formats/src/errors.js';
import { startGatewayServer, type RunningServer } from '../api/server.js';
import { closeCryptoWorkers } from '../crypto/index.js';
import { freshDir, startLocalNetwork, type LocalParticipant } from '../local-network/network.js';
import { GatewayClient } from './client.js';

interface DocView {
  status: string;
  trail: Array<{ status: string; at: string }>;
  record: { reply?: { decision: string; errors?: FieldError[] }; rejection?: { errors: FieldError[] } };
}

const once = process.argv.includes('--once');
const portBaseArg = process.argv.indexOf('--port-base');
const portBase = portBaseArg > 0 ? Number(process.argv[portBaseArg + 1]) : 7101;
const t0 = Date.now();
const say = (s: string) => console.log(s);
const step = (n: number, title: string) => say(`\n── ${n}. ${title}`);
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const dir = await freshDir(repoPath('.run', 'demo'));
  say(`dmsnet demo — an embedded network in ${dir}`);
  const net = await startLocalNetwork({ dir, progress: (m) => say(`  · ${m}`) });
  const servers: RunningServer[] = [];
  const clients = new Map<string, GatewayClient>();
  let port = portBase;
  for (const p of net.participants.values()) {
    const token = randomBytes(24).toString('base64url');
    const server = await startGatewayServer(p.node, { port: port++, token });
    servers.push(server);
    clients.set(p.key, new GatewayClient(server.url, token));
  }
  const shutdown = async () => {
    for (const s of servers) await s.close();
    await net.close();
    await closeCryptoWorkers();
  };

  say('\nParticipants (each a gateway on its own port, own keys, own store):');
  for (const p of net.participants.values()) {
    say(`  ${p.key.padEnd(12)} ${p.role.padEnd(12)} ОГРН ${p.id}  ${p.name}  ${clients.get(p.key)?.url}`);
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

  step(1, 'An insured list, accepted');
  const list = generateDocument('insured-list', {
    seed: 101,
    rows: 5,
    sender: insurer.party,
    addressee: clinic.party,
  });
  const listId = await deliver(insurer, clinic, list);
  await c(clinic).call('POST', `/v1/inbox/${listId}/accept`, { comment: 'прикреплены' });
  await trail(insurer, listId, 'ACCEPTED');

  step(2, 'A list with bad rows: the sender’s own gateway refuses it before anything leaves');
  const broken = structuredClone(
    generateDocument('insured-list', { seed: 102, rows: 4, sender: insurer.party, addressee: clinic.party }),
  );
  const rows = (broken.body as { rows: Array<Record<string, unknown>> }).rows;
  const person0 = rows[0].person as Record<string, unknown>;
  person0.snils = '112-233-445 00';
  const refused = await c(insurer).call<{ code: string; errors: FieldError[] }>(
    'POST',
    '/v1/documents',
    broken,
  );
  say(`  POST /v1/documents → ${refused.status} ${refused.body.code}`);
  printErrors(refused.body.errors);

  step(3, 'A list the clinic rejects with row errors, and its correction, accepted');
  const disputed = generateDocument('insured-list', {
    seed: 103,
    rows: 4,
    sender: insurer.party,
    addressee: clinic.party,
  });
  const disputedId = await deliver(insurer, clinic, disputed);
  // The clinic's MIS finds rows it cannot take (here: a programme outside its contract) and answers with row errors.
  const rowErrors: FieldError[] = [
    {
      pointer: '/body/rows/1/programme/code',
      code: 'PROGRAMME_NOT_IN_CONTRACT',
      message: 'программа не входит в договор с клиникой',
    },
    {
      pointer: '/body/rows/3/programme/code',
      code: 'PROGRAMME_NOT_IN_CONTRACT',
      message: 'программа не входит в договор с клиникой',
    },
  ];
  await c(clinic).call('POST', `/v1/inbox/${disputedId}/reject`, {
    errors: rowErrors,
    comment: 'исправьте строки 2 и 4',
  });
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
  const goodProgramme = (list.body as { rows: Array<{ programme: unknown }> }).rows[0].programme;
  for (const i of [1, 3])
    (correction.body as { rows: Array<{ programme: unknown }> }).rows[i].programme = goodProgramme;
  const correctionId = await deliver(insurer, clinic, correction);
  await c(clinic).call('POST', `/v1/inbox/${correctionId}/accept`, {});
  await trail(insurer, correctionId, 'ACCEPTED');
  say(`  the correction names the rejected list: correctsId = ${correction.header.correctsId}`);

  step(4, 'A price list from the clinic, accepted by the insurer');
  const prices = generateDocument('price-list', {
    seed: 104,
    rows: 6,
    sender: clinic.party,
    addressee: insurer.party,
  });
  const pricesId = await deliver(clinic, insurer, prices);
  await c(insurer).call('POST', `/v1/inbox/${pricesId}/accept`, {});
  await trail(clinic, pricesId, 'ACCEPTED');

  step(5, 'A guarantee letter for a patient');
  const gl = generateDocument('guarantee-letter', {
    seed: 105,
    sender: insurer.party,
    addressee: clinic.party,
  });
  const glId = await deliver(insurer, clinic, gl);
  await c(clinic).call('POST', `/v1/inbox/${glId}/accept`, {});
  await trail(insurer, glId, 'ACCEPTED');

  step(6, 'An invoice with its register, and the expertise act that answers it');
  const { invoice, act } = generateExpertiseCase({
    seed: 106,
    rows: 6,
    sender: insurer.party,
    addressee: clinic.party,
  });
  const invoiceId = await deliver(clinic, insurer, invoice);
  await c(insurer).call('POST', `/v1/inbox/${invoiceId}/accept`, { comment: 'принят к экспертизе' });
  await trail(clinic, invoiceId, 'ACCEPTED');
  act.header.replyToId = invoiceId;
  const actId = await deliver(insurer, clinic, act);
  const lines = (
    act.body as { lines: Array<{ invoiceLineId: string; decision: string; defectCode?: string }> }
  ).lines;
  for (const l of lines)
    say(`    line ${l.invoiceLineId}: ${l.decision}${l.defectCode ? ` (defect ${l.defectCode})` : ''}`);
  await c(clinic).call('POST', `/v1/inbox/${actId}/accept`, {});
  await trail(insurer, actId, 'ACCEPTED');

  step(7, 'What nobody else can read');
  const other = net.get('clinic2');
  const peek = await c(other).call('GET', `/v1/documents/${listId}`);
  say(
    `  clinic2 asks its gateway for the insured list sent to clinic1 → ${peek.status} (only the addressee can open it)`,
  );

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
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await shutdown();
}

main().catch((err: unknown) => {
  console.error('demo failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
