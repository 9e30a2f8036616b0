/**
 * A suppressed session count under KafkaStreams, stopped and restarted mid-way (embedded broker, and real Kafka
 * when TRIBUTARY_TEST_KAFKA is set): the suppression buffer is restored from its changelog, so results held
 * back before the stop are emitted after it, and results emitted before it are not emitted again. Each final
 * session count appears exactly once, under at_least_once (a clean close commits the buffer with the input
 * offsets) and under exactly_once_v2 (read_committed). On real Kafka, an exactly_once_v2 instance killed with
 * SIGKILL mid-stream is replaced without any final result lost or repeated.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ConsumedRecord, KafkaBackend } from '../kafka/backend.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { AT_LEAST_ONCE, EXACTLY_ONCE_V2, type ProcessingGuarantee } from '../runtime/streams-config.ts';
import { produceStrings, readTopic, uniqueName } from '../runtime/test-support/runtime-harness.ts';
import { testBackends } from '../runtime/test-support/test-backends.ts';
import { finalSessionCounts, windowedStringSerde } from './test-support/final-session-counts.ts';
import { Windowed } from './windowed.ts';

const KEYS = Array.from({ length: 8 }, (_, i) => `user-${i}`);

/** `[user@start/end]=count` of every output record. */
function results(records: readonly ConsumedRecord[]): string[] {
  return records.map(
    (r) =>
      `${Windowed.toString(windowedStringSerde.deserializer('out', r.key))}=${r.value === null ? null : r.value.readBigInt64BE()}`,
  );
}

/**
 * Event times are offsets from a recent wall-clock instant, not from 1970: the session store's changelog is
 * `compact,delete` with retention.ms = store retention + 1 day (as in Kafka Streams), so the broker's next
 * retention check deletes records stamped in 1970 (rolling the active segment to do so; seen in CI), and a
 * crashed instance's replacement then restores a session store without the open sessions.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000;

/** Clicks of every key at each time, in time order (stream time is per task: a later key's click would be late). */
const events = (times: readonly number[]) =>
  times.flatMap((time) => KEYS.map((key) => ({ key, value: 'click', timestamp: T0 + time })));

/** `[key@start/end]=count` of the final count of every key's session from `start` to `end` (offsets from T0). */
const finalCounts = (start: number, end: number, count: number) =>
  KEYS.map((key) => `[${key}@${T0 + start}/${T0 + end}]=${count}`);

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
          const sessionA = finalCounts(1000, 1020, 3);
          const beforeStop = await read((r) => sessionA.every((s) => r.includes(s)));
          assert.deepEqual(beforeStop.sort(), [...sessionA].sort(), 'only the closed sessions before the stop');
          assert.equal(await first.close({ timeoutMs: 20_000 }), true);

          // After the restart, one click at 3000 per key moves stream time past B's end + gap. B was only ever in
          // the restored buffer (nothing after the restart touches its session), so it must come from there.
          const second = new KafkaStreams(finalSessionCounts(input, output), config, { backend });
          running.push(second);
          await second.start();
          await produceStrings(backend, input, 2, events([3000]));
          const sessionB = finalCounts(1500, 1510, 2);
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

const INSTANCE = fileURLToPath(new URL('./test-support/final-session-counts-instance.ts', import.meta.url));

describe('suppress(untilWindowCloses) on real Kafka when an exactly_once_v2 instance is killed', () => {
  it('SIGKILL mid-stream: the replacement emits every final session count exactly once (read_committed)', {
    timeout: 120_000,
  }, async (t) => {
    const address = process.env.TRIBUTARY_TEST_KAFKA;
    if (!address) return t.skip('no TRIBUTARY_TEST_KAFKA');
    const backend = new PlatformaticBackend({ bootstrapServers: [address] });
    const [input, output, app] = [uniqueName('clicks'), uniqueName('sessions'), uniqueName('app')];
    const sessionTimeoutMs = 6_000;
    const child = spawn(
      process.execPath,
      [
        INSTANCE,
        JSON.stringify({
          bootstrap: address,
          applicationId: app,
          input,
          output,
          sessionTimeoutMs,
          guarantee: EXACTLY_ONCE_V2,
        }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let replacement: KafkaStreams | undefined;
    const read = (until: (r: string[]) => boolean) =>
      readTopic(backend, output, 2, (r) => until(results(r)), 45_000, 'read_committed').then(results);
    try {
      await backend.admin.createTopics([
        { name: input, partitions: 2, replicationFactor: 1 },
        { name: output, partitions: 2, replicationFactor: 1 },
      ]);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the child instance did not reach RUNNING within 30 s')),
          30_000,
        );
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('RUNNING')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`the child instance exited with ${code} before RUNNING`)));
      });
      await produceStrings(backend, input, 2, events([1000, 1010, 1020, 1500, 1510]));
      const sessionA = finalCounts(1000, 1020, 3);
      await read((r) => sessionA.every((s) => r.includes(s)));
      // More clicks in session B, and the kill right behind them: no clean close, a transaction may be open.
      await produceStrings(backend, input, 2, events([1520]));
      child.kill('SIGKILL');
      await once(child, 'exit');

      replacement = new KafkaStreams(
        finalSessionCounts(input, output),
        {
          'application.id': app,
          'processing.guarantee': EXACTLY_ONCE_V2,
          'poll.ms': 50,
          'session.timeout.ms': sessionTimeoutMs,
          'heartbeat.interval.ms': 200,
        },
        { backend },
      );
      await replacement.start();
      await produceStrings(backend, input, 2, events([3000]));
      const sessionB = finalCounts(1500, 1520, 3);
      await read((r) => sessionB.every((s) => r.includes(s)));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const all = await read((r) => r.length >= sessionA.length + sessionB.length);
      assert.deepEqual(all.sort(), [...sessionA, ...sessionB].sort(), 'each final result exactly once');
    } finally {
      child.kill('SIGKILL');
      await replacement?.close({ timeoutMs: 10_000 });
      await backend.close();
    }
  });
});
