import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TopicExistsError, UnknownTopicError } from '../backend.ts';
import { PlatformaticBackend } from './platformatic-backend.ts';
import { kafkaAddress, uniqueName } from './test-support.ts';

describe('PlatformaticAdmin on real Kafka', { skip: kafkaAddress ? false : 'no TRIBUTARY_TEST_KAFKA' }, () => {
  let backend: PlatformaticBackend;
  before(() => {
    backend = new PlatformaticBackend({ bootstrapServers: [kafkaAddress as string], clientId: 'admin-test' });
  });
  after(() => backend.close());

  it('creates a compacted topic, reports it exists, and tolerates it with ifNotExists', {
    timeout: 60_000,
  }, async () => {
    const name = uniqueName('pf-admin');
    await backend.admin.createTopics([
      { name, partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } },
    ]);
    await assert.rejects(backend.admin.createTopics([{ name, partitions: 3 }]), TopicExistsError);
    await backend.admin.createTopics([{ name, partitions: 3 }], { ifNotExists: true });
    const [described] = await backend.admin.describeTopics([name]);
    assert.equal(described.partitions.length, 3);
    assert.ok(described.partitions.every((p) => p.leader >= 0 && p.replicas.length === 1));
    assert.ok((await backend.admin.listTopics()).includes(name));
    await backend.admin.deleteTopics([name]);
  });

  it('names the missing topic in describeTopics and listOffsets', { timeout: 30_000 }, async () => {
    const missing = uniqueName('pf-missing');
    await assert.rejects(
      backend.admin.describeTopics([missing]),
      (e: Error) => e instanceof UnknownTopicError && e.message.includes(missing),
    );
    await assert.rejects(
      backend.admin.listOffsets([{ topic: missing, partition: 0, spec: 'latest' }]),
      (e: Error) => e instanceof UnknownTopicError && e.message.includes(missing),
    );
  });

  it('lists earliest, latest and by-timestamp offsets, and deletes records before an offset', {
    timeout: 60_000,
  }, async () => {
    const topic = uniqueName('pf-offsets');
    // Three hours ago: older times could be deleted by the broker's retention check mid-test.
    const t0 = Date.now() - 3 * 3_600_000;
    await backend.admin.createTopics([{ name: topic, partitions: 1 }]);
    const producer = await backend.createProducer();
    await producer.send(
      Array.from({ length: 10 }, (_, i) => ({
        topic,
        partition: 0,
        key: null,
        value: Buffer.from(`${i}`),
        timestamp: t0 + i * 10,
      })),
    );
    await producer.close();
    const listed = await backend.admin.listOffsets([
      { topic, partition: 0, spec: 'earliest' },
      { topic, partition: 0, spec: 'latest' },
      { topic, partition: 0, spec: { timestamp: t0 + 35 } },
      { topic, partition: 0, spec: { timestamp: t0 + 9_000_000 } },
    ]);
    assert.deepEqual(
      listed.map((l) => l.offset),
      [0, 10, 4, -1],
    );
    const deleted = await backend.admin.deleteRecords([{ topic, partition: 0, offset: 6 }]);
    assert.deepEqual(deleted, [{ topic, partition: 0, offset: 6 }]);
    const [earliest] = await backend.admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }]);
    assert.equal(earliest.offset, 6);
    await backend.admin.deleteTopics([topic]);
  });

  it('lists the last stable offset as latest under read_committed while a transaction is open', {
    timeout: 60_000,
  }, async () => {
    const topic = uniqueName('pf-lso');
    await backend.admin.createTopics([{ name: topic, partitions: 1 }]);
    const plain = await backend.createProducer();
    await plain.send([{ topic, partition: 0, key: null, value: Buffer.from('committed') }]);
    const transactional = await backend.createProducer({ transactionalId: uniqueName('lso') });
    await transactional.beginTransaction();
    await transactional.send(
      [1, 2, 3].map((i) => ({ topic, partition: 0, key: null, value: Buffer.from(`open ${i}`) })),
    );
    const latest = async (isolationLevel: 'read_committed' | 'read_uncommitted') =>
      (await backend.admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], { isolationLevel }))[0].offset;
    assert.equal(await latest('read_uncommitted'), 4);
    assert.equal(await latest('read_committed'), 1);
    await transactional.commitTransaction();
    // The commit marker takes offset 4; the LSO moves past it once the marker is written.
    const deadline = Date.now() + 10_000;
    while ((await latest('read_committed')) !== 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await latest('read_committed'), 5);
    await Promise.all([plain.close(), transactional.close()]);
  });
});
