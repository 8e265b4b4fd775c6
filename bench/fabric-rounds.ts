// The measuring loop of the Fabric benches (bench/fabric.bench.ts, bench/growth.bench.ts): ledger-level rounds of our
// `exchange:send` beside the one-function blind-put chaincode on the same network, each send timed from its submit to
// its event at the addressee's peer. One module, so both benches measure the same thing the same way.
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { LedgerClient } from '../gateway/src/ledger/types.js';
import { FabricLedger } from '../gateway/src/ledger/fabric/fabric-ledger.js';
import type { LocalParticipant } from '../sandbox/src/local-network/network.js';
import type { networkUp } from '../network/src/up.js';

export const SENDS = 300;
const IN_FLIGHT = 20;

export interface Round {
  tps: number;
  p50: number;
  p95: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/**
 * `sends` transactions, IN_FLIGHT at a time, each timed from its submit to its event at the addressee's peer;
 * throughput over the whole run.
 */
export async function measure(
  label: string,
  progress: (m: string) => void,
  submit: (i: number) => Promise<unknown>,
  events: AsyncIterable<{ key: string }>,
  abort: AbortController,
  sends = SENDS,
): Promise<Round> {
  const started = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const listening = (async () => {
    for await (const ev of events) {
      const t0 = started.get(ev.key);
      if (t0 === undefined) continue;
      latencies.push(performance.now() - t0);
      if (++delivered === sends) {
        resolveAll();
        abort.abort();
      }
    }
  })();
  const t = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < sends) {
      const i = next++;
      started.set(`${label}-${i}`, performance.now());
      await submit(i);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await all;
  const seconds = (performance.now() - t) / 1000;
  await listening.catch(() => undefined);
  progress(`fabric: ${label} ${sends} sends in ${seconds.toFixed(1)} s`);
  return { tps: sends / seconds, p50: pct(latencies, 50), p95: pct(latencies, 95) };
}

export async function* keysOf(
  client: LedgerClient,
  from: bigint,
  signal: AbortSignal,
  pick: (p: Uint8Array) => string,
) {
  for await (const ev of client.events({ blockNumber: from }, signal)) yield { key: pick(ev.payload) };
}

/** A gateway connection of `who`'s identity to its own organisation's peer, for the blind-put chaincode. */
export async function blindConnection(
  state: Awaited<ReturnType<typeof networkUp>>,
  who: LocalParticipant,
  tlsFor: (w: LocalParticipant) => Promise<string>,
) {
  const peer = state.topology.peers.find((n) => n.mspId === who.identity.mspId)!;
  return {
    peerEndpoint: `${peer.host}:${peer.port}`,
    serverNameOverride: peer.name,
    ...who.identity,
    channel: state.topology.channel,
    chaincode: 'blindput',
    tlsRootCertificate: await tlsFor(who),
  };
}

/**
 * Rounds of ours (`exchange:send`, a 2 KB ciphertext, endorsed by the sender's and the addressee's organisations as a
 * gateway sends) and of the blind put (the same bytes as a public value), sender's peer to addressee's peer. Each
 * round has its own labels, so a round never counts another's events.
 */
export async function sendRounds(
  state: Awaited<ReturnType<typeof networkUp>>,
  sender: LocalParticipant,
  addressee: LocalParticipant,
  tlsFor: (w: LocalParticipant) => Promise<string>,
  progress: (m: string) => void,
) {
  const ct = new Uint8Array(randomBytes(2048));
  const hash = createHash('sha256').update(ct).digest('hex');
  const blindSender = FabricLedger.connect(await blindConnection(state, sender, tlsFor));
  const blindReader = FabricLedger.connect(await blindConnection(state, addressee, tlsFor));
  let round = 0;
  const ours = async (sends = SENDS): Promise<Round> => {
    const r = `ours${++round}`;
    const abort = new AbortController();
    const from = await (sender.ledger as FabricLedger).height();
    return measure(
      r,
      progress,
      (i) =>
        sender.ledger.submit(
          'exchange:send',
          [
            JSON.stringify({
              messageId: `${sender.id}:${r}-${i}`,
              sender: sender.id,
              addressee: addressee.id,
              documentType: 'insured-list',
              formatVersion: '1',
              ciphertextHash: hash,
              size: ct.length,
              senderKeyVersion: 1,
            }),
          ],
          { ciphertext: ct },
          { endorsingOrganizations: [sender.identity.mspId, addressee.identity.mspId] },
        ),
      // The ledger id is `<sender>:<id>`; the rounds count by the id.
      keysOf(addressee.ledger, from, abort.signal, (p) =>
        String((JSON.parse(Buffer.from(p).toString()) as { messageId: string }).messageId).slice(
          sender.id.length + 1,
        ),
      ),
      abort,
      sends,
    );
  };
  const blind = async (sends = SENDS): Promise<Round> => {
    const r = `blind${++round}`;
    const abort = new AbortController();
    const from = await blindSender.height();
    return measure(
      r,
      progress,
      (i) => blindSender.submit('put', [`${r}-${i}`], { value: ct }),
      keysOf(blindReader, from, abort.signal, (p) => Buffer.from(p).toString()),
      abort,
      sends,
    );
  };
  const close = async () => {
    await blindSender.close();
    await blindReader.close();
  };
  return { ours, blind, close, ciphertextBytes: ct.length };
}
