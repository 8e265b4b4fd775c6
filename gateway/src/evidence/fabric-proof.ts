// What a Fabric block proves, checked offline (decision record 0034): the block's data hash, the orderers' signatures
// over its header, the transaction's validation code, its creator's signature, its endorsements (each signature, each
// certificate to its organisation's root in the channel config, at least two organisations' peers as the dmsnet
// policy asks, decision 0010), and what the transaction wrote. Protobufs are read by @hyperledger/fabric-protos; the
// only bytes made here are the header's ASN.1, which Fabric signs (protoutil.BlockHeaderBytes).
import { createHash, X509Certificate, verify as verifySignature } from 'node:crypto';
import { common, ledger, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { DmsnetError } from '@dmsnet/formats/errors';
import { readConsenters, readIdentifier, readSignatureMetadata } from './proto-fields.js';

export interface OrgMsp {
  mspId: string;
  roots: X509Certificate[];
  intermediates: X509Certificate[];
}

export interface ChannelConfig {
  blockNumber: number;
  application: Map<string, OrgMsp>;
  orderer: Map<string, OrgMsp>;
  consensus: string;
  /** BFT consenters by id (a block signed with an identifier header names one of these). */
  consenters: Map<number, { mspId: string; identity: string }>;
}

export interface ProvenWrite {
  namespace: string;
  key: string;
  value: string;
}

export interface BlockProof {
  blockNumber: number;
  txId: string;
  channel: string;
  /** The transaction's timestamp (its creator's clock, as Fabric records it). */
  timestamp: string;
  creator: { mspId: string; subject: string };
  endorsers: Array<{ mspId: string; subject: string }>;
  orderers: Array<{ mspId: string; subject: string }>;
  writes: ProvenWrite[];
  events: string[];
}

const fail = (pointer: string, message: string) =>
  new DmsnetError('EVIDENCE_INVALID', `${pointer}: ${message}`, [
    { pointer, code: 'EVIDENCE_INVALID', message },
  ]);

function decode<T>(pointer: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fail(pointer, `is not a ${what} (${(err as Error).message})`);
  }
}

