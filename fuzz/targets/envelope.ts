// The sealed-envelope opener (openDocument): the first byte says how deep the input goes — a raw ciphertext, a
// sealed compressed payload, a sealed payload JSON, a correctly signed document text, or a GOST CMS signature —
// so that each layer past the sealed box is reached, not only its authentication.
import { deflateRawSync } from 'node:zlib';
import { CryptoError } from '../../gateway/src/crypto/errors.js';
import { openDocument } from '../../gateway/src/crypto/documents.js';
import { ed25519Sign } from '../../gateway/src/crypto/ed25519.js';
import { sha256Hex } from '../../gateway/src/crypto/envelope.js';
import { generateParticipantKeys } from '../../gateway/src/crypto/keys.js';
import { boxSeal } from '../../gateway/src/crypto/sealed-box.js';
import { sodium } from '../../gateway/src/crypto/sodium.js';
import { allowTyped, check, type FuzzTarget } from './target.js';

const libsodium = await sodium();
const keys = await generateParticipantKeys();
const SENDER = '1027739820921';
const seal = (payload: Uint8Array): Uint8Array => boxSeal(libsodium, payload, keys.boxPublicKey);
const sealJson = (inner: unknown): Uint8Array =>
  seal(deflateRawSync(Buffer.from(JSON.stringify(inner), 'utf8')));

const target: FuzzTarget = {
  name: 'envelope',
  maxLength: 16 * 1024,
  dictionary: [
    '{"v":1,',
    '"signer":{"participant":"1027739820921","keyVersion":1}',
    '"signature":"',
    '"document":"',
    '"profile":"gost2012-256"',
    '"header":',
    '"body":',
    'null',
    '1e999',
  ],
  async run(data) {
    if (data.length === 0) return;
    const body = data.subarray(1);
    const text = new TextDecoder().decode(body);
    let ciphertext: Uint8Array;
    let gost = false;
    switch (data[0]! % 5) {
      case 0:
        ciphertext = body;
        break;
      case 1:
        ciphertext = seal(body);
        break;
      case 2:
        ciphertext = seal(deflateRawSync(body));
        break;
      case 3:
        ciphertext = sealJson({
          v: 1,
          signer: { participant: SENDER, keyVersion: 1 },
          signature: Buffer.from(ed25519Sign(Buffer.from(text, 'utf8'), keys.signSecretKey)).toString(
            'base64',
          ),
          document: text,
        });
        break;
      default:
        gost = true;
        ciphertext = sealJson({
          v: 1,
          signer: { participant: SENDER, keyVersion: 1 },
          profile: 'gost2012-256',
          signature: Buffer.from(body).toString('base64'),
          document: '{"header":{},"body":{}}',
        });
    }
    try {
      const opened = await openDocument(
        {
          ciphertext,
          boxPublicKey: keys.boxPublicKey,
          boxSecretKey: keys.boxSecretKey,
          resolveSignKey: async () => keys.signPublicKey,
          resolveSignature: async () =>
            gost ? { profile: 'gost2012-256', fingerprints: [], trustedRoots: [] } : { profile: 'ed25519' },
          maxPlaintextBytes: 1024 * 1024,
        },
        { inline: true },
      );
      check(opened.digest === sha256Hex(opened.canonical), 'the digest is not of the signed text');
      check(!gost, 'a GOST signature opened without a trusted root');
    } catch (e) {
      allowTyped(e, CryptoError);
    }
  },
};
export default target;
