import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_ARGS_ENV, parseLaunchOptions } from './launch-options.js';

const CWD = '/home/me';

test('defaults: no repo, the standard data folder, mDNS on', () => {
  assert.deepEqual(parseLaunchOptions(['dist/main/shell/electron-main.js'], {}, false, CWD), {
    repo: null, dataDir: undefined, mdns: true, localAgentArgs: undefined, warnings: [],
  });
});

test('--repo, --data-dir (both spellings, relative to the working directory) and --no-mdns', () => {
  const o = parseLaunchOptions(['.', '--inspect=0', '--repo', 'src/app', '--data-dir=/tmp/cc', '--no-mdns', '--remote-debugging-port=0'], {}, true, CWD);
  assert.equal(o.repo, '/home/me/src/app');
  assert.equal(o.dataDir, '/tmp/cc');
  assert.equal(o.mdns, false);
  assert.deepEqual(o.warnings, []);
  assert.deepEqual(parseLaunchOptions(['--repo'], {}, true, CWD).warnings, ['--repo needs a directory']);
});

test('development builds take the local agent arguments from the environment', () => {
  const o = parseLaunchOptions([], { [AGENT_ARGS_ENV]: JSON.stringify(['--claude-bin', '/x/fake-claude']) }, false, CWD);
  assert.deepEqual(o.localAgentArgs, ['--claude-bin', '/x/fake-claude']);
  for (const bad of ['--claude-bin /x', '[1, 2]', '{"a":1}']) {
    const r = parseLaunchOptions([], { [AGENT_ARGS_ENV]: bad }, false, CWD);
    assert.equal(r.localAgentArgs, undefined, bad);
    assert.deepEqual(r.warnings, [`${AGENT_ARGS_ENV} must be a JSON array of strings; ignored`]);
  }
});

test('a packaged app ignores them, and says so', () => {
  const o = parseLaunchOptions([], { [AGENT_ARGS_ENV]: JSON.stringify(['--claude-bin', '/x']) }, true, CWD);
  assert.equal(o.localAgentArgs, undefined);
  assert.deepEqual(o.warnings, [`${AGENT_ARGS_ENV} is ignored in a packaged app`]);
});
