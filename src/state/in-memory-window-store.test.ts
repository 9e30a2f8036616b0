import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutgoingRecord, RestoreRecord } from '../processor/internals/task-contract.ts';
import { Serdes } from '../serdes/serdes.ts';
import { InMemoryWindowStore } from './in-memory-window-store.ts';
import { extractStoreKeyBytes, extractStoreSequence, extractStoreTimestamp } from './internals/window-key-schema.ts';
import { Stores } from './stores.ts';

function openStore(options: { changelog?: string; retention?: number; size?: number; dups?: boolean } = {}) {
  const sent: OutgoingRecord[] = [];
  let now = 100;
  const store = new InMemoryWindowStore<string, number>(
    'w',
    options.retention ?? 1000,
    options.size ?? 10,
    options.dups ?? false,
    Serdes.String(),
    Serdes.Integer(),
  );
  store.init({
    taskId: '0_2',
    partition: 2,
    changelogTopic: options.changelog,
    collector: { send: (r) => sent.push(r), partitionsFor: () => undefined },
    config: {},
    currentTimestamp: () => now,
  });
  return { store, sent, setNow: (t: number) => (now = t) };
}

function restoreRecords(sent: readonly OutgoingRecord[]): RestoreRecord[] {
  return sent.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] }));
}

test('fetch returns values per key and window start; ranges run by window start, then key bytes', () => {
  const { store } = openStore();
  store.put('b', 1, 0);
  store.put('a', 2, 10);
  store.put('a', 3, 0);
  store.put('B', 4, 10);
  assert.equal(store.fetch('a', 0), 3);
  assert.equal(store.fetch('a', 5), undefined);
  assert.deepEqual(store.fetch('a', 0, 10), [
    { key: 0, value: 3 },
    { key: 10, value: 2 },
  ]);
  assert.deepEqual(store.backwardFetch('a', 0, 10), [
    { key: 10, value: 2 },
    { key: 0, value: 3 },
  ]);
  const rendered = (list: { key: { key: string; window: { start: number; end: number } }; value: number }[]) =>
    list.map((e) => `${e.key.key}@${e.key.window.start}/${e.key.window.end}=${e.value}`);
  assert.deepEqual(rendered(store.all()), ['a@0/10=3', 'b@0/10=1', 'B@10/20=4', 'a@10/20=2']);
  assert.deepEqual(rendered(store.backwardAll()), ['a@10/20=2', 'B@10/20=4', 'b@0/10=1', 'a@0/10=3']);
  assert.deepEqual(rendered(store.fetch('a', 'b', 0, 10)), ['a@0/10=3', 'b@0/10=1', 'a@10/20=2']);
  assert.deepEqual(rendered(store.fetch('b', 'a', 0, 10)), [], 'from > to is an empty range, as in Java');
  assert.deepEqual(rendered(store.fetchAll(5, 10)), ['B@10/20=4', 'a@10/20=2']);
  assert.deepEqual(rendered(store.backwardFetchAll(0, 4)), ['b@0/10=1', 'a@0/10=3']);
  assert.deepEqual(store.fetchWithTimestamp('a', 0), { value: 3, timestamp: 100 });
  store.put('a', null, 0);
  assert.equal(store.fetch('a', 0), undefined);
  assert.equal(store.approximateNumEntries(), 3);
});

test('windows at or before observed stream time minus retention are dropped, and puts into them skipped', () => {
  const { store } = openStore({ retention: 100 });
  store.put('k', 1, 0);
  store.put('k', 2, 50);
  store.put('k', 3, 100); // observed 100: window 0 is expired (0 <= 100 - 100)
  assert.equal(store.fetch('k', 0), undefined);
  assert.deepEqual(store.fetch('k', 0, 1000), [
    { key: 50, value: 2 },
    { key: 100, value: 3 },
  ]);
  store.put('k', 9, 0);
  assert.equal(store.fetch('k', 0), undefined, 'a put into an expired window is skipped');
  store.put('k', 4, 151);
  assert.deepEqual(
    store.all().map((e) => e.key.window.start),
    [100, 151],
  );
});

