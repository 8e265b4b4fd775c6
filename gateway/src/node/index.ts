export { GatewayNode, type GatewayNodeOptions, type ReplyDecision } from './gateway-node.js';
export { DirectoryView } from './directory.js';
export * from './types.js';
