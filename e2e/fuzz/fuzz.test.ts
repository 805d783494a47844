/**
 * Fuzz: thousands of random and mutated frames on every protocol of a running agent (pair from an
 * unpaired peer; control, term and blob from a paired one; refusals to the unpaired one), on its
 * hook HTTP door, and on `claudecluster ui`'s bridge. Nothing may crash or hang; every answer is
 * a well-formed error or a valid reply; afterwards a real run still completes through the CLI and
 * an unpaired peer is still refused. `FUZZ_SEED` replays a run, `FUZZ_FRAMES` sets its size.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROTOCOL } from '../../shared/constants.js';
import { controlContract } from '../../shared/protocol/control.js';
import { Scope, makeRepo } from '../harness.js';
import { startUi, bridgeSocketUrl } from '../ui/ui-process.js';
import { FrameGenerator } from './frames.js';
import { Rng, envInt, fuzzSeed } from './prng.js';
import { BRIDGE_METHODS, CONTROL_METHODS, blobHeaders, bridgeSamples, controlSamples, pairRequests, termHeaders, termInputs } from './samples.js';
import { Tally, report } from './tally.js';
import { burst, fuzzStreams, type Target } from './stream-fuzz.js';
import { fuzzRpc, rpcShort } from './control-fuzz.js';
import { blobProtocol, pairProtocol, refusedProtocol, termProtocol } from './protocols.js';
import { fuzzHooks } from './http-fuzz.js';
import { breakBridge, fuzzBridge } from './bridge-fuzz.js';
import { fuzzBed, type FuzzBed } from './setup.js';
import type { Json } from './values.js';
import { stillServing } from './still-serving.js';

const seed = fuzzSeed();
const FRAMES = envInt('FUZZ_FRAMES', 2000);
console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed}), ${FRAMES} frames per protocol`);

const scope = new Scope();
let bed: FuzzBed | undefined;
after(async () => {
  await bed?.close();
  await scope.cleanup();
});

test('every protocol of an agent and of claudecluster ui survives fuzzed frames and keeps serving', { timeout: Math.max(600_000, FRAMES * 200) }, async () => {
  const rng = new Rng(seed);
  const tmp = await scope.tmp('cc-fuzz-');
  bed = await fuzzBed(scope, tmp);
  const b = bed;
  const ui = await startUi(scope, { dataDir: join(tmp, 'ui-driver'), repo: await makeRepo(join(tmp, 'ui-repo'), { 'a.txt': 'a\n' }), local: 0 });
  let agentStderr = '';
  b.agent.proc.stderr!.on('data', (d: string) => { agentStderr += d; });
  const origin = `http://127.0.0.1:${ui.port}`;
  const at = (host: Target['host'], protocol: string): Target => ({ host, peer: b.agentPeer, protocol });
  const t = {
    pair: new Tally('pair'), control: new Tally('control'), term: new Tally('term'), blob: new Tally('blob'),
    unpaired: new Tally('unpaired'), hooks: new Tally('hook-http'), bridge: new Tally('ui-ws'),
  };
  const gen = (label: string, samples: Json[], rpcMethods?: readonly string[]): FrameGenerator =>
    new FrameGenerator(rng.fork(label), rpcMethods ? { samples, rpcMethods } : { samples });
  const reopen = async (): Promise<void> => { await b.openPairing(); };
  const started = Date.now();

  const pair = pairProtocol(reopen);
  const term = termProtocol(termInputs(), { min: 5, max: 40 });
  const blob = blobProtocol();
  const gens = {
    pair: gen('pair', pairRequests()),
    control: gen('control', controlSamples(rng.fork('control-samples')), CONTROL_METHODS),
    term: gen('term', termHeaders(rng.fork('term-samples'), b.task)),
    blob: gen('blob', blobHeaders(rng.fork('blob-samples'), b.blob)),
    bridge: gen('bridge', bridgeSamples(), BRIDGE_METHODS),
  };
  await Promise.all([
    fuzzStreams(at(b.stranger, PROTOCOL.pair), pair, gens.pair, t.pair, { frames: FRAMES, concurrency: 1 }),
    fuzzRpc(at(b.paired, PROTOCOL.control), controlContract, gens.control, t.control, FRAMES),
    fuzzStreams(at(b.paired, PROTOCOL.term), term, gens.term, t.term, { frames: FRAMES, concurrency: 4 }),
    fuzzStreams(at(b.paired, PROTOCOL.blob), blob, gens.blob, t.blob, { frames: FRAMES, concurrency: 4 }),
    (async () => {
      // The unpaired peer on the paired-only protocols: refused, whatever it sends.
      const pairedOnly = [PROTOCOL.control, PROTOCOL.term, PROTOCOL.blob];
      for (const [i, p] of pairedOnly.entries()) {
        // The tally counts all three: each protocol gets another twentieth of FRAMES.
        await fuzzStreams(at(b.stranger, p), refusedProtocol(), gen(`unpaired-${p}`, pairRequests()), t.unpaired, { frames: Math.ceil(FRAMES / 20) * (i + 1), concurrency: 1 });
      }
    })(),
    fuzzHooks(rng.fork('hooks'), Number(new URL(b.hookUrl).port), t.hooks, Math.ceil(FRAMES / 4)),
    (async () => {
      await fuzzBridge(bridgeSocketUrl(ui, ui.token), origin, gens.bridge, t.bridge, FRAMES);
      await breakBridge(bridgeSocketUrl(ui, ui.token), origin, t.bridge);
    })(),
  ]);
  // Many streams at once, past the per-connection limits.
  await Promise.all([
    burst(at(b.paired, PROTOCOL.term), term, gens.term, t.term, 300),
    burst(at(b.paired, PROTOCOL.blob), blob, gens.blob, t.blob, 40),
    burst(at(b.paired, PROTOCOL.control), rpcShort, gens.control, t.control, 12),
    burst(at(b.stranger, PROTOCOL.pair), pair, gens.pair, t.pair, 12),
  ]);
  const fuzzMs = Date.now() - started;

  const crashes = [b.agent.proc, ui.proc].filter((p) => p.exitCode !== null || p.signalCode !== null).length;
  const serving = crashes === 0 ? await stillServing(scope, b, ui, tmp) : ['a process crashed'];
  console.log(report(seed, Object.values(t), crashes, serving.length === 0));
  console.log(`fuzzing took ${fuzzMs} ms`);
  for (const tally of Object.values(t)) {
    if (tally.problems.length > 0) console.log(`${tally.name} problems:\n  ${tally.problems.join('\n  ')}\n${tally.name} frame kinds: ${tally.kindsLine()}`);
  }
  if (serving.length > 0) console.log(`not serving:\n  ${serving.join('\n  ')}`);
  console.log(`agent stderr: ${JSON.stringify(agentStderr.slice(0, 2000))}\nui stderr: ${JSON.stringify(ui.stderr().slice(0, 2000))}`);

  assert.equal(crashes, 0, 'the agent and claudecluster ui are still running');
  for (const text of [agentStderr, ui.stderr()]) assert.doesNotMatch(text, /Error|Unhandled|Uncaught/, 'nothing thrown that only got logged');
  for (const tally of Object.values(t)) assert.deepEqual(tally.problems, [], `${tally.name}: every frame answered well or dropped, none hung (FUZZ_SEED=${seed})`);
  for (const tally of [t.pair, t.control, t.term, t.blob, t.bridge]) assert.ok(tally.frames >= FRAMES, `${tally.name}: ${tally.frames} frames`);
  for (const tally of [t.pair, t.control, t.term, t.blob, t.unpaired, t.bridge]) assert.ok(tally.errors > 0, `${tally.name}: errors were answered`);
  assert.deepEqual(serving, [], 'still serving afterwards');
});
