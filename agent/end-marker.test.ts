import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EndMarkerScanner, markerFor } from './end-marker.js';

const marker = markerFor('abc123');

function feed(chunks: Buffer[]): { kept: string; ended: boolean; rest: string } {
  const s = new EndMarkerScanner(marker);
  let kept = '';
  let ended = false;
  for (const c of chunks) {
    const r = s.push(c);
    kept += r.keep.toString('latin1');
    ended = r.ended;
  }
  return { kept, ended, rest: s.flush().toString('latin1') };
}

test('keeps everything before the marker and drops what follows', () => {
  const all = Buffer.concat([Buffer.from('hello\r\nworld'), marker, Buffer.from('\r\n')]);
  for (let cut = 0; cut <= all.length; cut++) {
    const r = feed([all.subarray(0, cut), all.subarray(cut)]);
    assert.equal(r.kept, 'hello\r\nworld', `cut at ${cut}`);
    assert.equal(r.ended, true);
  }
});

test('a marker split byte by byte is still found', () => {
  const all = Buffer.concat([Buffer.from('x'), marker]);
  const r = feed([...all].map((b) => Buffer.from([b])));
  assert.equal(r.kept, 'x');
  assert.equal(r.ended, true);
});

test('output that only looks like the start of a marker is passed on', () => {
  const look = Buffer.concat([Buffer.from('a'), marker.subarray(0, 5), Buffer.from('b')]);
  const r = feed([look]);
  assert.equal(r.ended, false);
  assert.equal(r.kept + r.rest, look.toString('latin1'));
  const other = feed([Buffer.concat([markerFor('zzz999'), Buffer.from('tail')])]);
  assert.equal(other.ended, false);
  assert.equal(other.kept + other.rest, markerFor('zzz999').toString('latin1') + 'tail');
});