test('retainDuplicates keeps every put under its own sequence number; a null put deletes nothing', () => {
  const { store, sent } = openStore({ dups: true, changelog: 'app-w-changelog' });
  store.put('k', 1, 0);
  store.put('k', 1, 0);
  store.put('j', 2, 0);
  store.put('k', 3, 0);
  store.put('k', null, 0);
  assert.deepEqual(store.fetch('k', 0, 0), [
    { key: 0, value: 1 },
    { key: 0, value: 1 },
    { key: 0, value: 3 },
  ]);
  assert.equal(store.fetch('k', 0), undefined, 'as Java: a point lookup does not see duplicates');
  assert.deepEqual(
    store.all().map((e) => `${e.key.key}=${e.value}`),
    ['j=2', 'k=1', 'k=1', 'k=3'],
  );
  store.flush();
  assert.deepEqual(
    sent.map((r) => extractStoreSequence(r.key!)),
    [1, 2, 3, 4, 0],
  );
  assert.equal(sent[4]!.value, null);
});

test('the changelog holds [key][start 8 bytes BE][seq 4 bytes], the plain value and the record timestamp', () => {
  const { store, sent, setNow } = openStore({ changelog: 'app-w-changelog' });
  store.putWithTimestamp('key', 7, 1_700_000_000_000, 1_700_000_000_123);
  store.putWithTimestamp('key', 8, 1_700_000_000_000, 1_700_000_000_456);
  setNow(1_700_000_000_999);
  store.put('other', 1, 1_700_000_000_010);
  store.put('other', null, 1_700_000_000_010);
  assert.equal(sent.length, 0, 'nothing is sent before flush');
  store.flush();
  assert.equal(sent.length, 2, 'one record per key and window: its latest value');
  const [first, second] = sent;
  assert.equal(first!.topic, 'app-w-changelog');
  assert.equal(first!.partition, 2);
  assert.equal(first!.key!.toString('hex'), `${Buffer.from('key').toString('hex')}0000018bcfe5680000000000`);
  assert.equal(extractStoreTimestamp(first!.key!), 1_700_000_000_000);
  assert.equal(extractStoreKeyBytes(first!.key!).toString(), 'key');
  assert.deepEqual(first!.value, Serdes.Integer().serializer('t', 8));
  assert.equal(first!.timestamp, 1_700_000_000_456);
  assert.equal(extractStoreKeyBytes(second!.key!).toString(), 'other');
  assert.equal(second!.value, null, 'a deleted window logs a tombstone');
  assert.equal(second!.timestamp, 1_700_000_000_999);
  store.flush();
  assert.equal(sent.length, 2, 'a second flush has nothing new');
});

test('a store restored from its changelog has the same windows, values and timestamps', () => {
  const { store, sent } = openStore({ changelog: 'app-w-changelog', retention: 100 });
  store.putWithTimestamp('a', 1, 0, 5);
  store.putWithTimestamp('b', 2, 20, 25);
  store.flush();
  store.putWithTimestamp('a', 3, 0, 7);
  store.put('b', null, 20);
  store.putWithTimestamp('c', 4, 150, 155); // expires window 0 (0 <= 150 - 100)
  store.flush();
  const { store: restored } = openStore({ changelog: 'app-w-changelog', retention: 100 });
  restored.restoreBatch(restoreRecords(sent));
  assert.deepEqual(restored.all(), store.all());
  assert.deepEqual(restored.fetchWithTimestamp('c', 150), { value: 4, timestamp: 155 });
  assert.equal(restored.fetch('b', 20), undefined);

  const dups = openStore({ changelog: 'app-d-changelog', dups: true });
  dups.store.put('k', 1, 0);
  dups.store.put('k', 2, 0);
  dups.store.flush();
  const again = openStore({ changelog: 'app-d-changelog', dups: true });
  again.store.restoreBatch(restoreRecords(dups.sent));
  assert.deepEqual(again.store.fetch('k', 0, 0), [
    { key: 0, value: 1 },
    { key: 0, value: 2 },
  ]);
});

