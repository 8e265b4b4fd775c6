// Checks an evidence bundle fully offline (decision record 0034): no network, no gateway, no ledger. Every check is
// reported; a failing one names the bundle part (its file, or a JSON Pointer into it) and the rule it breaks.
import { DmsnetError } from '@dmsnet/formats/errors';
import { readEntry, zipEntries } from '@dmsnet/tables/zip';
import { ed25519Verify } from '../crypto/ed25519.js';
import { sha256Hex } from '../crypto/envelope.js';
import { fingerprintOf, parseCertificate, verifyCms, type GostCertificate } from '@dmsnet/gost';
import {
  parseSignedReceipt,
  receiptBytes,
  receiptHash,
  verifyReceiptSignature,
  type ReceiptTrust,
  type SignedReceipt,
} from '../receipts/receipt.js';
import type { Participant } from '../ledger/types.js';
import {
  EVIDENCE_FORMAT,
  BUNDLE_FILES,
  type DirectoryExtract,
  type LedgerEnvelope,
  type Manifest,
  type ProofIndex,
  evidenceDirectoryClaims,
} from './bundle.js';
import { directoryWriteProblem } from './directory-proof.js';
import { readConfigBlock, verifyBlock, verifyOrderers, type BlockProof } from './fabric-proof.js';

export interface Check {
  /** The part checked: a file of the bundle, with a JSON Pointer into it where one field is meant. */
  part: string;
  ok: boolean;
  /** What was checked (and, when it fails, what is wrong), in Russian. */
  ru: string;
  en: string;
  code?: string;
}

export interface VerifyReport {
  ok: boolean;
  messageId?: string;
  ledger?: 'fabric' | 'embedded';
  checks: Check[];
}

/** At most this many bytes in all: a bundle holds one document (64 MB at most) and small parts. */
export const MAX_BUNDLE_BYTES = 96 * 1024 * 1024;

class Failed extends Error {
  constructor(
    readonly part: string,
    readonly ru: string,
    readonly en: string,
  ) {
    super(en);
  }
}

