// `dmsnet-node backup|restore`: the whole node folder (config, secrets, certificates, the store, a sandbox's ledger)
// archived and sealed with the node's passphrase (backup-file.ts), and restored into an empty folder. The store holds
// the follower's checkpoint with what it caused, so a restored node reads from the ledger what came after the backup:
// nothing is lost, and the inbox keeps each message once.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Level } from 'level';
import tar from 'tar-stream';
import { DmsnetError } from '@dmsnet/formats/errors';
import { loadKeyFile } from '../../gateway/src/crypto/index.js';
import { BackupError, openStream, sealStream, type KdfLimits } from './backup-file.js';
import { CONFIG_FILE, loadConfig, NodeConfigError, resolveIn } from './config.js';

export interface BackupOptions {
  /** The node folder. */
  dir: string;
  /** The backup file to write (refused if it exists). */
  out: string;
  passphrase: string;
  progress?: (message: string) => void;
}

export interface BackupSummary {
  files: number;
  bytes: number;
}

/** How often a long backup or restore says how far it got. */
const PROGRESS_EVERY_MS = 2000;

function progressCounter(say: (m: string) => void, verb: string) {
  let files = 0;
  let bytes = 0;
  let last = Date.now();
  return {
    add(size: number) {
      files += 1;
      bytes += size;
      if (Date.now() - last >= PROGRESS_EVERY_MS) {
        last = Date.now();
        say(`${verb}: ${files} files, ${(bytes / 1e6).toFixed(1)} MB`);
      }
    },
    get summary(): BackupSummary {
      return { files, bytes };
    },
  };
}

const inside = (root: string, target: string) => {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** A running node holds LevelDB's lock on its store (and on a sandbox's ledger): copying it then would be torn. */
async function refuseIfRunning(dir: string, databases: string[]): Promise<void> {
  for (const db of databases) {
    if (!existsSync(db)) continue;
    const level = new Level(db, { createIfMissing: false });
    try {
      await level.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED')
        throw new DmsnetError(
          'NODE_RUNNING',
          `the node in ${dir} is running and holds ${db}: stop it first (systemctl stop dmsnet-node), then back up`,
        );
      throw err;
    }
    await level.close();
  }
}

/** The Argon2id limits the node's key file was sealed with: the backup costs a guesser as much as the keys do. */
async function keyFileLimits(file: string): Promise<KdfLimits> {
  const kdf = (JSON.parse(await readFile(file, 'utf8')) as { kdf: KdfLimits }).kdf;
  return { opslimit: kdf.opslimit, memlimit: kdf.memlimit };
}

/**
 * Every file and folder under root, folders before what they hold, in name order (a stable archive). A symbolic
 * link is followed (the archive holds what the node reads through it), so a link back to a folder on the way down
 * would recurse for ever: the folders being walked are kept by device and inode, and a loop is refused by name.
 */
async function* walk(
  root: string,
  rel = '',
  walking?: ReadonlySet<string>,
): AsyncGenerator<{ rel: string; abs: string; isDir: boolean }> {
  walking ??= new Set([inodeKey(await stat(root))]);
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    const abs = path.join(root, childRel);
    const s = await stat(abs);
    const isDir = s.isDirectory();
    if (isDir && walking.has(inodeKey(s)))
      throw new BackupError(
        'BACKUP_LINK_LOOP',
        `${childRel} leads back to a folder that holds it (${await realpath(abs)}): remove the link and run the backup again`,
      );
    yield { rel: childRel, abs, isDir };
    if (isDir) yield* walk(root, childRel, new Set([...walking, inodeKey(s)]));
  }
}

const inodeKey = (s: { dev: number; ino: number }) => `${s.dev}:${s.ino}`;

