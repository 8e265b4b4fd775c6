import { createHash } from 'node:crypto';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DmsnetError, type DmsDocument, type DocumentType } from '@dmsnet/formats';
import { convertFile, type ConversionNode, type ImportCompletion } from './conversion.js';
import { exportTable, type RowError } from './convert.js';
import type { TableMapping } from './mapping.js';
import { detectEncoding } from '@dmsnet/tables/table';
import { buildReport, reportText } from './report.js';

/** What the folder drop needs of the gateway node (GatewayNode satisfies it). */
export interface DropNode extends ConversionNode {
  readonly participantId: string;
  send(document: unknown): Promise<unknown>;
  getDocument(id: string): Promise<{ document?: unknown }>;
  /** The format version active now for a type, with its registry schema text (undefined: version 1, bundled). */
  sendingFormat?(type: string): Promise<{ version: string; schemaText: string } | undefined>;
  readonly notifications: {
    list(
      afterSeq: number,
      limit: number,
    ): Promise<Array<{ seq: number; kind: string; messageId: string; documentType: string }>>;
    subscribe(listener: (n: { kind: string }) => void): () => void;
  };
}

/** Which files of in/ go where, converted by which mapping (first match wins). */
export interface DropRoute {
  /** Tested against the file name, e.g. /\.csv$/i. */
  match: RegExp;
  mapping: TableMapping;
  /** The addressee's ОГРН; without it, the one the file names (the mapping says where). */
  addressee?: string;
  /** Body fields the configuration gives every file of this route. */
  body?: Record<string, unknown>;
}

export interface FolderDropOptions {
  root: string;
  node: DropNode;
  routes: DropRoute[];
  /** Local data that completes a file (a register's birth dates from the roster), as in the console's preview. */
  completion?: ImportCompletion;
  /** Local format of received documents per type; JSON for the others. */
  outMappings?: Partial<Record<DocumentType, TableMapping>>;
  scanIntervalMs?: number;
  /** A file younger than this may still be being copied in; it waits for the next scan. */
  settleMs?: number;
  log?: (message: string) => void;
}

type JournalState = 'claimed' | 'converted' | 'sent' | 'done' | 'failed';

interface JournalEntry {
  hash: string;
  name: string;
  state: JournalState;
  documentId?: string;
  /** The converted document, kept so that a resend after a crash is byte-identical (same id, same digest). */
  document?: DmsDocument;
  result?: string;
}

const SEP = '__';

/**
 * Files dropped into in/ are claimed (renamed into work/), converted, validated and sent; they end in done/ or in
 * failed/ with an error report beside them. A journal keyed by the file's content hash records each step, so a
 * crash at any point resumes where it stopped: a file is never sent twice (the converted document is journaled
 * before sending, and node.send is idempotent by documentId) nor lost (a file leaves work/ only after its result
 * is recorded). Received documents are written once per message id to out/ in the local format.
 */
