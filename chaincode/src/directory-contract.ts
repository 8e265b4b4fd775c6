import { Context, Contract, Info, Returns, Transaction } from './fabric.js';
import { checkOgrn, IdCheck, isValidOgrn } from '@dmsnet/formats/identifiers';
import { ChaincodeError, invalid } from './errors.js';
import {
  actingAssociation,
  actingParticipant,
  callerFingerprint,
  certificateFingerprint,
  PARTICIPANT_ATTRIBUTE,
} from './identity.js';
import { SUBJECT_OID } from '@dmsnet/gost/oids';
import { certificateFacts, type CertificateFacts } from './certificate-facts.js';
import {
  KeyType,
  ROLES,
  SIGNATURE_PROFILES,
  type IdentityRef,
  type Participant,
  type Role,
  type SignatureProfile,
  type TrustedRoot,
} from './model.js';
import { drain, getJson, parseJsonArg, parsePageSize, putJson, txTime } from './state.js';

interface Registration {
  id: string;
  role: Role;
  name: string;
  inn?: string;
  identities: IdentityRef[];
  keys: { x25519: string; ed25519: string };
}

function checkKeys(keys: unknown, at: string): { x25519: string; ed25519: string } {
  const k = keys as { x25519?: unknown; ed25519?: unknown } | undefined;
  for (const name of ['x25519', 'ed25519'] as const) {
    const v = k?.[name];
    if (typeof v !== 'string' || Buffer.from(v, 'base64').length !== 32) {
      throw invalid(`${at}/${name}`, 'must be a base64 32-byte public key');
    }
  }
  return { x25519: String(k?.x25519), ed25519: String(k?.ed25519) };
}

function checkRegistration(r: Registration): void {
  if (typeof r.id !== 'string' || !isValidOgrn(r.id)) {
    const checksum = typeof r.id === 'string' && checkOgrn(r.id) === IdCheck.Checksum;
    throw invalid(
      '/id',
      checksum ? 'the ОГРН check digit does not match' : 'must be a valid ОГРН (13) or ОГРНИП (15)',
      checksum ? 'OGRN_CHECKSUM' : 'OGRN_FORMAT',
    );
  }
  if (!ROLES.includes(r.role)) throw invalid('/role', `must be one of ${ROLES.join(', ')}`);
  if (typeof r.name !== 'string' || !r.name.trim() || r.name.length > 500)
    throw invalid('/name', 'must be 1–500 characters');
  if (r.inn !== undefined && (typeof r.inn !== 'string' || !/^(\d{10}|\d{12})$/.test(r.inn))) {
    throw invalid('/inn', 'must be 10 or 12 digits');
  }
  if (!Array.isArray(r.identities) || r.identities.length === 0 || r.identities.length > 20) {
    throw invalid('/identities', 'must list 1–20 identities');
  }
  r.identities.forEach((i, n) => {
    if (typeof i?.mspId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(i.mspId))
      throw invalid(`/identities/${n}/mspId`, 'must be an MSP id');
    if (i.kind === 'certificate') {
      if (typeof i.certificate !== 'string' || !i.certificate.includes('BEGIN CERTIFICATE')) {
        throw invalid(`/identities/${n}/certificate`, 'must be a PEM certificate');
      }
    } else if (i.kind !== 'attribute') {
      throw invalid(`/identities/${n}/kind`, 'must be "attribute" or "certificate"');
    }
  });
  checkKeys(r.keys, '/keys');
}

@Info({
  title: 'Directory',
  description: 'Participants, the identities that act for them, and their public keys',
})
export class DirectoryContract extends Contract {
  constructor() {
    super('directory');
  }

