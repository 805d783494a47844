import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentedFlags } from '../shared/node/help.js';
import { FLAGS, FLAGS_HELP, USAGE_LINES } from './cli-options.js';

test('the agent\'s --help shows each flag its parser takes, and no other; its usage names them', () => {
  assert.deepEqual(documentedFlags(FLAGS_HELP).sort(), Object.keys(FLAGS).sort());
  for (const flag of Object.keys(FLAGS)) assert.ok(flag === 'help' || USAGE_LINES.includes(`--${flag}`), `the usage names --${flag}`);
});
