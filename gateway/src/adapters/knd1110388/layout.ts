// The layout of the ФНС format «реестр оказанных услуг по договорам добровольного медицинского страхования в
// электронной форме» (КНД 1110388) as dmsnet writes and reads it.
//
// WRITTEN FROM THE PUBLISHED DESCRIPTION OF THE FORMAT, NOT FROM THE OFFICIAL XSD: the XSD could not be obtained
// (decision record 0061). Each name below says where it comes from:
//   seen     — named in the format's published description as it could be read (the document element's КНД,
//              ДатаИнф, ВремИнф, СодРеестрУсл, ПодписантИнф; СодРеестрУсл's НаимДок with its fixed value
//              «реестр оказанных услуг», the document's number and date, the service period, the currency and
//              the performer's block);
//   ФНС      — not seen for this format, taken from the ФНС's other ЭДО formats (Файл/Документ, ИдФайл, ВерсФорм,
//              ВерсПрог, the participant type ИдСв/СвЮЛУч with НаимОрг, ИННЮЛ, КПП; dates ДД.ММ.ГГГГ, time
//              ЧЧ.ММ.СС, money with two decimals, windows-1251);
//   dmsnet   — the tables of the service lines were not seen: these names are dmsnet's, in the ФНС's style, until
//              the official XSD replaces them.
// formats/knd/knd1110388-structural.xsd is the same layout as an XSD, and the tests check every export against it.

export const KND = '1110388';
/** seen: СодРеестрУсл/@НаимДок is this fixed text (lower case, as the description gives it). */
export const DOCUMENT_NAME = 'реестр оказанных услуг';
/** ФНС: the prefix of ИдФайл and of the file name. The ФНС's prefix for this format was not seen (dmsnet). */
export const FILE_PREFIX = 'ON_REESTRUSLDMS';
/** dmsnet: the version of this layout, written to Файл/@ВерсФорм; not the ФНС's version number. */
export const LAYOUT_VERSION = '1.00-dmsnet';
export const CURRENCY = { code: '643', name: 'Российский рубль' } as const;

export const E = {
  file: 'Файл', // ФНС
  document: 'Документ', // ФНС
  content: 'СодРеестрУсл', // seen
  performer: 'СвИсп', // seen (the block), name ФНС
  customer: 'СвЗак', // ФНС
  contract: 'ОснДог', // dmsnet
  participantId: 'ИдСв', // ФНС
  legalEntity: 'СвЮЛУч', // ФНС
  line: 'СвУсл', // dmsnet
  patient: 'СвПац', // dmsnet
  total: 'ВсегоОпл', // dmsnet
  signer: 'ПодписантИнф', // seen
} as const;

/** Attributes of each element, in the order they are written. */
export const A = {
  file: ['ИдФайл', 'ВерсФорм', 'ВерсПрог'],
  document: ['КНД', 'ДатаИнф', 'ВремИнф'],
  content: ['НаимДок', 'НомДок', 'ДатаДок', 'ДатаНачПер', 'ДатаОкПер', 'КодВал', 'НаимВал'],
  legalEntity: ['НаимОрг', 'ИННЮЛ', 'КПП'],
  contract: ['НомДог', 'ДатаДог'],
  line: [
    'НомСтр',
    'ИдСтр',
    'КодУсл',
    'КодУслИсп',
    'НаимУсл',
    'ДатаНачУсл',
    'ДатаОкУсл',
    'КолУсл',
    'Цена',
    'Стоим',
    'КодДиаг',
  ],
  patient: ['Фамилия', 'Имя', 'Отчество', 'ДатаРожд', 'Пол', 'НомПолис', 'СНИЛС'],
  total: ['СтоимИт'],
  signer: ['НаимОрг', 'ИННЮЛ'],
} as const;

/** The file name the ФНС's ЭДО formats prescribe: <prefix>_<addressee id>_<sender id>_<ГГГГММДД>_<GUID>. */
export const FILE_NAME = new RegExp(
  `^${FILE_PREFIX}_[0-9A-Za-z-]{1,46}_[0-9A-Za-z-]{1,46}_[0-9]{8}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
);

/** Money as the ФНС writes it: roubles with two decimals, a dot. */
export function money(kopecks: number): string {
  const k = Math.trunc(kopecks);
  return `${Math.floor(k / 100)}.${String(k % 100).padStart(2, '0')}`;
}

/** ISO YYYY-MM-DD → ДД.ММ.ГГГГ. */
export function ruDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** What a dmsnet invoice has and this layout does not carry: an export leaves it out, an import cannot bring it. */
export const NOT_CARRIED = [
  '/body/comment',
  '/body/lines/*/guaranteeLetter',
  '/body/lines/*/doctor',
  '/body/lines/*/priceListRef',
  '/body/lines/*/patient/enp',
] as const;