  @Transaction()
  @Returns('string')
  async register(ctx: Context, registrationJson: string): Promise<string> {
    const r = parseJsonArg<Registration>(registrationJson, 'registration');
    checkRegistration(r);
    const bootstrapped = (await ctx.stub.getState(KeyType.association))?.length > 0;
    if (bootstrapped) {
      await actingAssociation(ctx);
    } else {
      // The very first registration founds the network: an association, acting through the caller's own identity.
      if (r.role !== 'association')
        throw new ChaincodeError('NOT_AUTHORIZED', 'the first participant must be the association');
      const msp = ctx.clientIdentity.getMSPID();
      const fp = callerFingerprint(ctx);
      const own = r.identities.some((i) =>
        i.kind === 'certificate'
          ? i.mspId === msp && certificateFingerprint(i.certificate) === fp
          : i.mspId === msp && ctx.clientIdentity.getAttributeValue(PARTICIPANT_ATTRIBUTE) === r.id,
      );
      if (!own)
        throw new ChaincodeError(
          'NOT_AUTHORIZED',
          'the founding association must register the identity that submits',
        );
    }
    const key = ctx.stub.createCompositeKey(KeyType.participant, [r.id]);
    if (await getJson(ctx, key))
      throw new ChaincodeError('PARTICIPANT_EXISTS', `participant ${r.id} is already registered`);
    const at = txTime(ctx);
    for (const i of r.identities) {
      if (i.kind !== 'certificate') continue;
      const idx = ctx.stub.createCompositeKey(KeyType.certIndex, [
        i.mspId,
        certificateFingerprint(i.certificate),
      ]);
      const taken = await ctx.stub.getState(idx);
      if (taken && taken.length)
        throw new ChaincodeError(
          'IDENTITY_TAKEN',
          `a listed certificate already acts for ${Buffer.from(taken).toString()}`,
        );
      await ctx.stub.putState(idx, Buffer.from(r.id));
    }
    const p: Participant = {
      id: r.id,
      role: r.role,
      name: r.name,
      ...(r.inn ? { inn: r.inn } : {}),
      status: 'ACTIVE',
      identities: r.identities,
      keys: [{ version: 1, ...checkKeys(r.keys, '/keys'), validFrom: at, txId: ctx.stub.getTxID() }],
      registeredAt: at,
      updatedAt: at,
    };
    await putJson(ctx, key, p);
    if (!bootstrapped) await ctx.stub.putState(KeyType.association, Buffer.from(r.id));
    return JSON.stringify(p);
  }