/** DER of Fabric's asn1Header {Number INTEGER, PreviousHash OCTET STRING, DataHash OCTET STRING}. */
export function blockHeaderBytes(h: common.BlockHeader): Buffer {
  const len = (n: number) =>
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  const tlv = (tag: number, v: Buffer) => Buffer.concat([Buffer.from([tag]), len(v.length), v]);
  let n = BigInt(h.getNumber());
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (n > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(
    0x30,
    Buffer.concat([
      tlv(0x02, Buffer.from(bytes)),
      tlv(0x04, Buffer.from(h.getPreviousHash_asU8())),
      tlv(0x04, Buffer.from(h.getDataHash_asU8())),
    ]),
  );
}

function mspOf(group: common.ConfigGroup, name: string, pointer: string): OrgMsp {
  const value = group.getValuesMap().get('MSP');
  if (!value) throw fail(pointer, `organisation ${name} has no MSP value`);
  const conf = decode(pointer, 'MSP config', () => msp.MSPConfig.deserializeBinary(value.getValue_asU8()));
  const fab = decode(pointer, 'Fabric MSP config', () =>
    msp.FabricMSPConfig.deserializeBinary(conf.getConfig_asU8()),
  );
  const certs = (list: Uint8Array[]) =>
    list.map((c) => decode(pointer, 'X.509 certificate', () => new X509Certificate(Buffer.from(c))));
  return {
    mspId: fab.getName(),
    roots: certs(fab.getRootCertsList_asU8()),
    intermediates: certs(fab.getIntermediateCertsList_asU8()),
  };
}

/** The channel config a config block carries: every organisation's MSP roots, the consensus and its consenters. */
export function readConfigBlock(bytes: Uint8Array, pointer = '/ledger/config.block'): ChannelConfig {
  const block = decode(pointer, 'Fabric block', () => common.Block.deserializeBinary(bytes));
  const data = block.getData()?.getDataList_asU8() ?? [];
  if (data.length !== 1) throw fail(pointer, 'a config block holds exactly one transaction');
  const env = decode(pointer, 'envelope', () => common.Envelope.deserializeBinary(data[0]!));
  const payload = decode(pointer, 'payload', () => common.Payload.deserializeBinary(env.getPayload_asU8()));
  const ch = decode(pointer, 'channel header', () =>
    common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array()),
  );
  if (ch.getType() !== common.HeaderType.CONFIG) throw fail(pointer, 'is not a config transaction');
  const configEnv = decode(pointer, 'config envelope', () =>
    common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()),
  );
  const root = configEnv.getConfig()?.getChannelGroup();
  if (!root) throw fail(pointer, 'has no channel group');
  const groups = root.getGroupsMap();
  const orgs = (name: string) => {
    const out = new Map<string, OrgMsp>();
    const g = groups.get(name);
    if (!g) return out;
    g.getGroupsMap().forEach((org: common.ConfigGroup, orgName: string) => {
      const m = mspOf(org, orgName, pointer);
      out.set(m.mspId, m);
    });
    return out;
  };
  const ordererGroup = groups.get('Orderer');
  const ctValue = ordererGroup?.getValuesMap().get('ConsensusType');
  const consensus = ctValue
    ? decode(pointer, 'consensus type', () =>
        orderer.ConsensusType.deserializeBinary(ctValue.getValue_asU8()).getType(),
      )
    : 'unknown';
  const consenters = new Map<number, { mspId: string; identity: string }>();
  const orderersValue = root.getValuesMap().get('Orderers') ?? ordererGroup?.getValuesMap().get('Orderers');
  if (orderersValue) {
    for (const c of decode(pointer, 'consenter list', () => readConsenters(orderersValue.getValue_asU8())))
      consenters.set(c.id, { mspId: c.mspId, identity: c.identity });
  }
  return {
    blockNumber: Number(block.getHeader()?.getNumber() ?? 0),
    application: orgs('Application'),
    orderer: orgs('Orderer'),
    consensus,
    consenters,
  };
}

/** Whether `cert` chains to one of the organisation's roots (through its intermediates). */
function chainsTo(cert: X509Certificate, org: OrgMsp): boolean {
  let current = cert;
  for (let depth = 0; depth < 5; depth++) {
    for (const root of org.roots)
      if (current.checkIssued(root) && current.verify(root.publicKey)) return true;
    const next = org.intermediates.find((i) => current.checkIssued(i) && current.verify(i.publicKey));
    if (!next) return false;
    current = next;
  }
  return false;
}

function identityOf(serialized: Uint8Array, pointer: string): { mspId: string; cert: X509Certificate } {
  const id = decode(pointer, 'serialized identity', () =>
    msp.SerializedIdentity.deserializeBinary(serialized),
  );
  const cert = decode(
    pointer,
    'X.509 certificate',
    () => new X509Certificate(Buffer.from(id.getIdBytes_asU8())),
  );
  return { mspId: id.getMspid(), cert };
}

function checkSigned(
  pointer: string,
  who: { mspId: string; cert: X509Certificate },
  orgs: Map<string, OrgMsp>,
  data: Buffer,
  signature: Uint8Array,
): void {
  const org = orgs.get(who.mspId);
  if (!org) throw fail(pointer, `${who.mspId} is not an organisation of this part of the channel config`);
  if (!chainsTo(who.cert, org)) throw fail(pointer, `the certificate is not issued by ${who.mspId}'s root`);
  if (!verifySignature('sha256', data, who.cert.publicKey, Buffer.from(signature)))
    throw fail(
      pointer,
      `the signature of ${who.mspId} (${who.cert.subject.replace(/\n/g, ', ')}) does not verify`,
    );
}

/**
 * Checks a block against a channel config and answers what it proves about transaction `txId`. Throws EVIDENCE_INVALID
 * naming the first part that fails.
 */
