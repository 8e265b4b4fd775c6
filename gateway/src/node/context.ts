import type { Logger } from 'pino';
import type { ParticipantKeys, Signer } from '../crypto/index.js';
import type { LedgerClient } from '../ledger/types.js';
import type { GatewayStore } from '../store/store.js';
import type { DirectoryView } from './directory.js';
import type { Notifier } from './notifier.js';
import type { DocumentHandler } from './types.js';

/** What the node's parts (outbox, inbox, follower) share: one store, one write lock, one notifier. */
export interface NodeContext {
  readonly participantId: string;
  /** The node's folder: its store, and beside it the sealed files of documents (files.ts). */
  readonly dataDir: string;
  readonly ledger: LedgerClient;
  readonly keys: ParticipantKeys;
  readonly keyVersion: number;
  /** The GOST signer, when the node has one (a key in its key file, or a token or crypto provider plugged in). */
  readonly gostSigner?: Signer;
  readonly store: GatewayStore;
  readonly log: Logger;
  readonly directory: DirectoryView;
  readonly notifier: Notifier;
  /** Workflows per document type (attached after open, so read at each use). */
  handlers(): Partial<Record<string, DocumentHandler>> | undefined;
  /** Read-modify-write steps run one at a time. */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  /** Wakes the outbox worker. */
  kick(): void;
}