  @Transaction()
  @Returns('string')
  async rotateKeys(ctx: Context, participantId: string, keysJson: string): Promise<string> {
    const me = await actingParticipant(ctx);
    if (me.id !== participantId)
      throw new ChaincodeError('NOT_AUTHORIZED', 'only the participant’s own identity changes its keys');
    const keys = checkKeys(parseJsonArg(keysJson, 'keys'), '/keys');
    // A key used before would let whoever held its old secret half read new documents again.
    for (const name of ['x25519', 'ed25519'] as const) {
      if (me.keys.some((k) => k[name] === keys[name]))
        throw invalid(`/keys/${name}`, 'must differ from every earlier version');
    }
    const version = Math.max(...me.keys.map((k) => k.version)) + 1;
    const at = txTime(ctx);
    const record = { version, ...keys, validFrom: at, txId: ctx.stub.getTxID() };
    const updated: Participant = { ...me, keys: [...me.keys, record], updatedAt: at };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.participant, [me.id]), updated);
    return JSON.stringify(record);
  }

  /**
   * A renewed certificate, added by the participant's current identity before that one expires: it must be of the
   * caller's own organisation (its CA issued it; the peers refuse it otherwise when it is used) and act for nobody
   * yet. Both act for the participant until the old one is retired with the new one.
   */
  @Transaction()
  @Returns('string')
  async addIdentity(ctx: Context, participantId: string, certificate: string): Promise<string> {
    const me = await actingParticipant(ctx);
    if (me.id !== participantId)
      throw new ChaincodeError('NOT_AUTHORIZED', 'only the participant’s own identity adds its certificates');
    if (me.status !== 'ACTIVE')
      throw new ChaincodeError('NOT_AUTHORIZED', `participant ${me.id} is suspended`);
    if (typeof certificate !== 'string' || !certificate.includes('BEGIN CERTIFICATE'))
      throw invalid('/certificate', 'must be a PEM certificate');
    const mspId = ctx.clientIdentity.getMSPID();
    const fingerprint = certificateFingerprint(certificate);
    const idx = ctx.stub.createCompositeKey(KeyType.certIndex, [mspId, fingerprint]);
    const taken = await ctx.stub.getState(idx);
    if (taken && taken.length)
      throw new ChaincodeError(
        'IDENTITY_TAKEN',
        `the certificate already acts for ${Buffer.from(taken).toString()}`,
      );
    if (me.identities.filter((i) => i.kind === 'certificate').length >= 20)
      throw invalid('/certificate', 'at most 20 certificates act for a participant: retire old ones first');
    await ctx.stub.putState(idx, Buffer.from(me.id));
    const at = txTime(ctx);
    const updated: Participant = {
      ...me,
      identities: [...me.identities, { mspId, kind: 'certificate', certificate }],
      updatedAt: at,
    };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.participant, [me.id]), updated);
    return JSON.stringify({ participantId: me.id, mspId, fingerprint });
  }

  /**
   * Retires a certificate that acted for the participant. It must be submitted by another of its identities — the
   * renewed one proving it works before the old one stops — and never leaves the participant without one.
   */
  @Transaction()
  @Returns('string')
  async retireIdentity(ctx: Context, participantId: string, fingerprint: string): Promise<string> {
    const me = await actingParticipant(ctx);
    if (me.id !== participantId)
      throw new ChaincodeError(
        'NOT_AUTHORIZED',
        'only the participant’s own identity retires its certificates',
      );
    if (fingerprint === callerFingerprint(ctx))
      throw new ChaincodeError(
        'NOT_AUTHORIZED',
        'a certificate is retired by another identity of the participant (the renewed one), not by itself',
      );
    const n = me.identities.findIndex(
      (i) => i.kind === 'certificate' && certificateFingerprint(i.certificate as string) === fingerprint,
    );
    if (n < 0) throw new ChaincodeError('NOT_FOUND', `no certificate ${fingerprint} acts for ${me.id}`);
    const gone = me.identities[n]!;
    await ctx.stub.deleteState(ctx.stub.createCompositeKey(KeyType.certIndex, [gone.mspId, fingerprint]));
    const at = txTime(ctx);
    const updated: Participant = {
      ...me,
      identities: me.identities.filter((_, k) => k !== n),
      retiredIdentities: [
        ...(me.retiredIdentities ?? []),
        { mspId: gone.mspId, fingerprint, retiredAt: at, txId: ctx.stub.getTxID() },
      ],
      updatedAt: at,
    };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.participant, [me.id]), updated);
    return JSON.stringify({ participantId: me.id, mspId: gone.mspId, fingerprint, retiredAt: at });
  }

  /**
   * The participant's own identity sets how it signs: `ed25519` or `gost2012-256` with its signing certificate, which
   * must be a GOST R 34.10-2012 256-bit end-entity certificate issued by a trusted root and valid now, whose subject
   * names the participant (ОГРН, and ИНН where the certificate has one) and which no other participant has ever
   * registered. Each change is appended to the participant's signature trail.
   */
  @Transaction()
  @Returns('string')
  async setSignatureProfile(ctx: Context, participantId: string, profileJson: string): Promise<string> {
    const me = await actingParticipant(ctx);
    if (me.id !== participantId)
      throw new ChaincodeError(
        'NOT_AUTHORIZED',
        'only the participant’s own identity changes its signature profile',
      );
    const input = parseJsonArg<{ profile?: unknown; certificate?: unknown }>(profileJson, 'profile');
    if (!SIGNATURE_PROFILES.includes(input.profile as never)) {
      throw invalid('/profile', `must be one of ${SIGNATURE_PROFILES.join(', ')}`);
    }
    const at = txTime(ctx);
    const record: SignatureProfile = {
      profile: input.profile as SignatureProfile['profile'],
      validFrom: at,
      txId: ctx.stub.getTxID(),
    };
    if (record.profile === 'ed25519') {
      if (input.certificate !== undefined) throw invalid('/certificate', 'must be absent for ed25519');
    } else {
      if (input.certificate === undefined) throw invalid('/certificate', 'is required for gost2012-256');
      const facts = certificateFacts(input.certificate, '/certificate');
      if (facts.isCA) throw invalid('/certificate', 'must be an end-entity certificate, not a CA');
      if (facts.notAfter <= at || facts.notBefore > at) {
        throw new ChaincodeError(
          'CERT_EXPIRED',
          `/certificate is valid ${facts.notBefore} – ${facts.notAfter}, not now (${at})`,
          [{ pointer: '/certificate', code: 'CERT_EXPIRED', message: 'not valid at the transaction time' }],
        );
      }
      const roots = await activeRoots(ctx);
      if (!roots.some((r) => r.subjectDer === facts.issuerDer && r.notAfter > at)) {
        throw new ChaincodeError(
          'CERT_ISSUER_UNTRUSTED',
          '/certificate is not issued by a root the directory trusts',
          [
            {
              pointer: '/certificate',
              code: 'CERT_ISSUER_UNTRUSTED',
              message: 'issuer is not a trusted root',
            },
          ],
        );
      }
      // Checked before the subject so that someone else's certificate is named as such, not as a bad subject.
      const owner = ctx.stub.createCompositeKey(KeyType.signingCert, [facts.fingerprint]);
      const holder = Buffer.from((await ctx.stub.getState(owner)) ?? []).toString('utf8');
      if (holder && holder !== me.id) {
        throw new ChaincodeError(
          'CERT_ALREADY_REGISTERED',
          `/certificate ${facts.fingerprint} is already registered by participant ${holder}`,
          [
            {
              pointer: '/certificate',
              code: 'CERT_ALREADY_REGISTERED',
              message: 'registered by another participant',
            },
          ],
        );
      }
      checkSubject(me, facts);
      if (!holder) await ctx.stub.putState(owner, Buffer.from(me.id));
      Object.assign(record, {
        certificate: input.certificate as string,
        fingerprint: facts.fingerprint,
        notAfter: facts.notAfter,
      });
    }
    const updated: Participant = {
      ...me,
      signature: record,
      signatureTrail: [...(me.signatureTrail ?? []), record],
      updatedAt: at,
    };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.participant, [me.id]), updated);
    return JSON.stringify(record);
  }

  /** The association adds a root CA for GOST signing certificates: a self-issued GOST CA certificate. */
  @Transaction()
  @Returns('string')
  async addTrustedRoot(ctx: Context, rootJson: string): Promise<string> {
    await actingAssociation(ctx);
    const input = parseJsonArg<{ certificate?: unknown }>(rootJson, 'root');
    const facts = certificateFacts(input.certificate, '/certificate');
    if (!facts.isCA || facts.subjectDer !== facts.issuerDer) {
      throw invalid(
        '/certificate',
        'must be a self-issued CA certificate (basicConstraints cA, subject = issuer)',
      );
    }
    const at = txTime(ctx);
    if (facts.notAfter <= at) {
      throw new ChaincodeError('CERT_EXPIRED', `/certificate expired ${facts.notAfter}`, [
        { pointer: '/certificate', code: 'CERT_EXPIRED', message: 'expired' },
      ]);
    }
    const key = ctx.stub.createCompositeKey(KeyType.trustedRoot, [facts.fingerprint]);
    const existing = await getJson<TrustedRoot>(ctx, key);
    if (existing?.status === 'ACTIVE') return JSON.stringify(existing);
    const root: TrustedRoot = {
      fingerprint: facts.fingerprint,
      certificate: input.certificate as string,
      subjectDer: facts.subjectDer,
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      status: 'ACTIVE',
      addedAt: at,
      addedTxId: ctx.stub.getTxID(),
      // Trusted again after a removal: the earlier period stays on the record.
      ...(existing
        ? {
            earlier: [
              ...(existing.earlier ?? []),
              {
                addedAt: existing.addedAt,
                addedTxId: existing.addedTxId,
                removedAt: existing.removedAt,
                removedTxId: existing.removedTxId,
              },
            ],
          }
        : {}),
    };
    await putJson(ctx, key, root);
    return JSON.stringify(root);
  }

  /** Stops trusting a root; the record stays (with when and by which transaction) for the trail. */
  @Transaction()
  @Returns('string')
  async removeTrustedRoot(ctx: Context, fingerprint: string): Promise<string> {
    await actingAssociation(ctx);
    const key = ctx.stub.createCompositeKey(KeyType.trustedRoot, [String(fingerprint)]);
    const root = await getJson<TrustedRoot>(ctx, key);
    if (!root) throw new ChaincodeError('ROOT_NOT_FOUND', `no trusted root ${fingerprint}`);
    if (root.status === 'REMOVED') return JSON.stringify(root);
    const updated: TrustedRoot = {
      ...root,
      status: 'REMOVED',
      removedAt: txTime(ctx),
      removedTxId: ctx.stub.getTxID(),
    };
    await putJson(ctx, key, updated);
    return JSON.stringify(updated);
  }

  /** Every root ever added, removed ones included (status says which). */
  @Transaction(false)
  @Returns('string')
  async listTrustedRoots(ctx: Context): Promise<string> {
    return JSON.stringify(await allRoots(ctx));
  }

  @Transaction()
  @Returns('string')
  async suspend(ctx: Context, participantId: string): Promise<string> {
    return this.setStatus(ctx, participantId, 'SUSPENDED');
  }

  @Transaction()
  @Returns('string')
  async reinstate(ctx: Context, participantId: string): Promise<string> {
    return this.setStatus(ctx, participantId, 'ACTIVE');
  }

  private async setStatus(ctx: Context, id: string, status: Participant['status']): Promise<string> {
    const assoc = await actingAssociation(ctx);
    if (assoc.id === id) throw new ChaincodeError('NOT_AUTHORIZED', 'the association cannot suspend itself');
    const p = await getParticipant(ctx, id);
    const updated = { ...p, status, updatedAt: txTime(ctx) };
    await putJson(ctx, ctx.stub.createCompositeKey(KeyType.participant, [id]), updated);
    return JSON.stringify(updated);
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, participantId: string): Promise<string> {
    return JSON.stringify(await getParticipant(ctx, participantId));
  }

  @Transaction(false)
  @Returns('string')
  async getKey(ctx: Context, participantId: string, version: string): Promise<string> {
    const p = await getParticipant(ctx, participantId);
    const k = p.keys.find((x) => x.version === Number(version));
    if (!k)
      throw new ChaincodeError('KEY_NOT_FOUND', `participant ${participantId} has no key version ${version}`);
    return JSON.stringify(k);
  }

  @Transaction(false)
  @Returns('string')
  async list(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const size = parsePageSize(pageSize);
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
      KeyType.participant,
      [],
      size,
      bookmark ?? '',
    );
    const items: Participant[] = [];
    await drain(
      iterator,
      (kv) => void items.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as Participant),
    );
    return JSON.stringify({ items, bookmark: items.length === size ? metadata.bookmark : '' });
  }

  @Transaction(false)
  @Returns('string')
  async whoAmI(ctx: Context): Promise<string> {
    return JSON.stringify(await actingParticipant(ctx));
  }
}