export class FolderDrop {
  readonly dirs: Record<'in' | 'work' | 'done' | 'failed' | 'out' | 'journal', string>;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: FolderDropOptions) {
    const r = options.root;
    this.dirs = {
      in: path.join(r, 'in'),
      work: path.join(r, 'work'),
      done: path.join(r, 'done'),
      failed: path.join(r, 'failed'),
      out: path.join(r, 'out'),
      journal: path.join(r, '.journal'),
    };
  }

  async start(): Promise<void> {
    for (const d of Object.values(this.dirs)) await mkdir(d, { recursive: true });
    this.stopped = false;
    // fs.watch misses events (network shares, bursts), so the periodic scan is what guarantees progress.
    this.watcher = watch(this.dirs.in, () => void this.poll());
    this.timer = setInterval(() => void this.poll(), this.options.scanIntervalMs ?? 2000);
    this.unsubscribe = this.options.node.notifications.subscribe((n) => {
      if (n.kind === 'document.received') void this.enqueue(() => this.drainReceived());
    });
    await this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.chain;
  }

  /** One pass: resume work/, claim in/, write received documents. Resolves when the pass is done. */
  poll(): Promise<void> {
    return this.enqueue(async () => {
      await this.resumeWork();
      await this.claimIncoming();
      await this.drainReceived();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await task();
      } catch (err) {
        this.say(`folder drop: pass failed, retried on the next scan: ${(err as Error).message}`);
      }
    });
    this.chain = next;
    return next;
  }

  private say(message: string): void {
    this.options.log?.(message);
  }

  // ---- sending ------------------------------------------------------------------------------------------------

  private async claimIncoming(): Promise<void> {
    const settle = this.options.settleMs ?? 500;
    for (const name of (await readdir(this.dirs.in)).sort()) {
      if (name.startsWith('.') || name.endsWith('.tmp')) continue;
      const file = path.join(this.dirs.in, name);
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile() || Date.now() - st.mtimeMs < settle) continue;
      const hash = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      const previous = await this.readJournal(hash);
      if (previous && (previous.state === 'done' || previous.state === 'failed')) {
        // The same content again: the same document, already handled; never sent twice.
        const dir = previous.state === 'done' ? this.dirs.done : this.dirs.failed;
        await rename(file, await this.freeName(dir, name, hash));
        this.say(
          `folder drop: ${name} is a copy of an already ${previous.state} file (${previous.documentId ?? hash.slice(0, 12)})`,
        );
        continue;
      }
      await rename(file, path.join(this.dirs.work, `${hash}${SEP}${name}`));
      await this.processWork(`${hash}${SEP}${name}`);
    }
  }

  private async resumeWork(): Promise<void> {
    for (const name of (await readdir(this.dirs.work)).sort()) {
      if (name.includes(SEP)) await this.processWork(name);
    }
  }

  private async processWork(workName: string): Promise<void> {
    const sep = workName.indexOf(SEP);
    const hash = workName.slice(0, sep);
    const name = workName.slice(sep + SEP.length);
    const workFile = path.join(this.dirs.work, workName);
    let entry = (await this.readJournal(hash)) ?? { hash, name, state: 'claimed' as JournalState };
    if (entry.state === 'claimed') {
      entry = await this.convert(entry, await readFile(workFile));
      await this.writeJournal(entry);
    }
    if (entry.state === 'converted') {
      this.say(`folder drop: sending ${name} as ${entry.documentId}`);
      try {
        await this.options.node.send(entry.document);
        entry = { ...entry, state: 'sent', document: undefined };
      } catch (err) {
        if (!(err instanceof DmsnetError)) throw err; // transient: stays in work/, retried on the next scan
        await this.writeReport(name, hash, [
          ...(err.errors.length ? err.errors : [{ pointer: '', code: err.code, message: err.message }]),
        ]);
        entry = { ...entry, state: 'failed', document: undefined };
      }
      await this.writeJournal(entry);
    }
    const dir = entry.state === 'failed' ? this.dirs.failed : this.dirs.done;
    const target = await this.freeName(dir, name, hash);
    await rename(workFile, target);
    await this.writeJournal({
      ...entry,
      state: entry.state === 'failed' ? 'failed' : 'done',
      result: target,
    });
    this.say(`folder drop: ${name} → ${path.relative(this.options.root, target)}`);
  }

  private async convert(entry: JournalEntry, bytes: Uint8Array): Promise<JournalEntry> {
    const route = this.options.routes.find((r) => r.match.test(entry.name));
    if (!route) {
      await this.writeReport(entry.name, entry.hash, [
        { pointer: '', code: 'NO_ROUTE', message: 'no mapping is configured for this file name' },
      ]);
      return { ...entry, state: 'failed' };
    }
    try {
      // The same conversion as the console's preview and `dmsnet-node import` (roster completion included).
      const r = await convertFile(
        this.options.node,
        {
          bytes,
          mapping: route.mapping,
          ...(route.addressee ? { addressee: route.addressee } : {}),
          ...(route.body ? { body: route.body } : {}),
        },
        this.options.completion,
      );
      if (route.mapping.format === 'csv') await this.noteEncoding(route.mapping.type, detectEncoding(bytes));
      if (r.errors.length > 0) {
        await this.writeReport(entry.name, entry.hash, r.errors);
        return { ...entry, state: 'failed', documentId: r.document.header.documentId };
      }
      return { ...entry, state: 'converted', documentId: r.document.header.documentId, document: r.document };
    } catch (err) {
      if (!(err instanceof DmsnetError)) throw err;
      await this.writeReport(
        entry.name,
        entry.hash,
        err.errors.length ? [...err.errors] : [{ pointer: '', code: err.code, message: err.message }],
      );
      return { ...entry, state: 'failed' };
    }
  }

  /**
   * The encoding the local system writes its CSV files in, as its last file showed: documents received for it are
   * written back in the same one (a Windows-1251 system reads a UTF-8 file as mojibake).
   */
  private async noteEncoding(type: string, encoding: 'utf-8' | 'windows-1251'): Promise<void> {
    await atomicWrite(path.join(this.dirs.journal, `encoding-${type}`), encoding);
  }

  private async localEncoding(mapping: TableMapping): Promise<'utf-8' | 'windows-1251'> {
    if (mapping.encoding === 'utf-8' || mapping.encoding === 'windows-1251') return mapping.encoding;
    // Without a file seen yet: Windows-1251, what Excel writes and reads as «CSV» on a Russian Windows.
    const seen = await readFile(path.join(this.dirs.journal, `encoding-${mapping.type}`), 'utf8').catch(
      () => '',
    );
    return seen === 'utf-8' ? 'utf-8' : 'windows-1251';
  }

  private async writeReport(name: string, hash: string, errors: RowError[]): Promise<void> {
    const report = buildReport(name, errors);
    const base = path.basename(await this.freeName(this.dirs.failed, name, hash));
    await atomicWrite(path.join(this.dirs.failed, `${base}.errors.json`), JSON.stringify(report, null, 2));
    await atomicWrite(path.join(this.dirs.failed, `${base}.errors.txt`), reportText(report));
  }

  /** The original name in dir, or name-<hash8>.ext when another file already holds it. */
  private async freeName(dir: string, name: string, hash: string): Promise<string> {
    const plain = path.join(dir, name);
    if (!existsSync(plain)) return plain;
    const ext = path.extname(name);
    return path.join(dir, `${name.slice(0, name.length - ext.length)}-${hash.slice(0, 8)}${ext}`);
  }

  private async readJournal(hash: string): Promise<JournalEntry | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.dirs.journal, `${hash}.json`), 'utf8')) as JournalEntry;
    } catch {
      return undefined;
    }
  }

  private writeJournal(entry: JournalEntry): Promise<void> {
    return atomicWrite(path.join(this.dirs.journal, `${entry.hash}.json`), JSON.stringify(entry));
  }

  // ---- receiving ----------------------------------------------------------------------------------------------

  private async drainReceived(): Promise<void> {
    const cursorFile = path.join(this.dirs.journal, 'out.cursor');
    let cursor = Number(await readFile(cursorFile, 'utf8').catch(() => '0')) || 0;
    for (;;) {
      const batch = await this.options.node.notifications.list(cursor, 100);
      if (batch.length === 0) return;
      for (const n of batch) {
        if (n.kind === 'document.received') await this.writeReceived(n.messageId, n.documentType);
        cursor = n.seq;
      }
      await atomicWrite(cursorFile, String(cursor));
    }
  }

  private async writeReceived(messageId: string, documentType: string): Promise<void> {
    const mapping = this.options.outMappings?.[documentType as DocumentType];
    const ext = mapping ? mapping.format : 'json';
    // Named by sender and document id (the ledger id without its colon, which Windows shares refuse in a name).
    const target = path.join(this.dirs.out, `${documentType}-${messageId.replace(':', '-')}.${ext}`);
    if (existsSync(target)) return; // once per message id
    const view = await this.options.node.getDocument(messageId);
    const document = view.document as DmsDocument | undefined;
    if (!document) return;
    const bytes = mapping
      ? await exportTable(document, mapping, { encoding: await this.localEncoding(mapping) })
      : new TextEncoder().encode(JSON.stringify(document, null, 2));
    await atomicWrite(target, bytes);
    this.say(`folder drop: received ${documentType} ${messageId} → out/${path.basename(target)}`);
  }
}

async function atomicWrite(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
