import { expect } from 'chai';
import { createRng, generateOgrn } from '@dmsnet/formats';
import { validateConfig } from '../../node-config/src/config.js';

// A node's care-request deadlines (decision record 0047) are minutes per urgency, by default and per insurer ОГРН;
// a typo or a deadline of a month is refused at its key, not discovered when a clinic is late.
describe('node-config: careDeadlines', () => {
  const id = generateOgrn(createRng(47));
  const base = {
    version: 1,
    participant: { id, role: 'insurer', name: 'АО «Тест»' },
    ledger: { mode: 'embedded', embedded: { dir: 'ledger', mspId: 'InsurerMSP', sandboxAssociation: true } },
    api: { host: '127.0.0.1', port: 8080, tokenFile: 'api-token' },
    keys: { file: 'keys.json', version: 1 },
  };
  const errors = (careDeadlines: unknown) =>
    validateConfig({ ...base, careDeadlines }).map((e) => `${e.pointer} ${e.code}`);

  it('takes defaults and an insurer’s own minutes', () => {
    expect(validateConfig(base)).to.deep.equal([]);
    expect(
      errors({ default: { planned: 720 }, byInsurer: { [id]: { urgent: 30, emergency: 10 } } }),
    ).to.deep.equal([]);
  });

  it('refuses an unknown urgency, a deadline beyond a week and a key that is no ОГРН, each at its key', () => {
    expect(errors({ default: { soon: 5 } })).to.include('/careDeadlines/default/soon CONFIG_UNKNOWN_KEY');
    expect(errors({ default: { urgent: 20_000 } })).to.include(
      '/careDeadlines/default/urgent CONFIG_MAXIMUM',
    );
    expect(errors({ byInsurer: { 'СК Север': { urgent: 30 } } }).join(' ')).to.match(
      /\/careDeadlines\/byInsurer/,
    );
  });

  it('takes a payer’s terms for guarantee-letter requests the same way, and refuses an ОГРН with a wrong check digit', () => {
    const terms = (priorAuthDeadlines: unknown) =>
      validateConfig({ ...base, priorAuthDeadlines }).map((e) => `${e.pointer} ${e.code}`);
    expect(terms({ default: { urgent: 120 }, byInsurer: { [id]: { emergency: 30 } } })).to.deep.equal([]);
    expect(terms({ default: { later: 5 } })).to.include(
      '/priorAuthDeadlines/default/later CONFIG_UNKNOWN_KEY',
    );
    const wrong = id.slice(0, -1) + String((Number(id.slice(-1)) + 1) % 10);
    expect(terms({ byInsurer: { [wrong]: { urgent: 30 } } })).to.deep.equal([
      `/priorAuthDeadlines/byInsurer/${wrong} OGRN_CHECKSUM`,
    ]);
    expect(errors({ byInsurer: { [wrong]: { urgent: 30 } } })).to.deep.equal([
      `/careDeadlines/byInsurer/${wrong} OGRN_CHECKSUM`,
    ]);
  });
});
