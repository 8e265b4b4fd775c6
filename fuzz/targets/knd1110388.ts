// A КНД 1110388 register as an ЭДО operator or a clinic's system sends it (the layout written from the format's
// published description, decision record 0061): read into an invoice, or refused with a typed code (KND_XML_REFUSED,
// KND_INVALID) — never another error, and never a DTD acted on.
import type { InvoiceBody } from '@dmsnet/formats/types';
import { importKnd1110388 } from '../../gateway/src/adapters/knd1110388/import.js';
import { allowTyped, check, type FuzzTarget } from './target.js';

const target: FuzzTarget = {
  name: 'knd1110388',
  maxLength: 16 * 1024,
  dictionary: [
    '<?xml version="1.0" encoding="windows-1251"?>',
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE Файл [<!ENTITY x "y">]>',
    '&amp;',
    '&#x41;',
    '<![CDATA[',
    ']]>',
    '<Файл ИдФайл="a" ВерсФорм="1">',
    '<Документ КНД="1110388" ДатаИнф="01.01.2026" ВремИнф="10.00.00">',
    '<СодРеестрУсл НаимДок="реестр оказанных услуг" НомДок="1" ДатаДок="01.01.2026" ДатаНачПер="01.01.2026" ДатаОкПер="31.01.2026">',
    '<СвИсп><ИдСв><СвЮЛУч НаимОрг="А" ИННЮЛ="7707083893"/></ИдСв></СвИсп>',
    '<СвЗак><ИдСв><СвЮЛУч НаимОрг="Б" ИННЮЛ="7707083893"/></ИдСв></СвЗак>',
    '<ОснДог НомДог="1" ДатаДог="01.01.2026"/>',
    '<СвУсл НомСтр="1" ИдСтр="1" КодУсл="B01.047.001" ДатаНачУсл="02.01.2026" КолУсл="1" Цена="1.00" Стоим="1.00">',
    '<СвПац Фамилия="А" Имя="Б" ДатаРожд="01.01.1980" Пол="1" НомПолис="1"/></СвУсл>',
    '<ВсегоОпл СтоимИт="1.00"/>',
    '</СодРеестрУсл></Документ></Файл>',
    '="',
    '"/>',
  ],
  async run(data) {
    try {
      const r = await importKnd1110388(data, async (inn) => ({ ogrn: '1027700132195', name: `ИНН ${inn}` }));
      check(r.document.header.type === 'invoice', 'an import that is not an invoice');
      check((r.document.body as InvoiceBody).lines.length > 0, 'an invoice without lines read');
    } catch (e) {
      allowTyped(e);
    }
  },
};
export default target;
