// List cursors: opaque to the caller, verifiable by the node. A cursor that this node did not issue for this list
// (garbage, a cursor of another list, a hand-edited one) is refused, instead of silently answering an empty page.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DmsnetError } from '@dmsnet/formats/errors';

/** The lists that page with a cursor; a cursor of one list is refused by another. */
export type CursorList =
  'inbox' | 'outbox' | 'participants' | 'roster' | 'letters' | 'care-requests' | 'prior-auth-requests';

const VERSION = 1;
const TAG_BYTES = 16;

export class CursorInvalidError extends DmsnetError {
  constructor(reason: string) {
    super('CURSOR_INVALID', `the cursor cannot be used: ${reason}`, [
      {
        pointer: '/query/cursor',
        code: 'CURSOR_INVALID',
        message: 'pass back a nextCursor exactly as this list answered it, or no cursor to start over',
      },
    ]);
  }
}

/**
 * `base64url(JSON {v, l, p}) "." base64url(HMAC-SHA256 tag)`: the version lets a later format be told apart, the
 * list name stops a cursor crossing lists, and the tag (a key of the node's own) tells garbage from a real position.
 */
export class Cursors {
  constructor(private readonly key: Uint8Array) {}

  issue(list: CursorList, position: string): string {
    const payload = Buffer.from(JSON.stringify({ v: VERSION, l: list, p: position }), 'utf8').toString(
      'base64url',
    );
    return `${payload}.${this.tag(payload).toString('base64url')}`;
  }

  /** The position a cursor names; throws CursorInvalidError for anything this node did not issue for `list`. */
  read(list: CursorList, cursor: string): string {
    const dot = cursor.indexOf('.');
    if (dot <= 0) throw new CursorInvalidError('not a cursor of this gateway');
    const payload = cursor.slice(0, dot);
    const tag = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = this.tag(payload);
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) {
      throw new CursorInvalidError('not issued by this gateway, or altered');
    }
    let parsed: { v?: unknown; l?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      throw new CursorInvalidError('unreadable');
    }
    if (parsed.v !== VERSION) throw new CursorInvalidError(`cursor version ${String(parsed.v)} is not known`);
    if (parsed.l !== list) throw new CursorInvalidError(`it pages ${String(parsed.l)}, not ${list}`);
    if (typeof parsed.p !== 'string') throw new CursorInvalidError('no position');
    return parsed.p;
  }

  private tag(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, TAG_BYTES);
  }
}

/** A key for cursors only, derived from the node's store key so that cursors survive a restart. */
export function cursorKeyOf(storeKey: Uint8Array): Buffer {
  return createHmac('sha256', storeKey).update('dmsnet list cursor v1').digest();
}
