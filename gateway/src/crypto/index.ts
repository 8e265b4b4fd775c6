export { CryptoError } from './errors.js';
export {
  generateParticipantKeys,
  generateRotationKeys,
  promoteRotation,
  storeKeyOf,
  publicKeysBase64,
  saveKeyFile,
  loadKeyFile,
  passphraseFromEnv,
  defaultKdfLimits,
  type ParticipantKeys,
  type GostKeyMaterial,
  type KdfLimits,
  type PreviousBoxKey,
} from './keys.js';
export {
  sealDocument,
  openDocument,
  WORKER_THRESHOLD_BYTES,
  type SealInput,
  type OpenInput,
  type OpenedDocument,
  type ExpectedSignature,
} from './documents.js';
export { Ed25519Signer, GostKeyFileSigner, type Signer, type SignatureProfileName } from './signer.js';
export { sha256Hex, DEFAULT_MAX_PLAINTEXT_BYTES } from './envelope.js';
export { closeCryptoWorkers } from './pool.js';
export { sodium } from './sodium.js';
