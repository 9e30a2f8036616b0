/**
 * KStream#toSink under KafkaStreams (embedded broker; the word count also on real Kafka when
 * TRIBUTARY_TEST_KAFKA is set): the SQLite table equals the counts of the input; a crash after the database
 * write and before the offset commit is replayed and the stored offsets keep the table exact; failed writes are
 * retried, then fail the thread with the sink's name (or are dropped under CONTINUE); a slow sink holds the
 * stream back instead of buffering without bound.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumed } from '../dsl/consumed.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { ProductionExceptionHandlerResponse } from '../errors/production-exception-handler.ts';
import { StreamThreadExceptionResponse } from '../errors/streams-uncaught-exception-handler.ts';
import type { KafkaBackend } from '../kafka/backend.ts';
import { EmbeddedBroker } from '../kafka/embedded/embedded-broker.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, uniqueName, waitFor } from '../runtime/test-support/runtime-harness.ts';
import { testBackends } from '../runtime/test-support/test-backends.ts';
import { Serdes } from '../serdes/serdes.ts';
import type { ExternalSink, SinkRecord, ToSinkOptions } from './external-sink.ts';
import {
  ObservedSqliteSink,
  openWordCountSink,
  TABLE,
  type WordCountSinkOptions,
  wordCountSinkApp,
} from './test-support/word-count-sink-app.ts';

const PARTITIONS = 2;

function lines(count: number, from = 0): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return { key: `line-${n}`, value: `w${n % 7} w${n % 3} w${n % 11} common` };
  });
}

function expectedCounts(input: readonly { value: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { value } of input) for (const w of value.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

function tableOf(file: string): Map<string, number> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare(`SELECT word, count FROM ${TABLE}`).all() as { word: string; count: number }[];
    return new Map(rows.map((r) => [r.word, Number(r.count)]));
  } catch {
    return new Map(); // the table is not created yet
  } finally {
    db.close();
  }
}

function sameCounts(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): boolean {
  return actual.size === expected.size && [...expected].every(([w, n]) => actual.get(w) === n);
}

async function topics(backend: KafkaBackend, ...names: string[]): Promise<void> {
  await backend.admin.createTopics(names.map((name) => ({ name, partitions: PARTITIONS, replicationFactor: 1 })));
}

for (const target of testBackends) {
  describe(`toSink on ${target.label}`, () => {
    it('word counts written with toSink(SqliteSink) equal the counts of the input, row for row', {
      timeout: 90_000,
    }, async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const dir = mkdtempSync(join(tmpdir(), 'tributary-sink-'));
      const options: WordCountSinkOptions = {
        applicationId: uniqueName('sink-app'),
        input: uniqueName('lines'),
        databaseFile: join(dir, 'counts.db'),
        mode: 'count',
      };
      const sink = openWordCountSink(options);
      const streams = wordCountSinkApp(options, sink, backend);
      try {
        await topics(backend, options.input);
        await streams.start();
        const input = lines(200);
        await produceStrings(backend, options.input, PARTITIONS, input);
        const expected = expectedCounts(input);
        await waitFor(
          'the table to hold every count',
          () => sameCounts(tableOf(options.databaseFile), expected),
          60_000,
        );
        assert.deepEqual(tableOf(options.databaseFile), expected);
      } finally {
        await streams.close({ timeoutMs: 20_000 });
        sink.close();
        rmSync(dir, { recursive: true, force: true });
        await backend.close();
      }
    });
  });
}

/** Fails flush() once, after its first write: a crash after the rows are in the database, before the commit. */
class CrashAfterWrite extends ObservedSqliteSink {
  crashed = false;
  override async flush(): Promise<void> {
    if (!this.crashed && this.written > 0) {
      this.crashed = true;
      throw new Error('simulated crash after the database write');
    }
  }
}

