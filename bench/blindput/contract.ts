// The Fabric bench's baseline: a one-function chaincode that writes the transient value under the given key without
// reading anything, and emits one event, so our contracts' cost shows beside Fabric's own floor.
import { Context, Contract, Transaction } from '@dmsnet/chaincode/fabric';

export class BlindPutContract extends Contract {
  constructor() {
    super('blindput');
  }

  @Transaction()
  async put(ctx: Context, key: string): Promise<void> {
    const value = ctx.stub.getTransient().get('value');
    if (!value?.length) throw new Error('PAYLOAD_MISSING: the transient field "value" is missing');
    await ctx.stub.putState(key, value);
    ctx.stub.setEvent('Put', Buffer.from(key));
  }
}
