/**
 * The contract every {@link KafkaBackend} keeps: one suite, run against the embedded broker and real Kafka
 * (backend.contract.test.ts). Each case asserts what Kafka itself does, so a difference is a bug in one backend.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type ConsumedRecord,
  FencedError,
  type Fetcher,
  type GroupAssignor,
  type GroupGeneration,
  type GroupMember,
  type GroupMemberOptions,
  type GroupMemberSubscription,
  type KafkaBackend,
  KafkaBackendError,
  type MemberAssignment,
  RebalanceInProgressError,
  TopicExistsError,
  type TopicPartition,
  UnknownTopicError,
} from './backend.ts';

/** A member that can be made to stop heartbeating without leaving, as a crashed process would (test-only). */
type CrashableGroupMember = GroupMember & { crash?: () => void | Promise<void> };

export function runBackendContract(name: string, makeBackend: () => KafkaBackend | Promise<KafkaBackend>): void {
  describe(`KafkaBackend contract: ${name}`, { timeout: 180_000 }, () => {
    let backend: KafkaBackend;
    /** Real Kafka needs session timeouts >= group.min.session.timeout.ms (6 s); the embedded broker is told less. */
    let timing: { sessionTimeoutMs: number; heartbeatIntervalMs: number; rebalanceTimeoutMs: number; settleMs: number };

    before(async () => {
      backend = await makeBackend();
      timing =
        backend.kind === 'embedded'
          ? { sessionTimeoutMs: 500, heartbeatIntervalMs: 50, rebalanceTimeoutMs: 3_000, settleMs: 100 }
          : { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 15_000, settleMs: 1_500 };
    });
    after(async () => {
      await backend?.close();
    });

    async function createTopic(prefix: string, partitions = 1, configs?: Record<string, string>): Promise<string> {
      const topic = uniqueName(prefix);
      await backend.admin.createTopics([{ name: topic, partitions, configs }]);
      return topic;
    }

    /** The first `count` records of partition 0 of `topic`, read from the start by a fresh fetcher. */
    async function fetchPartitionZero(topic: string, count: number): Promise<ConsumedRecord[]> {
      const fetcher = backend.createFetcher();
      try {
        fetcher.assign([{ topic, partition: 0 }]);
        return (await fetchUntil(fetcher, count, 15_000)).get(`${topic}-0`) ?? [];
      } finally {
        await fetcher.close();
      }
    }

    function memberOptions(
      groupId: string,
      topics: readonly string[],
      overrides: Partial<GroupMemberOptions> = {},
    ): GroupMemberOptions {
      return {
        groupId,
        topics,
        assignor: roundRobinAssignor,
        sessionTimeoutMs: timing.sessionTimeoutMs,
        heartbeatIntervalMs: timing.heartbeatIntervalMs,
        rebalanceTimeoutMs: timing.rebalanceTimeoutMs,
        ...overrides,
      };
    }

    // ------------------------------------------------------------------------------------------ admin: topics

    describe('admin: topics', () => {
      it('creates, describes, lists and deletes topics', async () => {
        const topic = await createTopic('contract-topics', 3);
        const [description] = await backend.admin.describeTopics([topic]);
        assert.equal(description.name, topic);
        assert.deepEqual(
          description.partitions.map((p) => p.partition),
          [0, 1, 2],
        );
        for (const partition of description.partitions) {
          assert.ok(partition.replicas.includes(partition.leader), 'the leader is one of the replicas');
          assert.ok(partition.isr.includes(partition.leader), 'the leader is in sync');
        }
        assert.ok((await backend.admin.listTopics()).includes(topic));
        assert.ok(
          !(await backend.admin.listTopics()).some((t) => t.startsWith('__')),
          'internal topics are not listed',
        );

        await backend.admin.deleteTopics([topic]);
        await eventually('the deleted topic disappears', 15_000, async () => {
          assert.ok(!(await backend.admin.listTopics()).includes(topic));
        });
        await assert.rejects(backend.admin.describeTopics([topic]), (error) => isUnknownTopic(error, topic));
      });

      it('refuses to create an existing topic unless ifNotExists is set', async () => {
        const topic = await createTopic('contract-exists', 1);
        await assert.rejects(backend.admin.createTopics([{ name: topic, partitions: 1 }]), (error: unknown) => {
          assert.ok(error instanceof TopicExistsError, `expected TopicExistsError, got ${error}`);
          assert.equal(error.topic, topic);
          return true;
        });
        await backend.admin.createTopics([{ name: topic, partitions: 2 }], { ifNotExists: true });
        const [description] = await backend.admin.describeTopics([topic]);
        assert.equal(description.partitions.length, 1, 'ifNotExists leaves the existing topic as it was');
      });

      it('describing a missing topic fails with UnknownTopicError naming it', async () => {
        const missing = uniqueName('contract-missing');
        await assert.rejects(backend.admin.describeTopics([missing]), (error) => isUnknownTopic(error, missing));
      });

      it('rejects an unknown topic config, naming the config key', async () => {
        const topic = uniqueName('contract-badconfig');
        await assert.rejects(
          backend.admin.createTopics([{ name: topic, partitions: 1, configs: { 'no.such.config': '1' } }]),
          (error: unknown) => {
            assert.ok(error instanceof KafkaBackendError, `expected a KafkaBackendError, got ${error}`);
            assert.match(error.message, /no\.such\.config/);
            return true;
          },
        );
        assert.ok(!(await backend.admin.listTopics()).includes(topic), 'nothing was created');
      });
    });

    // ------------------------------------------------------------------------------------------ produce / fetch

    describe('produce and fetch', () => {
      it('round-trips keys, values, headers and timestamps, including nulls and empty buffers', async () => {
        const topic = await createTopic('contract-roundtrip', 2);
        const producer = await backend.createProducer();
        const sent = [
          {
            topic,
            partition: 1,
            key: Buffer.from('k1'),
            value: Buffer.from('v1'),
            timestamp: 1_700_000_000_000,
            headers: [
              { key: 'h', value: Buffer.from('a') },
              { key: 'h', value: Buffer.from('b') },
              { key: 'none', value: null },
            ],
          },
          { topic, partition: 1, key: null, value: Buffer.from('no key'), timestamp: 1_700_000_000_001 },
          { topic, partition: 1, key: Buffer.from('tombstone'), value: null, timestamp: 1_700_000_000_002 },
          { topic, partition: 1, key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 1_700_000_000_003 },
          { topic, partition: 0, key: Buffer.from('p0'), value: Buffer.from('x'), timestamp: 1_700_000_000_004 },
        ];
        const metadata = await producer.send(sent);
        assert.deepEqual(
          metadata.map((m) => [m.topic, m.partition, m.offset, m.timestamp]),
          [
            [topic, 1, 0, 1_700_000_000_000],
            [topic, 1, 1, 1_700_000_000_001],
            [topic, 1, 2, 1_700_000_000_002],
            [topic, 1, 3, 1_700_000_000_003],
            [topic, 0, 0, 1_700_000_000_004],
          ],
        );

        const fetcher = backend.createFetcher();
        fetcher.assign([
          { topic, partition: 0 },
          { topic, partition: 1 },
        ]);
        const records = await fetchUntil(fetcher, 5, 15_000);
        const p1 = records.get(`${topic}-1`) ?? [];
        assert.deepEqual(
          p1.map(plain),
          sent.slice(0, 4).map((r, offset) => ({ offset, ...plainSent(r) })),
        );
        assert.deepEqual((records.get(`${topic}-0`) ?? []).map(plain), [{ offset: 0, ...plainSent(sent[4]) }]);
        assert.equal(fetcher.position({ topic, partition: 1 }), 4);
        assert.equal(fetcher.position({ topic, partition: 0 }), 1);
        await fetcher.close();
        await producer.close();
      });

      it('send with metadata: false resolves without metadata once the records are written', async () => {
        const topic = await createTopic('contract-nometa', 1);
        const producer = await backend.createProducer();
        try {
          const metadata = await producer.send(
            [
              { topic, partition: 0, key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 5 },
              { topic, partition: 0, key: Buffer.from('b'), value: Buffer.from('2'), timestamp: 6 },
            ],
            { metadata: false },
          );
          assert.deepEqual(metadata, []);
          const [after] = await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('3') }]);
          assert.equal(after.offset, 2, 'both records were written before it');
        } finally {
          await producer.close();
        }
      });

      it('sendBatch writes appended records as send would, in order per partition, and records() gives them back', async () => {
        const a = await createTopic('contract-batch-a', 2);
        const b = await createTopic('contract-batch-b', 1);
        const producer = await backend.createProducer();
        try {
          const batch = producer.createBatch();
          const appended: {
            topic: string;
            partition: number;
            key: Buffer | null;
            value: Buffer | null;
            timestamp: number;
            headers?: { key: string; value: Buffer | null }[];
          }[] = [
            {
              topic: a,
              partition: 1,
              key: Buffer.from('k1'),
              value: Buffer.from('v1'),
              timestamp: 2_000,
              headers: [
                { key: 'h', value: Buffer.from('x') },
                { key: 'none', value: null },
              ],
            },
            { topic: b, partition: 0, key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 1_000 },
            { topic: a, partition: 1, key: null, value: Buffer.from('no key'), timestamp: 1_500 },
            { topic: a, partition: 1, key: Buffer.from('tombstone'), value: null, timestamp: 2_500 },
          ];
          // More than one Produce request's worth for one partition (the real producer splits at ~900 KiB).
          for (let i = 0; i < 1_200; i++) {
            appended.push({
              topic: a,
              partition: 0,
              key: Buffer.from(`k${i}`),
              value: Buffer.alloc(1_024, i),
              timestamp: 3_000 + i,
            });
          }
          appended.push({
            topic: b,
            partition: 0,
            key: Buffer.from('last'),
            value: Buffer.from('b'),
            timestamp: 9_000,
          });
          for (const r of appended) batch.append(r.topic, r.partition, r.key, r.value, r.timestamp, r.headers);
          assert.equal(batch.count, appended.length);
          const asSent = (r: {
            topic: string;
            partition: number;
            key: Buffer | null;
            value: Buffer | null;
            timestamp?: number;
            headers?: readonly { key: string; value: Buffer | null }[];
          }) => ({
            topic: r.topic,
            partition: r.partition,
            ...plainSent({ ...r, timestamp: r.timestamp ?? -1 }),
          });
          assert.deepEqual(batch.records().map(asSent), appended.map(asSent));

          await producer.sendBatch(batch);
          // Sequences go on where the batch left them: a later send() to the same partition is accepted in order.
          const [after] = await producer.send([
            { topic: a, partition: 0, key: null, value: Buffer.from('after'), timestamp: 1 },
          ]);
          assert.equal(after.offset, 1_200);

          const fetcher = backend.createFetcher({ maxPartitionBytes: 4 * 1024 * 1024 });
          fetcher.assign([
            { topic: a, partition: 0 },
            { topic: a, partition: 1 },
            { topic: b, partition: 0 },
          ]);
          const fetched = await fetchUntil(fetcher, appended.length + 1, 30_000);
          await fetcher.close();
          for (const [topic, partition] of [
            [a, 0],
            [a, 1],
            [b, 0],
          ] as const) {
            const expected = appended.filter((r) => r.topic === topic && r.partition === partition);
            const got = (fetched.get(`${topic}-${partition}`) ?? []).slice(0, expected.length);
            assert.deepEqual(
              got.map(plain),
              expected.map((r, offset) => ({ offset, ...plainSent(r) })),
              `${topic}-${partition}`,
            );
          }
        } finally {
          await producer.close();
        }
      });

      it('stamps records without a timestamp with the time of the send', async () => {
        const topic = await createTopic('contract-now', 1);
        const producer = await backend.createProducer();
        const before = Date.now();
        const [metadata] = await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('now') }]);
        const after = Date.now();
        assert.ok(metadata.timestamp >= before - 1_000 && metadata.timestamp <= after + 1_000, `${metadata.timestamp}`);
        const [record] = await fetchPartitionZero(topic, 1);
        assert.equal(record.timestamp, metadata.timestamp);
        await producer.close();
      });

      it('producing to a missing topic or partition fails naming the topic', async () => {
        const producer = await backend.createProducer();
        const missing = uniqueName('contract-nosuchtopic');
        await assert.rejects(
          producer.send([{ topic: missing, partition: 0, key: null, value: Buffer.from('x') }]),
          (error) => isUnknownTopic(error, missing),
        );
        assert.ok(!(await backend.admin.listTopics()).includes(missing), 'the topic was not auto-created');
        const topic = await createTopic('contract-fewpartitions', 1);
        await assert.rejects(
          producer.send([{ topic, partition: 5, key: null, value: Buffer.from('x') }]),
          (error: unknown) => {
            assert.ok(error instanceof KafkaBackendError, `expected a KafkaBackendError, got ${error}`);
            assert.ok(error.message.includes(topic), `the message names the topic: ${error.message}`);
            return true;
          },
        );
        await producer.close();
      });

      it('fetching from a missing topic fails naming the topic', async () => {
        const missing = uniqueName('contract-nosuchtopic');
        const fetcher = backend.createFetcher({ maxWaitMs: 200 });
        fetcher.assign([{ topic: missing, partition: 0 }]);
        await assert.rejects(withTimeout(fetcher.poll(200), 20_000, 'poll'), (error) => isUnknownTopic(error, missing));
        await fetcher.close();
      });

      it('poll waits up to maxWaitMs for data and returns as soon as data arrives', async () => {
        const topic = await createTopic('contract-wait', 1);
        const producer = await backend.createProducer();
        const fetcher = backend.createFetcher();
        fetcher.assign([{ topic, partition: 0 }]);

        let started = performance.now();
        assert.deepEqual(await fetcher.poll(400), [], 'an empty partition yields nothing');
        const waited = performance.now() - started;
        assert.ok(waited >= 300, `waited ${waited} ms, expected about maxWaitMs (400)`);
        assert.ok(waited < 3_000, `waited ${waited} ms, expected about maxWaitMs (400)`);

        started = performance.now();
        const polled = fetcher.poll(10_000);
        setTimeout(() => void producer.send([{ topic, partition: 0, key: null, value: Buffer.from('wake') }]), 200);
        const batches = await polled;
        const elapsed = performance.now() - started;
        assert.equal(batches.length, 1);
        assert.equal(batches[0].records[0].value?.toString(), 'wake');
        assert.ok(elapsed < 5_000, `poll returned ${elapsed} ms after it started: it should wake on arrival`);
        await fetcher.close();
        await producer.close();
      });

      it('pauses, resumes and seeks partitions; a kept partition keeps its position on reassign', async () => {
        const topic = await createTopic('contract-pause', 2);
        const producer = await backend.createProducer();
        await producer.send(
          [0, 1].flatMap((partition) =>
            [0, 1, 2].map((i) => ({ topic, partition, key: null, value: Buffer.from(`p${partition}-${i}`) })),
          ),
        );
        const tp0 = { topic, partition: 0 };
        const tp1 = { topic, partition: 1 };
        const fetcher = backend.createFetcher();
        fetcher.assign([tp0, tp1]);
        fetcher.pause([tp1]);
        assert.deepEqual(fetcher.paused(), [tp1]);
        const first = await fetchUntil(fetcher, 3, 15_000);
        assert.deepEqual([...first.keys()], [`${topic}-0`], 'a paused partition is not fetched');
        assert.equal(fetcher.position(tp0), 3);

        fetcher.resume([tp1]);
        assert.deepEqual(fetcher.paused(), []);
        const resumed = await fetchUntil(fetcher, 3, 15_000);
        assert.deepEqual(
          (resumed.get(`${topic}-1`) ?? []).map((r) => r.value?.toString()),
          ['p1-0', 'p1-1', 'p1-2'],
        );

        fetcher.seek(tp0, 1);
        assert.equal(fetcher.position(tp0), 1);
        const sought = await fetchUntil(fetcher, 2, 15_000);
        assert.deepEqual(
          (sought.get(`${topic}-0`) ?? []).map((r) => r.offset),
          [1, 2],
        );

        fetcher.seek(tp1, 'earliest');
        fetcher.assign([tp1]);
        assert.deepEqual(fetcher.assignment(), [tp1]);
        const again = await fetchUntil(fetcher, 3, 15_000);
        assert.deepEqual(
          (again.get(`${topic}-1`) ?? []).map((r) => r.offset),
          [0, 1, 2],
          'the partition kept on reassign kept its seek',
        );

        fetcher.seek(tp1, 'latest');
        assert.deepEqual(await fetcher.poll(300), [], 'nothing after latest');
        await producer.send([{ topic, partition: 1, key: null, value: Buffer.from('new') }]);
        const latest = await fetchUntil(fetcher, 1, 15_000);
        assert.deepEqual(
          (latest.get(`${topic}-1`) ?? []).map((r) => [r.offset, r.value?.toString()]),
          [[3, 'new']],
        );
        await fetcher.close();
        await producer.close();
      });

      it('starts an unseeked partition where autoOffsetReset says', async () => {
        const topic = await createTopic('contract-reset', 1);
        const producer = await backend.createProducer();
        await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('old') }]);
        const latestFetcher = backend.createFetcher({ autoOffsetReset: 'latest' });
        latestFetcher.assign([{ topic, partition: 0 }]);
        assert.deepEqual(await latestFetcher.poll(300), []);
        await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('new') }]);
        const got = await fetchUntil(latestFetcher, 1, 15_000);
        assert.deepEqual(
          (got.get(`${topic}-0`) ?? []).map((r) => r.value?.toString()),
          ['new'],
        );
        const earliestFetcher = backend.createFetcher({ autoOffsetReset: 'earliest' });
        earliestFetcher.assign([{ topic, partition: 0 }]);
        const all = await fetchUntil(earliestFetcher, 2, 15_000);
        assert.deepEqual(
          (all.get(`${topic}-0`) ?? []).map((r) => r.value?.toString()),
          ['old', 'new'],
        );
        await latestFetcher.close();
        await earliestFetcher.close();
        await producer.close();
      });
      it('keeps per-partition order over many records and batches, with any compression', async () => {
        const topic = await createTopic('contract-many', 3);
        const compressions = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
        const perPartition = 200;
        for (const compression of compressions) {
          const producer = await backend.createProducer({ compression });
          for (let batch = 0; batch < 2; batch++) {
            await producer.send(
              [0, 1, 2].flatMap((partition) =>
                Array.from({ length: perPartition / 2 }, (_, i) => ({
                  topic,
                  partition,
                  key: Buffer.from(`k${i}`),
                  value: Buffer.from(`${compression}-${partition}-${batch * (perPartition / 2) + i}`.padEnd(100, '.')),
                })),
              ),
            );
          }
          await producer.close();
        }
        const fetcher = backend.createFetcher();
        fetcher.assign([0, 1, 2].map((partition) => ({ topic, partition })));
        const total = compressions.length * perPartition * 3;
        const records = await fetchUntil(fetcher, total, 30_000);
        for (const partition of [0, 1, 2]) {
          const values = (records.get(`${topic}-${partition}`) ?? []).map((r) =>
            r.value?.toString().replace(/\.+$/, ''),
          );
          const expected = compressions.flatMap((compression) =>
            Array.from({ length: perPartition }, (_, i) => `${compression}-${partition}-${i}`),
          );
          assert.deepEqual(values, expected);
          assert.deepEqual(
            (records.get(`${topic}-${partition}`) ?? []).map((r) => r.offset),
            expected.map((_, i) => i),
          );
        }
        await fetcher.close();
      });

      it('fetch size limits never stall: records larger than maxPartitionBytes still arrive', async () => {
        const topic = await createTopic('contract-limits', 1);
        const producer = await backend.createProducer();
        await producer.send(
          [0, 1, 2, 3].map((i) => ({ topic, partition: 0, key: null, value: Buffer.alloc(4_096, i) })),
        );
        const fetcher = backend.createFetcher({ maxPartitionBytes: 1_024, maxBytes: 1_024 });
        fetcher.assign([{ topic, partition: 0 }]);
        const records = (await fetchUntil(fetcher, 4, 15_000)).get(`${topic}-0`) ?? [];
        assert.deepEqual(
          records.map((r) => [r.offset, r.value?.[0], r.value?.length]),
          [0, 1, 2, 3].map((i) => [i, i, 4_096]),
        );
        await fetcher.close();
        await producer.close();
      });

      it("a LogAppendTime topic stamps records with the broker's time", async () => {
        const topic = await createTopic('contract-appendtime', 1, { 'message.timestamp.type': 'LogAppendTime' });
        const producer = await backend.createProducer();
        const before = Date.now();
        const [metadata] = await producer.send([
          { topic, partition: 0, key: null, value: Buffer.from('x'), timestamp: 1_000 },
        ]);
        assert.ok(metadata.timestamp >= before - 1_000, `the broker's time, not the record's: ${metadata.timestamp}`);
        const [record] = await fetchPartitionZero(topic, 1);
        assert.equal(record.timestamp, metadata.timestamp);
        await producer.close();
      });
    });

    // ------------------------------------------------------------------------------------------ offsets

    describe('offsets', () => {
      it('lists earliest, latest and by-timestamp offsets', async () => {
        const topic = await createTopic('contract-listoffsets', 1);
        const producer = await backend.createProducer();
        await producer.send(
          [1_000, 2_000, 3_000].map((timestamp) => ({
            topic,
            partition: 0,
            key: null,
            value: Buffer.from('x'),
            timestamp,
          })),
        );
        const listed = await backend.admin.listOffsets([
          { topic, partition: 0, spec: 'earliest' },
          { topic, partition: 0, spec: 'latest' },
          { topic, partition: 0, spec: { timestamp: 1_500 } },
          { topic, partition: 0, spec: { timestamp: 2_000 } },
          { topic, partition: 0, spec: { timestamp: 5_000 } },
        ]);
        assert.deepEqual(
          listed.map((l) => l.offset),
          [0, 3, 1, 1, -1],
        );
        assert.equal(listed[2].timestamp, 2_000, 'by time: the first record at or after it, with its timestamp');
        assert.equal(listed[3].timestamp, 2_000);
        await assert.rejects(
          backend.admin.listOffsets([{ topic: `${topic}-missing`, partition: 0, spec: 'latest' }]),
          (error) => isUnknownTopic(error, `${topic}-missing`),
        );
        await producer.close();
      });

      it('deleteRecords moves the log start; fetches start there and out-of-range positions reset', async () => {
        const topic = await createTopic('contract-deleterecords', 1);
        const producer = await backend.createProducer();
        await producer.send(
          [0, 1, 2, 3, 4].map((i) => ({ topic, partition: 0, key: null, value: Buffer.from(`${i}`) })),
        );
        const [low] = await backend.admin.deleteRecords([{ topic, partition: 0, offset: 3 }]);
        assert.deepEqual(low, { topic, partition: 0, offset: 3 });
        const [earliest] = await backend.admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }]);
        assert.equal(earliest.offset, 3);

        const fetcher = backend.createFetcher({ autoOffsetReset: 'earliest' });
        fetcher.assign([{ topic, partition: 0 }]);
        const fromStart = await fetchUntil(fetcher, 2, 15_000);
        assert.deepEqual(
          (fromStart.get(`${topic}-0`) ?? []).map((r) => r.offset),
          [3, 4],
        );
        fetcher.seek({ topic, partition: 0 }, 1);
        const reset = await fetchUntil(fetcher, 2, 15_000);
        assert.deepEqual(
          (reset.get(`${topic}-0`) ?? []).map((r) => r.offset),
          [3, 4],
          'a position below the log start resets to earliest',
        );
        await assert.rejects(backend.admin.deleteRecords([{ topic, partition: 0, offset: 99 }]), KafkaBackendError);
        await fetcher.close();
        await producer.close();
      });
    });

    // ------------------------------------------------------------------------------------------ compaction

    describe('compaction', () => {
      it('a compacted topic refuses a record without a key; the producer stays usable', async () => {
        const topic = await createTopic('contract-compact-nokey', 1, { 'cleanup.policy': 'compact' });
        const producer = await backend.createProducer();
        await producer.send([{ topic, partition: 0, key: Buffer.from('j'), value: Buffer.from('first') }]);
        await assert.rejects(
          producer.send([{ topic, partition: 0, key: null, value: Buffer.from('keyless') }]),
          (error: unknown) => {
            assert.ok(error instanceof KafkaBackendError, `expected a KafkaBackendError, got ${error}`);
            assert.ok(error.message.includes(topic), `the message names the topic: ${error.message}`);
            return true;
          },
        );
        const [metadata] = await producer.send([
          { topic, partition: 0, key: Buffer.from('k'), value: Buffer.from('v') },
        ]);
        assert.equal(metadata.topic, topic);
        const records = await fetchPartitionZero(topic, 2);
        assert.deepEqual(
          records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
          [
            [0, 'j', 'first'],
            [metadata.offset, 'k', 'v'],
          ],
        );
        await producer.close();
      });

      it('a compacted topic yields the last value per key, offsets keeping their gaps', async () => {
        // Settings that make a real broker's cleaner run quickly (it only cleans rolled segments).
        const topic = await createTopic('contract-compact', 1, {
          'cleanup.policy': 'compact',
          'segment.ms': '100',
          'min.cleanable.dirty.ratio': '0.01',
          'delete.retention.ms': '100',
        });
        const producer = await backend.createProducer();
        const send = (key: string, value: string | null) =>
          producer.send([
            { topic, partition: 0, key: Buffer.from(key), value: value === null ? null : Buffer.from(value) },
          ]);
        await send('a', 'a1');
        await send('b', 'b1');
        await send('a', 'a2');
        await send('b', null);
        await send('c', 'c1');
        await sleep(300);
        // Rolls the segment on a real broker so that the records above become cleanable.
        await send('z', 'roll');

        let seen: ConsumedRecord[] = [];
        await eventually('the log is compacted', 60_000, async () => {
          const fetcher = backend.createFetcher();
          fetcher.assign([{ topic, partition: 0 }]);
          seen = (await fetchUntilOffset(fetcher, { topic, partition: 0 }, 6, 15_000)).filter((r) => r.offset < 5);
          await fetcher.close();
          assert.ok(!seen.some((r) => r.offset === 0 || r.offset === 1), 'superseded records are gone');
        });
        const lastValues = new Map(seen.map((r) => [r.key?.toString(), r.value?.toString() ?? null]));
        assert.equal(lastValues.get('a'), 'a2');
        assert.equal(lastValues.get('c'), 'c1');
        assert.ok(!lastValues.has('b') || lastValues.get('b') === null, 'b was deleted by its tombstone');
        assert.deepEqual(
          seen.filter((r) => r.key?.toString() !== 'b').map((r) => [r.offset, r.key?.toString()]),
          [
            [2, 'a'],
            [4, 'c'],
          ],
          'offsets keep their gaps',
        );
        await producer.close();
      });
    });

    // ------------------------------------------------------------------------------------------ transactions

    describe('transactions', () => {
      it('read_committed sees a transaction only once committed; markers take an offset', async () => {
        const topic = await createTopic('contract-txn-commit', 1);
        const producer = await backend.createProducer({ transactionalId: uniqueName('contract-txn') });
        const committedReader = backend.createFetcher({ isolationLevel: 'read_committed' });
        const uncommittedReader = backend.createFetcher({ isolationLevel: 'read_uncommitted' });
        committedReader.assign([{ topic, partition: 0 }]);
        uncommittedReader.assign([{ topic, partition: 0 }]);

        await producer.beginTransaction();
        await producer.send([0, 1, 2].map((i) => ({ topic, partition: 0, key: null, value: Buffer.from(`t${i}`) })));
        assert.equal(
          countRecords(await fetchUntil(uncommittedReader, 3, 15_000)),
          3,
          'read_uncommitted sees open records',
        );
        assert.deepEqual(await committedReader.poll(500), [], 'read_committed does not');
        const [stable, end] = await Promise.all([
          backend.admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], { isolationLevel: 'read_committed' }),
          backend.admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], { isolationLevel: 'read_uncommitted' }),
        ]);
        assert.equal(stable[0].offset, 0, 'the last stable offset stops at the open transaction');
        assert.equal(end[0].offset, 3);

        await producer.commitTransaction();
        const committed = await fetchUntil(committedReader, 3, 15_000);
        assert.deepEqual(
          (committed.get(`${topic}-0`) ?? []).map((r) => r.value?.toString()),
          ['t0', 't1', 't2'],
        );
        const [latest] = await backend.admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], {
          isolationLevel: 'read_committed',
        });
        assert.equal(latest.offset, 4, 'the commit marker takes offset 3');
        await committedReader.close();
        await uncommittedReader.close();
        await producer.close();
      });

      it("an aborted transaction's records are invisible to read_committed and its offsets are not committed", async () => {
        const topic = await createTopic('contract-txn-abort', 1);
        const input = await createTopic('contract-txn-input', 1);
        const groupId = uniqueName('contract-txn-group');
        const member = backend.createGroupMember(memberOptions(groupId, [input]));
        await withTimeout(member.join(), 30_000, 'join');
        const generation = member.generation();
        assert.ok(generation, 'a joined member has a generation');
        const producer = await backend.createProducer({ transactionalId: uniqueName('contract-txn') });

        await producer.beginTransaction();
        await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('aborted') }]);
        await producer.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 7 }], generation);
        await producer.abortTransaction();
        assert.deepEqual(await backend.admin.fetchCommittedOffsets(groupId), [], 'aborted offsets are not committed');

        await producer.beginTransaction();
        await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('committed') }]);
        await producer.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 9 }], generation);
        assert.deepEqual(
          await backend.admin.fetchCommittedOffsets(groupId),
          [],
          'transactional offsets wait for the commit',
        );
        await producer.commitTransaction();
        await eventually('the offsets are committed with the transaction', 10_000, async () => {
          assert.deepEqual(await backend.admin.fetchCommittedOffsets(groupId, [{ topic: input, partition: 0 }]), [
            { topic: input, partition: 0, offset: 9 },
          ]);
        });

        const committedReader = backend.createFetcher({ isolationLevel: 'read_committed' });
        committedReader.assign([{ topic, partition: 0 }]);
        const records = await fetchUntil(committedReader, 1, 15_000);
        assert.deepEqual(
          (records.get(`${topic}-0`) ?? []).map((r) => [r.offset, r.value?.toString()]),
          [[2, 'committed']],
          'only the committed record, after the aborted one and its marker',
        );
        assert.deepEqual(await committedReader.poll(300), []);
        const uncommittedReader = backend.createFetcher({ isolationLevel: 'read_uncommitted' });
        uncommittedReader.assign([{ topic, partition: 0 }]);
        assert.deepEqual(
          ((await fetchUntil(uncommittedReader, 2, 15_000)).get(`${topic}-0`) ?? []).map((r) => r.value?.toString()),
          ['aborted', 'committed'],
          'read_uncommitted sees aborted records too',
        );
        await committedReader.close();
        await uncommittedReader.close();
        await producer.close();
        await member.leave();
      });

      it('a transactional producer refuses to send, commit or abort outside a transaction, or to begin twice', async () => {
        const topic = await createTopic('contract-txn-outside', 1);
        const producer = await backend.createProducer({ transactionalId: uniqueName('contract-outside') });
        await assert.rejects(producer.send([{ topic, partition: 0, key: null, value: Buffer.from('x') }]));
        await assert.rejects(producer.commitTransaction(), KafkaBackendError, 'no transaction to commit');
        await assert.rejects(producer.abortTransaction(), KafkaBackendError, 'no transaction to abort');
        await producer.beginTransaction();
        await assert.rejects(producer.beginTransaction(), KafkaBackendError, 'a transaction is already open');
        await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('inside') }]);
        await producer.commitTransaction();
        const reader = backend.createFetcher({ isolationLevel: 'read_committed' });
        reader.assign([{ topic, partition: 0 }]);
        const records = (await fetchUntil(reader, 1, 15_000)).get(`${topic}-0`) ?? [];
        assert.deepEqual(
          records.map((r) => r.value?.toString()),
          ['inside'],
        );
        await reader.close();
        await producer.close();
      });

      it('a newer producer with the same transactional id fences the older one and aborts its transaction', async () => {
        const topic = await createTopic('contract-fence', 1);
        const transactionalId = uniqueName('contract-fence');
        const zombie = await backend.createProducer({ transactionalId });
        await zombie.beginTransaction();
        await zombie.send([{ topic, partition: 0, key: null, value: Buffer.from('zombie') }]);

        const successor = await backend.createProducer({ transactionalId });
        await assert.rejects(
          (async () => {
            await zombie.send([{ topic, partition: 0, key: null, value: Buffer.from('zombie-2') }]);
            await zombie.commitTransaction();
          })(),
          FencedError,
        );
        await successor.beginTransaction();
        await successor.send([{ topic, partition: 0, key: null, value: Buffer.from('successor') }]);
        await successor.commitTransaction();

        const reader = backend.createFetcher({ isolationLevel: 'read_committed' });
        reader.assign([{ topic, partition: 0 }]);
        const records = await fetchUntil(reader, 1, 15_000);
        assert.deepEqual(
          (records.get(`${topic}-0`) ?? []).map((r) => r.value?.toString()),
          ['successor'],
        );
        assert.deepEqual(await reader.poll(300), [], "the zombie's records were aborted");
        await reader.close();
        await zombie.close().catch(() => {});
        await successor.close();
      });

      it('a transaction that outlives transactionTimeoutMs is aborted and its producer fenced', async () => {
        const topic = await createTopic('contract-txn-timeout', 1);
        const producer = await backend.createProducer({
          transactionalId: uniqueName('contract-timeout'),
          transactionTimeoutMs: 1_000,
        });
        await producer.beginTransaction();
        await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('expires') }]);
        // A real coordinator looks for expired transactions every 10 s (Kafka's default), so allow for that.
        await eventually('the coordinator aborts the expired transaction', 30_000, async () => {
          const [stable] = await backend.admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], {
            isolationLevel: 'read_committed',
          });
          assert.equal(stable.offset, 2, 'the record and the abort marker are stable');
        });
        await assert.rejects(producer.commitTransaction(), FencedError);
        const reader = backend.createFetcher({ isolationLevel: 'read_committed' });
        reader.assign([{ topic, partition: 0 }]);
        assert.deepEqual(await reader.poll(300), [], 'the expired record is invisible to read_committed');
        await reader.close();
        await producer.close().catch(() => {});
      });

      it('offsets sent with a stale group generation are refused', async () => {
        const input = await createTopic('contract-stale-gen', 2);
        const groupId = uniqueName('contract-stale-group');
        const first = backend.createGroupMember(memberOptions(groupId, [input]));
        await withTimeout(first.join(), 30_000, 'join');
        const stale = first.generation() as GroupGeneration;
        const second = backend.createGroupMember(memberOptions(groupId, [input]));
        await withTimeout(second.join(), 30_000, 'second join');
        await eventually('the first member moved to the new generation', 30_000, async () => {
          assert.ok((first.generation()?.generationId ?? -1) > stale.generationId);
        });
        const producer = await backend.createProducer({ transactionalId: uniqueName('contract-stale') });
        await producer.beginTransaction();
        await assert.rejects(
          producer.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 1 }], stale),
          (error: unknown) => error instanceof RebalanceInProgressError || error instanceof FencedError,
        );
        await producer.abortTransaction().catch(() => {});
        await producer.close();
        await Promise.all([first.leave(), second.leave()]);
      });
    });

    // ------------------------------------------------------------------------------------------ close

    describe('close', () => {
      it('closing a backend closes the clients it created', async () => {
        const other = await makeBackend();
        const topic = uniqueName('contract-close');
        await other.admin.createTopics([{ name: topic, partitions: 1 }]);
        const producer = await other.createProducer();
        await producer.send([{ topic, partition: 0, key: null, value: Buffer.from('before close') }]);
        const fetcher = other.createFetcher();
        fetcher.assign([{ topic, partition: 0 }]);
        await other.close();
        await assert.rejects(
          producer.send([{ topic, partition: 0, key: null, value: Buffer.from('after close') }]),
          'the producer is closed',
        );
        await assert.rejects(fetcher.poll(100), 'the fetcher is closed');
      });
    });

    // ------------------------------------------------------------------------------------------ groups

    describe('consumer groups', () => {
      it('one member joins, commits, is described, leaves; the empty group can be deleted', async () => {
        const topic = await createTopic('contract-group', 2);
        const groupId = uniqueName('contract-group');
        const events: string[] = [];
        let assignorInput: Parameters<GroupAssignor>[0] | undefined;
        const member = backend.createGroupMember(
          memberOptions(groupId, [topic], {
            clientId: 'contract-client',
            protocolName: 'contract-protocol',
            userData: () => Buffer.from('hello'),
            assignor: (input) => {
              assignorInput = input;
              return roundRobinAssignor(input);
            },
            onAssigned: (assignment, generation) => {
              events.push(`assigned ${describePartitions(assignment.partitions)} gen ${generation.generationId}`);
            },
            onRevoked: (partitions) => {
              events.push(`revoked ${describePartitions(partitions)}`);
            },
          }),
        );
        await withTimeout(member.join(), 30_000, 'join');
        const generation = member.generation();
        assert.ok(generation);
        assert.equal(generation.groupId, groupId);
        assert.ok(generation.memberId.length > 0);
        assert.equal(assignorInput?.members.length, 1);
        assert.equal(assignorInput?.members[0].userData.toString(), 'hello');
        assert.deepEqual(assignorInput?.members[0].topics, [topic]);
        assert.equal(assignorInput?.topicPartitions.get(topic), 2);
        assert.deepEqual(events, [`assigned ${topic}-0,${topic}-1 gen ${generation.generationId}`]);

        await member.commitOffsets([
          { topic, partition: 0, offset: 5 },
          { topic, partition: 1, offset: 6 },
        ]);
        assert.deepEqual(sortOffsets(await backend.admin.fetchCommittedOffsets(groupId)), [
          { topic, partition: 0, offset: 5 },
          { topic, partition: 1, offset: 6 },
        ]);
        assert.deepEqual(await backend.admin.fetchCommittedOffsets(groupId, [{ topic, partition: 1 }]), [
          { topic, partition: 1, offset: 6 },
        ]);

        const [description] = await backend.admin.describeGroups([groupId]);
        assert.equal(description.state, 'Stable');
        assert.equal(description.protocolType, 'consumer');
        assert.equal(description.protocol, 'contract-protocol');
        assert.equal(description.members.length, 1);
        assert.equal(description.members[0].memberId, generation.memberId);
        assert.equal(description.members[0].clientId, 'contract-client');
        assert.deepEqual(sortPartitions(description.members[0].assignment), [
          { topic, partition: 0 },
          { topic, partition: 1 },
        ]);
        assert.ok((await backend.admin.listGroups()).some((g) => g.groupId === groupId));
        await assert.rejects(backend.admin.deleteGroups([groupId]), KafkaBackendError, 'a group with members');

        await member.leave();
        assert.deepEqual(events.at(-1), `revoked ${topic}-0,${topic}-1`);
        assert.equal(member.generation(), undefined);
        await eventually('the group is empty', 15_000, async () => {
          const [left] = await backend.admin.describeGroups([groupId]);
          assert.equal(left.state, 'Empty');
          assert.equal(left.members.length, 0);
        });
        await backend.admin.deleteGroups([groupId]);
        assert.deepEqual(await backend.admin.fetchCommittedOffsets(groupId), []);
        const [dead] = await backend.admin.describeGroups([groupId]);
        assert.equal(dead.state, 'Dead');
        await assert.rejects(backend.admin.deleteGroups([groupId]), KafkaBackendError, 'the group no longer exists');
      });

      it("two members see each other's userData and each receives its own assignment", async () => {
        const topic = await createTopic('contract-two', 4);
        const groupId = uniqueName('contract-two');
        const log: string[] = [];
        const seenByAssignor: GroupMemberSubscription[][] = [];
        const received = new Map<string, MemberAssignment>();
        const assignor: GroupAssignor = (input) => {
          seenByAssignor.push([...input.members]);
          const base = roundRobinAssignor(input);
          const withUserData = new Map<string, MemberAssignment>();
          for (const [memberId, assignment] of base) {
            const subscription = input.members.find((m) => m.memberId === memberId);
            withUserData.set(memberId, {
              partitions: assignment.partitions,
              userData: Buffer.from(`for ${subscription?.userData.toString()}`),
            });
          }
          return withUserData;
        };
        const make = (name: string) =>
          backend.createGroupMember(
            memberOptions(groupId, [topic], {
              userData: () => Buffer.from(name),
              assignor,
              onRevoked: async (partitions) => {
                log.push(`${name} revoked ${partitions.length}`);
                await sleep(50); // awaited: the rebalance waits for it
                log.push(`${name} revoke done`);
              },
              onAssigned: (assignment) => {
                log.push(`${name} assigned ${assignment.partitions.length}`);
                received.set(name, assignment);
              },
            }),
          );
        const a = make('a');
        await withTimeout(a.join(), 30_000, 'a joins');
        const firstGeneration = a.generation()?.generationId ?? -1;
        const b = make('b');
        await withTimeout(b.join(), 30_000, 'b joins');
        await eventually('both members hold an assignment of the same generation', 30_000, async () => {
          assert.equal(received.get('a')?.partitions.length, 2);
          assert.equal(received.get('b')?.partitions.length, 2);
          assert.equal(a.generation()?.generationId, b.generation()?.generationId);
        });
        assert.ok((a.generation()?.generationId ?? -1) > firstGeneration, 'a new generation');
        const lastInput = seenByAssignor.at(-1) ?? [];
        assert.deepEqual(
          lastInput.map((m) => m.userData.toString()).sort(),
          ['a', 'b'],
          'the leader sees both userData',
        );
        assert.equal(received.get('a')?.userData.toString(), 'for a', 'each member gets its own assignment userData');
        assert.equal(received.get('b')?.userData.toString(), 'for b');
        const all = [...(received.get('a')?.partitions ?? []), ...(received.get('b')?.partitions ?? [])];
        assert.deepEqual(
          sortPartitions(all),
          [0, 1, 2, 3].map((partition) => ({ topic, partition })),
          'the partitions are split without overlap',
        );
        // Eager: a revoked everything (awaited) before its second assignment.
        assert.deepEqual(log.filter((l) => l.startsWith('a')).slice(0, 4), [
          'a assigned 4',
          'a revoked 4',
          'a revoke done',
          'a assigned 2',
        ]);
        assert.ok(
          log.indexOf('b assigned 2') > log.indexOf('a revoke done'),
          `b received partitions only after a finished revoking: ${log.join(', ')}`,
        );

        await b.leave();
        await eventually('a takes over all partitions once b left', 30_000, () => {
          assert.equal(received.get('a')?.partitions.length, 4);
        });
        assert.equal(log.at(-1), 'a assigned 4');
        await a.leave();
      });

      it('a member left without partitions still gets its assignment userData', async () => {
        const topic = await createTopic('contract-spare', 1);
        const groupId = uniqueName('contract-spare');
        const received = new Map<string, MemberAssignment>();
        const assignor: GroupAssignor = (input) => {
          const result = new Map<string, MemberAssignment>();
          for (const [memberId, assignment] of roundRobinAssignor(input)) {
            result.set(memberId, {
              partitions: assignment.partitions,
              userData: Buffer.from(`${assignment.partitions.length}`),
            });
          }
          return result;
        };
        const make = (name: string) =>
          backend.createGroupMember(
            memberOptions(groupId, [topic], {
              assignor,
              onAssigned: (assignment) => {
                received.set(name, assignment);
              },
            }),
          );
        const a = make('a');
        await withTimeout(a.join(), 30_000, 'a joins');
        const b = make('b');
        await withTimeout(b.join(), 30_000, 'b joins');
        await eventually('both hold the same generation', 30_000, () => {
          assert.equal(a.generation()?.generationId, b.generation()?.generationId);
          assert.equal((received.get('a')?.partitions.length ?? 0) + (received.get('b')?.partitions.length ?? 0), 1);
        });
        const spare = received.get('a')?.partitions.length === 0 ? received.get('a') : received.get('b');
        assert.deepEqual(spare?.partitions, []);
        assert.equal(spare?.userData.toString(), '0');
        await Promise.all([a.leave(), b.leave()]);
      });

      it('requestRejoin rebalances with fresh userData', async () => {
        const topic = await createTopic('contract-rejoin', 1);
        const groupId = uniqueName('contract-rejoin');
        let version = 1;
        const seen: string[] = [];
        let assignedCount = 0;
        const member = backend.createGroupMember(
          memberOptions(groupId, [topic], {
            userData: () => Buffer.from(`v${version}`),
            assignor: (input) => {
              seen.push(input.members[0].userData.toString());
              return roundRobinAssignor(input);
            },
            onAssigned: () => {
              assignedCount++;
            },
          }),
        );
        await withTimeout(member.join(), 30_000, 'join');
        const generation = member.generation()?.generationId ?? -1;
        version = 2;
        member.requestRejoin();
        await eventually('the member rejoined', 30_000, async () => {
          assert.equal(assignedCount, 2);
          assert.ok((member.generation()?.generationId ?? -1) > generation);
        });
        assert.deepEqual(seen, ['v1', 'v2']);
        await member.leave();
      });

      it('a member that stops heartbeating is removed after its session timeout and its partitions reassigned', async () => {
        const topic = await createTopic('contract-crash', 2);
        const groupId = uniqueName('contract-crash');
        const owned = new Map<string, readonly TopicPartition[]>();
        const make = (name: string) =>
          backend.createGroupMember(
            memberOptions(groupId, [topic], {
              onAssigned: (assignment) => {
                owned.set(name, assignment.partitions);
              },
              onRevoked: () => {
                owned.set(name, []);
              },
            }),
          ) as CrashableGroupMember;
        const survivor = make('survivor');
        await withTimeout(survivor.join(), 30_000, 'survivor joins');
        const victim = make('victim');
        await withTimeout(victim.join(), 30_000, 'victim joins');
        await eventually('the partitions are split', 30_000, async () => {
          assert.equal(owned.get('survivor')?.length, 1);
          assert.equal(owned.get('victim')?.length, 1);
        });
        const victimGeneration = victim.generation();
        assert.ok(victimGeneration);
        assert.equal(typeof victim.crash, 'function', `${backend.kind} GroupMember needs a test-only crash()`);
        const crashedAt = performance.now();
        await victim.crash?.();
        await eventually('the survivor owns every partition', timing.sessionTimeoutMs * 2 + 20_000, async () => {
          assert.equal(owned.get('survivor')?.length, 2);
        });
        const elapsed = performance.now() - crashedAt;
        assert.ok(
          elapsed >= timing.sessionTimeoutMs * 0.8,
          `reassigned after ${elapsed} ms: not before the session timeout (${timing.sessionTimeoutMs} ms)`,
        );
        assert.equal(owned.get('victim')?.length, 1, 'a crashed member gets no callbacks');
        await assert.rejects(
          victim.commitOffsets([{ topic, partition: 0, offset: 1 }]),
          RebalanceInProgressError,
          'the removed member can no longer commit',
        );
        const [description] = await backend.admin.describeGroups([groupId]);
        assert.equal(description.members.length, 1);
        await survivor.leave();
      });

      it('a static member that leaves keeps its place; its successor takes the assignment over', async () => {
        const topic = await createTopic('contract-static', 2);
        const groupId = uniqueName('contract-static');
        const assignments: string[] = [];
        const make = () =>
          backend.createGroupMember(
            memberOptions(groupId, [topic], {
              groupInstanceId: 'instance-1',
              onAssigned: (assignment) => {
                assignments.push(describePartitions(assignment.partitions));
              },
            }),
          );
        const first = make();
        await withTimeout(first.join(), 30_000, 'join');
        const generation = first.generation()?.generationId;
        await first.leave();
        const [afterLeave] = await backend.admin.describeGroups([groupId]);
        assert.equal(afterLeave.members.length, 1, 'a static member stays registered after leave()');
        assert.equal(afterLeave.members[0].groupInstanceId, 'instance-1');

        const second = make();
        await withTimeout(second.join(), 30_000, 'successor joins');
        const [description] = await backend.admin.describeGroups([groupId]);
        assert.equal(description.members.length, 1, 'the successor replaced the registration');
        assert.equal(description.members[0].groupInstanceId, 'instance-1');
        assert.deepEqual(assignments, [`${topic}-0,${topic}-1`, `${topic}-0,${topic}-1`]);
        assert.equal(second.generation()?.generationId, generation, 'no rebalance: the same generation');
        await second.leave();
      });

      it('a second live member with the same group.instance.id fences the first, which reports a FencedError', async () => {
        const topic = await createTopic('contract-static-fence', 1);
        const groupId = uniqueName('contract-static-fence');
        const errors: Error[] = [];
        const first = backend.createGroupMember(
          memberOptions(groupId, [topic], { groupInstanceId: 'shared', onError: (error) => errors.push(error) }),
        );
        await withTimeout(first.join(), 30_000, 'first joins');
        const second = backend.createGroupMember(memberOptions(groupId, [topic], { groupInstanceId: 'shared' }));
        await withTimeout(second.join(), 30_000, 'second joins');
        await eventually('the first member learns it was fenced', 20_000, () => {
          assert.ok(errors.length > 0, 'onError was called');
        });
        assert.ok(errors[0] instanceof FencedError, `expected FencedError, got ${errors[0]}`);
        const [description] = await backend.admin.describeGroups([groupId]);
        assert.equal(description.members.length, 1);
        assert.equal(description.members[0].memberId, second.generation()?.memberId);
        await first.leave().catch(() => {});
        await second.leave();
      });

      it('a commit is accepted inside onRevoked and refused once the member is no longer in the group', async () => {
        const topic = await createTopic('contract-commit-revoke', 2);
        const groupId = uniqueName('contract-commit-revoke');
        let commitResult = 'none';
        const first: GroupMember = backend.createGroupMember(
          memberOptions(groupId, [topic], {
            onRevoked: async () => {
              try {
                await first.commitOffsets([{ topic, partition: 0, offset: 42 }]);
                commitResult = 'ok';
              } catch (error) {
                commitResult = String(error);
              }
            },
          }),
        );
        await withTimeout(first.join(), 30_000, 'join');
        const second = backend.createGroupMember(memberOptions(groupId, [topic]));
        await withTimeout(second.join(), 30_000, 'second join');
        assert.equal(commitResult, 'ok', 'offsets committed while revoking during a rebalance');
        assert.deepEqual(await backend.admin.fetchCommittedOffsets(groupId, [{ topic, partition: 0 }]), [
          { topic, partition: 0, offset: 42 },
        ]);
        await first.leave();
        await assert.rejects(first.commitOffsets([{ topic, partition: 0, offset: 43 }]), RebalanceInProgressError);
        await second.leave();
      });
    });
  });
}

