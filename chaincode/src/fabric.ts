// fabric-contract-api is CommonJS whose exports Node cannot name statically; the contracts import it through here.
// Context must stay a value import: Fabric recognises the ctx parameter by its emitted design type.
import './log-level.js';
import api from 'fabric-contract-api';

export const { Contract, Info, Returns, Transaction, JSONSerializer } = api;
export const Context = api.Context;
export type Context = InstanceType<typeof api.Context>;
