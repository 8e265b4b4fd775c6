#!/usr/bin/env node
// dmsnet-verify: checks an evidence bundle offline — no network, no gateway, no ledger (decision record 0034).
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { dmsnetVersion } from '@dmsnet/formats/paths';
import { verifyEvidence } from '../../gateway/src/evidence/verify.js';

const program = new Command('dmsnet-verify')
  .version(dmsnetVersion())
  .description(
    'Проверяет пакет доказательств dmsnet без сети: хеши, подписи документа и квитанций, подписи блоков и одобрения ' +
      'транзакций. / Checks a dmsnet evidence bundle offline: hashes, the document’s and receipts’ signatures, the ' +
      'blocks’ orderer signatures and the endorsements.',
  )
  .argument('<bundle>', 'пакет (zip), который записал `dmsnet-node evidence` / the bundle zip')
  .option('--json', 'отчёт в JSON / print the report as JSON')
  .option('--en', 'отчёт по-английски / report in English')
  .action(async (file: string, o: { json?: boolean; en?: boolean }) => {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (err) {
      process.stderr.write(`dmsnet-verify: ${file}: ${(err as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    const report = verifyEvidence(bytes);
    if (o.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      if (report.messageId)
        process.stdout.write(
          `${report.messageId} (${report.ledger === 'fabric' ? 'Hyperledger Fabric' : 'embedded'})\n`,
        );
      for (const c of report.checks)
        process.stdout.write(`${c.ok ? 'OK  ' : 'FAIL'}  ${c.part}  ${o.en ? c.en : c.ru}\n`);
      process.stdout.write(
        report.ok
          ? o.en
            ? 'All checks passed.\n'
            : 'Все проверки пройдены.\n'
          : o.en
            ? 'The bundle does NOT verify.\n'
            : 'Пакет НЕ прошёл проверку.\n',
      );
    }
    process.exitCode = report.ok ? 0 : 1;
  });

await program.parseAsync();
