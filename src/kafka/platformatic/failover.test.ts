/**
 * Produce, fetch, group membership and transactions keep going while a broker is killed (3-node cluster,
 * RF 3, min.insync.replicas 2). Starts its own cluster, so it runs only when TRIBUTARY_TEST_KAFKA_CLUSTER is
 * set, as `npm test` does (three more JVMs are too heavy for quick local runs of one file).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type KafkaCluster, startKafkaCluster } from '../../harness/kafka-cluster.ts';
import type { ConsumedRecord, GroupGeneration, TopicPartition } from '../backend.ts';
import { ClusterClient } from './cluster-client.ts';
import { resolveConfig } from './config.ts';
import { PlatformaticBackend } from './platformatic-backend.ts';
import { uniqueName } from './test-support.ts';

const enabled = process.env.TRIBUTARY_TEST_KAFKA_CLUSTER === '1';

describe('PlatformaticBackend when a broker dies', {
  skip: enabled ? false : 'TRIBUTARY_TEST_KAFKA_CLUSTER not set',
}, () => {
  let kafka: KafkaCluster;
  let backend: PlatformaticBackend;
  before(async () => {
    kafka = await startKafkaCluster({ nodes: 3, heapOpts: '-Xmx384m -Xms384m' });
    backend = new PlatformaticBackend({ bootstrapServers: [...kafka.brokers], clientId: 'failover-test' });
  });
  after(async () => {
    await backend?.close();
    await kafka?.stop();
  });

  it('returns one leader’s records without waiting out another leader’s long poll', { timeout: 120_000 }, async () => {
    const topic = uniqueName('pf-leaders');
    await backend.admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 3 }]);
    const [description] = await backend.admin.describeTopics([topic]);
    const busy = description.partitions[0];
    const idle = description.partitions.find((p) => p.leader !== busy.leader);
    assert.ok(idle, 'the partitions have different leaders');
    const fetcher = backend.createFetcher();
    fetcher.assign([
      { topic, partition: busy.partition },
      { topic, partition: idle.partition },
    ]);
    assert.deepEqual(await fetcher.poll(200), []);
    const producer = await backend.createProducer();
    await producer.send([{ topic, partition: busy.partition, key: null, value: Buffer.from('x') }]);
    const started = performance.now();
    const batches = await fetcher.poll(5_000);
    const elapsed = performance.now() - started;
    assert.deepEqual(
      batches.map((b) => [b.partition, b.records.length]),
      [[busy.partition, 1]],
    );
    assert.ok(elapsed < 2_500, `poll took ${elapsed} ms: it waited for the idle leader`);
    await Promise.all([producer.close(), fetcher.close()]);
  });

  it('keeps producing (no loss, no duplicates) and fetching after the partition leader is killed', {
    timeout: 300_000,
  }, async () => {
    const topic = uniqueName('pf-failover');
    await backend.admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 3 }]);
    const producer = await backend.createProducer();
    const fetcher = backend.createFetcher();
    fetcher.assign([0, 1, 2].map((partition) => ({ topic, partition })));
    const received: ConsumedRecord[] = [];
    let fetching = true;
    const fetchLoop = (async () => {
      while (fetching) for (const batch of await fetcher.poll(200)) received.push(...batch.records);
    })();

    const sends = 60;
    const perSend = 300;
    const [description] = await backend.admin.describeTopics([topic]);
    const victim = description.partitions[0].leader;
    let killed: Promise<void> | undefined;
    for (let s = 0; s < sends; s++) {
      // Not awaited: the broker dies while sends and fetches to it are in flight.
      if (s === 20) killed = kafka.killNode(victim);
      await producer.send(
        Array.from({ length: perSend }, (_, i) => ({
          topic,
          partition: (s + i) % 3,
          key: null,
          value: Buffer.from(`${s}:${i}`),
        })),
      );
    }
    await killed;
    const total = sends * perSend;
    const deadline = Date.now() + 60_000;
    while (received.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    fetching = false;
    await fetchLoop;
    const values = new Set(received.map((r) => r.value?.toString()));
    assert.equal(values.size, total, 'every record arrived');
    assert.equal(received.length, total, 'no record arrived twice');
    const [afterKill] = await backend.admin.describeTopics([topic]);
    assert.notEqual(afterKill.partitions[0].leader, victim, 'partition 0 moved to another leader');
    await producer.close();
    await fetcher.close();
    await kafka.restartNode(victim);
  });

  it('keeps committing transactions with group offsets after the coordinators’ broker is killed', {
    timeout: 300_000,
  }, async () => {
    const input = uniqueName('pf-eos-in');
    const output = uniqueName('pf-eos-out');
    const groupId = uniqueName('pf-eos-group');
    const transactionalId = uniqueName('pf-eos-txn');
    await backend.admin.createTopics([
      { name: input, partitions: 3, replicationFactor: 3 },
      { name: output, partitions: 3, replicationFactor: 3 },
    ]);
    const owned: TopicPartition[] = [];
    const member = backend.createGroupMember({
      groupId,
      topics: [input],
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 500,
      assignor: ({ members, topicPartitions }) =>
        new Map(
          members.map((m, i) => [
            m.memberId,
            {
              partitions:
                i === 0
                  ? [0, 1, 2].slice(0, topicPartitions.get(input)).map((partition) => ({ topic: input, partition }))
                  : [],
              userData: Buffer.alloc(0),
            },
          ]),
        ),
      onAssigned: (assignment) => {
        owned.splice(0, owned.length, ...assignment.partitions);
      },
    });
    await member.join();
    assert.equal(owned.length, 3);
    const producer = await backend.createProducer({ transactionalId });

    // Kill the broker that coordinates the transaction (and perhaps the group) in the middle of the run.
    const probe = new ClusterClient(resolveConfig({ bootstrapServers: [...kafka.brokers] }));
    const victim = await probe.findCoordinator('transaction', transactionalId);
    await probe.close();

    const transactions = 20;
    const perTransaction = 30;
    let killed: Promise<void> | undefined;
    for (let t = 0; t < transactions; t++) {
      if (t === 8) killed = kafka.killNode(victim);
      await producer.beginTransaction();
      await producer.send(
        Array.from({ length: perTransaction }, (_, i) => ({
          topic: output,
          partition: i % 3,
          key: null,
          value: Buffer.from(`${t}:${i}`),
        })),
      );
      await producer.sendOffsetsToTransaction(
        [0, 1, 2].map((partition) => ({ topic: input, partition, offset: t + 1 })),
        member.generation() as GroupGeneration,
      );
      await producer.commitTransaction();
    }
    await killed;

    const committed = await backend.admin.fetchCommittedOffsets(
      groupId,
      [0, 1, 2].map((partition) => ({ topic: input, partition })),
    );
    assert.deepEqual(
      committed.map((c) => c.offset),
      [transactions, transactions, transactions],
    );
    const fetcher = backend.createFetcher({ isolationLevel: 'read_committed' });
    fetcher.assign([0, 1, 2].map((partition) => ({ topic: output, partition })));
    const seen = new Set<string>();
    let count = 0;
    const deadline = Date.now() + 60_000;
    while (count < transactions * perTransaction && Date.now() < deadline) {
      for (const batch of await fetcher.poll(200)) {
        for (const r of batch.records) seen.add(r.value?.toString() ?? '');
        count += batch.records.reduce((n) => n + 1, 0);
      }
    }
    assert.equal(seen.size, transactions * perTransaction, 'every committed record is visible');
    assert.equal(count, transactions * perTransaction, 'and only once');
    // The member survived (or rejoined) and can still commit under its generation.
    await member.commitOffsets([{ topic: input, partition: 0, offset: 99 }]);
    await fetcher.close();
    await producer.close();
    await member.leave();
    await kafka.restartNode(victim);
  });
});