// ------------------------------------------------------------------------------------------------ helpers

/** A plain assignor: partitions of every topic dealt round-robin to the members in member-id order. */
export function roundRobinAssignor({
  members,
  topicPartitions,
}: Parameters<GroupAssignor>[0]): Map<string, MemberAssignment> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
  const result = new Map<string, MemberAssignment>();
  const partitions = new Map<string, TopicPartition[]>(sorted.map((m) => [m.memberId, []]));
  let next = 0;
  for (const [topic, count] of [...topicPartitions].sort()) {
    for (let partition = 0; partition < count; partition++) {
      const candidates = sorted.filter((m) => m.topics.includes(topic));
      if (candidates.length === 0) continue;
      partitions.get(candidates[next++ % candidates.length].memberId)?.push({ topic, partition });
    }
  }
  for (const member of sorted) {
    result.set(member.memberId, { partitions: partitions.get(member.memberId) ?? [], userData: Buffer.alloc(0) });
  }
  return result;
}

function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries an assertion until it passes or the time is up (then the last failure is thrown). */
async function eventually(what: string, ms: number, check: () => Promise<void> | void): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`${what}: not within ${ms} ms: ${error instanceof Error ? error.message : error}`, {
          cause: error,
        });
      }
    }
    await sleep(50);
  }
}

