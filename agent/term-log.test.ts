import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TERM_LOG_CAP_BYTES, TermLog } from './term-log.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

const KIB = 1024;
const MIB = 1024 * KIB;

async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-termlog-'));
  made.push(dir);
  return dir;
}

/** The log's bytes are a pattern of their offsets, so any slice can be checked against where it came from. */
function bytesAt(from: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (from + i) % 251;
  return b;
}

/** Appends `total` pattern bytes from offset `log.size` in chunks of `chunk`. */
function fill(log: TermLog, total: number, chunk = 64 * KIB): void {
  for (let done = 0; done < total;) {
    const n = Math.min(chunk, total - done);
    log.append(bytesAt(log.size, n));
    done += n;
  }
}

async function readAll(log: TermLog, offset: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of log.read(offset)) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

function diskBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

test('the default cap is 64 MiB', () => {
  assert.equal(TERM_LOG_CAP_BYTES, 64 * MIB);
});

test('under the cap nothing rotates: every byte from offset 0', async () => {
  const dir = await tmp();
  const log = new TermLog(join(dir, 'term.log'), { capBytes: 1000 });
  fill(log, 450, 150);
  log.end();
  assert.equal(log.start, 0);
  assert.deepEqual(readdirSync(dir), ['term.log']);
  assert.deepEqual(await readAll(log, 0), bytesAt(0, 450));
});

test('past the cap the oldest segment goes; offsets stay absolute and disk use stays under the cap', async () => {
  const dir = await tmp();
  const path = join(dir, 'term.log');
  const log = new TermLog(path, { capBytes: 1000 });
  fill(log, 2000, 200); // segments of 500: [0,400) [400,800) [800,1200) [1200,1600) [1600,2000)
  log.end();
  assert.equal(log.size, 2000);
  assert.equal(log.start, 1200);
  assert.deepEqual(readdirSync(dir).sort(), ['term.log', 'term.log.1200']);
  assert.ok(diskBytes(dir) <= 1000, `${diskBytes(dir)} bytes on disk`);
  // An offset rotated away reads what is kept, from the oldest kept offset.
  assert.deepEqual(await readAll(log, 0), bytesAt(1200, 800));
  // Kept offsets read exactly their bytes, in either segment.
  assert.deepEqual(await readAll(log, 1300), bytesAt(1300, 700));
  assert.deepEqual(await readAll(log, 1700), bytesAt(1700, 300));
  assert.deepEqual(await readAll(log, 2000), Buffer.alloc(0));
});

test('a restarted agent finds the same offsets from the files, and appends after them', async () => {
  const dir = await tmp();
  const path = join(dir, 'term.log');
  const first = new TermLog(path, { capBytes: 1000 });
  fill(first, 2000, 200);
  first.end();
  const again = new TermLog(path, { capBytes: 1000 });
  assert.equal(again.size, 2000);
  assert.equal(again.start, 1200);
  fill(again, 300, 100); // 2000..2300: rotates at 2100 (the current segment [1600,2100) is full)
  again.end();
  assert.equal(again.start, 1600);
  assert.deepEqual(await readAll(again, 0), bytesAt(1600, 700));
});

test('after a crash mid-rotation (two old segments left) the newest old one counts, the stray one goes', async () => {
  const dir = await tmp();
  const path = join(dir, 'term.log');
  writeFileSync(`${path}.0`, bytesAt(0, 400));
  writeFileSync(`${path}.400`, bytesAt(400, 400));
  // The rename happened, the new current segment was not created yet.
  const log = new TermLog(path, { capBytes: 1000 });
  assert.equal(existsSync(`${path}.0`), false);
  assert.equal(log.start, 400);
  assert.equal(log.size, 800);
  fill(log, 100);
  log.end();
  assert.deepEqual(await readAll(log, 0), bytesAt(400, 500));
});

test('a live reader a little behind reads through rotations without a gap', async () => {
  const dir = await tmp();
  const log = new TermLog(join(dir, 'term.log'), { capBytes: 4 * MIB });
  fill(log, 1.5 * MIB); // More than the in-memory tail: the reader starts on the file.
  const reader = log.read(0);
  const parts: Buffer[] = [];
  const first = await reader.next();
  assert.equal(first.done, false);
  parts.push(Buffer.from(first.value as Uint8Array));
  // Two rotations while the reader holds the first segment: it is renamed, then deleted.
  fill(log, 3 * MIB);
  assert.equal(log.start, 2 * MIB);
  assert.equal(existsSync(join(dir, 'term.log.0')), false);
  log.end();
  for await (const c of reader) parts.push(Buffer.from(c));
  assert.deepEqual(Buffer.concat(parts), bytesAt(0, 4.5 * MIB));
});

test('a reader further behind than the cap skips to the oldest kept byte', async () => {
  const dir = await tmp();
  const log = new TermLog(join(dir, 'term.log'), { capBytes: 4 * MIB });
  fill(log, 1.5 * MIB);
  const reader = log.read(0);
  const parts: Buffer[] = [];
  const first = await reader.next();
  parts.push(Buffer.from(first.value as Uint8Array));
  fill(log, 7.5 * MIB); // 9 MiB in all: kept from 6 MiB on.
  assert.equal(log.start, 6 * MIB);
  log.end();
  for await (const c of reader) parts.push(Buffer.from(c));
  // What its open segment held (0..2 MiB), then what is kept.
  assert.deepEqual(Buffer.concat(parts), Buffer.concat([bytesAt(0, 2 * MIB), bytesAt(6 * MIB, 3 * MIB)]));
});

test('a live reader at the end gets new output as it comes, across a rotation', async () => {
  const dir = await tmp();
  const log = new TermLog(join(dir, 'term.log'), { capBytes: 1000 });
  fill(log, 300, 100);
  const got: Buffer[] = [];
  let received = 0;
  const reading = (async () => { for await (const c of log.read(300)) { got.push(Buffer.from(c)); received += c.byteLength; } })();
  for (let i = 0; i < 9; i++) { // rotations at 500 and 1000
    fill(log, 100);
    while (received < log.size - 300) await new Promise((r) => setImmediate(r));
  }
  assert.equal(log.start, 500);
  log.end();
  await reading;
  assert.deepEqual(Buffer.concat(got), bytesAt(300, 900));
});

test('a disk that refuses writes loses that output but never throws', () => {
  // /dev/full answers every write with ENOSPC.
  const log = new TermLog('/dev/full');
  assert.doesNotThrow(() => log.append(Buffer.from('hello')));
  log.append(Buffer.from('world!'));
  assert.equal(log.size, 0);
  assert.equal(log.lostBytes, 11);
  log.end();
});
