import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BRIDGE_EVENTS, BRIDGE_METHODS, type BridgeApi } from '../../shared/bridge/contract.js';
import { NOT_ALLOWED, createPreloadApi } from './preload-api.js';

function recorder(): { api: BridgeApi; calls: Array<[string, unknown]>; subs: string[] } {
  const calls: Array<[string, unknown]> = [];
  const subs: string[] = [];
  const api = {
    call: (method: string, params: unknown) => { calls.push([method, params]); return Promise.resolve({ method }); },
    on: (event: string) => { subs.push(event); return () => undefined; },
  } as unknown as BridgeApi;
  return { api, calls, subs };
}

test('exposes exactly call and on, frozen', () => {
  const exposed = createPreloadApi(recorder().api);
  assert.deepEqual(Object.keys(exposed).sort(), ['call', 'on']);
  assert.ok(Object.isFrozen(exposed));
});

test('every method and event of the contract passes through', async () => {
  const r = recorder();
  const exposed = createPreloadApi(r.api);
  for (const m of BRIDGE_METHODS) assert.deepEqual(await exposed.call(m, {} as never), { method: m });
  for (const e of BRIDGE_EVENTS) exposed.on(e, () => undefined);
  assert.deepEqual(r.calls.map(([m]) => m), BRIDGE_METHODS);
  assert.deepEqual(r.subs, BRIDGE_EVENTS);
});

test('anything else is refused before it reaches the client', async () => {
  const r = recorder();
  const exposed = createPreloadApi(r.api) as unknown as { call(m: unknown, p: unknown): Promise<unknown>; on(e: unknown, h: unknown): unknown };
  for (const bad of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'app.info ', 'APP.INFO', '', 42, null, undefined, { toString: () => 'app.info' }]) {
    await assert.rejects(exposed.call(bad, {}), (err: Error) => err.name === NOT_ALLOWED, String(bad));
  }
  for (const bad of ['constructor', '__proto__', 'notice ', 7]) {
    assert.throws(() => exposed.on(bad, () => undefined), (err: Error) => err.name === NOT_ALLOWED, String(bad));
  }
  assert.throws(() => exposed.on('notice', 'not a function'), (err: Error) => err.name === NOT_ALLOWED);
  assert.deepEqual(r.calls, []);
  assert.deepEqual(r.subs, []);
});
