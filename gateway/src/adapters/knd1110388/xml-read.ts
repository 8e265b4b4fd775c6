// Reads an outside XML file into a small element tree with saxes, a strict XML 1.0 parser (the one exceljs and
// jsdom use) that never fetches anything and expands only the five predefined entities and character references.
// A document type declaration is refused before anything in it could matter (no XXE, no billion laughs: the ФНС
// formats have no DTD), and the file's size, depth and element count are bounded, so no input makes it
// allocate without end. Every refusal is KND_XML_REFUSED with one field error naming what and where.
import iconv from 'iconv-lite';
import { SaxesParser } from 'saxes';
import { DmsnetError } from '@dmsnet/formats/errors';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element (the format has none: a non-blank one is an error). */
  text: string;
  line: number;
}

export const MAX_XML_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 16;
/** Two elements per register line (the invoice format allows 200,000 lines) plus the frame. */
const MAX_ELEMENTS = 400_100;

function refuseXml(code: string, message: string, line?: number): never {
  throw new DmsnetError('KND_XML_REFUSED', message, [
    { pointer: line === undefined ? '' : `/line/${line}`, code, message },
  ]);
}

/** The bytes as text in the encoding the declaration names: windows-1251 (the ФНС's) or UTF-8 (XML's default). */
export function decodeXml(bytes: Uint8Array): string {
  if (bytes.length > MAX_XML_BYTES)
    refuseXml('XML_TOO_LARGE', `the file is larger than ${MAX_XML_BYTES} bytes`);
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
  const declared =
    /^(?:\uFEFF|\u00EF\u00BB\u00BF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(
      head,
    )?.[1];
  const enc = (declared ?? 'utf-8').toLowerCase();
  if (enc === 'windows-1251' || enc === 'cp1251') return iconv.decode(Buffer.from(bytes), 'win1251');
  if (enc === 'utf-8' || enc === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      return refuseXml('XML_ENCODING', 'the file says UTF-8 but its bytes are not UTF-8');
    }
  }
  return refuseXml('XML_ENCODING', `the encoding ${declared ?? ''} is not windows-1251 or UTF-8`);
}

export function readXml(bytes: Uint8Array): XmlElement {
  const text = decodeXml(bytes);
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  parser.on('error', (e) => refuseXml('XML_MALFORMED', `not well-formed XML: ${e.message}`, parser.line));
  parser.on('doctype', () =>
    refuseXml('XML_DOCTYPE', 'a document type declaration (DTD): the format has none', parser.line),
  );
  parser.on('opentag', (tag) => {
    if (++count > MAX_ELEMENTS) refuseXml('XML_TOO_LARGE', `more than ${MAX_ELEMENTS} elements`, parser.line);
    if (stack.length >= MAX_DEPTH) refuseXml('XML_TOO_DEEP', `nested deeper than ${MAX_DEPTH}`, parser.line);
    // saxes keeps attributes in an object without a prototype, so an attribute named __proto__ is only a name.
    const attrs = tag.attributes as Record<string, string>;
    const el: XmlElement = { name: tag.name, attrs, children: [], text: '', line: parser.line };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => {
    const el = stack[stack.length - 1];
    // Text is kept only up to a bound: the format has none, so any non-blank text is reported, never stored whole.
    if (el && el.text.length < 256) el.text += t.slice(0, 256);
  });
  parser.on('cdata', (t) => {
    const el = stack[stack.length - 1];
    if (el && el.text.length < 256) el.text += t.slice(0, 256) || ' ';
  });
  parser.write(text).close();
  if (!root) return refuseXml('XML_MALFORMED', 'no root element');
  return root;
}
