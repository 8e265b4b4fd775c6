/**
 * A forward-only scanner over the XML of OOXML parts: elements, their attributes and their text, decoded as an XML
 * parser (saxes, under exceljs) decodes them. It knows only what workbook parts use; anything else it meets
 * (a DOCTYPE with its own entities, a stray «<») is reported as Unsupported so the caller can fall back to a full
 * parser rather than guess.
 */
export class Unsupported extends Error {}

export const OPEN = 1;
export const CLOSE = 2;
/** An element opened and closed at once: <c r="B2"/>. */
export const EMPTY = 3;
export const END = 0;

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QMARK = 0x3f;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    const semi = raw.indexOf(';', amp);
    if (semi < 0) throw new Unsupported('an unterminated entity');
    const name = raw.slice(amp + 1, semi);
    let ch: string | undefined;
    if (name.charCodeAt(0) === 0x23) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!/^#(?:x[0-9a-fA-F]+|[0-9]+)$/.test(name) || !(code > 0 && code <= 0x10ffff))
        throw new Unsupported(`a character reference &${name};`);
      ch = String.fromCodePoint(code);
    } else ch = NAMED[name];
    if (ch === undefined) throw new Unsupported(`an undeclared entity &${name};`);
    out += raw.slice(from, amp) + ch;
    from = semi + 1;
  }
  return out + raw.slice(from);
}

/** Character data as an XML parser reports it: line ends normalised to \n, then entities decoded. */
export function decodeText(raw: string): string {
  if (raw.includes('\r')) raw = raw.replace(/\r\n?/g, '\n');
  return raw.includes('&') ? decodeEntities(raw) : raw;
}

/** An attribute value as an XML parser reports it: line ends and tabs become spaces, then entities decoded. */
function decodeAttribute(raw: string): string {
  // Most values are plain: one pass over them decides.
  let plain = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x0d || c === 0x0a || c === 0x09) {
      plain = false;
      break;
    }
  }
  if (plain) return raw;
  if (/[\r\n\t]/.test(raw)) raw = raw.replace(/\r\n|[\r\n\t]/g, ' ');
  if (raw.includes('<')) throw new Unsupported('«<» in an attribute');
  return raw.includes('&') ? decodeEntities(raw) : raw;
}

/** One-character strings, so the commonest names and values (c, v, t="s", s="1") cost no allocation. */
const ASCII: string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
const isWordChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

export class XmlScanner {
  /** What the last next() found: OPEN, CLOSE, EMPTY or END. */
  kind = END;
  /** The element's name as written (prefix included). */
  name = '';
  private pos: number;
  private attrFrom = 0;
  private attrTo = 0;

  constructor(
    private readonly xml: string,
    from = 0,
  ) {
    this.pos = from;
  }

  /** A name from the text, without a fresh string for the names a worksheet repeats per cell. */
  private intern(from: number, to: number): string {
    const xml = this.xml;
    const length = to - from;
    if (length === 1) {
      const c = xml.charCodeAt(from);
      if (c < 128) return ASCII[c]!;
    } else if (length === 3 && xml.startsWith('row', from)) return 'row';
    else if (length === 2 && xml.startsWith('is', from)) return 'is';
    return xml.slice(from, to);
  }

  /** The current element's name (a method, so that comparisons do not narrow it across next()). */
  tag(): string {
    return this.name;
  }

  /** Whether the current tag closes the named element (a method, so a loop's condition does not narrow name). */
  closes(name: string): boolean {
    return this.kind === CLOSE && this.name === name;
  }

