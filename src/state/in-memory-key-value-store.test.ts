import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';
import { Serdes } from '../serdes/serdes.ts';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';

function openStore(changelogTopic: string | undefined) {
  const sent: OutgoingRecord[] = [];
  let now = 100;
  const store = new InMemoryKeyValueStore<string, number>('s', Serdes.String(), Serdes.Integer());
  store.init({
    taskId: '0_3',
    partition: 3,
    changelogTopic,
    collector: { send: (r) => sent.push(r), partitionsFor: () => undefined },
    config: {},
    currentTimestamp: () => now,
  });
  return { store, sent, setNow: (t: number) => (now = t) };
}

test('ranges and scans follow the byte order of the serialized keys', () => {
  const { store } = openStore(undefined);
  for (const key of ['b', 'a', 'ab', 'c', 'B']) store.put(key, key.length);
  assert.deepEqual(
    store.all().map((e) => e.key),
    ['B', 'a', 'ab', 'b', 'c'],
  );
  assert.deepEqual(
    store.reverseAll().map((e) => e.key),
    ['c', 'b', 'ab', 'a', 'B'],
  );
  assert.deepEqual(
    store.range('a', 'b').map((e) => e.key),
    ['a', 'ab', 'b'],
  );
  assert.deepEqual(
    store.range(undefined, 'a').map((e) => e.key),
    ['B', 'a'],
  );
  assert.deepEqual(
    store.reverseRange('ab', undefined).map((e) => e.key),
    ['c', 'b', 'ab'],
  );
  assert.equal(store.approximateNumEntries(), 5);
});

test('put, putIfAbsent and delete; a null value deletes', () => {
  const { store } = openStore(undefined);
  store.put('k', 1);
  assert.equal(store.putIfAbsent('k', 2), 1);
  assert.equal(store.get('k'), 1);
  assert.equal(store.putIfAbsent('n', 5), undefined);
  assert.equal(store.delete('k'), 1);
  assert.equal(store.get('k'), undefined);
  store.put('n', null);
  assert.equal(store.get('n'), undefined);
  assert.equal(store.approximateNumEntries(), 0);
});

test('flush logs the latest value of each changed key, tombstones for deletions, to the task partition', () => {
  const { store, sent, setNow } = openStore('app-s-changelog');
  store.put('a', 1);
  setNow(200);
  store.put('a', 2);
  store.put('b', 7);
  store.delete('b');
  assert.equal(sent.length, 0);
  store.flush();
  assert.deepEqual(
    sent.map((r) => [
      r.topic,
      r.partition,
      r.key?.toString(),
      r.value === null ? null : r.value.readInt32BE(),
      r.timestamp,
    ]),
    [
      ['app-s-changelog', 3, 'a', 2, 200],
      ['app-s-changelog', 3, 'b', null, 200],
    ],
  );
  store.flush();
  assert.equal(sent.length, 2, 'nothing new to log');
});

test('restoreBatch replays a changelog without logging it again', () => {
  const { store, sent } = openStore('app-s-changelog');
  const int = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  store.restoreBatch([
    { key: Buffer.from('x'), value: int(1), timestamp: 1, headers: [] },
    { key: Buffer.from('y'), value: int(2), timestamp: 2, headers: [] },
    { key: Buffer.from('x'), value: null, timestamp: 3, headers: [] },
  ]);
  assert.equal(store.get('x'), undefined);
  assert.deepEqual(store.getWithTimestamp('y'), { value: 2, timestamp: 2 });
  store.flush();
  assert.equal(sent.length, 0);
});

function openStoreWith<K>(keySerde: SerdeLike<K>) {
  const sent: OutgoingRecord[] = [];
  const store = new InMemoryKeyValueStore<K, number>('s', keySerde, Serdes.Integer());
  store.init({
    taskId: '0_0',
    partition: 0,
    changelogTopic: 'app-s-changelog',
    collector: { send: (r) => sent.push(r), partitionsFor: () => undefined },
    config: {},
    currentTimestamp: () => 5,
  });
  return { store, sent };
}

test('number keys: one entry per serialized key, scanned in the byte order of the int32 bytes, logged as bytes', () => {
  const { store, sent } = openStoreWith(Serdes.Integer());
  for (const key of [256, -1, 0, 1]) store.put(key, key);
  store.put(-0, 7); // the same 4 bytes as 0
  assert.equal(store.approximateNumEntries(), 4);
  assert.equal(store.get(0), 7);
  // Unsigned byte order: negative numbers (0xff…) come after the positive ones, as in Java's store.
  assert.deepEqual(
    store.all().map((e) => e.key),
    [0, 1, 256, -1],
  );
  assert.deepEqual(
    store.range(1, -1).map((e) => e.key),
    [1, 256, -1],
  );
  assert.throws(() => store.get(1.5), /Serdes\.Integer\(\)/);
  assert.throws(() => store.put(2 ** 31, 1), /Serdes\.Integer\(\)/);
  assert.equal(store.delete(256), 256);
  store.put(9, null); // deleting an absent key still logs a tombstone
  store.flush();
  // One change per key, in the order the keys first changed.
  assert.deepEqual(
    sent.map((r) => [r.key?.toString('hex'), r.value === null ? null : r.value.readInt32BE()]),
    [
      ['00000100', null],
      ['ffffffff', -1],
      ['00000000', 7],
      ['00000001', 1],
      ['00000009', null],
    ],
  );
});

test('string keys: strings with the same UTF-8 bytes (lone surrogates become U+FFFD) are one key; restore reads them back', () => {
  const { store } = openStoreWith(Serdes.String());
  store.put('\uD800', 1);
  store.put('\uDFFF', 2);
  store.put('\uFFFD', 3);
  assert.equal(store.approximateNumEntries(), 1);
  assert.equal(store.get('\uD800'), 3);
  const restored = openStoreWith(Serdes.String()).store;
  const int = (n: number) => Buffer.from([0, 0, 0, n]);
  restored.restoreBatch([
    { key: Buffer.from('k'), value: int(1), timestamp: 1, headers: [] },
    { key: Buffer.from('é'), value: int(2), timestamp: 2, headers: [] },
    { key: Buffer.from('k'), value: null, timestamp: 3, headers: [] },
  ]);
  assert.equal(restored.get('k'), undefined);
  assert.deepEqual(restored.getWithTimestamp('é'), { value: 2, timestamp: 2 });
  assert.deepEqual(
    restored.all().map((e) => e.key),
    ['é'],
  );
});
