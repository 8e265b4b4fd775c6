// Runs seal/unseal, the GOST content digest and GOST CMS verification off the main thread for large or untrusted
// payloads (all synchronous calls).
import { parentPort } from 'node:worker_threads';
import { sodium } from './sodium.js';
import { sealSync, unsealSync } from './envelope.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';
import { DmsnetError } from '@dmsnet/formats/errors';
import { streebog256 } from '@dmsnet/gost/streebog';
import { verifyCmsForWorker } from './gost-verify.js';

parentPort?.on('message', (req: WorkerRequest) => {
  void sodium().then((libsodium) => {
    try {
      const value =
        req.op === 'seal'
          ? sealSync(libsodium, req.params)
          : req.op === 'streebog256'
            ? streebog256(req.data)
            : req.op === 'verifyCms'
              ? verifyCmsForWorker(req)
              : unsealSync(
                  libsodium,
                  req.ciphertext,
                  req.boxPublicKey,
                  req.boxSecretKey,
                  req.maxPlaintextBytes,
                );
      parentPort?.postMessage({ id: req.id, ok: true, value } satisfies WorkerResponse);
    } catch (err) {
      const code = err instanceof DmsnetError ? err.code : 'CRYPTO_INTERNAL';
      const message = err instanceof Error ? err.message : String(err);
      parentPort?.postMessage({ id: req.id, ok: false, code, message } satisfies WorkerResponse);
    }
  });
});
