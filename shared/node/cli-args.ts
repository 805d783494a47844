/** Helpers for the two command lines: strict flag parsing with a clear error and exit 2. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { didYouMean } from '../did-you-mean.js';

/** A usage error: the message is shown with the command's usage, and the exit code is 2. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/**
 * Bad input that is not a flag (a goal file, a repository, a run to resume): exit 2 too, but the
 * message stands alone, since the usage would only bury what it says.
 */
export class InputError extends UsageError {
  override readonly name = 'InputError';
}

/** Exit codes; `dataDirInUse`: another agent already runs with that data dir. */
export const EXIT = { ok: 0, failed: 1, usage: 2, dataDirInUse: 3 } as const;

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    // Node adds a hint on positionals that start with '-', which only muddles a mistyped flag.
    const unknown = UNKNOWN_OPTION.exec(message)?.[1];
    if (unknown !== undefined) throw new UsageError(`unknown option ${unknown}${didYouMean(unknown.replace(/^-+/, ''), Object.keys(options), (n) => `--${n}`)}`);
    throw new UsageError(message);
  }
}

/** The option named in parseArgs's ERR_PARSE_ARGS_UNKNOWN_OPTION message. */
const UNKNOWN_OPTION = /^Unknown option '([^']+)'/;

export function positiveInt(flag: string, value: string | undefined, max: number): number | undefined {
  return wholeNumber(flag, value, 1, max);
}

/** A flag's value as a whole number from `min` to `max`; undefined when the flag was not given. */
export function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

/** ~/.claudecluster, or $CLAUDECLUSTER_HOME. */
export function defaultHome(): string {
  return process.env['CLAUDECLUSTER_HOME'] ?? join(homedir(), '.claudecluster');
}