/** Writes a sealed backup of a stopped node's folder. */
export async function backupNode(o: BackupOptions): Promise<BackupSummary> {
  const say = o.progress ?? (() => undefined);
  const dir = path.resolve(o.dir);
  const out = path.resolve(o.out);
  const config = await loadConfig(dir);
  const dataDir = resolveIn(dir, config.dataDir ?? 'data');
  if (!inside(dir, dataDir))
    throw new NodeConfigError('CONFIG_INVALID', 'the store lies outside the node folder the backup holds', [
      {
        pointer: '/dataDir',
        code: 'CONFIG_INVALID',
        message: `${config.dataDir} is outside ${dir}: a backup holds the node folder only`,
      },
    ]);
  if (existsSync(out))
    throw new BackupError('BACKUP_FILE_EXISTS', `${out} exists: a backup never overwrites a file`);
  const ledgerDir =
    config.ledger.mode === 'embedded' ? resolveIn(dir, config.ledger.embedded!.dir) : undefined;
  await refuseIfRunning(dir, [dataDir, ...(ledgerDir && inside(dir, ledgerDir) ? [ledgerDir] : [])]);
  // The passphrase that seals the backup is the node's: proven here by opening the key file with it.
  say('checking the passphrase against the key file (Argon2id)');
  const keyFile = resolveIn(dir, config.keys.file);
  await loadKeyFile(keyFile, o.passphrase);
  const limits = await keyFileLimits(keyFile);

  const counter = progressCounter(say, 'backing up');
  const pack = tar.pack();
  const tmp = `${out}.${process.pid}.tmp`;
  const skip = new Set([out, tmp]);
  const producing = (async () => {
    for await (const e of walk(dir)) {
      if (skip.has(e.abs)) continue;
      const s = await stat(e.abs);
      const common = { name: e.rel, mode: s.mode & 0o7777, mtime: s.mtime };
      if (e.isDir) {
        await new Promise<void>((resolve, reject) =>
          pack.entry({ ...common, type: 'directory' }, (err) => (err ? reject(err) : resolve())),
        );
        continue;
      }
      const content = await readFile(e.abs);
      await new Promise<void>((resolve, reject) =>
        pack.entry({ ...common, type: 'file', size: content.length }, content, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
      counter.add(content.length);
    }
    pack.finalize();
  })().then(
    () => undefined,
    // Held as a value, not a rejection: the sealing side is awaited first and fails with it through the pack.
    (err: unknown) => {
      pack.destroy(err as Error);
      return err;
    },
  );
  say('deriving the backup key from the passphrase (Argon2id) and sealing the archive');
  try {
    await pipeline(
      Readable.from(sealStream(pack as unknown as AsyncIterable<Uint8Array>, o.passphrase, limits)),
      createWriteStream(tmp, { mode: 0o600, flags: 'wx' }),
    );
    const walkFailed = await producing;
    if (walkFailed) throw walkFailed;
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { force: true });
    // The walk's own error (a link loop, an unreadable file) says more than the torn stream it caused.
    throw (await producing) ?? err;
  }
  const { files, bytes } = counter.summary;
  say(`backup written: ${out} (${files} files, ${(bytes / 1e6).toFixed(1)} MB before sealing)`);
  return counter.summary;
}

export interface RestoreOptions {
  /** The backup file. */
  file: string;
  /** The node folder to create: it must not exist, or be empty. */
  dir: string;
  passphrase: string;
  progress?: (message: string) => void;
}

async function refuseUnlessEmpty(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const held = await readdir(dir);
  if (held.length)
    throw new DmsnetError(
      'RESTORE_TARGET_NOT_EMPTY',
      `${dir} is not empty (${held.slice(0, 3).join(', ')}${held.length > 3 ? '…' : ''}): restore into a new or empty folder`,
    );
}

/** An archive member's path, refused unless it stays inside the folder being restored. */
function memberPath(root: string, name: string): string {
  const normalised = path.posix.normalize(name).replace(/\/$/, '');
  if (
    !normalised ||
    normalised === '.' ||
    path.posix.isAbsolute(normalised) ||
    normalised.split('/').includes('..')
  )
    throw new BackupError(
      'BACKUP_TAMPERED',
      `the archive names a path outside the node folder: ${JSON.stringify(name)}`,
    );
  return path.join(root, ...normalised.split('/'));
}

/**
 * Restores a backup into a new or empty folder. The archive is written into a folder beside the target and moved in
 * place only once the final chunk authenticated: a truncated, altered or wrongly opened backup leaves nothing behind.
 */
export async function restoreNode(o: RestoreOptions): Promise<BackupSummary> {
  const say = o.progress ?? (() => undefined);
  const dir = path.resolve(o.dir);
  await refuseUnlessEmpty(dir);
  const staging = `${dir}.restoring-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: 0o700 });
  const counter = progressCounter(say, 'restoring');
  const extract = tar.extract();
  const feeding = pipeline(Readable.from(openStream(createReadStream(o.file), o.passphrase, say)), extract);
  const writing = (async () => {
    for await (const entry of extract) {
      const target = memberPath(staging, entry.header.name);
      const mode = (entry.header.mode ?? 0o600) & 0o7777;
      if (entry.header.type === 'directory') {
        await mkdir(target, { recursive: true, mode });
        entry.resume();
        continue;
      }
      if (entry.header.type !== 'file')
        throw new BackupError(
          'BACKUP_TAMPERED',
          `the archive holds ${entry.header.name} of type ${entry.header.type}: only files and folders are backed up`,
        );
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(entry, createWriteStream(target, { mode, flags: 'wx' }));
      counter.add(entry.header.size ?? 0);
    }
  })();
  const outcomes = await Promise.allSettled([feeding, writing]);
  const failures = outcomes.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length) {
    await rm(staging, { recursive: true, force: true });
    // The sealed stream's own verdict (truncated, altered, wrong passphrase) explains the archive's breakage.
    throw failures.find((f) => f instanceof DmsnetError) ?? failures[0];
  }
  if (!existsSync(path.join(staging, CONFIG_FILE))) {
    await rm(staging, { recursive: true, force: true });
    throw new BackupError(
      'BACKUP_NOT_A_BACKUP',
      `the backup holds no ${CONFIG_FILE}: it is not a node folder`,
    );
  }
  if (existsSync(dir)) await rmdir(dir);
  await rename(staging, dir);
  const { files, bytes } = counter.summary;
  say(`restored ${files} files (${(bytes / 1e6).toFixed(1)} MB) into ${dir}`);
  return counter.summary;
}
