/**
 * The work an agent runs for its drivers (Claude Code sessions and a goal's setup and verify
 * commands) yields the CPU to everything else on the machine: to the owner's own work, and to the
 * agent itself, whose replies and hand-offs every run waits on. It runs at a raised niceness, as
 * distccd runs compile jobs. A niceness only matters while the CPU is short: on an idle machine
 * the work runs as fast as ever.
 *
 * Linux with autogroups (the default on most distributions) makes each session (each setsid, as
 * node-pty's terminals and detached commands do) a scheduling group of its own, and shares the
 * CPU out between groups before niceness counts within one. So the group's niceness is raised too,
 * from inside the new session: raising it from outside could catch the group of the agent.
 */

/** The niceness the agent gives that work unless its owner says otherwise (`nice`'s own default). */
export const DEFAULT_NICENESS = 10;
/** The lowest priority there is. */
export const MAX_NICENESS = 19;

/**
 * Raises the autogroup of the shell's session to `$nice`, when this Linux has autogroups. The
 * kernel takes one such change per 100 ms from a process without CAP_SYS_ADMIN and refuses the
 * rest, so a refused one is tried again for a while: in the background, so the program starts at
 * once, and holding no terminal open.
 */
const RAISE_GROUP = [
  'if [ "$nice" -gt 0 ] && [ -w "/proc/$$/autogroup" ]; then',
  '  (i=0; until echo "$nice" > "/proc/$$/autogroup"; do i=$((i + 1)); [ "$i" -ge 20 ] && exit; sleep 0.1; done) < /dev/null > /dev/null 2>&1 &',
  'fi',
].join('\n');

/** `sh -c NICED claudecluster-niced NICENESS PROGRAM ARGS...`: the program, through `nice`, in a group raised the same. */
const NICED = ['nice=$1; shift', RAISE_GROUP, 'exec nice -n "$nice" "$@"'].join('\n');

/**
 * How to run `bin args` at `niceness` (0 to MAX_NICENESS) in the session it is started in: as it
 * is when the niceness is 0. The program keeps the process id it is started with (each step execs
 * the next), so signals reach it and its exit code is its own.
 */
export function niced(niceness: number, bin: string, args: readonly string[]): { bin: string; args: string[] } {
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > MAX_NICENESS) throw new RangeError(`a niceness is a whole number from 0 to ${MAX_NICENESS}, not ${niceness}`);
  return niceness === 0 ? { bin, args: [...args] } : { bin: '/bin/sh', args: ['-c', NICED, 'claudecluster-niced', String(niceness), bin, ...args] };
}
