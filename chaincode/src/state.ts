// Pure helpers over the Fabric stub: JSON state, iteration, transaction time. Nothing here knows which ledger runs it.
import type { Context } from './fabric.js';
import { invalid } from './errors.js';

export interface StateEntry {
  key: string;
  value: Uint8Array;
}

interface ShimIterator {
  next(): Promise<{ value?: StateEntry; done?: boolean }>;
  close(): Promise<void>;
}

export async function getJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return undefined;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

export async function putJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, Buffer.from(JSON.stringify(value), 'utf8'));
}

export async function drain(iterator: unknown, each: (kv: StateEntry) => boolean | void): Promise<void> {
  const it = iterator as ShimIterator;
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) {
      if (r.value && each({ key: r.value.key, value: r.value.value }) === false) break;
    }
  } finally {
    await it.close();
  }
}

/** The transaction's timestamp as ISO 8601: the same on every endorsing peer, unlike the local clock. */
export function txTime(ctx: Context): string {
  const ts = ctx.stub.getTxTimestamp() as unknown as {
    seconds: number | { toNumber(): number };
    nanos: number;
  };
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}

export function parseJsonArg<T>(text: string, name: string): T {
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as T;
  } catch {
    throw invalid(`/${name}`, 'must be a JSON object');
  }
}

export function parsePageSize(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw invalid('/pageSize', 'must be an integer from 1 to 1000');
  return n;
}

export const PARTICIPANT_PATTERN = /^(\d{13}|\d{15})$/;
