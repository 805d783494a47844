/** `--json`: one NDJSON object per line, each with a `type`. */
import type { RunEnd, RunOutput, RunSummary, TaskReport } from '../driver/run-output.js';

export class JsonOutput implements RunOutput {
  constructor(private readonly write: (s: string) => void = (s) => process.stdout.write(s)) {}

  private emit(type: string, body: object): void {
    this.write(JSON.stringify({ type, time: new Date().toISOString(), ...body }) + '\n');
  }

  runStarted(info: object): void { this.emit('run-started', info); }
  agentJoined(info: object): void { this.emit('agent-joined', info); }
  agentLost(info: object): void { this.emit('agent-lost', info); }
  taskStatus(task: TaskReport, detail?: string): void { this.emit('task-status', { task, ...(detail ? { detail } : {}) }); }
  taskOutput(taskId: string, chunk: Uint8Array): void { this.emit('task-output', { taskId, data: Buffer.from(chunk).toString('utf8') }); }
  warning(message: string): void { this.emit('warning', { message }); }
  runFinished(summary: RunSummary, end: RunEnd = {}): void { this.emit('run-finished', { summary, ...end }); }
}
