/** The goal-file examples in FORMAT.md (and so in the README) are valid goal files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseGoal } from './parse.js';

/** dist/shared/goal/ → the source folder, where FORMAT.md lives. */
const FORMAT_MD = fileURLToPath(new URL('../../../shared/goal/FORMAT.md', import.meta.url));
const EXAMPLE = /```markdown\n([\s\S]*?)\n```/g;

test('every markdown example in FORMAT.md parses', () => {
  const examples = [...readFileSync(FORMAT_MD, 'utf8').matchAll(EXAMPLE)].map((m) => m[1] ?? '');
  assert.ok(examples.length >= 2, 'FORMAT.md shows a goal file and a fan-out');
  for (const example of examples) {
    const result = parseGoal('example.md', example, { matchFiles: () => ['src/a.js', 'src/lib/b.js'] });
    assert.ok(result.ok, `${example}\n${JSON.stringify(result.ok ? [] : result.errors)}`);
  }
});
