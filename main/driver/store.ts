/** The driver's data dir: its identity, the agents it has paired with (pinned PeerIds), runs. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../../shared/node/json-file.js';

const PinnedAgent = z.object({
  peerId: z.string(),
  name: z.string(),
  fingerprint: z.string(),
  addrs: z.array(z.string()),
  pairedAt: z.string(),
}).strict();
export type PinnedAgent = z.infer<typeof PinnedAgent>;

const AgentsFile = z.object({ version: z.literal(1), agents: z.array(PinnedAgent) }).strict();

export class DriverStore {
  constructor(readonly root: string) {}

  get key(): string { return join(this.root, 'identity.key'); }
  private get agentsFile(): string { return join(this.root, 'agents.json'); }
  /** One dir per run: its report, its record (see run-records.ts) and its temporary files. */
  get runsDir(): string { return join(this.root, 'runs'); }
  runDir(runId: string): string { return join(this.runsDir, runId); }
  /** The data dir of the local agent this driver starts for `--local N`. */
  get localAgentDir(): string { return join(this.root, 'local-agent'); }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  async pinned(): Promise<PinnedAgent[]> {
    return (await readJsonFile(this.agentsFile, AgentsFile, { version: 1, agents: [] })).agents;
  }

  async pin(agent: Omit<PinnedAgent, 'pairedAt'>): Promise<void> {
    const agents = (await this.pinned()).filter((a) => a.peerId !== agent.peerId);
    agents.push({ ...agent, pairedAt: new Date().toISOString() });
    await writeJsonFile(this.agentsFile, { version: 1, agents });
  }

  /** Forgets a paired agent; false when it was not pinned. */
  async unpin(peerId: string): Promise<boolean> {
    const before = await this.pinned();
    const agents = before.filter((a) => a.peerId !== peerId);
    if (agents.length === before.length) return false;
    await writeJsonFile(this.agentsFile, { version: 1, agents });
    return true;
  }
}
