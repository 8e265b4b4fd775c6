import { expect } from 'chai';
import { LoginThrottle } from '../../../gateway/src/access/login-throttle.js';

// The throttle on a clock of its own: what an attacker guessing at a name can and cannot do to the name's owner.
describe('login throttle by user name and address (OWASP: lock the guesser, not the guessed)', () => {
  const WINDOW = 15 * 60_000;
  let now = 1_000_000;
  const clock = () => now;
  const make = () => new LoginThrottle({ now: clock });
  const fail = (t: LoginThrottle, user: string, address: string, n: number) => {
    for (let i = 0; i < n; i++) t.failed(user, address);
  };

  it('holds one address back for one name after five failures, and says for how long', () => {
    const t = make();
    fail(t, 'anna', '10.0.0.66', 4);
    expect(t.retryAfterMs('anna', '10.0.0.66')).to.equal(0);
    t.failed('anna', '10.0.0.66');
    expect(t.retryAfterMs('anna', '10.0.0.66')).to.equal(WINDOW);
    now += 60_000;
    expect(t.retryAfterMs('anna', '10.0.0.66')).to.equal(WINDOW - 60_000);
    now += WINDOW;
    expect(t.retryAfterMs('anna', '10.0.0.66')).to.equal(0);
  });

  it('leaves the real user at another address alone while a guesser is held back', () => {
    const t = make();
    fail(t, 'anna', '203.0.113.9', 50);
    expect(t.retryAfterMs('anna', '203.0.113.9')).to.be.greaterThan(0);
    expect(t.retryAfterMs('anna', '10.1.1.20')).to.equal(0);
    // Fifty failures are many for one address: it waits for other names too.
    expect(t.retryAfterMs('boris', '203.0.113.9')).to.be.greaterThan(0);
  });

  it('holds an address back for every name once it fails twenty times across names', () => {
    const t = make();
    for (let i = 0; i < 19; i++) t.failed(`user${i}`, '198.51.100.7');
    expect(t.retryAfterMs('someone', '198.51.100.7')).to.equal(0);
    t.failed('user19', '198.51.100.7');
    expect(t.retryAfterMs('someone', '198.51.100.7')).to.be.greaterThan(0);
    expect(t.retryAfterMs('someone', '198.51.100.8')).to.equal(0);
  });

  it('a guess from many addresses holds back only addresses new to the name, never the ones it logged in from', () => {
    const t = make();
    t.succeeded('anna', '10.1.1.20');
    for (let i = 0; i < 100; i++) t.failed('anna', `192.0.2.${i}`);
    expect(t.retryAfterMs('anna', '10.1.1.20')).to.equal(0);
    expect(t.retryAfterMs('anna', '192.0.2.250')).to.be.greaterThan(0);
    expect(t.retryAfterMs('boris', '192.0.2.250')).to.equal(0);
  });

  it('a login forgets the failures of its own address for that name only', () => {
    const t = make();
    fail(t, 'anna', '10.1.1.20', 4);
    fail(t, 'anna', '10.9.9.9', 5);
    t.succeeded('anna', '10.1.1.20');
    fail(t, 'anna', '10.1.1.20', 4);
    expect(t.retryAfterMs('anna', '10.1.1.20')).to.equal(0);
    expect(t.retryAfterMs('anna', '10.9.9.9')).to.be.greaterThan(0);
  });

  it('forgets a known address after its time, so an old one is held back like a new one', () => {
    const t = new LoginThrottle({ now: clock, knownForMs: 60_000 });
    t.succeeded('anna', '10.1.1.20');
    now += 120_000;
    for (let i = 0; i < 100; i++) t.failed('anna', `192.0.2.${i}`);
    expect(t.retryAfterMs('anna', '10.1.1.20')).to.be.greaterThan(0);
  });
});
