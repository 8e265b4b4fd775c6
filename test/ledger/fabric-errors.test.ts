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

  it('a contract code in the message itself is still read', () => {
    const e = mapGatewayError({ name: 'EndorseError', code: 2, message: 'MESSAGE_ID_CONFLICT: m1 exists' });
    expect(e.code).to.equal('MESSAGE_ID_CONFLICT');
  });
});
