// Chaincode-as-a-service entry point: the peer dials this server (CORE_CHAINCODE_ADDRESS) for package CORE_CHAINCODE_ID.
// Run one per organisation with CORE_PEER_LOCALMSPID set, since stub.getMspID() reads it from this environment.
import shimPkg from 'fabric-shim';
import { JSONSerializer } from './fabric.js';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import { contracts } from './index.js';

export function createChaincode(): unknown {
  const serializers = { serializers: { jsonSerializer: JSONSerializer }, transaction: 'jsonSerializer' };
  return new ChaincodeFromContract([...contracts], serializers, {}, 'dmsnet', '1.0.0');
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const ccid = env.CORE_CHAINCODE_ID;
  const address = env.CORE_CHAINCODE_ADDRESS;
  if (!ccid || !address)
    throw new Error('set CORE_CHAINCODE_ID (the package id) and CORE_CHAINCODE_ADDRESS (host:port)');
  const server = (
    shimPkg as unknown as { server: (c: never, o: never) => { start(): Promise<void> } }
  ).server(createChaincode() as never, { ccid, address } as never);
  await server.start();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
