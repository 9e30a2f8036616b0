import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FencedError, type FetchedBatch, type Fetcher } from '../backend.ts';
import { PlatformaticBackend } from './platformatic-backend.ts';
import { kafkaAddress, uniqueName } from './test-support.ts';

async function drain(fetcher: Fetcher, expected: number, timeoutMs = 15_000): Promise<FetchedBatch[]> {
  const out: FetchedBatch[] = [];
  let count = 0;
  const deadline = Date.now() + timeoutMs;
  while (count < expected && Date.now() < deadline) {
    for (const batch of await fetcher.poll(200)) {
      out.push(batch);
      count += batch.records.length;
    }
  }
  return out;
}

/** The values of fetched batches as strings, in order. */
function valuesOf(batches: readonly FetchedBatch[]): (string | undefined)[] {
  return batches.flatMap((b) => b.records.map((r) => r.value?.toString()));
}

describe('PlatformaticBackend producer and fetcher on real Kafka', {
  skip: kafkaAddress ? false : 'no TRIBUTARY_TEST_KAFKA',
}, () => {
  let backend: PlatformaticBackend;
  before(() => {
    backend = new PlatformaticBackend({ bootstrapServers: [kafkaAddress as string], clientId: 'producer-test' });
  });
  after(() => backend.close());

  it('round-trips keys, values, headers and timestamps, with offsets in send order', { timeout: 60_000 }, async () => {
    const topic = uniqueName('pf-roundtrip');
    await backend.admin.createTopics([{ name: topic, partitions: 2 }]);
    const producer = await backend.createProducer();
    const records = Array.from({ length: 50 }, (_, i) => ({
      topic,
      partition: i % 2,
      key: i === 7 ? null : Buffer.from(`k${i}`),
      value: i === 9 ? null : Buffer.from(`v${i}`),
      timestamp: 1_700_000_000_000 + i,
      headers:
        i % 5 === 0
          ? [
              { key: 'h', value: Buffer.from(`hv${i}`) },
              { key: 'n', value: null },
            ]
          : undefined,
    }));
    const metadata = await producer.send(records);
    assert.equal(metadata.length, 50);
    assert.deepEqual(
      metadata.slice(0, 4).map((m) => [m.partition, m.offset]),
      [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    );
    const fetcher = backend.createFetcher();
    fetcher.assign([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    const batches = await drain(fetcher, 50);
    const got = batches.flatMap((b) => b.records.map((r) => ({ p: b.partition, ...r })));
    assert.equal(got.length, 50);
    for (const r of got) {
      const i = r.p + 2 * r.offset;
      assert.equal(r.timestamp, 1_700_000_000_000 + i);
      assert.deepEqual(r.key, records[i].key);
      assert.deepEqual(r.value, records[i].value);
      assert.deepEqual(
        r.headers.map((h) => [h.key, h.value?.toString() ?? null]),
        (records[i].headers ?? []).map((h) => [h.key, h.value?.toString() ?? null]),
      );
    }
    assert.equal(batches.find((b) => b.partition === 0)?.highWatermark, 25);
    assert.equal(fetcher.position({ topic, partition: 1 }), 25);
    await fetcher.close();
    await producer.close();
  });

  it('hides aborted transactions from read_committed fetchers but not from read_uncommitted ones', {
    timeout: 60_000,
  }, async () => {
    const topic = uniqueName('pf-txn');
    await backend.admin.createTopics([{ name: topic, partitions: 1 }]);
    const producer = await backend.createProducer({ transactionalId: uniqueName('txn') });
    const rec = (v: string) => ({ topic, partition: 0, key: null, value: Buffer.from(v) });
    await producer.beginTransaction();
    await producer.send([rec('a1'), rec('a2')]);
    await producer.abortTransaction();
    await producer.beginTransaction();
    await producer.send([rec('c1')]);
    await producer.commitTransaction();
    await producer.close();

    const committed = backend.createFetcher({ isolationLevel: 'read_committed' });
    committed.assign([{ topic, partition: 0 }]);
    const seen = valuesOf(await drain(committed, 1));
    assert.deepEqual(seen, ['c1']);
    // Two data batches plus two markers: the position moves past the commit marker.
    const more = await committed.poll(300);
    assert.deepEqual(more, []);
    assert.equal(committed.position({ topic, partition: 0 }), 5);

    const uncommitted = backend.createFetcher({ isolationLevel: 'read_uncommitted' });
    uncommitted.assign([{ topic, partition: 0 }]);
    const all = valuesOf(await drain(uncommitted, 3));
    assert.deepEqual(all, ['a1', 'a2', 'c1']);
    await committed.close();
    await uncommitted.close();
  });

  it('fences the older of two producers with the same transactional id', { timeout: 60_000 }, async () => {
    const topic = uniqueName('pf-fence');
    await backend.admin.createTopics([{ name: topic, partitions: 1 }]);
    const id = uniqueName('fence');
    const older = await backend.createProducer({ transactionalId: id });
    await older.beginTransaction();
    await older.send([{ topic, partition: 0, key: null, value: Buffer.from('old') }]);
    const newer = await backend.createProducer({ transactionalId: id });
    await assert.rejects(async () => {
      await older.send([{ topic, partition: 0, key: null, value: Buffer.from('old2') }]);
      await older.commitTransaction();
    }, FencedError);
    await newer.beginTransaction();
    await newer.send([{ topic, partition: 0, key: null, value: Buffer.from('new') }]);
    await newer.commitTransaction();
    await older.close();
    await newer.close();
  });

  it('produces without idempotence with acks 1 and acks 0, and compressed', { timeout: 60_000 }, async () => {
    const topic = uniqueName('pf-acks');
    await backend.admin.createTopics([{ name: topic, partitions: 1 }]);
    const value = (v: string) => ({ topic, partition: 0, key: null, value: Buffer.from(v) });
    const leaderOnly = await backend.createProducer({ idempotent: false, acks: 1, compression: 'lz4' });
    assert.deepEqual(
      (await leaderOnly.send([value('a'), value('b')])).map((m) => m.offset),
      [0, 1],
    );
    const fireAndForget = await backend.createProducer({ idempotent: false, acks: 0, compression: 'gzip' });
    const unacked = await fireAndForget.send([value('c')]);
    assert.equal(unacked[0].offset, -1, 'acks 0 reports no offset');
    const fetcher = backend.createFetcher();
    fetcher.assign([{ topic, partition: 0 }]);
    const values = valuesOf(await drain(fetcher, 3));
    assert.deepEqual(values, ['a', 'b', 'c']);
    await Promise.all([leaderOnly.close(), fireAndForget.close(), fetcher.close()]);
  });

  it('refuses a partition the topic does not have, naming the topic', { timeout: 30_000 }, async () => {
    const topic = uniqueName('pf-range');
    await backend.admin.createTopics([{ name: topic, partitions: 2 }]);
    const producer = await backend.createProducer();
    await assert.rejects(
      producer.send([{ topic, partition: 2, key: null, value: null }]),
      (e: Error) => e.message.includes(topic) && e.message.includes('partition 2'),
    );
    await producer.close();
  });

  it('recovers after the broker refuses a batch, idempotent and transactional alike', { timeout: 60_000 }, async () => {
    const topic = uniqueName('pf-refused');
    await backend.admin.createTopics([{ name: topic, partitions: 1, configs: { 'cleanup.policy': 'compact' } }]);
    const keyed = (v: string) => ({ topic, partition: 0, key: Buffer.from(v), value: Buffer.from(v) });
    const keyless = { topic, partition: 0, key: null, value: Buffer.from('no key') };
    const idempotent = await backend.createProducer();
    await idempotent.send([keyed('a')]);
    await assert.rejects(idempotent.send([keyless]), (e: Error) => e.message.includes(topic));
    assert.equal((await idempotent.send([keyed('b')]))[0].offset, 1);
    await idempotent.close();

    const transactional = await backend.createProducer({ transactionalId: uniqueName('refused') });
    await transactional.beginTransaction();
    await transactional.send([keyed('c')]);
    await assert.rejects(transactional.send([keyless]));
    await assert.rejects(transactional.commitTransaction(), /abort/);
    await transactional.abortTransaction();
    await transactional.beginTransaction();
    await transactional.send([keyed('d')]);
    await transactional.commitTransaction();
    await transactional.close();

    const fetcher = backend.createFetcher({ isolationLevel: 'read_committed' });
    fetcher.assign([{ topic, partition: 0 }]);
    const values = valuesOf(await drain(fetcher, 3));
    assert.deepEqual(values, ['a', 'b', 'd']);
    await fetcher.close();
  });

  it('splits one large send into batches below the broker limit, keeping offsets in order', {
    timeout: 60_000,
  }, async () => {
    const topic = uniqueName('pf-large');
    await backend.admin.createTopics([{ name: topic, partitions: 2 }]);
    const producer = await backend.createProducer();
    // 3 MiB for partition 0 (four batches of ~900 KiB, so four requests to its leader) and a little for 1.
    const records = Array.from({ length: 3_100 }, (_, i) => ({
      topic,
      partition: i < 3_072 ? 0 : 1,
      key: null,
      value: Buffer.alloc(1024, i % 251),
    }));
    const metadata = await producer.send(records);
    assert.deepEqual(
      metadata.filter((m) => m.partition === 0).map((m) => m.offset),
      Array.from({ length: 3_072 }, (_, i) => i),
    );
    const fetcher = backend.createFetcher({ maxPartitionBytes: 4 * 1024 * 1024 });
    fetcher.assign([{ topic, partition: 0 }]);
    const got = (await drain(fetcher, 3_072)).flatMap((b) => b.records);
    assert.equal(got.length, 3_072);
    assert.ok(got.every((r, i) => r.offset === i && r.value?.[0] === i % 251));
    await Promise.all([producer.close(), fetcher.close()]);
  });
});
