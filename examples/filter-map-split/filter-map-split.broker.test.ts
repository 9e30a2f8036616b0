/**
 * The filter-map-split pipeline on a broker (embedded, and real Kafka when TRIBUTARY_TEST_KAFKA is set):
 * cancelled orders dropped, totals with tax, large and small orders on their own topics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaStreams } from '../../src/runtime/kafka-streams.ts';
import { produceStrings, readTopic, uniqueName } from '../../src/runtime/test-support/runtime-harness.ts';
import { recreateTopics, testBackends } from '../../src/runtime/test-support/test-backends.ts';
import {
  buildFilterMapSplitTopology,
  LARGE_ORDER_THRESHOLD,
  LARGE_ORDERS_TOPIC,
  ORDERS_TOPIC,
  type Order,
  type PricedOrder,
  SMALL_ORDERS_TOPIC,
} from './topology.ts';

const ORDERS: Order[] = Array.from({ length: 60 }, (_, i) => ({
  id: `o${i}`,
  customer: `c${i % 7}`,
  amount: (i * 37) % 200,
  status: i % 5 === 0 ? 'CANCELLED' : i % 2 === 0 ? 'PAID' : 'NEW',
}));

for (const target of testBackends) {
  describe(`filter-map-split on ${target.label}`, () => {
    it('drops cancelled orders, adds tax and splits by size', async (t) => {
      const backend = target.open();
      if (backend === undefined) return t.skip('no TRIBUTARY_TEST_KAFKA');
      try {
        await recreateTopics(backend, [
          [ORDERS_TOPIC, 2],
          [LARGE_ORDERS_TOPIC, 2],
          [SMALL_ORDERS_TOPIC, 2],
        ]);
        await produceStrings(
          backend,
          ORDERS_TOPIC,
          2,
          ORDERS.map((order) => ({ key: order.id, value: JSON.stringify(order) })),
        );
        const app = uniqueName('filter-map-split');
        const streams = new KafkaStreams(
          buildFilterMapSplitTopology(),
          { 'application.id': app, 'commit.interval.ms': 100, 'poll.ms': 50 },
          { backend },
        );
        await streams.start();

        const kept = ORDERS.filter((o) => o.status !== 'CANCELLED').map((o) => ({
          ...o,
          total: Math.round(o.amount * 120) / 100,
        }));
        const large = kept.filter((o) => o.total >= LARGE_ORDER_THRESHOLD);
        const small = kept.filter((o) => o.total < LARGE_ORDER_THRESHOLD);
        assert.ok(large.length > 0 && small.length > 0);
        const decode = (records: readonly { key: Buffer | null; value: Buffer | null }[]) =>
          records
            .map((r) => ({ key: r.key!.toString(), order: JSON.parse(r.value!.toString()) as PricedOrder }))
            .sort((a, b) => a.key.localeCompare(b.key));
        const largeOut = decode(await readTopic(backend, LARGE_ORDERS_TOPIC, 2, (r) => r.length >= large.length));
        const smallOut = decode(await readTopic(backend, SMALL_ORDERS_TOPIC, 2, (r) => r.length >= small.length));
        const byId = (orders: PricedOrder[]) =>
          orders.map((o) => ({ key: o.id, order: o })).sort((a, b) => a.key.localeCompare(b.key));
        assert.deepEqual(largeOut, byId(large));
        assert.deepEqual(smallOut, byId(small));
        await streams.close();
      } finally {
        await backend.close();
      }
    });
  });
}
