// Fabric Gateway client errors mapped to the codes the rest of the gateway already speaks, so the API's codes stay
// the same whichever ledger runs underneath.
import { wireCode, type ErrorCode, type WireCode } from '@dmsnet/formats/error-codes';
import type { FieldError } from '@dmsnet/formats/errors';
import { parseChaincodeError } from '@dmsnet/chaincode/errors';
import { LedgerError } from '../errors.js';

/** Transaction validation codes (fabric-protos peer.TxValidationCode) that a new proposal can overcome. */
const RETRY_AS_NEW_PROPOSAL = new Map<number, string>([
  [11, 'MVCC_READ_CONFLICT'],
  [12, 'PHANTOM_READ_CONFLICT'],
]);
const VALIDATION_NAMES = new Map<number, string>([
  [1, 'NIL_ENVELOPE'],
  [2, 'BAD_PAYLOAD'],
  [3, 'BAD_COMMON_HEADER'],
  [4, 'BAD_CREATOR_SIGNATURE'],
  [5, 'INVALID_ENDORSER_TRANSACTION'],
  [9, 'DUPLICATE_TXID'],
  [10, 'ENDORSEMENT_POLICY_FAILURE'],
  [11, 'MVCC_READ_CONFLICT'],
  [12, 'PHANTOM_READ_CONFLICT'],
  [13, 'UNKNOWN_TX_TYPE'],
  [14, 'TARGET_CHAIN_NOT_FOUND'],
  [15, 'MARSHAL_TX_ERROR'],
  [16, 'NIL_TXACTION'],
  [17, 'EXPIRED_CHAINCODE'],
  [18, 'CHAINCODE_VERSION_CONFLICT'],
  [21, 'INVALID_CHAINCODE'],
  [254, 'INVALID_OTHER_REASON'],
]);

/** gRPC status codes the Gateway reports (@grpc/grpc-js status). */
const GRPC = {
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNAVAILABLE: 14,
};

