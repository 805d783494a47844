/**
 * `headless` mode: each turn is `claude -p … --output-format stream-json --verbose`, the first
 * with `--session-id`, follow-ups with `--resume`, so the conversation carries on. The raw JSON
 * goes to the raw log; the pane shows it rendered. Between turns the pane offers a prompt: a
 * line typed there becomes the next turn.
 */
import { randomUUID } from 'node:crypto';
import { PtyProcess } from './pty-process.js';
import { Session, allowedToolsArgs, optionArgs } from './session.js';
import { ResultScanner } from './result-scanner.js';
import { StreamJsonRenderer } from './stream-json-render.js';
import { failureReason } from './session-state.js';

const PROMPT = '\r\n\x1b[2m❯\x1b[0m ';
const ENTER = /[\r\n]/;
const BACKSPACE = /[\x7f\b]/;
const CTRL_C = '\x03';

export class HeadlessSession extends Session {
  private readonly sessionId = randomUUID();
  private line = '';

  start(): void {
    this.turn(this.spec.prompt);
  }

  private turn(prompt: string): void {
    const { options } = this.spec;
    const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--settings', this.settings(), ...optionArgs(options, true),
      this.turns === 0 ? '--session-id' : '--resume', this.sessionId];
    if (options.maxTurns) args.push('--max-turns', String(options.maxTurns));
    if (options.maxBudgetUsd) args.push('--max-budget-usd', String(options.maxBudgetUsd));
    args.push(...allowedToolsArgs(options));
    const renderer = new StreamJsonRenderer();
    const scanner = new ResultScanner();
    const proc = new PtyProcess({
      bin: this.spec.bin, args, cwd: this.spec.cwd, env: this.sessionEnv(), niceness: this.spec.niceness,
      onOutput: (chunk) => {
        this.spec.rawLog?.append(chunk);
        scanner.push(chunk);
        const shown = renderer.push(chunk);
        if (shown) this.spec.log.append(Buffer.from(shown, 'utf8'));
      },
    });
    this.proc = proc;
    void proc.exited.then(({ exitCode }) => {
      const tail = renderer.end();
      if (tail) this.spec.log.append(Buffer.from(tail, 'utf8'));
      this.turns++;
      const s = scanner.summary;
      const turnCost = s?.costUsd ?? 0;
      this.costUsd += turnCost;
      if (turnCost > 0) this.emit('event', { type: 'cost', costUsd: this.costUsd });
      const summary = {
        subtype: s?.subtype ?? 'no-result', isError: s?.isError ?? true, costUsd: this.costUsd, numTurns: this.turns,
        ...(s?.text ? { text: s.text } : {}), ...(s?.structuredOutput !== undefined ? { structuredOutput: s.structuredOutput } : {}),
      };
      if (exitCode === 0 && s && !s.isError) {
        this.setState('turn-done');
        this.emit('event', { type: 'turn', ok: true, summary });
        this.spec.log.append(Buffer.from(PROMPT, 'utf8'));
        return;
      }
      const error = s ? failureReason(s.subtype, s.text) : `Claude Code exited with code ${exitCode} before reporting a result`;
      this.setState('failed', error);
      this.emit('event', { type: 'turn', ok: false, error, summary });
      this.finish(exitCode);
    });
  }

  write(data: string): void {
    if (this.proc?.running) {
      if (data.includes(CTRL_C)) this.interrupt();
      return; // `-p` reads no input while a turn runs.
    }
    if (this.state !== 'turn-done') return;
    for (const ch of data) {
      if (ENTER.test(ch)) {
        const prompt = this.line.trim();
        this.line = '';
        this.spec.log.append(Buffer.from('\r\n', 'utf8'));
        if (prompt) {
          this.setState('working', 'follow-up');
          this.turn(prompt);
          return;
        }
        this.spec.log.append(Buffer.from(PROMPT, 'utf8'));
      } else if (BACKSPACE.test(ch)) {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          this.spec.log.append(Buffer.from('\b \b', 'utf8'));
        }
      } else if (ch >= ' ') {
        this.line += ch;
        this.spec.log.append(Buffer.from(ch, 'utf8'));
      }
    }
  }

  interrupt(): void {
    this.proc?.kill('SIGINT');
  }

  followUp(text: string): boolean {
    if (this.proc?.running || this.state !== 'turn-done') return false;
    this.line = '';
    this.setState('working', 'follow-up');
    this.turn(text);
    return true;
  }

  override close(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void {
    if (this.proc?.running) {
      this.proc.kill(signal);
      void this.proc.exited.then(({ exitCode }) => this.finish(exitCode));
    } else {
      this.finish(0);
    }
  }
}
