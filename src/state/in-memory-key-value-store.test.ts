import assert from 'node:assert/strict';
import { test } from 'node:test';
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
