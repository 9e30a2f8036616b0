import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { javaInteropUnavailable, runJavaInterop } from '../harness/java-interop.ts';
import { Serdes } from '../serdes/serdes.ts';
import { murmur2, partitionForKey, toPositive } from './partitioner.ts';
import { PlatformaticBackend } from './platformatic/index.ts';

const kafka = process.env.TRIBUTARY_TEST_KAFKA;
const PARTITIONS = 7;

describe('partitioner', () => {
  test("matches the known-answer vectors of Kafka's UtilsTest.testMurmur2", () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [text, hash] of vectors) assert.equal(murmur2(Buffer.from(text)), hash, text);
  });

  test('toPositive clears the sign bit rather than negating', () => {
    assert.equal(toPositive(-1), 0x7fffffff);
    assert.equal(toPositive(-2147483648), 0);
    assert.equal(toPositive(5), 5);
  });

  test('refuses a partition count that is not a positive integer', () => {
    assert.throws(() => partitionForKey(Buffer.from('k'), 0), /numPartitions must be a positive integer, got 0/);
    assert.throws(() => partitionForKey(Buffer.from('k'), 2.5), /got 2\.5/);
  });

  test("places every key on the partition Java's default partitioner chose (records written by Java, read back from real Kafka)", {
    skip: !kafka ? 'no TRIBUTARY_TEST_KAFKA' : javaInteropUnavailable(),
  }, async () => {
    // String keys of every length 0..40 (all murmur2 tail cases), unicode, and many ordinary ones; int keys
    // around zero, at the extremes, and spread over the range.
    const stringKeys = ['', 'a', 'ab', 'abc', 'abcd', 'héllo wörld', '日本語のキー', '🎉🎉', 'x'.repeat(1000)];
    for (let length = 0; length <= 40; length++) stringKeys.push('k'.repeat(length));
    for (let i = 0; i < 400; i++) stringKeys.push(`customer-${i}`);
    for (let i = 0; i < 100; i++) stringKeys.push(randomUUID());
    const intKeys = [0, 1, -1, 2147483647, -2147483648];
    for (let i = -200; i < 200; i++) intKeys.push(i * 7919);
    for (let i = 0; i < 100; i++) intKeys.push((Math.random() * 2 ** 32 - 2 ** 31) | 0);

    const topic = `partitioner-java-${randomUUID().slice(0, 8)}`;
    const input = [
      ...stringKeys.map((k) => `string ${Buffer.from(k, 'utf8').toString('base64')}`),
      ...intKeys.map((k) => `int ${k}`),
    ].join('\n');
    const javaOutput = await runJavaInterop(['produce', kafka!, topic, String(PARTITIONS)], input);
    const javaPlacement = javaOutput
      .trimEnd()
      .split('\n')
      .map((line) => {
        const [keyHex, partition] = line.split(' ');
        return { keyHex, partition: Number(partition) };
      });
    assert.equal(javaPlacement.length, stringKeys.length + intKeys.length);

    // The keys Java wrote are the bytes our serdes write for the same values.
    const expectedKeys = [
      ...stringKeys.map((k) => Serdes.String().serializer(topic, k)!.toString('hex')),
      ...intKeys.map((k) => Serdes.Integer().serializer(topic, k)!.toString('hex')),
    ];
    assert.deepEqual(
      javaPlacement.map((p) => p.keyHex),
      expectedKeys,
    );

    // Read everything back with Tributary's own backend, partition by partition.
    const backend = new PlatformaticBackend({ bootstrapServers: [kafka!] });
    const seen: { keyHex: string; partition: number }[] = [];
    try {
      const fetcher = backend.createFetcher({ maxWaitMs: 500 });
      const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition }));
      fetcher.assign(partitions);
      for (const tp of partitions) fetcher.seek(tp, 'earliest');
      const deadline = Date.now() + 60_000;
      while (seen.length < javaPlacement.length) {
        assert.ok(Date.now() < deadline, `read ${seen.length} of ${javaPlacement.length} records within 60 s`);
        for (const batch of await fetcher.poll(500)) {
          for (const record of batch.records) {
            seen.push({ keyHex: record.key!.toString('hex'), partition: batch.partition });
          }
        }
      }
    } finally {
      await backend.close();
    }
    assert.equal(seen.length, javaPlacement.length);

    let misplaced = 0;
    for (const { keyHex, partition } of seen) {
      const ours = partitionForKey(Buffer.from(keyHex, 'hex'), PARTITIONS);
      if (ours !== partition) misplaced++;
      assert.equal(ours, partition, `key ${keyHex}: Java wrote it to partition ${partition}, we compute ${ours}`);
    }
    assert.equal(misplaced, 0);
    // Every partition got keys, so the comparison covered them all.
    assert.equal(new Set(seen.map((s) => s.partition)).size, PARTITIONS);
    // And what we read agrees with what Java's producer reported for each record.
    const reported = new Map(javaPlacement.map((p) => [p.keyHex, p.partition]));
    for (const { keyHex, partition } of seen) assert.equal(reported.get(keyHex), partition);
  });
});