  /** The next element tag, skipping the XML declaration, processing instructions, comments and CDATA. */
  next(): number {
    const xml = this.xml;
    for (;;) {
      const lt = xml.indexOf('<', this.pos);
      if (lt < 0) {
        this.kind = END;
        this.pos = xml.length;
        return END;
      }
      const c = xml.charCodeAt(lt + 1);
      if (c === BANG || c === QMARK) {
        this.pos = this.skipMarkup(lt, c);
        continue;
      }
      if (c === SLASH) {
        const gt = xml.indexOf('>', lt + 2);
        if (gt < 0) throw new Unsupported('an unterminated tag');
        let to = gt;
        while (to > lt + 2 && xml.charCodeAt(to - 1) <= 0x20) to--;
        this.name = this.intern(lt + 2, to);
        // «</>» closes nothing a parser would accept; as a close of no name it would unbalance skip()'s count.
        if (this.name === '') throw new Unsupported('a «</» that closes no element');
        this.kind = CLOSE;
        this.pos = gt + 1;
        return CLOSE;
      }
      let i = lt + 1;
      const n = xml.length;
      for (; i < n; i++) {
        const ch = xml.charCodeAt(i);
        if (ch <= 0x20 || ch === GT || ch === SLASH) break;
      }
      this.name = this.intern(lt + 1, i);
      if (this.name === '') throw new Unsupported('a «<» that opens no element');
      this.attrFrom = i;
      // The tag ends at the first «>» outside quotes (an attribute value may hold «>»).
      let quote = 0;
      for (; i < n; i++) {
        const ch = xml.charCodeAt(i);
        if (quote) {
          if (ch === quote) quote = 0;
        } else if (ch === 0x22 || ch === 0x27) quote = ch;
        else if (ch === GT) break;
      }
      if (i >= n) throw new Unsupported('an unterminated tag');
      this.pos = i + 1;
      if (xml.charCodeAt(i - 1) === SLASH) {
        this.attrTo = i - 1;
        this.kind = EMPTY;
      } else {
        this.attrTo = i;
        this.kind = OPEN;
      }
      return this.kind;
    }
  }

