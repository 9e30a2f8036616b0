import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Consumed } from '../dsl/consumed.ts';
import { Materialized } from '../dsl/materialized.ts';
import { Produced } from '../dsl/produced.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { LogAndContinueExceptionHandler } from '../errors/deserialization-exception-handler.ts';
import { defaultEmbeddedBroker } from '../runtime/create-backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, uniqueName, waitFor } from '../runtime/test-support/runtime-harness.ts';
import { Serdes } from '../serdes/serdes.ts';
import type { Metric } from './metric.ts';
import { formatPrometheus } from './prometheus.ts';

function countTopology(input: string, output: string, store: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    .count(Materialized.as(store))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

const find = (metrics: Metric[], group: string, name: string, tags: Record<string, string> = {}) =>
  metrics.filter(
    (m) => m.group === group && m.name === name && Object.entries(tags).every(([k, v]) => m.tags[k] === v),
  );
const sum = (metrics: Metric[]) => metrics.reduce((total, m) => total + (m.value as number), 0);

describe('streams.metrics()', () => {
  it('counts processed records per thread and task, commits and polls, and reports lag, as records flow', async () => {
    const broker = defaultEmbeddedBroker();
    const [input, output, app, store] = [uniqueName('m-in'), uniqueName('m-out'), uniqueName('m-app'), 'm-counts'];
    await broker.admin.createTopics([
      { name: input, partitions: 2 },
      { name: output, partitions: 2 },
    ]);
    const streams = new KafkaStreams(
      countTopology(input, output, store),
      {
        'application.id': app,
        'commit.interval.ms': 50,
      },
      { backend: broker },
    );
    const before = streams.metrics();
    assert.equal(find(before, 'stream-metrics', 'state')[0].value, 'CREATED');
    assert.equal(find(before, 'stream-metrics', 'alive-stream-threads')[0].value, 0);
    await streams.start();
    try {
      await produceStrings(
        broker,
        input,
        2,
        Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 5}`, value: 'v' })),
      );
      await waitFor(
        '40 records processed',
        () => sum(find(streams.metrics(), 'stream-thread-metrics', 'process-total')) >= 40,
      );
      await waitFor('a commit', () => sum(find(streams.metrics(), 'stream-thread-metrics', 'commit-total')) >= 1);
      const metrics = streams.metrics();
      assert.equal(find(metrics, 'stream-metrics', 'state')[0].value, 'RUNNING');
      assert.equal(find(metrics, 'stream-metrics', 'alive-stream-threads')[0].value, 1);
      const threadId = find(metrics, 'stream-thread-metrics', 'process-total')[0].tags['thread-id'];
      assert.match(threadId, /StreamThread-1$/);
      assert.equal(sum(find(metrics, 'stream-thread-metrics', 'process-total')), 40);
      assert.ok((find(metrics, 'stream-thread-metrics', 'process-rate')[0].value as number) > 0);
      assert.ok((find(metrics, 'stream-thread-metrics', 'poll-total')[0].value as number) > 0);
      assert.ok((find(metrics, 'stream-thread-metrics', 'commit-latency-max')[0].value as number) > 0);
      assert.ok((find(metrics, 'stream-thread-metrics', 'blocked-time-ns-total')[0].value as number) > 0);
      // Two tasks (0_0, 0_1), whose process totals add up to the thread's.
      const taskTotals = find(metrics, 'stream-task-metrics', 'process-total');
      assert.deepEqual(taskTotals.map((m) => m.tags['task-id']).sort(), ['0_0', '0_1']);
      assert.equal(sum(taskTotals), 40);
      assert.equal(sum(find(metrics, 'stream-task-metrics', 'dropped-records-total')), 0);
      // The count store of each task, with the store's name as tag.
      assert.equal(find(metrics, 'stream-state-metrics', 'restore-total', { 'in-memory-state-id': store }).length, 2);
      // Everything was fetched: lag 0 on both input partitions.
      const lag = find(metrics, 'consumer-fetch-manager-metrics', 'records-lag', { topic: input });
      assert.deepEqual(lag.map((m) => m.tags.partition).sort(), ['0', '1']);
      assert.equal(sum(lag), 0);

      await produceStrings(
        broker,
        input,
        2,
        Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      );
      await waitFor(
        '50 records processed',
        () => sum(find(streams.metrics(), 'stream-task-metrics', 'process-total')) >= 50,
      );

      const text = formatPrometheus(streams.metrics());
      assert.match(text, /^kafka_streams_stream_thread_metrics_process_total\{thread_id="[^"]+"\} 50$/m);
      assert.match(text, /^kafka_streams_stream_metrics_state_info\{client_id="[^"]+",value="RUNNING"\} 1$/m);
    } finally {
      await streams.close();
    }
    assert.equal(find(streams.metrics(), 'stream-metrics', 'state')[0].value, 'NOT_RUNNING');
  });

  it('meters store operations at recording level DEBUG only, and counts records a handler dropped', async () => {
    const broker = defaultEmbeddedBroker();
    const run = async (level: 'INFO' | 'DEBUG') => {
      const [input, output, app] = [uniqueName('m2-in'), uniqueName('m2-out'), uniqueName('m2-app')];
      await broker.admin.createTopics([
        { name: input, partitions: 1 },
        { name: output, partitions: 1 },
      ]);
      const builder = new StreamsBuilder();
      // Values must be 8-byte longs: the 1-byte ones fail to deserialize and are dropped by the handler.
      builder
        .stream(input, Consumed.with(Serdes.String(), Serdes.Long()))
        .groupByKey()
        .count(Materialized.as('m2-store'))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
      const streams = new KafkaStreams(
        builder.build(),
        {
          'application.id': app,
          'metrics.recording.level': level,
          'deserialization.exception.handler': new LogAndContinueExceptionHandler(),
        },
        { backend: broker },
      );
      await streams.start();
      try {
        await produceStrings(broker, input, 1, [
          { key: 'a', value: '\u0000'.repeat(7) + '\u0005' },
          { key: 'b', value: 'x' },
          { key: 'a', value: '\u0000'.repeat(7) + '\u0007' },
          { key: 'c', value: 'y' },
        ]);
        const total = () => sum(find(streams.metrics(), 'stream-task-metrics', 'dropped-records-total'));
        await waitFor('2 records dropped', () => total() >= 2, 10_000);
        await waitFor(
          '2 records processed',
          () => sum(find(streams.metrics(), 'stream-task-metrics', 'process-total')) >= 2,
        );
        const metrics = streams.metrics();
        assert.equal(total(), 2);
        assert.ok((find(metrics, 'stream-task-metrics', 'dropped-records-rate')[0].value as number) > 0);
        return metrics.filter((m) => m.group === 'stream-state-metrics' && m.tags['in-memory-state-id'] === 'm2-store');
      } finally {
        await streams.close();
      }
    };
    const info = await run('INFO');
    assert.deepEqual(info.map((m) => m.name).sort(), ['restore-rate', 'restore-total']);
    const debug = await run('DEBUG');
    const rateOf = (name: string) => debug.find((m) => m.name === name)?.value as number;
    assert.ok(rateOf('put-rate') > 0, 'put-rate');
    assert.ok(rateOf('get-rate') > 0, 'get-rate');
    assert.equal(rateOf('delete-rate'), 0);
  });
});
