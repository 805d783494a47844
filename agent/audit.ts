/**
 * The agent's audit log: which driver (PeerId and the name it paired with) did what, and when —
 * pairing and unpairing, tasks started, cancelled and finished, connections and protocols refused.
 * Append-only JSON lines in the data dir (owner-only); `claudecluster-agent audit` prints it.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AgentEvent } from './events.js';
import { shortId } from '../shared/short-id.js';

export const AUDIT_ACTIONS = ['pair', 'pair-failed', 'unpair', 'refused', 'task.start', 'task.cancel', 'task.result'] as const;

export const AuditEntry = z.object({
  version: z.literal(1),
  time: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  peerId: z.string(),
  /** The name the driver paired with, when it is (or was) paired. */
  name: z.string().optional(),
  /** unpair: on the agent by its owner, or by the driver itself. */
  by: z.enum(['agent', 'driver']).optional(),
  /** refused: the protocol, or `connection` for a connection turned away. */
  protocol: z.string().optional(),
  /** pair-failed: why. */
  reason: z.string().optional(),
  runId: z.string().optional(),
  taskId: z.string().optional(),
  title: z.string().optional(),
  ok: z.boolean().optional(),
  commit: z.string().nullable().optional(),
  error: z.string().optional(),
  /** unpair: tasks of the driver that were cancelled with it. */
  cancelled: z.number().int().nonnegative().optional(),
}).strict();
export type AuditEntry = z.infer<typeof AuditEntry>;
export type AuditRecord = Omit<AuditEntry, 'version' | 'time'>;

/** The same refusal (peer and protocol) is written at most once in this long: a flood cannot fill the disk. */
export const AUDIT_REFUSED_QUIET_MS = 60_000;
/** Refusals remembered for that; beyond this the oldest are forgotten. */
const MAX_QUIET_KEYS = 10_000;
/** Longest error text kept in an entry. */
const MAX_ERROR_CHARS = 500;

export class AuditLog {
  private chain: Promise<void> = Promise.resolve();
  private readonly lastRefused = new Map<string, number>();

  /** `onError` hears of an entry that could not be written (the agent goes on). */
  constructor(private readonly path: string, private readonly onError: (err: Error) => void = () => undefined) {}

  /** Appends an entry; entries are written one at a time, in the order recorded. */
  record(entry: AuditRecord, now = Date.now()): void {
    if (entry.action === 'refused' && this.quiet(`${entry.peerId} ${entry.protocol ?? ''}`, now)) return;
    const full: AuditEntry = { version: 1, time: new Date(now).toISOString(), ...entry, ...(entry.error ? { error: entry.error.slice(0, MAX_ERROR_CHARS) } : {}) };
    const line = JSON.stringify(full) + '\n';
    this.chain = this.chain.then(() => appendFile(this.path, line, { mode: 0o600 })).catch((err: Error) => this.onError(err));
  }

  /** Resolves once everything recorded so far is written. */
  flush(): Promise<void> {
    return this.chain;
  }

  private quiet(key: string, now: number): boolean {
    const last = this.lastRefused.get(key);
    if (last !== undefined && now - last < AUDIT_REFUSED_QUIET_MS) return true;
    if (this.lastRefused.size >= MAX_QUIET_KEYS) this.lastRefused.delete(this.lastRefused.keys().next().value!);
    this.lastRefused.delete(key); // re-inserted last, so the map stays oldest-first
    this.lastRefused.set(key, now);
    return false;
  }
}

/** The audit entry an agent event makes, if any; `nameOf` gives a paired driver's name. */
export function auditOf(e: AgentEvent, nameOf: (peerId: string) => string | undefined): AuditRecord | undefined {
  switch (e.type) {
    case 'paired': return { action: 'pair', peerId: e.peerId, name: e.name };
    case 'pair-failed': return { action: 'pair-failed', peerId: e.peerId, reason: e.reason };
    case 'unpaired': return { action: 'unpair', peerId: e.peerId, name: e.name, by: e.by, cancelled: e.cancelled };
    case 'refused': return withName({ action: 'refused', peerId: e.peerId, protocol: e.protocol }, nameOf);
    default: return undefined;
  }
}

function withName(r: AuditRecord, nameOf: (peerId: string) => string | undefined): AuditRecord {
  const name = nameOf(r.peerId);
  return name === undefined ? r : { ...r, name };
}

/** Every readable entry of the log, oldest first; lines that do not parse are counted, not thrown. */
export async function readAudit(path: string): Promise<{ entries: AuditEntry[]; damaged: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], damaged: 0 };
    throw err;
  }
  const entries: AuditEntry[] = [];
  let damaged = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      damaged++; // e.g. the last line of an agent killed mid-write
      continue;
    }
    const parsed = AuditEntry.safeParse(raw);
    if (parsed.success) entries.push(parsed.data);
    else damaged++;
  }
  return { entries, damaged };
}

/** One entry as a line for people. */
export function formatAuditEntry(e: AuditEntry): string {
  const who = `${e.name ?? '?'} (${e.peerId})`;
  const task = e.runId && e.taskId ? `${e.runId}/${e.taskId}` : '';
  const what = ((): string => {
    switch (e.action) {
      case 'pair': return `paired ${who}`;
      case 'pair-failed': return `refused pairing from ${who}: ${e.reason ?? '?'}`;
      case 'unpair': return `unpaired ${who} ${e.by === 'driver' ? 'at its request' : 'by the owner'}${e.cancelled ? `, ${e.cancelled} task(s) cancelled` : ''}`;
      case 'refused': return `refused ${e.protocol ?? '?'} from ${who}`;
      case 'task.start': return `${who} started ${task}${e.title ? ` "${e.title}"` : ''}`;
      case 'task.cancel': return `${task} of ${who} cancelled`;
      case 'task.result': return `${task} of ${who} ${e.ok ? 'done' : 'failed'}${e.commit ? ` (commit ${shortId(e.commit)})` : ''}${e.error ? `: ${e.error}` : ''}`;
    }
  })();
  return `${e.time}  ${what}`;
}