/** Polls until `count` records arrived in total (per partition, in order); fails after `ms`. */
async function fetchUntil(fetcher: Fetcher, count: number, ms: number): Promise<Map<string, ConsumedRecord[]>> {
  const byPartition = new Map<string, ConsumedRecord[]>();
  let total = 0;
  const deadline = performance.now() + ms;
  while (total < count) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new Error(`fetched ${total} of ${count} records within ${ms} ms`);
    for (const batch of await fetcher.poll(Math.min(remaining, 1_000))) {
      const key = `${batch.topic}-${batch.partition}`;
      byPartition.set(key, [...(byPartition.get(key) ?? []), ...batch.records]);
      total += batch.records.length;
    }
  }
  return byPartition;
}

/** Polls one partition until its position reaches `offset`. */
async function fetchUntilOffset(
  fetcher: Fetcher,
  tp: TopicPartition,
  offset: number,
  ms: number,
): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const deadline = performance.now() + ms;
  while ((fetcher.position(tp) ?? -1) < offset) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new Error(`position ${fetcher.position(tp)} did not reach ${offset} within ${ms} ms`);
    for (const batch of await fetcher.poll(Math.min(remaining, 1_000))) records.push(...batch.records);
  }
  return records;
}

function countRecords(byPartition: Map<string, ConsumedRecord[]>): number {
  let total = 0;
  for (const records of byPartition.values()) total += records.length;
  return total;
}

