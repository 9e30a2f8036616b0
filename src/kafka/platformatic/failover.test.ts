/**
 * Produce and fetch keep going while the leader of a partition is killed (3-node cluster, RF 3,
 * min.insync.replicas 2). Starts its own cluster, so it runs only when TRIBUTARY_TEST_KAFKA_CLUSTER is set
 * (three JVMs are too heavy for every test run).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startKafkaCluster } from '../../harness/kafka-cluster.ts';
import type { ConsumedRecord } from '../backend.ts';
import { PlatformaticBackend } from './platformatic-backend.ts';
import { uniqueName } from './test-support.ts';

const enabled = Boolean(process.env.TRIBUTARY_TEST_KAFKA_CLUSTER);

describe('PlatformaticBackend when a broker dies', {
  skip: enabled ? false : 'TRIBUTARY_TEST_KAFKA_CLUSTER not set',
}, () => {
  it('keeps producing (no loss, no duplicates) and fetching after the partition leader is killed', {
    timeout: 300_000,
  }, async () => {
    const kafka = await startKafkaCluster({ nodes: 3 });
    const backend = new PlatformaticBackend({ bootstrapServers: [...kafka.brokers], clientId: 'failover-test' });
    try {
      const topic = uniqueName('pf-failover');
      await backend.admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 3 }]);
      const producer = await backend.createProducer();
      const fetcher = backend.createFetcher();
      const partitions = [0, 1, 2].map((partition) => ({ topic, partition }));
      fetcher.assign(partitions);
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
      const [after] = await backend.admin.describeTopics([topic]);
      assert.notEqual(after.partitions[0].leader, victim, 'partition 0 moved to another leader');
      await producer.close();
      await fetcher.close();
    } finally {
      await backend.close();
      await kafka.stop();
    }
  });
});
