// Fabric's BFT-era block fields read by google-protobuf's own BinaryReader. The generated classes of
// @hyperledger/fabric-protos register themselves on one global `proto` namespace, and fabric-shim brings an older
// copy (0.2) without identifier_header or the consenter list: whichever loads last serves every process-wide lookup,
// so these few messages are read field by field here, the same in every process.
import { createRequire } from 'node:module';

interface BinaryReader {
  nextField(): boolean;
  isEndGroup(): boolean;
  getFieldNumber(): number;
  readBytes(): Uint8Array;
  readUint32(): number;
  readString(): string;
  skipField(): void;
}

const jspb = createRequire(import.meta.url)('google-protobuf') as {
  BinaryReader: new (bytes: Uint8Array) => BinaryReader;
};

function each(bytes: Uint8Array, on: (field: number, r: BinaryReader) => boolean): void {
  const r = new jspb.BinaryReader(bytes);
  while (r.nextField()) {
    if (r.isEndGroup()) break;
    if (!on(r.getFieldNumber(), r)) r.skipField();
  }
}

export interface MetadataSignatureFields {
  signatureHeader: Uint8Array;
  signature: Uint8Array;
  identifierHeader: Uint8Array;
}

/** common.Metadata {value = 1; repeated MetadataSignature signatures = 2 {signature_header 1, signature 2, identifier_header 3}}. */
export function readSignatureMetadata(bytes: Uint8Array): {
  value: Uint8Array;
  signatures: MetadataSignatureFields[];
} {
  let value: Uint8Array = new Uint8Array();
  const signatures: MetadataSignatureFields[] = [];
  each(bytes, (f, r) => {
    if (f === 1) value = r.readBytes();
    else if (f === 2) {
      const s: MetadataSignatureFields = {
        signatureHeader: new Uint8Array(),
        signature: new Uint8Array(),
        identifierHeader: new Uint8Array(),
      };
      each(r.readBytes(), (g, q) => {
        if (g === 1) s.signatureHeader = q.readBytes();
        else if (g === 2) s.signature = q.readBytes();
        else if (g === 3) s.identifierHeader = q.readBytes();
        else return false;
        return true;
      });
      signatures.push(s);
    } else return false;
    return true;
  });
  return { value, signatures };
}

/** common.IdentifierHeader {uint32 identifier = 1; bytes nonce = 2}. */
export function readIdentifier(bytes: Uint8Array): number {
  let id = -1;
  each(bytes, (f, r) => (f === 1 ? ((id = r.readUint32()), true) : false));
  return id;
}

/** common.Orderers {repeated Consenter consenter_mapping = 1 {uint32 id 1, host 2, port 3, msp_id 4, identity 5}}. */
export function readConsenters(bytes: Uint8Array): Array<{ id: number; mspId: string; identity: string }> {
  const out: Array<{ id: number; mspId: string; identity: string }> = [];
  each(bytes, (f, r) => {
    if (f !== 1) return false;
    const c = { id: -1, mspId: '', identity: '' };
    each(r.readBytes(), (g, q) => {
      if (g === 1) c.id = q.readUint32();
      else if (g === 4) c.mspId = q.readString();
      else if (g === 5) c.identity = Buffer.from(q.readBytes()).toString('utf8');
      else return false;
      return true;
    });
    out.push(c);
    return true;
  });
  return out;
}
