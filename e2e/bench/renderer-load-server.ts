/**
 * The driver side of the renderer bench (f): the real `claudecluster ui` server (token, CSP, the
 * bridge over WebSocket, the built renderer) in front of a stand-in app service that answers the
 * BridgeApi for one running run of N tasks. Each task's terminal is the app's own
 * `TaskTermOutput` (UTF-8 decoding, 5 ms batches) feeding the app's own `ClientTerms` (per-client
 * ack flow control), exactly as `claudecluster ui` feeds a page; only the bytes are synthetic.
 * Typed input is echoed into the same feed, as a terminal's line discipline would, and the time
 * the page acknowledges having written the echo into xterm is recorded.
 */
import { createBridgeServer, type BridgeHandlers } from '../../shared/bridge/adapter.js';
import type { AgentView, RunListItem, RunView, TaskView } from '../../shared/bridge/index.js';
import { DEFAULT_SETTINGS } from '../../shared/bridge/settings.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';
import { VERSION } from '../../shared/version.js';
import type { AppService } from '../../main/app/service.js';
import { ClientTerms } from '../../main/app/client-terms.js';
import { TaskTermOutput } from '../../main/app/term-feed.js';
import { defaultRendererDir, startUiServer, type UiServer } from '../../main/ui/server.js';
import { now } from './stats.js';

export const LOAD_RUN_ID = 'renderer-bench';
const AGENT_NAME = 'bench-source';
/** A stand-in PeerId: the page only shows it. */
const PEER_ID = '12D3KooWRendererBenchSourceNotARealPeer';

/** One task's feed, as the bench counts it. */
export interface FeedStats {
  /** Characters put into the task's terminal (output and echoes). */
  generated: number;
  /** Characters sent to the page as `term.data`. */
  sent: number;
  /** Characters the page acknowledged having written into its xterm. */
  acked: number;
  /** Times the page attached to this task's terminal. */
  attaches: number;
}

/** One echoed keystroke: where its echo ends in the feed and when the page had written it. */
export interface Echo {
  taskId: string;
  end: number;
  receivedAt: number;
  /** When the batch ending at or past it left for the page. */
  sentAt?: number;
  writtenAt?: number;
}

export class LoadSource {
  readonly outputs = new Map<string, TaskTermOutput>();
  readonly stats = new Map<string, FeedStats>();
  readonly echoes: Echo[] = [];
  /** Tasks whose output the app asks to hold (a page is too far behind), as the driver stops reading an agent's stream. */
  readonly held = new Set<string>();
  private readonly startedAt = new Date().toISOString();

  constructor(readonly taskIds: readonly string[]) {
    for (const id of taskIds) {
      this.outputs.set(id, new TaskTermOutput());
      this.stats.set(id, { generated: 0, sent: 0, acked: 0, attaches: 0 });
    }
  }

  /** Bytes from the (synthetic) session of `taskId`, as an agent's term stream delivers them. */
  write(taskId: string, text: string): void {
    const hold = this.outputs.get(taskId)!.write(Buffer.from(text, 'utf8'));
    this.stats.get(taskId)!.generated += text.length;
    if (hold) {
      this.held.add(taskId);
      void hold.then(() => this.held.delete(taskId));
    }
  }

  /** Sends what is waiting in every task's batch now. */
  flushAll(): void {
    for (const out of this.outputs.values()) out.flush();
  }

  dispose(): void {
    for (const out of this.outputs.values()) out.dispose();
  }

  runView(): RunView {
    const tasks: TaskView[] = this.taskIds.map((id) => ({ id, title: `Synthetic output ${id}`, status: 'running', agent: AGENT_NAME, after: [], attempts: 1 }));
    return { runId: LOAD_RUN_ID, goalName: 'renderer-bench.md', goalTitle: 'Renderer under load', branch: `claudecluster/${LOAD_RUN_ID}`, base: 'main', status: 'running', startedAt: this.startedAt, elapsedMs: 0, costUsd: 0, tasks };
  }

  private listItem(): RunListItem {
    return { runId: LOAD_RUN_ID, goalTitle: 'Renderer under load', repo: '/bench', branch: `claudecluster/${LOAD_RUN_ID}`, status: 'running', startedAt: this.startedAt, tasks: { total: this.taskIds.length, merged: 0, failed: 0, blocked: 0 }, costUsd: 0 };
  }

