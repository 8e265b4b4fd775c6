/**
 * The gateway's one view of a ledger, whatever the backend (the embedded ledger now, Fabric later).
 * Function names are "contract:function" (e.g. "exchange:send"), arguments are strings, and the
 * results are the bytes the contract returned, exactly as the Fabric Gateway client sees them.
 */
export interface ChaincodeEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: Uint8Array;
}

export interface SubmitResult {
  transactionId: string;
  blockNumber: bigint;
  result: Uint8Array;
}

export interface LedgerClient {
  /** Endorse, order and commit; resolves once the transaction is committed and valid. */
  submit(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
  ): Promise<SubmitResult>;
  /** Query without writing. */
  evaluate(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
  ): Promise<Uint8Array>;
  /**
   * Chaincode events of committed blocks from `startBlock` (inclusive) on, in order, without gaps;
   * the iteration ends when `signal` aborts.
   */
  events(startBlock: bigint, signal?: AbortSignal): AsyncIterable<ChaincodeEvent>;
}
