/**
 * What the agent's owner runs on its machine besides starting it: `unpair PEERID` (through the
 * running agent's socket, so its connections close at once; straight in the file when no agent
 * runs), `drivers` (the allowlist) and `audit` (the audit log). The last two read the data dir
 * directly and work whether or not the agent runs.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { EXIT, UsageError } from '../shared/node/cli-args.js';
import { AgentPaths } from './paths.js';
import { Allowlist, readAllowlist } from './trust.js';
import { NoAgentError, requestUnpair, type Unpaired } from './local-control.js';
import { formatAuditEntry, readAudit } from './audit.js';

const out = (line: string): void => { process.stdout.write(line + '\n'); };

export async function unpairCommand(dataDir: string, peerId: string | undefined, json: boolean): Promise<number> {
  if (peerId === undefined) throw new UsageError('unpair needs the PeerId of a driver (see: claudecluster-agent drivers)');
  try {
    peerIdFromString(peerId);
  } catch {
    throw new UsageError(`"${peerId}" is not a PeerId`);
  }
  const paths = new AgentPaths(dataDir);
  let result: Unpaired;
  let running = true;
  try {
    result = await requestUnpair(paths.socket, peerId);
  } catch (err) {
    if (!(err instanceof NoAgentError)) throw err;
    // No agent runs: nothing is connected, and the file is the whole truth.
    running = false;
    result = { removed: await (await Allowlist.load(paths.allowlist)).remove(peerId), cancelled: 0 };
  }
  if (json) out(JSON.stringify({ type: 'unpaired', peerId, ...result, agentRunning: running }));
  else if (!result.removed) out(`Driver ${peerId} is not paired with this agent.`);
  else out(`Unpaired driver ${peerId}${running ? `: its connections are closed${result.cancelled ? ` and ${result.cancelled} task(s) cancelled` : ''}` : ''}.`);
  return result.removed ? EXIT.ok : EXIT.failed;
}

export async function driversCommand(dataDir: string, json: boolean): Promise<number> {
  const drivers = await readAllowlist(new AgentPaths(dataDir).allowlist);
  if (json) for (const d of drivers) out(JSON.stringify({ type: 'driver', ...d }));
  else if (drivers.length === 0) out('No paired drivers. Open a pairing window with: claudecluster-agent pair');
  else for (const d of drivers) out(`${d.name.padEnd(24)} paired ${d.pairedAt}  ${d.peerId}`);
  return EXIT.ok;
}

export async function auditCommand(dataDir: string, json: boolean): Promise<number> {
  const { entries, damaged } = await readAudit(new AgentPaths(dataDir).audit);
  for (const e of entries) out(json ? JSON.stringify(e) : formatAuditEntry(e));
  if (!json && entries.length === 0) out('The audit log is empty.');
  if (damaged > 0) process.stderr.write(`claudecluster-agent: ${damaged} line(s) of the audit log could not be read\n`);
  return EXIT.ok;
}
