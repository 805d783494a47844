/** The agents: found on the LAN or paired, with their health; pair and unpair here. */
import { useState } from 'react';
import type { AgentView } from '../../../shared/bridge/agents.js';
import { useApp } from '../../app/contexts.js';
import { EmptyState } from '../../components/EmptyState.js';
import { PairForm } from './PairForm.js';

export function AgentsPage() {
  const agents = useApp((s) => s.agents);
  const loaded = useApp((s) => s.agentsLoaded);
  const peerId = useApp((s) => s.appInfo?.peerId);
  // "Pair" on an unpaired row fills the form with that agent's PeerId.
  const [pairTarget, setPairTarget] = useState('');
  return (
    <div className="page" data-testid="agents">
      <h1>Agents</h1>
      {peerId ? <p className="muted">This driver's PeerId: <code data-testid="driver-peer-id">{peerId}</code></p> : null}
      {loaded && agents.length === 0 ? (
        <EmptyState title="No agents yet" testId="no-agents">
          <p>Start an agent on a machine with <code>claudecluster-agent --pair</code> and pair it here with its code, or set local slots in Settings.</p>
        </EmptyState>
      ) : (
        <table className="table" aria-label="Agents">
          <thead>
            <tr><th>Name</th><th>Fingerprint</th><th>Paired</th><th>Slots</th><th>Claude Code</th><th>Health</th><th /></tr>
          </thead>
          <tbody>
            {agents.map((a) => <AgentRow key={a.peerId} agent={a} onPair={() => setPairTarget(a.peerId)} />)}
          </tbody>
        </table>
      )}
      <section className="card">
        <h2>Pair an agent</h2>
        <p className="muted">On the agent's machine run <code>claudecluster-agent pair</code> (or start it with <code>--pair</code>); it prints a one-time code and its fingerprint. Compare the fingerprint with the one listed here.</p>
        <PairForm key={pairTarget} initialAddr={pairTarget} />
      </section>
    </div>
  );
}

function AgentRow({ agent, onPair }: { agent: AgentView; onPair(): void }) {
  const unpair = useApp((s) => s.unpairAgent);
  return (
    <tr data-testid="agent-row" data-peer-id={agent.peerId} data-health={agent.health} data-paired={agent.paired ? 'true' : 'false'}>
      <td>
        {agent.name}
        {agent.local ? <span className="tag">this machine</span> : null}
        <div className="muted small" title={agent.addrs.join('\n')}>{agent.connected ? 'connected' : 'not connected'}</div>
      </td>
      <td><code title={agent.peerId}>{agent.fingerprint}</code></td>
      <td>{agent.paired ? 'paired' : 'unpaired'}</td>
      <td data-testid="agent-slots">{agent.slotsInUse}/{agent.slots}</td>
      <td>
        {agent.claudeVersion ?? 'not found'}
        <div className="muted small">{agent.loggedIn ? 'logged in' : 'not logged in'}</div>
      </td>
      <td>
        <span className={`health health-${agent.health}`}>{agent.health}</span>
        {agent.detail ? <div className="muted small">{agent.detail}</div> : null}
      </td>
      <td className="row-actions">
        {agent.paired && !agent.local ? (
          <button type="button" className="small-button danger" aria-label={`Unpair ${agent.name}`} onClick={() => void unpair(agent.peerId)}>Unpair</button>
        ) : null}
        {!agent.paired ? <button type="button" className="small-button" aria-label={`Pair ${agent.name}`} onClick={onPair}>Pair…</button> : null}
      </td>
    </tr>
  );
}
