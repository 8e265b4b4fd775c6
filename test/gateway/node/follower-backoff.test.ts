// A node whose identity the peer refuses (a wrong MSP id, a certificate from another CA) used to reconnect its event
// stream five times a second and log the same warning each time, with nothing saying what to do. The follower now
// backs off, says the refusal once at error level with the command that finds the cause, and keeps trying.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { generateParticipantKeys } from '../../../gateway/src/crypto/keys.js';
import { FabricLedgerError, mapGatewayError } from '../../../gateway/src/ledger/fabric/errors.js';
import type { ChaincodeEvent, LedgerClient } from '../../../gateway/src/ledger/types.js';
import { GatewayNode } from '../../../gateway/src/node/gateway-node.js';

/** A ledger that refuses this identity the way a Fabric peer's gateway does (gRPC 7 on the event stream). */
function refusingLedger(): LedgerClient & { attempts: number[] } {
  const attempts: number[] = [];
  const refuse = () =>
    mapGatewayError({
      code: 7,
      message: '7 PERMISSION_DENIED: failed to evaluate ACL policy: access denied: creator org unknown',
    });
  return {
    attempts,
    async submit() {
      throw refuse();
    },
    async evaluate() {
      throw refuse();
    },
    // eslint-disable-next-line require-yield -- the stream breaks before its first event, as Fabric's does
    async *events(): AsyncIterable<ChaincodeEvent> {
      attempts.push(Date.now());
      throw refuse();
    },
  };
}

describe('the event follower when the peer refuses the identity', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dmsnet-follower-backoff-'));
  });
  after(async () => {
    await closeCryptoWorkers();
    await rm(dir, { recursive: true, force: true });
  });

  it('maps gRPC PERMISSION_DENIED to LEDGER_ACCESS_DENIED, which waits rather than drops', () => {
    const e = mapGatewayError({ code: 7, message: '7 PERMISSION_DENIED: access denied' });
    expect(e).to.be.instanceOf(FabricLedgerError);
    expect(e.code).to.equal('LEDGER_ACCESS_DENIED');
    expect(e.retry).to.equal('new-proposal');
    expect(e.message).to.contain('dmsnet-node check');
    // What a Fabric 3.1 peer's gateway answers an evaluate by an MSP the channel does not know.
    const evaluate = mapGatewayError({
      code: 9,
      message:
        '9 FAILED_PRECONDITION: evaluate call to endorser returned error: error validating proposal: access denied: ' +
        'channel [dmsnet] creator org unknown, creator is malformed',
    });
    expect(evaluate.code).to.equal('LEDGER_ACCESS_DENIED');
  });

  it('backs off, says the refusal once with the command to run, and keeps retrying', async () => {
    const lines: Array<{ level: number; msg: string; code?: string; retryInMs?: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const ledger = refusingLedger();
    const node = await GatewayNode.open({
      participantId: '1027700000017',
      dataDir: path.join(dir, 'data'),
      ledger,
      keys: await generateParticipantKeys(),
      keyVersion: 1,
      logger: pino({ level: 'debug' }, sink),
      retry: { initialMs: 100, maxMs: 800 },
      retentionCheckMs: 0,
    });
    await node.start();
    await new Promise((r) => setTimeout(r, 3_000));
    await node.stop();

    // Without backoff 100 ms apart that is about 30 attempts; doubling to 800 ms makes it 6 or 7.
    expect(ledger.attempts.length).to.be.within(4, 9);
    const gaps = ledger.attempts.slice(1).map((t, i) => t - ledger.attempts[i]!);
    expect(Math.max(...gaps)).to.be.within(700, 1_500);
    const refusals = lines.filter((l) => l.code === 'LEDGER_ACCESS_DENIED');
    expect(refusals.length).to.equal(ledger.attempts.length);
    const loud = refusals.filter((l) => l.level >= 40);
    expect(loud).to.have.length(1);
    expect(loud[0]!.level).to.equal(50);
    expect(loud[0]!.msg).to.contain('dmsnet-node check');
  });
});
