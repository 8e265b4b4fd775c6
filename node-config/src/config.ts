import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseDocument } from 'yaml';
import { DmsnetError, type FieldError } from '@dmsnet/formats/errors';
import { NODE_CONFIG_SCHEMA } from './schema.js';
import { mailConfigErrors, type MailConfig } from '../../gateway/src/mail/settings.js';
import type { CareDeadlineTerms } from '../../gateway/src/workflows/care-request-flow.js';
import { isValidInn } from '@dmsnet/formats/identifiers/inn';
import { isValidOgrn } from '@dmsnet/formats/identifiers/ogrn';

export const CONFIG_FILE = 'dmsnet-node.yaml';

export type NodeRole = 'clinic' | 'insurer' | 'assistance' | 'association';

export interface NodeConfig {
  version: 1;
  participant: { id: string; role: NodeRole; name: string; inn?: string };
  ledger: {
    mode: 'embedded' | 'fabric';
    embedded?: { dir: string; mspId: string; sandboxAssociation: boolean };
    fabric?: {
      mspId: string;
      peerEndpoint: string;
      peerHostAlias?: string;
      /** The organisation's other peers, followed for events when peerEndpoint holds no earlier block. */
      otherPeers?: Array<{ endpoint: string; hostAlias?: string }>;
      channel: string;
      chaincode: string;
      connectTimeoutMs?: number;
      tls: { caCert: string; clientCert?: string; clientKey?: string };
    };
  };
  api: {
    host: string;
    port: number;
    tokenFile?: string;
    tokenEnv?: string;
    maxBodyBytes?: number;
    hostNames?: string[];
    secureCookies?: boolean;
  };
  keys: { file: string; version: number };
  dataDir?: string;
  webhooks?: string[];
  /** CIDR ranges webhooks may post to besides loopback (e.g. a back office on the office network). */
  webhookAllow?: string[];
  /**
   * Folder drop (under dropDir, default "exchange"): files in in/ matching a mapping's `match` (a regular
   * expression, default any) are converted with it and sent to its addressee; received documents of a mapped type
   * are written to out/ in that mapping's format.
   */
  /** Minutes a clinic has to answer a care request, by urgency: defaults and per insurer ОГРН (decisions 0047, 0062). */
  careDeadlines?: CareDeadlineTerms;
  /** Minutes a payer has to answer a guarantee-letter request, by urgency (decisions 0054, 0062). */
  priorAuthDeadlines?: CareDeadlineTerms;
  /** The mail bridge (gateway/src/mail/settings.ts). */
  mail?: MailConfig;
  adapters?: {
    dropDir?: string;
    mappings?: Array<{ file: string; addressee?: string; match?: string; body?: Record<string, unknown> }>;
  };
}

export class NodeConfigError extends DmsnetError {}

// ajv-formats is CommonJS with a default export; under NodeNext its callable is the module's `default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 };
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(NODE_CONFIG_SCHEMA);

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** One error per broken key, its pointer naming the key itself (a missing key is named, not its parent). */
export function validateConfig(value: unknown): FieldError[] {
  if (validate(value)) return identifierErrors(value as NodeConfig);
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // if/then and oneOf report their own summary beside the precise error underneath; the precise one is enough.
    if (e.keyword === 'if') continue;
    const fe = toFieldError(e);
    const key = `${fe.pointer} ${fe.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
  }
  return out;
}

/**
 * The schema checks the shape of the ids; their check digits are the identifiers' own rules (the directory refuses
 * an ОГРН that fails its checksum, so a node made with one could never be registered).
 */
function identifierErrors(c: NodeConfig): FieldError[] {
  const out: FieldError[] = [];
  if (!isValidOgrn(c.participant.id)) {
    out.push({
      pointer: '/participant/id',
      code: 'OGRN_CHECKSUM',
      message: `/participant/id ${c.participant.id}: the last digit is not the ОГРН check digit`,
    });
  }
  if (c.participant.inn !== undefined && !isValidInn(c.participant.inn)) {
    out.push({
      pointer: '/participant/inn',
      code: 'INN_CHECKSUM',
      message: `/participant/inn ${c.participant.inn}: the check digits do not match`,
    });
  }
  if (c.mail) out.push(...mailConfigErrors(c.mail));
  // An insurer's terms under an ОГРН no participant can have would never apply: said now, not when a clinic is late.
  for (const section of ['careDeadlines', 'priorAuthDeadlines'] as const) {
    for (const ogrn of Object.keys(c[section]?.byInsurer ?? {})) {
      if (isValidOgrn(ogrn)) continue;
      const p = `/${section}/byInsurer/${ogrn}`;
      out.push({
        pointer: p,
        code: 'OGRN_CHECKSUM',
        message: `${p}: the last digit is not the ОГРН check digit`,
      });
    }
  }
  return out;
}

function toFieldError(e: ErrorObject): FieldError {
  const at = e.instancePath;
  switch (e.keyword) {
    case 'required': {
      const p = `${at}/${escape((e.params as { missingProperty: string }).missingProperty)}`;
      return { pointer: p, code: 'CONFIG_REQUIRED', message: `${p} is required` };
    }
    case 'additionalProperties': {
      const p = `${at}/${escape((e.params as { additionalProperty: string }).additionalProperty)}`;
      return { pointer: p, code: 'CONFIG_UNKNOWN_KEY', message: `${p} is not a known key` };
    }
    case 'oneOf':
      return {
        pointer: at,
        code: 'CONFIG_ONE_OF',
        message: `${at || '/'} must set exactly one of tokenFile or tokenEnv`,
      };
    default:
      return {
        pointer: at,
        code: `CONFIG_${e.keyword.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
        message: `${at || '/'} ${e.message ?? 'is invalid'}`,
      };
  }
}

/** Reads and validates DIR/dmsnet-node.yaml; throws NodeConfigError CONFIG_INVALID listing every broken key. */
export async function loadConfig(dir: string): Promise<NodeConfig> {
  const file = path.join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new NodeConfigError('CONFIG_MISSING', `cannot read ${file}: ${(err as Error).message}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length) {
    throw new NodeConfigError(
      'CONFIG_YAML',
      `${file} is not valid YAML`,
      doc.errors.map((e) => ({ pointer: '', code: 'CONFIG_YAML', message: e.message })),
    );
  }
  const value: unknown = doc.toJS();
  const errors = validateConfig(value);
  if (errors.length) {
    throw new NodeConfigError('CONFIG_INVALID', `${file}: ${errors.length} error(s)`, errors);
  }
  return value as NodeConfig;
}

/** Paths in the config are relative to the node directory, so the directory can be moved whole. */
export const resolveIn = (dir: string, p: string) => path.resolve(dir, p);

export async function readToken(dir: string, config: NodeConfig): Promise<string> {
  if (config.api.tokenEnv) {
    const t = process.env[config.api.tokenEnv];
    if (!t) throw new NodeConfigError('TOKEN_MISSING', `env ${config.api.tokenEnv} (/api/tokenEnv) is empty`);
    return t;
  }
  const file = resolveIn(dir, config.api.tokenFile as string);
  return (await readFile(file, 'utf8')).trim();
}
