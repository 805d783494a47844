import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_REFUSED_QUIET_MS, AuditLog, auditOf, formatAuditEntry, readAudit } from './audit.js';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function logFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-audit-'));
  dirs.push(dir);
  return join(dir, 'audit.jsonl');
}

test('entries are appended in order, owner-only, and read back', async () => {
  const path = await logFile();
  const log = new AuditLog(path);
  log.record({ action: 'pair', peerId: 'p1', name: 'laptop' }, Date.parse('2025-01-01T00:00:00Z'));
  log.record({ action: 'task.start', peerId: 'p1', name: 'laptop', runId: 'r1', taskId: 'a', title: 'Write it' });
  log.record({ action: 'task.result', peerId: 'p1', runId: 'r1', taskId: 'a', ok: true, commit: 'c'.repeat(40) });
  log.record({ action: 'unpair', peerId: 'p1', name: 'laptop', by: 'agent', cancelled: 0 });
  await log.flush();
  const { entries, damaged } = await readAudit(path);
  assert.equal(damaged, 0);
  assert.deepEqual(entries.map((e) => e.action), ['pair', 'task.start', 'task.result', 'unpair']);
  assert.equal(entries[0]!.time, '2025-01-01T00:00:00.000Z');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.match(formatAuditEntry(entries[1]!), /laptop \(p1\) started r1\/a "Write it"/);
  assert.match(formatAuditEntry(entries[2]!), /r1\/a of \? \(p1\) done \(commit cccccccccccc\)/);
});

test('the same refusal is written once per quiet period; a damaged line is counted, not fatal', async () => {
  const path = await logFile();
  const log = new AuditLog(path);
  for (let i = 0; i < 50; i++) log.record({ action: 'refused', peerId: 'bad', protocol: 'connection' }, 1000 + i);
  log.record({ action: 'refused', peerId: 'bad', protocol: '/claudecluster/term/1.0.0' }, 1100);
  log.record({ action: 'refused', peerId: 'bad', protocol: 'connection' }, 1000 + AUDIT_REFUSED_QUIET_MS);
  await log.flush();
  await appendFile(path, '{"half a line');
  const { entries, damaged } = await readAudit(path);
  assert.deepEqual(entries.map((e) => e.protocol), ['connection', '/claudecluster/term/1.0.0', 'connection']);
  assert.equal(damaged, 1);
});

test('agent events map to entries, with the driver name when it is paired', () => {
  const nameOf = (id: string): string | undefined => (id === 'p1' ? 'laptop' : undefined);
  assert.deepEqual(auditOf({ type: 'refused', peerId: 'p1', protocol: 'x' }, nameOf), { action: 'refused', peerId: 'p1', protocol: 'x', name: 'laptop' });
  assert.deepEqual(auditOf({ type: 'refused', peerId: 'p2', protocol: 'x' }, nameOf), { action: 'refused', peerId: 'p2', protocol: 'x' });
  assert.deepEqual(auditOf({ type: 'pair-failed', peerId: 'p2', attemptsLeft: 3, reason: 'wrong-code' }, nameOf), { action: 'pair-failed', peerId: 'p2', reason: 'wrong-code' });
  assert.equal(auditOf({ type: 'stopped' }, nameOf), undefined);
});

test('a missing log reads as empty', async () => {
  assert.deepEqual(await readAudit(join(await logFile(), 'none')), { entries: [], damaged: 0 });
});
