// fabric-shim ships no typings for its contract dispatcher; this is the part we call.
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract.js' {
  export default class ChaincodeFromContract {
    constructor(
      contracts: unknown[],
      serializers: unknown,
      metadata: unknown,
      title: string,
      version: string,
    );
    invokeFunctionality(stub: unknown): Promise<{ status: number; message?: string; payload?: Uint8Array }>;
  }
}
