export { GatewayNode, type GatewayNodeOptions } from './gateway-node.js';
export { DirectoryView } from './directory.js';
export * from './types.js';
