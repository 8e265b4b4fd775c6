import type { Context } from './fabric.js';
import { K } from './model.js';

/**
 * Where ciphertexts live: the one seam that a move to private data with purge (152-ФЗ erasure) replaces,
 * while the envelope and its hash stay in public state.
 */
export interface PayloadStore {
  put(ctx: Context, messageId: string, ciphertext: Uint8Array): Promise<void>;
  get(ctx: Context, messageId: string): Promise<Uint8Array | undefined>;
}

export const statePayloadStore: PayloadStore = {
  async put(ctx, messageId, ciphertext) {
    await ctx.stub.putState(ctx.stub.createCompositeKey(K.payload, [messageId]), ciphertext);
  },
  async get(ctx, messageId) {
    const b = await ctx.stub.getState(ctx.stub.createCompositeKey(K.payload, [messageId]));
    return b && b.length ? b : undefined;
  },
};
