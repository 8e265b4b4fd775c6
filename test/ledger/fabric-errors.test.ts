import { expect } from 'chai';
import { mapGatewayError } from '../../gateway/src/ledger/fabric/errors.js';

// Shapes as @hyperledger/fabric-gateway 1.11 throws them (EndorseError: gRPC status + per-peer details).
describe('Fabric gateway errors mapped to the gateway codes', () => {
  it('peers whose answers differ are ENDORSEMENT_FAILED to propose again, not a contract code "ABORTED"', () => {
    const e = mapGatewayError({
      name: 'EndorseError',
      code: 10,
      message:
        '10 ABORTED: failed to collect enough transaction endorsements, see attached details for more info',
      details: [
        { mspId: 'Insurer1MSP', address: 'peer0:7051', message: 'ProposalResponsePayloads do not match' },
      ],
      transactionId: 'tx1',
    });
    expect(e.code).to.equal('ENDORSEMENT_FAILED');
    expect(e.retry).to.equal('new-proposal');
    expect(e.message).to.contain('ProposalResponsePayloads do not match');
  });

  it("a contract's CODE in a peer's detail wins over the gRPC status", () => {
    const e = mapGatewayError({
      name: 'EndorseError',
      code: 10,
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
      details: [{ message: 'chaincode response 500, PROPOSAL_NOT_FOUND: no proposal fmt-1' }],
    });
    expect(e.code).to.equal('PROPOSAL_NOT_FOUND');
    expect(e.retry).to.equal('none');
  });

  it('a contract\'s refused field ("CODE: /pointer [FIELD_CODE: ]rule") comes back in errors, not only in the message', () => {
    const e = mapGatewayError({
      name: 'EndorseError',
      code: 10,
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
      details: [
        {
          message:
            'chaincode response 500, INVALID_ARGUMENT: /sends/0 bogus does not go from insurer to clinic; it is not delegated this way',
        },
      ],
    });
    expect(e.code).to.equal('INVALID_ARGUMENT');
    expect(e.errors).to.deep.equal([
      {
        pointer: '/sends/0',
        code: 'INVALID_ARGUMENT',
        message: 'bogus does not go from insurer to clinic; it is not delegated this way',
      },
    ]);
    const own = mapGatewayError({
      name: 'EndorseError',
      code: 10,
      message: '10 ABORTED: failed to endorse transaction',
      details: [
        { message: 'chaincode response 500, INVALID_ARGUMENT: /id OGRN_CHECKSUM: the check digit is wrong' },
      ],
    });
    expect(own.errors).to.deep.equal([
      { pointer: '/id', code: 'OGRN_CHECKSUM', message: 'the check digit is wrong' },
    ]);
    const plain = mapGatewayError({
      name: 'EndorseError',
      code: 10,
      message: '10 ABORTED: failed to endorse transaction',
      details: [{ message: 'chaincode response 500, PROPOSAL_NOT_FOUND: no proposal fmt-1' }],
    });
    expect(plain.errors).to.deep.equal([]);
  });

  it('a peer rebuilt from a snapshot refusing an earlier block is LEDGER_BLOCKS_NOT_HELD, not an endorsement failure (0053)', () => {
    const e = mapGatewayError({
      name: 'GatewayError',
      code: 10,
      message:
        '10 ABORTED: cannot serve block [78]. The ledger is bootstrapped from a snapshot. First available block = [79]',
      details: [],
    });
    expect(e.code).to.equal('LEDGER_BLOCKS_NOT_HELD');
    expect(e.message).to.contain('First available block = [79]');
  });

  it('a peer holding a ciphertext’s hash but not the ciphertext answers PAYLOAD_MISSING, waited on, not LEDGER_ERROR', () => {
    const e = mapGatewayError({
      name: 'GatewayError',
      code: 2,
      message:
        '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, GET_STATE failed: transaction ID: f0: private data matching public hash version is not available. Public hash version = {BlockNum: 36, TxNum: 0}, Private data version = <nil>',
      details: [],
    });
    expect(e.code).to.equal('PAYLOAD_MISSING');
  });

  it('a contract code in the message itself is still read', () => {
    const e = mapGatewayError({ name: 'EndorseError', code: 2, message: 'MESSAGE_ID_CONFLICT: m1 exists' });
    expect(e.code).to.equal('MESSAGE_ID_CONFLICT');
  });
});
