/** The folder layering of DESIGN.md is enforced by lint: these imports must be refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { ROOT } from '../harness.js';

const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const CASES: Array<[file: string, code: string, refused: boolean]> = [
  ['shared/probe.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", true],
  ['shared/probe.ts', "import { x } from './node/git.js';\nexport const y = x;\n", true],
  ['main/driver/probe.ts', "import * as pty from 'node-pty';\nexport const p = pty;\n", true],
  ['main/driver/probe.ts', "import { app } from 'electron';\nexport const a = app;\n", true],
  ['agent/probe.ts', "import { app } from 'electron';\nexport const a = app;\n", true],
  ['renderer/probe.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", true],
  // Allowed: node-pty in the agent, Node in shared/node, electron in the shell.
  ['agent/probe.ts', "import * as pty from 'node-pty';\nexport const p = pty;\n", false],
  ['shared/node/probe.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", false],
  ['main/shell/probe.ts', "import { app } from 'electron';\nexport const a = app;\n", false],
];

for (const [file, code, refused] of CASES) {
  const what = code.split('\n')[0];
  test(`${file}: ${what} is ${refused ? 'refused' : 'allowed'}`, async () => {
    const found = await problems(file, code);
    assert.equal(found.length > 0, refused, found.join('; '));
  });
}
