/**
 * What a driver takes from an agent is verified before use: a blob whose bytes do not match its
 * sha256 never appears at its destination, and a result bundle that is not a bundle, lacks the
 * commit, needs commits the user's repo does not have, leaves out objects its commit needs or
 * carries an object git's fsck refuses writes no ref.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { PROTOCOL } from '../../shared/constants.js';
import { BlobRequest } from '../../shared/protocol/blob.js';
import { FramedStream } from '../../shared/node/frames.js';
import { sendAll } from '../../shared/node/stream-io.js';
import { createHost, type Host } from '../../shared/node/host.js';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { AgentClient } from '../../main/driver/agent-client.js';
import { BlobTransferError, getBlob } from '../../main/driver/blob-client.js';
import { UserRepo } from '../../main/driver/user-repo.js';
import { Scope, git, makeRepo } from '../harness.js';
import { rawPeer } from '../raw-peer.js';

const scope = new Scope();
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await scope.cleanup();
});

test('a blob whose bytes do not match its sha256 is refused and not kept', async () => {
  // A lying agent: a real libp2p peer that answers every get with other bytes than those named.
  const liar = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
  hosts.push(liar);
  const forged = Buffer.from('not what you asked for\n');
  await liar.handle(PROTOCOL.blob, (stream) => void (async () => {
    const framed = new FramedStream(stream);
    await framed.read(BlobRequest);
    await framed.write({ ok: true, size: forged.byteLength });
    const raw = framed.unwrap();
    await sendAll(raw, forged);
    await raw.close();
  })());
  const driver = await rawPeer(hosts);
  const agent = { name: 'liar', openStream: (p: string) => driver.dialProtocol(multiaddr(liar.getMultiaddrs()[0]!), p) } as unknown as AgentClient;
  const dir = await scope.tmp();
  const wanted = createHash('sha256').update('the real bundle').digest('hex');
  await assert.rejects(getBlob(agent, wanted, join(dir, 'result.bundle')), (err: Error) => err instanceof BlobTransferError && /corrupt/.test(err.message));
  assert.deepEqual(await readdir(dir), [], 'neither the file nor its partial download is left');
});

test('a result bundle is fetched only when it is a bundle, carries the commit and has all it needs', async () => {
  const tmp = await scope.tmp();
  const origin = await makeRepo(join(tmp, 'origin'), { 'README.md': 'x\n' });
  const user = await UserRepo.open(origin);
  const refs = (): string => git(origin, 'for-each-ref', 'refs/claudecluster/');
  const ref = 'refs/claudecluster/r1/a';

  const junk = join(tmp, 'junk.bundle');
  await writeFile(junk, 'PK\x03\x04 not a bundle');
  await assert.rejects(user.takeResult({ file: junk }, 'a'.repeat(40)), /result bundle rejected/);

  // A clone makes two commits; a bundle of only the second needs the first, which origin lacks.
  const clone = join(tmp, 'clone');
  git(tmp, 'clone', '-q', origin, clone);
  for (const n of ['1', '2']) {
    await writeFile(join(clone, `${n}.txt`), n);
    git(clone, 'add', '.');
    git(clone, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', n);
  }
  const second = git(clone, 'rev-parse', 'HEAD');
  const partial = join(tmp, 'partial.bundle');
  git(clone, 'bundle', 'create', '-q', partial, 'main~1..main');
  await assert.rejects(user.takeResult({ file: partial }, 'b'.repeat(40)), /does not carry commit/);
  await assert.rejects(user.takeResult({ file: partial }, second), /result bundle rejected/);
  assert.equal(refs(), '', 'nothing was written');

  const whole = join(tmp, 'whole.bundle');
  git(clone, 'bundle', 'create', '-q', whole, 'main');
  await user.takeResult({ file: whole }, second);
  await user.pinResult(ref, second);
  assert.equal(git(origin, 'rev-parse', ref), second);
});

test('a result bundle missing objects its commit needs, or carrying a tree fsck refuses, writes no ref', async () => {
  const tmp = await scope.tmp();
  const origin = await makeRepo(join(tmp, 'origin'), { 'README.md': 'x\n' });
  const user = await UserRepo.open(origin);
  const ref = 'refs/claudecluster/r1/a';
  const clone = join(tmp, 'clone');
  git(tmp, 'clone', '-q', origin, clone);
  const base = git(clone, 'rev-parse', 'HEAD');
  /** A bundle of `commit` on top of `base`, its pack made of `objects` only, as its bytes (as a result sent inline). */
  const forge = (commit: string, objects: string[]): { bytes: Buffer } => {
    const pack = execFileSync('git', ['pack-objects', '--stdout', '-q'], { cwd: clone, input: objects.join('\n') + '\n' });
    return { bytes: Buffer.concat([Buffer.from(`# v2 git bundle\n-${base}\n${commit} refs/heads/main\n\n`), pack]) };
  };
  const commitOf = (tree: string, message: string): string => git(clone, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit-tree', tree, '-p', base, '-m', message);

  // A commit whose new file's blob is left out of the pack.
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: clone, input: 'new file\n' }).toString().trim();
  const tree = execFileSync('git', ['mktree'], { cwd: clone, input: `100644 blob ${blob}\tnew.txt\n` }).toString().trim();
  const lacking = commitOf(tree, 'lacking');
  await assert.rejects(user.takeResult(forge(lacking, [lacking, tree]), lacking), new RegExp(`result bundle rejected: .*${blob}`));

  // A tree with a ".git" entry, which a checkout would write into the repo's own directory.
  const dotgit = execFileSync('git', ['mktree'], { cwd: clone, input: `100644 blob ${blob}\t.git\n` }).toString().trim();
  const sneaky = commitOf(dotgit, 'sneaky');
  await assert.rejects(user.takeResult(forge(sneaky, [sneaky, dotgit, blob]), sneaky), /result bundle rejected: .*hasDotgit/);

  // The header names a commit the pack does not carry.
  const absent = commitOf(tree, 'absent');
  await assert.rejects(user.takeResult(forge(absent, [tree, blob]), absent), /result bundle rejected: commit .* is not in it/);
  assert.equal(git(origin, 'for-each-ref', 'refs/claudecluster/'), '', 'nothing was written');

  // The same commit with everything it needs is taken.
  await user.takeResult(forge(lacking, [lacking, tree, blob]), lacking);
  await user.pinResult(ref, lacking);
  assert.equal(git(origin, 'rev-parse', ref), lacking);
  git(origin, 'fsck', '--strict', '--no-dangling');
});
