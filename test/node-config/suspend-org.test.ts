// The directory half of removing an organisation, on the embedded ledger (the real chaincode over LevelDB): every
// participant whose identities all belong to the organisation is suspended by the association, and only those;
// their entries and keys stay; reinstating undoes it; nobody but the association may do it.
import { expect } from 'chai';
import { createRng, generateInn10, generateOgrn } from '@dmsnet/formats';
import { closeCryptoWorkers, generateParticipantKeys } from '../../gateway/src/crypto/index.js';
import { participantRegistration } from '../../sandbox/src/local-network/network.js';
import { setOrganisationStatus, suspendOrganisation } from '../../node-config/src/suspend-org.js';
import { embeddedBackend, type BackendInstance, type TestIdentity } from '../chaincode/backend.js';

describe('node-config: suspend-org sets the directory status of an organisation’s participants', () => {
  let backend: BackendInstance;
  let assoc: TestIdentity;
  let staying: TestIdentity;
  const rng = createRng(2900);
  const ids: Record<string, string> = {};

  before(async () => {
    backend = await embeddedBackend.start(['AssociationMSP', 'LeavingMSP', 'StayingMSP']);
    assoc = await backend.identity('AssociationMSP', 'association');
    const register = async (key: string, role: string, who: TestIdentity[]) => {
      ids[key] = generateOgrn(rng);
      const reg = JSON.parse(
        participantRegistration({
          id: ids[key],
          role: role as 'insurer',
          name: `Участник ${key}`,
          inn: generateInn10(rng),
          identity: { ...who[0]!, privateKey: '' },
          keys: await generateParticipantKeys(),
        }),
      ) as { identities: unknown[]; keys: unknown };
      reg.identities = who.map((w) => ({ mspId: w.mspId, kind: 'certificate', certificate: w.certificate }));
      await assoc.client.submit('directory:register', [JSON.stringify(reg)]);
    };
    await register('association', 'association', [assoc]);
    await register('leaving1', 'insurer', [await backend.identity('LeavingMSP', 'l1')]);
    await register('leaving2', 'insurer', [await backend.identity('LeavingMSP', 'l2')]);
    staying = await backend.identity('StayingMSP', 's1');
    await register('staying', 'insurer', [staying]);
    await register('both', 'insurer', [
      await backend.identity('LeavingMSP', 'b1'),
      await backend.identity('StayingMSP', 'b2'),
    ]);
  });
  after(async () => {
    await backend?.close();
    await closeCryptoWorkers();
  });

  const status = async (key: string) =>
    (
      JSON.parse(Buffer.from(await assoc.client.evaluate('directory:get', [ids[key]!])).toString('utf8')) as {
        status: string;
        keys: unknown[];
      }
    ).status;

  it('suspends only the participants wholly of that organisation, keeps their entries, and is idempotent', async () => {
    const said: string[] = [];
    const r = await suspendOrganisation(assoc.client, 'LeavingMSP', (m) => said.push(m));
    expect([...r.changed].sort()).to.deep.equal([ids.leaving1, ids.leaving2].sort());
    expect(r.alsoElsewhere).to.deep.equal([ids.both]);
    expect(said[0]).to.equal('3 participant(s) of LeavingMSP in a directory of 5');
    expect(await status('leaving1')).to.equal('SUSPENDED');
    expect(await status('staying')).to.equal('ACTIVE');
    expect(await status('both')).to.equal('ACTIVE');
    const again = await suspendOrganisation(assoc.client, 'LeavingMSP');
    expect(again.changed).to.deep.equal([]);
    expect(again.unchanged.length).to.equal(2);
  });

  it('reinstates them', async () => {
    const r = await setOrganisationStatus(assoc.client, 'LeavingMSP', 'ACTIVE');
    expect(r.changed.length).to.equal(2);
    expect(await status('leaving2')).to.equal('ACTIVE');
  });

  it('is refused to anyone but the association', async () => {
    try {
      await suspendOrganisation(staying.client, 'LeavingMSP');
      expect.fail('a participant suspended an organisation');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('NOT_AUTHORIZED');
    }
    expect(await status('leaving1')).to.equal('ACTIVE');
  });
});