/**
 * A block's own integrity: its data hash, and the orderers' signatures over its header (metadata slot SIGNATURES)
 * by identities of the channel's orderer organisations, as many as the consensus needs.
 */
export function verifyOrderers(
  bytes: Uint8Array,
  config: ChannelConfig,
  pointer: string,
): {
  block: common.Block;
  header: common.BlockHeader;
  data: Uint8Array[];
  metadata: Uint8Array[];
  orderers: BlockProof['orderers'];
} {
  const block = decode(pointer, 'Fabric block', () => common.Block.deserializeBinary(bytes));
  const header = block.getHeader();
  if (!header) throw fail(pointer, 'has no header');
  const data = block.getData()?.getDataList_asU8() ?? [];
  const dataHash = createHash('sha256');
  for (const d of data) dataHash.update(d);
  if (!Buffer.from(header.getDataHash_asU8()).equals(dataHash.digest()))
    throw fail(`${pointer}/header/dataHash`, 'is not the SHA-256 of the block’s transactions');

  // The orderers' signatures over the header (metadata slot 0, SIGNATURES).
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const sigs = decode(pointer, 'signature metadata', () =>
    readSignatureMetadata(metadata[0] ?? new Uint8Array()),
  );
  const headerBytes = blockHeaderBytes(header);
  const orderers: BlockProof['orderers'] = [];
  sigs.signatures.forEach((s, i) => {
    const p = `${pointer}/metadata/signatures/${i}`;
    let who: { mspId: string; cert: X509Certificate };
    let signedHeader: Uint8Array;
    if (s.identifierHeader.length > 0) {
      const id = decode(p, 'identifier header', () => readIdentifier(s.identifierHeader));
      const c = config.consenters.get(id);
      if (!c) throw fail(p, `consenter ${id} is not in the channel config`);
      who = { mspId: c.mspId, cert: decode(p, 'X.509 certificate', () => new X509Certificate(c.identity)) };
      signedHeader = s.identifierHeader;
    } else {
      const sh = decode(p, 'signature header', () =>
        common.SignatureHeader.deserializeBinary(s.signatureHeader),
      );
      who = identityOf(sh.getCreator_asU8(), p);
      signedHeader = s.signatureHeader;
    }
    checkSigned(
      p,
      who,
      config.orderer,
      Buffer.concat([Buffer.from(sigs.value), Buffer.from(signedHeader), headerBytes]),
      s.signature,
    );
    orderers.push({ mspId: who.mspId, subject: who.cert.subject.replace(/\n/g, ', ') });
  });
  const n = config.consenters.size;
  const needed = config.consensus === 'BFT' && n > 0 ? Math.ceil((n + Math.floor((n - 1) / 3) + 1) / 2) : 1;
  if (orderers.length < needed)
    throw fail(
      `${pointer}/metadata/signatures`,
      `${orderers.length} orderer signature(s); ${config.consensus} needs ${needed}`,
    );
  return { block, header, data, metadata, orderers };
}

