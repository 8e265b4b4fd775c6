// Runs seal/unseal, the GOST content digest and GOST CMS verification off the main thread for large or untrusted
// payloads (all synchronous calls).
import { parentPort } from 'node:worker_threads';
import { sodium } from './sodium.js';
import { sealSync, unsealSync, type SealParams } from './envelope.js';
import { DmsnetError } from '../../../formats/src/errors.js';
import { streebog256 } from './gost/streebog.js';
import { verifyCmsForWorker } from './gost-verify.js';

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

parentPort?.on('message', (req: WorkerRequest) => {
  void sodium().then((na) => {
    try {
      const value =
        req.op === 'seal'
          ? sealSync(na, req.params)
          : req.op === 'streebog256'
            ? streebog256(req.data)
            : req.op === 'verifyCms'
              ? verifyCmsForWorker(req)
              : unsealSync(na, req.ciphertext, req.boxPublicKey, req.boxSecretKey, req.maxPlaintextBytes);
      parentPort?.postMessage({ id: req.id, ok: true, value } satisfies WorkerResponse);
    } catch (err) {
      const code = err instanceof DmsnetError ? err.code : 'CRYPTO_INTERNAL';
      const message = err instanceof Error ? err.message : String(err);
      parentPort?.postMessage({ id: req.id, ok: false, code, message } satisfies WorkerResponse);
    }
  });
});
