/**
 * Joins: the joiner's return type becomes the value type; co-partitioning of joined topics is required (with
 * repartition topics sized to match, and an error naming both topics when user topics differ); bad options fail
 * with errors naming the problem; a join over a derived table reads the parent's rows through its function.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskAssignmentException } from '../errors/streams-exception.ts';
import { resolveInternalPartitionCounts } from '../runtime/internal-topic-manager.ts';
import { checkCopartitioning } from '../runtime/task-layout.ts';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { buildTopology } from '../topology/build-topology.ts';
import { Consumed } from './consumed.ts';
import { JoinWindows } from './join-windows.ts';
import { Joined } from './joined.ts';
import type { KStream } from './kstream.ts';
import type { KTable } from './ktable.ts';
import { StreamJoined } from './stream-joined.ts';
import { StreamsBuilder } from './streams-builder.ts';
import { TimeWindows } from './time-windows.ts';

interface Order {
  readonly id: string;
  readonly amount: number;
}

test("the joiner's return type is the joined stream's or table's value type, with null where a side may be missing", () => {
  const b = new StreamsBuilder();
  const orders = b.stream('orders', Consumed.with(Serdes.String(), Serdes.JSON<Order>()));
  const customers = b.table('customers');
  const inner: KStream<string, { order: Order; name: string }> = orders.join(customers, (order, name) => ({
    order,
    name,
  }));
  const left: KStream<string, string> = orders.leftJoin(customers, (order, name) => `${order.id}:${name ?? '?'}`);
  // @ts-expect-error a left join's table value may be null
  orders.leftJoin(customers, (_order, name) => name.length);
  const windowed: KStream<string, number> = orders.join(
    orders.mapValues((o) => o.amount),
    (order, amount) => order.amount + amount,
    JoinWindows.ofTimeDifferenceWithNoGrace(1000),
  );
  const outer: KStream<string, number> = orders.outerJoin(
    orders,
    (a, c) => (a?.amount ?? 0) + (c?.amount ?? 0),
    JoinWindows.ofTimeDifferenceWithNoGrace(10),
  );
  const tables: KTable<string, number> = customers.join(
    b.table('scores'),
    (name, score, key) => Number(score) + name.length + key.length,
  );
  const global = b.globalTable('products');
  const viaGlobal: KStream<string, boolean> = orders.join(
    global,
    (_key, order) => order.id,
    (order, product) => order.id === product,
  );
  const byForeignKey: KTable<string, { total: number; customer: string | null }> = b
    .table('order-rows', Consumed.with(Serdes.String(), Serdes.JSON<Order>()))
    .leftJoin(
      customers,
      (order) => order.id,
      (order, name) => ({ total: order.amount, customer: name }),
    );
  assert.ok(inner && left && windowed && outer && tables && viaGlobal && byForeignKey);
});

test('a stream re-keyed before a join is repartitioned; the repartition topic is co-partitioned with the table', () => {
  const b = new StreamsBuilder();
  const customers = b.table('customers');
  b.stream('orders')
    .selectKey((_k, v) => v)
    .join(customers, (o, c) => o + c)
    .to('out');
  const built = buildTopology(b.build(), { 'application.id': 'shop' });
  const repartition = 'shop-KSTREAM-KEY-SELECT-0000000004-repartition';
  assert.deepEqual(built.copartitionGroups, [['customers', repartition].sort()]);
  const counts = new Map([
    ['customers', 6],
    ['orders', 2],
  ]);
  const sources = built.subtopologies.map((s) => ({ id: s.id, sourceTopics: s.sourceTopics }));
  const sized = resolveInternalPartitionCounts(built, sources, counts);
  // Written by the 2-partition orders sub-topology, yet sized like the table it joins.
  assert.equal(sized.get(repartition), 6);
});

test('joining topics with different partition counts fails, naming both topics', () => {
  const b = new StreamsBuilder();
  b.stream('orders')
    .join(b.table('customers'), (o, c) => o + c)
    .to('out');
  b.stream('clicks')
    .leftJoin(b.stream('views'), (c, v) => c + v, JoinWindows.ofTimeDifferenceWithNoGrace(5))
    .to('out2');
  const built = buildTopology(b.build(), { 'application.id': 'shop' });
  assert.deepEqual(built.copartitionGroups, [
    ['customers', 'orders'],
    ['clicks', 'views'],
  ]);
  const counts = new Map([
    ['orders', 3],
    ['customers', 4],
    ['clicks', 2],
    ['views', 2],
  ]);
  assert.throws(
    () => checkCopartitioning(built.copartitionGroups, counts),
    (error: Error) =>
      error instanceof TaskAssignmentException &&
      /"customers" has 4/.test(error.message) &&
      /"orders" has 3/.test(error.message),
  );
  counts.set('customers', 3);
  assert.doesNotThrow(() => checkCopartitioning(built.copartitionGroups, counts));
});

test('a join over a filtered, mapped table reads the source rows through filter and mapValues', () => {
  const b = new StreamsBuilder();
  const vip = b
    .table('customers')
    .filter((_k, v) => v.startsWith('vip:'))
    .mapValues((v) => v.slice(4).toUpperCase());
  b.stream('orders')
    .leftJoin(vip, (o, c) => `${o}/${c}`)
    .to('out');
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'derived' });
  const customers = driver.createInputTopic('customers', Serdes.String(), Serdes.String());
  const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
  customers.pipeInput('a', 'vip:ann', 1);
  customers.pipeInput('b', 'bob', 2);
  orders.pipeInput('a', 'o1', 3);
  orders.pipeInput('b', 'o2', 4);
  customers.pipeInput('a', 'ann', 5);
  orders.pipeInput('a', 'o3', 6);
  const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList();
  driver.close();
  assert.deepEqual(out, [
    { key: 'a', value: 'o1/ANN' },
    { key: 'b', value: 'o2/null' },
    { key: 'a', value: 'o3/null' },
  ]);
});

test('bad join options fail with errors that name the problem', () => {
  assert.throws(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1), /timeDifference must not be negative/);
  assert.throws(() => JoinWindows.ofTimeDifferenceAndGrace(10, -5), /Grace period must not be negative/);
  assert.throws(() => JoinWindows.ofTimeDifferenceWithNoGrace(10).before(-20), /must not be negative/);
  assert.equal(JoinWindows.ofTimeDifferenceWithNoGrace(10).after(30).size(), 40);
  const b = new StreamsBuilder();
  const table = b.table('t');
  assert.throws(
    () => b.stream('s').join(table, (x, y) => x + y, Joined.as<string, string, string>('enrich').withGracePeriod(10)),
    /join "enrich": a grace period needs a versioned table/,
  );
  // @ts-expect-error a stream-stream join needs JoinWindows
  assert.throws(() => b.stream('s2').join(b.stream('s3'), (x, y) => x + y), /needs JoinWindows/);
});

test('a GlobalKTable join looks up the key the selector picks, in the full table, from any partition', () => {
  const b = new StreamsBuilder();
  const products = b.globalTable('products');
  const orders = b.stream('orders');
  orders
    .join(
      products,
      (_orderId, productId) => productId,
      (productId, product) => `${productId}:${product}`,
    )
    .to('inner');
  orders
    .leftJoin(
      products,
      (_orderId, productId) => productId,
      (productId, product) => `${productId}:${product}`,
    )
    .to('left');
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'global' }, { partitions: { orders: 3 } });
  driver.createInputTopic('products', Serdes.String(), Serdes.String()).pipeInput('p1', 'pen', 1);
  const input = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
  input.pipeInput('o1', 'p1', 2);
  input.pipeInput('o2', 'p2', 3);
  input.pipeInput('o3', 'p1', 4);
  const inner = driver.createOutputTopic('inner', Serdes.String(), Serdes.String()).readKeyValuesToList();
  const left = driver.createOutputTopic('left', Serdes.String(), Serdes.String()).readKeyValuesToList();
  driver.close();
  const sorted = (list: { key: string; value: string }[]) => list.map((r) => `${r.key}=${r.value}`).sort();
  assert.deepEqual(sorted(inner), ['o1=p1:pen', 'o3=p1:pen']);
  assert.deepEqual(sorted(left), ['o1=p1:pen', 'o2=p2:null', 'o3=p1:pen']);
});

test('in the test driver, a re-keyed stream joins a table with more partitions through a repartition topic sized like it', () => {
  const b = new StreamsBuilder();
  b.stream('orders')
    .selectKey((_k, v) => v)
    .join(b.table('customers'), (o, c) => `${o}@${c}`)
    .to('out');
  const driver = new TopologyTestDriver(
    b.build(),
    { 'application.id': 'tt' },
    { partitions: { orders: 2, customers: 5 } },
  );
  const customers = driver.createInputTopic('customers', Serdes.String(), Serdes.String());
  for (let i = 0; i < 10; i++) customers.pipeInput(`c${i}`, `name${i}`, 1);
  const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
  for (let i = 0; i < 10; i++) orders.pipeInput(`o${i}`, `c${i}`, 2);
  const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList();
  assert.equal(driver.partitionsOf('tt-KSTREAM-KEY-SELECT-0000000001-repartition'), 5);
  driver.close();
  assert.deepEqual(
    out.map((r) => `${r.key}=${r.value}`).sort(),
    Array.from({ length: 10 }, (_, i) => `c${i}=c${i}@name${i}`).sort(),
  );
});

test('the test driver refuses joined topics with different partition counts, naming both', () => {
  const b = new StreamsBuilder();
  b.stream('orders')
    .join(b.table('customers'), (o, c) => o + c)
    .to('out');
  const driver = new TopologyTestDriver(
    b.build(),
    { 'application.id': 'tt' },
    { partitions: { orders: 2, customers: 3 } },
  );
  assert.throws(
    () => driver.createInputTopic('orders', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1),
    /"customers" has 3.*"orders" has 2|"orders" has 2.*"customers" has 3/,
  );
  driver.close();
});

test('windowed aggregations join window by window (the value getter reads the window store)', () => {
  const b = new StreamsBuilder();
  const windows = TimeWindows.ofSizeWithNoGrace(10);
  const clicks = b.stream('clicks').groupByKey().windowedBy(windows).count();
  const views = b.stream('views').groupByKey().windowedBy(windows).count();
  clicks
    .join(views, (c, v) => `${c}/${v}`)
    .toStream((key) => `${key.key}@${key.window.start}`)
    .to('ratio');
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'windowed-join' });
  const clickIn = driver.createInputTopic('clicks', Serdes.String(), Serdes.String());
  const viewIn = driver.createInputTopic('views', Serdes.String(), Serdes.String());
  viewIn.pipeInput('p', 'v', 1);
  viewIn.pipeInput('p', 'v', 2);
  clickIn.pipeInput('p', 'c', 3);
  viewIn.pipeInput('p', 'v', 12);
  clickIn.pipeInput('p', 'c', 13);
  const out = driver.createOutputTopic('ratio', Serdes.String(), Serdes.String()).readKeyValuesToList();
  driver.close();
  assert.deepEqual(out, [
    { key: 'p@0', value: '1/2' },
    { key: 'p@10', value: '1/1' },
  ]);
});

test('under ensure.explicit.internal.resource.naming, joins with generated store or topic names are refused, named ones pass', () => {
  const strict = { 'application.id': 'strict', 'ensure.explicit.internal.resource.naming': true };
  const unnamed = new StreamsBuilder();
  unnamed
    .stream('a')
    .join(unnamed.stream('b'), (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(5))
    .to('o');
  assert.throws(() => buildTopology(unnamed.build(), strict), /store "KSTREAM-JOINTHIS-0000000004-store"/);
  const unnamedFk = new StreamsBuilder();
  unnamedFk
    .table('orders')
    .join(
      unnamedFk.table('customers'),
      (v) => v,
      (x, y) => x + y,
    )
    .toStream()
    .to('o');
  assert.throws(() => buildTopology(unnamedFk.build(), strict), /KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION/);
  const named = new StreamsBuilder();
  named
    .stream('a')
    .leftJoin(named.stream('b'), (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(5), StreamJoined.as('ab'))
    .to('o');
  assert.doesNotThrow(() => buildTopology(named.build(), strict));
});
