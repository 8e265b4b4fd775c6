// Detached CMS signatures: every one dmsnet makes verifies with OpenSSL's GOST engine (CAdES included), every one
// OpenSSL makes verifies here, and each kind of bad signature is refused with its own code.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CryptoError } from '../../gateway/src/crypto/errors.js';
import {
  CertificateFormatError,
  parseCertificate,
  privateKeyPkcs8Pem,
  signCms,
  signerFingerprintOf,
  streebog256,
  toPem,
  verifyCms,
} from '@dmsnet/gost';
import {
  GostKeyFileSigner,
  WORKER_THRESHOLD_BYTES,
  closeCryptoWorkers,
} from '../../gateway/src/crypto/index.js';
import { streebog256OffThread } from '../../gateway/src/crypto/gost-digest.js';
import { openssl, opensslVerifyCms, requireGostEngine, scratchDir, writeIn } from './openssl.js';
import { DAY, testCa, testSigner } from './pki.js';

function refused(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(CryptoError);
    expect((err as CryptoError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('GOST CMS signatures', () => {
  const ca = testCa('dmsnet test root', Date.now() - 1000 * DAY);
  const clinic = testSigner(ca, 'Clinic one');
  let dir: string;
  let rootPem: string;

  after(() => closeCryptoWorkers());
  before(() => {
    requireGostEngine();
    dir = scratchDir();
    rootPem = writeIn(dir, 'root.pem', toPem(ca.cert.der));
  });

  it('signs documents that OpenSSL verifies as CMS and as CAdES-BES, chained to the test root', () => {
    for (let i = 0; i < 5; i++) {
      const content = Buffer.from(
        JSON.stringify({ n: i, text: 'счёт № ' + randomBytes(600).toString('hex') }),
      );
      const sig = signCms({ content, certificate: clinic.cert, privateKey: clinic.key.privateKey });
      const doc = writeIn(dir, `doc${i}.json`, content);
      const sigFile = writeIn(dir, `doc${i}.sig`, sig);
      for (const cades of [false, true]) {
        const r = opensslVerifyCms({ signature: sigFile, content: doc, caFile: rootPem, cades });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.match(/Verification successful/);
      }
      // Twice on the same bytes: verification must leave the caller's buffer as it was.
      const copy = Buffer.from(sig);
      for (let n = 0; n < 2; n++) {
        expect(verifyCms({ signature: sig, content, trustedRoots: [ca.cert] }).signer.fingerprint).to.equal(
          clinic.cert.fingerprint,
        );
      }
      expect(copy.equals(Buffer.from(sig))).to.be.true;
    }
  });

  it('signs and verifies a large document with its digest taken off the main thread, as OpenSSL verifies it', async () => {
    // 3 MB: above the worker threshold, so the signer and openDocument's check hash it in the crypto worker.
    const content = Buffer.from(JSON.stringify({ rows: 'р'.repeat(1_500_000) }));
    expect(content.byteLength).to.be.greaterThan(WORKER_THRESHOLD_BYTES);
    const signer = new GostKeyFileSigner(clinic.key.privateKey, clinic.cert.der);
    const sig = await signer.sign(content);
    expect(
      verifyCms({
        signature: sig,
        content,
        contentDigest: await streebog256OffThread(content),
        trustedRoots: [ca.cert],
      }).signer.fingerprint,
    ).to.equal(clinic.cert.fingerprint);
    // A digest of other bytes is refused as the bytes themselves would be.
    refused(
      () =>
        verifyCms({
          signature: sig,
          content,
          contentDigest: streebog256(Buffer.concat([content, Buffer.from(' ')])),
          trustedRoots: [ca.cert],
        }),
      'SIGNATURE_INVALID',
    );
    const doc = writeIn(dir, 'large.json', content);
    const sigFile = writeIn(dir, 'large.sig', sig);
    const r = opensslVerifyCms({ signature: sigFile, content: doc, caFile: rootPem });
    expect(r.status, r.stderr).to.equal(0);
  });

  it('verifies what OpenSSL signs with a GOST key (CAdES, detached, DER)', () => {
    const keyFile = writeIn(dir, 'clinic.key', privateKeyPkcs8Pem(clinic.key.privateKey));
    const certFile = writeIn(dir, 'clinic.pem', toPem(clinic.cert.der));
    const content = randomBytes(2048);
    const doc = writeIn(dir, 'by-openssl.bin', content);
    const out = `${dir}/by-openssl.sig`;
    const r = openssl([
      'cms',
      '-sign',
      '-engine',
      'gost',
      '-binary',
      '-outform',
      'DER',
      '-md',
      'md_gost12_256',
      '-cades',
      '-in',
      doc,
      '-signer',
      certFile,
      '-inkey',
      keyFile,
      '-out',
      out,
    ]);
    expect(r.status, r.stderr).to.equal(0);
    const sig = new Uint8Array(readFileSync(out));
    const v = verifyCms({ signature: sig, content, trustedRoots: [ca.cert] });
    expect(v.signer.fingerprint).to.equal(clinic.cert.fingerprint);
    expect(Math.abs(v.signingTime.getTime() - Date.now())).to.be.below(120_000);
    const flipped = Buffer.from(content);
    flipped[1000] ^= 1;
    refused(
      () => verifyCms({ signature: sig, content: flipped, trustedRoots: [ca.cert] }),
      'SIGNATURE_INVALID',
    );
  });

  it('refuses a flipped byte, a changed signature, an untrusted CA and a certificate expired at signing time', () => {
    const content = Buffer.from('{"header":{},"body":{"x":1}}');
    const sig = signCms({ content, certificate: clinic.cert, privateKey: clinic.key.privateKey });
    const flipped = Buffer.from(content);
    flipped[5] ^= 1;
    refused(
      () => verifyCms({ signature: sig, content: flipped, trustedRoots: [ca.cert] }),
      'SIGNATURE_INVALID',
    );
    const tampered = Uint8Array.from(sig);
    tampered[tampered.length - 3] ^= 1;
    refused(() => verifyCms({ signature: tampered, content, trustedRoots: [ca.cert] }), 'SIGNATURE_INVALID');
    refused(
      () => verifyCms({ signature: sig.slice(0, 40), content, trustedRoots: [ca.cert] }),
      'CMS_MALFORMED',
    );

    const rogue = testCa('rogue root');
    const impostor = testSigner(rogue, 'Clinic one');
    const bySigner = signCms({ content, certificate: impostor.cert, privateKey: impostor.key.privateKey });
    refused(() => verifyCms({ signature: bySigner, content, trustedRoots: [ca.cert] }), 'CERT_UNTRUSTED');

    const old = testSigner(ca, 'Clinic old', Date.now() - 400 * DAY, 30);
    const late = signCms({ content, certificate: old.cert, privateKey: old.key.privateKey });
    refused(() => verifyCms({ signature: late, content, trustedRoots: [ca.cert] }), 'CERT_EXPIRED');
    // Signed while it was valid: still good today (validity is judged at the signing time).
    const timely = signCms({
      content,
      certificate: old.cert,
      privateKey: old.key.privateKey,
      signingTime: new Date(Date.now() - 390 * DAY),
    });
    expect(verifyCms({ signature: timely, content, trustedRoots: [ca.cert] }).signer.subject).to.contain(
      'Clinic old',
    );

    // OpenSSL agrees on the untrusted one.
    const r = opensslVerifyCms({
      signature: writeIn(dir, 'rogue.sig', bySigner),
      content: writeIn(dir, 'rogue.json', content),
      caFile: rootPem,
      anyPurpose: false,
    });
    expect(r.status).to.not.equal(0);
  });
});

describe('GOST CMS and certificates: a name value the ASN.1 library reads but cannot write back', () => {
  const ca = testCa('dmsnet test root', Date.now() - 1000 * DAY);
  const clinic = testSigner(ca, 'Clinic one');
  /** The n-th string value «text» (from the end if negative), retagged as a UTCTime (0x17) that is no time. */
  const retag = (der: Uint8Array, text: string, n: number): Uint8Array => {
    const out = Uint8Array.from(der);
    const value = Buffer.from(text, 'utf8');
    const hex = Buffer.from(out).toString('hex');
    const starts: number[] = [];
    for (const tag of ['0c', '13']) {
      const needle = tag + value.length.toString(16).padStart(2, '0') + value.toString('hex');
      for (let i = hex.indexOf(needle); i >= 0; i = hex.indexOf(needle, i + 1))
        if (i % 2 === 0) starts.push(i / 2);
    }
    expect(starts, text).to.not.be.empty;
    starts.sort((a, b) => a - b);
    out[starts.at(n)!] = 0x17;
    return out;
  };

  it("a signer's issuer name is CMS_MALFORMED, not the library's plain Error", () => {
    const sig = signCms({
      content: Buffer.from('{}'),
      certificate: clinic.cert,
      privateKey: clinic.key.privateKey,
    });
    expect(signerFingerprintOf(sig)).to.equal(clinic.cert.fingerprint);
    // The signer's issuer and serial (SignerInfo.sid), then the same name in its signing-certificate-v2 attribute.
    const bad = retag(sig, 'dmsnet test root', -2);
    refused(() => signerFingerprintOf(bad), 'CMS_MALFORMED');
    expect(() => signerFingerprintOf(bad)).to.throw("the signer's issuer name cannot be read");
  });

  it("a certificate's subject is a CertificateFormatError", () => {
    expect(() => parseCertificate(retag(clinic.cert.der, 'Clinic one', 0))).to.throw(
      CertificateFormatError,
      'unreadable subject or issuer name',
    );
  });
});
