// Chaincode-as-a-service entry point: the peer dials this server (CORE_CHAINCODE_ADDRESS) for package CORE_CHAINCODE_ID.
// Run one per organisation with CORE_PEER_LOCALMSPID set, since stub.getMspID() reads it from this environment.
import shimPkg from 'fabric-shim';
import { JSONSerializer } from './fabric.js';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import { contracts } from './index.js';

/**
 * The release's version comes from the server's environment (DMSNET_CHAINCODE_VERSION, the chaincode definition's
 * version it was installed for): org.hyperledger.fabric:GetMetadata reports it, so an operator asking a peer sees
 * which release endorses after an upgrade.
 */
export function createChaincode(
  list: readonly unknown[] = contracts,
  name = 'dmsnet',
  version = process.env.DMSNET_CHAINCODE_VERSION ?? '1.0',
): unknown {
  const serializers = { serializers: { jsonSerializer: JSONSerializer }, transaction: 'jsonSerializer' };
  return new ChaincodeFromContract([...list], serializers, {}, name, version);
}

/** The largest ciphertext plus headroom: grpc-js would otherwise stop a stream at 4 MiB. */
export const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  chaincode: unknown = createChaincode(),
): Promise<void> {
  const ccid = env.CORE_CHAINCODE_ID;
  const address = env.CORE_CHAINCODE_ADDRESS;
  if (!ccid || !address)
    throw new Error('set CORE_CHAINCODE_ID (the package id) and CORE_CHAINCODE_ADDRESS (host:port)');
  const server = (
    shimPkg as unknown as { server: (c: never, o: never) => { start(): Promise<void> } }
  ).server(
    chaincode as never,
    {
      ccid,
      address,
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    } as never,
  );
  await server.start();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
