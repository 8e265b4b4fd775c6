// The messages between the crypto pool (pool.ts) and its worker threads (worker.ts), apart from both so neither
// imports the other.
import type { SealParams } from './envelope.js';

export type WorkerRequest =
  | { id: number; op: 'seal'; params: SealParams }
  | {
      id: number;
      op: 'unseal';
      ciphertext: Uint8Array;
      boxPublicKey: Uint8Array;
      boxSecretKey: Uint8Array;
      maxPlaintextBytes: number;
    }
  | { id: number; op: 'streebog256'; data: Uint8Array }
  | {
      id: number;
      op: 'verifyCms';
      signature: Uint8Array;
      contentDigest: Uint8Array;
      trustedRoots: Uint8Array[];
      registered?: string[];
    };

export type WorkerResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; code: string; message: string };
