// A participant cannot make a gateway spend seconds on one signature (decision record 0023): before it, 1,000 decoy CA
// certificates named as the signer's issuer (390 KB) cost 11.2 s of synchronous CPU, a parse and a key table each,
// before CERT_UNTRUSTED. Certificates are now counted before any is parsed, the registered one is found by
// fingerprint first, a carried CA's key gets no table, and large or unregistered input is verified on the worker.
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { CryptoError } from '../../gateway/src/crypto/errors.js';
import {
  generateGostKeyPair,
  issueCertificate,
  signCms,
  verifyCms,
  type GostCertificate,
} from '@dmsnet/gost';
import { MAX_CARRIED_CERTIFICATES } from '@dmsnet/gost/cms';
import { gostKeyTablesBuilt } from '@dmsnet/gost/primitives';
import { streebog256 } from '@dmsnet/gost/streebog';
import { INLINE_SIGNATURE_BYTES, verifyCmsOffThread } from '../../gateway/src/crypto/gost-verify.js';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { DAY, testCa, testSigner } from './pki.js';

/** A CA certificate under `subject` with a key of its own, self-signed: what a sender can make in any number. */
function decoyCa(subject: string): GostCertificate {
  const key = generateGostKeyPair();
  return issueCertificate({
    subject,
    publicKey: key.publicKey,
    issuerPrivateKey: key.privateKey,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    ca: true,
  });
}

async function refusedWith(run: () => unknown, code: string): Promise<void> {
  try {
    await run();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(CryptoError);
    expect((err as CryptoError).code, (err as Error).message).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('GOST CMS signatures that carry decoy certificates', function () {
  this.timeout(60_000);
  const ca = testCa('dmsnet decoy root');
  const intermediateKey = generateGostKeyPair();
  const intermediate = {
    key: intermediateKey,
    cert: issueCertificate({
      subject: 'CN=dmsnet decoy intermediate, O=dmsnet test',
      publicKey: intermediateKey.publicKey,
      issuer: ca.cert,
      issuerPrivateKey: ca.key.privateKey,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 365 * DAY),
      ca: true,
    }),
  };
  const content = Buffer.from('{"header":{},"body":{"amount":100}}');
  const contentDigest = streebog256(content);
  // The registered signer's certificate is issued by an intermediate CA the signature does not carry: only decoys
  // named as that CA are offered for its chain.
  const signerKey = generateGostKeyPair();
  const signer = issueCertificate({
    subject: 'CN=Clinic decoy, O=dmsnet test',
    publicKey: signerKey.publicKey,
    issuer: intermediate.cert,
    issuerPrivateKey: intermediate.key.privateKey,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    ca: false,
  });
  const decoys = Array.from({ length: MAX_CARRIED_CERTIFICATES - 1 }, () =>
    decoyCa(intermediate.cert.subject),
  );
  const registered = [signer.fingerprint];
  const sign = (chain: GostCertificate[]) =>
    signCms({ content, certificate: signer, privateKey: signerKey.privateKey, chain });

  after(() => closeCryptoWorkers());

  it('refuses 1,000 carried certificates unread, naming the field, in milliseconds and on the worker too', async () => {
    // Seven distinct decoys repeated: the count is refused before any is parsed or verified, so which they are is moot.
    const signature = sign(Array.from({ length: 1000 }, (_, i) => decoys[i % decoys.length]));
    expect(signature.byteLength).to.be.above(INLINE_SIGNATURE_BYTES);
    const tables = gostKeyTablesBuilt();
    const start = performance.now();
    await refusedWith(
      () => verifyCms({ signature, content, trustedRoots: [ca.cert], registered }),
      'CMS_TOO_MANY_CERTIFICATES',
    );
    await refusedWith(
      () => verifyCms({ signature, content, trustedRoots: [ca.cert] }),
      'CMS_TOO_MANY_CERTIFICATES',
    );
    // Generous beside the 11.2 s it cost before, tight beside anything that parses 1,000 certificates.
    expect(performance.now() - start).to.be.below(500);
    expect(gostKeyTablesBuilt()).to.equal(tables);
    try {
      await verifyCmsOffThread({ signature, content, contentDigest, trustedRoots: [ca.cert], registered });
      expect.fail('expected CMS_TOO_MANY_CERTIFICATES');
    } catch (err) {
      expect((err as CryptoError).code).to.equal('CMS_TOO_MANY_CERTIFICATES');
      expect((err as Error).message).to.contain('SignedData.certificates');
    }
  });

  it('refuses a certificate that is not the registered one before verifying anything, and builds no table', async () => {
    const impostorCa = testCa('dmsnet decoy root');
    const impostor = testSigner(impostorCa, 'Clinic decoy');
    const signature = signCms({
      content,
      certificate: impostor.cert,
      privateKey: impostor.key.privateKey,
      chain: [impostorCa.cert, ...decoys.slice(1)],
    });
    const tables = gostKeyTablesBuilt();
    await refusedWith(
      () => verifyCms({ signature, content, trustedRoots: [ca.cert], registered }),
      'CERT_NOT_REGISTERED',
    );
    expect(gostKeyTablesBuilt()).to.equal(tables);
  });

  it('tries each decoy CA once, without a key table, before CERT_UNTRUSTED', async () => {
    const signature = sign(decoys);
    // The signer's own key is registered and worth a table; no decoy's is.
    verifyCms({
      signature: sign([intermediate.cert]),
      content,
      trustedRoots: [ca.cert],
      registered,
    });
    const tables = gostKeyTablesBuilt();
    const start = performance.now();
    await refusedWith(
      () => verifyCms({ signature, content, trustedRoots: [ca.cert], registered }),
      'CERT_UNTRUSTED',
    );
    const elapsed = performance.now() - start;
    expect(gostKeyTablesBuilt()).to.equal(tables);
    // Seven verifications without tables and seven parses: tens of milliseconds at most, not 7 × 8 ms of tables more.
    expect(elapsed).to.be.below(1000);
  });

  it('keeps the event loop answering while unregistered signatures are verified on the worker', async () => {
    let ticks = 0;
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 1);
    try {
      const decoySignature = sign(decoys);
      const good = sign([intermediate.cert]);
      const runs = Array.from({ length: 12 }, (_, i) =>
        verifyCmsOffThread({
          signature: i % 2 ? decoySignature : good,
          content,
          contentDigest,
          trustedRoots: [ca.cert],
        }).then(
          (v) => v.signer.fingerprint,
          (err: CryptoError) => err.code,
        ),
      );
      const outcomes = await Promise.all(runs);
      expect(outcomes.filter((o) => o === 'CERT_UNTRUSTED')).to.have.length(6);
      expect(outcomes.filter((o) => o === signer.fingerprint)).to.have.length(6);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).to.be.above(5);
    // The main thread only posts and receives messages meanwhile: no gap near a verification's length.
    expect(longestGap).to.be.below(100);
  });
});
