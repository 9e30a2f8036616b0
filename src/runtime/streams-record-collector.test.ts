import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  failOnProductionError,
  type ProductionExceptionHandler,
  ProductionExceptionHandlerResponse,
} from '../errors/production-exception-handler.ts';
import { EmbeddedBroker } from '../kafka/embedded/embedded-broker.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import { StreamsRecordCollector } from './streams-record-collector.ts';
import { readTopic } from './test-support/runtime-harness.ts';

async function setup(handler: ProductionExceptionHandler = failOnProductionError, counts = new Map<string, number>()) {
  const broker = new EmbeddedBroker();
  await broker.admin.createTopics([{ name: 'out', partitions: 5 }]);
  const producer = await broker.createProducer();
  return {
    broker,
    collector: new StreamsRecordCollector({ producer, admin: broker.admin, handler, partitionCounts: counts }),
  };
}

const record = (key: string | null, topic = 'out') => ({
  topic,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from('v'),
  timestamp: 1000,
  headers: [],
});

describe('StreamsRecordCollector', () => {
  it('partitions keys like Java and keeps explicit partitions', async () => {
    const { broker, collector } = await setup(failOnProductionError, new Map([['out', 5]]));
    for (const key of ['alpha', 'beta', 'gamma', 'delta']) collector.send(record(key));
    collector.send({ ...record('pinned'), partition: 4 });
    await collector.flush();
    const out = await readTopic(broker, 'out', 5, (r) => r.length >= 5);
    for (const r of out) {
      const key = r.key!.toString();
      assert.equal(r.partition, key === 'pinned' ? 4 : partitionForKey(Buffer.from(key), 5), key);
    }
  });

  it('partitions each topic by its own partition count when records alternate between topics', async () => {
    const { broker, collector } = await setup(
      failOnProductionError,
      new Map([
        ['out', 5],
        ['single', 1],
      ]),
    );
    await broker.admin.createTopics([{ name: 'single', partitions: 1 }]);
    const keys = ['alpha', 'beta', 'gamma', 'delta'];
    for (const key of keys) {
      collector.send(record(key));
      collector.send(record(key, 'single'));
    }
    await collector.flush();
    const out = await readTopic(broker, 'out', 5, (r) => r.length >= keys.length);
    for (const r of out) assert.equal(r.partition, partitionForKey(r.key!, 5), r.key!.toString());
    const single = await readTopic(broker, 'single', 1, (r) => r.length >= keys.length);
    assert.deepEqual(
      single.map((r) => [r.partition, r.key!.toString()]),
      keys.map((k) => [0, k]),
    );
  });

  it('learns the partition count of a topic it has not seen and sends without waiting for a flush', async () => {
    const { broker, collector } = await setup();
    collector.send(record('x'));
    assert.equal(collector.partitionsFor('out'), undefined);
    collector.dispatch();
    const out = await readTopic(broker, 'out', 5, (r) => r.length >= 1, 5_000);
    assert.equal(out[0].partition, partitionForKey(Buffer.from('x'), 5));
    assert.equal(collector.partitionsFor('out'), 5);
  });

  it('fails the flush naming a topic that does not exist', async () => {
    const { collector } = await setup();
    collector.send(record('x', 'nowhere'));
    await assert.rejects(collector.flush(), /"nowhere"/);
  });

  it('drops a failed batch when the production handler says CONTINUE, and fails on FAIL', async () => {
    const seen: string[] = [];
    const { collector } = await setup({
      handle: (context, rec, error) => {
        seen.push(`${context.taskId}:${rec.topic}:${error.message.includes('partition 9') ? 'p9' : error.message}`);
        return ProductionExceptionHandlerResponse.CONTINUE;
      },
    });
    collector.currentTaskId = '0_3';
    collector.send({ ...record('x'), partition: 9 });
    await collector.flush();
    assert.deepEqual(seen, ['0_3:out:p9']);

    const failing = await setup(failOnProductionError);
    failing.collector.currentTaskId = '1_0';
    failing.collector.send({ ...record('x'), partition: 9 });
    await assert.rejects(failing.collector.flush(), /task 1_0 could not send a record to topic "out"/);
    assert.throws(() => failing.collector.send(record('y')), /task 1_0/);
  });
});
