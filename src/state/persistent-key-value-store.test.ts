import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';
import { longSerde } from '../serdes/primitive-serdes.ts';
import { stringSerde } from '../serdes/string-serde.ts';
import type { StoreInitContext } from './internals/store-init-context.ts';
import { PersistentKeyValueStore } from './persistent-key-value-store.ts';

function setup(stateDir: string | undefined, options: { maxDirtyEntries?: number } = {}) {
  const sent: OutgoingRecord[] = [];
  let now = 1_000;
  const context: StoreInitContext = {
    taskId: '0_3',
    partition: 3,
    changelogTopic: 'app-counts-changelog',
    collector: { send: (record) => sent.push(record), partitionsFor: () => undefined },
    config: stateDir === undefined ? { 'application.id': 'app' } : { 'application.id': 'app', 'state.dir': stateDir },
    currentTimestamp: () => now,
  };
  const store = new PersistentKeyValueStore<string, number>('counts', stringSerde, longSerde, options);
  store.init(context);
  return { store, sent, setNow: (t: number) => (now = t) };
}

function withStateDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-pkv-test-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'reads see writes at once, before and after the flush, and a reopened store still has them',
  withStateDir(async (dir) => {
    const { store, setNow } = setup(dir);
    assert.equal(store.directory, join(dir, 'app', '0_3', 'counts'));
    setNow(42);
    store.put('a', 1);
    store.putWithTimestamp('b', 2, -1);
    assert.equal(store.get('a'), 1);
    assert.deepEqual(store.getWithTimestamp('b'), { value: 2, timestamp: -1 });
    store.flush();
    assert.equal(store.get('a'), 1, 'readable while its LMDB transaction commits');
    await store.whenWritten();
    assert.deepEqual(store.getWithTimestamp('a'), { value: 1, timestamp: 42 });
    store.put('a', 5);
    assert.equal(store.get('a'), 5);
    store.flush();
    store.close();
    await store.whenClosed();

    const reopened = setup(dir).store;
    assert.deepEqual(reopened.getWithTimestamp('a'), { value: 5, timestamp: 42 });
    assert.deepEqual(reopened.getWithTimestamp('b'), { value: 2, timestamp: -1 });
    assert.equal(reopened.get('missing'), undefined);
    reopened.close();
    await reopened.whenClosed();
  }),
);

test(
  'flush logs the latest value of each changed key once, and a tombstone for a deleted key',
  withStateDir(async (dir) => {
    const { store, sent, setNow } = setup(dir);
    for (let i = 1; i <= 5; i++) {
      setNow(100 + i);
      store.put('k', i);
    }
    store.put('gone', 7);
    store.flush();
    await store.whenWritten();
    assert.equal(store.delete('gone'), 7);
    assert.equal(store.get('gone'), undefined);
    store.flush();
    const logged = sent.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      key: r.key?.toString(),
      value: r.value === null ? null : longSerde.deserializer('t', r.value),
      timestamp: r.timestamp,
    }));
    assert.deepEqual(logged, [
      { topic: 'app-counts-changelog', partition: 3, key: 'k', value: 5, timestamp: 105 },
      { topic: 'app-counts-changelog', partition: 3, key: 'gone', value: 7, timestamp: 105 },
      { topic: 'app-counts-changelog', partition: 3, key: 'gone', value: null, timestamp: 105 },
    ]);
    await store.whenWritten();
    assert.equal(store.get('gone'), undefined, 'the delete reached LMDB');
    store.close();
    await store.whenClosed();
  }),
);

