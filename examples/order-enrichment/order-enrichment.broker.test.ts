/**
 * Order enrichment on a broker (embedded, and real Kafka when TRIBUTARY_TEST_KAFKA is set): orders are enriched
 * with customers through the repartition topic and matched with payments; a join of topics with different
 * partition counts refuses to start, naming both topics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JoinWindows } from '../../src/dsl/join-windows.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/runtime/kafka-streams.ts';
import { produceStrings, readTopic, uniqueName } from '../../src/runtime/test-support/runtime-harness.ts';
import { recreateTopics, testBackends } from '../../src/runtime/test-support/test-backends.ts';
import {
  buildOrderEnrichmentTopology,
  CUSTOMERS_TOPIC,
  ENRICHED_TOPIC,
  ORDERS_TOPIC,
  PAID_TOPIC,
  PAYMENTS_TOPIC,
} from './topology.ts';

/**
 * Event times start three hours ago: a real broker deletes records older than a topic's retention (seven days,
 * or a window changelog's retention plus one day) once its retention check runs, so epoch-near times would vanish
 * mid-test; and Kafka 4 refuses times more than an hour in the future.
 */
const T0 = Date.now() - 3 * 3_600_000;

const json = (value: unknown) => JSON.stringify(value);

for (const target of testBackends) {
  describe(`order enrichment on ${target.label}`, () => {
    it('enriches every order with its customer and matches the payments made within the hour', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const app = uniqueName('shop');
      const config = { 'application.id': app, 'commit.interval.ms': 100, 'poll.ms': 50 };
      const streams = new KafkaStreams(buildOrderEnrichmentTopology(), config, { backend });
      try {
        await recreateTopics(backend, [
          [ORDERS_TOPIC, 3],
          [CUSTOMERS_TOPIC, 3],
          [PAYMENTS_TOPIC, 3],
          [ENRICHED_TOPIC, 3],
          [PAID_TOPIC, 3],
        ]);
        const customerIds = Array.from({ length: 5 }, (_, i) => `c${i}`);
        await produceStrings(
          backend,
          CUSTOMERS_TOPIC,
          3,
          customerIds.map((id) => ({ key: id, value: json({ name: `name-${id}`, tier: 'gold' }), timestamp: T0 + 1 })),
        );
        await streams.start();
        // Wait until the customers are in the table (read back from its changelog) before ordering.
        await readTopic(backend, `${app}-customers-changelog`, 3, (r) => r.length >= customerIds.length);
        const orders = Array.from({ length: 20 }, (_, i) => ({
          id: `o${i}`,
          customerId: `c${i % 5}`,
          amount: i,
        }));
        await produceStrings(
          backend,
          ORDERS_TOPIC,
          3,
          orders.map((o, i) => ({ key: o.id, value: json(o), timestamp: T0 + (10_000 + i) })),
        );
        // Even orders are paid within the hour, odd ones two hours later.
        await produceStrings(
          backend,
          PAYMENTS_TOPIC,
          3,
          orders.map((o, i) => ({
            key: o.id,
            value: json({ orderId: o.id, amount: o.amount }),
            timestamp: T0 + (i % 2 === 0 ? 20_000 + i : 7_200_000 + i),
          })),
        );
        const enriched = await readTopic(backend, ENRICHED_TOPIC, 3, (r) => r.length >= orders.length);
        assert.deepEqual(
          enriched.map((r) => `${r.key} ${r.value}`).sort(),
          orders
            .map(
              (o) =>
                `${o.customerId} ${json({ orderId: o.id, amount: o.amount, customer: `name-${o.customerId}`, tier: 'gold' })}`,
            )
            .sort(),
        );
        const paid = await readTopic(backend, PAID_TOPIC, 3, (r) => r.length >= orders.length / 2);
        assert.deepEqual(
          paid.map((r) => r.key?.toString()).sort(),
          orders
            .filter((_, i) => i % 2 === 0)
            .map((o) => o.id)
            .sort(),
        );
      } finally {
        await streams.close({ timeoutMs: 10_000 });
        await backend.close();
      }
    });

    it('refuses to start a join of topics with different partition counts, naming both topics', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      const [left, right, out] = ['left', 'right', 'out'].map(uniqueName);
      const b = new StreamsBuilder();
      b.stream(left)
        .join(b.stream(right), (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(1000))
        .to(out);
      const streams = new KafkaStreams(b.build(), { 'application.id': uniqueName('copartition') }, { backend });
      try {
        await backend.admin.createTopics([
          { name: left, partitions: 3, replicationFactor: 1 },
          { name: right, partitions: 2, replicationFactor: 1 },
          { name: out, partitions: 1, replicationFactor: 1 },
        ]);
        await assert.rejects(streams.start(), (error: Error) => {
          assert.match(error.message, new RegExp(`"${left}" has 3`));
          assert.match(error.message, new RegExp(`"${right}" has 2`));
          return true;
        });
      } finally {
        await streams.close({ timeoutMs: 10_000 });
        await backend.close();
      }
    });
  });
}
