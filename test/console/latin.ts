// The Latin-word check of the console's Russian screens (decision record 0033), shared by the tests that walk them.
import { PROGRAMMES } from '@dmsnet/formats/generator/data';

/**
 * Latin-script words a Russian screen may show: the product's name, the file names of the bundled mappings, and the
 * names of file kinds as staff see them on their files (XLSX, JSON, PDF, JPEG, PNG). Identifiers (service codes such as A01.01.001,
 * document and policy numbers) carry digits and are not words.
 */
const ALLOWED = new Set(['dmsnet', 'English', 'XLSX', 'JSON', 'PDF', 'JPEG', 'PNG']);
const FILE_NAME = /\.(csv|xlsx|xls|ods|pdf|jpe?g|png|txt)$/i;
/** Programme codes are the insurer's identifiers (APP-HOME), shown as the documents carry them. */
const PROGRAMME_CODES: ReadonlySet<string> = new Set(PROGRAMMES.map((p) => p.code));

/** The Latin-script words of a text that are neither identifiers nor allowed: what a person would stumble on. */
export function latinWords(text: string): string[] {
  return text
    .split(/[\s,;:()«»"'“”!?—–]+/)
    .filter(
      (token) =>
        /[A-Za-z]{2,}/.test(token) &&
        !/\d/.test(token) &&
        !FILE_NAME.test(token) &&
        !PROGRAMME_CODES.has(token.replace(/\.$/, '')),
    )
    .flatMap((token) => token.split(/[^A-Za-z]+/))
    .filter((w) => w.length >= 2 && !ALLOWED.has(w));
}
