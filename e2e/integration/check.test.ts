/**
 * `claudecluster check GOAL`: a goal read as `run` reads it, in a real repository, its graph
 * shown; a bad one rejected with every problem at its line. Either way nothing is started or
 * written: no agent, no data dir, the repository as it was.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';
import type { GoalSummary } from '../../main/cli/check-command.js';

const scope = new Scope();
after(() => scope.cleanup());

const GOAL = `---
verify: npm test
---
# Translate

## Tasks
- base: Add the message table
  estimate: 10m
- lang: Translate {{item}}
  foreach: locales/*.json
  after: base
  then: check
  estimate: 5m
- check: Check every locale
`;

async function fixture(goalText: string): Promise<{ home: string; repo: string; goal: string; refs: () => string }> {
  const home = await scope.tmp('cc-check-');
  const repo = await makeRepo(join(home, 'repo'), { 'README.md': 'hi\n', 'locales/en.json': '{}\n', 'locales/de.json': '{}\n' });
  const goal = join(home, 'goal.md');
  await writeFile(goal, goalText);
  const refs = (): string => git(repo, 'for-each-ref') + git(repo, 'worktree', 'list') + git(repo, 'status', '--porcelain');
  return { home, repo, goal, refs };
}

const check = (home: string, args: string[]) => runCli(['check', ...args], { env: { CLAUDECLUSTER_HOME: home } });

test('a goal that would run: its tasks fanned out over the repository, what each waits for, the critical path', async () => {
  const f = await fixture(GOAL);
  const before = f.refs();
  const r = await check(f.home, [f.goal, '--repo', f.repo]);
  assert.equal(r.code, 0, r.stderr);
  const head = git(f.repo, 'rev-parse', 'HEAD').slice(0, 12);
  assert.match(r.stdout, new RegExp(`^goal\\.md would run 4 task\\(s\\) from HEAD \\(${head}\\) in ${f.repo}:\\n`));
  assert.match(r.stdout, /^ {2}lang-locales-de-json {2}Translate locales\/de\.json {2}\(after base; ~5 min 00 s\)$/m);
  assert.match(r.stdout, /^ {2}check {17}Check every locale {2}\(after lang-locales-de-json, lang-locales-en-json\)$/m);
  // check has no estimate: it weighs the median of the others' (5 min).
  assert.match(r.stdout, /^Critical path: base → lang-locales-de-json → check \(3 task\(s\), ~20 min 00 s\)$/m);
  assert.match(r.stdout, /^Verify, after each task and each merge: npm test$/m);

  const json = await check(f.home, [f.goal, '--repo', f.repo, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const summary = JSON.parse(json.stdout) as GoalSummary;
  const [de, en] = ['lang-locales-de-json', 'lang-locales-en-json'];
  assert.deepEqual(summary.tasks.map((t) => [t.id, t.after]), [['base', []], [de, ['base']], [en, ['base']], ['check', [de, en]]]);
  assert.deepEqual(summary.criticalPath, { ids: ['base', de, 'check'], estimateMs: 20 * 60_000 });
  assert.equal(summary.workMs, 25 * 60_000);
  assert.equal(summary.base, git(f.repo, 'rev-parse', 'HEAD'));

  assert.equal(f.refs(), before, 'the repository is as it was');
  assert.equal(existsSync(join(f.home, 'driver')), false, 'no driver data dir');
});

test('a goal that would not run: every problem at its line, exit 2, nothing started', async () => {
  const text = GOAL.replace('after: base', 'after: bse').replace('locales/*.json', 'locale/*.json');
  const f = await fixture(text);
  const before = f.refs();
  const r = await check(f.home, [f.goal, '--repo', f.repo]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = text.split('\n');
  const at = (prefix: string): number => lines.findIndex((l) => l.startsWith(prefix)) + 1;
  assert.match(r.stderr, new RegExp(`${f.goal}:${at('- lang:')}: task "lang" depends on "bse", which is not a task in this goal; did you mean "base"\\?`));
  assert.match(r.stderr, new RegExp(`${f.goal}:${at('  foreach:')}: foreach locale/\\*\\.json matched no file`));
  assert.doesNotMatch(r.stderr, /Usage:/);
  assert.equal(f.refs(), before);
  assert.equal(existsSync(join(f.home, 'driver')), false);
});

test('a goal without a task list is checked on its own and said to be planned first', async () => {
  const f = await fixture('# Tidy up\n\nMake the README friendlier.\n');
  const r = await check(f.home, [f.goal, '--repo', f.repo]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /It has no task list: `claudecluster run` has Claude Code plan one first\./);
  const none = await check(f.home, ['--repo', f.repo]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /check needs a goal file/);
});
