/**
 * The commands of `claudecluster`: each one's usage and `--help`, and its module, loaded only
 * when it runs, so `--version`, `--help` and the light commands do not pay for libp2p and the driver.
 */
import type { FlagHelp } from '../../shared/node/help.js';

export interface Command {
  usage: string;
  /** What it does, for `--help`. */
  about: string;
  /** Every flag its parser takes, with what it does (commands.test.ts keeps the two in step). */
  flags: readonly FlagHelp[];
  load: () => Promise<(argv: string[]) => Promise<number>>;
}

const DATA_DIR: FlagHelp = ['--data-dir DIR', 'the driver\'s data: identity, paired agents, runs (default ~/.claudecluster/driver)'];
const JSON_OUT: FlagHelp = ['--json', 'print NDJSON, one object a line, for scripts'];
const NO_MDNS: FlagHelp = ['--no-mdns', 'do not look for agents on the LAN (mDNS)'];
const REPO: FlagHelp = ['--repo DIR', 'the git repository (default: the one the current directory is in)'];

export const COMMANDS: Record<string, Command> = {
  run: {
    usage: 'claudecluster run (GOAL | --resume RUN) [--repo DIR] [--agent MULTIADDR]... [--local N] [--yes] [--json] [--data-dir DIR] [--no-mdns] [--pr] [--plan-only FILE] [--no-reuse] [--agent-timeout SECONDS]',
    about: 'Runs a goal file over agents: has its tasks planned if it lists none, runs each task in Claude Code\n' +
      'on a free slot, and merges the results into the branch claudecluster/<run>. Your checkout is not touched.',
    flags: [
      REPO,
      ['--agent MULTIADDR', 'a paired agent to use, besides those found on the LAN (repeatable)'],
      ['--local N', 'start an agent on this machine with N slots, for this run'],
      ['--yes, -y', 'run a planned goal without asking first'],
      ['--plan-only FILE', 'plan the goal, write it with its tasks to FILE, and stop'],
      ['--resume RUN', 'take up a run whose driver stopped (see: claudecluster runs)'],
      ['--pr', 'when every task merged, push the branch and open a pull request with gh'],
      ['--no-reuse', 'run every task, even one identical to a task done before'],
      ['--agent-timeout SECONDS', 'how long a lost agent may take to come back before its tasks move (default 15)'],
      JSON_OUT, DATA_DIR, NO_MDNS,
    ],
    load: async () => (await import('./run-command.js')).runCommand,
  },
  check: {
    usage: 'claudecluster check GOAL [--repo DIR] [--json]',
    about: 'Reads a goal file as run does, in the repository, and shows the task graph it would run: the tasks,\n' +
      'what each waits for, the critical path. Nothing starts. Exit 2 with every problem by line.',
    flags: [REPO, ['--json', 'print the graph as one JSON object']],
    load: async () => (await import('./check-command.js')).checkCommand,
  },
  pair: {
    usage: 'claudecluster pair CODE --agent MULTIADDR|PEERID [--data-dir DIR] [--no-mdns] [--json]',
    about: 'Pairs with an agent whose owner opened a pairing window (claudecluster-agent pair shows the CODE).',
    flags: [['--agent MULTIADDR|PEERID', 'the agent: its address, or its PeerId when it is found on the LAN'], DATA_DIR, NO_MDNS, JSON_OUT],
    load: async () => (await import('./pair-command.js')).pairCommand,
  },
  unpair: {
    usage: 'claudecluster unpair PEERID [--data-dir DIR] [--json]',
    about: 'Forgets a paired agent here, and tells it to forget this driver.',
    flags: [DATA_DIR, JSON_OUT],
    load: async () => (await import('./unpair-command.js')).unpairCommand,
  },
  agents: {
    usage: 'claudecluster agents [--json] [--data-dir DIR] [--no-mdns]',
    about: 'Lists the paired agents (online or not, slots busy) and the unpaired ones found on the LAN.',
    flags: [JSON_OUT, DATA_DIR, NO_MDNS],
    load: async () => (await import('./agents-command.js')).agentsCommand,
  },
  runs: {
    usage: 'claudecluster runs [RUN] [--json] [--data-dir DIR]',
    about: 'Lists past runs, newest first: when, status, tasks, cost, branch and goal. Given a RUN id, prints that run\'s report.',
    flags: [JSON_OUT, DATA_DIR],
    load: async () => (await import('./runs-command.js')).runsCommand,
  },
  clean: {
    usage: 'claudecluster clean [--older-than DURATION] [--run ID] [--branches] [--yes] [--data-dir DIR]',
    about: 'Removes past runs (all of them unless narrowed): their records and what they left in their\n' +
      'repositories. Result branches stay unless --branches. A run still going is left alone.',
    flags: [
      ['--older-than DURATION', 'only runs older than this: 90s, 30m, 12h, 7d, 2w'],
      ['--run ID', 'only this run'],
      ['--branches', 'delete their claudecluster/<run> branches too (never one checked out)'],
      ['--yes, -y', 'do not ask before deleting branches'],
      DATA_DIR,
    ],
    load: async () => (await import('./clean-command.js')).cleanCommand,
  },
  ui: {
    usage: 'claudecluster ui [--port P] [--repo DIR] [--data-dir DIR] [--local N] [--no-mdns] [--no-open] [--json]',
    about: 'Serves the dashboard to your browser on 127.0.0.1: drop a goal, watch every terminal, review the result.',
    flags: [
      ['--port P', 'the port (default: any free one)'],
      REPO,
      DATA_DIR,
      ['--local N', 'slots of the agent started on this machine (default: the settings\', 2; 0 for none)'],
      NO_MDNS,
      ['--no-open', 'print the address, do not open a browser'],
      ['--json', 'print NDJSON (the address, notices, finished runs)'],
    ],
    load: async () => (await import('./ui-command.js')).uiCommand,
  },
};
