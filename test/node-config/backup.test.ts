import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createRng, generateDocument, generateInn10, generateOgrn } from '@dmsnet/formats';
import { repoPath } from '@dmsnet/formats/paths';
import { generateParticipantKeys, loadKeyFile } from '../../gateway/src/crypto/index.js';
import { sodium } from '../../gateway/src/crypto/sodium.js';
import { EmbeddedLedger } from '../../embedded-ledger/src/index.js';
import { LocalCA } from '../../node-config/src/local-ca.js';
import { participantRegistration } from '../../sandbox/src/local-network/network.js';
import { GatewayNode } from '../../gateway/src/node/index.js';
import { BACKUP_MAGIC } from '../../node-config/src/backup-file.js';
import { backupNode, restoreNode } from '../../node-config/src/backup.js';
import { loadConfig } from '../../node-config/src/config.js';
import { initNode, SANDBOX_ASSOCIATION_MSP } from '../../node-config/src/init.js';
import { startNode, type RunningNode } from '../../node-config/src/node.js';

const PASSPHRASE = 'backup-test-passphrase';

async function interactiveKdf() {
  const libsodium = await sodium();
  return {
    opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
    memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
  };
}

/** Every file under a folder, by relative path, with its bytes and mode. */
async function tree(root: string, rel = ''): Promise<Map<string, { bytes: Buffer; mode: number }>> {
  const out = new Map<string, { bytes: Buffer; mode: number }>();
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of await tree(root, r)) out.set(k, v);
    else {
      const abs = path.join(root, r);
      out.set(r, { bytes: await readFile(abs), mode: (await stat(abs)).mode & 0o777 });
    }
  }
  return out;
}

