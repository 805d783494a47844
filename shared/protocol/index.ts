export * from './common.js';
export * from './jsonrpc.js';
export * from './rpc-endpoint.js';
export * from './control.js';
export * from './term.js';
export * from './blob.js';
export * from './pair.js';