export function verifyEvidence(bundle: Uint8Array): VerifyReport {
  const checks: Check[] = [];
  const pass = (part: string, ru: string, en: string) => checks.push({ part, ok: true, ru, en });
  const fail = (part: string, ru: string, en: string) =>
    checks.push({ part, ok: false, ru, en, code: 'EVIDENCE_INVALID' });
  /** Runs one check: a thrown Failed or DmsnetError is that check's failure, and the others still run. */
  const check = (part: string, ru: string, en: string, fn: () => void): boolean => {
    try {
      fn();
      pass(part, ru, en);
      return true;
    } catch (err) {
      if (err instanceof Failed) fail(err.part, `${ru}: ${err.ru}`, `${en}: ${err.en}`);
      else {
        const e = err as DmsnetError;
        const pointer = e.errors?.[0]?.pointer;
        // A pointer into the part's JSON goes after its file name; a block's own parts already start with it.
        const where = !pointer ? part : pointer.startsWith('/') ? `${part}#${pointer}` : pointer;
        fail(where, `${ru}: ${e.message}`, `${en}: ${e.message}`);
      }
      return false;
    }
  };
  const report = (): VerifyReport => ({ ok: checks.every((c) => c.ok), checks });

  if (bundle.byteLength > MAX_BUNDLE_BYTES) {
    fail('', `пакет больше ${MAX_BUNDLE_BYTES} байт`, `the bundle exceeds ${MAX_BUNDLE_BYTES} bytes`);
    return report();
  }
  const files = new Map<string, Uint8Array>();
  try {
    for (const [name, entry] of zipEntries(bundle)) files.set(name, readEntry(bundle, entry));
  } catch (err) {
    fail(
      '',
      `пакет не читается как ZIP: ${(err as Error).message}`,
      `not a readable ZIP: ${(err as Error).message}`,
    );
    return report();
  }
  const need = (name: string): Uint8Array => {
    const b = files.get(name);
    if (!b) throw new Failed(name, 'файла нет в пакете', 'the file is missing from the bundle');
    return b;
  };
  const jsonOf = <T>(name: string): T => {
    try {
      return JSON.parse(Buffer.from(need(name)).toString('utf8')) as T;
    } catch (err) {
      if (err instanceof Failed) throw err;
      throw new Failed(name, 'не является JSON', 'is not JSON');
    }
  };

  // 1. The manifest: every file's hash, and no file it does not list.
  let manifest: Manifest | undefined;
  check(
    BUNDLE_FILES.manifest,
    'перечень файлов и их SHA-256 совпадают',
    'every file matches its SHA-256 in the manifest',
    () => {
      const m = jsonOf<Manifest>(BUNDLE_FILES.manifest);
      if (m?.format !== EVIDENCE_FORMAT)
        throw new Failed(
          `${BUNDLE_FILES.manifest}#/format`,
          `должно быть ${EVIDENCE_FORMAT}`,
          `must be ${EVIDENCE_FORMAT}`,
        );
      if (!m.files || typeof m.files !== 'object')
        throw new Failed(`${BUNDLE_FILES.manifest}#/files`, 'нет перечня', 'missing');
      for (const [name, hash] of Object.entries(m.files)) {
        const b = files.get(name);
        if (!b) throw new Failed(name, 'указан в перечне, но отсутствует', 'listed but missing');
        if (sha256Hex(b) !== hash)
          throw new Failed(name, 'SHA-256 не совпадает с перечнем', 'its SHA-256 differs from the manifest');
      }
      for (const name of files.keys())
        if (name !== BUNDLE_FILES.manifest && !(name in m.files))
          throw new Failed(name, 'файл не указан в перечне', 'the file is not in the manifest');
      manifest = m;
    },
  );
  if (!manifest) return report();
  const out: VerifyReport = { ok: false, messageId: manifest.messageId, ledger: manifest.ledger, checks };

  let envelope: LedgerEnvelope | undefined;
  let directory: DirectoryExtract | undefined;
  check(BUNDLE_FILES.envelope, 'запись реестра о сообщении читается', 'the ledger envelope reads', () => {
    const e = jsonOf<LedgerEnvelope>(BUNDLE_FILES.envelope);
    for (const f of ['messageId', 'sender', 'addressee', 'ciphertextHash', 'txId', 'sentAt'] as const)
      if (typeof e?.[f] !== 'string')
        throw new Failed(`${BUNDLE_FILES.envelope}#/${f}`, 'нет поля', 'missing');
    if (e.messageId !== manifest!.messageId)
      throw new Failed(
        `${BUNDLE_FILES.envelope}#/messageId`,
        'не совпадает с перечнем',
        'differs from the manifest',
      );
    envelope = e;
  });
  check(BUNDLE_FILES.directory, 'записи справочника читаются', 'the directory entries read', () => {
    const d = jsonOf<DirectoryExtract>(BUNDLE_FILES.directory);
    if (!d?.sender || !d.addressee || !Array.isArray(d.trustedRoots))
      throw new Failed(
        BUNDLE_FILES.directory,
        'нужны sender, addressee, trustedRoots',
        'needs sender, addressee, trustedRoots',
      );
    if (envelope && (d.sender.id !== envelope.sender || d.addressee.id !== envelope.addressee))
      throw new Failed(
        `${BUNDLE_FILES.directory}#/sender/id`,
        'стороны не совпадают с записью реестра',
        'the parties differ from the envelope',
      );
    directory = d;
  });
  if (!envelope || !directory) return { ...out, ok: false };
  const env = envelope;
  const dir = directory;
  let roots: GostCertificate[] = [];
  check(
    BUNDLE_FILES.directory + '#/trustedRoots',
    'корневые сертификаты ГОСТ читаются',
    'the GOST roots read',
    () => {
      roots = dir.trustedRoots.map((b) => parseCertificate(new Uint8Array(Buffer.from(b, 'base64'))));
    },
  );

  // 2. The document and its sender's signature, held to the directory entry of the time it was sent.
  const canonical = files.get(BUNDLE_FILES.document);
  check(
    BUNDLE_FILES.documentSig,
    'подпись отправителя над document.json верна',
    'the sender’s signature over document.json verifies',
    () => {
      const doc = need(BUNDLE_FILES.document);
      const sig = need(BUNDLE_FILES.documentSig);
      const meta = jsonOf<{ profile: string; signer: { participant: string; keyVersion: number } }>(
        BUNDLE_FILES.signature,
      );
      if (meta.signer?.participant !== env.sender)
        throw new Failed(
          `${BUNDLE_FILES.signature}#/signer/participant`,
          'подписант не отправитель',
          'the signer is not the sender',
        );
      const trust = trustAt(
        dir.sender,
        meta.signer.keyVersion,
        env.sentAt,
        roots,
        `${BUNDLE_FILES.directory}#/sender`,
      );
      if (trust.profile !== meta.profile)
        throw new Failed(
          `${BUNDLE_FILES.signature}#/profile`,
          `справочник регистрирует ${trust.profile}`,
          `the directory registers ${trust.profile}`,
        );
      if (trust.profile === 'ed25519') {
        if (!(sig.length === 64 && ed25519Verify(sig, doc, trust.publicKey)))
          throw new Failed(
            BUNDLE_FILES.documentSig,
            'подпись Ed25519 не проходит проверку',
            'the Ed25519 signature does not verify',
          );
      } else {
        try {
          verifyCms({
            signature: sig,
            content: doc,
            trustedRoots: trust.trustedRoots,
            registered: trust.fingerprints,
          });
        } catch (err) {
          throw new Failed(
            BUNDLE_FILES.documentSig,
            `CMS ГОСТ не проходит проверку (${(err as DmsnetError).code ?? 'ошибка'})`,
            `the GOST CMS does not verify (${(err as DmsnetError).code ?? 'error'})`,
          );
        }
      }
    },
  );

  // 3. The receipt: its hash on the ledger, what it names, the bytes it says were received, its signature.
  if (files.has(BUNDLE_FILES.receipt) || env.receiptHash) {
    check(
      BUNDLE_FILES.receipt,
      'квитанция адресата соответствует документу и реестру, подпись верна',
      'the addressee’s receipt matches the document and the ledger, and its signature verifies',
      () => {
        const signed = parseSignedReceipt(jsonOf(BUNDLE_FILES.receipt));
        const r = signed.receipt;
        if (receiptHash(r) !== env.receiptHash)
          throw new Failed(
            BUNDLE_FILES.receipt,
            'SHA-256 квитанции не равен записанному в реестре (envelope.json#/receiptHash)',
            'its SHA-256 is not the one the ledger holds (envelope.json#/receiptHash)',
          );
        const content = files.get(BUNDLE_FILES.receiptContent);
        if (content && !Buffer.from(content).equals(Buffer.from(receiptBytes(r))))
          throw new Failed(
            BUNDLE_FILES.receiptContent,
            'не совпадает с квитанцией',
            'differs from the receipt',
          );
        const sig = files.get(BUNDLE_FILES.receiptSig);
        if (sig && Buffer.from(sig).toString('base64') !== signed.signature)
          throw new Failed(
            BUNDLE_FILES.receiptSig,
            'не совпадает с подписью квитанции',
            'differs from the receipt’s signature',
          );
        const same = (field: keyof typeof r, wanted: unknown) => {
          if (r[field] !== wanted)
            throw new Failed(
              `${BUNDLE_FILES.receipt}#/receipt/${field}`,
              `должно быть ${String(wanted)}`,
              `must be ${String(wanted)}`,
            );
        };
        same('kind', 'delivery');
        same('messageId', env.messageId);
        same('sender', env.sender);
        same('addressee', env.addressee);
        same('ciphertextHash', env.ciphertextHash);
        if (r.signer.participant !== env.addressee)
          throw new Failed(
            `${BUNDLE_FILES.receipt}#/receipt/signer/participant`,
            'подписант не адресат',
            'the signer is not the addressee',
          );
        if (r.documentDigest === undefined)
          throw new Failed(
            `${BUNDLE_FILES.receipt}#/receipt/openFailure`,
            `адресат не смог открыть документ (${r.openFailure})`,
            `the addressee could not open the document (${r.openFailure})`,
          );
        if (!canonical || r.documentDigest !== sha256Hex(canonical))
          throw new Failed(
            `${BUNDLE_FILES.receipt}#/receipt/documentDigest`,
            'не равен SHA-256 document.json',
            'is not the SHA-256 of document.json',
          );
        verifyReceiptSignature(
          signed,
          trustAt(
            dir.addressee,
            r.signer.keyVersion,
            env.receiptAt ?? r.issuedAt,
            roots,
            `${BUNDLE_FILES.directory}#/addressee`,
          ),
        );
      },
    );
  }
  if (files.has(BUNDLE_FILES.ack) || env.receiptAckHash) {
    check(
      BUNDLE_FILES.ack,
      'подтверждение отправителем получения квитанции верно',
      'the sender’s acknowledgement of the receipt verifies',
      () => {
        const signed = parseSignedReceipt(jsonOf(BUNDLE_FILES.ack));
        const r = signed.receipt;
        if (receiptHash(r) !== env.receiptAckHash)
          throw new Failed(
            BUNDLE_FILES.ack,
            'SHA-256 подтверждения не равен записанному в реестре (envelope.json#/receiptAckHash)',
            'its SHA-256 is not the one the ledger holds (envelope.json#/receiptAckHash)',
          );
        if (
          r.kind !== 'acknowledgement' ||
          r.messageId !== env.messageId ||
          r.acknowledges !== env.receiptHash
        )
          throw new Failed(
            `${BUNDLE_FILES.ack}#/receipt/acknowledges`,
            'подтверждает не эту квитанцию',
            'acknowledges another receipt',
          );
        if (r.signer.participant !== env.sender)
          throw new Failed(
            `${BUNDLE_FILES.ack}#/receipt/signer/participant`,
            'подписант не отправитель',
            'the signer is not the sender',
          );
        verifyReceiptSignature(
          signed,
          trustAt(
            dir.sender,
            r.signer.keyVersion,
            env.receiptAckAt ?? r.issuedAt,
            roots,
            `${BUNDLE_FILES.directory}#/sender`,
          ),
        );
      },
    );
  }

  // 4. The ledger's part.
  if (manifest.ledger === 'fabric') {
    let index: ProofIndex | undefined;
    let config: ReturnType<typeof readConfigBlock> | undefined;
    check(
      BUNDLE_FILES.configBlock,
      'конфигурационный блок канала читается и подписан службой упорядочения',
      'the channel config block reads and is signed by its orderers',
      () => {
        index = jsonOf<ProofIndex>(BUNDLE_FILES.proof);
        config = readConfigBlock(need(BUNDLE_FILES.configBlock), BUNDLE_FILES.configBlock);
        // A later config block is signed by the orderers it names; the genesis block is signed by nobody and is
        // trusted as the channel's founding, which its hash identifies.
        if (config.blockNumber > 0)
          verifyOrderers(need(BUNDLE_FILES.configBlock), config, BUNDLE_FILES.configBlock);
      },
    );
    if (config) {
      const c = config as ReturnType<typeof readConfigBlock>;
      const orgs = [...c.application.values(), ...c.orderer.values()]
        .map((o) => `${o.mspId} ${o.roots.map((r) => r.fingerprint256).join(', ')}`)
        .join('; ');
      pass(
        BUNDLE_FILES.configBlock,
        `блок ${c.blockNumber}${c.blockNumber === 0 ? ' (генезис-блок: сверьте его SHA-256 ' + sha256Hex(need(BUNDLE_FILES.configBlock)) + ' с опубликованным)' : ''}; организации и отпечатки корневых сертификатов: ${orgs}`,
        `block ${c.blockNumber}${c.blockNumber === 0 ? ' (the genesis block: compare its SHA-256 ' + sha256Hex(need(BUNDLE_FILES.configBlock)) + ' with the published one)' : ''}; organisations and root fingerprints: ${orgs}`,
      );
    }
    const proven = new Map<string, BlockProof>();
    for (const b of index?.blocks ?? []) {
      const name = BUNDLE_FILES.block(b.name);
      check(
        name,
        `блок ${b.number}: хеш данных, подписи службы упорядочения, транзакция ${b.txId} действительна и одобрена двумя организациями`,
        `block ${b.number}: data hash, orderer signatures, transaction ${b.txId} valid and endorsed by two organisations`,
        () => {
          if (!config)
            throw new Failed(BUNDLE_FILES.configBlock, 'нет конфигурации канала', 'no channel config');
          proven.set(b.name, verifyBlock(need(name), b.txId, config, name));
        },
      );
    }
    // The directory entries the signatures were held to, each proven by the block of the transaction that wrote it.
    let receiptSigned: SignedReceipt | undefined;
    try {
      if (files.has(BUNDLE_FILES.receipt)) receiptSigned = parseSignedReceipt(jsonOf(BUNDLE_FILES.receipt));
    } catch {
      // The receipt's own check names what is wrong with it; without it, the addressee's key claims nothing.
    }
    for (const claim of evidenceDirectoryClaims({ directory: dir, envelope: env, receipt: receiptSigned })) {
      const name = BUNDLE_FILES.block(claim.name);
      const whose = claim.name === 'sender-key' ? 'отправителя' : 'адресата';
      const whoseEn = claim.name === 'sender-key' ? 'sender' : 'addressee';
      check(
        name,
        `запись справочника ${whose} (${BUNDLE_FILES.directory}#${claim.pointer}) записана транзакцией ${claim.txId} этого блока`,
        `the ${whoseEn}’s directory entry (${BUNDLE_FILES.directory}#${claim.pointer}) was written by transaction ${claim.txId} of this block`,
        () => {
          if (!index?.blocks.some((b) => b.name === claim.name && b.txId === claim.txId))
            throw new Failed(
              `${BUNDLE_FILES.directory}#${claim.pointer}/txId`,
              'нет блока транзакции, записавшей её',
              'no block of the transaction that wrote it',
            );
          const proof = proven.get(claim.name);
          if (!proof) throw new Failed(name, 'блок не прошёл проверку', 'the block did not verify');
          const problem = directoryWriteProblem(proof, claim);
          if (problem) throw new Failed(`${BUNDLE_FILES.directory}#${claim.pointer}`, problem, problem);
        },
      );
    }
    const messageKey = `\u0000msg\u0000${env.messageId}\u0000`;
    const wrote = (name: string) =>
      (proven.get(name)?.writes ?? [])
        .filter((w) => w.key === messageKey)
        .map((w) => {
          try {
            return JSON.parse(w.value) as Partial<LedgerEnvelope>;
          } catch {
            return {};
          }
        });
    check(
      BUNDLE_FILES.block('send'),
      'блок отправки записал это сообщение с этим хешем шифртекста',
      'the send block wrote this message with this ciphertext hash',
      () => {
        if (index && !index.blocks.some((b) => b.name === 'send' && b.txId === env.txId))
          throw new Failed(
            BUNDLE_FILES.proof,
            'нет блока транзакции отправки',
            'no block of the send transaction',
          );
        const w = wrote('send');
        if (
          !w.some(
            (e) =>
              e.ciphertextHash === env.ciphertextHash &&
              e.sender === env.sender &&
              e.addressee === env.addressee,
          )
        )
          throw new Failed(
            BUNDLE_FILES.block('send'),
            'транзакция не записала сообщение с этим хешем',
            'the transaction did not write the message with this hash',
          );
      },
    );
    if (env.receiptHash) {
      check(
        BUNDLE_FILES.block('receipt'),
        'блок квитанции записал её SHA-256 и статус DELIVERED',
        'the receipt block wrote its SHA-256 and DELIVERED',
        () => {
          if (index && !index.blocks.some((b) => b.name === 'receipt' && b.txId === env.receiptTxId))
            throw new Failed(
              BUNDLE_FILES.proof,
              'нет блока транзакции квитанции',
              'no block of the receipt transaction',
            );
          if (
            !wrote('receipt').some((e) => e.receiptHash === env.receiptHash && e.addressee === env.addressee)
          )
            throw new Failed(
              BUNDLE_FILES.block('receipt'),
              'транзакция не записала этот хеш квитанции',
              'the transaction did not write this receipt hash',
            );
          const creator = proven.get('receipt')?.creator.mspId;
          const home = dir.addressee.identities?.[0]?.mspId;
          if (home && creator !== home)
            throw new Failed(
              BUNDLE_FILES.block('receipt'),
              `транзакцию подал ${creator}, а не организация адресата ${home}`,
              `submitted by ${creator}, not the addressee’s organisation ${home}`,
            );
        },
      );
    }
    if (env.receiptAckHash) {
      check(
        BUNDLE_FILES.block('acknowledgement'),
        'блок подтверждения записал его SHA-256',
        'the acknowledgement block wrote its SHA-256',
        () => {
          if (!wrote('acknowledgement').some((e) => e.receiptAckHash === env.receiptAckHash))
            throw new Failed(
              BUNDLE_FILES.block('acknowledgement'),
              'транзакция не записала этот хеш подтверждения',
              'the transaction did not write this acknowledgement hash',
            );
        },
      );
    }
  } else {
    check(
      BUNDLE_FILES.embedded,
      'встроенный реестр: независимого доказательства нет, только чтение узла',
      'embedded ledger: no independent proof, only the node’s reading',
      () => {
        jsonOf(BUNDLE_FILES.embedded);
      },
    );
  }
  return { ...out, ok: checks.every((c) => c.ok) };
}

/** The key or certificates the directory extract says a signer was held to at `at`. */
function trustAt(
  p: Participant,
  keyVersion: number,
  at: string,
  roots: GostCertificate[],
  pointer: string,
): ReceiptTrust {
  const trail = p.signatureTrail ?? (p.signature ? [p.signature] : []);
  const then = trail.filter((t) => t.validFrom <= at);
  const current = then[then.length - 1];
  if (current?.profile === 'gost2012-256') {
    const fp =
      current.fingerprint ??
      (current.certificate ? fingerprintOf(Buffer.from(current.certificate, 'base64')) : undefined);
    if (!fp)
      throw new Failed(
        `${pointer}/signatureTrail`,
        'нет отпечатка сертификата',
        'no certificate fingerprint',
      );
    return { profile: 'gost2012-256', fingerprints: [fp], trustedRoots: roots };
  }
  const key = p.keys?.find((k) => k.version === keyVersion);
  if (!key)
    throw new Failed(`${pointer}/keys`, `нет ключа версии ${keyVersion}`, `no key of version ${keyVersion}`);
  return { profile: 'ed25519', publicKey: new Uint8Array(Buffer.from(key.ed25519, 'base64')) };
}