  private skipMarkup(lt: number, c: number): number {
    const xml = this.xml;
    if (c === QMARK) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw new Unsupported('an unterminated processing instruction');
      return end + 2;
    }
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new Unsupported('an unterminated comment');
      return end + 3;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      // exceljs listens to text only, so CDATA content never reaches a cell: it is skipped here too.
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new Unsupported('an unterminated CDATA section');
      return end + 3;
    }
    throw new Unsupported('a DOCTYPE or other declaration');
  }

  /** One attribute of the current tag, decoded, or undefined. */
  attr(want: string): string | undefined {
    const xml = this.xml;
    let i = this.attrFrom;
    const end = this.attrTo;
    while (i < end) {
      const eq = xml.indexOf('=', i);
      if (eq < 0 || eq >= end) return undefined;
      const name = xml.slice(i, eq).trim();
      let q = eq + 1;
      while (q < end && xml.charCodeAt(q) <= 0x20) q++;
      const quote = xml[q];
      if (quote !== '"' && quote !== "'") throw new Unsupported('an unquoted attribute');
      const close = xml.indexOf(quote, q + 1);
      if (close < 0 || close > end) throw new Unsupported('an unterminated attribute');
      if (name === want) return decodeAttribute(xml.slice(q + 1, close));
      i = close + 1;
    }
    return undefined;
  }

  /**
   * The r, s and t attributes of the current tag into out (undefined when absent): a cell's value depends on
   * nothing else, and this is the hot path, one call per cell, without an object per tag.
   */
  cellAttrs(out: { r: string | undefined; s: string | undefined; t: string | undefined }): void {
    out.r = out.s = out.t = undefined;
    const xml = this.xml;
    let i = this.attrFrom;
    const end = this.attrTo;
    while (i < end) {
      const eq = xml.indexOf('=', i);
      if (eq < 0 || eq >= end) return;
      let from = i;
      while (xml.charCodeAt(from) <= 0x20) from++;
      let q = eq + 1;
      while (q < end && xml.charCodeAt(q) <= 0x20) q++;
      const quote = xml.charCodeAt(q);
      if (quote !== 0x22 && quote !== 0x27) throw new Unsupported('an unquoted attribute');
      const close = xml.indexOf(quote === 0x22 ? '"' : "'", q + 1);
      if (close < 0 || close > end) throw new Unsupported('an unterminated attribute');
      // A one-letter name, possibly with spaces before «=».
      let to = eq;
      while (to > from && xml.charCodeAt(to - 1) <= 0x20) to--;
      if (to - from === 1) {
        const c = xml.charCodeAt(from);
        if (c === 0x72 || c === 0x73 || c === 0x74) {
          const value =
            close === q + 2 && isWordChar(xml.charCodeAt(q + 1))
              ? ASCII[xml.charCodeAt(q + 1)]!
              : decodeAttribute(xml.slice(q + 1, close));
          if (c === 0x72) out.r = value;
          else if (c === 0x73) out.s = value;
          else out.t = value;
        }
      }
      i = close + 1;
    }
  }

  /** All attributes of the current tag (for the few tags read whole). */
  attrs(): Record<string, string> {
    const out: Record<string, string> = {};
    const xml = this.xml;
    let i = this.attrFrom;
    const end = this.attrTo;
    while (i < end) {
      const eq = xml.indexOf('=', i);
      if (eq < 0 || eq >= end) break;
      const name = xml.slice(i, eq).trim();
      let q = eq + 1;
      while (q < end && xml.charCodeAt(q) <= 0x20) q++;
      const quote = xml[q];
      if (quote !== '"' && quote !== "'") throw new Unsupported('an unquoted attribute');
      const close = xml.indexOf(quote, q + 1);
      if (close < 0 || close > end) throw new Unsupported('an unterminated attribute');
      out[name] = decodeAttribute(xml.slice(q + 1, close));
      i = close + 1;
    }
    return out;
  }

  /**
   * The text content of the element just opened, up to its closing tag (consumed), or undefined when it has none
   * (as a parser reports no text event for <v></v>). Comments and CDATA inside are skipped; a child element inside
   * is Unsupported.
   */
  text(): string | undefined {
    if (this.kind === EMPTY) return undefined;
    const xml = this.xml;
    const name = this.name;
    let out: string | undefined;
    for (;;) {
      const lt = xml.indexOf('<', this.pos);
      if (lt < 0) throw new Unsupported(`an unclosed <${name}>`);
      if (lt > this.pos) {
        const piece = decodeText(xml.slice(this.pos, lt));
        out = out === undefined ? piece : out + piece;
      }
      const c = xml.charCodeAt(lt + 1);
      if (c === BANG || c === QMARK) {
        this.pos = this.skipMarkup(lt, c);
        continue;
      }
      const after = lt + 2 + name.length;
      if (c === SLASH && xml.startsWith(name, lt + 2)) {
        const gt = xml.indexOf('>', after);
        if (gt >= 0 && xml.slice(after, gt).trim() === '') {
          this.pos = gt + 1;
          this.kind = CLOSE;
          return out;
        }
      }
      throw new Unsupported(`an element inside <${name}>`);
    }
  }

  /**
   * The commonest cell, <c …><v>text</v></c>, read in one step: its value text (decoded), the cell's closing tag
   * consumed (undefined for <v></v>, which has no text). Null, and nothing consumed, for any other shape: the caller
   * then reads it tag by tag.
   */
  cellValue(): string | undefined | null {
    const xml = this.xml;
    const from = this.pos;
    if (!xml.startsWith('<v>', from)) return null;
    const lt = xml.indexOf('<', from + 3);
    if (lt < 0 || !xml.startsWith('</v></c>', lt)) return null;
    this.pos = lt + 8;
    this.kind = CLOSE;
    this.name = 'c';
    return lt === from + 3 ? undefined : decodeText(xml.slice(from + 3, lt));
  }

  /** Skip to the end of the element just opened (nested elements included). */
  skip(): void {
    if (this.kind === EMPTY) return;
    let depth = 1;
    while (depth > 0) {
      const kind = this.next();
      if (kind === END) throw new Unsupported('an unclosed element');
      if (kind === OPEN) depth++;
      else if (kind === CLOSE) depth--;
    }
  }
}
