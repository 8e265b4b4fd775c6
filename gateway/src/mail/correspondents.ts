// The address book of correspondents: counterparties not (yet) on the network who send documents by e-mail. Each
// names the organisation (ОГРН, ИНН, name, role), the addresses allowed to send for it, and which mapping reads which
// attachment. It lives in the node's sealed store, so it is backed up and restored with the node.
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { isValidInn, isValidOgrn } from '@dmsnet/formats/identifiers';
import type { GatewayStore } from '../store/store.js';

export const CORRESPONDENTS = 'mail-correspondents';

export interface CorrespondentMapping {
  /** A regular expression tested against the attachment's file name (case-insensitive). */
  match: string;
  /** A bundled mapping's name or a mapping file's path. */
  mapping: string;
}

export interface Correspondent {
  ogrn: string;
  inn: string;
  name: string;
  role: 'clinic' | 'insurer' | 'assistance';
  /** Lower-case e-mail addresses allowed to send for it. */
  addresses: string[];
  mappings: CorrespondentMapping[];
  /**
   * The correspondent's age X25519 recipient (`age1…`), when it registered one: documents then travel to it as
   * encrypted attachments instead of behind a link (decision record 0049).
   */
  ageRecipient?: string;
  addedAt: string;
}

/** An age X25519 recipient: `age1` and 58 characters of bech32 (the 32-byte key and its checksum). */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

const EMAIL =
  /^[^\s@<>"(),;:]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+$/i;

/** A correspondent as given (CLI, REST), checked field by field; every fault is named by its JSON Pointer. */
export function checkCorrespondent(input: unknown, base = ''): Omit<Correspondent, 'addedAt'> {
  const errors: FieldError[] = [];
  const bad = (pointer: string, code: string, message: string) =>
    errors.push({ pointer: base + pointer, code, message });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DmsnetError('CORRESPONDENT_INVALID', 'a correspondent is an object', [
      { pointer: base || '/', code: 'REQUEST_TYPE', message: 'an object' },
    ]);
  }
  const o = input as Record<string, unknown>;
  const known = new Set(['ogrn', 'inn', 'name', 'role', 'addresses', 'mappings', 'ageRecipient']);
  for (const k of Object.keys(o))
    if (!known.has(k)) bad(`/${k}`, 'CONFIG_UNKNOWN_KEY', `unknown field; known: ${[...known].join(', ')}`);
  if (typeof o.ogrn !== 'string' || !isValidOgrn(o.ogrn))
    bad('/ogrn', 'OGRN_FORMAT', 'an ОГРН of 13 digits (or ОГРНИП of 15) with its check digit');
  if (typeof o.inn !== 'string' || !isValidInn(o.inn))
    bad('/inn', 'INN_FORMAT', 'an ИНН of 10 or 12 digits with its check digits');
  if (typeof o.name !== 'string' || !o.name.trim() || o.name.length > 500)
    bad('/name', 'REQUEST_REQUIRED', 'the organisation’s name, 1–500 characters');
  if (o.role !== 'clinic' && o.role !== 'insurer' && o.role !== 'assistance')
    bad('/role', 'ENUM', 'one of clinic, insurer, assistance');
  if (!Array.isArray(o.addresses) || o.addresses.length === 0 || o.addresses.length > 50)
    bad('/addresses', 'REQUEST_REQUIRED', '1–50 e-mail addresses allowed to send for it');
  else
    o.addresses.forEach((a, i) => {
      if (typeof a !== 'string' || !EMAIL.test(a) || a.length > 254)
        bad(`/addresses/${i}`, 'REQUEST_PATTERN', 'an e-mail address, name@domain');
    });
  if (!Array.isArray(o.mappings) || o.mappings.length === 0 || o.mappings.length > 20)
    bad('/mappings', 'REQUEST_REQUIRED', '1–20 mappings: {match, mapping}');
  else
    o.mappings.forEach((m, i) => {
      const mm = (m ?? {}) as Record<string, unknown>;
      if (typeof m !== 'object' || m === null) return bad(`/mappings/${i}`, 'REQUEST_TYPE', 'an object');
      if (typeof mm.match !== 'string' || !mm.match)
        bad(`/mappings/${i}/match`, 'REQUEST_REQUIRED', 'a regular expression for file names');
      else
        try {
          new RegExp(mm.match, 'i');
        } catch {
          bad(`/mappings/${i}/match`, 'REQUEST_PATTERN', 'not a valid regular expression');
        }
      if (typeof mm.mapping !== 'string' || !mm.mapping.trim() || mm.mapping.length > 1000)
        bad(
          `/mappings/${i}/mapping`,
          'REQUEST_REQUIRED',
          'a bundled mapping’s name or a mapping file’s path',
        );
    });
  if (
    o.ageRecipient !== undefined &&
    (typeof o.ageRecipient !== 'string' || !AGE_RECIPIENT.test(o.ageRecipient))
  )
    bad('/ageRecipient', 'REQUEST_PATTERN', 'an age X25519 recipient: age1 and 58 bech32 characters');
  if (errors.length)
    throw new DmsnetError(
      'CORRESPONDENT_INVALID',
      `the correspondent is not valid: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`,
      errors,
    );
  return {
    ogrn: o.ogrn as string,
    inn: o.inn as string,
    name: (o.name as string).trim(),
    role: o.role as Correspondent['role'],
    addresses: [...new Set((o.addresses as string[]).map((a) => a.toLowerCase()))],
    mappings: (o.mappings as CorrespondentMapping[]).map((m) => ({ match: m.match, mapping: m.mapping })),
    ...(typeof o.ageRecipient === 'string' ? { ageRecipient: o.ageRecipient } : {}),
  };
}

export class AddressBook {
  constructor(private readonly store: GatewayStore) {}

  async add(input: unknown): Promise<Correspondent> {
    const c = checkCorrespondent(input);
    // One address sends for one organisation: otherwise a message could not say whose documents it carries.
    for (const other of await this.list()) {
      if (other.ogrn === c.ogrn) continue;
      const shared = other.addresses.find((a) => c.addresses.includes(a));
      if (shared)
        throw new DmsnetError(
          'CORRESPONDENT_ADDRESS_TAKEN',
          `${shared} already sends for ${other.name} (${other.ogrn})`,
          [
            {
              pointer: `/addresses/${c.addresses.indexOf(shared)}`,
              code: 'CORRESPONDENT_ADDRESS_TAKEN',
              message: `sends for ${other.ogrn}`,
            },
          ],
        );
    }
    const rec: Correspondent = { ...c, addedAt: new Date().toISOString() };
    await this.store.batch([{ type: 'put', sublevel: CORRESPONDENTS, key: c.ogrn, value: rec }]);
    return rec;
  }

  async remove(ogrn: string): Promise<void> {
    if (!(await this.store.get(CORRESPONDENTS, ogrn)))
      throw new DmsnetError('NOT_FOUND', `no correspondent ${ogrn}`, [
        { pointer: '/path/ogrn', code: 'NOT_FOUND', message: 'not in the address book' },
      ]);
    await this.store.batch([{ type: 'del', sublevel: CORRESPONDENTS, key: ogrn }]);
  }

  async list(): Promise<Correspondent[]> {
    const out: Correspondent[] = [];
    for await (const v of this.store.sublevel<Correspondent>(CORRESPONDENTS).values()) out.push(v);
    return out;
  }

  async byAddress(address: string): Promise<Correspondent | undefined> {
    const a = address.toLowerCase();
    return (await this.list()).find((c) => c.addresses.includes(a));
  }
}