describe('toSink on the embedded broker', () => {
  for (const mode of ['count', 'accumulate'] as const) {
    it(`a crash between the database write and the offset commit leaves the table exact (${mode === 'count' ? 'KTable count, exactly_once_v2' : 'SQL accumulation, at_least_once'})`, {
      timeout: 90_000,
    }, async () => {
      const backend = new EmbeddedBroker({ groupMinSessionTimeoutMs: 500 });
      const dir = mkdtempSync(join(tmpdir(), 'tributary-sink-crash-'));
      const options: WordCountSinkOptions = {
        applicationId: uniqueName('sink-crash'),
        input: uniqueName('lines'),
        databaseFile: join(dir, 'counts.db'),
        mode,
        processingGuarantee: mode === 'count' ? 'exactly_once_v2' : 'at_least_once',
      };
      await topics(backend, options.input);
      const first = lines(150);
      const second = lines(100, 150);
      await produceStrings(backend, options.input, PARTITIONS, first);

      // The first instance writes rows, then "crashes" (its thread fails) before any offset is committed.
      const crashing = new CrashAfterWrite(openWordCountSink(options));
      const a = wordCountSinkApp(options, crashing, backend);
      let failure: Error | undefined;
      a.setUncaughtExceptionHandler((error) => {
        failure = error;
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      await a.start();
      await waitFor('the simulated crash', () => failure !== undefined, 30_000);
      await a.close({ timeoutMs: 20_000 });
      const applied = crashing.inner.appliedOffsets();
      crashing.inner.close();
      assert.match(failure!.message, /external sink "word-counts-db" of task \d+_\d+: flush failed: simulated crash/);
      const rowsAtCrash = tableOf(options.databaseFile);
      assert.ok(rowsAtCrash.size > 0, 'the crash came after rows were written');
      // The database is ahead of the group's commit for some input partition of the sink's task: the crash window.
      const committed = await backend.admin.fetchCommittedOffsets(
        options.applicationId,
        [...applied.keys()].map((id) => ({
          topic: id.slice(0, id.lastIndexOf('-')),
          partition: Number(id.slice(id.lastIndexOf('-') + 1)),
        })),
      );
      // Absent from the answer: nothing committed, the next offset to read is 0.
      const nextToRead = new Map(committed.map((c) => [`${c.topic}-${c.partition}`, c.offset]));
      assert.ok(
        [...applied].some(([id, offset]) => (nextToRead.get(id) ?? 0) <= offset),
        `the database applied ${JSON.stringify([...applied])} beyond the commit ${JSON.stringify(committed)}`,
      );

      // A new instance replays from the last commit; the records already in the database are skipped.
      const restarted = new ObservedSqliteSink(openWordCountSink(options));
      const b = wordCountSinkApp(options, restarted, backend);
      try {
        await b.start();
        await produceStrings(backend, options.input, PARTITIONS, second);
        const expected = expectedCounts([...first, ...second]);
        await waitFor(
          'the table to hold every count',
          () => sameCounts(tableOf(options.databaseFile), expected),
          60_000,
        );
        assert.ok(restarted.replayed > 0, 'the restarted instance replayed records the database had applied');
        await sleep(300); // a late (wrong) write would show now
        assert.deepEqual(tableOf(options.databaseFile), expected);
      } finally {
        await b.close({ timeoutMs: 20_000 });
        restarted.inner.close();
        rmSync(dir, { recursive: true, force: true });
        await backend.close();
      }
    });
  }

  /** A pipeline input → toSink(sink), on a fresh embedded broker, with `lines` already produced. */
  async function runSink(
    sink: ExternalSink<string, string>,
    sinkOptions: ToSinkOptions,
    config: Record<string, unknown>,
    input: { key: string; value: string }[],
  ): Promise<{ streams: KafkaStreams; failures: Error[]; processed: () => number; close: () => Promise<void> }> {
    const backend = new EmbeddedBroker({ groupMinSessionTimeoutMs: 500 });
    const topic = uniqueName('in');
    await topics(backend, topic);
    await produceStrings(backend, topic, PARTITIONS, input);
    let processed = 0;
    const builder = new StreamsBuilder();
    builder
      .stream(topic, Consumed.with(Serdes.String(), Serdes.String()))
      .peek(() => processed++)
      .toSink(sink, sinkOptions);
    const streams = new KafkaStreams(
      builder.build(),
      { 'application.id': uniqueName('sink-app'), 'commit.interval.ms': 100, 'poll.ms': 20, ...config },
      { backend },
    );
    const failures: Error[] = [];
    streams.setUncaughtExceptionHandler((error) => {
      failures.push(error);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    await streams.start();
    const close = async (): Promise<void> => {
      await streams.close({ timeoutMs: 10_000 });
      await backend.close();
    };
    return { streams, failures, processed: () => processed, close };
  }

  it('a failed write is retried with the same records, then succeeds', { timeout: 60_000 }, async () => {
    const written = new Map<string, string>();
    const attempts: number[] = [];
    let calls = 0;
    const sink: ExternalSink<string, string> = {
      name: 'flaky',
      async write(records, context) {
        attempts.push(context.attempt);
        if (++calls % 3 !== 0) throw new Error('temporarily unavailable');
        for (const r of records) written.set(r.key, r.value);
      },
    };
    const input = lines(40);
    const { close } = await runSink(sink, { retryBackoffMs: 5 }, {}, input);
    try {
      await waitFor('every record written', () => written.size === input.length, 30_000);
      assert.deepEqual(written, new Map(input.map((r) => [r.key, r.value])));
      assert.ok(attempts.includes(3), `third attempts happened: ${attempts.join(',')}`);
    } finally {
      await close();
    }
  });

  it('a write failing after its retries fails the stream thread with an error naming the sink', {
    timeout: 60_000,
  }, async () => {
    let calls = 0;
    const sink: ExternalSink<string, string> = {
      name: 'orders-db',
      async write() {
        calls++;
        throw new Error('connection refused');
      },
    };
    const { failures, close } = await runSink(sink, { retries: 2, retryBackoffMs: 5 }, {}, lines(10));
    try {
      await waitFor('the thread to fail', () => failures.length > 0, 30_000);
      assert.match(
        failures[0].message,
        /external sink "orders-db" of task 0_\d failed to write \d+ records after 3 attempts: connection refused/,
      );
      assert.equal(calls % 3, 0, 'each batch was tried 3 times (1 + 2 retries)');
    } finally {
      await close();
    }
  });

  it('under production.exception.handler CONTINUE a batch that keeps failing is dropped and the stream goes on', {
    timeout: 60_000,
  }, async () => {
    const written: SinkRecord<string, string>[] = [];
    const sink: ExternalSink<string, string> = {
      async write(records) {
        if (records.some((r) => r.value.includes('w0 '))) throw new Error('rejected row');
        written.push(...records);
      },
    };
    const seen: string[] = [];
    const input = lines(30);
    const { failures, close } = await runSink(
      sink,
      { retries: 1, retryBackoffMs: 1, batchSize: 1 },
      {
        'production.exception.handler': {
          handle: (_context: unknown, record: { topic: string }) => {
            seen.push(record.topic);
            return ProductionExceptionHandlerResponse.CONTINUE;
          },
        },
      },
      input,
    );
    try {
      const good = input.filter((r) => !r.value.includes('w0 '));
      const bad = input.length - good.length;
      await waitFor(
        'the good records written, the bad dropped',
        () => written.length === good.length && seen.length === bad,
        30_000,
      );
      assert.deepEqual(new Set(written.map((r) => r.key)), new Set(good.map((r) => r.key)));
      assert.ok(
        seen.every((topic) => topic.startsWith('KSTREAM-EXTERNALSINK-')),
        seen.join(','),
      );
      assert.equal(failures.length, 0);
    } finally {
      await close();
    }
  });

  it('a slow sink holds the stream back: records held for it stay bounded', { timeout: 60_000 }, async () => {
    let written = 0;
    let maxOutstanding = 0;
    let getProcessed = () => 0;
    const sink: ExternalSink<string, string> = {
      async write(records) {
        maxOutstanding = Math.max(maxOutstanding, getProcessed() - written);
        await sleep(20);
        written += records.length;
      },
    };
    const input = lines(2_000);
    const maxPollRecords = 5;
    const { processed, close } = await runSink(
      sink,
      { batchSize: 10, maxBufferedRecords: 40 },
      { 'max.poll.records': maxPollRecords },
      input,
    );
    getProcessed = processed;
    try {
      await waitFor('every record written', () => written === input.length, 50_000);
      // Per task: the buffer limit plus one processing round (max.poll.records x 10) may be held; 2 tasks.
      const bound = PARTITIONS * (40 + maxPollRecords * 10);
      assert.ok(maxOutstanding <= bound, `held at most ${maxOutstanding} records (bound ${bound})`);
      assert.ok(maxOutstanding >= 10, `the sink was the bottleneck (${maxOutstanding} held)`);
    } finally {
      await close();
    }
  });
});
