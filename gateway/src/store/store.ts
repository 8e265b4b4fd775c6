import { Level } from 'level';

/** The part of a level sublevel the gateway uses, typed by its value. */
export interface Sub<V> {
  get(key: string): Promise<V | undefined>;
  keys(options?: RangeOptions): AsyncIterable<string>;
  values(options?: RangeOptions): AsyncIterable<V>;
  iterator(options?: RangeOptions): AsyncIterable<[string, V]>;
}

export interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  limit?: number;
  reverse?: boolean;
}

type RawSub = ReturnType<Level<string, unknown>['sublevel']>;

export interface BatchOp {
  type: 'put' | 'del';
  sublevel: string;
  key: string;
  value?: unknown;
}

/** The node's LevelDB: one database, one sublevel per concern, multi-sublevel atomic batches. */
export class GatewayStore {
  private readonly subs = new Map<string, RawSub>();

  private constructor(readonly db: Level<string, unknown>) {}

  static async open(dir: string): Promise<GatewayStore> {
    const db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
    await db.open();
    return new GatewayStore(db);
  }

  sublevel<V = unknown>(name: string): Sub<V> {
    return this.raw(name) as unknown as Sub<V>;
  }

  private raw(name: string): RawSub {
    let s = this.subs.get(name);
    if (!s) {
      s = this.db.sublevel<string, unknown>(name, { valueEncoding: 'json' }) as unknown as RawSub;
      this.subs.set(name, s);
    }
    return s;
  }

  async get<V>(sublevel: string, key: string): Promise<V | undefined> {
    return (await this.sublevel(sublevel).get(key)) as V | undefined;
  }

  /** All writes of one step land together or not at all: this is what makes a crash lose and duplicate nothing. */
  async batch(ops: readonly BatchOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.db.batch(
      ops.map((op) =>
        op.type === 'put'
          ? { type: 'put' as const, key: op.key, value: op.value, sublevel: this.raw(op.sublevel) }
          : { type: 'del' as const, key: op.key, sublevel: this.raw(op.sublevel) },
      ),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
