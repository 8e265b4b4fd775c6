import { createHash } from 'node:crypto';
import type { Context } from './fabric.js';
import { ChaincodeError } from './errors.js';
import { KeyType, type Participant } from './model.js';
import { getJson } from './state.js';

export const PARTICIPANT_ATTRIBUTE = 'dmsnet.participant';

/** SHA-256 hex of the certificate's DER bytes: stable whatever the PEM line breaks. */
export function certificateFingerprint(pem: string): string {
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
}

export function callerFingerprint(ctx: Context): string {
  return certificateFingerprint(Buffer.from(ctx.clientIdentity.getIDBytes()).toString('utf8'));
}

/**
 * The participant the submitting identity acts for: by the certificate attribute that a member CA put in a clinic's
 * certificate (the participant must accept that MSP for attribute identities), or by the registered certificate.
 * Never by MSP id alone: one organisation's CA serves many participants.
 */
export async function actingParticipant(ctx: Context): Promise<Participant> {
  const mspId = ctx.clientIdentity.getMSPID();
  const attr = ctx.clientIdentity.getAttributeValue(PARTICIPANT_ATTRIBUTE);
  if (attr) {
    const p = await getJson<Participant>(ctx, ctx.stub.createCompositeKey(KeyType.participant, [attr]));
    if (p && p.identities.some((i) => i.kind === 'attribute' && i.mspId === mspId)) return p;
  }
  const id = await ctx.stub.getState(
    ctx.stub.createCompositeKey(KeyType.certIndex, [mspId, callerFingerprint(ctx)]),
  );
  if (id && id.length) {
    const p = await getJson<Participant>(
      ctx,
      ctx.stub.createCompositeKey(KeyType.participant, [Buffer.from(id).toString()]),
    );
    if (p) return p;
  }
  throw new ChaincodeError(
    'IDENTITY_UNKNOWN',
    `the submitting identity (${mspId}) acts for no registered participant`,
  );
}

export async function actingAssociation(ctx: Context): Promise<Participant> {
  const p = await actingParticipant(ctx);
  if (p.role !== 'association' || p.status !== 'ACTIVE') {
    throw new ChaincodeError('NOT_AUTHORIZED', 'only the active association may do this');
  }
  return p;
}
