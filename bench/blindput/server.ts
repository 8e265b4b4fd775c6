// CCaaS entry of the blind-put baseline chaincode (bench --fabric deploys it beside dmsnet's).
import 'reflect-metadata';
import { createChaincode, startServer } from '@dmsnet/chaincode/server';
import { BlindPutContract } from './contract.js';

startServer(process.env, createChaincode([BlindPutContract], 'blindput')).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