/** Runs a promise expected to fail and answers its error. */
async function failure(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('node-config: dmsnet-node backup and restore', function () {
  this.timeout(240_000);
  let dir: string;
  let fabricNode: string;
  let backupFile: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-backup-'));
    fabricNode = path.join(dir, 'fabric-node');
    await initNode({
      dir: fabricNode,
      role: 'clinic',
      ogrn: generateOgrn(createRng(61)),
      name: 'ООО «Клиника»',
      ledger: 'fabric',
      peerEndpoint: '127.0.0.1:7051',
      mspId: 'ClinicHostMSP',
      passphrase: PASSPHRASE,
      kdf: await interactiveKdf(),
    });
    // More than one chunk of the sealed stream, so truncation can fall between chunks.
    await mkdir(path.join(fabricNode, 'exchange', 'in'), { recursive: true });
    await writeFile(path.join(fabricNode, 'exchange', 'in', 'large.bin'), randomBytes(200_000));
    backupFile = path.join(dir, 'fabric-node.backup');
    await backupNode({ dir: fabricNode, out: backupFile, passphrase: PASSPHRASE });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('a backup holds neither the Fabric private key nor the API token in clear, and restores the folder byte for byte', async () => {
    const backup = await readFile(backupFile);
    expect(backup.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)).to.equal(true);
    const token = (await readFile(path.join(fabricNode, 'secrets', 'api-token'), 'utf8')).trim();
    const pem = await readFile(path.join(fabricNode, 'msp', 'keystore', 'key.pem'), 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // The private scalar itself: the 32 bytes after the DER's OCTET STRING header (04 20).
    const scalarAt = der.indexOf(Buffer.from([0x04, 0x20]));
    const scalar = der.subarray(scalarAt + 2, scalarAt + 34);
    const secrets = {
      token: Buffer.from(token),
      'key PEM line': Buffer.from(pem.split('\n')[1]!),
      'key DER': der,
      'private scalar': scalar,
      // The name of a secret file: the archive's listing is sealed too.
      'file name': Buffer.from('participant-keys.json'),
    };
    for (const [what, bytes] of Object.entries(secrets)) {
      expect(bytes.length, what).to.be.greaterThan(8);
      expect(backup.includes(bytes), `${what} in clear`).to.equal(false);
    }

    const restored = path.join(dir, 'restored');
    await restoreNode({ file: backupFile, dir: restored, passphrase: PASSPHRASE });
    const before = await tree(fabricNode);
    const after = await tree(restored);
    expect([...after.keys()].sort()).to.deep.equal([...before.keys()].sort());
    for (const [name, file] of before) {
      expect(after.get(name)!.bytes.equals(file.bytes), name).to.equal(true);
      expect(after.get(name)!.mode, name).to.equal(file.mode);
    }
    expect(after.get('secrets/api-token')!.mode).to.equal(0o600);
    // The restored key file opens with the node's passphrase.
    await loadKeyFile(path.join(restored, 'secrets', 'participant-keys.json'), PASSPHRASE);
  });

  it('a wrong passphrase is a typed error naming what failed, and nothing is written', async () => {
    const target = path.join(dir, 'wrong-passphrase');
    const err = await failure(restoreNode({ file: backupFile, dir: target, passphrase: 'not-it' }));
    expect(err.code).to.equal('BACKUP_PASSPHRASE_WRONG');
    expect(err.message).to.contain('passphrase does not open this backup');
    expect(existsSync(target)).to.equal(false);
    // Backing up with another passphrase than the node's is refused by the key file before anything is written.
    const out = path.join(dir, 'other-passphrase.backup');
    const refused = await failure(backupNode({ dir: fabricNode, out, passphrase: 'not-it' }));
    expect(refused.code).to.equal('KEYFILE_PASSPHRASE_WRONG');
    expect(existsSync(out)).to.equal(false);
  });

  it('a truncated or altered backup is refused and leaves nothing behind', async () => {
    const backup = await readFile(backupFile);
    const headerEnd = BACKUP_MAGIC.length + 4 + backup.readUInt32BE(BACKUP_MAGIC.length);
    const firstChunkEnd = headerEnd + 4 + backup.readUInt32BE(headerEnd);
    expect(firstChunkEnd).to.be.lessThan(backup.length);
    const cases: Array<[string, Buffer, string, string]> = [
      ['cut inside the header', backup.subarray(0, headerEnd - 5), 'BACKUP_TRUNCATED', 'inside its header'],
      [
        'cut right after the header',
        backup.subarray(0, headerEnd),
        'BACKUP_TRUNCATED',
        'without its final chunk',
      ],
      ['cut inside a chunk', backup.subarray(0, firstChunkEnd - 100), 'BACKUP_TRUNCATED', 'inside chunk 0'],
      ['cut between chunks', backup.subarray(0, firstChunkEnd), 'BACKUP_TRUNCATED', 'after 1 chunk(s)'],
      ['the last byte missing', backup.subarray(0, backup.length - 1), 'BACKUP_TRUNCATED', 'inside chunk'],
      [
        'bytes appended',
        Buffer.concat([backup, Buffer.from([0])]),
        'BACKUP_TAMPERED',
        'follow the final chunk',
      ],
      ['not a backup', Buffer.from('PK\u0003\u0004 a zip file'), 'BACKUP_NOT_A_BACKUP', 'does not start'],
    ];
    const flipped = (at: number) => {
      const copy = Buffer.from(backup);
      copy[at]! ^= 0x01;
      return copy;
    };
    cases.push(['a ciphertext byte changed', flipped(firstChunkEnd + 50), 'BACKUP_TAMPERED', 'chunk 1']);
    cases.push(['a first-chunk byte changed', flipped(headerEnd + 10), 'BACKUP_TAMPERED', 'chunk 0']);
    // The header's creation time is not used to derive anything, yet it is authenticated with every chunk.
    const header = backup.subarray(BACKUP_MAGIC.length + 4, headerEnd).toString('utf8');
    const changedHeader = header.replace(
      /"createdAt":"(\d)/,
      (_m, d: string) => `"createdAt":"${(Number(d) + 1) % 10}`,
    );
    expect(changedHeader).to.not.equal(header);
    cases.push([
      'the clear header changed',
      Buffer.concat([
        backup.subarray(0, BACKUP_MAGIC.length + 4),
        Buffer.from(changedHeader),
        backup.subarray(headerEnd),
      ]),
      'BACKUP_TAMPERED',
      'chunk 0',
    ]);
    for (const [what, bytes, code, says] of cases) {
      const file = path.join(dir, 'broken.backup');
      await writeFile(file, bytes);
      const target = path.join(dir, 'broken-target');
      const err = await failure(restoreNode({ file, dir: target, passphrase: PASSPHRASE }));
      expect(err.code, what).to.equal(code);
      expect(err.message, what).to.contain(says);
      expect(existsSync(target), what).to.equal(false);
      expect(
        (await readdir(dir)).filter((n) => n.includes('restoring')),
        what,
      ).to.deep.equal([]);
    }
  });

  it('restores only into a new or empty folder, and never overwrites a backup file', async () => {
    const err = await failure(restoreNode({ file: backupFile, dir: fabricNode, passphrase: PASSPHRASE }));
    expect(err.code).to.equal('RESTORE_TARGET_NOT_EMPTY');
    const exists = await failure(backupNode({ dir: fabricNode, out: backupFile, passphrase: PASSPHRASE }));
    expect(exists.code).to.equal('BACKUP_FILE_EXISTS');
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await restoreNode({ file: backupFile, dir: empty, passphrase: PASSPHRASE });
    expect(existsSync(path.join(empty, 'dmsnet-node.yaml'))).to.equal(true);
  });

  it('follows a link to a file or folder, and refuses a link that loops back up the folder, naming it and writing nothing', async () => {
    const linked = path.join(dir, 'linked-node');
    await cp(fabricNode, linked, { recursive: true });
    // A link to shared material elsewhere is taken in, as the node reads it.
    const shared = path.join(dir, 'shared-tls');
    await mkdir(shared);
    await writeFile(path.join(shared, 'root.pem'), 'shared root');
    await symlink(shared, path.join(linked, 'tls-shared'));
    const withLink = path.join(dir, 'linked.backup');
    await backupNode({ dir: linked, out: withLink, passphrase: PASSPHRASE });
    const back = path.join(dir, 'linked-back');
    await restoreNode({ file: withLink, dir: back, passphrase: PASSPHRASE });
    expect(await readFile(path.join(back, 'tls-shared', 'root.pem'), 'utf8')).to.equal('shared root');
    // A link back to the node folder itself would recurse for ever.
    await symlink('../..', path.join(linked, 'exchange', 'in', 'loop'));
    const looped = path.join(dir, 'looped.backup');
    const err = await failure(backupNode({ dir: linked, out: looped, passphrase: PASSPHRASE }));
    expect(err.code).to.equal('BACKUP_LINK_LOOP');
    expect(err.message).to.contain('exchange/in/loop');
    expect(existsSync(looped)).to.equal(false);
    expect((await readdir(dir)).filter((f) => f.startsWith('looped.backup'))).to.deep.equal([]);
  });

  it('the dmsnet-node binary backs up and restores with the passphrase from the environment, and names a refusal', () => {
    const cli = (args: string[], passphrase: string) =>
      spawnSync(process.execPath, [repoPath('dist', 'node-config', 'src', 'cli.js'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, DMSNET_PASSPHRASE: passphrase },
      });
    const out = path.join(dir, 'by-cli.backup');
    const made = cli(['backup', fabricNode, '--out', out], PASSPHRASE);
    expect(made.status, made.stderr).to.equal(0);
    expect(made.stderr).to.contain('Argon2id');
    const refused = cli(['restore', out, '--dir', path.join(dir, 'by-cli-wrong')], 'not-it');
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.contain('BACKUP_PASSPHRASE_WRONG: the passphrase does not open this backup');
    expect(refused.stderr).to.contain('/keyCheck');
    const restored = cli(['restore', out, '--dir', path.join(dir, 'by-cli')], PASSPHRASE);
    expect(restored.status, restored.stderr).to.equal(0);
    expect(existsSync(path.join(dir, 'by-cli', 'secrets', 'participant-keys.json'))).to.equal(true);
  });

  it('end to end on the embedded ledger: backed up mid-stream, wiped, restored — every document in the inbox once', async () => {
    const kdf = await interactiveKdf();
    const rng = createRng(4242);
    const insurer = { ogrn: generateOgrn(rng), name: 'АО «Страховщик»' };
    const clinicParty = { ogrn: generateOgrn(rng), inn: generateInn10(rng), name: 'ООО «Клиника»' };
    const nodeDir = path.join(dir, 'insurer');
    await initNode({
      dir: nodeDir,
      role: 'insurer',
      ...{ ogrn: insurer.ogrn, name: insurer.name },
      port: 0,
      passphrase: PASSPHRASE,
      kdf,
    });
    const config = await loadConfig(nodeDir);
    const mspId = config.ledger.embedded!.mspId;
    const nodeCa = await LocalCA.open(path.join(nodeDir, 'ca', mspId), mspId);
    const assocCa = await LocalCA.open(
      path.join(nodeDir, 'ca', SANDBOX_ASSOCIATION_MSP),
      SANDBOX_ASSOCIATION_MSP,
    );
    // The ledger outlives the node folder (as a network's ledger does): wiping the folder leaves it.
    const ledger = await EmbeddedLedger.open({
      dir: path.join(dir, 'shared-ledger'),
      msps: [
        { mspId, rootCertificate: nodeCa.certificate },
        { mspId: SANDBOX_ASSOCIATION_MSP, rootCertificate: assocCa.certificate },
      ],
    });
    // After the restore the node re-signs delivery receipts the ledger already holds (decision 0039): expected
    // warnings, kept out of the test's output.
    const logLevel = process.env.DMSNET_LOG_LEVEL;
    process.env.DMSNET_LOG_LEVEL = 'error';
    let running: RunningNode | undefined;
    let clinic: GatewayNode | undefined;
    try {
      running = await startNode(nodeDir, { passphrase: PASSPHRASE, embeddedLedger: ledger });
      // A clinic under the node's organisation (by certificate attribute), registered by the sandbox association.
      const clinicKeys = await generateParticipantKeys();
      const cert = await nodeCa.issue({
        commonName: 'clinic.backup-test',
        attributes: { 'dmsnet.participant': clinicParty.ogrn },
      });
      const clinicIdentity = { mspId, certificate: cert.certificate, privateKey: cert.privateKey };
      const assocIdentity = JSON.parse(
        await readFile(path.join(nodeDir, 'secrets', 'sandbox-association.json'), 'utf8'),
      ) as { mspId: string; certificate: string; privateKey: string };
      await ledger.connect(assocIdentity).submit('directory:register', [
        participantRegistration({
          id: clinicParty.ogrn,
          role: 'clinic',
          name: clinicParty.name,
          inn: clinicParty.inn,
          viaAttribute: true,
          identity: clinicIdentity,
          keys: clinicKeys,
        }),
      ]);
      clinic = await GatewayNode.open({
        participantId: clinicParty.ogrn,
        dataDir: path.join(dir, 'clinic-data'),
        ledger: ledger.connect(clinicIdentity),
        keys: clinicKeys,
        keyVersion: 1,
        logger: pino({ level: 'silent' }),
        ledgerHeight: () => ledger.height(),
      });
      await clinic.start();

      const TOTAL = 30;
      const sent: string[] = [];
      const sender = clinic;
      const sending = (async () => {
        for (let i = 0; i < TOTAL; i++) {
          const doc = generateDocument('price-list', {
            seed: i + 1,
            rows: 2,
            sender: clinicParty,
            addressee: insurer,
          });
          (doc.header as { documentId: string }).documentId = `PL-BACKUP-${i}`;
          await sender.send(doc);
          sent.push(`PL-BACKUP-${i}`);
          await new Promise((r) => setTimeout(r, 40));
        }
      })();
      let sendFailure: unknown;
      sending.catch((err: unknown) => {
        sendFailure = err;
      });
      const inboxIds = async (node: GatewayNode) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await node.listInbox({ limit: 500, ...(cursor ? { cursor } : {}) });
          ids.push(...page.items.map((r) => r.messageId));
          cursor = page.nextCursor;
        } while (cursor);
        return ids;
      };
      const received = async () =>
        running ? `${(await inboxIds(running.node)).length} received` : 'the node is stopped';
      const until = async (what: string, ok: () => Promise<boolean> | boolean) => {
        const deadline = Date.now() + 90_000;
        while (!(await ok())) {
          if (sendFailure) throw sendFailure;
          if (Date.now() > deadline)
            throw new Error(
              `timed out waiting until ${what}: ${sent.length} sent, ${String(await received())}`,
            );
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await until(
        '10 sent and received',
        async () => sent.length >= 10 && (await inboxIds(running!.node)).length >= 5,
      );

      // A running node holds its store: the backup is refused rather than torn.
      const out = path.join(dir, 'insurer.backup');
      const busy = await failure(backupNode({ dir: nodeDir, out, passphrase: PASSPHRASE }));
      expect(busy.code).to.equal('NODE_RUNNING');
      await running.close();
      running = undefined;
      await backupNode({ dir: nodeDir, out, passphrase: PASSPHRASE });
      const atBackup = sent.length;
      running = await startNode(nodeDir, { passphrase: PASSPHRASE, embeddedLedger: ledger });
      // The node receives more after the backup: exactly what the wipe loses and the ledger gives back.
      await until(
        'more received after the backup',
        async () => (await inboxIds(running!.node)).length >= atBackup + 8,
      );
      await running.close();
      running = undefined;
      await rm(nodeDir, { recursive: true, force: true });
      await restoreNode({ file: out, dir: nodeDir, passphrase: PASSPHRASE });
      running = await startNode(nodeDir, { passphrase: PASSPHRASE, embeddedLedger: ledger });
      await sending;
      const node = running.node;
      await until('every document received', async () => (await inboxIds(node)).length >= TOTAL);
      // Settle: a late duplicate would show now.
      await new Promise((r) => setTimeout(r, 500));
      const ids = await inboxIds(node);
      expect(ids).to.have.length(TOTAL);
      expect(new Set(ids).size).to.equal(TOTAL);
      expect([...ids].sort()).to.deep.equal(sent.map((id) => `${clinicParty.ogrn}:${id}`).sort());
    } finally {
      await running?.close();
      await clinic?.stop();
      await ledger.close();
      if (logLevel === undefined) delete process.env.DMSNET_LOG_LEVEL;
      else process.env.DMSNET_LOG_LEVEL = logLevel;
    }
  });
});
