/**
 * The commands of `claudecluster`, each with its usage line and its module, loaded only when it
 * runs: `--version`, `--help` and the light commands do not pay for libp2p and the driver.
 */

export interface Command {
  usage: string;
  load: () => Promise<(argv: string[]) => Promise<number>>;
}

export const COMMANDS: Record<string, Command> = {
  run: {
    usage: 'claudecluster run (GOAL | --resume RUN) [--repo DIR] [--agent MULTIADDR]... [--local N] [--yes] [--json] [--data-dir DIR] [--no-mdns] [--pr] [--plan-only FILE] [--no-reuse] [--agent-timeout SECONDS]',
    load: async () => (await import('./run-command.js')).runCommand,
  },
  check: {
    usage: 'claudecluster check GOAL [--repo DIR] [--json]',
    load: async () => (await import('./check-command.js')).checkCommand,
  },
  pair: {
    usage: 'claudecluster pair CODE --agent MULTIADDR|PEERID [--data-dir DIR] [--no-mdns] [--json]',
    load: async () => (await import('./pair-command.js')).pairCommand,
  },
  unpair: {
    usage: 'claudecluster unpair PEERID [--data-dir DIR] [--json]',
    load: async () => (await import('./unpair-command.js')).unpairCommand,
  },
  agents: {
    usage: 'claudecluster agents [--json] [--data-dir DIR] [--no-mdns]',
    load: async () => (await import('./agents-command.js')).agentsCommand,
  },
  runs: {
    usage: 'claudecluster runs [--json] [--data-dir DIR]',
    load: async () => (await import('./runs-command.js')).runsCommand,
  },
  clean: {
    usage: 'claudecluster clean [--older-than DURATION] [--run ID] [--branches] [--yes] [--data-dir DIR]',
    load: async () => (await import('./clean-command.js')).cleanCommand,
  },
  ui: {
    usage: 'claudecluster ui [--port P] [--repo DIR] [--data-dir DIR] [--local N] [--no-mdns] [--no-open] [--json]',
    load: async () => (await import('./ui-command.js')).uiCommand,
  },
};
