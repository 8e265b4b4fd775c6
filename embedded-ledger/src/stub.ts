// The chaincode stub of the embedded ledger: Fabric's read/write semantics over committed LevelDB state.
// Reads see committed state only (never the transaction's own writes), as on a Fabric peer.
import { createHash } from 'node:crypto';
import { DmsnetError } from '@dmsnet/formats/errors';

/** Fabric's composite-key namespace: a composite key starts with it, a simple key never does. */
const COMPOSITE_KEY_NAMESPACE = '\x00';
const MIN = '\u0000';
const MAX = '\u{10ffff}';

export interface StateReader {
  get(key: string): Promise<Uint8Array | undefined>;
  /** Private data of a collection: kept apart from state, blocks and key history, as Fabric's private data store. */
  getPrivate(collection: string, key: string): Promise<Uint8Array | undefined>;
  /** Whether a collection exists on this channel (implicit collections of its organisations). */
  hasCollection(collection: string): boolean;
  range(gte: string, lt: string, limit?: number): Promise<Array<{ key: string; value: Uint8Array }>>;
  history(
    key: string,
  ): Promise<Array<{ txId: string; timestamp: string; isDelete: boolean; value?: string }>>;
}

export interface TxContext {
  txId: string;
  channelId: string;
  mspId: string;
  certificate: string;
  timestampMs: number;
  fn: string;
  args: readonly string[];
  transient: ReadonlyMap<string, Uint8Array>;
}

class ListIterator<T> {
  private i = 0;
  constructor(private readonly items: T[]) {}
  async next(): Promise<{ value: T; done: false } | { value: undefined; done: true }> {
    return this.i < this.items.length
      ? { value: this.items[this.i++], done: false }
      : { value: undefined, done: true };
  }
  async close(): Promise<void> {}
  [Symbol.asyncIterator]() {
    return this;
  }
}

function stubError(message: string): DmsnetError {
  return new DmsnetError('STUB_INVALID_CALL', message);
}

export interface PrivateWrite {
  collection: string;
  key: string;
  /** null deletes; with `purge` the value and its history are gone. */
  value: Uint8Array | null;
  purge: boolean;
}

export class EmbeddedStub {
  readonly writes = new Map<string, Uint8Array | null>();
  readonly privateWrites = new Map<string, PrivateWrite>();
  event?: { name: string; payload: Uint8Array };
  /** Fabric's transaction simulator keeps paginated queries and writes apart; so does this stub. */
  private paginated = false;

  constructor(
    private readonly tx: TxContext,
    private readonly state: StateReader,
  ) {}

