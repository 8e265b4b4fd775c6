// The error code registry against the sources and the documents: every code a component throws is registered, every
// registered rule document names its code under the heading it points to, and docs/error-codes.md is the page the
// registry renders.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, type ErrorCodeEntry, isFinalCode, wireCode } from '@dmsnet/formats/error-codes';
import { statusOf } from '../../gateway/src/http/errors.js';
import { DmsnetError } from '@dmsnet/formats/errors';
import { PACKAGE_ROOT } from '../../network/src/nodes.js';
import { anchorsOf, renderErrorCodesDoc, scanThrownCodes } from './error-codes-scan.js';

const entries = ERROR_CODES as Record<string, ErrorCodeEntry>;

describe('error code registry (formats/src/error-codes.ts)', () => {
  const thrown = scanThrownCodes(PACKAGE_ROOT);

  it('finds the codes the sources throw (the scanner itself is not blind)', () => {
    // One of each way a code is written: a typed error, an ApiError with its status, a helper, an error body.
    for (const code of ['CERT_SUBJECT_MISMATCH', 'LOGIN_THROTTLED', 'CERT_UNTRUSTED', 'BODY_NOT_JSON']) {
      expect(thrown.has(code), code).to.be.true;
    }
    expect(thrown.size).to.be.greaterThan(100);
  });

  it('registers every code thrown anywhere in the sources', () => {
    const missing = [...thrown.keys()].filter((c) => !(c in entries));
    expect(
      missing.map(
        (c) =>
          `${c} (${thrown
            .get(c)!
            .map((s) => `${s.file}:${s.line}`)
            .join(', ')})`,
      ),
      'add them to formats/src/error-codes.ts',
    ).to.deep.equal([]);
  });

  it('gives each code the HTTP status its ApiError throw sites write', () => {
    const disagree = [...thrown].flatMap(([code, sites]) =>
      sites
        .filter((s) => s.status !== undefined && s.status !== entries[code]?.status)
        .map((s) => `${code}: ${s.status} at ${s.file}:${s.line}, ${entries[code]?.status} registered`),
    );
    expect(disagree).to.deep.equal([]);
  });

  it('says each code in English and Russian, with a status and a retry class', () => {
    for (const [code, e] of Object.entries(entries)) {
      expect(code).to.match(/^[A-Z][A-Z0-9_]+$/);
      expect(e.status, code).to.be.within(400, 599);
      expect(['final', 'transient'], code).to.include(e.retry);
      expect(e.en, code).to.match(/^[A-Z].*\.$/);
      expect(e.ru, code).to.match(/[А-Яа-яЁё]/);
    }
  });

  it('points each code to a rule document that names it under the heading it points to', () => {
    for (const [code, e] of Object.entries(entries)) {
      if (!e.doc) continue;
      const [file, anchor] = e.doc.split('#');
      const full = path.join(PACKAGE_ROOT, file);
      expect(existsSync(full), `${code}: ${file}`).to.be.true;
      const text = readFileSync(full, 'utf8');
      expect(text, `${code} in ${file}`).to.match(new RegExp(`(?<![A-Z0-9_])${code}(?![A-Z0-9_])`));
      if (anchor) expect([...anchorsOf(text)], `${code}: ${e.doc}`).to.include(anchor);
    }
  });

  it('is what docs/error-codes.md says (regenerate: node scripts/error-codes-doc.mjs)', () => {
    const page = readFileSync(path.join(PACKAGE_ROOT, 'docs', 'error-codes.md'), 'utf8');
    expect(page).to.equal(renderErrorCodesDoc(thrown));
    for (const code of Object.keys(entries)) expect(anchorsOf(page), code).to.include(code.toLowerCase());
  });

  it('decides the API status and the outbox never-retry from the registry', () => {
    expect(statusOf(new DmsnetError('CERT_ALREADY_REGISTERED', 'x'))).to.equal(409);
    expect(statusOf(new DmsnetError('PARTICIPANT_NOT_FOUND', 'x'))).to.equal(404);
    expect(statusOf(new DmsnetError('LEDGER_UNAVAILABLE', 'x'))).to.equal(503);
    // A code from elsewhere that the registry cannot know keeps the old fallbacks.
    expect(statusOf(new DmsnetError(wireCode('REQUEST_SOMETHING_NEW'), 'x'))).to.equal(400);
    expect(statusOf(new DmsnetError(wireCode('SOMETHING_NEW'), 'x'))).to.equal(422);
    for (const code of ['MESSAGE_ID_FOREIGN', 'CORRECTS_FOREIGN', 'PAYLOAD_PURGED', 'SENDER_INACTIVE']) {
      expect(isFinalCode(code), code).to.be.true;
    }
    for (const code of ['LEDGER_UNAVAILABLE', 'MVCC_READ_CONFLICT', 'INTERNAL', 'SOMETHING_NEW']) {
      expect(isFinalCode(code), code).to.be.false;
    }
  });
});
