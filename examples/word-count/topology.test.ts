import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../../src/serdes/serdes.ts';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.ts';
import { buildWordCountTopology, WORD_COUNT_INPUT, WORD_COUNT_OUTPUT, WORD_COUNT_STORE, words } from './topology.ts';

const LINES = ['Hello Kafka Streams', 'All streams lead to Kafka', 'Join Kafka Summit', 'hello, HELLO... hello!'];

function expectedCounts(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of words(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

for (const partitions of [1, 3]) {
  test(`word count emits a running count per word (${partitions} input partition(s))`, () => {
    const driver = new TopologyTestDriver(
      buildWordCountTopology(),
      { 'application.id': 'word-count' },
      {
        partitions: { [WORD_COUNT_INPUT]: partitions },
      },
    );
    try {
      const input = driver.createInputTopic(WORD_COUNT_INPUT, Serdes.String(), Serdes.String());
      const output = driver.createOutputTopic(WORD_COUNT_OUTPUT, Serdes.String(), Serdes.Long());
      LINES.forEach((line, i) => {
        input.pipeInput(`line-${i}`, line, 1_000 + i);
      });

      const updates = output.readKeyValuesToList();
      // One update per word occurrence, each one higher than the previous for that word.
      const seen = new Map<string, number>();
      for (const { key, value } of updates) {
        assert.equal(value, (seen.get(key) ?? 0) + 1, `count of "${key}" went from ${seen.get(key)} to ${value}`);
        seen.set(key, value);
      }
      assert.deepEqual(seen, expectedCounts(LINES));
      assert.equal(seen.get('kafka'), 3);
      assert.equal(seen.get('hello'), 4);

      const store = driver.getKeyValueStore<string, number>(WORD_COUNT_STORE);
      assert.equal(store.get('streams'), 2);
      assert.equal(store.get('summit'), 1);
      assert.equal(store.get('absent'), undefined);
      assert.equal(store.approximateNumEntries(), expectedCounts(LINES).size);

      // The word travels through the repartition topic, partitioned by murmur2 of the word.
      const repartition = driver.written('word-count-counts-store-repartition');
      assert.equal(
        repartition.length,
        [...expectedCounts(LINES).values()].reduce((a, b) => a + b, 0),
      );
      const changelog = driver.written('word-count-counts-store-changelog');
      assert.ok(changelog.length >= expectedCounts(LINES).size, 'every counted word reaches the changelog');
    } finally {
      driver.close();
    }
  });
}

test('word count carries the input timestamps to the output', () => {
  const driver = new TopologyTestDriver(buildWordCountTopology(), { 'application.id': 'word-count' });
  const input = driver.createInputTopic(WORD_COUNT_INPUT, Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic(WORD_COUNT_OUTPUT, Serdes.String(), Serdes.Long());
  input.pipeInput('a', 'one', 5_000);
  input.pipeInput('b', 'one', 4_000);
  const first = output.readRecord();
  const second = output.readRecord();
  assert.deepEqual([first.key, first.value, first.timestamp], ['one', 1, 5_000]);
  // An aggregate keeps the largest timestamp it has seen (as Kafka Streams does).
  assert.deepEqual([second.key, second.value, second.timestamp], ['one', 2, 5_000]);
  assert.ok(output.isEmpty());
  driver.close();
});
