#!/usr/bin/env node
/** `claudecluster`: run goals over agents; pair with, unpair and list agents; list and clean up past runs; the dashboard. */
import { EXIT, InputError, UsageError } from '../../shared/node/cli-args.js';
import { VERSION } from '../../shared/version.js';
import { RUN_USAGE, runCommand } from './run-command.js';
import { PAIR_USAGE, pairCommand } from './pair-command.js';
import { AGENTS_USAGE, agentsCommand } from './agents-command.js';
import { UNPAIR_USAGE, unpairCommand } from './unpair-command.js';
import { RUNS_USAGE, runsCommand } from './runs-command.js';
import { CLEAN_USAGE, cleanCommand } from './clean-command.js';
import { UI_USAGE, uiCommand } from './ui-command.js';

const USAGE = `Usage:
  ${RUN_USAGE}
  ${PAIR_USAGE}
  ${UNPAIR_USAGE}
  ${AGENTS_USAGE}
  ${RUNS_USAGE}
  ${CLEAN_USAGE}
  ${UI_USAGE}
  claudecluster --version`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  pair: pairCommand,
  unpair: unpairCommand,
  agents: agentsCommand,
  runs: runsCommand,
  clean: cleanCommand,
  ui: uiCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[cmd];
  if (!command) throw new UsageError(`unknown command "${cmd}"`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`claudecluster: ${err.message}\n${err instanceof InputError ? '' : `\n${USAGE}\n`}`);
      process.exit(EXIT.usage);
    }
    process.stderr.write(`claudecluster: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env['CLAUDECLUSTER_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(EXIT.failed);
  },
);
