import type { ErrorCode } from '@dmsnet/formats/error-codes';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';

/**
 * A refusal by the chaincode. The message starts with the code because a Fabric client sees only the message
 * string of an endorsement error; clients parse the code back from it (see parseChaincodeError).
 */
export class ChaincodeError extends DmsnetError {
  constructor(code: ErrorCode, message: string, errors: readonly FieldError[] = []) {
    super(code, `${code}: ${message}`, errors);
  }
}

export const invalid = (pointer: string, message: string): ChaincodeError =>
  new ChaincodeError('INVALID_ARGUMENT', `${pointer} ${message}`, [
    { pointer, code: 'INVALID_ARGUMENT', message },
  ]);

/** The code a chaincode error message carries ("CODE: message"), or undefined for other failures. */
export function parseChaincodeError(message: string): { code: string; message: string } | undefined {
  const m = /(?:^|\s)([A-Z][A-Z0-9_]{2,63}): ([\s\S]*)$/.exec(message);
  return m ? { code: m[1], message: m[0].trim() } : undefined;
}
