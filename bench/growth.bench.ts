// `npm run bench -- --fabric --growth`: a native Fabric channel grown from its 4 founders to 12 organisations with the
// operator's own functions (network org create|definition|join, channel propose-add-org|sign-update|merge-signatures|
// submit-update, chaincode approve-next|commit-next), one organisation at a time, each in its own folder on its own
// loopback address. After each addition: what the config update cost (signatures collected, time to commit, config
// block bytes), what the chaincode definition's move cost (approvals, endorsement policy size), the peers' memory, and
// sends per second beside a blind-put chaincode on the same network in the same run. docs/scale.md projects from it.
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startLocalNetwork, type ParticipantSpec } from '../sandbox/src/local-network/network.js';
import { fabricProvider, peerTlsRoot } from '../sandbox/src/local-network/fabric-provider.js';
import { findFabric, type FabricInstall } from '../network/src/binaries.js';
import {
  fetchConfig,
  mergeUpdateFiles,
  proposeAddOrg,
  signUpdate,
  submitUpdate,
  workDir,
} from '../network/src/channel-update.js';
import { peerCli } from '../network/src/cli-tools.js';
import { endorsementPolicy } from '../network/src/configtx.js';
import { readCouncil, thresholds } from '../network/src/council.js';
import { networkDown } from '../network/src/down.js';
import {
  approveChaincode,
  commitChaincode,
  committedSequence,
  installChaincode,
  joinChannel,
  nextChaincodeDefinition,
  startOrgPeer,
  waitDefinition,
} from '../network/src/membership.js';
import { createOrg, openOrg, orgDefinition, type OrgContext } from '../network/src/org.js';
import { readPid, stopAll } from '../network/src/processes.js';
import { paths, type OrgSpec } from '../network/src/topology.js';
import { deployChaincode, networkUp } from '../network/src/up.js';
import { sendRounds } from './fabric-rounds.js';
import { project, STEP_HEADER, stepRow, table, type GrowthStep } from './growth-model.js';
import { result, type Bench, type BenchResult } from './types.js';

/** The bench's ports (22000..22999): the founders' network below 22200, each newcomer ten ports from 22200 on. */
const PORT_BASE = Number(process.env.DMSNET_BENCH_GROWTH_PORT_BASE ?? 22000);

/** The eight newcomers, in the order they join: the founders are the association, two insurers and a clinic host. */
const NEWCOMERS: Array<{ key: string; mspId: string; kind: OrgSpec['kind'] }> = [
  { key: 'insurer3', mspId: 'Insurer3MSP', kind: 'insurer' },
  { key: 'insurer4', mspId: 'Insurer4MSP', kind: 'insurer' },
  { key: 'clinichost2', mspId: 'ClinicHost2MSP', kind: 'clinic-host' },
  { key: 'insurer5', mspId: 'Insurer5MSP', kind: 'insurer' },
  { key: 'insurer6', mspId: 'Insurer6MSP', kind: 'insurer' },
  { key: 'insurer7', mspId: 'Insurer7MSP', kind: 'insurer' },
  { key: 'clinichost3', mspId: 'ClinicHost3MSP', kind: 'clinic-host' },
  { key: 'insurer8', mspId: 'Insurer8MSP', kind: 'insurer' },
];

const PARTICIPANTS: ParticipantSpec[] = [
  { key: 'association', role: 'association', name: 'Союз (бенч)', mspId: 'AssociationMSP' },
  { key: 'insurer1', role: 'insurer', name: 'СК (бенч)', mspId: 'Insurer1MSP' },
  { key: 'clinic1', role: 'clinic', name: 'Клиника (бенч)', mspId: 'ClinicHostMSP', viaAttribute: true },
];

