/**
 * A task's Claude Code session, in either mode. State comes from Claude Code's hooks through
 * the agent's hook socket (authenticated by a per-session secret); a finished turn is reported
 * as a `turn` event, and the session stays open for follow-ups until it is closed.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { SessionOptions } from '../shared/goal/types.js';
import type { SessionSummary } from '../shared/protocol/control.js';
import type { TermLog } from './term-log.js';
import type { HookServer } from './hooks/server.js';
import { HOOK_ENV, type HookEvent } from './hooks/protocol.js';
import { sessionSettings } from './hooks/settings.js';
import { costOf, onHook, type SessionState } from './session-state.js';
import type { PtyProcess } from './pty-process.js';

/** The permission mode tasks run with unless the goal says otherwise. */
export const DEFAULT_PERMISSION_MODE = 'acceptEdits';

export type SessionEvent =
  | { type: 'state'; state: SessionState; detail?: string; hookSentAt?: number }
  | { type: 'cost'; costUsd: number }
  | { type: 'turn'; ok: boolean; summary: SessionSummary; error?: string }
  | { type: 'exit'; exitCode: number };

export interface SessionSpec {
  bin: string;
  prompt: string;
  cwd: string;
  options: SessionOptions;
  /** What the pane shows. */
  log: TermLog;
  /** Headless mode: the raw stream-json, kept beside the rendered log. */
  rawLog?: TermLog;
  env: NodeJS.ProcessEnv;
  /** Claude Code's niceness (see niceness.ts). */
  niceness: number;
  hooks: HookServer;
}

/** Flags for the goal's session options; `--json-schema` only in headless mode (`-p`), where it applies. */
export function optionArgs(options: SessionOptions, headless = false): string[] {
  const args = ['--permission-mode', options.permissionMode ?? DEFAULT_PERMISSION_MODE];
  if (options.model) args.push('--model', options.model);
  if (headless && options.jsonSchema) args.push('--json-schema', options.jsonSchema);
  return args;
}

/** `--allowedTools` swallows the words after it, so it goes last, closed by `--`. */
export function allowedToolsArgs(options: SessionOptions): string[] {
  return options.allowedTools?.length ? ['--allowedTools', ...options.allowedTools] : [];
}

export abstract class Session extends EventEmitter<{ event: [SessionEvent] }> {
  state: SessionState = 'starting';
  costUsd = 0;
  turns = 0;
  private readonly secret = randomBytes(24).toString('hex');
  private readonly unregister: () => void;
  protected proc: PtyProcess | undefined;
  private finished = false;

  constructor(protected readonly spec: SessionSpec) {
    super();
    this.unregister = spec.hooks.register(this.secret, (event, payload, sentAt) => this.onHookEvent(event, payload, sentAt));
  }

  abstract start(): void;
  /** Input typed into the pane. */
  abstract write(data: string): void;
  /** Ask Claude to stop what it is doing (the first step of a cancel). */
  abstract interrupt(): void;
  /** Starts a new turn with `text` if the session waits for one; false if it cannot take it now. */
  abstract followUp(text: string): boolean;

  resize(cols: number, rows: number): void {
    this.proc?.resize(cols, rows);
  }

  /** Ends the session; `exit` follows. */
  close(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void {
    if (this.proc?.running) this.proc.kill(signal);
    else this.finish(0);
  }

  /** Environment for Claude Code: the agent's own, plus where its hooks report. */
  protected sessionEnv(): NodeJS.ProcessEnv {
    return { ...this.spec.env, [HOOK_ENV.socket]: this.spec.hooks.path, [HOOK_ENV.secret]: this.secret };
  }

  protected settings(): string {
    return sessionSettings(this.spec.hooks.url);
  }

  protected onHookEvent(event: HookEvent, payload: unknown, sentAt: number): void {
    if (event === 'status') {
      const cost = costOf(payload);
      if (cost !== undefined && cost !== this.costUsd) {
        this.costUsd = cost;
        this.emit('event', { type: 'cost', costUsd: cost });
      }
      return;
    }
    const change = onHook(this.state, event, payload);
    if (change) this.setState(change.state, change.detail, sentAt);
  }

  protected setState(state: SessionState, detail?: string, hookSentAt?: number): void {
    if (state === this.state && state !== 'needs-input') return;
    this.state = state;
    this.emit('event', { type: 'state', state, ...(detail ? { detail } : {}), ...(hookSentAt ? { hookSentAt } : {}) });
  }

  protected finish(exitCode: number): void {
    if (this.finished) return;
    this.finished = true;
    this.unregister();
    if (this.state !== 'failed') this.setState('exited');
    this.emit('event', { type: 'exit', exitCode });
  }
}
