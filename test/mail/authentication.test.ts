// Which Authentication-Results the bridge believes: its own server's, above that server's Received line, and a pass
// only for the From: domain (aligned) — never a header the sender wrote, never a pass for another domain.
import { expect } from 'chai';
import { authenticatedFor, headerLines, trustedResults } from '../../gateway/src/mail/authentication.js';

const ID = 'mx.insurer.test';
const message = (...lines: string[]) => Buffer.from([...lines, '', 'body'].join('\r\n'), 'latin1');

describe('mail bridge: trusting Authentication-Results', () => {
  it('takes the server’s header above its Received line and ignores one the sender brought below it', () => {
    const lines = headerLines(
      message(
        'Received: from mx.insurer.test by imap with LMTP',
        `Authentication-Results: ${ID}; spf=fail smtp.mailfrom=evil.test`,
        'Received: from [127.0.0.1] by mx.insurer.test (Postfix) with ESMTP',
        `Authentication-Results: ${ID}; dmarc=pass header.from=clinic.test`,
        'From: clinic@clinic.test',
      ),
    );
    const r = trustedResults(lines, ID);
    expect(r.trusted).to.deep.equal([`${ID}; spf=fail smtp.mailfrom=evil.test`]);
    expect(r.dmarc).to.equal(undefined);
    expect(authenticatedFor(r, 'clinic.test')).to.deep.include({ pass: false });
  });

  it('ignores another server’s results, and folded headers unfold', () => {
    const lines = headerLines(
      message(
        'Authentication-Results: other.example; dmarc=pass',
        `Authentication-Results: ${ID};`,
        '\tdkim=pass header.d=mail.clinic.test;',
        '\tspf=none smtp.mailfrom=clinic.test',
        'Received: from x by mx.insurer.test',
      ),
    );
    const r = trustedResults(lines, ID);
    expect(r.trusted).to.have.length(1);
    expect(r.dkim).to.deep.equal({ result: 'pass', domain: 'mail.clinic.test' });
    expect(r.spf).to.deep.equal({ result: 'none', domain: 'clinic.test' });
    // DKIM for a subdomain of the From: domain is aligned (relaxed); for another domain it is not.
    expect(authenticatedFor(r, 'clinic.test')).to.deep.equal({ pass: true, why: 'dkim=pass' });
    expect(authenticatedFor(r, 'other.test').pass).to.equal(false);
    // A pass for a bare suffix aligns nothing under it.
    const suffix = trustedResults(
      headerLines(message(`Authentication-Results: ${ID}; dkim=pass header.d=test`)),
      ID,
    );
    expect(authenticatedFor(suffix, 'clinic.test').pass).to.equal(false);
  });

  it('passes on DMARC alone and says why it did not pass otherwise', () => {
    const pass = trustedResults(
      headerLines(message(`Authentication-Results: ${ID}; dmarc=pass header.from=a.test`)),
      ID,
    );
    expect(authenticatedFor(pass, 'a.test')).to.deep.equal({ pass: true, why: 'dmarc=pass' });
    const nothing = trustedResults(headerLines(message('From: a@a.test')), ID);
    expect(authenticatedFor(nothing, 'a.test')).to.deep.equal({
      pass: false,
      why: 'the mail server recorded no authentication result',
    });
    const spfOther = trustedResults(
      headerLines(message(`Authentication-Results: ${ID}; spf=pass smtp.mailfrom=bounce.esp.test`)),
      ID,
    );
    expect(authenticatedFor(spfOther, 'a.test')).to.deep.equal({
      pass: false,
      why: 'no pass for a.test: spf=pass (bounce.esp.test)',
    });
  });
});
