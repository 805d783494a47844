#!/usr/bin/env node
/** `claudecluster-agent`: a headless worker that runs Claude Code tasks for paired drivers. */
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { dataDir as checkedDataDir } from '../shared/node/data-dir.js';
import { multiaddr } from '@multiformats/multiaddr';
import { DEFAULT_AGENT_PORT } from '../shared/constants.js';
import { EXIT, UsageError, defaultHome, parseFlags, positiveInt, wholeNumber } from '../shared/node/cli-args.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { helpText } from '../shared/node/help.js';
import { ABOUT, DEFAULT_IDLE_SECONDS, FLAGS, FLAGS_HELP, MAX_IDLE_SECONDS, MAX_SLOTS, USAGE, USAGE_LINES } from './cli-options.js';
import { DEFAULT_NICENESS, MAX_NICENESS } from '../shared/node/niceness.js';
import type { AgentConfig } from './agent.js';
import { printEvent } from './events.js';
import { DataDirInUseError, requestPairing } from './local-control.js';
import { peerIdFromString } from '@libp2p/peer-id';
import { AgentPaths } from './paths.js';

// Started by the desktop app, this is Electron's binary run as plain Node: nothing it starts
// (Claude Code, git, shells) may inherit that.
delete process.env['ELECTRON_RUN_AS_NODE'];

function sessionMode(value: string | undefined): 'tui' | 'headless' {
  if (value === undefined || value === 'tui' || value === 'headless') return value ?? 'tui';
  throw new UsageError(`--session-mode must be tui or headless, not "${value}"`);
}

class DataDirBusy extends Error {}

/** The words that make `claudecluster-agent WORD` a command on a running agent instead of starting one. */
const SUBCOMMANDS = ['pair', 'unpair', 'drivers', 'audit'] as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (values.help) {
    process.stdout.write(helpText(USAGE_LINES, ABOUT, FLAGS_HELP));
    return EXIT.ok;
  }
  const dataDir = checkedDataDir('--data-dir', values['data-dir'], join(defaultHome(), 'agent'));
  const json = values.json ?? false;
  if (positionals[0] === 'pair' && positionals.length === 1) {
    const opened = await requestPairing(new AgentPaths(dataDir).socket).catch((err: Error) => {
      throw new UsageError(`${err.message} (${dataDir}); start one with: claudecluster-agent --pair`);
    });
    printEvent({ type: 'pairing', ...opened }, json);
    return EXIT.ok;
  }
  const owner = (): Promise<typeof import('./owner-commands.js')> => import('./owner-commands.js');
  if (positionals[0] === 'unpair' && positionals.length <= 2) return (await owner()).unpairCommand(dataDir, positionals[1], json);
  if (positionals[0] === 'drivers' && positionals.length === 1) return (await owner()).driversCommand(dataDir, json);
  if (positionals[0] === 'audit' && positionals.length === 1) return (await owner()).auditCommand(dataDir, json);
  if (positionals.length > 0) {
    // A command given one word too many names that word; an unknown command may be a typo of one.
    const command = (SUBCOMMANDS as readonly string[]).includes(positionals[0]!);
    const word = command ? positionals.at(-1)! : positionals[0]!;
    throw new UsageError(`unexpected argument "${word}"${command ? '' : didYouMean(word, SUBCOMMANDS)}`);
  }

  const listen = values.listen ?? [`/ip4/0.0.0.0/tcp/${DEFAULT_AGENT_PORT}`];
  for (const a of listen) {
    try {
      multiaddr(a);
    } catch {
      throw new UsageError(`--listen "${a}" is not a multiaddr (e.g. /ip4/0.0.0.0/tcp/${DEFAULT_AGENT_PORT})`);
    }
  }
  const cfg: AgentConfig = {
    dataDir,
    listen,
    slots: positiveInt('--slots', values.slots, MAX_SLOTS) ?? availableParallelism(),
    name: values.name ?? hostname(),
    claudeBin: values['claude-bin'] ?? process.env['CLAUDECLUSTER_CLAUDE_BIN'] ?? 'claude',
    mdns: !values['no-mdns'],
    pairOnStart: values.pair ?? false,
    trust: values.trust ?? [],
    sessionMode: sessionMode(values['session-mode']),
    idleTimeoutMs: (positiveInt('--idle-timeout', values['idle-timeout'], MAX_IDLE_SECONDS) ?? DEFAULT_IDLE_SECONDS) * 1000,
    niceness: wholeNumber('--nice', values.nice, 0, MAX_NICENESS) ?? DEFAULT_NICENESS,
    allowBypass: values['allow-bypass'] ?? false,
  };
  for (const id of cfg.trust) {
    try {
      peerIdFromString(id);
    } catch {
      throw new UsageError(`--trust "${id}" is not a PeerId`);
    }
  }
  // Loaded here: the owner's commands and --help need neither libp2p nor the agent's code.
  const { Agent } = await import('./agent.js');
  const agent = await Agent.start(cfg, (e) => printEvent(e, json)).catch((err: NodeJS.ErrnoException) => {
    if (err instanceof DataDirInUseError) throw new DataDirBusy(`${err.message} (${dataDir})`);
    if (err.code === 'EADDRINUSE') throw new UsageError(`cannot listen on ${listen.join(', ')}: the port is in use (another agent?). Choose another with --listen.`);
    throw err;
  });
  await new Promise<void>((done) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // Started by a driver that owns it (`--local`): when that process is gone, however it ended,
    // the pipe it holds closes, and this agent stops rather than live on unowned.
    if (values['stop-with-stdin']) process.stdin.once('end', stop).once('error', stop).resume();
  });
  await agent.stop();
  printEvent({ type: 'stopped' }, json);
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof DataDirBusy) {
      process.stderr.write(`claudecluster-agent: ${err.message}\n`);
      process.exit(EXIT.dataDirInUse);
    }
    if (err instanceof UsageError) {
      process.stderr.write(`claudecluster-agent: ${err.message}\n${USAGE}\n`);
      process.exit(EXIT.usage);
    }
    process.stderr.write(`claudecluster-agent: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(EXIT.failed);
  },
);
