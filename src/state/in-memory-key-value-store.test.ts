import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';
import { Serdes } from '../serdes/serdes.ts';
import { InMemoryKeyValueStore, MAX_UNLOGGED_CHANGES } from './in-memory-key-value-store.ts';

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

test('string keys scan in UTF-8 byte order: characters above U+FFFF sort after U+E000..U+FFFF', () => {
  const { store } = openStoreWith(Serdes.String());
  for (const key of ['\u{1F600}', '\uFFFD', '\uE000', 'z', '\u{1F600}a', '\u00E9']) store.put(key, 1);
  const expected = ['z', '\u00E9', '\uE000', '\uFFFD', '\u{1F600}', '\u{1F600}a'];
  assert.deepEqual(
    store.all().map((e) => e.key),
    [...expected].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
  );
  assert.deepEqual(
    store.all().map((e) => e.key),
    expected,
  );
  assert.deepEqual(
    store.range('\uFFFD', '\u{1F600}').map((e) => e.key),
    ['\uFFFD', '\u{1F600}'],
  );
});

test('long keys scan in the byte order of their int64 bytes (negative numbers last)', () => {
  const { store } = openStoreWith(Serdes.Long());
  const keys = [2 ** 40, -(2 ** 40), -1, 0, 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  for (const key of keys) store.put(key, 1);
  const bytes = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    return b;
  };
  assert.deepEqual(
    store.all().map((e) => e.key),
    [...keys].sort((a, b) => Buffer.compare(bytes(a), bytes(b))),
  );
});

test('keys of other serdes are compared by their bytes, scanned in byte order, logged and restored', () => {
  // A serde whose equal objects have equal bytes: two objects with the same id are one key.
  const idSerde: SerdeLike<{ id: string }> = {
    serializer: (_topic, data) => (data === null ? null : Buffer.from(data.id, 'latin1')),
    deserializer: (_topic, data) => ({ id: (data as Buffer).toString('latin1') }),
  };
  const { store, sent } = openStoreWith(idSerde);
  store.put({ id: 'b' }, 1);
  store.put({ id: '\u00ff' }, 2);
  store.put({ id: 'a' }, 3);
  store.put({ id: 'b' }, 4);
  assert.equal(store.get({ id: 'b' }), 4);
  assert.equal(store.approximateNumEntries(), 3);
  assert.deepEqual(
    store.all().map((e) => [e.key.id, e.value]),
    [
      ['a', 3],
      ['b', 4],
      ['\u00ff', 2],
    ],
  );
  assert.deepEqual(
    store.range({ id: 'aa' }, undefined).map((e) => e.key.id),
    ['b', '\u00ff'],
  );
  store.delete({ id: 'a' });
  store.flush();
  assert.deepEqual(
    sent.map((r) => [r.key?.toString('latin1'), r.value === null ? null : r.value.readInt32BE()]),
    [
      ['b', 4],
      ['\u00ff', 2],
      ['a', null],
    ],
  );
  const restored = openStoreWith(idSerde).store;
  restored.restoreBatch(sent.map((r) => ({ key: r.key, value: r.value, timestamp: 1, headers: [] })));
  assert.deepEqual(
    restored.all().map((e) => [e.key.id, e.value]),
    [
      ['b', 4],
      ['\u00ff', 2],
    ],
  );
});

test('a key deleted and put again before the flush is one live entry, logged once with its latest value', () => {
  const { store, sent } = openStoreWith(Serdes.Integer());
  store.put(1, 10);
  store.put(2, 20);
  store.delete(1);
  assert.equal(store.approximateNumEntries(), 1);
  assert.deepEqual(
    store.all().map((e) => e.key),
    [2],
  );
  assert.equal(store.delete(1), undefined, 'already deleted');
  store.put(1, 11);
  assert.equal(store.approximateNumEntries(), 2);
  store.delete(3); // absent: a tombstone, but no entry
  assert.equal(store.approximateNumEntries(), 2);
  assert.equal(store.get(3), undefined);
  store.flush();
  assert.deepEqual(
    sent.map((r) => [r.key?.readInt32BE(), r.value === null ? null : r.value.readInt32BE()]),
    [
      [1, 11],
      [2, 20],
      [3, null],
    ],
  );
  store.put(2, 21);
  store.flush();
  assert.deepEqual(
    sent.slice(3).map((r) => [r.key?.readInt32BE(), r.value?.readInt32BE()]),
    [[2, 21]],
  );
});

test('many keys: deleted entries free their space for new keys, values and timestamps stay with their keys', () => {
  const { store, sent } = openStoreWith(Serdes.Integer());
  const n = 150_000; // more than two chunks of slots
  for (let i = 0; i < n; i++) store.putWithTimestamp(i, i * 2, i);
  for (let i = 0; i < n; i += 2) store.delete(i);
  store.flush();
  assert.equal(store.approximateNumEntries(), n / 2);
  for (let i = 0; i < n; i += 2) store.putWithTimestamp(n + i, -i - 1, 7);
  assert.equal(store.approximateNumEntries(), n);
  for (let i = 1; i < n; i += 2) assert.deepEqual(store.getWithTimestamp(i), { value: i * 2, timestamp: i });
  for (let i = 0; i < n; i += 2) {
    assert.equal(store.get(i), undefined);
    assert.deepEqual(store.getWithTimestamp(n + i), { value: -i - 1, timestamp: 7 });
  }
  const all = store.all();
  assert.equal(all.length, n);
  assert.deepEqual(all[0], { key: 1, value: 2 });
  assert.deepEqual(all.at(-1), { key: 2 * n - 2, value: -(n - 1) });
  // The changelog, replayed, gives the same store.
  store.flush();
  const restored = openStoreWith(Serdes.Integer()).store;
  restored.restoreBatch(sent.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp ?? 0, headers: [] })));
  assert.deepEqual(restored.all(), all);
  assert.deepEqual(restored.getWithTimestamp(1), { value: 2, timestamp: 1 });
});

test('past MAX_UNLOGGED_CHANGES changed keys, the changes are logged before the flush (as a full record cache)', () => {
  const { store, sent } = openStoreWith(Serdes.Integer());
  for (let i = 0; i < MAX_UNLOGGED_CHANGES - 1; i++) store.put(i, 1);
  store.put(0, 2); // the same key again: no new change
  assert.equal(sent.length, 0);
  store.put(MAX_UNLOGGED_CHANGES - 1, 1);
  assert.equal(sent.length, MAX_UNLOGGED_CHANGES);
  assert.deepEqual([sent[0].key?.readInt32BE(), sent[0].value?.readInt32BE()], [0, 2]);
  store.put(0, 3);
  store.flush();
  assert.equal(sent.length, MAX_UNLOGGED_CHANGES + 1);
  assert.deepEqual([sent.at(-1)?.key?.readInt32BE(), sent.at(-1)?.value?.readInt32BE()], [0, 3]);
});
