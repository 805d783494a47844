#!/usr/bin/env node
/** `claudecluster`: run goals over agents, or check them; pair with, unpair and list agents; list and clean up past runs; the dashboard. */
import { EXIT, InputError, UsageError } from '../../shared/node/cli-args.js';
import { VERSION } from '../../shared/version.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import { helpText } from '../../shared/node/help.js';
import { COMMANDS } from './commands.js';

const USAGE = `Usage:\n${Object.values(COMMANDS).map((c) => `  ${c.usage}\n`).join('')}  claudecluster --version`;

const HELP_FLAGS = new Set(['--help', '-h']);

/** `--help` or `-h` among a command's arguments, before any `--` (past which all are positionals). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => HELP_FLAGS.has(a));
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (cmd === undefined || HELP_FLAGS.has(cmd) || cmd === 'help') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[cmd];
  if (!command) throw new UsageError(`unknown command "${cmd}"${didYouMean(cmd, Object.keys(COMMANDS))}`);
  if (asksForHelp(rest)) {
    process.stdout.write(helpText(command.usage, command.about, command.flags));
    return EXIT.ok;
  }
  return (await command.load())(rest);
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
