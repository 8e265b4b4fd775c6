import { expect } from 'chai';
import { gunzipSync } from 'node:zlib';
import { ccaasPackage } from '../../network/src/chaincode-package.js';

const connection = { address: '127.0.0.1:9999', dial_timeout: '10s', tls_required: false };

describe('network: the chaincode-as-a-service package', () => {
  it('has the same bytes, hence the same package id, every time it is built', async () => {
    const a = await ccaasPackage('dmsnet_org1', connection);
    await new Promise((r) => setTimeout(r, 1100)); // a second later: file times must not leak in
    const b = await ccaasPackage('dmsnet_org1', connection);
    expect(a.bytes.equals(b.bytes)).to.equal(true);
    expect(a.packageId)
      .to.equal(b.packageId)
      .and.match(/^dmsnet_org1:[0-9a-f]{64}$/);
    const other = await ccaasPackage('dmsnet_org1', { ...connection, address: '127.0.0.1:9998' });
    expect(other.packageId).to.not.equal(a.packageId);
  });

  it('holds metadata.json (type ccaas) and code.tar.gz with connection.json, as the external builder expects', async () => {
    const { bytes } = await ccaasPackage('dmsnet_x', connection);
    const tar = gunzipSync(bytes).toString('latin1');
    expect(tar).to.include('metadata.json');
    expect(tar).to.include('{"type":"ccaas","label":"dmsnet_x"}');
    expect(tar).to.include('code.tar.gz');
  });

  it('refuses a label Fabric would refuse', async () => {
    try {
      await ccaasPackage('-bad label', connection);
      expect.fail('should refuse');
    } catch (err) {
      expect((err as Error).message).to.include('invalid chaincode label');
    }
  });
});
