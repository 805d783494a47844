/**
 * Both command lines, mistyped: each mistake exits 2 naming the word and, when one is near, what
 * was meant; `--help` after a command shows that command's usage and exits 0.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_BIN, CLI_BIN, Scope } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

function cli(bin: string, args: string[], home: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CLAUDECLUSTER_HOME: home } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('claudecluster-agent: a mistyped flag or command says what was meant, and starts nothing', async () => {
  const home = await scope.tmp('cc-typos-');
  const dataDir = join(home, 'agent');
  const cases: Array<[string[], string]> = [
    [['--slot', '2'], 'unknown option --slot; did you mean --slots?\n'],
    [['--no-mdsn'], 'unknown option --no-mdsn; did you mean --no-mdns?\n'],
    [['pari'], 'unexpected argument "pari"; did you mean "pair"?\n'],
    // A command with a word too many names that word, and suggests nothing.
    [['pair', 'now'], 'unexpected argument "now"\n'],
    [['--bogus'], 'unknown option --bogus\n'],
  ];
  for (const [args, message] of cases) {
    const r = cli(AGENT_BIN, [...args, '--data-dir', dataDir], home);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.startsWith(`claudecluster-agent: ${message}`), `${args.join(' ')}: ${r.stderr}`);
  }
  assert.equal(existsSync(dataDir), false, 'no agent data dir was made');
});

test('claudecluster: a mistyped command says what was meant; --help after a command shows its usage', async () => {
  const home = await scope.tmp('cc-typos-');
  const typo = cli(CLI_BIN, ['rn', 'goal.md'], home);
  assert.equal(typo.code, 2, typo.stderr);
  assert.ok(typo.stderr.startsWith('claudecluster: unknown command "rn"; did you mean "run"?\n'), typo.stderr);
  const far = cli(CLI_BIN, ['deploy'], home);
  assert.ok(far.stderr.startsWith('claudecluster: unknown command "deploy"\n'), far.stderr);

  for (const [cmd, flag] of [['runs', '--help'], ['clean', '-h'], ['pair', '--help']] as const) {
    const r = cli(CLI_BIN, [cmd, flag], home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage:\\n {2}claudecluster ${cmd} `));
    assert.equal(r.stdout.match(/claudecluster /g)?.length, 1, `only the usage of ${cmd}: ${r.stdout}`);
  }
  // Past "--" every word is a positional, so --help there is an argument like any other.
  const positional = cli(CLI_BIN, ['agents', '--no-mdns', '--', '--help'], home);
  assert.equal(positional.code, 2);
  assert.ok(positional.stderr.startsWith('claudecluster: unexpected argument "--help"'), positional.stderr);
  assert.equal(existsSync(join(home, 'runs')), false, 'nothing was run');
});
