/** `tui` mode: Claude Code's own interactive TUI in the pane; what the user types goes to it. */
import { PtyProcess } from './pty-process.js';
import { Session, allowedToolsArgs, optionArgs } from './session.js';
import type { HookEvent } from './hooks/protocol.js';
import { failureReason } from './session-state.js';

/**
 * If Claude Code has not taken the prompt by then, a screen is waiting for a person (a dialog
 * the agent could not answer ahead): say so, rather than hang silently.
 */
export const DIALOG_WAIT_MS = 20_000;
/**
 * Claude Code refreshes the status line (our running cost in this mode) shortly after a turn's
 * last message, sometimes after Stop: when it runs our status line at all (it does from start-up),
 * wait up to this long for that refresh before reporting the turn.
 */
export const STATUS_SETTLE_MS = 1_500;
/** What ESC does in the TUI: interrupt the current turn. */
const INTERRUPT = '\x1b';
/** Bracketed paste: a multi-line follow-up arrives as one prompt, submitted by the Enter after it. */
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

export class TuiSession extends Session {
  private watchdog: NodeJS.Timeout | undefined;
  private settle: (() => void) | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private statusSeen = false;

  start(): void {
    const args = ['--settings', this.settings(), ...optionArgs(this.spec.options), ...allowedToolsArgs(this.spec.options), '--', this.spec.prompt];
    this.proc = new PtyProcess({
      bin: this.spec.bin, args, cwd: this.spec.cwd, env: this.sessionEnv(), niceness: this.spec.niceness,
      onOutput: (chunk) => this.spec.log.append(chunk),
    });
    this.watchdog = setTimeout(() => {
      if (this.state === 'starting') this.setState('needs-input', `Claude Code has not started the task after ${DIALOG_WAIT_MS / 1000}s: a screen is waiting for you (look at the terminal)`);
    }, DIALOG_WAIT_MS);
    void this.proc.exited.then(({ exitCode }) => {
      clearTimeout(this.watchdog);
      this.finish(exitCode);
    });
  }

  protected override onHookEvent(event: HookEvent, payload: unknown, sentAt: number): void {
    if (event === 'UserPromptSubmit') clearTimeout(this.watchdog);
    super.onHookEvent(event, payload, sentAt);
    if (event === 'status') {
      this.statusSeen = true;
      this.settle?.();
    } else if (event === 'Stop') {
      this.turns++;
      const turns = this.turns;
      const report = (): void => {
        clearTimeout(this.settleTimer);
        this.settle = undefined;
        this.emit('event', { type: 'turn', ok: true, summary: { subtype: 'success', isError: false, costUsd: this.costUsd, numTurns: turns } });
      };
      if (!this.statusSeen) return report();
      this.settleTimer = setTimeout(report, STATUS_SETTLE_MS);
      this.settle = report;
    } else if (event === 'StopFailure') {
      const p = payload as { error?: string; error_message?: string } | null;
      const error = failureReason(p?.error, p?.error_message);
      this.emit('event', { type: 'turn', ok: false, error, summary: { subtype: p?.error ?? 'error', isError: true, costUsd: this.costUsd, numTurns: this.turns } });
    }
  }

  write(data: string): void {
    // Input while Claude waits for the user answers it: it is working again.
    if (this.state === 'needs-input') this.setState('working', 'input from the driver');
    this.proc?.write(data);
  }

  interrupt(): void {
    this.proc?.write(INTERRUPT);
  }

  followUp(text: string): boolean {
    if (!this.proc?.running || this.state !== 'turn-done') return false;
    this.setState('working', 'follow-up');
    this.proc.write(`${PASTE_START}${text}${PASTE_END}\r`);
    return true;
  }
}
