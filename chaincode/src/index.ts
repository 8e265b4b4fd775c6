import 'reflect-metadata';
import { DelegationContract } from './delegation-contract.js';
import { DirectoryContract } from './directory-contract.js';
import { ExchangeContract } from './exchange-contract.js';
import { FormatRegistryContract } from './format-registry-contract.js';
import { ReceiptContract } from './receipt-contract.js';

export { DelegationContract, DirectoryContract, ExchangeContract, FormatRegistryContract, ReceiptContract };
export { ChaincodeError, parseChaincodeError } from './errors.js';
export type * from './model.js';

/** What fabric-chaincode-node loads: one contract per concern. */
export const contracts = [
  DirectoryContract,
  ExchangeContract,
  FormatRegistryContract,
  ReceiptContract,
  DelegationContract,
];