function isUnknownTopic(error: unknown, topic: string): boolean {
  assert.ok(error instanceof UnknownTopicError, `expected UnknownTopicError, got ${error}`);
  assert.equal(error.topic, topic);
  assert.ok(error.message.includes(topic), `the message names the topic: ${error.message}`);
  return true;
}

function plain(record: ConsumedRecord) {
  return {
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key === null ? null : record.key.toString('hex'),
    value: record.value === null ? null : record.value.toString('hex'),
    headers: record.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('hex')]),
  };
}

function plainSent(record: {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers?: readonly { key: string; value: Buffer | null }[];
}) {
  return {
    timestamp: record.timestamp,
    key: record.key === null ? null : record.key.toString('hex'),
    value: record.value === null ? null : record.value.toString('hex'),
    headers: (record.headers ?? []).map((h) => [h.key, h.value === null ? null : h.value.toString('hex')]),
  };
}

function sortPartitions(partitions: readonly TopicPartition[]): TopicPartition[] {
  return [...partitions]
    .map((p) => ({ topic: p.topic, partition: p.partition }))
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

function sortOffsets<T extends TopicPartition & { offset: number }>(offsets: readonly T[]) {
  return [...offsets]
    .map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }))
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

function describePartitions(partitions: readonly TopicPartition[]): string {
  return sortPartitions(partitions)
    .map((p) => `${p.topic}-${p.partition}`)
    .join(',');
}
