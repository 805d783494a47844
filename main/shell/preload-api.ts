/**
 * The object the preload exposes to the page as `window[BRIDGE_GLOBAL]`: exactly `call` and `on`,
 * and each refuses any method or event not in the contract's allowlists before anything is sent.
 * Pure (no `electron` import) so plain Node tests cover it; `preload.ts` wires it to IPC.
 */
import { BRIDGE_EVENTS, BRIDGE_METHODS, type BridgeApi, type BridgeEvent, type BridgeMethod } from '../../shared/bridge/contract.js';

/** The `name` of the errors a refused call or subscription throws. */
export const NOT_ALLOWED = 'BridgeNotAllowed';

function notAllowed(what: string): Error {
  const err = new Error(`${NOT_ALLOWED}: ${what}`);
  err.name = NOT_ALLOWED;
  return err;
}

export function createPreloadApi(
  api: BridgeApi,
  methods: readonly string[] = BRIDGE_METHODS,
  events: readonly string[] = BRIDGE_EVENTS,
): BridgeApi {
  const allowedMethods = new Set(methods);
  const allowedEvents = new Set(events);
  const call = ((method: unknown, params: unknown) => {
    if (typeof method !== 'string' || !allowedMethods.has(method)) return Promise.reject(notAllowed(`unknown method ${JSON.stringify(method)}`));
    return api.call(method as BridgeMethod, params as never);
  }) as BridgeApi['call'];
  const on = ((event: unknown, handler: unknown) => {
    if (typeof event !== 'string' || !allowedEvents.has(event)) throw notAllowed(`unknown event ${JSON.stringify(event)}`);
    if (typeof handler !== 'function') throw notAllowed(`the handler of ${event} is not a function`);
    return api.on(event as BridgeEvent, handler as (payload: unknown) => void);
  }) as BridgeApi['on'];
  // Exactly these two keys: nothing else of the preload's world reaches the page.
  return Object.freeze({ call, on });
}
