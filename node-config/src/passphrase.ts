// The key file's passphrase for `dmsnet-node init`: from DMSNET_PASSPHRASE or DMSNET_PASSPHRASE_FILE, or, on a
// terminal, asked twice without echo — a typo in a passphrase nobody saw would lock the node's keys for good.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { DmsnetError } from '@dmsnet/formats/errors';
import { passphraseFromEnv } from '../../gateway/src/crypto/index.js';

/** Reads one line from input without echoing it; the prompt goes to output. */
export async function askHidden(
  prompt: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  output.write(prompt);
  // readline echoes what is typed to its output: give it one that drops everything.
  const silent = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input, output: silent, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('close', () =>
        reject(new DmsnetError('PASSPHRASE_MISSING', 'input closed before a passphrase')),
      );
      rl.question('', resolve);
    });
  } finally {
    rl.removeAllListeners('close');
    rl.close();
    output.write('\n');
  }
}

export interface PassphraseSource {
  env?: NodeJS.ProcessEnv;
  /** Whether a person is at a terminal to be asked. */
  tty: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  attempts?: number;
}

export async function passphraseForInit(o: PassphraseSource): Promise<string> {
  try {
    return await passphraseFromEnv(o.env ?? process.env);
  } catch (err) {
    if (!o.tty) throw err;
  }
  const ask = (p: string) => askHidden(p, o.input, o.output);
  for (let i = 0; i < (o.attempts ?? 3); i++) {
    const first = await ask('Passphrase for the node’s key file (not shown): ');
    if (first === '') {
      (o.output ?? process.stderr).write('the passphrase cannot be empty\n');
      continue;
    }
    if ((await ask('The same passphrase again: ')) === first) return first;
    (o.output ?? process.stderr).write('the two do not match; again\n');
  }
  throw new DmsnetError('PASSPHRASE_MISMATCH', 'no passphrase given twice the same; nothing was written');
}

/** The node's existing passphrase (to back up or restore): from the environment, or asked once on a terminal. */
export async function passphraseOnce(o: PassphraseSource): Promise<string> {
  try {
    return await passphraseFromEnv(o.env ?? process.env);
  } catch (err) {
    if (!o.tty) throw err;
  }
  const given = await askHidden('Passphrase of the node (not shown): ', o.input, o.output);
  if (!given) throw new DmsnetError('PASSPHRASE_MISSING', 'an empty passphrase opens nothing');
  return given;
}
