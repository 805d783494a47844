/** `claudecluster-agent`'s flags: what its parser takes, its usage, and its `--help`. */
import { DEFAULT_AGENT_PORT } from '../shared/constants.js';
import { DEFAULT_NICENESS, MAX_NICENESS } from '../shared/node/niceness.js';
import type { FlagHelp } from '../shared/node/help.js';

export const MAX_SLOTS = 64;
/** Sessions that delivered their result close after this long without activity. */
export const DEFAULT_IDLE_SECONDS = 30 * 60;
export const MAX_IDLE_SECONDS = 7 * 24 * 3600;

export const USAGE_LINES = `claudecluster-agent [--data-dir DIR] [--listen MULTIADDR]... [--slots N] [--name NAME]
                      [--claude-bin PATH] [--no-mdns] [--pair] [--trust PEERID]... [--json]
                      [--session-mode tui|headless] [--idle-timeout SECONDS] [--allow-bypass]
                      [--nice N] [--stop-with-stdin]
  claudecluster-agent pair [--data-dir DIR] [--json]   open a pairing window on the running agent
  claudecluster-agent unpair PEERID [--data-dir DIR] [--json]
                                       revoke a driver now: its connections close, its tasks are cancelled
  claudecluster-agent drivers [--data-dir DIR] [--json]   the paired drivers
  claudecluster-agent audit [--data-dir DIR] [--json]     the audit log: who did what, when`;
export const USAGE = `Usage:\n  ${USAGE_LINES}`;
export const ABOUT = 'Runs Claude Code tasks for the drivers its owner paired (claudecluster-agent pair), each in a git\n' +
  'worktree of its own; it serves no one else. The commands after the first line act on the running agent.';
export const FLAGS_HELP: readonly FlagHelp[] = [
  ['--data-dir DIR', 'its data: identity, paired drivers, repository caches, task logs (default ~/.claudecluster/agent)'],
  ['--listen MULTIADDR', `where to listen (repeatable; default /ip4/0.0.0.0/tcp/${DEFAULT_AGENT_PORT})`],
  ['--slots N', 'tasks it runs at once (default: the CPU count)'],
  ['--name NAME', 'the name drivers show (default: the host name)'],
  ['--claude-bin PATH', 'the Claude Code binary (default $CLAUDECLUSTER_CLAUDE_BIN, else claude)'],
  ['--no-mdns', 'do not announce it on the LAN'],
  ['--pair', 'open a pairing window as it starts, and print its code'],
  ['--trust PEERID', 'serve this driver without pairing (repeatable)'],
  ['--session-mode tui|headless', 'how sessions run for goals that do not choose (default tui)'],
  ['--idle-timeout SECONDS', `close a session idle this long after its result (default ${DEFAULT_IDLE_SECONDS})`],
  ['--allow-bypass', 'let goals use the bypassPermissions permission mode'],
  ['--nice N', `niceness of what it runs for drivers, 0 to ${MAX_NICENESS} (default ${DEFAULT_NICENESS})`],
  ['--stop-with-stdin', 'stop when its standard input closes (how a --local agent ends with its driver)'],
  ['--json', 'print NDJSON events, one object a line'],
  ['--help, -h', 'this text'],
];

export const FLAGS = {
  'data-dir': { type: 'string' },
  listen: { type: 'string', multiple: true },
  slots: { type: 'string' },
  name: { type: 'string' },
  'claude-bin': { type: 'string' },
  'no-mdns': { type: 'boolean' },
  pair: { type: 'boolean' },
  trust: { type: 'string', multiple: true },
  'session-mode': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'allow-bypass': { type: 'boolean' },
  nice: { type: 'string' },
  'stop-with-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
