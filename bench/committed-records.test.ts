import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Producer } from '../src/kafka/backend.ts';
import { PlatformaticBackend } from '../src/kafka/platformatic/index.ts';
import { CommittedRecordCounter, committedSinkRecords } from './committed-records.ts';
import { sinkRecords } from './sink-records.ts';

const bootstrap = process.env.TRIBUTARY_TEST_KAFKA;

async function sendInTransaction(producer: Producer, topic: string, count: number, commit: boolean): Promise<void> {
  await producer.beginTransaction();
  await producer.send(
    Array.from({ length: count }, (_, i) => ({
      topic,
      partition: i % 2,
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
    })),
  );
  await (commit ? producer.commitTransaction() : producer.abortTransaction());
}

/**
 * Kafka writes a transaction's commit markers after EndTxn returns, so the last stable offset can lag the
 * commit by a moment: catch up again until the expected count shows or the deadline passes.
 */
async function countReaching(counter: CommittedRecordCounter, expected: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  let count = await counter.catchUp(deadline);
  while (count < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    count = await counter.catchUp(deadline);
  }
  return count;
}

test('counts only committed records of a transactional topic, where end offsets overcount', async (t) => {
  if (!bootstrap) return t.skip('no TRIBUTARY_TEST_KAFKA');
  const topic = `bench-committed-${randomUUID().slice(0, 8)}`;
  const backend = new PlatformaticBackend({ bootstrapServers: bootstrap.split(','), clientId: 'committed-test' });
  const producer = await backend.createProducer({ transactionalId: `committed-test-${randomUUID()}` });
  try {
    await backend.admin.createTopics([{ name: topic, partitions: 2 }]);
    const counter = await CommittedRecordCounter.open(bootstrap, topic);
    try {
      await sendInTransaction(producer, topic, 3, true);
      assert.equal(await countReaching(counter, 3), 3);
      await sendInTransaction(producer, topic, 2, false);
      await sendInTransaction(producer, topic, 1, true);
      // Reads on from where it stopped: the aborted 2 are not output, the later committed 1 is.
      assert.equal(await countReaching(counter, 4), 4);
      // A transaction still open holds the last stable offset back: not counted, and catchUp still returns.
      await producer.beginTransaction();
      await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('open') }]);
      assert.equal(await counter.catchUp(Date.now() + 15_000), 4);
      await producer.abortTransaction();
    } finally {
      await counter.close();
    }
    assert.equal(await committedSinkRecords(bootstrap, topic, 15_000), 4);
    // 3 + 2 + 1 + 1 records and a marker per transaction and partition: the end offsets say more than 4.
    assert.ok((await sinkRecords(bootstrap, topic)) > 4);
  } finally {
    await producer.close();
    await backend.admin.deleteTopics([topic]).catch(() => {});
    await backend.close();
  }
});
