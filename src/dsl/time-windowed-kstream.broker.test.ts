/**
 * A windowed count in KafkaStreams on a broker (embedded, and real Kafka when TRIBUTARY_TEST_KAFKA is set):
 * its window store is logged to a compact,delete changelog, restored from it after a restart, and the counts of
 * the same windows continue from where they were (not from zero, not double-counted).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumedRecord } from '../kafka/backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, readTopic, uniqueName } from '../runtime/test-support/runtime-harness.ts';
import { testBackends } from '../runtime/test-support/test-backends.ts';
import { Serdes } from '../serdes/serdes.ts';
import { timeWindowedSerdeFrom } from '../serdes/time-windowed-serde.ts';
import { Materialized } from './materialized.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { TimeWindows } from './time-windows.ts';

const WINDOW = 60_000;
// A window start (a multiple of 60 s) three hours ago: a real broker deletes records older than the topic's
// retention once its retention check runs, so a fixed old time could vanish mid-test.
const BASE = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
const windowedKeys = timeWindowedSerdeFrom(Serdes.String(), WINDOW);

function topology(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input)
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, 10 * WINDOW))
    .count(Materialized.as('windowed-counts'))
    .toStream()
    .to(output, { keySerde: windowedKeys, valueSerde: Serdes.Long() });
  return builder.build();
}

/** i-th record: one of 4 keys, in one of 2 windows (8 key-window pairs). */
function records(count: number, offset: number): { key: string; value: string; timestamp: number }[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + offset;
    return { key: `user-${i % 4}`, value: `v${i}`, timestamp: BASE + (Math.floor(i / 4) % 2) * WINDOW + i };
  });
}

/** `[key@windowStart]` → how many of the first `total` records fall in that key and window. */
function expected(total: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records(total, 0)) {
    const window = `[${r.key}@${r.timestamp - ((r.timestamp - BASE) % WINDOW)}]`;
    counts.set(window, (counts.get(window) ?? 0) + 1);
  }
  return counts;
}

/** windowed key (without end) → the latest count emitted for it. */
function latestCounts(out: readonly ConsumedRecord[], topic: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of out) {
    const key = windowedKeys.deserializer(topic, r.key);
    counts.set(`[${key.key}@${key.window.start}]`, Number(r.value!.readBigInt64BE()));
  }
  return counts;
}

for (const target of testBackends) {
  describe(`windowed count on ${target.label}`, () => {
    it('restores its window store from the changelog after a restart and keeps counting the same windows', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, app] = [uniqueName('win-in'), uniqueName('win-out'), uniqueName('win-app')];
      const config = {
        'application.id': app,
        'commit.interval.ms': 100,
        'poll.ms': 50,
        'session.timeout.ms': target.sessionTimeoutMs,
        'heartbeat.interval.ms': 200,
      };
      const running: KafkaStreams[] = [];
      try {
        await backend.admin.createTopics([
          { name: input, partitions: 2, replicationFactor: 1 },
          { name: output, partitions: 2, replicationFactor: 1 },
        ]);
        await produceStrings(backend, input, 2, records(40, 0));
        const first = new KafkaStreams(topology(input, output), config, { backend });
        running.push(first);
        await first.start();
        await readTopic(backend, output, 2, (r) => r.length >= 40);
        assert.equal(await first.close({ timeoutMs: 10_000 }), true);

        const changelog = `${app}-windowed-counts-changelog`;
        const [description] = await backend.admin.describeTopics([changelog]);
        assert.equal(description!.partitions.length, 2);
        const embedded = (backend as { topics?: Map<string, { configs: Record<string, string> }> }).topics;
        if (embedded !== undefined) {
          const configs = embedded.get(changelog)!.configs;
          assert.equal(configs['cleanup.policy'], 'compact,delete');
          assert.equal(configs['retention.ms'], String(11 * WINDOW + 86_400_000));
        }
        // The changelog holds Java's WindowKeySchema keys: [key][window start 8 bytes][seq 4 bytes].
        const logged = await readTopic(backend, changelog, 2, (r) => r.length >= 8);
        for (const record of logged) {
          const key = record.key!;
          const start = Number(key.readBigInt64BE(key.length - 12));
          assert.ok(start === BASE || start === BASE + WINDOW, `window start ${start} in the changelog key`);
          assert.match(key.subarray(0, key.length - 12).toString(), /^user-[0-3]$/);
          assert.equal(key.readInt32BE(key.length - 4), 0);
        }

        await produceStrings(backend, input, 2, records(20, 40));
        const second = new KafkaStreams(topology(input, output), config, { backend });
        running.push(second);
        await second.start();
        const out = await readTopic(backend, output, 2, (r) => r.length >= 60);
        assert.equal(out.length, 60, 'each input record updates exactly one window once');
        assert.deepEqual(latestCounts(out, output), expected(60));
        assert.equal(await second.close({ timeoutMs: 10_000 }), true);
      } finally {
        await Promise.allSettled(running.map((s) => s.close({ timeoutMs: 10_000 })));
        await backend.close();
      }
    });
  });
}
