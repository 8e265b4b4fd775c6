import type { Context } from './fabric.js';
import { KeyType } from './model.js';

/** The implicit private data collection of an organisation: stored only on that organisation's peers. */
export const implicitCollection = (mspId: string) => `_implicit_org_${mspId}`;

/**
 * Where ciphertexts live: in the addressee organisation's implicit private data collection, so only that
 * organisation's peers store them and blocks carry only their hash; purge removes them from private state and its
 * history on every peer (Fabric's purgePrivateData) while the public envelope, hash and trail stay.
 */
export interface PayloadStore {
  put(ctx: Context, collection: string, messageId: string, ciphertext: Uint8Array): Promise<void>;
  get(ctx: Context, collection: string, messageId: string): Promise<Uint8Array | undefined>;
  purge(ctx: Context, collection: string, messageId: string): Promise<void>;
}

const key = (ctx: Context, messageId: string) => ctx.stub.createCompositeKey(KeyType.payload, [messageId]);

export const privatePayloadStore: PayloadStore = {
  async put(ctx, collection, messageId, ciphertext) {
    await ctx.stub.putPrivateData(collection, key(ctx, messageId), ciphertext);
  },
  async get(ctx, collection, messageId) {
    const b = await ctx.stub.getPrivateData(collection, key(ctx, messageId));
    return b && b.length ? b : undefined;
  },
  async purge(ctx, collection, messageId) {
    await ctx.stub.purgePrivateData(collection, key(ctx, messageId));
  },
};
