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

/** A refused argument; `fieldCode` names the rule where the field has one of its own (an ОГРН's check digit). */
// Only the message crosses Fabric, so a field's own code travels in it too ("/id OGRN_CHECKSUM: …").
export const invalid = (pointer: string, message: string, fieldCode?: string): ChaincodeError =>
  new ChaincodeError('INVALID_ARGUMENT', `${pointer} ${fieldCode ? `${fieldCode}: ` : ''}${message}`, [
    { pointer, code: fieldCode ?? 'INVALID_ARGUMENT', message },
  ]);

// What fabric-shim's contract dispatcher says when a release of the chaincode lacks a contract or a function: an
// older chaincode answering a newer gateway. No retry can change that answer, so it gets a code of its own.
const UNKNOWN_FUNCTION =
  /You've asked to invoke a function that does not exist: (\S+)|Contract name is not known: (\S+)/;

/**
 * The field a refusal names, read back from its message: `invalid` writes "CODE: /pointer [FIELD_CODE: ]rule", and
 * only the message crosses Fabric, so a client rebuilds the field error from it.
 */
function fieldErrorOf(code: string, text: string): FieldError[] {
  const m = /^(\/\S*) (?:([A-Z][A-Z0-9_]{2,63}): )?([\s\S]+)$/.exec(text);
  return m ? [{ pointer: m[1], code: m[2] ?? code, message: m[3].trim() }] : [];
}

/**
 * The code a chaincode error message carries ("CODE: message"), or undefined for other failures; `errors` holds the
 * field it names, when the message starts with a JSON Pointer.
 */
export function parseChaincodeError(
  message: string,
): { code: string; message: string; errors: FieldError[] } | undefined {
  const unknown = UNKNOWN_FUNCTION.exec(message);
  if (unknown) {
    return {
      code: 'FUNCTION_UNKNOWN',
      message: `FUNCTION_UNKNOWN: the chaincode has no ${unknown[1] ? `function ${unknown[1]}` : `contract ${unknown[2]}`} (an older release?)`,
      errors: [],
    };
  }
  const m = /(?:^|\s)([A-Z][A-Z0-9_]{2,63}): ([\s\S]*)$/.exec(message);
  return m ? { code: m[1], message: m[0].trim(), errors: fieldErrorOf(m[1], m[2]) } : undefined;
}
