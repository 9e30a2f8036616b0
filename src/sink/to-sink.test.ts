/**
 * toSink without a broker: on the TopologyTestDriver the sink gets every record with its input position (the
 * driver commits after each piped record, starting the writes without awaiting them); bad options and bad
 * sinks are refused when the topology is built, naming the sink.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { Consumed } from '../dsl/consumed.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import type { ExternalSink, SinkRecord } from './external-sink.ts';

describe('KStream#toSink', () => {
  it('hands each record to the sink with the topic, partition and offset of its input record', async () => {
    const received: SinkRecord<string, string>[] = [];
    const sink: ExternalSink<string, string> = {
      async write(records) {
        received.push(...records);
      },
    };
    const builder = new StreamsBuilder();
    builder
      .stream('in', Consumed.with(Serdes.String(), Serdes.String()))
      .flatMapValues((v) => [v, v.toUpperCase()])
      .toSink(sink);
    const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'sink-test' });
    try {
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
      input.pipeInput('a', 'x', 10);
      input.pipeInput('b', 'y', 20);
      await turn(); // the driver does not await the sink's writes
      assert.deepEqual(
        received.map((r) => [r.key, r.value, r.timestamp, r.topic, r.partition, r.offset]),
        [
          ['a', 'x', 10, 'in', 0, 0],
          ['a', 'X', 10, 'in', 0, 0],
          ['b', 'y', 20, 'in', 0, 1],
          ['b', 'Y', 20, 'in', 0, 1],
        ],
      );
    } finally {
      driver.close();
    }
  });

  it('refuses a sink without write() and options out of range, naming the sink', () => {
    const stream = new StreamsBuilder().stream('in', Consumed.with(Serdes.String(), Serdes.String()));
    assert.throws(() => stream.toSink({} as ExternalSink<string, string>), /the sink must be an object with write/);
    const sink: ExternalSink<string, string> = { name: 'orders-db', write: async () => {} };
    assert.throws(() => stream.toSink(sink, { batchSize: 0 }), /toSink "orders-db": batchSize must be an integer >= 1/);
    assert.throws(
      () => stream.toSink(sink, { batchSize: 100, maxBufferedRecords: 10 }),
      /toSink "orders-db": batchSize \(100\) must not exceed maxBufferedRecords \(10\)/,
    );
  });
});