  getArgs(): string[] {
    return [this.tx.fn, ...this.tx.args];
  }
  getStringArgs(): string[] {
    return this.getArgs();
  }
  getBufferArgs(): Buffer[] {
    return this.getArgs().map((a) => Buffer.from(a, 'utf8'));
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.tx.fn, params: [...this.tx.args] };
  }
  getTxID(): string {
    return this.tx.txId;
  }
  getChannelID(): string {
    return this.tx.channelId;
  }
  getCreator(): { mspid: string; idBytes: Buffer } {
    return { mspid: this.tx.mspId, idBytes: Buffer.from(this.tx.certificate, 'utf8') };
  }
  getMspID(): string {
    return process.env.CORE_PEER_LOCALMSPID ?? 'EmbeddedPeerMSP';
  }
  getTransient(): Map<string, Buffer> {
    return new Map([...this.tx.transient].map(([k, v]) => [k, Buffer.from(v)]));
  }
  getTxTimestamp(): { seconds: number; nanos: number } {
    return { seconds: Math.floor(this.tx.timestampMs / 1000), nanos: (this.tx.timestampMs % 1000) * 1e6 };
  }
  getDateTimestamp(): Date {
    return new Date(this.tx.timestampMs);
  }

  async getState(key: string): Promise<Uint8Array> {
    this.checkKey(key);
    return (await this.state.get(key)) ?? new Uint8Array(0);
  }
  async putState(key: string, value: Uint8Array): Promise<void> {
    this.checkKey(key);
    this.checkWriteAllowed();
    if (!value || value.length === 0)
      throw stubError(`putState of an empty value for ${JSON.stringify(key)}`);
    this.writes.set(key, Uint8Array.from(value));
  }
  async deleteState(key: string): Promise<void> {
    this.checkKey(key);
    this.checkWriteAllowed();
    this.writes.set(key, null);
  }

  async putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    this.checkPrivate(collection, key);
    this.checkWriteAllowed();
    if (!value || value.length === 0)
      throw stubError(`putPrivateData of an empty value for ${JSON.stringify(key)}`);
    this.privateWrites.set(`${collection}${MIN}${key}`, {
      collection,
      key,
      value: Uint8Array.from(value),
      purge: false,
    });
  }
  async getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    this.checkPrivate(collection, key);
    return (await this.state.getPrivate(collection, key)) ?? new Uint8Array(0);
  }
  async getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    const v = await this.getPrivateData(collection, key);
    return v.length ? new Uint8Array(createHash('sha256').update(v).digest()) : new Uint8Array(0);
  }
  async deletePrivateData(collection: string, key: string): Promise<void> {
    this.checkPrivate(collection, key);
    this.checkWriteAllowed();
    this.privateWrites.set(`${collection}${MIN}${key}`, { collection, key, value: null, purge: false });
  }
  async purgePrivateData(collection: string, key: string): Promise<void> {
    this.checkPrivate(collection, key);
    this.checkWriteAllowed();
    this.privateWrites.set(`${collection}${MIN}${key}`, { collection, key, value: null, purge: true });
  }

  async getStateByRange(start: string, end: string) {
    return new ListIterator(await this.range(start, end));
  }
  async getStateByRangeWithPagination(start: string, end: string, pageSize: number, bookmark = '') {
    return this.page(bookmark || start || '\u0001', end || MAX, pageSize, true);
  }
  async getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
    const start = this.createCompositeKey(objectType, attributes);
    return new ListIterator(await this.state.range(start, start + MAX));
  }
  async getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark = '',
  ) {
    const start = this.createCompositeKey(objectType, attributes);
    return this.page(bookmark && bookmark > start ? bookmark : start, start + MAX, pageSize, false);
  }
  async getHistoryForKey(key: string) {
    const entries = await this.state.history(key);
    return new ListIterator(
      entries.map((e) => ({
        txId: e.txId,
        timestamp: { seconds: Math.floor(Date.parse(e.timestamp) / 1000), nanos: 0 },
        isDelete: e.isDelete,
        value: e.value ? Buffer.from(e.value, 'base64') : Buffer.alloc(0),
      })),
    );
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    if (typeof objectType !== 'string' || objectType.includes(MIN))
      throw stubError('invalid composite key object type');
    let key = COMPOSITE_KEY_NAMESPACE + objectType + MIN;
    for (const a of attributes) {
      if (typeof a !== 'string' || a.includes(MIN)) throw stubError('invalid composite key attribute');
      key += a + MIN;
    }
    return key;
  }
  splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
    if (!compositeKey || compositeKey[0] !== COMPOSITE_KEY_NAMESPACE)
      return { objectType: null, attributes: [] };
    const parts = compositeKey.substring(1).split(MIN);
    return { objectType: parts[0], attributes: parts.slice(1, -1) };
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (!name) throw stubError('event name is empty');
    // As on Fabric: one event per transaction, the last one set.
    this.event = { name, payload: Uint8Array.from(payload) };
  }

  private checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0)
      throw stubError('a state key must be a non-empty string');
  }

  private async range(start: string, end: string) {
    // Fabric refuses composite keys in plain range queries; simple keys never start with U+0000.
    if (start.startsWith(COMPOSITE_KEY_NAMESPACE) || end.startsWith(COMPOSITE_KEY_NAMESPACE))
      throw stubError('range queries take simple keys, not composite keys');
    return this.state.range(start || '\u0001', end || MAX);
  }

  private checkPrivate(collection: string, key: string): void {
    this.checkKey(key);
    if (typeof collection !== 'string' || !this.state.hasCollection(collection))
      throw stubError(`collection ${JSON.stringify(collection)} is not defined on this channel`);
  }

  private checkWriteAllowed(): void {
    if (this.paginated)
      throw stubError(
        `txid [${this.tx.txId}]: Transaction has already performed a paginated query. Writes are not allowed`,
      );
  }

  private async page(gte: string, lt: string, pageSize: number, simple: boolean) {
    if (this.writes.size || this.privateWrites.size)
      throw stubError(
        `txid [${this.tx.txId}]: Paginated queries are not allowed in a transaction that has writes`,
      );
    this.paginated = true;
    if (simple && (gte.startsWith(COMPOSITE_KEY_NAMESPACE) || lt.startsWith(COMPOSITE_KEY_NAMESPACE)))
      throw stubError('range queries take simple keys');
    const size = Math.max(1, Math.floor(pageSize));
    const rows = await this.state.range(gte, lt, size + 1);
    const page = rows.slice(0, size);
    return {
      iterator: new ListIterator(page),
      metadata: { fetchedRecordsCount: page.length, bookmark: rows.length > size ? rows[size].key : '' },
    };
  }
}
