// `dmsnet-node user add|list|disable|passwd`: people's accounts in the node's own store, edited while the node is
// stopped (LevelDB admits one process; a running node's admin does the same in the console or at /v1/users).
import { mkdir } from 'node:fs/promises';
import { DmsnetError } from '@dmsnet/formats/errors';
import { loadKeyFile, passphraseFromEnv, storeKeyOf } from '../../gateway/src/crypto/index.js';
import { GatewayStore } from '../../gateway/src/store/store.js';
import { UserStore } from '../../gateway/src/access/users.js';
import { loadConfig, resolveIn } from './config.js';

export async function withUsers<T>(
  dir: string,
  fn: (users: UserStore) => Promise<T>,
  o: { passphrase?: string } = {},
): Promise<T> {
  const config = await loadConfig(dir);
  const keys = await loadKeyFile(
    resolveIn(dir, config.keys.file),
    o.passphrase ?? (await passphraseFromEnv()),
  );
  const dataDir = resolveIn(dir, config.dataDir ?? 'data');
  await mkdir(dataDir, { recursive: true });
  let store: GatewayStore;
  try {
    store = await GatewayStore.open(dataDir, {
      key: await storeKeyOf(keys),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if ((err as { code?: string }).code === 'LEVEL_DATABASE_NOT_OPEN' && cause?.code === 'LEVEL_LOCKED') {
      throw new DmsnetError(
        'NODE_RUNNING',
        `the node in ${dir} is running and holds its store: stop it first, or manage users in the console (role admin) or at /v1/users`,
      );
    }
    throw err;
  }
  try {
    return await fn(new UserStore(store, config.participant.role));
  } finally {
    await store.close();
  }
}

/** The new password: DMSNET_USER_PASSWORD, else the first line of standard input (never a command-line argument). */
export async function readPassword(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.DMSNET_USER_PASSWORD) return env.DMSNET_USER_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('password (one line): ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) {
    throw new DmsnetError(
      'PASSWORD_MISSING',
      'give the password on standard input or in DMSNET_USER_PASSWORD',
      [{ pointer: '/password', code: 'PASSWORD_MISSING', message: 'empty' }],
    );
  }
  return line;
}