  private agent(): AgentView {
    const n = this.taskIds.length;
    return { peerId: PEER_ID, name: AGENT_NAME, fingerprint: 'bench', addrs: [], paired: true, connected: true, local: true, slots: n, slotsInUse: n, claudeVersion: null, loggedIn: true, health: 'ready' };
  }

  private echo(taskId: string, data: string): void {
    const out = this.outputs.get(taskId)!;
    this.echoes.push({ taskId, end: out.total + data.length, receivedAt: now() });
    out.writeText(data);
    this.stats.get(taskId)!.generated += data.length;
  }

  private sent(taskId: string, end: number): void {
    const s = this.stats.get(taskId)!;
    s.sent = Math.max(s.sent, end);
    const at = now();
    for (const e of this.echoes) if (e.taskId === taskId && e.sentAt === undefined && e.end <= end) e.sentAt = at;
  }

  private acked(taskId: string, chars: number): void {
    const s = this.stats.get(taskId)!;
    s.acked += chars;
    const at = now();
    for (const e of this.echoes) if (e.taskId === taskId && e.writtenAt === undefined && e.end <= s.acked) e.writtenAt = at;
  }

  /** The app service the ui server talks to: one handler set per connected page. */
  service(): AppService {
    const refuse = (what: string): never => { throw new RpcError(RPC_ERROR.failed, `the renderer bench does not ${what}`, { name: 'BenchOnly' }); };
    const known = (runId: string, taskId: string): string => {
      if (runId !== LOAD_RUN_ID || !this.outputs.has(taskId)) throw new RpcError(RPC_ERROR.notFound, `no task ${taskId} in run ${runId}`, { name: 'NotFound' });
      return taskId;
    };
    return {
      peerId: PEER_ID,
      stop: async () => undefined,
      openClient: (send) => {
        const terms = new ClientTerms((runId, taskId, offset, data) => {
          this.sent(taskId, offset + data.length);
          server.emit('term.data', { runId, taskId, offset, data });
        });
        const handlers: BridgeHandlers = {
          'app.info': () => ({ version: VERSION, repo: '/bench', peerId: PEER_ID, shell: 'browser' }),
          'agents.list': () => ({ agents: [this.agent()] }),
          'agents.pair': () => refuse('pair agents'),
          'agents.unpair': () => refuse('pair agents'),
          'goal.check': ({ name }) => ({ ok: false, name, problems: [{ line: 0, message: 'the renderer bench runs no goals' }] }),
          'goal.plan': ({ name }) => ({ ok: false, name, problems: [{ line: 0, message: 'the renderer bench runs no goals' }] }),
          'run.start': () => ({ ok: false, problems: [{ line: 0, message: 'the renderer bench runs no goals' }] }),
          'run.cancel': () => refuse('cancel'),
          'run.pullRequest': () => refuse('open a pull request'),
          'run.get': ({ runId }) => (runId === LOAD_RUN_ID ? this.runView() : refuse(`know run ${runId}`)),
          'runs.list': () => ({ runs: [this.listItem()] }),
          'task.cancel': () => refuse('cancel'),
          'task.retry': () => refuse('retry'),
          'task.input': ({ runId, taskId, data }) => { this.echo(known(runId, taskId), data); return {}; },
          'task.resize': ({ runId, taskId }) => { known(runId, taskId); return {}; },
          'term.attach': ({ runId, taskId }) => {
            this.stats.get(known(runId, taskId))!.attaches++;
            return terms.attach(runId, taskId, this.outputs.get(taskId)!);
          },
          'term.ack': ({ runId, taskId, chars }) => {
            if (terms.ack(runId, taskId, chars)) this.acked(taskId, chars);
            return {};
          },
          'term.detach': ({ runId, taskId }) => { terms.detach(runId, taskId); return {}; },
          'task.detail': ({ runId, taskId }) => ({ runId, task: this.runView().tasks.find((t) => t.id === known(runId, taskId))!, prompt: '', files: [] }),
          'task.log': () => ({ text: '', truncated: false }),
          'settings.get': () => DEFAULT_SETTINGS,
          'settings.set': () => DEFAULT_SETTINGS,
        };
        const server = createBridgeServer(handlers, send);
        return { receive: (raw) => server.receive(raw), close: () => terms.close() };
      },
    };
  }
}

/** The ui server with the built renderer, on 127.0.0.1 and a free port. */
export function serveLoad(source: LoadSource): Promise<UiServer> {
  return startUiServer({ service: source.service(), port: 0, rendererDir: defaultRendererDir() });
}
