// Evidence bundles and what they hold, as dmsnet-verify reads them from a file anyone may hand over: the whole bundle
// (a report, never a throw), a signed receipt's JSON, a config block and the signature metadata of a block. The first
// byte picks the reader. Seeds: a bundle and its receipt made on the embedded ledger (test/gateway/receipts).
import { readConfigBlock } from '../../gateway/src/evidence/fabric-proof.js';
import { readSignatureMetadata } from '../../gateway/src/evidence/proto-fields.js';
import { verifyEvidence } from '../../gateway/src/evidence/verify.js';
import { parseSignedReceipt } from '../../gateway/src/receipts/receipt.js';
import { allowTyped, check, InvariantBroken, type FuzzTarget } from './target.js';

const target: FuzzTarget = {
  name: 'evidence',
  maxLength: 64 * 1024,
  dictionary: [
    'PK\x05\x06',
    'PK\x01\x02',
    'PK\x03\x04',
    'manifest.json',
    '"receipt"',
    '"signature"',
    'dmsnet.receipt/1',
  ],
  run(data) {
    if (data.length === 0) return;
    const rest = data.subarray(1);
    switch (data[0]! % 4) {
      case 0: {
        let report;
        try {
          report = verifyEvidence(rest);
        } catch (e) {
          throw new InvariantBroken('verifyEvidence threw instead of reporting', e);
        }
        check(report.checks.length > 0, 'a report with no check');
        check(report.ok === report.checks.every((c) => c.ok), 'ok disagrees with the checks');
        check(
          report.checks.every((c) => c.ok || (c.ru !== '' && c.en !== '')),
          'a failing check says nothing',
        );
        return;
      }
      case 1: {
        let value: unknown;
        try {
          value = JSON.parse(Buffer.from(rest).toString('utf8'));
        } catch {
          return;
        }
        try {
          parseSignedReceipt(value);
        } catch (e) {
          allowTyped(e);
        }
        return;
      }
      case 2:
        try {
          readConfigBlock(rest);
        } catch (e) {
          allowTyped(e);
        }
        return;
      default:
        try {
          readSignatureMetadata(rest);
        } catch (e) {
          // google-protobuf's reader refuses malformed wire data with its own errors, which the verifier turns into
          // EVIDENCE_INVALID (decode in fabric-proof.ts); here only that it ends.
          if (!(e instanceof Error)) throw new InvariantBroken('a non-error was thrown', e);
        }
    }
  },
};
export default target;
