/** What an agent reports on stdout: lines for people, or NDJSON with --json. */
import type { ClaudePreflight, TaskStateName } from '../shared/protocol/control.js';

export type AgentEvent =
  | { type: 'listening'; peerId: string; fingerprint: string; name: string; addrs: string[]; slots: number; mdns: boolean; claude: ClaudePreflight; hookUrl: string }
  | { type: 'pairing'; code: string; expiresAt: string; fingerprint: string }
  | { type: 'paired'; peerId: string; name: string }
  | { type: 'pair-failed'; peerId: string; attemptsLeft: number; reason: 'closed' | 'wrong-code' | 'rate-limited' }
  /** A driver was taken off the allowlist: by the agent's owner, or by the driver itself. */
  | { type: 'unpaired'; peerId: string; name: string; by: 'agent' | 'driver'; cancelled: number }
  | { type: 'refused'; peerId: string; protocol: string }
  | { type: 'task'; runId: string; taskId: string; state: TaskStateName; detail?: string }
  | { type: 'warning'; message: string }
  | { type: 'stopped' };

export function printEvent(event: AgentEvent, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify({ ...event, time: new Date().toISOString() }) + '\n');
    return;
  }
  process.stdout.write(describe(event) + '\n');
}

function describe(e: AgentEvent): string {
  switch (e.type) {
    case 'listening':
      return [
        `claudecluster-agent "${e.name}" ready with ${e.slots} slot(s)${e.mdns ? ', announced on the LAN by mDNS' : ''}`,
        `  peer id:     ${e.peerId}`,
        `  fingerprint: ${e.fingerprint}`,
        ...e.addrs.map((a) => `  listening:   ${a}`),
        `  claude code: ${e.claude.version ?? 'not found'}${e.claude.loggedIn ? ` (logged in${e.claude.authMethod ? ` with ${e.claude.authMethod}` : ''})` : ''}`,
        ...(e.claude.problem ? [`  warning:     ${e.claude.problem}`] : []),
      ].join('\n');
    case 'pairing':
      return `Pairing open until ${e.expiresAt}. On the driver run:\n  claudecluster pair ${e.code} --agent <this agent's address or peer id>\nand check the fingerprint it shows is ${e.fingerprint}.`;
    case 'paired':
      return `Paired with driver ${e.name} (${e.peerId}).`;
    case 'pair-failed':
      if (e.reason === 'rate-limited') return `Pairing attempt from ${e.peerId} refused: too many attempts.`;
      if (e.reason === 'closed') return `Pairing attempt from ${e.peerId} refused: pairing is not open.`;
      return `A wrong pairing code was tried by ${e.peerId}; ${e.attemptsLeft} attempt(s) left${e.attemptsLeft === 0 ? ' — pairing closed' : ''}.`;
    case 'unpaired':
      return `Unpaired driver ${e.name} (${e.peerId}) ${e.by === 'agent' ? 'on this agent' : 'at its own request'}; its connections are closed${e.cancelled ? `, ${e.cancelled} task(s) cancelled` : ''}.`;
    case 'refused':
      return `Refused ${e.protocol} from unpaired peer ${e.peerId}.`;
    case 'task':
      return `task ${e.runId}/${e.taskId}: ${e.state}${e.detail ? ` (${e.detail})` : ''}`;
    case 'warning':
      return `warning: ${e.message}`;
    case 'stopped':
      return 'claudecluster-agent stopped.';
  }
}