export function verifyBlock(
  bytes: Uint8Array,
  txId: string,
  config: ChannelConfig,
  pointer: string,
): BlockProof {
  const { header, data, metadata, orderers } = verifyOrderers(bytes, config, pointer);

  // The transaction, valid in this block.
  let index = -1;
  let payload: common.Payload | undefined;
  let env: common.Envelope | undefined;
  let ch: common.ChannelHeader | undefined;
  for (let i = 0; i < data.length && index < 0; i++) {
    const e = decode(pointer, 'envelope', () => common.Envelope.deserializeBinary(data[i]!));
    const pl = decode(pointer, 'payload', () => common.Payload.deserializeBinary(e.getPayload_asU8()));
    const c = decode(pointer, 'channel header', () =>
      common.ChannelHeader.deserializeBinary(pl.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array()),
    );
    if (c.getTxId() === txId) [index, payload, env, ch] = [i, pl, e, c];
  }
  if (index < 0 || !payload || !env || !ch) throw fail(pointer, `holds no transaction ${txId}`);
  const tp = `${pointer}/data/${index}`;
  const filter = metadata[2] ?? new Uint8Array();
  if (filter[index] !== peer.TxValidationCode.VALID)
    throw fail(
      `${pointer}/metadata/transactionsFilter/${index}`,
      `the transaction is not VALID (code ${filter[index]})`,
    );
  const sh = decode(tp, 'signature header', () =>
    common.SignatureHeader.deserializeBinary(
      payload!.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(),
    ),
  );
  const creator = identityOf(sh.getCreator_asU8(), `${tp}/creator`);
  checkSigned(
    `${tp}/signature`,
    creator,
    config.application,
    Buffer.from(env.getPayload_asU8()),
    env.getSignature_asU8(),
  );

  const tx = decode(tp, 'transaction', () => peer.Transaction.deserializeBinary(payload!.getData_asU8()));
  const action = tx.getActionsList()[0];
  if (!action) throw fail(tp, 'has no action');
  const cap = decode(tp, 'chaincode action payload', () =>
    peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()),
  );
  const endorsed = cap.getAction();
  if (!endorsed) throw fail(tp, 'has no endorsed action');
  const prp = Buffer.from(endorsed.getProposalResponsePayload_asU8());
  const endorsers: BlockProof['endorsers'] = [];
  endorsed.getEndorsementsList().forEach((e, i) => {
    const p = `${tp}/endorsements/${i}`;
    const who = identityOf(e.getEndorser_asU8(), p);
    checkSigned(
      p,
      who,
      config.application,
      Buffer.concat([prp, Buffer.from(e.getEndorser_asU8())]),
      e.getSignature_asU8(),
    );
    // NodeOUs: the policy names each organisation's peer role, which the certificate's OU carries.
    if (!/(^|\n)OU=peer(\n|$)/.test(who.cert.subject))
      throw fail(p, 'the endorser is not a peer of its organisation');
    endorsers.push({ mspId: who.mspId, subject: who.cert.subject.replace(/\n/g, ', ') });
  });
  const orgsEndorsing = new Set(endorsers.map((e) => e.mspId));
  if (orgsEndorsing.size < 2)
    throw fail(
      `${tp}/endorsements`,
      `endorsed by ${orgsEndorsing.size} organisation(s); the policy asks any two`,
    );

  const resp = decode(tp, 'proposal response payload', () =>
    peer.ProposalResponsePayload.deserializeBinary(prp),
  );
  const cca = decode(tp, 'chaincode action', () =>
    peer.ChaincodeAction.deserializeBinary(resp.getExtension_asU8()),
  );
  const rw = decode(tp, 'read-write set', () =>
    ledger.rwset.TxReadWriteSet.deserializeBinary(cca.getResults_asU8()),
  );
  const writes: ProvenWrite[] = [];
  for (const ns of rw.getNsRwsetList()) {
    const kv = decode(tp, 'key-value set', () =>
      ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()),
    );
    for (const w of kv.getWritesList())
      writes.push({
        namespace: ns.getNamespace(),
        key: w.getKey(),
        value: Buffer.from(w.getValue_asU8()).toString('utf8'),
      });
  }
  const events: string[] = [];
  const evBytes = cca.getEvents_asU8();
  if (evBytes.length)
    events.push(
      decode(tp, 'chaincode event', () => peer.ChaincodeEvent.deserializeBinary(evBytes)).getEventName(),
    );
  const ts = ch.getTimestamp();
  return {
    blockNumber: Number(header.getNumber()),
    txId,
    channel: ch.getChannelId(),
    timestamp: ts ? new Date(ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6)).toISOString() : '',
    creator: { mspId: creator.mspId, subject: creator.cert.subject.replace(/\n/g, ', ') },
    endorsers,
    orderers,
    writes,
    events,
  };
}
