// A gateway of this release on a ledger whose chaincode predates the receipts contract: its signed receipt cannot be
// recorded, and the dispatcher's answer ("Contract name is not known") must not be retried for ever. The document is
// still DELIVERED and then ACCEPTED, once each, and no refused receipt is tried again.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDocument } from '@dmsnet/formats';
import { parseChaincodeError } from '@dmsnet/chaincode/errors';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { mapGatewayError } from '../../../gateway/src/ledger/fabric/errors.js';
import type { LedgerClient } from '../../../gateway/src/ledger/types.js';
import {
  embeddedProvider,
  startLocalNetwork,
  type LedgerProvider,
  type LocalNetwork,
} from '../../../sandbox/src/local-network/network.js';
import { SMALL_NETWORK } from '../fixtures/network.js';

/**
 * The clinic's calls to the receipts contract go to a contract name the deployed chaincode does not have, so the real
 * fabric-shim dispatcher answers exactly as a chaincode of the previous release does.
 */
function withoutReceiptsFor(mspId: string, inner: LedgerProvider): LedgerProvider & { refused: string[] } {
  const refused: string[] = [];
  const older = (client: LedgerClient): LedgerClient => ({
    ...client,
    events: client.events.bind(client),
    evaluate: client.evaluate.bind(client),
    submit: (fn, args, transient, options) => {
      const renamed = fn.startsWith('receipts:') ? fn.replace('receipts:', 'receiptsOfANewerRelease:') : fn;
      if (renamed !== fn) refused.push(`${fn} ${args[0]}`);
      return client.submit(renamed, args, transient, options);
    },
  });
  return {
    ...inner,
    refused,
    ca: inner.ca.bind(inner),
    close: inner.close.bind(inner),
    ...(inner.height ? { height: inner.height.bind(inner) } : {}),
    connect: (identity) => {
      const client = inner.connect(identity);
      return identity.mspId === mspId ? older(client) : client;
    },
  };
}

describe('a gateway on a chaincode without the receipts contract', function () {
  this.timeout(120_000);
  let dir: string;
  let net: LocalNetwork;
  let provider: ReturnType<typeof withoutReceiptsFor>;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-old-chaincode-'));
    // The clinic alone runs in its own organisation here, so only its calls meet the older chaincode.
    const specs = SMALL_NETWORK.filter((s) => s.key !== 'other').map((s) =>
      s.key === 'clinic' ? { ...s, mspId: 'ClinicMSP', viaAttribute: false } : s,
    );
    provider = withoutReceiptsFor(
      'ClinicMSP',
      await embeddedProvider(
        dir,
        specs.map((s) => s.mspId),
      ),
    );
    net = await startLocalNetwork({ dir, participants: specs, workflows: false, provider });
  });
  after(async () => {
    await net?.close();
    await closeCryptoWorkers();
    await rm(dir, { recursive: true, force: true });
  });

  it('names the dispatcher’s refusal FUNCTION_UNKNOWN, final, on both ledgers', () => {
    expect(parseChaincodeError('Contract name is not known: receipts')?.code).to.equal('FUNCTION_UNKNOWN');
    const fabric = mapGatewayError({
      name: 'EndorseError',
      code: 10,
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
      details: [
        {
          mspId: 'ClinicMSP',
          address: 'peer0:7051',
          message:
            "chaincode response 500, You've asked to invoke a function that does not exist: receipts:record",
        },
      ],
    });
    expect(fabric.code).to.equal('FUNCTION_UNKNOWN');
    expect(fabric.retry).to.equal('none');
  });

  it('delivers and accepts once each, each refused receipt tried once', async () => {
    const insurer = net.get('insurer');
    const clinic = net.get('clinic');
    const doc = generateDocument('insured-list', {
      seed: 61,
      rows: 2,
      sender: insurer.party,
      addressee: clinic.party,
    });
    const { messageId } = await insurer.node.send(doc);
    const trailUntil = async (status: string) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        // Until the outbox has sent it the ledger does not know the message.
        const trail = (await insurer.ledger
          .evaluate('exchange:history', [messageId])
          .then((b) => JSON.parse(Buffer.from(b).toString('utf8')) as Array<{ status: string }>)
          .catch(() => [])) as Array<{ status: string }>;
        if (trail.some((t) => t.status === status)) return trail;
        if (Date.now() > deadline) throw new Error(`never ${status}: ${JSON.stringify(trail)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await trailUntil('DELIVERED');
    await clinic.node.accept(messageId);
    const trail = await trailUntil('ACCEPTED');
    await clinic.node.whenIdle(10_000);
    const statuses = trail.map((t) => t.status);
    expect(
      statuses.filter((s) => s === 'DELIVERED'),
      statuses.join(' '),
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s === 'ACCEPTED'),
      statuses.join(' '),
    ).to.have.length(1);
    // The delivery receipt was tried, refused once and not again: the refusal is final, DELIVERED went without it
    // (so did the clinic's acknowledgement of the insurer's receipt for its answer).
    expect(provider.refused).to.include(`receipts:record ${messageId}`);
    expect(new Set(provider.refused).size, provider.refused.join('\n')).to.equal(provider.refused.length);
  });
});
