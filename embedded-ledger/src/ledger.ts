import { wireCode } from '@dmsnet/formats/error-codes';
import './quiet-chaincode-log.js';
import '@dmsnet/chaincode/log-level';
import {
  createHash,
  createPrivateKey,
  randomBytes,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import { JSONSerializer } from '@dmsnet/chaincode/fabric';
import { contracts } from '@dmsnet/chaincode';
import { parseChaincodeError } from '@dmsnet/chaincode/errors';
import { LedgerError } from '../../gateway/src/ledger/errors.js';
import type {
  ChaincodeEvent,
  EventCheckpoint,
  LedgerClient,
  SubmitResult,
} from '../../gateway/src/ledger/types.js';
import { EmbeddedStub, type StateReader, type TxContext } from './stub.js';

export { LedgerError };

export interface Identity {
  mspId: string;
  certificate: string;
  privateKey: string;
}

interface Block {
  number: number;
  txId: string;
  timestamp: string;
  mspId: string;
  fn: string;
  args: string[];
  event?: { name: string; payload: string };
  /** As in a Fabric block: only the hashes of private writes, never their values. */
  privateHashes?: Array<{ collection: string; keyHash: string; valueHash?: string; purge?: boolean }>;
}

interface Proposal {
  fn: string;
  args: readonly string[];
  transient: ReadonlyMap<string, Uint8Array>;
  mspId: string;
  certificate: string;
  nonce: string;
  signature: Buffer;
  bytes: Buffer;
}

const pad = (n: number) => String(n).padStart(16, '0');
const CHANNEL = 'dmsnet';

interface Sub<V> {
  get(key: string): Promise<V | undefined>;
  put(key: string, value: V): Promise<void>;
  keys(o?: object): AsyncIterable<string>;
  values(o?: object): AsyncIterable<V>;
  iterator(o?: object): AsyncIterable<[string, V]>;
}

/**
 * The single-machine ledger: the very contracts that run on Fabric, dispatched by fabric-shim's own contract code,
 * over LevelDB. Each transaction is verified (signature, certificate chain), executed, and committed as one block in
 * one atomic batch with its state writes, key history and event, so a kill -9 leaves a whole prefix of blocks.
 */
export class EmbeddedLedger {
  private readonly chaincode = new ChaincodeFromContract(
    [...contracts],
    { serializers: { jsonSerializer: JSONSerializer }, transaction: 'jsonSerializer' },
    {},
    'dmsnet',
    '1.0.0',
  );
  private chain: Promise<unknown> = Promise.resolve();
  private heightN = 0;
  private blockWaiters: Array<() => void> = [];
  private closed = false;
  private readonly state: Sub<Uint8Array>;
  private readonly historyDb: Sub<{ txId: string; timestamp: string; isDelete: boolean; value?: string }>;
  private readonly blocks: Sub<Block>;
  /** Private data: apart from state, blocks and key history, so a purge leaves nothing of it behind. */
  private readonly privateDb: Sub<Uint8Array>;
  private readonly roots: Map<string, X509Certificate>;

  private constructor(
    private readonly db: Level<string, unknown>,
    msps: Array<{ mspId: string; rootCertificate: string }>,
  ) {
    this.state = db.sublevel<string, Uint8Array>('state', {
      valueEncoding: 'view',
    }) as unknown as Sub<Uint8Array>;
    this.historyDb = db.sublevel('history', { valueEncoding: 'json' }) as unknown as typeof this.historyDb;
    this.blocks = db.sublevel('blocks', { valueEncoding: 'json' }) as unknown as Sub<Block>;
    this.privateDb = db.sublevel<string, Uint8Array>('private', {
      valueEncoding: 'view',
    }) as unknown as Sub<Uint8Array>;
    this.roots = new Map(msps.map((m) => [m.mspId, new X509Certificate(m.rootCertificate)]));
  }

  static async open(o: {
    dir: string;
    msps: Array<{ mspId: string; rootCertificate: string }>;
  }): Promise<EmbeddedLedger> {
    await mkdir(o.dir, { recursive: true });
    const db = new Level<string, unknown>(o.dir, { valueEncoding: 'json' });
    await db.open();
    const ledger = new EmbeddedLedger(db, o.msps);
    for await (const key of ledger.blocks.keys({ reverse: true, limit: 1 })) ledger.heightN = Number(key) + 1;
    if (ledger.heightN === 0) {
      // Block 0 stands for the channel's genesis configuration, so transactions start at block 1 as on Fabric.
      const genesis: Block = {
        number: 0,
        txId: '',
        timestamp: new Date().toISOString(),
        mspId: '',
        fn: 'genesis',
        args: o.msps.map((m) => m.mspId),
      };
      await ledger.blocks.put(pad(0), genesis);
      ledger.heightN = 1;
    }
    return ledger;
  }

  height(): bigint {
    return BigInt(this.heightN);
  }

  connect(identity: Identity): LedgerClient {
    const key = createPrivateKey(identity.privateKey);
    return {
      submit: (fn, args, transient) => this.submit(this.propose(identity, key, fn, args, transient)),
      evaluate: async (fn, args, transient) =>
        (await this.execute(this.propose(identity, key, fn, args, transient))).payload,
      events: (from, signal) => this.events(from, signal),
      eventsAfter: (after) => this.eventsAfter(after),
      height: async () => this.height(),
    };
  }

  /**
   * What an organisation whose only peer lost its private data store sees: every ciphertext of its implicit
   * collection is gone, while blocks, public state and hashes stay (recovery tests; decision record 0053).
   * Returns how many entries were lost.
   */
  async losePrivateData(mspId: string): Promise<number> {
    const prefix = `_implicit_org_${mspId}\u0000`;
    const keys: string[] = [];
    for await (const k of this.privateDb.keys({ gte: prefix, lt: prefix + '\uffff' })) keys.push(k);
    const db = this.privateDb as unknown as { del(k: string): Promise<void> };
    for (const k of keys) await db.del(k);
    return keys.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeWaiters();
    await this.chain.catch(() => undefined);
    await this.db.close();
  }

  /** What a client does: sign the proposal with its key, as the Fabric Gateway client signs for its identity. */
  private propose(
    id: Identity,
    key: KeyObject,
    fn: string,
    args: readonly string[],
    transient: Readonly<Record<string, Uint8Array>> = {},
  ): Proposal {
    const nonce = randomBytes(24).toString('hex');
    const transientHashes = Object.entries(transient).map(([k, v]) => [
      k,
      createHash('sha256').update(v).digest('hex'),
    ]);
    const bytes = Buffer.from(
      JSON.stringify({
        channel: CHANNEL,
        fn,
        args,
        transientHashes,
        mspId: id.mspId,
        certificate: id.certificate,
        nonce,
      }),
    );
    return {
      fn,
      args: [...args],
      transient: new Map(Object.entries(transient)),
      mspId: id.mspId,
      certificate: id.certificate,
      nonce,
      signature: sign('sha256', bytes, key),
      bytes,
    };
  }

  /** Nothing runs before the signature and the certificate chain are verified. */
  private checkProposal(p: Proposal): void {
    const root = this.roots.get(p.mspId);
    if (!root)
      throw new LedgerError(
        'IDENTITY_INVALID',
        `IDENTITY_INVALID: ${p.mspId} is not an organisation of this channel`,
      );
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(p.certificate);
    } catch {
      throw new LedgerError('IDENTITY_INVALID', 'IDENTITY_INVALID: the creator certificate cannot be parsed');
    }
    const now = Date.now();
    if (
      !cert.checkIssued(root) ||
      !cert.verify(root.publicKey) ||
      Date.parse(cert.validFrom) > now ||
      Date.parse(cert.validTo) < now
    ) {
      throw new LedgerError(
        'IDENTITY_INVALID',
        `IDENTITY_INVALID: the certificate is not valid for ${p.mspId}`,
      );
    }
    for (const [k, v] of p.transient) {
      const h = createHash('sha256').update(v).digest('hex');
      if (!p.bytes.includes(Buffer.from(`["${k}","${h}"]`)))
        throw new LedgerError(
          'PROPOSAL_INVALID',
          'PROPOSAL_INVALID: transient data differs from the signed proposal',
        );
    }
    if (!verify('sha256', p.bytes, cert.publicKey, p.signature)) {
      throw new LedgerError('PROPOSAL_INVALID', 'PROPOSAL_INVALID: the proposal signature does not verify');
    }
  }

  private async execute(
    p: Proposal,
    timestampMs = Date.now(),
  ): Promise<{ payload: Uint8Array; stub: EmbeddedStub; tx: TxContext }> {
    if (this.closed) throw new LedgerError('LEDGER_UNAVAILABLE', 'LEDGER_UNAVAILABLE: the ledger is closed');
    this.checkProposal(p);
    const tx: TxContext = {
      txId: createHash('sha256').update(p.nonce).update(p.certificate).digest('hex'),
      channelId: CHANNEL,
      mspId: p.mspId,
      certificate: p.certificate,
      timestampMs,
      fn: p.fn,
      args: p.args,
      transient: p.transient,
    };
    const stub = new EmbeddedStub(tx, this.reader);
    const res = await this.chaincode.invokeFunctionality(stub);
    if (res.status !== 200) {
      const message = res.message ?? 'chaincode error';
      const parsed = parseChaincodeError(message);
      throw new LedgerError(
        parsed ? wireCode(parsed.code) : 'CHAINCODE_ERROR',
        parsed?.message ?? message,
        parsed?.errors,
      );
    }
    return { payload: res.payload ? new Uint8Array(res.payload) : new Uint8Array(0), stub, tx };
  }

  private submit(p: Proposal): Promise<SubmitResult> {
    // One transaction at a time: each reads what the previous one committed, so there are no MVCC conflicts to retry.
    const run = this.chain.then(async () => {
      const { payload, stub, tx } = await this.execute(p);
      const number = this.heightN;
      const timestamp = new Date(tx.timestampMs).toISOString();
      const ops: Array<{ type: 'put' | 'del'; key: string; value?: unknown; sublevel: unknown }> = [];
      for (const [key, value] of stub.writes) {
        ops.push(
          value === null
            ? { type: 'del', key, sublevel: this.state }
            : { type: 'put', key, value, sublevel: this.state },
        );
        ops.push({
          type: 'put',
          key: `${Buffer.from(key).toString('hex')}!${pad(number)}`,
          value: {
            txId: tx.txId,
            timestamp,
            isDelete: value === null,
            ...(value ? { value: Buffer.from(value).toString('base64') } : {}),
          },
          sublevel: this.historyDb,
        });
      }
      const privateHashes: NonNullable<Block['privateHashes']> = [];
      for (const w of stub.privateWrites.values()) {
        const k = `${w.collection}\u0000${w.key}`;
        ops.push(
          w.value === null
            ? { type: 'del', key: k, sublevel: this.privateDb }
            : { type: 'put', key: k, value: w.value, sublevel: this.privateDb },
        );
        privateHashes.push({
          collection: w.collection,
          keyHash: createHash('sha256').update(w.key).digest('hex'),
          ...(w.value ? { valueHash: createHash('sha256').update(w.value).digest('hex') } : {}),
          ...(w.purge ? { purge: true } : {}),
        });
      }
      const block: Block = {
        number,
        txId: tx.txId,
        timestamp,
        mspId: tx.mspId,
        fn: tx.fn,
        args: [...tx.args],
        ...(stub.event
          ? { event: { name: stub.event.name, payload: Buffer.from(stub.event.payload).toString('base64') } }
          : {}),
        ...(privateHashes.length ? { privateHashes } : {}),
      };
      ops.push({ type: 'put', key: pad(number), value: block, sublevel: this.blocks });
      await this.db.batch(ops as never);
      this.heightN = number + 1;
      this.wakeWaiters();
      return { transactionId: tx.txId, blockNumber: BigInt(number), result: payload };
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private readonly reader: StateReader = {
    get: async (key) => {
      const v = await this.state.get(key);
      return v === undefined ? undefined : new Uint8Array(v);
    },
    getPrivate: async (collection, key) => {
      const v = await this.privateDb.get(`${collection}\u0000${key}`);
      return v === undefined ? undefined : new Uint8Array(v);
    },
    hasCollection: (collection) =>
      collection.startsWith('_implicit_org_') && this.roots.has(collection.slice('_implicit_org_'.length)),
    range: async (gte, lt, limit) => {
      const out: Array<{ key: string; value: Uint8Array }> = [];
      for await (const [key, value] of (
        this.state as unknown as { iterator(o: object): AsyncIterable<[string, Uint8Array]> }
      ).iterator({ gte, lt, ...(limit ? { limit } : {}) })) {
        out.push({ key, value: new Uint8Array(value) });
      }
      return out;
    },
    history: async (key) => {
      const prefix = Buffer.from(key).toString('hex') + '!';
      const out = [];
      for await (const v of (
        this.historyDb as unknown as {
          values(
            o: object,
          ): AsyncIterable<{ txId: string; timestamp: string; isDelete: boolean; value?: string }>;
        }
      ).values({ gte: prefix, lt: prefix + '\uffff' }))
        out.push(v);
      return out;
    },
  };

  private wakeWaiters(): void {
    const w = this.blockWaiters;
    this.blockWaiters = [];
    w.forEach((f) => f());
  }

  /** Committed blocks from `from` on, then live ones; ends when the signal aborts or the ledger closes. */
  /**
   * Whether a block after the checkpoint carries a chaincode event: a follower that handled the last event is idle
   * even when newer blocks (a directory change, a vote) carry none, which a comparison with the height cannot see.
   */
  async eventsAfter(after: EventCheckpoint): Promise<boolean> {
    for (let n = Number(after.blockNumber) + (after.transactionId ? 1 : 0); n < this.heightN; n++) {
      if ((await this.blocks.get(pad(n)))?.event) return true;
    }
    return false;
  }

  async *events(from: EventCheckpoint, signal?: AbortSignal): AsyncGenerator<ChaincodeEvent> {
    // One transaction per block here: a checkpointed transaction means its whole block was processed.
    let n = Number(from.blockNumber) + (from.transactionId ? 1 : 0);
    for (;;) {
      if (signal?.aborted || this.closed) return;
      if (n < this.heightN) {
        const b = await this.blocks.get(pad(n));
        if (b?.event) {
          yield {
            blockNumber: BigInt(n),
            transactionId: b.txId,
            eventName: b.event.name,
            payload: new Uint8Array(Buffer.from(b.event.payload, 'base64')),
          };
        }
        n++;
        continue;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.blockWaiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}
