import { expect } from 'chai';
import { closeCryptoWorkers } from '../../../gateway/src/crypto/index.js';
import { postChecked, TargetPolicy } from '../../../gateway/src/webhooks/targets.js';
import { startTestNetwork, type TestNetwork } from '../fixtures/network.js';

type Json = Record<string, unknown>;

describe('webhook targets: no server-side request forgery', function () {
  this.timeout(30_000);
  let t: TestNetwork;
  before(async () => {
    t = await startTestNetwork();
  });
  after(async () => {
    await t?.close();
    await closeCryptoWorkers();
  });

  it('refuses private, link-local, metadata, mapped, user-info, public and non-http targets at registration', async () => {
    const refused = [
      'http://10.0.0.1/',
      'http://192.168.1.1/',
      'http://172.16.5.4/',
      'http://[::ffff:10.0.0.1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:1@10.0.0.1/',
      'http://user:pw@127.0.0.1/',
      'http://93.184.216.34/',
      'http://[fd00::1]/',
      'ftp://127.0.0.1/',
    ];
    for (const url of refused) {
      const r = await t.client('insurer').call<Json>('POST', '/v1/webhooks', { url });
      expect(r.status, `${url}: ${JSON.stringify(r.body)}`).to.be.oneOf([400, 422]);
      const errors = r.body.errors as Array<{ pointer: string; code: string }>;
      expect(errors[0]?.pointer, url).to.match(/url/);
    }
    const listed = await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/webhooks');
    expect(listed.body.items.map((h) => h.url)).to.not.include.members(refused);
  });

  it('allows loopback by default, shows the secret once and never lists it', async () => {
    const r = await t
      .client('insurer')
      .call<Json>('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' });
    expect(r.status).to.equal(201);
    expect(r.body.secret).to.be.a('string');
    const listed = await t.client('insurer').call<{ items: Json[] }>('GET', '/v1/webhooks');
    expect(listed.body.items.some((h) => 'secret' in h)).to.equal(false);
  });

  it('allows only the ranges a node’s configuration names, IPv4-mapped addresses included', () => {
    const p = new TargetPolicy(['10.1.0.0/16']);
    expect(p.isAllowed('10.1.2.3')).to.equal(true);
    expect(p.isAllowed('::ffff:10.1.2.3')).to.equal(true);
    expect(p.isAllowed('10.2.0.1')).to.equal(false);
    expect(p.isAllowed('127.0.0.1')).to.equal(true);
    expect(p.isAllowed('::1')).to.equal(true);
    expect(() => new TargetPolicy(['not-a-range'])).to.throw(/not a CIDR/);
  });

  it('checks again at delivery, after DNS: a name that now resolves to a private address is refused before connecting', async () => {
    let calls = 0;
    // First answer loopback (registration passes), then a private address (a rebinding attack).
    const policy = new TargetPolicy([], async () =>
      calls++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.1', family: 4 }],
    );
    const url = await policy.check('http://hooks.example.test:9/x');
    try {
      await postChecked(url, '{}', {}, policy, 2000);
      expect.fail('the delivery should be refused');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('WEBHOOK_TARGET_FORBIDDEN');
    }
  });
});
