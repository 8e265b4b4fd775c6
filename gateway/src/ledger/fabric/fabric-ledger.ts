// The gateway's Fabric backend: the same LedgerClient as the embedded ledger, over @hyperledger/fabric-gateway.
import * as grpc from '@grpc/grpc-js';
import { createPrivateKey } from 'node:crypto';
import {
  connect,
  hash,
  signers,
  type Checkpoint,
  type Contract,
  type Gateway,
  type Network,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import type {
  ChaincodeEvent,
  EventCheckpoint,
  LedgerClient,
  LedgerProof,
  PreparedTransaction,
  SubmitOptions,
  SubmitResult,
} from '../types.js';
import { commitFailure, FabricLedgerError, mapGatewayError } from './errors.js';

/** Room for the largest document (a 50,000-row insured list) in one message, both ways. */
export const FABRIC_MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export interface FabricConnection {
  /** host:port of the organisation's peer (its Gateway service). */
  peerEndpoint: string;
  /** PEM of the CA that issued the peer's TLS certificate. */
  tlsRootCertificate: string;
  /** TLS server name when the endpoint's host is not in the certificate. */
  serverNameOverride?: string;
  mspId: string;
  certificate: string;
  privateKey: string;
  channel: string;
  chaincode: string;
  /** How often submit() proposes again after an MVCC conflict or an unavailable endorser. */
  retries?: number;
  /**
   * The organisation's other peers (same TLS root), whose blocks the event stream follows when the peer above was
   * joined from a snapshot and serves nothing before it (decision record 0053).
   */
  otherPeers?: ReadonlyArray<{ endpoint: string; serverNameOverride?: string }>;
}

/** A Gateway connection to one peer: the event stream's source. */
interface PeerLink {
  endpoint: string;
  client: grpc.Client;
  gateway: Gateway;
  network: Network;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Refusals that a peer lagging a block behind gives for state just committed elsewhere (a participant reinstated a
 * moment ago still reads as suspended there).
 */
const STALE_READ =
  /_NOT_FOUND$|^ENDORSEMENT_FAILED$|^IDENTITY_UNKNOWN$|^ADDRESSEE_UNKNOWN$|^FORMAT_NOT_ACTIVE$|^VOTE_NO_RULES$|^PURGE_NOT_FINAL$|^SENDER_INACTIVE$|^ADDRESSEE_INACTIVE$/;
// A loaded machine shows peers more than half a second apart: the last wait covers that.
const STALE_READ_RETRIES = [150, 400, 1000];

export class FabricLedger implements LedgerClient {
  /** How often submit() proposed again (e.g. after an MVCC conflict) or resubmitted the same transaction. */
  readonly retries = { newProposal: 0, sameTransaction: 0, staleRead: 0 };
  private readonly client: grpc.Client;
  private readonly gateway: Gateway;
  private readonly network: Network;
  private readonly contract: Contract;

  /** Lazily made links to the other peers, by endpoint. */
  private readonly others = new Map<string, PeerLink>();
  /** The peer the last event stream came from (the organisation's other peer after a snapshot rebuild). */
  eventPeer: string;

  private constructor(private readonly o: FabricConnection) {
    this.eventPeer = o.peerEndpoint;
    this.client = FabricLedger.grpcClient(o, o.peerEndpoint, o.serverNameOverride);
    this.gateway = this.gatewayOf(this.client);
    this.network = this.gateway.getNetwork(o.channel);
    this.contract = this.network.getContract(o.chaincode);
  }

  private static grpcClient(o: FabricConnection, endpoint: string, serverName?: string): grpc.Client {
    return new grpc.Client(endpoint, grpc.credentials.createSsl(Buffer.from(o.tlsRootCertificate)), {
      'grpc.max_receive_message_length': FABRIC_MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': FABRIC_MAX_MESSAGE_BYTES,
      ...(serverName ? { 'grpc.ssl_target_name_override': serverName } : {}),
    });
  }

  private gatewayOf(client: grpc.Client): Gateway {
    const o = this.o;
    return connect({
      client,
      identity: { mspId: o.mspId, credentials: Buffer.from(o.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(o.privateKey)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
      submitOptions: () => ({ deadline: Date.now() + 60_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 120_000 }),
    });
  }

  /** The networks an event stream may come from: this peer first, then the organisation's other peers. */
  private eventSources(): Array<{ endpoint: string; network: Network }> {
    const out = [{ endpoint: this.o.peerEndpoint, network: this.network }];
    for (const p of this.o.otherPeers ?? []) {
      let link = this.others.get(p.endpoint);
      if (!link) {
        const client = FabricLedger.grpcClient(this.o, p.endpoint, p.serverNameOverride);
        const gateway = this.gatewayOf(client);
        link = { endpoint: p.endpoint, client, gateway, network: gateway.getNetwork(this.o.channel) };
        this.others.set(p.endpoint, link);
      }
      out.push({ endpoint: link.endpoint, network: link.network });
    }
    return out;
  }

  static connect(o: FabricConnection): FabricLedger {
    return new FabricLedger(o);
  }

  async evaluate(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
  ): Promise<Uint8Array> {
    try {
      return await this.contract.evaluate(fn, {
        arguments: [...args],
        ...(transient ? { transientData: transient } : {}),
      });
    } catch (err) {
      throw mapGatewayError(err);
    }
  }

  async prepare(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
    options: SubmitOptions = {},
  ): Promise<PreparedTransaction> {
    for (let attempt = 0; ; attempt++) {
      try {
        const tx = await this.contract
          .newProposal(fn, {
            arguments: [...args],
            ...(transient ? { transientData: transient } : {}),
            ...(options.endorsingOrganizations?.length
              ? { endorsingOrganizations: [...options.endorsingOrganizations] }
              : {}),
          })
          .endorse();
        return { transactionId: tx.getTransactionId(), bytes: tx.getBytes() };
      } catch (err) {
        const mapped = mapGatewayError(err);
        // Another organisation's endorsing peer may be a block behind this one: a record committed a moment ago
        // (a proposal, a participant, a message) can read as missing there, or its answer can differ from this
        // peer's (ENDORSEMENT_FAILED: payloads do not match). Endorse again before believing it.
        if (attempt < STALE_READ_RETRIES.length && STALE_READ.test(mapped.code)) {
          this.retries.staleRead++;
          await sleep(STALE_READ_RETRIES[attempt] as number);
          continue;
        }
        throw mapped;
      }
    }
  }

  /** Submits the same signed transaction and waits for its commit status; safe to repeat (a copy is never valid twice). */
  async commitPrepared(bytes: Uint8Array): Promise<SubmitResult> {
    let tx: Transaction;
    try {
      tx = this.gateway.newTransaction(bytes);
    } catch (err) {
      throw new FabricLedgerError(
        'PREPARED_TX_INVALID',
        `PREPARED_TX_INVALID: ${(err as Error).message}`,
        'new-proposal',
      );
    }
    try {
      const submitted = await tx.submit();
      const status = await submitted.getStatus();
      // A copy re-submitted after a crash is invalidated as a duplicate while the first one stands: ask for the first.
      if (!status.successful) throw commitFailure(status.code, status.transactionId);
      return {
        transactionId: status.transactionId,
        blockNumber: status.blockNumber,
        result: submitted.getResult(),
      };
    } catch (err) {
      const mapped = mapGatewayError(err);
      if (mapped.code === 'DUPLICATE_TXID') {
        // The first copy was committed before: its outcome is the answer.
        return this.statusOf(tx);
      }
      throw mapped;
    }
  }

  private async statusOf(tx: Transaction): Promise<SubmitResult> {
    const commit = this.gateway.newCommit(tx.getBytes());
    const status = await commit.getStatus();
    if (!status.successful) throw commitFailure(status.code, status.transactionId);
    return { transactionId: status.transactionId, blockNumber: status.blockNumber, result: tx.getResult() };
  }

  /** Endorse and commit; a new proposal after an MVCC conflict or an unavailable endorser, the same bytes after a submit failure. */
  async submit(
    fn: string,
    args: readonly string[],
    transient?: Readonly<Record<string, Uint8Array>>,
    options?: SubmitOptions,
  ): Promise<SubmitResult> {
    const retries = this.o.retries ?? 5;
    let last: FabricLedgerError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt) {
        this.retries.newProposal++;
        await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
      let prepared: PreparedTransaction;
      try {
        prepared = await this.prepare(fn, args, transient, options);
      } catch (err) {
        last = mapGatewayError(err);
        if (last.retry === 'none') throw last;
        continue;
      }
      for (let again = 0; again <= retries; again++) {
        try {
          return await this.commitPrepared(prepared.bytes);
        } catch (err) {
          last = mapGatewayError(err);
          if (last.retry !== 'same-transaction') break;
          this.retries.sameTransaction++;
          await sleep(200 * (again + 1));
        }
      }
      if (last?.retry === 'none') throw last;
    }
    throw last ?? new FabricLedgerError('LEDGER_ERROR', 'LEDGER_ERROR: submit failed', 'none');
  }

  /**
   * Chaincode events from `from` on. A peer joined from a snapshot serves no block before the snapshot
   * (LEDGER_BLOCKS_NOT_HELD): the stream then comes from the organisation's other peers, in turn, without a word —
   * the events are the channel's, whichever peer of the organisation serves them.
   */
  async *events(from: EventCheckpoint, signal?: AbortSignal): AsyncGenerator<ChaincodeEvent> {
    const sources = this.eventSources();
    for (let i = 0; ; i++) {
      const source = sources[i];
      let gave = false;
      try {
        for await (const ev of this.eventsFrom(source.network, from, signal)) {
          this.eventPeer = source.endpoint;
          gave = true;
          yield ev;
        }
        return;
      } catch (err) {
        const notHeld = (err as { code?: string }).code === 'LEDGER_BLOCKS_NOT_HELD';
        // Events already given came from this peer: the follower reconnects from its checkpoint.
        if (!notHeld || i === sources.length - 1 || gave) throw err;
      }
    }
  }

  private async *eventsFrom(
    network: Network,
    from: EventCheckpoint,
    signal?: AbortSignal,
  ): AsyncGenerator<ChaincodeEvent> {
    const checkpoint: Checkpoint = {
      getBlockNumber: () => from.blockNumber,
      getTransactionId: () => from.transactionId,
    };
    let stream;
    try {
      stream = await network.getChaincodeEvents(this.o.chaincode, {
        checkpoint,
        startBlock: from.blockNumber,
      });
    } catch (err) {
      throw mapGatewayError(err);
    }
    const onAbort = () => stream.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const ev of stream) {
        if (signal?.aborted) return;
        yield {
          blockNumber: ev.blockNumber,
          transactionId: ev.transactionId,
          eventName: ev.eventName,
          payload: ev.payload,
        };
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw mapGatewayError(err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stream.close();
    }
  }

  /**
   * Walks the filtered blocks (every block, with or without our events; payloads stripped) from `after` to the
   * height: chaincode events alone never tell a block holding nothing of ours from one not delivered yet.
   */
  async eventsAfter(after: EventCheckpoint): Promise<boolean> {
    const sources = this.eventSources();
    for (let i = 0; ; i++) {
      try {
        return await this.eventsAfterOn(sources[i].network, after);
      } catch (err) {
        if ((err as { code?: string }).code !== 'LEDGER_BLOCKS_NOT_HELD' || i === sources.length - 1)
          throw err;
      }
    }
  }

  private async eventsAfterOn(network: Network, after: EventCheckpoint): Promise<boolean> {
    const last = (await this.height()) - 1n;
    if (after.blockNumber > last) return false;
    let stream;
    try {
      stream = await network.getFilteredBlockEvents({ startBlock: after.blockNumber });
    } catch (err) {
      throw mapGatewayError(err);
    }
    try {
      for await (const block of stream) {
        const n = BigInt(block.getNumber());
        // In the checkpoint's own block, only what comes after the transaction already handled counts.
        let past = n > after.blockNumber || after.transactionId === undefined;
        for (const tx of block.getFilteredTransactionsList()) {
          if (!past) {
            past = tx.getTxid() === after.transactionId;
            continue;
          }
          if (tx.getTxValidationCode() !== peer.TxValidationCode.VALID) continue;
          const actions = tx.getTransactionActions()?.getChaincodeActionsList() ?? [];
          if (
            actions.some((a) => {
              const ev = a.getChaincodeEvent();
              return ev !== undefined && ev.getChaincodeId() === this.o.chaincode && ev.getEventName() !== '';
            })
          )
            return true;
        }
        if (n >= last) return false;
      }
    } catch (err) {
      const e = mapGatewayError(err);
      // The deliver service answers a block it does not hold (a peer joined from a snapshot) with status 404.
      if (/Unexpected status response: 404/.test(e.message))
        throw new FabricLedgerError('LEDGER_BLOCKS_NOT_HELD', `LEDGER_BLOCKS_NOT_HELD: ${e.message}`, 'none');
      throw e;
    } finally {
      stream.close();
    }
    return false;
  }

  /** The blocks of `txIds` and the config block they name (OrdererBlockMetadata.last_config), through qscc. */
  async proof(txIds: readonly string[]): Promise<LedgerProof> {
    try {
      const qscc = this.network.getContract('qscc');
      const blocks: LedgerProof['blocks'] = [];
      let lastConfig = 0n;
      for (const txId of txIds) {
        const bytes = await qscc.evaluateTransaction('GetBlockByTxID', this.o.channel, txId);
        const block = common.Block.deserializeBinary(bytes);
        const signatures = common.Metadata.deserializeBinary(
          block.getMetadata()?.getMetadataList_asU8()[0] ?? new Uint8Array(),
        );
        const meta = common.OrdererBlockMetadata.deserializeBinary(signatures.getValue_asU8());
        const index = BigInt(meta.getLastConfig()?.getIndex() ?? 0);
        if (index > lastConfig) lastConfig = index;
        blocks.push({ txId, number: BigInt(block.getHeader()?.getNumber() ?? 0), bytes });
      }
      const config = await qscc.evaluateTransaction(
        'GetBlockByNumber',
        this.o.channel,
        lastConfig.toString(),
      );
      return { channel: this.o.channel, blocks, config: { number: lastConfig, bytes: config } };
    } catch (err) {
      throw mapGatewayError(err);
    }
  }

  /** The channel's height, from the query system chaincode. */
  async height(): Promise<bigint> {
    try {
      const bytes = await this.network
        .getContract('qscc')
        .evaluateTransaction('GetChainInfo', this.o.channel);
      return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    } catch (err) {
      throw mapGatewayError(err);
    }
  }

  async close(): Promise<void> {
    for (const link of this.others.values()) {
      link.gateway.close();
      link.client.close();
    }
    this.gateway.close();
    this.client.close();
  }
}
