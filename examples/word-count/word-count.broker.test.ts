/**
 * Word count on a broker: the embedded one, and real Kafka when TRIBUTARY_TEST_KAFKA is set. Proves the DSL's
 * topology running under KafkaStreams: repartition and changelog topics created and sized, exact counts, and two
 * instances sharing the work with one stopped mid-stream and nothing lost.
 */
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { KafkaStreams } from '../../src/runtime/kafka-streams.ts';
import { produceStrings, readTopic, uniqueName, waitFor } from '../../src/runtime/test-support/runtime-harness.ts';
import { recreateTopics, testBackends } from '../../src/runtime/test-support/test-backends.ts';
import { countsIn, EXPECTED_DEMO_COUNTS, runMain } from './demo-run.ts';
import { buildWordCountTopology, WORD_COUNT_INPUT, WORD_COUNT_OUTPUT, WORD_COUNT_STORE, words } from './topology.ts';

const LINES = [
  'All streams flow to the sea',
  'the sea is not full',
  'Kafka streams, Kafka tables',
  'to the river the streams return',
];

function expectedCounts(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of words(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** The latest count per word: the last record per key (one key stays in one partition, in order). */
function latestCounts(records: readonly { key: Buffer | null; value: Buffer | null }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.key!.toString(), Number(r.value!.readBigInt64BE()));
  return counts;
}

function maxCounts(records: readonly { key: Buffer | null; value: Buffer | null }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records)
    counts.set(r.key!.toString(), Math.max(counts.get(r.key!.toString()) ?? 0, Number(r.value!.readBigInt64BE())));
  return counts;
}

for (const target of testBackends) {
  describe(`word count on ${target.label}`, () => {
    const settings = (app: string) => ({
      'application.id': app,
      'commit.interval.ms': 100,
      'poll.ms': 50,
      'session.timeout.ms': target.sessionTimeoutMs,
      'heartbeat.interval.ms': 200,
      'repartition.purge.interval.ms': 0,
    });

    it('counts words exactly and creates its repartition and changelog topics', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const app = uniqueName('word-count');
      try {
        await recreateTopics(backend, [
          [WORD_COUNT_INPUT, 3],
          [WORD_COUNT_OUTPUT, 3],
        ]);
        const streams = new KafkaStreams(buildWordCountTopology(), settings(app), { backend });
        await produceStrings(
          backend,
          WORD_COUNT_INPUT,
          3,
          LINES.map((line, i) => ({ key: `line-${i}`, value: line })),
        );
        await streams.start();
        const expected = expectedCounts(LINES);
        const total = [...expected.values()].reduce((a, b) => a + b, 0);
        const out = await readTopic(backend, WORD_COUNT_OUTPUT, 3, (r) => r.length >= total);
        assert.deepEqual(latestCounts(out), expected);
        const internal = await backend.admin.describeTopics([
          `${app}-${WORD_COUNT_STORE}-repartition`,
          `${app}-${WORD_COUNT_STORE}-changelog`,
        ]);
        assert.deepEqual(
          internal.map((d) => d.partitions.length),
          [3, 3],
        );
        // Consumed repartition records are deleted after commit (repartition.purge.interval.ms is 0 here).
        const repartition = `${app}-${WORD_COUNT_STORE}-repartition`;
        const purged = async () => {
          const starts = await backend.admin.listOffsets(
            [0, 1, 2].map((partition) => ({ topic: repartition, partition, spec: 'earliest' as const })),
          );
          return starts.reduce((n, s) => n + s.offset, 0);
        };
        const deadline = Date.now() + 10_000;
        while ((await purged()) < total && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(await purged(), total);
        await streams.close();
      } finally {
        await backend.close();
      }
    });

    it('two instances share the work; one stops mid-stream, the other takes over and no count is lower', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const app = uniqueName('word-count');
      const instances: KafkaStreams[] = [];
      try {
        await recreateTopics(backend, [
          [WORD_COUNT_INPUT, 4],
          [WORD_COUNT_OUTPUT, 4],
        ]);
        for (let i = 0; i < 2; i++)
          instances.push(new KafkaStreams(buildWordCountTopology(), settings(app), { backend }));
        await Promise.all(instances.map((s) => s.start()));
        // 2 sub-topologies × 4 partitions = 8 tasks, 4 each
        const running = (s: KafkaStreams) =>
          s
            .metadataForLocalThreads()
            .flatMap((th) => th.activeTasks)
            .filter((task) => task.phase === 'running').length;
        await waitFor('tasks split between the instances', () => instances.every((s) => running(s) === 4));

        const batch = (round: number) =>
          Array.from({ length: 200 }, (_, i) => ({
            key: `l${round}-${i}`,
            value: `${LINES[i % LINES.length]} w${i % 13}`,
          }));
        const sent: string[] = [];
        const send = async (round: number) => {
          const records = batch(round);
          sent.push(...records.map((r) => r.value));
          await produceStrings(backend, WORD_COUNT_INPUT, 4, records);
        };
        await send(0);
        await send(1);
        await waitFor('both instances to process', () => instances.every((s) => s.processedRecords() > 0));
        await instances[0].close();
        await send(2);
        await waitFor(
          'the survivor to run all 8 tasks',
          () => running(instances[1]) === 8 && instances[1].state() === 'RUNNING',
          30_000,
        );
        await send(3);
        const expected = expectedCounts(sent);
        const out = await readTopic(
          backend,
          WORD_COUNT_OUTPUT,
          4,
          (r) => {
            const counts = maxCounts(r);
            return [...expected].every(([word, n]) => (counts.get(word) ?? 0) >= n);
          },
          30_000,
        );
        const counts = maxCounts(out);
        for (const [word, n] of expected)
          assert.ok((counts.get(word) ?? 0) >= n, `"${word}": ${counts.get(word)} < ${n}`);
      } finally {
        await Promise.allSettled(instances.map((s) => s.close({ timeoutMs: 10_000 })));
        await backend.close();
      }
    });
  });
}

test('npm start with KAFKA set runs the same demo on real Kafka and exits 0', (t) => {
  const kafka = process.env.TRIBUTARY_TEST_KAFKA;
  if (!kafka) return t.skip('no TRIBUTARY_TEST_KAFKA');
  const counts = countsIn(runMain({ ...process.env, KAFKA: kafka }));
  // The example's topics hold the lines of the tests above too: the demo's counts are at least its own.
  for (const [word, n] of Object.entries(EXPECTED_DEMO_COUNTS)) {
    assert.ok((counts.get(word) ?? 0) >= n, `count of "${word}"`);
  }
});
