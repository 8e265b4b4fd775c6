import { readFile } from 'node:fs/promises';
import { DmsnetError } from '../errors.js';

/** Reads a UTF-8 text file, turning a read failure into a DmsnetError naming the file. */
export async function readTextFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new DmsnetError('FILE_UNREADABLE', `${file}: cannot read the file (${reason})`);
  }
  // A UTF-8 byte order mark is what Windows editors put first; it is not part of the JSON text.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads and parses a JSON file, turning an unreadable file or bad JSON into a DmsnetError naming the file. */
export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readTextFile(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DmsnetError('JSON_SYNTAX', `${file}: not JSON (${(err as Error).message})`);
  }
}
