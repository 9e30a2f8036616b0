/**
 * `default.dsl.store: 'rocksDB'` makes every DSL store persistent (windowed and session aggregations,
 * stream-stream join stores, the foreign-key join's subscription store), and the results do not change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JoinWindows } from '../dsl/join-windows.ts';
import { Materialized } from '../dsl/materialized.ts';
import { SessionWindows } from '../dsl/session-windows.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { TimeWindows } from '../dsl/time-windows.ts';
import type { Windowed } from '../dsl/windowed.ts';
import { Serdes } from '../serdes/serdes.ts';
import { TopologyTestDriver } from '../test-driver/topology-test-driver.ts';
import { PersistentKeyValueStore } from './persistent-key-value-store.ts';
import { PersistentSessionStore } from './persistent-session-store.ts';
import { PersistentWindowStore } from './persistent-window-store.ts';
import { Stores } from './stores.ts';

const render = (w: Windowed<string>) => `${w.key}@${w.window.start}/${w.window.end}`;

function topology(windowStore?: Materialized<string, number>, sessionStore?: Materialized<string, number>) {
  const b = new StreamsBuilder();
  const clicks = b.stream<string, string>('clicks');
  clicks
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
    .count(windowStore)
    .toStream()
    .map((k, v) => [render(k), String(v)])
    .to('window-counts');
  clicks
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5_000))
    .count(sessionStore)
    .toStream()
    .map((k, v) => [render(k), v === null ? 'null' : String(v)])
    .to('session-counts');
  const views = b.stream<string, string>('views');
  clicks.join(views, (c, v) => `${c}+${v}`, JoinWindows.ofTimeDifferenceWithNoGrace(3_000)).to('joined');
  const orders = b.table<string, string>('orders');
  const customers = b.table<string, string>('customers');
  orders
    .join(
      customers,
      (v) => v.split(':')[0]!,
      (o, c) => `${o}|${c}`,
    )
    .toStream()
    .to('fk');
  return b.build();
}

function run(
  config: Record<string, unknown>,
  windowStore?: Materialized<string, number>,
  sessionStore?: Materialized<string, number>,
) {
  const built = topology(windowStore, sessionStore);
  const storeNames = [
    ...built
      .describe()
      .toString()
      .matchAll(/stores:\s*\[([^\]]*)\]/g),
  ]
    .flatMap((m) => m[1]!.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const driver = new TopologyTestDriver(built, {
    'application.id': 'dsl-store-types',
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
    ...config,
  });
  try {
    const clicks = driver.createInputTopic('clicks', Serdes.String(), Serdes.String());
    const views = driver.createInputTopic('views', Serdes.String(), Serdes.String());
    const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
    const customers = driver.createInputTopic('customers', Serdes.String(), Serdes.String());
    for (let i = 0; i < 60; i++) {
      const t = i * 1_700;
      clicks.pipeInput(`u${i % 4}`, `c${i}`, t);
      if (i % 3 === 0) views.pipeInput(`u${i % 5}`, `v${i}`, t + 500);
    }
    customers.pipeInput('c1', 'Ann', 0);
    customers.pipeInput('c2', 'Bob', 0);
    orders.pipeInput('o1', 'c1:pen', 1);
    orders.pipeInput('o2', 'c2:ink', 2);
    customers.pipeInput('c1', 'Anna', 3);
    const read = (topic: string) =>
      driver
        .createOutputTopic(topic, Serdes.String(), Serdes.String())
        .readKeyValuesToList()
        .map((kv) => `${kv.key}=${kv.value}`);
    const outputs = Object.fromEntries(
      ['window-counts', 'session-counts', 'joined', 'fk'].map((topic) => [topic, read(topic)]),
    );
    const types = Object.fromEntries(
      storeNames.map((name) => [name, driver.getStateStores(name)[0]?.constructor.name ?? 'none']),
    );
    return { outputs, types };
  } finally {
    driver.close();
  }
}

test('default.dsl.store "rocksDB": windowed, session, stream-stream join and FK join stores are persistent, results unchanged', () => {
  const inMemory = run({});
  const persistent = run({ 'default.dsl.store': 'rocksDB' });
  for (const [topic, records] of Object.entries(inMemory.outputs)) assert.ok(records.length > 0, `${topic} has output`);
  assert.deepEqual(persistent.outputs, inMemory.outputs);
  const kinds = Object.values(persistent.types);
  assert.ok(kinds.length >= 6, JSON.stringify(persistent.types));
  // Every store is persistent: 1 window aggregation, 1 session aggregation, 2 join windows, the FK subscription
  // store and the source tables' stores (if materialized).
  assert.deepEqual(
    Object.entries(persistent.types).filter(([, kind]) => !kind.startsWith('Persistent')),
    [],
    JSON.stringify(persistent.types),
  );
  assert.equal(kinds.filter((k) => k === PersistentWindowStore.name).length, 3);
  assert.equal(kinds.filter((k) => k === PersistentSessionStore.name).length, 1);
  assert.ok(kinds.includes(PersistentKeyValueStore.name));
  assert.deepEqual(
    Object.values(inMemory.types).filter((kind) => kind.startsWith('Persistent')),
    [],
    'in_memory (the default) keeps every store in memory',
  );
});

test('Materialized.as(Stores.persistentWindowStore(...)) makes a windowed count persistent under the in-memory default', () => {
  const supplier = Stores.persistentWindowStore('click-windows', 10_000, 10_000, false);
  const { outputs, types } = run({}, Materialized.as(supplier));
  assert.equal(types['click-windows'], PersistentWindowStore.name);
  assert.deepEqual(outputs['window-counts'], run({}).outputs['window-counts']);
  const mem = run(
    { 'default.dsl.store': 'rocksDB' },
    Materialized.as(Stores.inMemoryWindowStore('w', 10_000, 10_000, false)),
  );
  assert.equal(mem.types.w, 'InMemoryWindowStore', 'an explicit in-memory supplier wins over default.dsl.store');
});

test('Materialized.as(Stores.persistentSessionStore(...)) makes a session count persistent, with the retention it names', () => {
  const { outputs, types } = run({}, undefined, Materialized.as(Stores.persistentSessionStore('sessions', 60_000)));
  assert.equal(types.sessions, PersistentSessionStore.name);
  assert.deepEqual(outputs['session-counts'], run({}).outputs['session-counts']);
  assert.throws(
    () => run({}, undefined, Materialized.as(Stores.persistentSessionStore('short', 1_000))),
    /retention period of the session store short must be no smaller than the session inactivity gap/,
  );
});
