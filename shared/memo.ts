/**
 * Keeps `value` under `key` in `memo` until `outcome` fails: a failed lookup or send is not
 * remembered, so the next caller tries again, while one under way is shared by every caller.
 * Returns `value`.
 */
export function memoUnlessFailed<K, V>(memo: Map<K, V>, key: K, value: V, outcome: Promise<unknown>): V {
  memo.set(key, value);
  // Only this value: a later one set under the key after it stands.
  outcome.catch(() => { if (memo.get(key) === value) memo.delete(key); });
  return value;
}
