import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../../src/serdes/serdes.ts';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.ts';
import {
  buildFilterMapSplitTopology,
  LARGE_ORDERS_TOPIC,
  ORDERS_TOPIC,
  type Order,
  type PricedOrder,
  SMALL_ORDERS_TOPIC,
} from './topology.ts';

const ORDERS: Order[] = [
  { id: 'o1', customer: 'ann', amount: 10, status: 'NEW' },
  { id: 'o2', customer: 'bob', amount: 90, status: 'PAID' }, // 108 with tax: large
  { id: 'o3', customer: 'cid', amount: 500, status: 'CANCELLED' },
  { id: 'o4', customer: 'ann', amount: 83.33, status: 'NEW' }, // 99.996 → 100 with tax: large
  { id: 'o5', customer: 'dan', amount: 83.32, status: 'NEW' }, // 99.98: small
];

test('filter-map-split drops cancelled orders, prices the rest and splits them by size', () => {
  const driver = new TopologyTestDriver(
    buildFilterMapSplitTopology(),
    { 'application.id': 'orders-app' },
    {
      partitions: { [ORDERS_TOPIC]: 2, [LARGE_ORDERS_TOPIC]: 2, [SMALL_ORDERS_TOPIC]: 2 },
    },
  );
  const input = driver.createInputTopic(ORDERS_TOPIC, Serdes.String(), Serdes.JSON<Order>());
  const large = driver.createOutputTopic(LARGE_ORDERS_TOPIC, Serdes.String(), Serdes.JSON<PricedOrder>());
  const small = driver.createOutputTopic(SMALL_ORDERS_TOPIC, Serdes.String(), Serdes.JSON<PricedOrder>());
  for (const order of ORDERS) input.pipeInput(order.id, order);

  const largeOrders = large.readKeyValuesToList();
  const smallOrders = small.readKeyValuesToList();
  assert.deepEqual(
    largeOrders.map((kv) => [kv.key, kv.value.total]),
    [
      ['o2', 108],
      ['o4', 100],
    ],
  );
  assert.deepEqual(
    smallOrders.map((kv) => [kv.key, kv.value.total]),
    [
      ['o1', 12],
      ['o5', 99.98],
    ],
  );
  assert.equal(smallOrders[0].value.customer, 'ann', 'the other fields are kept');
  // Stateless: no store, no internal topic.
  assert.deepEqual(driver.producedTopicNames().sort(), [LARGE_ORDERS_TOPIC, SMALL_ORDERS_TOPIC]);
  driver.close();
});
