#!/usr/bin/env node
// dmsnet-format: validate, generate, canonicalise and digest dmsnet documents.
import { dmsnetVersion } from '../paths.js';
import { Command, InvalidArgumentError } from 'commander';
import { registerGovernanceCommands } from '../governance/commands.js';
import { canonicalDigest, canonicalJson } from '../canonical.js';
import { DmsnetError, type FieldError } from '../errors.js';
import { generateDocument } from '../generator/generate.js';
import { DOCUMENT_TYPES, isDocumentType, type DocumentType } from '../types.js';
import { validateDocument } from '../validate.js';
import { readJsonFile, readTextFile } from './read-json.js';

interface FileReport {
  file: string;
  valid: boolean;
  errors: FieldError[];
}

async function validateFile(file: string, relatedInvoice: unknown, schemaText?: string): Promise<FileReport> {
  let doc: unknown;
  try {
    doc = await readJsonFile(file);
  } catch (err) {
    if (!(err instanceof DmsnetError)) throw err;
    return { file, valid: false, errors: [{ pointer: '', code: err.code, message: err.message }] };
  }
  const errors = validateDocument(doc, { schemaText, related: { invoice: relatedInvoice } });
  return { file, valid: errors.length === 0, errors };
}

function printReport(r: FileReport): void {
  if (r.valid) {
    process.stdout.write(`${r.file}: valid\n`);
    return;
  }
  process.stdout.write(`${r.file}: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}\n`);
  for (const e of r.errors) process.stdout.write(`  ${e.pointer || '(document)'}  ${e.code}  ${e.message}\n`);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

function documentType(value: string): DocumentType {
  if (!isDocumentType(value)) throw new InvalidArgumentError(`must be one of ${DOCUMENT_TYPES.join(', ')}`);
  return value;
}

async function readOrExit(file: string): Promise<unknown> {
  try {
    return await readJsonFile(file);
  } catch (err) {
    if (!(err instanceof DmsnetError)) throw err;
    process.stderr.write(`${err.code}: ${err.message}\n`);
    process.exit(1);
  }
}

const program = new Command('dmsnet-format')
  .version(dmsnetVersion())
  .description('The dmsnet document format v1: validate, generate, canonicalise and digest documents.')
  .showHelpAfterError();

program
  .command('validate')
  .description('validate documents against their schema and business rules; exit 1 when any is invalid')
  .argument('<files...>', 'JSON documents')
  .option('--json', 'print [{file, valid, errors: [{pointer, code, message}]}] as JSON')
  .option('--invoice <file>', 'the invoice an expertise act examines (checks ACT_LINE_UNKNOWN and amounts)')
  .option(
    '--schema <file>',
    'validate against this schema text (e.g. a governance-activated version) instead of the bundled one',
  )
  .action(async (files: string[], opts: { json?: boolean; invoice?: string; schema?: string }) => {
    const invoice = opts.invoice === undefined ? undefined : await readOrExit(opts.invoice);
    // Passed on as read: the text itself is what the format registry stores and compiles.
    const schemaText = opts.schema === undefined ? undefined : await readTextFile(opts.schema);
    const reports: FileReport[] = [];
    for (const file of files) {
      if (files.length > 20 && !opts.json) process.stderr.write(`validating ${file}\n`);
      reports.push(await validateFile(file, invoice, schemaText));
    }
    if (opts.json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
    else reports.forEach(printReport);
    process.exitCode = reports.every((r) => r.valid) ? 0 : 1;
  });

program
  .command('generate')
  .description('write a valid synthetic document to stdout')
  .requiredOption('--type <type>', `one of ${DOCUMENT_TYPES.join(', ')}`, documentType)
  .option('--rows <n>', 'rows or lines', positiveInt)
  .option('--seed <s>', 'the same seed gives the same document', integer, 1)
  .action((opts: { type: DocumentType; rows?: number; seed: number }) => {
    if ((opts.rows ?? 0) > 10_000) process.stderr.write(`generating ${opts.rows} rows of ${opts.type}\n`);
    process.stdout.write(
      JSON.stringify(generateDocument(opts.type, { rows: opts.rows, seed: opts.seed }), null, 2) + '\n',
    );
  });

program
  .command('canonical')
  .description('print the RFC 8785 canonical JSON of a file (the bytes that are signed)')
  .argument('<file>')
  .action(async (file: string) => {
    process.stdout.write(canonicalJson(await readOrExit(file)));
  });

program
  .command('digest')
  .description('print the SHA-256 (hex) of the canonical JSON of a file')
  .argument('<file>')
  .action(async (file: string) => {
    process.stdout.write(canonicalDigest(await readOrExit(file)) + '\n');
  });

registerGovernanceCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof DmsnetError ? `${err.code}: ${err.message}` : String(err);
  process.stderr.write(message + '\n');
  // The fields at fault, one a line, as dmsnet-node prints them.
  if (err instanceof DmsnetError)
    for (const e of err.errors) process.stderr.write(`  ${e.pointer || '/'}\t${e.code}\t${e.message}\n`);
  process.exit(1);
});
