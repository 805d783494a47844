import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentedFlags, helpText } from './help.js';

test('help is the usage, what the command does, and its flags in a column', () => {
  assert.equal(helpText('tool go [--fast] [--to DIR]', 'Goes.', [['--fast, -f', 'quickly'], ['--to DIR', 'there']]),
    'Usage:\n  tool go [--fast] [--to DIR]\n\nGoes.\n\n  --fast, -f  quickly\n  --to DIR    there\n');
  assert.equal(helpText('tool stop', 'Stops.', []), 'Usage:\n  tool stop\n\nStops.\n');
});

test('documentedFlags gives each form\'s long name', () => {
  assert.deepEqual(documentedFlags([['--yes, -y', ''], ['--plan-only FILE', ''], ['--no-mdns', '']]), ['yes', 'plan-only', 'no-mdns']);
});
