// A node started from its directory (what `dmsnet-node start` runs) serves every operation of the API's contract:
// the demo's association once answered "no route" on the format registry because its API was assembled by hand.
import 'reflect-metadata';
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng, generateOgrn } from '@dmsnet/formats';
import { openApiDocument } from '../../gateway/src/api/openapi.js';
import { sodium } from '../../gateway/src/crypto/index.js';
import { initNode } from '../../node-config/src/init.js';
import { startNode, type RunningNode } from '../../node-config/src/node.js';
import { checkResponse } from '../gateway/fixtures/contract.js';

const STATE_CHANGING = new Set(['post', 'put', 'patch', 'delete']);

/** The API's answer to a route it does not have (api/errors.ts `notFound`), told apart from a missing document. */
const isNoRoute = (status: number, body: unknown) =>
  status === 404 &&
  (body as { code?: string }).code === 'NOT_FOUND' &&
  String((body as { message?: string }).message).startsWith('no route ');

describe('node-config: a started node serves every route of the contract', () => {
  let dir: string;
  let running: RunningNode;
  before(async function () {
    this.timeout(120_000);
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-routes-'));
    const libsodium = await sodium();
    await initNode({
      dir,
      role: 'association',
      ogrn: generateOgrn(createRng(4242)),
      name: 'Союз (тест маршрутов)',
      port: 0,
      passphrase: 'pw',
      kdf: {
        opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      },
    });
    running = await startNode(dir, { passphrase: 'pw' });
  });
  after(async () => {
    await running?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the unknown-route answer is what this test looks for', async () => {
    const res = await fetch(`${running.url}/v1/no-such-route`, {
      headers: { authorization: `Bearer ${running.token}` },
    });
    expect(isNoRoute(res.status, await res.json())).to.equal(true);
  });

  const operations = Object.entries(openApiDocument.paths).flatMap(([template, item]) =>
    Object.keys(item).map((method) => ({ template, method })),
  );
  for (const { template, method } of operations) {
    it(`${method.toUpperCase()} ${template}`, async () => {
      // Placeholders name nothing, and state-changing requests carry an empty body the contract refuses, so the
      // sweep changes nothing on the node: a 400 or a 404-of-a-missing-thing proves the route is there.
      const p = template.replace(/\{[^}]+\}/g, 'no-such-thing');
      const ac = new AbortController();
      const res = await fetch(running.url + p, {
        method: method.toUpperCase(),
        signal: ac.signal,
        headers: {
          authorization: `Bearer ${running.token}`,
          ...(STATE_CHANGING.has(method) ? { 'content-type': 'application/json' } : {}),
        },
        ...(STATE_CHANGING.has(method) ? { body: '{}' } : {}),
      });
      const contentType = res.headers.get('content-type') ?? '';
      if (contentType.startsWith('text/event-stream')) {
        // The event stream never ends by itself; its headers are the answer.
        ac.abort();
        expect(res.status).to.equal(200);
        return;
      }
      const text = await res.text();
      const body = text && contentType.includes('json') ? (JSON.parse(text) as unknown) : text;
      expect(isNoRoute(res.status, body), `${method.toUpperCase()} ${p} → ${res.status} ${text}`).to.equal(
        false,
      );
      checkResponse({ method: method.toUpperCase(), path: p, status: res.status, contentType, body });
    });
  }
});
