/**
 * Which permission modes an agent runs sessions in is its owner's to say (`agent.info`'s
 * `permissionModes`): the agent refuses any other, and a driver that knows does not ask.
 */

/** Why an agent that allows `allowed` will not run a session in permission `mode`, as the end of a sentence naming it; undefined when it will. */
export function modeRefusal(mode: string, allowed: readonly string[]): string | undefined {
  if (allowed.includes(mode)) return undefined;
  const hint = mode === 'bypassPermissions' ? ' (its owner can allow it with --allow-bypass)' : '';
  return `does not allow permission mode "${mode}"; it allows ${allowed.join(', ')}${hint}`;
}
