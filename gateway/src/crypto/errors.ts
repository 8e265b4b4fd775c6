// The GOST package throws the same class, so it is declared there, below both.
export { CryptoError } from '@dmsnet/gost/errors';
