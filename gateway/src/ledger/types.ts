/**
 * The gateway's one view of a ledger, whatever the backend (the embedded ledger or Fabric).
 * Function names are "contract:function" (e.g. "exchange:send"), arguments are strings, and the
 * results are the bytes the contract returned, exactly as the Fabric Gateway client sees them.
 */
export interface ChaincodeEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: Uint8Array;
}

export interface LedgerProof {
  channel: string;
  blocks: Array<{ txId: string; number: bigint; bytes: Uint8Array }>;
  config: { number: bigint; bytes: Uint8Array };
}

export interface SubmitResult {
  transactionId: string;
  blockNumber: bigint;
  result: Uint8Array;
}

/**
 * Where an event stream resumes: from `blockNumber` on; when `transactionId` is set, every transaction of that block
 * up to and including it is skipped (a Fabric block holds many transactions), as fabric-gateway's checkpointer keeps it.
 */
export interface EventCheckpoint {
  blockNumber: bigint;
  transactionId?: string;
}

/** An endorsed, signed transaction not yet known to be committed: persist `bytes` and commit them (again) later. */
export interface PreparedTransaction {
  transactionId: string;
  bytes: Uint8Array;
}

export interface SubmitOptions {
  /**
   * The organisations whose peers endorse (Fabric). A send names the sender's and the addressee's organisations: the
   * ciphertext goes only to them as transient data, and the addressee's implicit collection needs its endorsement.
   */
  endorsingOrganizations?: readonly string[];
}

export interface LedgerClient {
  /** Endorse, order and commit; resolves once the transaction is committed and valid. */
  submit(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
    options?: SubmitOptions,
  ): Promise<SubmitResult>;
  /** Query without writing. */
  evaluate(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
  ): Promise<Uint8Array>;
  /**
   * Chaincode events of valid committed transactions from `from` on, in order, without gaps;
   * the iteration ends when `signal` aborts.
   */
  events(from: EventCheckpoint, signal?: AbortSignal): AsyncIterable<ChaincodeEvent>;
  /**
   * The fine-grained flow, where the backend has one (Fabric): endorse now, then commit the very same signed bytes,
   * as often as needed (after a restart too) until the commit status is known. Committing bytes whose transaction is
   * already committed answers that commit.
   */
  prepare?(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
    options?: SubmitOptions,
  ): Promise<PreparedTransaction>;
  commitPrepared?(bytes: Uint8Array): Promise<SubmitResult>;
  /** Number of blocks committed (the next block's number). */
  height?(): Promise<bigint>;
  /**
   * What proves transactions offline, where the backend has signers of its own (Fabric): the blocks that hold them,
   * as the peer serves them, and the channel config block those blocks name as their last config (decision 0034).
   */
  proof?(txIds: readonly string[]): Promise<LedgerProof>;
  /**
   * Whether a valid transaction of this chaincode with an event was committed after `after` (a block, and the
   * transaction in it already handled), up to the current height — so a follower knows it has seen everything even
   * when the last blocks hold no event of ours (Fabric).
   */
  eventsAfter?(after: EventCheckpoint): Promise<boolean>;
  close?(): Promise<void>;
}

// The directory's entry of a participant as the ledger answers it (node/ and evidence/ both read it).
export interface SignatureProfileView {
  profile: 'ed25519' | 'gost2012-256';
  certificate?: string;
  fingerprint?: string;
  notAfter?: string;
  validFrom: string;
  txId: string;
}

export interface Participant {
  id: string;
  role: string;
  name: string;
  status: string;
  inn?: string;
  keys: Array<{ version: number; x25519: string; ed25519: string; validFrom?: string; txId?: string }>;
  signature?: SignatureProfileView;
  signatureTrail?: SignatureProfileView[];
  /** Fabric identities; the first names the participant's home organisation. */
  identities?: Array<{ mspId: string; kind: string }>;
  [k: string]: unknown;
}
