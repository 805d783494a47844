/** The `--help` of a command: its usage, what it does, and each flag with what it does. */

/** One flag as `--help` shows it: its form (`--local N`, `--yes, -y`) and what it does. */
export type FlagHelp = readonly [form: string, does: string];

/** Columns between a flag's form and what it does, at the least. */
const GAP = 2;

export function helpText(usage: string, about: string, flags: readonly FlagHelp[]): string {
  const width = Math.max(0, ...flags.map(([form]) => form.length)) + GAP;
  const lines = flags.map(([form, does]) => `  ${form.padEnd(width)}${does}`);
  return `Usage:\n  ${usage}\n\n${about}\n${lines.length > 0 ? `\n${lines.join('\n')}\n` : ''}`;
}

/** The long names of the flags `flags` shows (`--yes, -y` shows `yes`), for checking them against a parser's options. */
export function documentedFlags(flags: readonly FlagHelp[]): string[] {
  return flags.map(([form]) => /^--([\w-]+)/.exec(form)?.[1] ?? form);
}
