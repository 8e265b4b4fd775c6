// The XML scanner under the XLSX reader, driven the ways the reader drives it: each tag read whole, by its cell
// attributes, as text, as the one-step cell value, or skipped, the choice made by the input itself.
import { END, Unsupported, XmlScanner } from '@dmsnet/tables/xml-scan';
import { check, InvariantBroken, type FuzzTarget } from './target.js';

const target: FuzzTarget = {
  name: 'xml-scan',
  maxLength: 16 * 1024,
  dictionary: [
    '<c r="A1" t="s">',
    '<v>',
    '</v></c>',
    '<row r="1">',
    '</row>',
    '<!--',
    '-->',
    '<![CDATA[',
    ']]>',
    '<?xml version="1.0"?>',
    '&amp;',
    '&#x41;',
    '&#65;',
    '&lt;',
    '<is><t>',
    '</t></is>',
    '/>',
    "'",
    '"',
    '\r\n',
    '\t',
  ],
  run(data) {
    const xml = new TextDecoder().decode(data);
    const scan = new XmlScanner(xml);
    const out = {
      r: undefined as string | undefined,
      s: undefined as string | undefined,
      t: undefined as string | undefined,
    };
    try {
      // Every step consumes at least one character, so more steps than characters means it went round in circles.
      for (let step = 0; step <= xml.length + 1; step++) {
        if (scan.next() === END) return;
        check(scan.tag() !== '', 'an element without a name');
        switch (scan.tag().length % 6) {
          case 0:
            scan.attrs();
            break;
          case 1:
            scan.cellAttrs(out);
            if (scan.cellValue() !== null) check(scan.closes('c'), 'cellValue did not consume the cell');
            break;
          case 2:
            scan.text();
            break;
          case 3:
            scan.skip();
            break;
          case 4:
            scan.attr('r');
            break;
          default:
            break;
        }
      }
      throw new InvariantBroken('the scanner did not reach the end');
    } catch (e) {
      if (e instanceof Unsupported || e instanceof InvariantBroken) {
        if (e instanceof InvariantBroken) throw e;
        return;
      }
      throw new InvariantBroken('the scanner threw something other than Unsupported', e);
    }
  },
};
export default target;
