/** Agents: the list (kept fresh by `agents.changed`), pairing and unpairing. */
import type { AgentView } from '../../shared/bridge/agents.js';
import { messageOf, type SliceContext } from './context.js';

export interface AgentsSlice {
  agents: AgentView[];
  agentsLoaded: boolean;
  pairing: { busy: boolean; error?: string };
  loadAgents(): Promise<void>;
  agentsChanged(agents: AgentView[]): void;
  /** Resolves true once paired; a refused code shows in `pairing.error`. */
  pairAgent(addr: string, code: string): Promise<boolean>;
  unpairAgent(peerId: string): Promise<void>;
}

export function createAgentsSlice({ bridge, set, fail }: SliceContext): AgentsSlice {
  return {
    agents: [],
    agentsLoaded: false,
    pairing: { busy: false },
    loadAgents: async () => {
      try {
        const { agents } = await bridge.call('agents.list', {});
        set({ agents, agentsLoaded: true });
      } catch (err) {
        fail('Could not list the agents', err);
      }
    },
    agentsChanged: (agents) => set({ agents, agentsLoaded: true }),
    pairAgent: async (addr, code) => {
      set({ pairing: { busy: true } });
      try {
        const { agent } = await bridge.call('agents.pair', { addr: addr.trim(), code: code.trim() });
        // The agents.changed that follows brings the full list; until then show the new agent.
        set((s) => ({ agents: upsert(s.agents, agent), pairing: { busy: false } }));
        return true;
      } catch (err) {
        set({ pairing: { busy: false, error: messageOf(err) } });
        return false;
      }
    },
    unpairAgent: async (peerId) => {
      try {
        await bridge.call('agents.unpair', { peerId });
      } catch (err) {
        fail('Could not unpair the agent', err);
      }
    },
  };
}

function upsert(agents: AgentView[], agent: AgentView): AgentView[] {
  const i = agents.findIndex((a) => a.peerId === agent.peerId);
  return i < 0 ? [...agents, agent] : agents.map((a, j) => (j === i ? agent : a));
}
