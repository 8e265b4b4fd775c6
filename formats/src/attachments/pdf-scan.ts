// A bounded, streaming reader of the few things a PDF must tell before it is let in (decision record 0056): how many
// page objects it defines and whether it names active content (JavaScript, launch actions, embedded files, forms that
// submit). It tokenises just enough of PDF (names with #xx escapes, comments, strings, streams) to read dictionaries,
// never renders or runs anything, keeps a fixed window across chunks, and inflates only object streams (where PDF
// 1.5+ hides page dictionaries), each bounded. Fuzzed in test/formats/attachments.test.ts.
import { inflateSync } from 'node:zlib';

/** Names that make a PDF do something when opened or clicked: refused whatever the viewer. */
const ACTIVE_NAMES = new Set([
  'JavaScript',
  'JS',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'RichMedia',
  'XFA',
  'SubmitForm',
  'ImportData',
  'GoToE',
]);

/** An object stream is buffered to inflate it: at most this many bytes in, and this many out. */
const MAX_OBJSTM_IN = 8 * 1024 * 1024;
const MAX_OBJSTM_OUT = 32 * 1024 * 1024;
const MAX_TOKEN = 256;
const MAX_PAGES = 100_000;

const ENDSTREAM = Buffer.from('endstream');
// KMP failure table of "endstream": its only border is the "e" at position 6.
const FAIL = [0, 0, 0, 0, 0, 0, 0, 1, 0];

const isWhite = (c: number) =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelim = (c: number) =>
  c === 0x28 ||
  c === 0x29 ||
  c === 0x3c ||
  c === 0x3e ||
  c === 0x5b ||
  c === 0x5d ||
  c === 0x7b ||
  c === 0x7d ||
  c === 0x2f ||
  c === 0x25;

type Token = { kind: 'name' | 'word'; text: string };

const enum Mode {
  Normal,
  Name,
  Word,
  Comment,
  String,
  Stream,
}

export interface PdfFacts {
  /** Distinct page objects defined (a later definition of the same object replaces the earlier one). */
  pages: number;
  /** The active-content names found, if any. */
  active: string[];
  /** What makes the file unreadable as a PDF, if anything. */
  malformed?: string;
}

/** Reads PDF tokens from chunks; call push() with each chunk and facts() at the end. */
export class PdfScanner {
  private mode = Mode.Normal;
  private token: number[] = [];
  private stringDepth = 0;
  private escape = false;
  private hexPending = -1;
  private nameHex = 0;
  private nameHexValue = 0;
  private recent: Token[] = [];
  /** Names and integer-valued keys of the dictionary of the object being read, reset at each `obj`. */
  private objNames = new Set<string>();
  private objInts = new Map<string, number>();
  private objNumber = -1;
  private pageObjects = new Map<string, boolean>();
  private active = new Set<string>();
  private malformed: string | undefined;
  private endMatch = 0;
  private streamBuf: Uint8Array | undefined;
  private streamLen = 0;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private total = 0;
  private readonly nested: boolean;

  constructor(nested = false) {
    this.nested = nested;
  }

