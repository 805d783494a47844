/**
 * How many sessions the agent runs at once: its configured slots, fewer when memory is short.
 * A Claude Code session is a Node process plus the tools it runs; starting one more than memory
 * holds makes every session on the machine slow, or gets one killed by the OOM killer.
 */
import { freemem } from 'node:os';
import { formatBytes } from '../shared/node/disk-space.js';

/** Available memory one more session needs: Claude Code's own process, the tools and git it runs. */
export const SESSION_MEMORY_BYTES = 512 * 1024 * 1024;

/**
 * Overrides the available-memory reading (bytes), so tests can make memory short without using
 * it up. Not for production use: the real reading follows what the machine actually has.
 */
export const AVAILABLE_MEMORY_ENV = 'CLAUDECLUSTER_TEST_AVAILABLE_MEMORY';

export interface SlotLimit {
  /** Sessions that may run at once now. */
  slots: number;
  /** Why it is below the configured slots; undefined when it is not. */
  reason?: string;
}

/**
 * Sessions that may run at once with `availableBytes` of memory: one per SESSION_MEMORY_BYTES,
 * never below one (so a queue always moves), never above `configured`. Deliberately conservative:
 * running sessions' memory is already taken out of the reading and they count again, because a
 * session only just started has not taken its share yet — counting only new ones would let a
 * burst of starts, each seeing the same reading, overcommit. Running sessions are never stopped;
 * a lower limit only holds back new ones.
 */
export function slotLimit(configured: number, availableBytes: number, perSession = SESSION_MEMORY_BYTES): SlotLimit {
  const slots = Math.min(configured, Math.max(1, Math.floor(Math.max(0, availableBytes) / perSession)));
  if (slots >= configured) return { slots };
  return { slots, reason: `memory is short (${formatBytes(availableBytes)} available, ${formatBytes(perSession)} per session): ${slots} of ${configured} slots in use` };
}

/**
 * Memory available for new processes, in bytes: MemAvailable on Linux (Node 20's `freemem`), not
 * MemFree, which leaves out the page cache the kernel gives back. The override is read each time.
 */
export function availableMemory(env: NodeJS.ProcessEnv = process.env): number {
  const override = env[AVAILABLE_MEMORY_ENV];
  if (override !== undefined && /^\d+$/.test(override)) return Number(override);
  return freemem();
}
