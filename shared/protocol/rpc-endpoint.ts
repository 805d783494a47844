/**
 * One generic JSON-RPC endpoint for any contract and any transport (libp2p stream,
 * WebSocket, IPC). Every incoming message is parsed with the contract's schemas;
 * nothing unvalidated reaches a handler, and a bad message gets an error reply, never a crash.
 */
import type { z } from 'zod';
import { RPC_ERROR, RpcError, RpcNotification, RpcRequest, RpcResponse, clipMessage, usableId, type RpcMessage } from './jsonrpc.js';
import { describeIssues } from './common.js';

/** A contract: requests the server answers, notifications the server sends. */
export interface RpcContract {
  requests: Record<string, { params: z.ZodType; result: z.ZodType }>;
  notifications: Record<string, z.ZodType>;
}

type Req<C extends RpcContract> = C['requests'];
type Notes<C extends RpcContract> = C['notifications'];
export type ParamsOf<C extends RpcContract, M extends keyof Req<C>> = z.infer<Req<C>[M]['params']>;
export type ResultOf<C extends RpcContract, M extends keyof Req<C>> = z.infer<Req<C>[M]['result']>;
export type NoteOf<C extends RpcContract, N extends keyof Notes<C>> = z.infer<Notes<C>[N]>;

/** `next`: the handler is far enough along for a transport that serves requests in order to take the next one (see `receive`). */
type Handler = (params: unknown, next: () => void) => Promise<unknown> | unknown;
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; schema: z.ZodType };

/** Sends one message; the transport frames and caps it. */
export type RpcSend = (message: RpcMessage) => void;

/** The side of a contract that answers requests and sends notifications. */
export class RpcServer<C extends RpcContract> {
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly contract: C, private readonly send: RpcSend) {}

  handle<M extends keyof Req<C> & string>(method: M, fn: (params: ParamsOf<C, M>, next: () => void) => Promise<ResultOf<C, M>> | ResultOf<C, M>): void {
    this.handlers.set(method, fn as Handler);
  }

  notify<N extends keyof Notes<C> & string>(method: N, params: NoteOf<C, N>): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /**
   * Handles one decoded frame; `raw` is whatever JSON.parse produced (or a parse failure).
   * Settles once the reply is sent, or before that when the handler calls its `next`.
   */
  receive(raw: unknown): Promise<void> {
    let next!: () => void;
    const taken = new Promise<void>((resolve) => (next = resolve));
    return Promise.race([taken, this.answer(raw, next)]);
  }

  private async answer(raw: unknown, next: () => void): Promise<void> {
    const parsed = RpcRequest.safeParse(raw);
    if (!parsed.success) {
      const id = usableId(raw);
      this.reply(id, undefined, new RpcError(RPC_ERROR.invalidRequest, `invalid request: ${describeIssues(parsed.error)}`));
      return;
    }
    const { id, method, params } = parsed.data;
    const spec = Object.hasOwn(this.contract.requests, method) ? this.contract.requests[method] : undefined;
    const handler = this.handlers.get(method);
    if (!spec || !handler) {
      this.reply(id, undefined, new RpcError(RPC_ERROR.methodNotFound, `unknown method "${method}"`));
      return;
    }
    const p = spec.params.safeParse(params ?? {});
    if (!p.success) {
      this.reply(id, undefined, new RpcError(RPC_ERROR.invalidParams, `${method}: ${describeIssues(p.error)}`));
      return;
    }
    try {
      this.reply(id, await handler(p.data, next));
    } catch (err) {
      this.reply(id, undefined, err instanceof RpcError ? err : new RpcError(RPC_ERROR.internal, errorMessage(err)));
    }
  }

  private reply(id: string | number | null, result: unknown, error?: RpcError): void {
    if (error) this.send({ jsonrpc: '2.0', id, error: { code: error.code, message: clipMessage(error.message), ...(error.data === undefined ? {} : { data: error.data }) } });
    else this.send({ jsonrpc: '2.0', id, result: result ?? null });
  }
}

/** The side of a contract that sends requests and receives notifications. */
export class RpcClient<C extends RpcContract> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private closedWith: Error | undefined;

  constructor(private readonly contract: C, private readonly send: RpcSend) {}

  request<M extends keyof Req<C> & string>(method: M, params: ParamsOf<C, M>): Promise<ResultOf<C, M>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const spec = Object.hasOwn(this.contract.requests, method) ? this.contract.requests[method] : undefined;
    if (!spec) return Promise.reject(new RpcError(RPC_ERROR.methodNotFound, `unknown method "${method}"`));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, schema: spec.result });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  on<N extends keyof Notes<C> & string>(method: N, fn: (params: NoteOf<C, N>) => void): () => void {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    set.add(fn as (params: unknown) => void);
    return () => set.delete(fn as (params: unknown) => void);
  }

  /** Handles one decoded frame. Returns an error description for frames it had to drop. */
  receive(raw: unknown): string | undefined {
    const note = RpcNotification.safeParse(raw);
    if (note.success) {
      const { method, params } = note.data;
      const schema = Object.hasOwn(this.contract.notifications, method) ? this.contract.notifications[method] : undefined;
      if (!schema) return `unknown notification "${method}"`;
      const p = schema.safeParse(params);
      if (!p.success) return `${method}: ${describeIssues(p.error)}`;
      for (const fn of this.listeners.get(method) ?? []) fn(p.data);
      return undefined;
    }
    const res = RpcResponse.safeParse(raw);
    if (!res.success) return `invalid message: ${describeIssues(res.error)}`;
    const id = res.data.id;
    const pending = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!pending || typeof id !== 'number') return `response to unknown request id ${String(id)}`;
    this.pending.delete(id);
    if ('error' in res.data) {
      const e = res.data.error;
      pending.reject(new RpcError(e.code, e.message, e.data));
      return undefined;
    }
    const r = pending.schema.safeParse(res.data.result);
    if (r.success) pending.resolve(r.data);
    else pending.reject(new RpcError(RPC_ERROR.invalidRequest, `malformed result: ${describeIssues(r.error)}`));
    return undefined;
  }

  /** Fails every pending request; later requests fail at once. */
  close(reason: Error): void {
    this.closedWith ??= reason;
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
