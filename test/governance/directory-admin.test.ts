import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bundledSchemaText,
  createRng,
  generateDocument,
  generateInn10,
  generateOgrn,
  messageIdOf,
} from '@dmsnet/formats';
import {
  generateParticipantKeys,
  loadKeyFile,
  openDocument,
  publicKeysBase64,
  sealDocument,
  sha256Hex,
} from '../../gateway/src/crypto/index.js';
import type { RunningServer } from '../../gateway/src/api/server.js';
import { startNodeApi } from '../../gateway/src/api/node-api.js';
import { GatewayClient } from '../../sandbox/src/demo/client.js';
import { startLocalNetwork, type LocalNetwork } from '../../sandbox/src/local-network/network.js';
import type { InboxRecord, Participant } from '../../gateway/src/node/types.js';
import { checkResponse } from '../gateway/fixtures/contract.js';

/** The parts of GET /v1/documents/{id} these tests read: the inbox or outbox record and the status. */
type View = { status: string; record: InboxRecord };
type Err = { code: string; errors: Array<{ pointer: string; code: string }> };

describe('the association’s directory verbs and key rotation over REST', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  const servers: Record<string, RunningServer> = {};
  const token = randomBytes(32).toString('base64url');
  const api = (key: string) => new GatewayClient(servers[key]!.url, token, undefined, checkResponse);

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-diradmin-'));
    net = await startLocalNetwork({
      dir,
      workflows: false,
      participants: [
        { key: 'association', role: 'association', name: 'Ассоциация', mspId: 'AssociationMSP' },
        { key: 'insurer', role: 'insurer', name: 'АО «СК»', mspId: 'InsurerMSP' },
        { key: 'clinic', role: 'clinic', name: 'ООО «Клиника»', mspId: 'InsurerMSP', viaAttribute: true },
      ],
    });
    for (const key of ['association', 'insurer', 'clinic']) {
      servers[key] = await startNodeApi(net.get(key), { port: 0, token });
    }
  });
  after(async () => {
    for (const s of Object.values(servers)) await s.close();
    await net?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const newcomer = async (seed: number) => {
    const id = generateOgrn(createRng(seed));
    const ca = await net.ledger.ca('InsurerMSP');
    const cert = await ca.issue({ commonName: `newcomer-${seed}`, attributes: { 'dmsnet.participant': id } });
    const keys = await generateParticipantKeys();
    return {
      id,
      identity: { mspId: 'InsurerMSP', certificate: cert.certificate, privateKey: cert.privateKey },
      registration: {
        id,
        role: 'clinic',
        name: `ООО «Новая клиника ${seed}»`,
        inn: generateInn10(createRng(seed)),
        identities: [{ mspId: 'InsurerMSP', kind: 'attribute' }],
        keys: publicKeysBase64(keys),
      },
    };
  };

  it('registers a newcomer, whose own identity then acts for it; refuses malformed, foreign and repeated registrations', async () => {
    const n = await newcomer(501);
    const missing = await api('association').call<Err>('POST', '/v1/governance/participants', {
      ...n.registration,
      keys: undefined,
    });
    expect(missing.status).to.equal(400);
    expect(missing.body.errors.map((e) => e.pointer)).to.include('/body/keys');
    const badOgrn = await api('association').call<Err>('POST', '/v1/governance/participants', {
      ...n.registration,
      id: n.id.slice(0, 12) + String((Number(n.id[12]) + 1) % 10),
    });
    expect(badOgrn.status, 'the checksum is the chaincode’s rule').to.equal(400);
    expect(badOgrn.body.errors[0]?.pointer).to.equal('/body/id');
    const foreign = await api('insurer').call<Err>('POST', '/v1/governance/participants', n.registration);
    expect(foreign.status).to.equal(403);

    const made = await api('association').call<Participant>(
      'POST',
      '/v1/governance/participants',
      n.registration,
    );
    expect(made.status).to.equal(201);
    expect(made.body).to.include({ id: n.id, status: 'ACTIVE' });
    const me = JSON.parse(
      Buffer.from(await net.ledger.connect(n.identity).evaluate('directory:whoAmI', [])).toString('utf8'),
    ) as Participant;
    expect(me.id).to.equal(n.id);

    const again = await api('association').call<Err>('POST', '/v1/governance/participants', n.registration);
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('PARTICIPANT_EXISTS');
  });

  it('suspends and resumes a participant: a send to a suspended one is refused at the sender', async () => {
    const clinic = net.get('clinic');
    const insurer = net.get('insurer');
    const suspended = await api('association').call<Participant>(
      'POST',
      `/v1/governance/participants/${clinic.id}/suspend`,
    );
    expect(suspended.status).to.equal(200);
    expect(suspended.body.status).to.equal('SUSPENDED');
    const doc = generateDocument('insured-list', {
      seed: 11,
      rows: 2,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const refused = await api('insurer').call<Err>('POST', '/v1/documents', doc);
    expect(refused.status).to.equal(422);
    expect(refused.body.code).to.equal('ADDRESSEE_INACTIVE');
    const byInsurer = await api('insurer').call<Err>(
      'POST',
      `/v1/governance/participants/${clinic.id}/resume`,
    );
    expect(byInsurer.status).to.equal(403);
    const resumed = await api('association').call<Participant>(
      'POST',
      `/v1/governance/participants/${clinic.id}/resume`,
    );
    expect(resumed.body.status).to.equal('ACTIVE');
    expect((await api('insurer').call('POST', '/v1/documents', doc)).status).to.equal(202);
    const unknown = await api('association').call<Err>(
      'POST',
      `/v1/governance/participants/${generateOgrn(createRng(9090))}/suspend`,
    );
    expect(unknown.status).to.equal(404);
  });

  it('sets the voting rules; a quorum out of range is refused at its field', async () => {
    const bad = await api('association').call<Err>('PUT', '/v1/governance/rules', {
      voterRoles: ['insurer'],
      quorum: 2,
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0]?.pointer).to.equal('/body/quorum');
    const set = await api('association').call('PUT', '/v1/governance/rules', {
      voterRoles: ['insurer', 'association'],
      quorum: 0.75,
    });
    expect(set.status).to.equal(200);
    expect((await api('clinic').call('GET', '/v1/governance/rules')).body).to.deep.equal({
      voterRoles: ['insurer', 'association'],
      quorum: 0.75,
    });
    expect((await api('clinic').call('PUT', '/v1/governance/rules', set.body)).status).to.equal(403);
  });

  it('rotates a node’s keys: new documents are sealed to the new key, documents sealed to the old one still open', async () => {
    const clinic = net.get('clinic');
    const insurer = net.get('insurer');
    const before = clinic.keys;
    // Sealed to version 1 now, submitted after the rotation: a sender that had not yet read the new key.
    const late = generateDocument('insured-list', {
      seed: 21,
      rows: 2,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const lateCt = await sealDocument({
      document: late,
      signSecretKey: insurer.keys.signSecretKey,
      senderId: insurer.id,
      keyVersion: 1,
      recipientBoxPublicKey: before.boxPublicKey,
    });

    const rotated = await api('clinic').call<{ version: number; x25519: string; txId: string }>(
      'POST',
      '/v1/keys/rotate',
    );
    expect(rotated.status).to.equal(200);
    expect(rotated.body.version).to.equal(2);
    expect(rotated.body.x25519).to.not.equal(publicKeysBase64(before).x25519);
    const trail = (await api('insurer').call<Participant>('GET', `/v1/participants/${clinic.id}`)).body.keys;
    expect(trail.map((k) => k.version)).to.deep.equal([1, 2]);
    expect((trail[1] as { txId?: string }).txId).to.equal(rotated.body.txId);

    const lateId = messageIdOf(insurer.id, late.header.documentId);
    await insurer.ledger.submit(
      'exchange:send',
      [
        JSON.stringify({
          messageId: lateId,
          sender: insurer.id,
          addressee: clinic.id,
          documentType: 'insured-list',
          formatVersion: '1',
          ciphertextHash: sha256Hex(lateCt),
          size: lateCt.byteLength,
          senderKeyVersion: 1,
        }),
      ],
      { ciphertext: lateCt },
    );
    const fresh = generateDocument('insured-list', {
      seed: 22,
      rows: 2,
      sender: insurer.party,
      addressee: clinic.party,
    });
    expect((await api('insurer').call('POST', '/v1/documents', fresh)).status).to.equal(202);
    const freshId = messageIdOf(insurer.id, fresh.header.documentId);
    for (const id of [lateId, freshId]) {
      const got = await api('clinic').waitFor<View>(
        `/v1/documents/${encodeURIComponent(id)}`,
        (s) => s === 200,
      );
      expect(got.record.status, `${id} opened`).to.equal('RECEIVED');
      expect(got.record.rejection, JSON.stringify(got.record)).to.equal(undefined);
    }
    // The new document is sealed to the new key: the old one cannot open it.
    const ct = new Uint8Array(
      Buffer.from(
        JSON.parse(
          Buffer.from(await clinic.ledger.evaluate('exchange:getPayload', [freshId])).toString('utf8'),
        ) as string,
        'base64',
      ),
    );
    let oldOpens = true;
    try {
      await openDocument({
        ciphertext: ct,
        boxPublicKey: before.boxPublicKey,
        boxSecretKey: before.boxSecretKey,
        resolveSignKey: async () => insurer.keys.signPublicKey,
      });
    } catch (err) {
      oldOpens = false;
      expect((err as { code?: string }).code).to.equal('SEAL_OPEN_FAILED');
    }
    expect(oldOpens).to.equal(false);

    // What the clinic sends now is signed with version 2, and the insurer verifies it against that version.
    const priceList = generateDocument('price-list', {
      seed: 23,
      rows: 2,
      sender: clinic.party,
      addressee: insurer.party,
    });
    const sent = await api('clinic').call<{ keyVersion?: number; messageId: string }>(
      'POST',
      '/v1/documents',
      priceList,
    );
    expect(sent.body.keyVersion).to.equal(2);
    const arrived = await api('insurer').waitFor<View>(
      `/v1/documents/${encodeURIComponent(sent.body.messageId)}`,
      (s) => s === 200,
    );
    expect(arrived.record.rejection).to.equal(undefined);

    // The key file keeps the new keys as current and the old box key among the earlier ones, for the next start.
    const file = await loadKeyFile(path.join(dir, 'keys', 'clinic.json'), 'dmsnet-sandbox');
    expect(file.version).to.equal(2);
    expect(file.next).to.equal(undefined);
    expect(file.previous?.map((k) => k.version)).to.deep.equal([1]);
    expect(Buffer.from(file.previous![0]!.boxSecretKey).equals(Buffer.from(before.boxSecretKey))).to.equal(
      true,
    );
  });

  it('shows the addressee’s reason for a refusal in the sender’s outbox', async () => {
    const clinic = net.get('clinic');
    const insurer = net.get('insurer');
    clinic.node.setHandlers({
      'insured-list': async () => ({
        action: 'reject',
        errors: [{ pointer: '/body/rows/0', code: 'ROSTER_UNKNOWN', message: 'not attached' }],
      }),
    });
    const doc = generateDocument('insured-list', {
      seed: 31,
      rows: 1,
      sender: insurer.party,
      addressee: clinic.party,
    });
    expect((await api('insurer').call('POST', '/v1/documents', doc)).status).to.equal(202);
    const id = messageIdOf(insurer.id, doc.header.documentId);
    // The addressee's reply can bring REJECTED before the ledger's status event brings the reason: wait for both.
    const page = await api('insurer').waitFor<{
      items: Array<{ messageId: string; status: string; reason?: string }>;
    }>('/v1/outbox', (_s, b) =>
      b.items.some((r) => r.messageId === id && r.status === 'REJECTED' && r.reason !== undefined),
    );
    expect(page.items.find((r) => r.messageId === id)?.reason).to.equal('REJECTED_BY_WORKFLOW');
  });

  it('a voted version whose text does not compile is refused at the sender with its reason, and a newer one supersedes it', async () => {
    const assoc = net.get('association');
    const insurer = net.get('insurer');
    const clinic = net.get('clinic');
    clinic.node.setHandlers({ 'insured-list': async () => ({ action: 'none' }) });
    await assoc.ledger.submit('formats:setRules', [
      JSON.stringify({ voterRoles: ['association', 'insurer'], quorum: 0.75 }),
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const activate = async (version: string, schemaText: string) => {
      await assoc.ledger.submit('formats:propose', [
        JSON.stringify({
          type: 'insured-list',
          version,
          schemaText,
          schemaHash: createHash('sha256').update(schemaText).digest('hex'),
          effectiveFrom: today,
        }),
      ]);
      for (const p of [assoc, insurer])
        await p.ledger.submit('formats:vote', ['insured-list', version, 'yes']);
    };
    // Self-contained (no $ref), so the chaincode takes it, but no JSON Schema engine compiles it.
    await activate('5', JSON.stringify({ type: 'objekt' }));
    const doc = generateDocument('insured-list', {
      seed: 41,
      rows: 1,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const broken = { ...doc, header: { ...doc.header, formatVersion: '5' } };
    const refused = await api('insurer').call<Err>('POST', '/v1/documents', broken);
    expect(refused.status).to.equal(422);
    expect(refused.body.code).to.equal('SCHEMA_TEXT_INVALID');

    // Version 1's text with its own number: each version pins header.formatVersion.
    await activate('6', bundledSchemaText('insured-list', '1').replace('"const": "1"', '"const": "6"'));
    await assoc.ledger.submit('formats:retire', ['insured-list', '5']);
    const format = await insurer.node.sendingFormat('insured-list');
    expect(format?.version, 'adapters send the newest active version').to.equal('6');
    const fixed = { ...doc, header: { ...doc.header, formatVersion: '6' } };
    const sentFixed = await api('insurer').call('POST', '/v1/documents', fixed);
    expect(sentFixed.status, JSON.stringify(sentFixed.body)).to.equal(202);
    const got = await api('clinic').waitFor<View>(
      `/v1/documents/${encodeURIComponent(messageIdOf(insurer.id, doc.header.documentId))}`,
      (st) => st === 200,
    );
    expect(got.record.rejection, JSON.stringify(got.record)).to.equal(undefined);
    expect(got.record.formatVersion).to.equal('6');
  });
});
