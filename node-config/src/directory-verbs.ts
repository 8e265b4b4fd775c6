// The directory verbs of `dmsnet-node`: what a newcomer hands to the association (`registration`), and what the
// association's operator does with it (`participant register|suspend|resume`, `rules`), plus any node's own key
// rotation (`rotate-keys`). Everything that changes the ledger goes through the running node's API with the node's
// token: the node holds the store and the ledger identity, and the API checks every field before the ledger does.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { wireCode } from '@dmsnet/formats/error-codes';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { loadConfig, readToken, resolveIn } from './config.js';

interface KeyFilePublic {
  public?: { x25519?: string; ed25519?: string };
}

/**
 * The registration a newcomer's node asks for: who it is (from its config), the identity that acts for it and its
 * public keys (read from the key file's clear part: no passphrase needed, no secret in the result).
 */
export async function registrationOf(dir: string): Promise<Record<string, unknown>> {
  const config = await loadConfig(dir);
  const kf = JSON.parse(await readFile(resolveIn(dir, config.keys.file), 'utf8')) as KeyFilePublic;
  if (!kf.public?.x25519 || !kf.public.ed25519) {
    throw new DmsnetError('KEYFILE_CORRUPT', `${config.keys.file} has no public keys`);
  }
  let identity: Record<string, string>;
  if (config.ledger.mode === 'fabric') {
    const mspId = config.ledger.fabric!.mspId;
    const certFile = path.join(dir, 'msp', 'signcerts', 'cert.pem');
    // A clinic is a client of its host organisation and is known by the participant attribute its CA put in the
    // certificate (any certificate of that MSP with it acts for the clinic); others by their own certificate once
    // the CA has signed it.
    identity =
      config.participant.role !== 'clinic' && existsSync(certFile)
        ? { mspId, kind: 'certificate', certificate: await readFile(certFile, 'utf8') }
        : { mspId, kind: 'attribute' };
  } else {
    const id = JSON.parse(await readFile(path.join(dir, 'secrets', 'identity.json'), 'utf8')) as {
      mspId: string;
      certificate: string;
    };
    identity = { mspId: id.mspId, kind: 'certificate', certificate: id.certificate };
  }
  const p = config.participant;
  return {
    id: p.id,
    role: p.role,
    name: p.name,
    ...(p.inn ? { inn: p.inn } : {}),
    identities: [identity],
    keys: { x25519: kf.public.x25519, ed25519: kf.public.ed25519 },
  };
}

export async function writeRegistration(dir: string, out: string): Promise<Record<string, unknown>> {
  const r = await registrationOf(dir);
  await writeFile(out, JSON.stringify(r, null, 2) + '\n');
  return r;
}

/** One call to the running node's API with its own token; a refusal becomes a DmsnetError with its fields. */
export async function callNode<T>(node: string, method: string, route: string, body?: unknown): Promise<T> {
  const config = await loadConfig(node);
  const token = await readToken(node, config);
  const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
  const url = `http://${host}:${config.api.port}${route}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new DmsnetError(
      'NODE_UNREACHABLE',
      `the node at ${url} does not answer (is \`dmsnet-node start ${node}\` running?): ${(err as Error).message}`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.status >= 400) {
    const e = (parsed ?? {}) as { code?: string; message?: string; errors?: FieldError[] };
    throw new DmsnetError(
      e.code ? wireCode(e.code) : 'NODE_REFUSED',
      e.message ?? `the node answered ${res.status}`,
      e.errors ?? [],
    );
  }
  return parsed as T;
}

/** Reads a registration file, refusing anything but a JSON object before the node sees it. */
export async function readRegistration(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DmsnetError('FILE_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // reported below
  }
  throw new DmsnetError('REQUEST_INVALID', `${file} is not a JSON object (a registration)`, [
    { pointer: '', code: 'REQUEST_TYPE', message: 'must be a JSON object' },
  ]);
}
