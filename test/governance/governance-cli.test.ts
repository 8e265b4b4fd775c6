import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { bundledSchemaText } from '@dmsnet/formats';
import type { RunningServer } from '../../gateway/src/api/server.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import { GatewayClient } from '../../sandbox/src/demo/client.js';
import { checkResponse } from '../gateway/fixtures/contract.js';
import { startLocalNetwork, type LocalNetwork } from '../../sandbox/src/local-network/network.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../formats/dist/cli/main.js', import.meta.url));

describe('governance through the dmsnet-format CLI', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  const servers: Record<string, RunningServer> = {};
  const token = randomBytes(32).toString('base64url');
  const fmt = async (who: string, ...args: string[]) => {
    const r = await run(process.execPath, [cli, '--gateway', servers[who]!.url, '--token', token, ...args]);
    return r.stdout;
  };
  const fmtJson = async (who: string, ...args: string[]) =>
    JSON.parse(await fmt(who, ...args)) as Record<string, unknown>;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-gov-'));
    net = await startLocalNetwork({
      dir,
      workflows: false,
      participants: [
        { key: 'association', role: 'association', name: 'Ассоциация', mspId: 'AssociationMSP' },
        { key: 'insurer1', role: 'insurer', name: 'СК 1', mspId: 'Insurer1MSP' },
        { key: 'insurer2', role: 'insurer', name: 'СК 2', mspId: 'Insurer2MSP' },
        { key: 'clinic', role: 'clinic', name: 'Клиника', mspId: 'ClinicHostMSP', viaAttribute: true },
      ],
    });
    for (const key of ['association', 'insurer1', 'insurer2']) {
      const p = net.get(key);
      servers[key] = await startNodeApi(p, { port: 0, token });
    }
    // Insurers vote on formats from here on; both must agree.
    await net
      .get('association')
      .ledger.submit('formats:setRules', [JSON.stringify({ voterRoles: ['insurer'], quorum: 1 })]);
  });
  after(async () => {
    for (const s of Object.values(servers)) await s.close();
    await net.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function sendAs(type: string, version: string) {
    const ciphertext = randomBytes(64);
    const from = net.get('insurer1');
    return from.ledger.submit(
      'exchange:send',
      [
        JSON.stringify({
          messageId: `${from.id}:${randomUUID()}`,
          sender: from.id,
          addressee: net.get('clinic').id,
          documentType: type,
          formatVersion: version,
          ciphertextHash: createHash('sha256').update(ciphertext).digest('hex'),
          size: ciphertext.length,
          senderKeyVersion: 1,
        }),
      ],
      { ciphertext },
    );
  }

  it('propose → votes → active today → v2 accepted; future date approved but not active; retired refused', async () => {
    const v1 = JSON.parse(bundledSchemaText('insured-list', '1')) as { properties: Record<string, unknown> };
    const v2 = { ...v1, properties: { ...v1.properties, note: { type: 'string' } } };
    const file = path.join(dir, 'v2.json');
    await writeFile(file, JSON.stringify(v2));
    const today = new Date().toISOString().slice(0, 10);

    const proposed = await fmtJson('association', 'propose', 'insured-list', '2', file, '--effective', today);
    expect(proposed.state).to.equal('PROPOSED');
    await fmt('insurer1', 'vote', 'insured-list@2', 'yes');
    expect((await fmtJson('association', 'status', 'insured-list@2')).state).to.equal('PROPOSED');
    await fmt('insurer2', 'vote', 'insured-list@2', 'yes');
    const status = await fmtJson('insurer1', 'status', 'insured-list@2');
    expect(status.state).to.equal('APPROVED');
    expect(status.active).to.equal(true);
    const sent = await sendAs('insured-list', '2');
    expect(sent.transactionId).to.be.a('string');

    const diff = JSON.parse(await fmt('insurer1', 'diff', 'insured-list', '1', '2', '--json')) as Array<{
      kind: string;
      rule: string;
    }>;
    expect(diff).to.deep.include({
      kind: 'compatible',
      rule: 'PROPERTY_ADDED',
      pointer: '/properties/note',
      message: 'optional note added',
    } as never);
    expect(diff.some((c) => c.kind === 'breaking')).to.equal(false);

    await fmt('association', 'propose', 'insured-list', '3', file, '--effective', '2099-01-01');
    await fmt('insurer1', 'vote', 'insured-list@3', 'yes');
    await fmt('insurer2', 'vote', 'insured-list@3', 'yes');
    const future = await fmtJson('insurer2', 'status', 'insured-list@3');
    expect(future.state).to.equal('APPROVED');
    expect(future.active).to.equal(false);

    await fmt('association', 'retire', 'insured-list@2');
    let code = '';
    try {
      await sendAs('insured-list', '2');
    } catch (err) {
      code = (err as { code: string }).code;
    }
    expect(code).to.equal('FORMAT_NOT_ACTIVE');
    const list = JSON.parse(await fmt('insurer1', 'list')) as Array<{
      type: string;
      version: string;
      state: string;
    }>;
    expect(list.find((f) => f.type === 'insured-list' && f.version === '2')?.state).to.equal('RETIRED');
  });

  it('answers a proposal’s changes against the active version of its type over HTTP (breaking or compatible)', async () => {
    const v1 = JSON.parse(bundledSchemaText('insured-list', '1')) as {
      required: string[];
      properties: Record<string, unknown>;
    };
    const v4 = {
      ...v1,
      required: [...v1.required, 'approvedBy'],
      properties: { ...v1.properties, approvedBy: { type: 'string' }, note: { type: 'string' } },
    };
    const file = path.join(dir, 'v4.json');
    await writeFile(file, JSON.stringify(v4));
    await fmt('association', 'propose', 'insured-list', '4', file, '--effective', '2099-01-01');
    const client = new GatewayClient(servers.insurer1!.url, token, undefined, checkResponse);
    const r = await client.call<{
      against?: string;
      breaking: boolean;
      changes: Array<{ kind: string; rule: string; pointer: string }>;
    }>('GET', '/v1/governance/proposals/insured-list/4/diff');
    expect(r.status).to.equal(200);
    // v2 was retired and v3 is not in force yet: v1 is what documents are checked with today.
    expect(r.body.against).to.equal('1');
    expect(r.body.breaking).to.equal(true);
    expect(r.body.changes.map((c) => `${c.kind} ${c.rule} ${c.pointer}`)).to.include.members([
      'breaking REQUIRED_ADDED /required',
      'compatible PROPERTY_ADDED /properties/note',
    ]);
    const v1diff = await client.call<{ against?: string; changes: unknown[] }>(
      'GET',
      '/v1/governance/proposals/insured-list/1/diff',
    );
    expect(v1diff.body).to.include({ breaking: false });
    expect(v1diff.body.against).to.equal(undefined);
    expect((await client.call('GET', '/v1/governance/proposals/insured-list/77/diff')).status).to.equal(404);
  });

  it('refuses malformed governance requests against the contract, naming the field (400 REQUEST_INVALID)', async () => {
    const client = new GatewayClient(servers.insurer1!.url, token, undefined, checkResponse);
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/governance/proposals/insured-list/1/votes', { choice: 'maybe' }, '/body/choice'],
      ['POST', '/v1/governance/proposals/insured-list/1/votes', {}, '/body/choice'],
      [
        'POST',
        '/v1/governance/proposals',
        { type: 'Insured List', version: '9', schemaText: '{}', effectiveFrom: '2099-01-01' },
        '/body/type',
      ],
      [
        'POST',
        '/v1/governance/proposals',
        { type: 'insured-list', version: '9', schemaText: '{}', effectiveFrom: '1 января' },
        '/body/effectiveFrom',
      ],
      ['GET', '/v1/governance/proposals/INSURED/1/diff', undefined, '/params/type'],
      ['GET', '/v1/governance/schemas/insured-list/1%20or%201', undefined, '/params/version'],
    ];
    for (const [method, url, body, pointer] of cases) {
      const r = await client.call<{ code: string; errors: Array<{ pointer: string }> }>(method, url, body);
      expect(r.status, `${method} ${url}`).to.equal(400);
      expect(r.body.code).to.equal('REQUEST_INVALID');
      expect(r.body.errors.map((e) => e.pointer)).to.include(pointer);
    }
  });
});