test('Stores.inMemoryWindowStore refuses bad sizes, naming the store; the builder sets the changelog configs', () => {
  assert.throws(
    () => Stores.inMemoryWindowStore('small', 10, 20, false),
    /window store small must be no smaller than its window size/,
  );
  assert.throws(() => Stores.inMemoryWindowStore('neg', -1, 0, false), /"neg": retentionPeriod must be a non-negative/);
  assert.throws(() => Stores.inMemoryWindowStore('neg', 10, -5, false), /"neg": windowSize must be a non-negative/);
  const builder = Stores.windowStoreBuilder(
    Stores.inMemoryWindowStore('ok', 60_000, 1000, false),
    Serdes.String(),
    Serdes.Long(),
  );
  assert.deepEqual(builder.changelogConfigs({}), { 'cleanup.policy': 'compact,delete', 'retention.ms': '86460000' });
  assert.deepEqual(builder.changelogConfigs({ 'windowstore.changelog.additional.retention.ms': 5 }), {
    'cleanup.policy': 'compact,delete',
    'retention.ms': '60005',
  });
  assert.equal(builder.withLoggingEnabled({ 'retention.ms': '42' }).changelogConfigs({})['retention.ms'], '42');
  const store = builder.build();
  assert.equal(store.name, 'ok');
  assert.equal(store.windowSize, 1000);
});

test('range reads match a brute-force model in serialized-key order, across puts and deletes after earlier reads', () => {
  for (const [label, serde, keys] of [
    ['int', Serdes.Integer(), [-300, -2, -1, 0, 1, 2, 7, 255, 256, 70_000, 2 ** 31 - 1, -(2 ** 31)]],
    ['long', Serdes.Long(), [-(2 ** 53 - 1), -5, -1, 0, 1, 9, 2 ** 40, 2 ** 53 - 1]],
    ['string', Serdes.String(), ['', 'a', 'ab', 'b', 'B', 'é', 'z', 'zz', '\u{1F600}']],
  ] as const) {
    const store = new InMemoryWindowStore<unknown, number>('r', 1_000_000, 10, false, serde as never, Serdes.Integer());
    store.init({
      taskId: '0_0',
      partition: 0,
      changelogTopic: undefined,
      collector: { send: () => {}, partitionsFor: () => undefined },
      config: {},
      currentTimestamp: () => 0,
    });
    const model = new Map<string, { key: unknown; start: number; value: number }>();
    const bytes = (key: unknown) => (serde as { serializer: (t: string, k: unknown) => Buffer }).serializer('t', key);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let step = 0; step < 400; step++) {
      const key = keys[random(keys.length)];
      const start = random(5) * 10;
      const id = `${bytes(key).toString('hex')}@${start}`;
      if (random(4) === 0) {
        store.put(key, null, start);
        model.delete(id);
      } else {
        store.put(key, step, start);
        model.set(id, { key, start, value: step });
      }
      if (step % 7 !== 0) continue;
      const [a, b] = [keys[random(keys.length)], keys[random(keys.length)]];
      const [from, to] = Buffer.compare(bytes(a), bytes(b)) <= 0 ? [a, b] : [b, a];
      const expected = [...model.values()]
        .filter((e) => Buffer.compare(bytes(e.key), bytes(from)) >= 0 && Buffer.compare(bytes(e.key), bytes(to)) <= 0)
        .filter((e) => e.start >= 10 && e.start <= 30)
        .sort((x, y) => x.start - y.start || Buffer.compare(bytes(x.key), bytes(y.key)))
        .map((e) => `${String(e.key)}@${e.start}=${e.value}`);
      const actual = store.fetch(from, to, 10, 30).map((e) => `${String(e.key.key)}@${e.key.window.start}=${e.value}`);
      assert.deepEqual(actual, expected, `${label} keys, step ${step}, range ${String(from)}..${String(to)}`);
      assert.equal(store.all().length, model.size, `${label} keys: all() holds every window`);
    }
  }
});