/** The config block as the orderers serve it now, in bytes (peer channel fetch config). */
async function configBlockBytes(ctx: OrgContext, fabric: FabricInstall): Promise<number> {
  const dir = await workDir(ctx);
  try {
    const file = path.join(dir, 'config.block');
    const o = ctx.orderer!;
    await peerCli(
      ctx.t,
      fabric,
      ctx.peer,
      [
        'channel',
        'fetch',
        'config',
        file,
        '-c',
        ctx.t.channel,
        '-o',
        o.address,
        '--tls',
        '--cafile',
        o.caFile,
      ],
      'fetch the config block',
    );
    return (await stat(file)).size;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Resident memory of a process from its pid file, MB (Linux /proc); NaN where it cannot be read. */
async function rssMb(pidFile: string): Promise<number> {
  const pid = await readPid(pidFile);
  if (!pid) return NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

const since = (t0: number) => performance.now() - t0;

/**
 * What an operator does when a Fabric command fails on a starved machine (a private write not handed to the second
 * peer in time, a peer stopped while replaying): wait, mend if there is something to mend, run it again — up to three
 * more times, each failure said on the terminal. The last run stopped at 9 organisations on one such failure.
 */
async function again<T>(
  say: (m: string) => void,
  what: string,
  act: () => Promise<T>,
  mend: () => Promise<unknown> = async () => undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await act();
    } catch (err) {
      if (attempt > 3) throw err;
      say(`  ${what} failed (${(err as Error).message.slice(-160)}); again in ${5 * attempt} s`);
      await new Promise((r) => setTimeout(r, 5000 * attempt));
      await mend();
    }
  }
}

export const benches: Bench[] = [
  {
    name: 'fabric-growth',
    async run({ progress, flags }): Promise<BenchResult[]> {
      if (!flags.has('--fabric') || !flags.has('--growth')) return [];
      const say = (m: string) => progress(`growth: ${m}`);
      const sends = flags.has('--quick') ? 60 : 200;
      // Each organisation's CA in-process: a Fabric CA server per organisation would add eight more processes to a
      // two-core machine and change nothing the channel config carries (an MSP holds certificates either way).
      const fabricCaBefore = process.env.DMSNET_FABRIC_CA;
      process.env.DMSNET_FABRIC_CA = 'off';
      const fabric = await findFabric();
      const netDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-bench-growth-net-'));
      const nodesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-bench-growth-nodes-'));
      const homesDir = await mkdtemp(path.join(tmpdir(), 'dmsnet-bench-growth-orgs-'));
      const handover = await mkdtemp(path.join(tmpdir(), 'dmsnet-bench-growth-handover-'));
      const homes: OrgContext[] = [];
      const steps: GrowthStep[] = [];
      let finished = false;
      try {
        say(`bringing the founders' network up (ports ${PORT_BASE}..${PORT_BASE + 199})`);
        const state = await networkUp({ dir: netDir, portBase: PORT_BASE, progress: say });
        const t = state.topology;
        const blindServer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'blindput', 'server.js');
        await deployChaincode(t, fabric, say, {
          name: 'blindput',
          server: blindServer,
          processPrefix: 'bp',
          portOffset: 4,
          policy: endorsementPolicy(t),
        });
        const net = await startLocalNetwork({
          dir: nodesDir,
          participants: PARTICIPANTS,
          provider: await fabricProvider(state),
          workflows: false,
          progress: say,
        });
        // Ledger-level sends only: the gateways registered the participants and are not needed further.
        for (const p of net.participants.values()) await p.node.stop();
        const insurer = net.get('insurer1');
        const clinic = net.get('clinic1');
        const founders = await Promise.all(t.orgs.map((o) => openOrg(netDir, o.key)));
        const association = founders.find((c) => c.org.key === 'association')!;
        const associationDef = await orgDefinition(association, fabric);

        // Ours and the blind put, alternately, best of two each: a burst of other work on the machine hits both.
        const rounds = await sendRounds(
          state,
          insurer,
          clinic,
          (w) => peerTlsRoot(state, w.identity.mspId),
          progress,
        );
        const throughput = async () => {
          const ours: number[] = [];
          const blind: number[] = [];
          for (let i = 0; i < 2; i++) {
            blind.push((await rounds.blind(sends)).tps);
            ours.push((await rounds.ours(sends)).tps);
          }
          return { oursTps: Math.max(...ours), blindTps: Math.max(...blind) };
        };
        const peerRss = async () => {
          const files = [
            ...t.peers.map((n) => paths(t).pid(n.name)),
            ...homes.flatMap((h) => h.t.peers.map((n) => paths(h.t).pid(n.name))),
          ];
          const mbs = (await Promise.all(files.map(rssMb))).filter((x) => Number.isFinite(x));
          return mbs.reduce((s, x) => s + x, 0) / (mbs.length || 1);
        };
        const printSteps = () => console.log(`\n${table(STEP_HEADER, steps.map(stepRow))}\n`);

        say('warming up (connections, the peers’ caches)');
        await rounds.blind(Math.min(sends, 60));
        await rounds.ours(Math.min(sends, 60));
        const council = readCouncil(await fetchConfig(association, fabric));
        if (!council) throw new Error('network up founded no council (decision 0029)');
        say(`council: ${council.chair} chairs; ${council.members.join(', ')} elected`);
        steps.push({
          orgs: t.orgs.length,
          added: '',
          signatures: 0,
          proposeMs: 0,
          signMs: 0,
          submitMs: 0,
          configBlockBytes: await configBlockBytes(association, fabric),
          joinMs: 0,
          approvals: t.orgs.length,
          approveMs: 0,
          commitMs: 0,
          policyChars: endorsementPolicy(t).length,
          peerRssMb: await peerRss(),
          ...(await throughput()),
        });
        printSteps();

        for (const [i, n] of NEWCOMERS.entries()) {
          const orgs = t.orgs.length + homes.length + 1;
          say(`step ${i + 1} of ${NEWCOMERS.length}: ${n.mspId} joins (${orgs} organisations after it)`);
          // On the newcomer's "machine": its own folder, loopback address and ports; one peer, to fit on this one.
          const dir = path.join(homesDir, n.key);
          await createOrg({
            dir,
            key: n.key,
            mspId: n.mspId,
            kind: n.kind,
            host: `127.0.0.${10 + i}`,
            portBase: PORT_BASE + 200 + i * 10,
            peers: 1,
          });
          const home = await openOrg(dir);
          await startOrgPeer(home, fabric, say);
          const def = await orgDefinition(home, fabric);

          // The association computes the update; the chair and a majority of the council sign it.
          let t0 = performance.now();
          const update = path.join(handover, `add-${n.key}.pb`);
          await proposeAddOrg(association, fabric, def, update);
          const proposeMs = since(t0);
          t0 = performance.now();
          const need = thresholds(council.members.length).admit;
          const signers = founders.filter((c) => council.members.slice(0, need).includes(c.org.mspId));
          // Handed to each signer as a copy, signed in their folders at once, merged back byte for byte.
          const copies = signers.map((c) => path.join(handover, `add-${n.key}.${c.org.key}.pb`));
          await Promise.all(copies.map((f) => copyFile(update, f)));
          await Promise.all(signers.map((c, k) => signUpdate(c, fabric, copies[k]!)));
          const signatures = (await mergeUpdateFiles(update, copies)) + 1; // + the association's, added on submit
          const signMs = since(t0);
          t0 = performance.now();
          await submitUpdate(association, fabric, update);
          const submitMs = since(t0);
          const blockBytes = await configBlockBytes(association, fabric);
          say(
            `  config update: ${signatures} signatures; propose ${Math.round(proposeMs)} ms, sign ${Math.round(signMs)} ms, ` +
              `submit ${Math.round(submitMs)} ms; config block ${blockBytes} B`,
          );

          t0 = performance.now();
          // Replaying the whole channel on a loaded machine, a newcomer's peer once stopped part-way (a block file closed
          // under it): restarted, it recovers its block file and carries on, as an operator would do.
          await again(
            say,
            `${n.mspId}'s join`,
            () => joinChannel(home, fabric, associationDef, say),
            () => startOrgPeer(home, fabric, say),
          );
          await again(say, `${n.mspId}'s install`, () => installChaincode(home, fabric, say));
          homes.push(home);
          const joinMs = since(t0);

          // Every organisation approves the new sequence in its own folder (at once, as they would on their own
          // machines): one that does not can no longer endorse.
          const all = [...founders, ...homes];
          const next = await nextChaincodeDefinition(association, fabric);
          t0 = performance.now();
          // An approval writes to the organisation's implicit collection, which must reach its second peer: on a
          // starved machine that timed out ("failed to distribute private collection") and stopped the last run at 9
          // organisations; an operator runs approve-next again, and so does the bench.
          await Promise.all(
            all.map((c) =>
              again(say, `${c.org.mspId}'s approval`, () =>
                // A try that timed out after the orderers took it leaves the approval made: Fabric then refuses the
                // same one again ("unchanged content"), which is what the bench wanted.
                approveChaincode(c, fabric, next).catch((err: Error) => {
                  if (!/unchanged content/.test(err.message)) throw err;
                }),
              ),
            ),
          );
          const approveMs = since(t0);
          t0 = performance.now();
          await again(say, 'the commit', () =>
            // One that timed out after the orderers took it: the channel has the sequence, which is what was wanted.
            commitChaincode(association, fabric, next).catch(async (err: Error) => {
              if ((await committedSequence(association, fabric).catch(() => 0)) < next.sequence) throw err;
            }),
          );
          await Promise.all(all.map((c) => waitDefinition(c, fabric, next.sequence)));
          const commitMs = since(t0);
          say(
            `  chaincode sequence ${next.sequence}: ${all.length} approvals in ${Math.round(approveMs)} ms, ` +
              `committed in ${Math.round(commitMs)} ms; policy ${next.policy.length} characters`,
          );

          steps.push({
            orgs,
            added: n.mspId,
            signatures,
            proposeMs,
            signMs,
            submitMs,
            configBlockBytes: blockBytes,
            joinMs,
            approvals: all.length,
            approveMs,
            commitMs,
            policyChars: next.policy.length,
            peerRssMb: await peerRss(),
            ...(await throughput()),
          });
          printSteps();
        }
        await rounds.close();
        await net.close();

        const p = project(steps, 313);
        say(
          `projection (straight line over ${steps.length} steps): 313 organisations → config block ${p.configBlockBytes} B ` +
            `(${p.bytesPerOrg} B per organisation), endorsement policy ${p.policyChars} characters`,
        );
        finished = true;
        const first = steps[0]!;
        const last = steps[steps.length - 1]!;
        return [
          result(
            `growth: sends per second at ${first.orgs} organisations`,
            first.oursTps,
            'tx/s',
            'blind put, same network',
            first.blindTps,
          ),
          result(
            `growth: sends per second at ${last.orgs} organisations`,
            last.oursTps,
            'tx/s',
            'blind put, same network',
            last.blindTps,
            'ratio as at the founders’',
          ),
          result(
            `growth: config block at ${last.orgs} organisations`,
            last.configBlockBytes,
            'B',
            `at ${first.orgs}`,
            first.configBlockBytes,
          ),
          result(
            `growth: admission (sign + submit) at ${last.orgs} organisations`,
            last.signMs + last.submitMs,
            'ms',
            `at ${steps[1]?.orgs ?? first.orgs}`,
            (steps[1]?.signMs ?? 0) + (steps[1]?.submitMs ?? 0),
          ),
        ];
      } finally {
        say('bringing the network and the newcomers down');
        for (const h of homes) await stopAll(path.join(h.t.dir, 'pids')).catch(() => undefined);
        // Newcomers whose step failed before they were counted run from their folders too.
        for (const n of NEWCOMERS) await stopAll(path.join(homesDir, n.key, 'pids')).catch(() => undefined);
        // A run that failed keeps its folders and logs for the reader.
        await networkDown({ dir: netDir, keepState: !finished });
        if (finished)
          for (const d of [nodesDir, homesDir, handover]) await rm(d, { recursive: true, force: true });
        else say(`kept for inspection: ${netDir} (logs/), ${homesDir}, ${handover}`);
        if (fabricCaBefore === undefined) delete process.env.DMSNET_FABRIC_CA;
        else process.env.DMSNET_FABRIC_CA = fabricCaBefore;
      }
    },
  },
];