  push(chunk: Uint8Array): void {
    if (!this.nested && this.head.length < 8)
      this.head = Buffer.concat([this.head, chunk.subarray(0, 8 - this.head.length)]);
    if (!this.nested) this.tail = Buffer.concat([this.tail, chunk]).subarray(-1024);
    this.total += chunk.length;
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i] as number);
  }

  facts(): PdfFacts {
    this.flushToken();
    if (!this.nested) {
      if (this.head.subarray(0, 5).toString('latin1') !== '%PDF-') this.malformed ??= 'no %PDF- header';
      else if (!this.tail.toString('latin1').includes('%%EOF')) this.malformed ??= 'no %%EOF at the end';
      if (this.mode === Mode.Stream) this.malformed ??= 'a stream does not end';
    }
    let pages = 0;
    for (const isPage of this.pageObjects.values()) if (isPage) pages++;
    const out: PdfFacts = { pages, active: [...this.active].sort() };
    if (this.malformed !== undefined) out.malformed = this.malformed;
    return out;
  }

  private byte(c: number): void {
    switch (this.mode) {
      case Mode.Stream:
        return this.streamByte(c);
      case Mode.Comment:
        if (c === 0x0a || c === 0x0d) this.mode = Mode.Normal;
        return;
      case Mode.String:
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x28) this.stringDepth++;
        else if (c === 0x29 && --this.stringDepth === 0) this.mode = Mode.Normal;
        return;
      case Mode.Name:
        if (isWhite(c) || isDelim(c)) {
          this.flushToken();
          return this.byte(c);
        }
        if (this.nameHex > 0) {
          const d = hexDigit(c);
          this.nameHexValue = this.nameHexValue * 16 + (d < 0 ? 0 : d);
          if (--this.nameHex === 0) this.addTokenByte(this.nameHexValue);
          return;
        }
        if (c === 0x23) {
          this.nameHex = 2;
          this.nameHexValue = 0;
          return;
        }
        return this.addTokenByte(c);
      case Mode.Word:
        if (isWhite(c) || isDelim(c)) {
          this.flushToken();
          return this.byte(c);
        }
        return this.addTokenByte(c);
      default:
        return this.normalByte(c);
    }
  }

  private normalByte(c: number): void {
    if (this.hexPending >= 0) {
      // "<" seen: "<<" opens a dictionary, anything else a hex string up to ">".
      if (this.hexPending === 0) {
        this.hexPending = c === 0x3c ? -1 : 1;
        if (c === 0x3c || c === 0x3e) this.hexPending = -1;
        return;
      }
      if (c === 0x3e) this.hexPending = -1;
      return;
    }
    if (isWhite(c)) return;
    if (c === 0x25) this.mode = Mode.Comment;
    else if (c === 0x28) {
      this.mode = Mode.String;
      this.stringDepth = 1;
    } else if (c === 0x3c) this.hexPending = 0;
    else if (c === 0x2f) {
      this.mode = Mode.Name;
      this.token = [];
      this.nameHex = 0;
    } else if (isDelim(c)) this.recent.length = 0;
    else {
      this.mode = Mode.Word;
      this.token = [c];
    }
  }

  private addTokenByte(c: number): void {
    if (this.token.length < MAX_TOKEN) this.token.push(c);
  }

  private flushToken(): void {
    if (this.mode !== Mode.Name && this.mode !== Mode.Word) return;
    const kind = this.mode === Mode.Name ? 'name' : 'word';
    const text = Buffer.from(this.token).toString('latin1');
    this.mode = Mode.Normal;
    this.token = [];
    this.onToken({ kind, text });
  }

  private onToken(t: Token): void {
    const prev = this.recent[this.recent.length - 1];
    const prev2 = this.recent[this.recent.length - 2];
    if (t.kind === 'name') {
      this.objNames.add(t.text);
      if (ACTIVE_NAMES.has(t.text)) this.active.add(t.text);
      if (prev?.kind === 'name' && prev.text === 'Type' && (t.text === 'Page' || t.text === 'Pages'))
        this.markPage(t.text === 'Page');
    } else if (
      t.text === 'obj' &&
      prev2?.kind === 'word' &&
      /^\d+$/.test(prev2.text) &&
      prev?.kind === 'word'
    ) {
      this.objNumber = Number(prev2.text);
      this.objNames.clear();
      this.objInts.clear();
    } else if (/^\d+$/.test(t.text) && prev?.kind === 'name') {
      this.objInts.set(prev.text, Number(t.text));
    } else if (t.text === 'stream') {
      this.mode = Mode.Stream;
      this.endMatch = 0;
      const objStm = this.objNames.has('ObjStm');
      if (objStm && this.nested) this.malformed ??= 'an object stream inside an object stream';
      if (objStm) {
        if (!this.objNames.has('FlateDecode') || this.objNames.has('DecodeParms'))
          this.malformed ??= 'an object stream not plainly Flate-compressed (or encrypted) cannot be checked';
        this.streamBuf = new Uint8Array(4096);
        this.streamLen = 0;
      }
    }
    this.recent.push(t);
    if (this.recent.length > 4) this.recent.shift();
  }

  private markPage(isPage: boolean): void {
    const key = `${this.objNumber}`;
    if (this.pageObjects.size >= MAX_PAGES && !this.pageObjects.has(key)) {
      this.malformed ??= `more than ${MAX_PAGES} page objects`;
      return;
    }
    this.pageObjects.set(key, isPage);
  }

  private streamByte(c: number): void {
    if (this.streamBuf !== undefined) {
      if (this.streamLen < MAX_OBJSTM_IN) {
        if (this.streamLen === this.streamBuf.length) {
          const grown = new Uint8Array(Math.min(MAX_OBJSTM_IN, this.streamBuf.length * 2));
          grown.set(this.streamBuf);
          this.streamBuf = grown;
        }
        this.streamBuf[this.streamLen] = c;
      }
      this.streamLen++;
    }
    while (this.endMatch > 0 && c !== ENDSTREAM[this.endMatch]) this.endMatch = FAIL[this.endMatch] as number;
    if (c === ENDSTREAM[this.endMatch]) this.endMatch++;
    if (this.endMatch < ENDSTREAM.length) return;
    this.mode = Mode.Normal;
    this.endMatch = 0;
    this.recent.length = 0;
    if (this.streamBuf !== undefined) {
      const kept = Math.min(this.streamLen, MAX_OBJSTM_IN);
      const data = Buffer.from(this.streamBuf.buffer, 0, Math.max(0, kept - ENDSTREAM.length));
      this.streamBuf = undefined;
      if (this.streamLen > MAX_OBJSTM_IN) this.malformed ??= 'an object stream is too large to check';
      else this.readObjectStream(data);
    }
  }

  /** The objects of an object stream: "num offset" pairs, then each object from /First + offset. */
  private readObjectStream(raw: Buffer): void {
    let data: Buffer;
    try {
      data = inflateSync(trimEol(raw), { maxOutputLength: MAX_OBJSTM_OUT });
    } catch {
      this.malformed ??= 'an object stream does not inflate';
      return;
    }
    const n = this.objInts.get('N') ?? 0;
    const first = this.objInts.get('First') ?? 0;
    const ints = data
      .subarray(0, Math.min(first, data.length))
      .toString('latin1')
      .trim()
      .split(/\s+/)
      .map(Number);
    for (let k = 0; k < n && k < MAX_PAGES; k++) {
      const num = ints[2 * k];
      const off = ints[2 * k + 1];
      if (
        num === undefined ||
        off === undefined ||
        !Number.isSafeInteger(num) ||
        !Number.isSafeInteger(off)
      ) {
        this.malformed ??= 'an object stream header is unreadable';
        return;
      }
      const end = k + 1 < n ? (ints[2 * k + 3] ?? data.length) : data.length;
      const inner = new PdfScanner(true);
      inner.objNumber = num;
      inner.push(data.subarray(first + off, first + end));
      const f = inner.facts();
      for (const a of f.active) this.active.add(a);
      if (f.malformed !== undefined) this.malformed ??= f.malformed;
      for (const [, isPage] of inner.pageObjects) this.pageObjects.set(`${num}`, isPage);
    }
  }
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Stream data starts after the EOL that follows `stream` and ends before the EOL that precedes `endstream`. */
function trimEol(b: Buffer): Buffer {
  let s = 0;
  if (b[s] === 0x0d) s++;
  if (b[s] === 0x0a) s++;
  let e = b.length;
  while (e > s && (b[e - 1] === 0x0a || b[e - 1] === 0x0d)) e--;
  return b.subarray(s, e);
}
