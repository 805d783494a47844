import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_ARGS_ENV, RENDERER_URL_ENV, parseLaunchOptions } from './launch-options.js';

const CWD = '/home/me';

test('defaults: no repo, the standard data folder, mDNS on', () => {
  assert.deepEqual(parseLaunchOptions(['dist/main/shell/electron-main.js'], {}, false, CWD), {
    repo: null, dataDir: undefined, mdns: true, localAgentArgs: undefined, devServerUrl: undefined, warnings: [],
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

test('development builds take the local agent arguments and a loopback dev server from the environment', () => {
  const env = { [AGENT_ARGS_ENV]: JSON.stringify(['--claude-bin', '/x/fake-claude']), [RENDERER_URL_ENV]: 'http://127.0.0.1:5173' };
  const o = parseLaunchOptions([], env, false, CWD);
  assert.deepEqual(o.localAgentArgs, ['--claude-bin', '/x/fake-claude']);
  assert.equal(o.devServerUrl, 'http://127.0.0.1:5173/');
  const bad = parseLaunchOptions([], { [AGENT_ARGS_ENV]: '--claude-bin /x', [RENDERER_URL_ENV]: 'https://evil.example/' }, false, CWD);
  assert.equal(bad.localAgentArgs, undefined);
  assert.equal(bad.devServerUrl, undefined);
  assert.equal(bad.warnings.length, 2);
  assert.equal(parseLaunchOptions([], { [AGENT_ARGS_ENV]: '[1, 2]' }, false, CWD).localAgentArgs, undefined);
});

test('a packaged app ignores both variables, and says so', () => {
  const env = { [AGENT_ARGS_ENV]: JSON.stringify(['--claude-bin', '/x']), [RENDERER_URL_ENV]: 'http://127.0.0.1:5173' };
  const o = parseLaunchOptions([], env, true, CWD);
  assert.equal(o.localAgentArgs, undefined);
  assert.equal(o.devServerUrl, undefined);
  assert.deepEqual(o.warnings, [`${AGENT_ARGS_ENV} is ignored in a packaged app`, `${RENDERER_URL_ENV} is ignored in a packaged app`]);
});
