/**
 * A suppressed session count under KafkaStreams, stopped and restarted mid-way (embedded broker, and real Kafka
 * when TRIBUTARY_TEST_KAFKA is set): the suppression buffer is restored from its changelog, so results held
 * back before the stop are emitted after it, and results emitted before it are not emitted again. Each final
 * session count appears exactly once, under at_least_once (a clean close commits the buffer with the input
 * offsets) and under exactly_once_v2 (read_committed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumedRecord, KafkaBackend } from '../kafka/backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { AT_LEAST_ONCE, EXACTLY_ONCE_V2, type ProcessingGuarantee } from '../runtime/streams-config.ts';
import { produceStrings, readTopic, uniqueName } from '../runtime/test-support/runtime-harness.ts';
import { testBackends } from '../runtime/test-support/test-backends.ts';
import { Serdes } from '../serdes/serdes.ts';
import { sessionWindowedSerdeFrom } from '../serdes/session-windowed-serde.ts';
import type { Topology } from '../topology/topology.ts';
import { SessionWindows } from './session-windows.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { BufferConfig, Suppressed } from './suppressed.ts';
import { Windowed } from './windowed.ts';

const GAP = 100;
const KEYS = Array.from({ length: 8 }, (_, i) => `user-${i}`);
const windowedSerde = sessionWindowedSerdeFrom(Serdes.String());

function finalSessionCounts(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input)
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(GAP))
    .count()
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to(output, { keySerde: windowedSerde, valueSerde: Serdes.Long() });
  return b.build();
}

/** `[user@start/end]=count` of every output record. */
function results(records: readonly ConsumedRecord[]): string[] {
  return records.map(
    (r) =>
      `${Windowed.toString(windowedSerde.deserializer('out', r.key))}=${r.value === null ? null : r.value.readBigInt64BE()}`,
  );
}

/** Clicks of every key at each time, in time order (stream time is per task: a later key's click would be late). */
const events = (times: readonly number[]) =>
  times.flatMap((timestamp) => KEYS.map((key) => ({ key, value: 'click', timestamp })));

for (const target of testBackends) {
  for (const guarantee of [AT_LEAST_ONCE, EXACTLY_ONCE_V2] as ProcessingGuarantee[]) {
    describe(`suppress(untilWindowCloses) across a restart on ${target.label}, ${guarantee}`, () => {
      it('emits every final session count exactly once, including those buffered when the instance stopped', async (t) => {
        const backend: KafkaBackend | undefined = target.open();
        if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
        const [input, output, app] = [uniqueName('clicks'), uniqueName('sessions'), uniqueName('app')];
        const isolation = guarantee === EXACTLY_ONCE_V2 ? 'read_committed' : 'read_uncommitted';
        const config = {
          'application.id': app,
          'processing.guarantee': guarantee,
          'commit.interval.ms': 100,
          'poll.ms': 50,
          'session.timeout.ms': target.sessionTimeoutMs,
          'heartbeat.interval.ms': 200,
        };
        const read = (until: (r: string[]) => boolean) =>
          readTopic(backend, output, 2, (r) => until(results(r)), 30_000, isolation).then(results);
        const running: KafkaStreams[] = [];
        try {
          await backend.admin.createTopics([
            { name: input, partitions: 2, replicationFactor: 1 },
            { name: output, partitions: 2, replicationFactor: 1 },
          ]);
          // Session A [1000, 1020] (3 clicks) closes when session B starts at 1500 (> 1020 + gap);
          // B [1500, 1510] (2 clicks) is still open when the instance stops: it waits in the suppression buffer.
          await produceStrings(backend, input, 2, events([1000, 1010, 1020, 1500, 1510]));
          const first = new KafkaStreams(finalSessionCounts(input, output), config, { backend });
          running.push(first);
          await first.start();
          const sessionA = KEYS.map((key) => `[${key}@1000/1020]=3`);
          const beforeStop = await read((r) => sessionA.every((s) => r.includes(s)));
          assert.deepEqual(beforeStop.sort(), [...sessionA].sort(), 'only the closed sessions before the stop');
          assert.equal(await first.close({ timeoutMs: 20_000 }), true);

          // After the restart, one click at 3000 per key moves stream time past B's end + gap. B was only ever in
          // the restored buffer (nothing after the restart touches its session), so it must come from there.
          const second = new KafkaStreams(finalSessionCounts(input, output), config, { backend });
          running.push(second);
          await second.start();
          await produceStrings(backend, input, 2, events([3000]));
          const sessionB = KEYS.map((key) => `[${key}@1500/1510]=2`);
          await read((r) => sessionB.every((s) => r.includes(s)));
          // Give a duplicate time to show up (a re-emitted A, or B twice) before judging.
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          const all = await read((r) => r.length >= sessionA.length + sessionB.length);
          assert.deepEqual(all.sort(), [...sessionA, ...sessionB].sort(), 'each final result exactly once');
          assert.equal(await second.close({ timeoutMs: 20_000 }), true);
        } finally {
          await Promise.allSettled(running.map((s) => s.close({ timeoutMs: 10_000 })));
          await backend.close();
        }
      });
    });
  }
}
