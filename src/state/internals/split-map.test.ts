import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SplitMap } from './split-map.ts';

test('past the capacity of one Map, entries go to further Maps and are found, deleted and visited like the others', () => {
  const map = new SplitMap<string, number>(3);
  for (let i = 0; i < 8; i++) map.add(`k${i}`, i);
  assert.equal(map.size, 8);
  for (let i = 0; i < 8; i++) assert.equal(map.get(`k${i}`), i);
  assert.equal(map.get('absent'), undefined);
  assert.equal(map.delete('k1'), true);
  assert.equal(map.delete('k7'), true);
  assert.equal(map.delete('k7'), false);
  assert.equal(map.get('k7'), undefined);
  // Freed room in the first Map is used again.
  map.add('new', 100);
  assert.equal(map.get('new'), 100);
  const seen: [string, number][] = [];
  map.forEach((value, key) => {
    seen.push([key, value]);
  });
  assert.deepEqual(
    seen.sort((a, b) => a[1] - b[1]),
    [
      ['k0', 0],
      ['k2', 2],
      ['k3', 3],
      ['k4', 4],
      ['k5', 5],
      ['k6', 6],
      ['new', 100],
    ],
  );
  assert.equal(map.size, 7);
  map.clear();
  assert.equal(map.size, 0);
  assert.equal(map.get('k4'), undefined);
});
