/**
 * libp2p 3.x calls Promise.withResolvers (Node >= 22). On Node 20 dials fail with
 * ECONNRESET without it. Import this module before anything that loads libp2p.
 */
interface WithResolvers {
  withResolvers?<T>(): { promise: Promise<T>; resolve: (v: T | PromiseLike<T>) => void; reject: (e?: unknown) => void };
}
const P = Promise as unknown as WithResolvers;
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e?: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
export {};
