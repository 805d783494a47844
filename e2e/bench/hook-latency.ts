/**
 * (d) How fast a session's state reaches the driver: from the moment the hook relay runs (its
 * `sentAt`) to the driver receiving the state change, over many turns; plus what starting the
 * relay process itself costs. Tools that scrape the screen poll every 500 ms and debounce 1.5 s.
 */
import { spawnSync } from 'node:child_process';
import { RELAY } from '../../agent/hooks/settings.js';
import type { AgentLink } from './agent-link.js';
import { now, sample, type Sample } from './stats.js';

export interface HookLatencyResult {
  /** ms from the relay starting to the state change arriving at the driver. */
  toDriver: number[];
  /** ms to start the relay process (node) and have it exit. */
  relayStart: Sample;
}

const RELAY_RUNS = 10;

export async function measureHookLatency(link: AgentLink, tasks: number): Promise<HookLatencyResult> {
  const toDriver: number[] = [];
  const off = link.client.rpc.on('task.state', (e) => {
    if (e.hookSentAt) toDriver.push(Date.now() - e.hookSentAt);
  });
  try {
    for (let i = 0; i < tasks; i++) {
      const spec = link.spec(`!say turn ${i}`);
      const result = link.awaitResult(spec);
      await link.start(spec);
      await result;
    }
  } finally {
    off();
  }
  const starts: number[] = [];
  for (let i = 0; i < RELAY_RUNS; i++) {
    const t = now();
    // No socket in the environment: the relay reads stdin and exits, as fast as it can.
    spawnSync(process.execPath, [RELAY, 'Stop'], { input: '{}', env: { PATH: process.env['PATH'] } });
    starts.push(now() - t);
  }
  return { toDriver, relayStart: sample(starts) };
}
