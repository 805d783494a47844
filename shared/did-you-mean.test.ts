import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, nearestName } from './did-you-mean.js';

test('a typo of a name suggests it, case aside; of two as near, the first', () => {
  assert.equal(nearestName('locl', ['repo', 'local', 'json']), 'local');
  assert.equal(nearestName('AFTER', ['after', 'then']), 'after');
  assert.equal(nearestName('forach', ['after', 'foreach']), 'foreach');
  assert.equal(nearestName('gret', ['greet', 'great']), 'greet');
  assert.equal(nearestName('pari', ['pair', 'unpair']), 'pair');
  assert.equal(nearestName('rn', ['run', 'runs']), 'run');
});

test('a word that begins a name is that name cut short, when no name is a near typo', () => {
  assert.equal(nearestName('older', ['run', 'older-than']), 'older-than');
  assert.equal(nearestName('agent-time', ['agent', 'agent-timeout']), 'agent-timeout');
  // A near typo wins over a longer name it begins.
  assert.equal(nearestName('runs', ['run', 'runs-all']), 'run');
  assert.equal(nearestName('ol', ['older-than']), undefined);
});

test('a word far from every name, or too short to tell, suggests nothing', () => {
  assert.equal(nearestName('bogus', ['local', 'repo', 'json']), undefined);
  assert.equal(nearestName('x', ['y', 'z']), undefined);
  // One letter: only the same name in another case counts; three letters: one edit.
  assert.equal(nearestName('X', ['x']), 'x');
  assert.equal(nearestName('abc', ['xyc']), undefined);
  // Three edits are more than a typo even in a long name.
  assert.equal(nearestName('permisionmod', ['permission_mode']), undefined);
});

test('didYouMean words the suggestion, or says nothing', () => {
  assert.equal(didYouMean('locl', ['local']), '; did you mean "local"?');
  assert.equal(didYouMean('locl', ['local'], (n) => `--${n}`), '; did you mean --local?');
  assert.equal(didYouMean('bogus', ['local']), '');
});