test('single-key range fetches match a brute-force model across out-of-order puts, deletes, duplicates and expiry', () => {
  for (const dups of [false, true]) {
    // Reads from the start (the per-key index is kept through every later write) or only late (built then).
    for (const firstRead of [0, 300]) {
      const label = `${dups ? 'duplicates' : 'unique'}, first read at step ${firstRead}`;
      const retention = 60;
      const store = new InMemoryWindowStore<string, number>(
        'k',
        retention,
        10,
        dups,
        Serdes.String(),
        Serdes.Integer(),
      );
      store.init({
        taskId: '0_0',
        partition: 0,
        changelogTopic: undefined,
        collector: { send: () => {}, partitionsFor: () => undefined },
        config: {},
        currentTimestamp: () => 0,
      });
      // key@start → values in put order
      const model = new Map<string, number[]>();
      let observed = -1;
      let seed = 11;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      const keys = ['a', 'b', 'c'];
      for (let step = 0; step < 600; step++) {
        const key = keys[random(keys.length)]!;
        // Mostly advancing, sometimes late: stream time moves on and old windows expire.
        const start = Math.max(0, Math.floor(step / 4) + random(12) - 8);
        const id = `${key}@${start}`;
        if (start > observed) observed = start;
        const live = start > observed - retention;
        if (random(5) === 0) {
          store.put(key, null, start);
          if (!dups) model.delete(id);
        } else {
          store.put(key, step, start);
          if (live) model.set(id, dups ? [...(model.get(id) ?? []), step] : [step]);
        }
        if (step < firstRead || step % 3 !== 0) continue;
        const readKey = keys[random(keys.length)]!;
        const from = Math.max(0, observed - retention - 5 + random(30));
        const to = from + random(40);
        const expected: { key: number; value: number }[] = [];
        for (let s = Math.max(from, observed - retention + 1); s <= to; s++)
          for (const value of model.get(`${readKey}@${s}`) ?? []) expected.push({ key: s, value });
        assert.deepEqual(store.fetch(readKey, from, to), expected, `${label}, step ${step}, ${readKey} ${from}..${to}`);
        assert.deepEqual(store.backwardFetch(readKey, from, to), expected.toReversed(), `${label}, step ${step}`);
        assert.deepEqual(
          store.fetch(readKey, readKey, from, to).map((e) => ({ key: e.key.window.start, value: e.value })),
          expected,
          `${label}, step ${step}: the one-key range read agrees`,
        );
      }
    }
  }
});

test('windows expire one by one over thousands of windows: reads see exactly the live ones, late puts land in place', () => {
  const retention = 100;
  const store = new InMemoryWindowStore<string, number>('e', retention, 1, false, Serdes.String(), Serdes.Integer());
  store.init({
    taskId: '0_0',
    partition: 0,
    changelogTopic: undefined,
    collector: { send: () => {}, partitionsFor: () => undefined },
    config: {},
    currentTimestamp: () => 0,
  });
  for (let t = 0; t < 5000; t++) {
    store.put(t % 2 === 0 ? 'even' : 'odd', t, t);
    if (t % 250 !== 249) continue;
    // A late put into the oldest live window of the other key, then every read agrees on the live windows.
    const late = t - retention + 2;
    store.put('late', -late, late);
    const live = Array.from({ length: retention }, (_, i) => t - retention + 1 + i);
    const expected = live.filter((s) => s % 2 === 0).map((s) => ({ key: s, value: s }));
    assert.deepEqual(store.fetch('even', 0, t), expected, `at ${t}`);
    assert.deepEqual(store.fetch('late', 0, t), [{ key: late, value: -late }], `at ${t}`);
    assert.deepEqual(
      store.all().map((e) => e.key.window.start),
      live.flatMap((s) => (s === late ? [s, s] : [s])),
      `at ${t}: all() holds the live windows, by start`,
    );
    assert.equal(store.fetchAll(t - 9, t).length, 10);
    store.put('late', null, late);
  }
});
