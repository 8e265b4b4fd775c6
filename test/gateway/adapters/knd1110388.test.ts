// КНД 1110388, the ФНС's register of services under ДМС contracts, both ways. The layout is dmsnet's reading of the
// format's PUBLISHED DESCRIPTION, not the official XSD (not obtained; decision record 0061): every export is checked by
// xmllint against formats/knd/knd1110388-structural.xsd (the structural schema written from that description), and
// read back into the same register; hostile files are refused with typed codes at the element they name.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import {
  DmsnetError,
  generateDocument,
  repoPath,
  validateDocument,
  type DmsDocument,
  type InvoiceBody,
  type PartyRef,
} from '@dmsnet/formats';
import { exportKnd1110388, type KndParty } from '../../../gateway/src/adapters/knd1110388/export.js';
import {
  filePointer,
  importKnd1110388,
  type PartyByInn,
} from '../../../gateway/src/adapters/knd1110388/import.js';
import { FILE_NAME, NOT_CARRIED } from '../../../gateway/src/adapters/knd1110388/layout.js';
import { MAX_XML_BYTES } from '../../../gateway/src/adapters/knd1110388/xml-read.js';

const XSD = repoPath('formats', 'knd', 'knd1110388-structural.xsd');
const tmp = mkdtempSync(path.join(tmpdir(), 'dmsnet-knd-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** xmllint's verdict on the bytes against the structural schema: '' when valid, else its complaint. */
function xsdErrors(bytes: Uint8Array): string {
  const file = path.join(tmp, `f-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, bytes);
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  rmSync(file);
  if (r.error) throw r.error;
  return r.status === 0 ? '' : r.stderr;
}

const kndParty = (p: PartyRef): KndParty => ({
  ogrn: p.ogrn,
  inn: p.inn!,
  name: p.name!,
  ...(p.kpp ? { kpp: p.kpp } : {}),
});
const partiesOf = (doc: DmsDocument) => ({
  sender: kndParty(doc.header.sender),
  addressee: kndParty(doc.header.addressee),
});
const directoryOf =
  (...docs: DmsDocument[]): PartyByInn =>
  async (inn) => {
    for (const d of docs)
      for (const p of [d.header.sender, d.header.addressee])
        if (p.inn === inn) return { ogrn: p.ogrn, name: p.name! };
    return undefined;
  };

/** The register without what the format does not carry (layout.ts NOT_CARRIED). */
function carried(body: InvoiceBody): InvoiceBody {
  const b = structuredClone(body) as InvoiceBody & { comment?: string };
  expect(NOT_CARRIED).to.include('/body/comment');
  delete b.comment;
  for (const l of b.lines) {
    delete (l as { guaranteeLetter?: unknown }).guaranteeLetter;
    delete (l as { doctor?: unknown }).doctor;
    delete (l as { priceListRef?: unknown }).priceListRef;
    delete (l.patient as { enp?: unknown }).enp;
  }
  return b;
}

async function refusal(p: Promise<unknown>): Promise<DmsnetError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DmsnetError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const NOW = new Date('2026-12-02T13:05:09Z');
const GUID = '0f3c2a9e-5b7d-4c1e-9a2b-3c4d5e6f7a8b';

describe('КНД 1110388 export: an invoice register as the ФНС format (from its published description)', () => {
  const doc = generateDocument('invoice', { rows: 3, seed: 11 });
  const b = doc.body as InvoiceBody;
  const file = exportKnd1110388(doc, partiesOf(doc), { now: NOW, guid: GUID });

  it('names the file as ФНС ЭДО files are named and writes windows-1251, saying where its layout comes from', () => {
    expect(file.fileName).to.equal(
      `ON_REESTRUSLDMS_${doc.header.addressee.ogrn}_${doc.header.sender.ogrn}_20261202_${GUID}.xml`,
    );
    expect(FILE_NAME.test(file.fileName.slice(0, -4))).to.equal(true);
    expect(file.xml.startsWith('<?xml version="1.0" encoding="windows-1251"?>\n<!-- dmsnet:')).to.equal(true);
    expect(file.xml).to.contain('not the official XSD');
    // «Р» is 0xD0 in windows-1251 (two bytes, D0 A0, in UTF-8).
    expect(iconv.decode(Buffer.from(file.bytes), 'win1251')).to.equal(file.xml);
    expect(Buffer.from(file.bytes).includes(Buffer.from([0xd0, 0xe5, 0xe5]))).to.equal(true); // «Рее»
  });

  it('writes КНД, Moscow date and time, ДД.ММ.ГГГГ dates, ИНН/КПП of both parties and kopecks as roubles', () => {
    expect(file.xml).to.contain('<Документ КНД="1110388" ДатаИнф="02.12.2026" ВремИнф="16.05.09">');
    const [y, m, d] = b.invoiceDate.split('-');
    expect(file.xml).to.contain(`НомДок="${b.invoiceNumber}" ДатаДок="${d}.${m}.${y}"`);
    for (const p of [doc.header.sender, doc.header.addressee])
      expect(file.xml).to.contain(`ИННЮЛ="${p.inn}" КПП="${p.kpp}"`);
    const l = b.lines[0]!;
    expect(file.xml).to.contain(
      `Цена="${Math.floor(l.unitPrice / 100)}.${String(l.unitPrice % 100).padStart(2, '0')}"`,
    );
    expect(file.xml).to.match(/<ВсегоОпл СтоимИт="\d+\.\d{2}"\/>/);
  });

  it('is valid against the structural schema written from the description (xmllint), and a broken one is not', () => {
    expect(xsdErrors(file.bytes)).to.equal('');
    const wrong = file.xml.replace('КНД="1110388"', 'КНД="1110389"');
    expect(xsdErrors(iconv.encode(wrong, 'win1251'))).to.contain('КНД');
    const noLines = file.xml.replace(/<СвУсл [\s\S]*<\/СвУсл>/, '');
    expect(xsdErrors(iconv.encode(noLines, 'win1251'))).to.contain('ВсегоОпл');
  });

  it('refuses what is not an invoice, and a party without ИНН, naming the field', () => {
    const letter = generateDocument('guarantee-letter', { seed: 2 });
    const e1 = (() => {
      try {
        exportKnd1110388(letter, partiesOf(letter));
      } catch (e) {
        return e as DmsnetError;
      }
      throw new Error('exported');
    })();
    expect(e1.code).to.equal('KND_EXPORT_REFUSED');
    expect(e1.errors[0]).to.include({ pointer: '/header/type', code: 'KND_NOT_INVOICE' });
    try {
      exportKnd1110388(doc, { ...partiesOf(doc), addressee: { ...partiesOf(doc).addressee, inn: '' } });
      throw new Error('exported');
    } catch (e) {
      expect((e as DmsnetError).code).to.equal('KND_EXPORT_REFUSED');
      expect((e as DmsnetError).errors[0]).to.include({
        pointer: '/header/addressee/inn',
        code: 'KND_PARTY_INN',
      });
    }
    // A control character the invoice's format lets through cannot be written in XML 1.0 at all: refused at its pointer.
    const bell = structuredClone(doc);
    (bell.body as { lines: Array<{ serviceName?: string }> }).lines[0]!.serviceName = 'Приём\u0007';
    try {
      exportKnd1110388(bell, partiesOf(bell));
      throw new Error('exported');
    } catch (e) {
      expect((e as DmsnetError).code).to.equal('KND_EXPORT_REFUSED');
      expect((e as DmsnetError).errors).to.deep.include({
        pointer: '/body/lines/0/serviceName',
        code: 'KND_CHAR_NOT_XML',
        message: 'holds a control character XML 1.0 cannot carry',
      });
    }
  });
});

describe('КНД 1110388 round trip: export → import gives the same register', () => {
  it('for generated invoices of 1 to 40 lines (fast-check), each export also valid against the XSD', async () => {
    let checkedXsd = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 40 }),
        async (seed, rows) => {
          const doc = generateDocument('invoice', { seed, rows });
          const file = exportKnd1110388(doc, partiesOf(doc));
          if (checkedXsd++ < 10) expect(xsdErrors(file.bytes)).to.equal('');
          const back = await importKnd1110388(file.bytes, directoryOf(doc));
          expect(back.document.body).to.deep.equal(carried(doc.body as InvoiceBody));
          for (const side of ['sender', 'addressee'] as const)
            expect(back.document.header[side]).to.deep.equal(doc.header[side]);
          expect(validateDocument(back.document)).to.deep.equal([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps characters windows-1251 lacks as character references, and markup characters as entities', async () => {
    const doc = generateDocument('invoice', { seed: 7, rows: 1 });
    const l = (doc.body as InvoiceBody).lines[0]!;
    l.serviceName = 'Приём «А&B» <экспресс> "Ōsaka" 😀 � № 5';
    const file = exportKnd1110388(doc, partiesOf(doc));
    expect(file.xml)
      .to.contain('&#x14C;')
      .and.contain('&#xFFFD;')
      .and.contain('&#x1F600;')
      .and.contain('&amp;B')
      .and.contain('&lt;');
    expect(xsdErrors(file.bytes)).to.equal('');
    const back = await importKnd1110388(file.bytes, directoryOf(doc));
    expect((back.document.body as InvoiceBody).lines[0]!.serviceName).to.equal(l.serviceName);
  });

  it('reads the same file saved as UTF-8 by another system', async () => {
    const doc = generateDocument('invoice', { seed: 9, rows: 2 });
    const file = exportKnd1110388(doc, partiesOf(doc));
    const utf8 = new TextEncoder().encode(file.xml.replace('encoding="windows-1251"', 'encoding="UTF-8"'));
    const back = await importKnd1110388(utf8, directoryOf(doc));
    expect(back.document.body).to.deep.equal(carried(doc.body as InvoiceBody));
  });
});

describe('КНД 1110388 import: hostile and wrong files are refused with typed codes at the element', () => {
  const doc = generateDocument('invoice', { seed: 21, rows: 3 });
  const good = exportKnd1110388(doc, partiesOf(doc)).xml;
  const dir = directoryOf(doc);
  const win = (xml: string) => new Uint8Array(iconv.encode(xml, 'win1251'));
  const body = good.slice(good.indexOf('<Файл'));

  it('an external entity (XXE) and a billion laughs: refused at the DTD, nothing fetched or expanded', async () => {
    const xxe =
      '<?xml version="1.0" encoding="windows-1251"?>\n<!DOCTYPE Файл [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' +
      body.replace('НомДок="', 'НомДок="&x;');
    const e1 = await refusal(importKnd1110388(win(xxe), dir));
    expect(e1.code).to.equal('KND_XML_REFUSED');
    expect(e1.errors[0]).to.include({ code: 'XML_DOCTYPE', pointer: '/line/2' });
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const laughs = `<?xml version="1.0"?><!DOCTYPE Файл [<!ENTITY l0 "lol">${lol}]><Файл ИдФайл="&l9;"/>`;
    const e2 = await refusal(importKnd1110388(new TextEncoder().encode(laughs), dir));
    expect(e2.errors[0]!.code).to.equal('XML_DOCTYPE');
    // Without a DTD an entity is simply undefined: not well-formed.
    const e3 = await refusal(importKnd1110388(win(good.replace('НомДок="', 'НомДок="&x;')), dir));
    expect(e3.errors[0]!.code).to.equal('XML_MALFORMED');
  });

  it('oversized, too deep, not XML, a foreign encoding', async () => {
    const huge = new Uint8Array(MAX_XML_BYTES + 1);
    expect((await refusal(importKnd1110388(huge, dir))).errors[0]!.code).to.equal('XML_TOO_LARGE');
    const deep = `<Файл>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</Файл>`;
    expect((await refusal(importKnd1110388(new TextEncoder().encode(deep), dir))).errors[0]!.code).to.equal(
      'XML_TOO_DEEP',
    );
    const notXml = await refusal(importKnd1110388(new TextEncoder().encode('%PDF-1.7 not xml'), dir));
    expect([notXml.code, notXml.errors[0]!.code]).to.deep.equal(['KND_XML_REFUSED', 'XML_MALFORMED']);
    const koi = good.replace('windows-1251', 'KOI8-R');
    expect((await refusal(importKnd1110388(win(koi), dir))).errors[0]!.code).to.equal('XML_ENCODING');
    const badUtf8 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Файл '),
      Buffer.from([0xff, 0xfe]),
    ]);
    expect((await refusal(importKnd1110388(new Uint8Array(badUtf8), dir))).errors[0]!.code).to.equal(
      'XML_ENCODING',
    );
  });

  it('another form (wrong КНД) and another root', async () => {
    const e = await refusal(importKnd1110388(win(good.replace('КНД="1110388"', 'КНД="1115131"')), dir));
    expect(e.code).to.equal('KND_INVALID');
    expect(e.errors).to.deep.include({
      pointer: '/Файл/Документ/@КНД',
      code: 'KND_FORM',
      message: 'must be «1110388»',
    });
    const other = await refusal(importKnd1110388(new TextEncoder().encode('<Счёт/>'), dir));
    expect(other.errors[0]).to.include({ pointer: '/Счёт', code: 'KND_FORM' });
  });

  it('a bad ИНН checksum, an unknown ИНН, and every element error at once with its path', async () => {
    const inn = doc.header.sender.inn!;
    const flipped = inn.slice(0, 9) + String((Number(inn[9]) + 1) % 10);
    const e1 = await refusal(
      importKnd1110388(win(good.replace(`ИННЮЛ="${inn}"`, `ИННЮЛ="${flipped}"`)), dir),
    );
    expect(e1.code).to.equal('KND_INVALID');
    expect(e1.errors).to.deep.include({
      pointer: '/Файл/Документ/СодРеестрУсл/СвИсп/ИдСв/СвЮЛУч/@ИННЮЛ',
      code: 'INN_CHECKSUM',
      message: 'the check digit of this ИНН does not match',
    });
    const e2 = await refusal(importKnd1110388(win(good), async () => undefined));
    expect(e2.errors.map((x) => x.code)).to.deep.equal(['KND_PARTY_UNKNOWN', 'KND_PARTY_UNKNOWN']);
    let many = good.replace(/(<СвУсл НомСтр="2"[^>]*?)Цена="[^"]*"/, '$1Цена="12,50"');
    many = many.replace(/(<СвУсл НомСтр="3"[^>]*?)ДатаНачУсл="[^"]*"/, '$1ДатаНачУсл="31.02.2026"');
    many = many.replace('<ВсегоОпл ', '<Лишний/><ВсегоОпл Примечание="x" constructor="y" ');
    many = many.replace(/ДатаОкПер="[^"]*"/, '');
    // 14 digits of roubles would make kopecks beyond an exact integer.
    many = many.replace(/(<СвУсл НомСтр="1"[^>]*?)Стоим="[^"]*"/, '$1Стоим="99999999999999.00"');
    const e3 = await refusal(importKnd1110388(win(many), dir));
    const base = '/Файл/Документ/СодРеестрУсл';
    expect(e3.errors.map((x) => [x.pointer, x.code])).to.deep.equal([
      [`${base}/@ДатаОкПер`, 'KND_REQUIRED'],
      [`${base}/СвУсл/0/@Стоим`, 'KND_AMOUNT'],
      [`${base}/СвУсл/1/@Цена`, 'KND_AMOUNT'],
      [`${base}/СвУсл/2/@ДатаНачУсл`, 'KND_DATE'],
      [`${base}/Лишний`, 'KND_UNEXPECTED'],
      [`${base}/ВсегоОпл/@Примечание`, 'KND_UNEXPECTED'],
      [`${base}/ВсегоОпл/@constructor`, 'KND_UNEXPECTED'],
    ]);
  });

  it('a total that does not add up is read, and the invoice validator names it', async () => {
    const off = good.replace(
      /СтоимИт="(\d+)\.(\d{2})"/,
      (_m, r: string, k: string) => `СтоимИт="${Number(r) + 1}.${k}"`,
    );
    const back = await importKnd1110388(win(off), dir);
    const mismatch = validateDocument(back.document).find((x) => x.code === 'TOTAL_MISMATCH')!;
    expect(filePointer(mismatch.pointer)).to.equal('/Файл/Документ/СодРеестрУсл/ВсегоОпл/@СтоимИт');
    expect(filePointer('/body/lines/3/patient/snils')).to.equal(
      '/Файл/Документ/СодРеестрУсл/СвУсл/3/СвПац/@СНИЛС',
    );
    expect(filePointer('/body/lines/0/guaranteeLetter')).to.equal(undefined);
  });
});