const subjectMismatch = (message: string): ChaincodeError =>
  new ChaincodeError('CERT_SUBJECT_MISMATCH', `/certificate ${message}`, [
    { pointer: '/certificate', code: 'CERT_SUBJECT_MISMATCH', message },
  ]);

/**
 * A signing certificate must be the participant's own: its subject's ОГРН (ОГРНИП for an entrepreneur) is the
 * participant's id, and any ИНН it carries is the one the directory holds. A certificate naming no ИНН, or a
 * participant registered without one, is judged by the ОГРН alone (decision 0025).
 */
function checkSubject(me: Participant, facts: CertificateFacts): void {
  const { ogrn, ogrnip, innLe, inn } = facts.subjectIds;
  const ids = [
    ...ogrn.map((v) => [SUBJECT_OID.ogrn, 'ОГРН', v] as const),
    ...ogrnip.map((v) => [SUBJECT_OID.ogrnip, 'ОГРНИП', v] as const),
  ];
  if (ids.length === 0) {
    throw subjectMismatch(
      `subject has no ОГРН (${SUBJECT_OID.ogrn}) or ОГРНИП (${SUBJECT_OID.ogrnip}); participant ${me.id} cannot be told from it`,
    );
  }
  for (const [oid, name, value] of ids) {
    if (value !== me.id)
      throw subjectMismatch(`subject ${name} (${oid}) is ${value}, not participant ${me.id}`);
  }
  if (!me.inn) return;
  // The 12-digit ИНН attribute writes a legal entity's 10-digit ИНН after "00".
  const own = (v: string) => v === me.inn || (me.inn!.length === 10 && v === `00${me.inn}`);
  const inns = [
    ...innLe.map((v) => [SUBJECT_OID.innLe, 'ИННЮЛ', v] as const),
    ...inn.map((v) => [SUBJECT_OID.inn, 'ИНН', v] as const),
  ];
  for (const [oid, name, value] of inns) {
    if (!own(value))
      throw subjectMismatch(`subject ${name} (${oid}) is ${value}, not participant ${me.id}’s ИНН ${me.inn}`);
  }
}

async function allRoots(ctx: Context): Promise<TrustedRoot[]> {
  const roots: TrustedRoot[] = [];
  const iterator = await ctx.stub.getStateByPartialCompositeKey(KeyType.trustedRoot, []);
  await drain(
    iterator,
    (kv) => void roots.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as TrustedRoot),
  );
  return roots;
}

async function activeRoots(ctx: Context): Promise<TrustedRoot[]> {
  return (await allRoots(ctx)).filter((r) => r.status === 'ACTIVE');
}

export async function getParticipant(ctx: Context, id: string): Promise<Participant> {
  const p = await getJson<Participant>(ctx, ctx.stub.createCompositeKey(KeyType.participant, [String(id)]));
  if (!p) throw new ChaincodeError('PARTICIPANT_NOT_FOUND', `no participant ${id}`);
  return p;
}