const GRPC_STATUS_NAMES = new Set([
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** Which step failed decides what a retry may do: a new proposal, the same signed transaction, or nothing. */
export type RetryKind = 'new-proposal' | 'same-transaction' | 'none';

export class FabricLedgerError extends LedgerError {
  constructor(
    code: ErrorCode | WireCode,
    message: string,
    readonly retry: RetryKind,
    readonly transactionId?: string,
    errors: readonly FieldError[] = [],
  ) {
    super(code, message, errors);
  }
}

interface GatewayLikeError {
  name?: string;
  message?: string;
  code?: number;
  details?: Array<{ address?: string; mspId?: string; message?: string }>;
  transactionId?: string;
}

/** A commit that Fabric marked invalid. */
export function commitFailure(code: number, transactionId: string): FabricLedgerError {
  const name = VALIDATION_NAMES.get(code) ?? `TX_INVALID_${code}`;
  const retry: RetryKind = RETRY_AS_NEW_PROPOSAL.has(code) ? 'new-proposal' : 'none';
  return new FabricLedgerError(
    wireCode(name),
    `${name}: transaction ${transactionId} was committed invalid (${code})`,
    retry,
    transactionId,
  );
}

/**
 * The contract's "CODE: message" reaches a Fabric client wrapped ("10 ABORTED: failed to endorse…"), with the
 * chaincode's own message in err.details[i].message; it is parsed from there.
 */
export function mapGatewayError(err: unknown): FabricLedgerError {
  if (err instanceof FabricLedgerError) return err;
  const e = (err ?? {}) as GatewayLikeError;
  const txId = e.transactionId;
  for (const d of e.details ?? []) {
    const parsed = d.message
      ? parseChaincodeError(d.message.replace(/^chaincode response \d+, /, ''))
      : undefined;
    if (parsed)
      return new FabricLedgerError(wireCode(parsed.code), parsed.message, 'none', txId, parsed.errors);
  }
  const fromMessage = e.message ? parseChaincodeError(e.message) : undefined;
  // "10 ABORTED: failed to collect enough transaction endorsements" is the gRPC status, not a contract's code.
  const parsed = fromMessage && !GRPC_STATUS_NAMES.has(fromMessage.code) ? fromMessage : undefined;
  const detail = [
    e.message,
    ...(e.details ?? []).map((d) => `${d.mspId ?? ''}@${d.address ?? ''}: ${d.message ?? ''}`),
  ].join('; ');
  if (e.name === 'CommitError' && typeof e.code === 'number') return commitFailure(e.code, txId ?? '');
  if (e.name === 'SubmitError') {
    return new FabricLedgerError(
      'LEDGER_UNAVAILABLE',
      `LEDGER_UNAVAILABLE: submit to the orderers failed: ${detail}`,
      'same-transaction',
      txId,
    );
  }
  if (e.name === 'CommitStatusError') {
    return new FabricLedgerError(
      'LEDGER_UNAVAILABLE',
      `LEDGER_UNAVAILABLE: commit status unavailable: ${detail}`,
      'same-transaction',
      txId,
    );
  }
  if (
    e.code === GRPC.PERMISSION_DENIED ||
    /access denied|creator org unknown|creator is malformed/i.test(detail)
  ) {
    // Before the unavailable family: the peer answers a refused creator with FAILED_PRECONDITION. The channel does
    // not accept this identity (a wrong MSP id, a certificate from another CA or revoked by its CA, an organisation
    // removed): nothing can succeed until the operator fixes it, but what is queued must wait, not be dropped.
    return new FabricLedgerError(
      'LEDGER_ACCESS_DENIED',
      `LEDGER_ACCESS_DENIED: the peer refuses this identity (check ledger.fabric.mspId and that msp/signcerts/cert.pem ` +
        `was issued by that organisation's CA and is not on its revocation list; \`dmsnet-node check\` tells which): ${detail}`,
      'new-proposal',
      txId,
    );
  }
  if (
    e.code === GRPC.UNAVAILABLE ||
    e.code === GRPC.DEADLINE_EXCEEDED ||
    e.code === GRPC.CANCELLED ||
    e.code === GRPC.FAILED_PRECONDITION
  ) {
    // Endorsers down or not yet discovered (e.g. just after a peer restart): nothing was ordered, propose again.
    return new FabricLedgerError('LEDGER_UNAVAILABLE', `LEDGER_UNAVAILABLE: ${detail}`, 'new-proposal', txId);
  }
  if (/private data matching public hash version is not available/i.test(detail)) {
    // A contract before 0053 lets the peer's refusal through: the peer holds the hash, not the ciphertext.
    return new FabricLedgerError('PAYLOAD_MISSING', `PAYLOAD_MISSING: ${detail}`, 'none', txId);
  }
  if (/cannot serve block \[\d+\]|bootstrapped from a snapshot/i.test(detail)) {
    // A peer joined from a snapshot serves no block before it (Aborted, which would otherwise read as an
    // endorsement failure): the organisation's other peer does (decision 0053).
    return new FabricLedgerError('LEDGER_BLOCKS_NOT_HELD', `LEDGER_BLOCKS_NOT_HELD: ${detail}`, 'none', txId);
  }
  if (e.code === GRPC.ABORTED && /MVCC|conflict/i.test(detail)) {
    return new FabricLedgerError('MVCC_READ_CONFLICT', `MVCC_READ_CONFLICT: ${detail}`, 'new-proposal', txId);
  }
  if (parsed)
    return new FabricLedgerError(wireCode(parsed.code), parsed.message, 'none', txId, parsed.errors);
  if (e.code === GRPC.ABORTED) {
    // Endorsements that differ or do not satisfy the policy: proposing again can succeed once peers agree.
    return new FabricLedgerError('ENDORSEMENT_FAILED', `ENDORSEMENT_FAILED: ${detail}`, 'new-proposal', txId);
  }
  return new FabricLedgerError('LEDGER_ERROR', `LEDGER_ERROR: ${detail}`, 'new-proposal', txId);
}
