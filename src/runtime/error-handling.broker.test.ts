/**
 * Error handlers under KafkaStreams (embedded broker, and real Kafka when TRIBUTARY_TEST_KAFKA is set): a record
 * that cannot be deserialized is skipped by LogAndContinueExceptionHandler, counted as dropped on its task, and
 * sent with its original bytes and the error in headers to the dead-letter queue topic.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Consumed } from '../dsl/consumed.ts';
import { Produced } from '../dsl/produced.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { DLQ_HEADER_MESSAGE, DLQ_HEADER_OFFSET } from '../errors/dead-letter-queue.ts';
import { LogAndContinueExceptionHandler } from '../errors/deserialization-exception-handler.ts';
import { Serdes } from '../serdes/serdes.ts';
import { KafkaStreams } from './kafka-streams.ts';
import { produceStrings, readTopic, uniqueName } from './test-support/runtime-harness.ts';
import { testBackends } from './test-support/test-backends.ts';

for (const target of testBackends) {
  describe(`error handling on ${target.label}`, () => {
    it('skips a record that cannot be deserialized, counts it as dropped and sends it to the dead-letter queue', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [input, output, dlq, app] = [uniqueName('in'), uniqueName('out'), uniqueName('dlq'), uniqueName('app')];
      try {
        await backend.admin.createTopics([
          { name: input, partitions: 1, replicationFactor: 1 },
          { name: output, partitions: 1, replicationFactor: 1 },
          { name: dlq, partitions: 1, replicationFactor: 1 },
        ]);
        const values = ['{"n":1}', '{not json', '{"n":3}'];
        await produceStrings(
          backend,
          input,
          1,
          values.map((value, i) => ({ key: `k${i}`, value })),
        );

        const builder = new StreamsBuilder();
        builder
          .stream(input, Consumed.with(Serdes.String(), Serdes.JSON<{ n: number }>()))
          .mapValues((v) => v.n * 10)
          .to(output, Produced.with(Serdes.String(), Serdes.Integer()));
        const streams = new KafkaStreams(
          builder.build(),
          {
            'application.id': app,
            'poll.ms': 50,
            'deserialization.exception.handler': new LogAndContinueExceptionHandler(),
            'errors.dead.letter.queue.topic.name': dlq,
          },
          { backend },
        );
        const originalWarn = console.warn;
        console.warn = () => {}; // the handler logs the skipped record
        try {
          await streams.start();
          const out = await readTopic(backend, output, 1, (r) => r.length >= 2);
          assert.deepEqual(
            out.map((r) => r.value!.readInt32BE()),
            [10, 30],
          );
          const dead = await readTopic(backend, dlq, 1, (r) => r.length >= 1);
          assert.equal(dead[0].value!.toString(), '{not json');
          assert.equal(dead[0].key!.toString(), 'k1');
          const header = (key: string) => dead[0].headers.find((h) => h.key === key)?.value?.toString();
          assert.equal(header(DLQ_HEADER_OFFSET), '1');
          assert.ok((header(DLQ_HEADER_MESSAGE) ?? '').length > 0);
          const dropped = streams
            .metadataForLocalThreads()
            .flatMap((th) => th.activeTasks)
            .reduce((n, task) => n + task.droppedRecords, 0);
          assert.equal(dropped, 1);
        } finally {
          console.warn = originalWarn;
          await streams.close();
        }
      } finally {
        await backend.close();
      }
    });
  });
}
