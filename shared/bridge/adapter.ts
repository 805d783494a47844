/**
 * The two generic halves every shell uses: a client that is a `BridgeApi`, and a server that
 * answers it from one handler per method. The transport (IPC or WebSocket) only moves messages.
 */
import { RpcClient, RpcServer, type RpcSend } from '../protocol/rpc-endpoint.js';
import type { RpcMessage } from '../protocol/jsonrpc.js';
import { BridgeContract, type BridgeApi, type BridgeEvent, type BridgeEventPayload, type BridgeMethod, type BridgeResult } from './contract.js';
import type { z } from 'zod';

/** Parsed params of a method, as its handler receives them. */
export type BridgeHandlerParams<M extends BridgeMethod> = z.output<BridgeContract['requests'][M]['params']>;
/** One handler per method: the compiler checks that none is missing. */
export type BridgeHandlers = { [M in BridgeMethod]: (params: BridgeHandlerParams<M>) => Promise<BridgeResult<M>> | BridgeResult<M> };

export interface BridgeClient {
  api: BridgeApi;
  /** Feeds one decoded message; returns why it was dropped, if it was. */
  receive(raw: unknown): string | undefined;
  close(reason: Error): void;
}

export function createBridgeClient(send: (message: RpcMessage) => void): BridgeClient {
  const rpc = new RpcClient(BridgeContract, send);
  return {
    api: {
      call: (method, params) => rpc.request(method, params as never),
      on: (event, handler) => rpc.on(event, handler as never),
    },
    receive: (raw) => rpc.receive(raw),
    close: (reason) => rpc.close(reason),
  };
}

export interface BridgeServer {
  /** Handles one decoded message from the client (anything: it is parsed here). */
  receive(raw: unknown): Promise<void>;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>): void;
}

export function createBridgeServer(handlers: BridgeHandlers, send: RpcSend): BridgeServer {
  const rpc = new RpcServer(BridgeContract, send);
  for (const method of Object.keys(BridgeContract.requests) as BridgeMethod[]) {
    rpc.handle(method, handlers[method] as never);
  }
  return {
    receive: (raw) => rpc.receive(raw),
    emit: (event, payload) => rpc.notify(event, payload as never),
  };
}