test(
  'ranges run in unsigned byte order of the serialized keys and merge buffered writes with stored ones',
  withStateDir(async (dir) => {
    const { store } = setup(dir);
    // 'é' serializes to 0xC3 0xA9: after every ASCII key in unsigned byte order.
    for (const [key, value] of [
      ['b', 2],
      ['é', 9],
      ['a', 1],
      ['d', 4],
    ] as const)
      store.put(key, value);
    store.flush();
    await store.whenWritten();
    store.put('c', 3); // buffered only
    store.delete('d'); // buffered delete of a stored key
    assert.deepEqual(
      store.all().map((e) => e.key),
      ['a', 'b', 'c', 'é'],
    );
    assert.deepEqual(
      store.reverseAll().map((e) => e.key),
      ['é', 'c', 'b', 'a'],
    );
    assert.deepEqual(store.range('b', 'c'), [
      { key: 'b', value: 2 },
      { key: 'c', value: 3 },
    ]);
    assert.deepEqual(
      store.range('c', undefined).map((e) => e.key),
      ['c', 'é'],
    );
    assert.deepEqual(
      store.reverseRange(undefined, 'b').map((e) => e.key),
      ['b', 'a'],
    );
    assert.deepEqual(store.range('z', 'a'), []);
    store.close();
    await store.whenClosed();
  }),
);

test(
  'restoreBatch writes changelog records as logged (tombstones delete) without logging them again; wipe empties the store',
  withStateDir(async (dir) => {
    const { store, sent } = setup(dir);
    const value = (n: number) => longSerde.serializer('t', n);
    store.restoreBatch([
      { key: Buffer.from('x'), value: value(1), timestamp: 10, headers: [] },
      { key: Buffer.from('y'), value: value(2), timestamp: 11, headers: [] },
      { key: Buffer.from('x'), value: value(3), timestamp: 12, headers: [] },
      { key: Buffer.from('y'), value: null, timestamp: 13, headers: [] },
      { key: null, value: value(4), timestamp: 14, headers: [] },
    ]);
    await store.whenWritten();
    assert.deepEqual(store.getWithTimestamp('x'), { value: 3, timestamp: 12 });
    assert.equal(store.get('y'), undefined);
    assert.equal(store.approximateNumEntries(), 1);
    store.flush();
    assert.equal(sent.length, 0);
    store.wipe();
    assert.equal(store.get('x'), undefined);
    assert.equal(store.approximateNumEntries(), 0);
    store.close();
    await store.whenClosed();
  }),
);

test(
  'a write buffer that reaches maxDirtyEntries is flushed (and logged) before the commit',
  withStateDir(async (dir) => {
    const { store, sent } = setup(dir, { maxDirtyEntries: 3 });
    store.put('a', 1);
    store.put('a', 2);
    store.put('b', 1);
    assert.equal(sent.length, 0);
    store.put('c', 1);
    assert.equal(sent.length, 3);
    await store.whenWritten();
    assert.deepEqual(
      store.all().map((e) => [e.key, e.value]),
      [
        ['a', 2],
        ['b', 1],
        ['c', 1],
      ],
    );
    store.close();
    await store.whenClosed();
  }),
);

test('a key too long for LMDB is refused with an error naming the store', async () => {
  const { store } = setup(undefined);
  assert.throws(() => store.put('k'.repeat(2000), 1), /store "counts".*1 to 1978 bytes.*2000/);
  store.close();
  await store.whenClosed();
});

test('without state.dir (a test driver) the store lives in a temporary directory removed on close', async () => {
  const { store } = setup(undefined);
  store.put('a', 1);
  store.flush();
  const directory = store.directory;
  assert.ok(existsSync(directory));
  store.close();
  await store.whenClosed();
  assert.ok(!existsSync(directory));
});

test(
  'closing the store while a sync of its writes is still running waits for it (no native crash), and keeps the writes',
  withStateDir(async (dir) => {
    // Without the wait, lmdb's sync on the thread pool reads the closed environment and the process dies (SIGSEGV).
    for (let round = 1; round <= 30; round++) {
      const { store } = setup(dir);
      assert.equal(store.get('a') ?? 0, round - 1);
      store.put('a', round);
      store.flush();
      const written = store.whenWritten();
      store.close();
      await store.whenClosed();
      await written;
    }
    const reopened = setup(dir).store;
    assert.equal(reopened.get('a'), 30);
    reopened.close();
    await reopened.whenClosed();
  }),
);
