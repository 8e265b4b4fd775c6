import type { ErrorCode } from '../../formats/src/error-codes.js';
import { DmsnetError, type FieldError } from '../../formats/src/errors.js';

/**
 * A refusal by the chaincode. The message starts with the code because a Fabric client sees only the message
 * string of an endorsement error; clients parse the code back from it (see parseChaincodeError).
 */
export class ChaincodeError extends DmsnetError {
  constructor(code: ErrorCode, message: string, errors: readonly FieldError[] = []) {
    super(code, `${code}: ${message}`, errors);
  }
}

/** A refused argument; `fieldCode` names the rule where the field has one of its own (an ОГРН's check digit). */
// Only the message crosses Fabric, so a field's own code travels in it too ("/id OGRN_CHECKSUM: …").
export const invalid = (pointer: string, message: string, fieldCode?: string): ChaincodeError =>
  new ChaincodeError('INVALID_ARGUMENT', `${pointer} ${fieldCode ? `${fieldCode}: ` : ''}${message}`, [
    { pointer, code: fieldCode ?? 'INVALID_ARGUMENT', message },
  ]);

/** The code a chaincode error message carries ("CODE: message"), or undefined for other failures. */
export function parseChaincodeError(message: string): { code: string; message: string } | undefined {
  const m = /(?:^|\s)([A-Z][A-Z0-9_]{2,63}): ([\s\S]*)$/.exec(message);
  return m ? { code: m[1], message: m[0].trim() } : undefined;
}
