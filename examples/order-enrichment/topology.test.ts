import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serdes } from '../../src/serdes/serdes.ts';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.ts';
import {
  buildOrderEnrichmentTopology,
  CUSTOMERS_STORE,
  CUSTOMERS_TOPIC,
  type Customer,
  ENRICHED_TOPIC,
  ORDERS_TOPIC,
  type Order,
  PAID_TOPIC,
  PAYMENTS_TOPIC,
  type Payment,
} from './topology.ts';

test('orders come out with their customer (re-keyed by customer through a repartition topic) and with payments made within an hour', () => {
  const driver = new TopologyTestDriver(
    buildOrderEnrichmentTopology(),
    { 'application.id': 'shop' },
    { partitions: { [ORDERS_TOPIC]: 3, [CUSTOMERS_TOPIC]: 3, [PAYMENTS_TOPIC]: 3 } },
  );
  const customers = driver.createInputTopic(CUSTOMERS_TOPIC, Serdes.String(), Serdes.JSON<Customer>());
  const orders = driver.createInputTopic(ORDERS_TOPIC, Serdes.String(), Serdes.JSON<Order>());
  const payments = driver.createInputTopic(PAYMENTS_TOPIC, Serdes.String(), Serdes.JSON<Payment>());
  const enriched = driver.createOutputTopic(ENRICHED_TOPIC, Serdes.String(), Serdes.JSON());
  const paid = driver.createOutputTopic(PAID_TOPIC, Serdes.String(), Serdes.JSON());

  customers.pipeInput('c1', { name: 'Ada', tier: 'gold' }, 0);
  customers.pipeInput('c2', { name: 'Bo', tier: 'standard' }, 0);
  orders.pipeInput('o1', { id: 'o1', customerId: 'c1', amount: 30 }, 1_000);
  orders.pipeInput('o2', { id: 'o2', customerId: 'c2', amount: 12 }, 2_000);
  orders.pipeInput('o3', { id: 'o3', customerId: 'c9', amount: 5 }, 3_000);
  payments.pipeInput('o1', { orderId: 'o1', amount: 30 }, 60_000);
  payments.pipeInput('o2', { orderId: 'o2', amount: 12 }, 2 * 3_600_000); // too late
  payments.pipeInput('o3', { orderId: 'o3', amount: 5 }, 2_500); // before its order

  assert.deepEqual(enriched.readKeyValuesToList(), [
    { key: 'c1', value: { orderId: 'o1', amount: 30, customer: 'Ada', tier: 'gold' } },
    { key: 'c2', value: { orderId: 'o2', amount: 12, customer: 'Bo', tier: 'standard' } },
    { key: 'c9', value: { orderId: 'o3', amount: 5, customer: null, tier: null } },
  ]);
  const paidRecords = paid.readRecordsToList();
  assert.deepEqual(
    paidRecords.map((r) => [r.key, r.value, r.timestamp]),
    [['o1', { orderId: 'o1', due: 30, paid: 30 }, 60_000]],
  );
  // Every order crossed the repartition topic, keyed by its customer.
  assert.deepEqual(
    driver.written('shop-orders-by-customer-repartition').map((r) => r.key?.toString()),
    ['c1', 'c2', 'c9'],
  );
  assert.deepEqual(driver.getKeyValueStore<string, Customer>(CUSTOMERS_STORE).get('c1'), { name: 'Ada', tier: 'gold' });
  driver.close();
});
