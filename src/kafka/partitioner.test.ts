import assert from 'node:assert/strict';
import { it } from 'node:test';
import { murmur2, partitionForKey } from './partitioner.ts';

it('computes the same murmur2 as Java (vectors from Kafka\'s UtilsTest)', () => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of vectors) assert.equal(murmur2(Buffer.from(input)), expected, input);
});

it('partitions with the positive mask, like Java\'s toPositive', () => {
  assert.equal(partitionForKey(Buffer.from('foobar'), 7), (-790332482 & 0x7fffffff) % 7);
  assert.throws(() => partitionForKey(Buffer.from('x'), 0), /numPartitions/);
});
