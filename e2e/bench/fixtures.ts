/** Inputs for the per-task overhead bench: a 1,000-file repository and a chained goal file. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeRepo } from '../harness.js';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
const TOP_DIRS = 10;
const SUB_DIRS = 7;
const MAX_LINES = 40;

/** A deterministic pseudo-random generator (mulberry32): the same repo and graphs on every run. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` small text files of varied length in nested directories, committed on main. */
export async function makeBigRepo(dir: string, count: number): Promise<string> {
  const rand = rng(count);
  const pick = (): string => WORDS[Math.floor(rand() * WORDS.length)]!;
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const path = `src/${pick()}-${i % TOP_DIRS}/${pick()}-${i % SUB_DIRS}/file-${i}.txt`;
    const lines = 1 + Math.floor(rand() * MAX_LINES);
    files[path] = Array.from({ length: lines }, (_, n) => `${n} ${pick()} ${pick()} ${Math.floor(rand() * 1e6)}`).join('\n') + '\n';
  }
  return makeRepo(dir, files);
}

/**
 * A goal of `count` tasks where each runs after the previous one, each writing one file. Headless
 * sessions, as the per-task overhead figure is defined for: one `claude -p` per task.
 */
export async function writeChainGoal(file: string, count: number, mode: 'tui' | 'headless' = 'headless', label = ''): Promise<string> {
  const lines = ['---', 'session:', `  mode: ${mode}`, '---', `# Bench chain${label ? ` (${label})` : ''}`, '', 'Each task writes one file.', '', '## Tasks'];
  for (let n = 1; n <= count; n++) {
    lines.push(`- t${n}: write out/t${n}.txt`);
    if (n > 1) lines.push(`  after: t${n - 1}`);
    lines.push(`  !write out/t${n}.txt ${n}`);
  }
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

export function goalPath(dir: string): string {
  return join(dir, 'goal.md');
}
