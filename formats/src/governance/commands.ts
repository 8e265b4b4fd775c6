// dmsnet-format's governance subcommands. HTTP only: formats/ must not import gateway code, and an operator's
// workstation should need nothing but the gateway URL and its token.
import { wireCode } from '../error-codes.js';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DmsnetError } from '../errors.js';
import { diffSchemas, type SchemaChange } from './diff.js';
import { compileSchema } from '../schema/compile.js';
import { unresolvedRefs } from '../schema/self-contained.js';
import { BUNDLED_VERSIONS, bundledSchemaText } from '../schema/registry.js';
import { DOCUMENT_TYPES, type DocumentType } from '../types.js';

interface Conn {
  gateway: string;
  token: string;
}

function conn(cmd: Command): Conn {
  const o = cmd.optsWithGlobals<{ gateway?: string; token?: string }>();
  const gateway = o.gateway ?? process.env.DMSNET_GATEWAY;
  const token = o.token ?? process.env.DMSNET_TOKEN;
  if (!gateway) throw new DmsnetError('GATEWAY_MISSING', 'give --gateway URL or set DMSNET_GATEWAY');
  if (!token) throw new DmsnetError('TOKEN_MISSING', 'give --token or set DMSNET_TOKEN');
  return { gateway: gateway.replace(/\/$/, ''), token };
}

async function call(c: Conn, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${c.gateway}${path}`, {
    method,
    headers: { authorization: `Bearer ${c.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const value: unknown = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!res.ok) {
    const e = value as { code?: string; message?: string; errors?: [] };
    throw new DmsnetError(
      wireCode(e.code ?? `HTTP_${res.status}`),
      e.message ?? `HTTP ${res.status}`,
      e.errors ?? [],
    );
  }
  return value;
}

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
const enc = encodeURIComponent;

/** A schema from a local file, or TYPE@VERSION fetched from the gateway. */
async function loadSchema(cmd: Command, type: string, ref: string): Promise<unknown> {
  if (/[/\\.]/.test(ref) && !/^\d+(\.\d+)*$/.test(ref))
    return JSON.parse(await readFile(ref, 'utf8')) as unknown;
  const text = await call(conn(cmd), 'GET', `/v1/governance/schemas/${enc(type)}/${enc(ref)}`);
  return typeof text === 'string' ? (JSON.parse(text) as unknown) : text;
}

export function registerGovernanceCommands(program: Command): void {
  program
    .option('--gateway <url>', 'gateway URL (env DMSNET_GATEWAY)')
    .option('--token <token>', 'gateway bearer token (env DMSNET_TOKEN)');

  program
    .command('propose <type> <version> <schema>')
    .description('propose a format version from a schema file')
    .requiredOption('--effective <date>', 'effective date YYYY-MM-DD')
    .action(async (type: string, version: string, schema: string, o: { effective: string }, cmd: Command) => {
      const schemaText = await readFile(schema, 'utf8');
      checkProposalText(schema, schemaText);
      print(
        await call(conn(cmd), 'POST', '/v1/governance/proposals', {
          type,
          version,
          schemaText,
          effectiveFrom: o.effective,
        }),
      );
    });
  program
    .command('bundle <type>')
    .description(
      'print the self-contained schema text of a bundled version (common definitions embedded): what to propose',
    )
    .option('--format-version <v>', `one of ${BUNDLED_VERSIONS.join(', ')}`, '1')
    .action((type: string, o: { formatVersion: string }) => {
      if (!DOCUMENT_TYPES.includes(type as DocumentType)) {
        throw new DmsnetError('DOCUMENT_TYPE_UNKNOWN', `unknown type ${type}`, [
          { pointer: '/type', code: 'DOCUMENT_TYPE_UNKNOWN', message: `one of ${DOCUMENT_TYPES.join(', ')}` },
        ]);
      }
      process.stdout.write(bundledSchemaText(type as DocumentType, o.formatVersion));
    });
  program
    .command('vote <id> <choice>')
    .description('vote yes|no on a proposal; id is TYPE@VERSION')
    .action(async (id: string, choice: string, _o: unknown, cmd: Command) => {
      const [type, version] = splitId(id);
      print(
        await call(conn(cmd), 'POST', `/v1/governance/proposals/${enc(type)}/${enc(version)}/votes`, {
          choice,
        }),
      );
    });
  program.command('status <id>').action(async (id: string, _o: unknown, cmd: Command) => {
    const [type, version] = splitId(id);
    print(await call(conn(cmd), 'GET', `/v1/governance/proposals/${enc(type)}/${enc(version)}`));
  });
  program.command('list').action(async (_o: unknown, cmd: Command) => {
    print(await call(conn(cmd), 'GET', '/v1/governance/proposals'));
  });
  program
    .command('show <type> <version>')
    .action(async (type: string, version: string, _o: unknown, cmd: Command) => {
      process.stdout.write(
        `${String(await call(conn(cmd), 'GET', `/v1/governance/schemas/${enc(type)}/${enc(version)}`))}\n`,
      );
    });
  program
    .command('retire <id>')
    .description('retire a version (association only)')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const [type, version] = splitId(id);
      print(await call(conn(cmd), 'POST', `/v1/governance/proposals/${enc(type)}/${enc(version)}/retire`));
    });
  program
    .command('diff <type> <v1> <v2>')
    .description('classify schema changes; v1/v2 are versions on the gateway or local schema files')
    .option('--json', 'print JSON')
    .action(async (type: string, v1: string, v2: string, o: { json?: boolean }, cmd: Command) => {
      const changes = diffSchemas(await loadSchema(cmd, type, v1), await loadSchema(cmd, type, v2));
      if (o.json) print(changes);
      else process.stdout.write(table(changes));
    });
}

/**
 * What every gateway will do with the voted text, done before the vote: it must be one schema that compiles on its
 * own. The obvious file (formats/schemas/v1/insured-list.schema.json) refers to common.schema.json beside it and is
 * refused here with the way out, instead of being voted active and then rejecting every document that uses it.
 */
function checkProposalText(file: string, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DmsnetError('SCHEMA_TEXT_INVALID', `${file} is not JSON: ${(err as Error).message}`, [
      { pointer: '', code: 'SCHEMA_TEXT_INVALID', message: 'not JSON' },
    ]);
  }
  const refs = unresolvedRefs(parsed);
  if (refs.length) {
    throw new DmsnetError(
      'SCHEMA_REF_UNRESOLVED',
      `${file} refers outside itself; propose a self-contained text (for a bundled type: \`dmsnet-format bundle TYPE > FILE\`)`,
      refs,
    );
  }
  try {
    compileSchema(text);
  } catch (err) {
    throw new DmsnetError('SCHEMA_TEXT_INVALID', `${file} does not compile: ${(err as Error).message}`, [
      { pointer: '', code: 'SCHEMA_TEXT_INVALID', message: (err as Error).message },
    ]);
  }
}

function splitId(id: string): [string, string] {
  const at = id.lastIndexOf('@');
  if (at <= 0) throw new DmsnetError('ID_INVALID', `proposal id ${id} must be TYPE@VERSION`);
  return [id.slice(0, at), id.slice(at + 1)];
}

function table(changes: readonly SchemaChange[]): string {
  if (!changes.length) return 'no changes\n';
  const rows = changes.map((c) => [c.kind, c.rule, c.pointer, c.message]);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return (
    rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(w[i] as number) : cell)).join('  ')).join('\n') +
    '\n'
  );
}
