/**
 * The agent the app runs on this machine (settings `localSlots`; 0 runs none): started with the
 * app, restarted when its slots change (once no run is open, so no task loses its agent), and
 * stopped with the app. It is a separate `claudecluster-agent` process, as `--local N` starts.
 */
import { startLocalAgent, type LocalAgent } from '../driver/local-agent.js';
import type { AgentDirectory } from './agents.js';

/** The local agent's name, as agents and tasks show it. */
export const LOCAL_AGENT_NAME = 'local';

export interface LocalAgentKeeperDeps {
  dataDir: string;
  driverPeerId: string;
  /** Extra `claudecluster-agent` arguments (e.g. `--claude-bin PATH`). */
  extraArgs: readonly string[];
  directory: AgentDirectory;
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  /** Whether a run is open now (then a change waits for it to end). */
  busy(): boolean;
}

export class LocalAgentKeeper {
  private agent: LocalAgent | undefined;
  private running = 0;
  private wanted = 0;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: LocalAgentKeeperDeps) {}

  /** Runs the local agent with `slots` slots (0: none), now or once no run is open. */
  want(slots: number): void {
    this.wanted = slots;
    if (slots === this.running) return;
    if (this.agent && this.deps.busy()) {
      this.deps.notice('info', `the local agent gets ${slots} slot(s) once no run is open`);
      return;
    }
    this.apply();
  }

  /** A run ended: a change that waited for it happens now. */
  runEnded(): void {
    if (this.wanted !== this.running && !this.deps.busy()) this.apply();
  }

  /** Resolves once the latest change has been made (or failed, with a notice). */
  settled(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
    await this.agent?.stop();
    this.agent = undefined;
  }

  private apply(): void {
    this.chain = this.chain.then(() => this.restart()).catch((err: Error) => {
      this.deps.notice('error', `the local agent did not start: ${err.message}`);
    });
  }

  private async restart(): Promise<void> {
    const slots = this.wanted;
    if (this.stopped || (slots === this.running && (this.agent !== undefined) === (slots > 0))) return;
    if (this.agent) {
      const old = this.agent;
      this.agent = undefined;
      this.running = 0;
      this.deps.directory.setLocal(undefined);
      await old.stop();
    }
    if (slots === 0) return;
    const agent = await startLocalAgent({
      dataDir: this.deps.dataDir, driverPeerId: this.deps.driverPeerId, slots, name: LOCAL_AGENT_NAME, extraArgs: [...this.deps.extraArgs],
    });
    if (this.stopped) {
      await agent.stop();
      return;
    }
    this.agent = agent;
    this.running = slots;
    agent.process.once('exit', (code, signal) => {
      if (this.agent !== agent) return;
      this.agent = undefined;
      this.running = 0;
      this.deps.directory.setLocal(undefined);
      this.deps.notice('error', `the local agent stopped (${signal ?? `exit code ${code}`}); set its slots again in the settings to restart it`);
    });
    this.deps.directory.setLocal(agent.peerId);
    await this.deps.directory.connect(agent.addr);
  }
}
