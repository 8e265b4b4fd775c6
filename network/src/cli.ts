#!/usr/bin/env node
// npm run network:up | network:down | network:status — the native Fabric network of this machine.
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { dmsnetVersion } from '../../formats/src/paths.js';
import { findFabric } from './binaries.js';
import { networkDown } from './down.js';
import { PACKAGE_ROOT } from './nodes.js';
import { consoleProgress } from './progress.js';
import { networkStatus } from './status.js';
import { networkUp } from './up.js';

const portBase = (v: string) => {
  const n = Number(v);
  // The network uses about 150 ports from its base.
  if (!Number.isInteger(n) || n < 1024 || n > 65_000)
    throw new InvalidArgumentError('a port number from 1024 to 65000');
  return n;
};

export const DEFAULT_DIR = process.env.DMSNET_FABRIC_DIR ?? path.join(PACKAGE_ROOT, '.run', 'fabric');

const program = new Command('dmsnet-network')
  .version(dmsnetVersion())
  .description('A native Hyperledger Fabric network for dmsnet (no Docker)');
program.option('--dir <dir>', 'state directory of the network', DEFAULT_DIR);

program
  .command('up')
  .description(
    'bring the network up: association (orderers + peer), two insurers, the clinic host organisation',
  )
  .option('--bft', 'four SmartBFT orderers instead of three Raft orderers')
  .addOption(
    new Option('--port-base <n>', 'first port of the network (all on 127.0.0.1)')
      .default(27000)
      .argParser(portBase),
  )
  .option('--batch-timeout <d>', 'ordering batch timeout', '100ms')
  .action(async (o: { bft?: boolean; portBase: number; batchTimeout: string }) => {
    const t0 = Date.now();
    await networkUp({
      dir: program.opts<{ dir: string }>().dir,
      consensus: o.bft ? 'bft' : 'raft',
      portBase: o.portBase,
      batchTimeout: o.batchTimeout,
      progress: consoleProgress(),
    });
    console.log(
      `up in ${((Date.now() - t0) / 1000).toFixed(1)} s; state in ${program.opts<{ dir: string }>().dir}`,
    );
  });

program
  .command('down')
  .description('stop every process the network started and remove its state')
  .action(async () => {
    await networkDown({ dir: program.opts<{ dir: string }>().dir, progress: consoleProgress() });
  });

program
  .command('check')
  .description(
    'find the Fabric binaries (FABRIC_BIN or PATH) and check their version; exit 1 naming what is missing',
  )
  .action(async () => {
    const f = await findFabric();
    console.log(`Fabric ${f.version}: ${Object.values(f.bin).join(', ')}; config ${f.configDir}`);
  });

program
  .command('status')
  .description('processes, channel heights, committed chaincode')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    const s = await networkStatus(program.opts<{ dir: string }>().dir);
    if (o.json) return console.log(JSON.stringify(s, null, 2));
    if (!s.exists) return console.log(`no network in ${s.dir}`);
    console.log(`network in ${s.dir} (${s.consensus})`);
    for (const p of s.processes)
      console.log(`  ${p.alive ? 'running' : 'stopped'}  ${p.name.padEnd(28)} pid ${p.pid ?? '-'}`);
    for (const h of s.heights)
      console.log(
        `  height ${String(h.height ?? '?').padStart(6)}  ${h.peer}${h.error ? `  (${h.error})` : ''}`,
      );
    console.log(`  chaincode: ${s.chaincode}`);
  });

program.parseAsync().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exit(1);
});
