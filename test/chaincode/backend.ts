// The contract suite runs against any ledger backend that can make identities and clients: the embedded ledger here,
// a Fabric network (the same suite, another backend) where one can run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedLedger } from '../../embedded-ledger/src/index.js';
import { LocalCA } from '../../node-config/src/local-ca.js';
import type { LedgerClient } from '../../gateway/src/ledger/types.js';

export interface TestIdentity {
  mspId: string;
  certificate: string;
  client: LedgerClient;
}

export interface LedgerBackend {
  name: string;
  /** A fresh ledger whose organisations are `mspIds`. */
  start(mspIds: string[]): Promise<BackendInstance>;
}

export interface BackendInstance {
  identity(mspId: string, commonName: string, attributes?: Record<string, string>): Promise<TestIdentity>;
  close(): Promise<void>;
}

export const embeddedBackend: LedgerBackend = {
  name: 'embedded ledger',
  async start(mspIds) {
    const dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-cc-'));
    const cas = new Map<string, LocalCA>();
    for (const m of mspIds) cas.set(m, await LocalCA.open(path.join(dir, 'ca', m), m));
    const ledger = await EmbeddedLedger.open({
      dir: path.join(dir, 'ledger'),
      msps: [...cas].map(([mspId, ca]) => ({ mspId, rootCertificate: ca.certificate })),
    });
    return {
      async identity(mspId, commonName, attributes) {
        const ca = cas.get(mspId);
        if (!ca) throw new Error(`no CA for ${mspId}`);
        const c = await ca.issue({ commonName, attributes });
        return { mspId, certificate: c.certificate, client: ledger.connect({ mspId, ...c }) };
      },
      async close() {
        await ledger.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};
