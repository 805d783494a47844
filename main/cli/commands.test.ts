import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentedFlags } from '../../shared/node/help.js';
import { COMMANDS } from './commands.js';

/** Each command module's parser options, by command. */
const MODULES: Record<string, () => Promise<{ FLAGS: object }>> = {
  run: () => import('./run-command.js'),
  check: () => import('./check-command.js'),
  pair: () => import('./pair-command.js'),
  unpair: () => import('./unpair-command.js'),
  agents: () => import('./agents-command.js'),
  runs: () => import('./runs-command.js'),
  clean: () => import('./clean-command.js'),
  ui: () => import('./ui-command.js'),
};

test('every command\'s --help shows each flag its parser takes, and no other', async () => {
  assert.deepEqual(Object.keys(COMMANDS).sort(), Object.keys(MODULES).sort());
  for (const [name, command] of Object.entries(COMMANDS)) {
    const { FLAGS } = await MODULES[name]!();
    assert.deepEqual(documentedFlags(command.flags).sort(), Object.keys(FLAGS).sort(), name);
    for (const flag of Object.keys(FLAGS)) assert.ok(flag === 'json' || command.usage.includes(`--${flag}`), `${name}'s usage names --${flag}`);
  }
});
