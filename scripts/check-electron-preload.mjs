// The built preload (dist/main/shell/preload.cjs), run the way a sandboxed preload runs: one
// script, `require` of `electron` only, and no eval (the page's CSP). It must expose exactly
// { call, on } under BRIDGE_GLOBAL, refuse what is not in the contract before sending anything,
// and carry calls, replies and notifications over the one IPC channel.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const { URL, TextEncoder, TextDecoder, setTimeout, clearTimeout, queueMicrotask, structuredClone } = globalThis;

/** How long a reply or a refusal may take in this in-process round trip. */
const SETTLE_MS = 1000;

/** 'resolved', 'rejected' or 'pending' (still unsettled after SETTLE_MS: a hang never passes as a refusal). */
function settle(promise) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('pending'), SETTLE_MS); });
  return Promise.race([promise.then(() => 'resolved', () => 'rejected'), timeout]).finally(() => clearTimeout(timer));
}

export async function checkPreload(root) {
  const problems = [];
  const file = join(root, 'dist', 'main', 'shell', 'preload.cjs');
  const code = await readFile(file, 'utf8');
  const { BRIDGE_GLOBAL, BRIDGE_IPC_CHANNEL } = await import(pathToFileURL(join(root, 'dist', 'shared', 'bridge', 'constants.js')).href);
  const { BRIDGE_METHODS } = await import(pathToFileURL(join(root, 'dist', 'shared', 'bridge', 'contract.js')).href);

  const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
  const others = required.filter((id) => id !== 'electron');
  if (others.length > 0) problems.push(`the preload requires ${others.join(', ')}; a sandboxed preload can require only electron`);

  const sent = [];
  const listeners = [];
  const exposed = [];
  const warnings = [];
  const quiet = { ...console, warn: (...args) => warnings.push(args.join(' ')) };
  const electron = {
    contextBridge: { exposeInMainWorld: (key, api) => exposed.push([key, api]) },
    ipcRenderer: {
      send: (channel, message) => sent.push({ channel, message }),
      on: (channel, fn) => listeners.push({ channel, fn }),
    },
  };
  const context = vm.createContext({
    require: (id) => {
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    },
    console: quiet, URL, TextEncoder, TextDecoder, setTimeout, clearTimeout, queueMicrotask, structuredClone,
  }, { codeGeneration: { strings: false, wasm: false } });
  try {
    vm.runInContext(code, context, { filename: file });
  } catch (err) {
    return [...problems, `the preload fails to load without modules or eval: ${err.stack ?? err}`];
  }

  if (exposed.length !== 1 || exposed[0][0] !== BRIDGE_GLOBAL) return [...problems, `expected one exposeInMainWorld("${BRIDGE_GLOBAL}"), got ${JSON.stringify(exposed.map((e) => e[0]))}`];
  const api = exposed[0][1];
  const keys = Object.keys(api).sort().join(',');
  if (keys !== 'call,on') problems.push(`the exposed object has keys ${keys}; it must have exactly call, on`);
  if (!Object.isFrozen(api)) problems.push('the exposed object is not frozen');
  const channels = new Set(listeners.map((l) => l.channel));
  if (channels.size !== 1 || !channels.has(BRIDGE_IPC_CHANNEL)) problems.push(`the preload listens on ${[...channels].join(', ')}; it must listen on ${BRIDGE_IPC_CHANNEL} only`);
  const deliver = (message) => { for (const l of listeners) l.fn({ sender: null }, message); };

  for (const bad of ['constructor', '__proto__', 'toString', 'app.secret', '']) {
    const before = sent.length;
    const outcome = await settle(Promise.resolve().then(() => api.call(bad, {})));
    if (outcome !== 'rejected' || sent.length !== before) problems.push(`call(${JSON.stringify(bad)}) was not refused before sending (${outcome}, ${sent.length - before} sent)`);
  }
  for (const bad of ['constructor', 'term.data.x', 'hasOwnProperty']) {
    let threw = false;
    try { api.on(bad, () => undefined); } catch { threw = true; }
    if (!threw) problems.push(`on(${JSON.stringify(bad)}) was not refused`);
  }

  // A call goes out on the channel as JSON-RPC, and its reply (parsed with the contract) comes back.
  const method = BRIDGE_METHODS.includes('app.info') ? 'app.info' : BRIDGE_METHODS[0];
  const pending = api.call(method, {});
  const request = sent.at(-1);
  if (request?.channel !== BRIDGE_IPC_CHANNEL || request.message?.jsonrpc !== '2.0' || request.message?.method !== method) {
    problems.push(`call(${method}) sent ${JSON.stringify(request)}`);
  } else {
    const info = { version: '0.0.0', repo: null, peerId: 'peer', shell: 'electron' };
    deliver({ jsonrpc: '2.0', id: request.message.id, result: info });
    let result;
    const outcome = await settle(pending.then((r) => { result = r; }));
    if (outcome !== 'resolved' || JSON.stringify(result) !== JSON.stringify(info)) problems.push(`call(${method}) ${outcome} with ${JSON.stringify(result)}`);
  }
  const notices = [];
  const off = api.on('notice', (payload) => notices.push(payload));
  deliver({ jsonrpc: '2.0', method: 'notice', params: { level: 'info', message: 'hello' } });
  deliver({ jsonrpc: '2.0', method: 'notice', params: { level: 'bogus', message: 'dropped: fails the schema' } });
  off();
  deliver({ jsonrpc: '2.0', method: 'notice', params: { level: 'info', message: 'after off' } });
  if (JSON.stringify(notices) !== JSON.stringify([{ level: 'info', message: 'hello' }])) problems.push(`notifications delivered: ${JSON.stringify(notices)}`);
  if (!warnings.some((w) => w.includes('notice'))) problems.push('a notification that fails the contract was dropped without a word');
  return problems;
}
