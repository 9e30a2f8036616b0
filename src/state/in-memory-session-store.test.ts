import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Windowed } from '../dsl/windowed.ts';
import type { OutgoingRecord } from '../processor/internals/task-contract.ts';
import { Serdes } from '../serdes/serdes.ts';
import { sessionWindowedSerdeFrom } from '../serdes/session-windowed-serde.ts';
import { InMemorySessionStore } from './in-memory-session-store.ts';
import {
  extractSessionEnd,
  extractSessionKeyBytes,
  extractSessionStart,
  sessionKeyToBinary,
} from './internals/session-key-schema.ts';
import { Stores } from './stores.ts';

function openStore(changelogTopic: string | undefined, retention = 100) {
  const sent: OutgoingRecord[] = [];
  let now = 7;
  const store = new InMemorySessionStore<string, number>('sessions', retention, Serdes.String(), Serdes.Long());
  store.init({
    taskId: '0_2',
    partition: 2,
    changelogTopic,
    collector: { send: (r) => sent.push(r), partitionsFor: () => undefined },
    config: {},
    currentTimestamp: () => now,
  });
  return { store, sent, setNow: (t: number) => (now = t) };
}

const session = (key: string, start: number, end: number) => Windowed.of(key, { start, end });
const windows = (entries: { key: Windowed<string>; value: number }[]) =>
  entries.map((e) => `${Windowed.toString(e.key)}=${e.value}`);

test('findSessions returns the sessions of one key overlapping the range, by end then start', () => {
  const { store } = openStore(undefined);
  store.put(session('a', 10, 20), 1);
  store.put(session('a', 0, 5), 2);
  store.put(session('a', 30, 40), 3);
  store.put(session('a', 15, 20), 4);
  store.put(session('b', 12, 12), 5);
  // sessions ending at or after 6 and starting at or before 31
  assert.deepEqual(windows(store.findSessions('a', 6, 31)), ['[a@10/20]=1', '[a@15/20]=4', '[a@30/40]=3']);
  assert.deepEqual(windows(store.backwardFindSessions('a', 6, 31)), ['[a@30/40]=3', '[a@15/20]=4', '[a@10/20]=1']);
  assert.deepEqual(windows(store.fetch('b')), ['[b@12/12]=5']);
  assert.deepEqual(windows(store.backwardFetch('a')).length, 4);
  assert.equal(store.fetchSession('a', 15, 20), 4);
  assert.equal(store.fetchSession('a', 15, 21), undefined);
  store.remove(session('a', 15, 20));
  store.put(session('a', 10, 20), null);
  assert.deepEqual(windows(store.fetch('a')), ['[a@0/5]=2', '[a@30/40]=3']);
  assert.deepEqual(store.fetch('zzz'), []);
});

test('sessions whose end is retention or more behind the largest end seen are dropped, and late puts ignored', () => {
  const { store } = openStore(undefined, 100);
  store.put(session('a', 0, 50), 1);
  store.put(session('b', 60, 101), 2);
  store.put(session('a', 140, 150), 3); // observed stream time 150: ends <= 50 are expired
  assert.deepEqual(windows(store.fetch('a')), ['[a@140/150]=3']);
  assert.deepEqual(windows(store.fetch('b')), ['[b@60/101]=2']);
  store.put(session('c', 40, 50), 4); // already beyond retention: skipped, as Java's store does
  assert.deepEqual(store.fetch('c'), []);
  store.put(session('c', 51, 51), 5); // 51 > 150 − 100: still retained
  assert.deepEqual(windows(store.fetch('c')), ['[c@51/51]=5']);
  assert.equal(store.approximateNumEntries(), 3);
});

test("the changelog holds Java's SessionKeySchema keys, serialized aggregates and the processed record's timestamp", () => {
  const { store, sent, setNow } = openStore('app-sessions-changelog');
  store.put(session('k', 5, 9), 1);
  setNow(12);
  store.put(session('k', 5, 9), 2); // only the latest change of a session is logged per flush
  store.put(session('k', 20, 20), 3);
  store.remove(session('k', 20, 20));
  assert.equal(sent.length, 0, 'nothing is sent before the flush');
  store.flush();
  assert.equal(sent.length, 2);
  const [first, second] = sent;
  const expectedKey = Buffer.concat([Buffer.from('k'), Buffer.alloc(16)]);
  expectedKey.writeBigInt64BE(9n, 1); // end first
  expectedKey.writeBigInt64BE(5n, 9); // then start
  assert.deepEqual(first!.key, expectedKey);
  assert.equal(first!.value!.readBigInt64BE(), 2n);
  assert.equal(first!.timestamp, 12);
  assert.equal(first!.topic, 'app-sessions-changelog');
  assert.equal(first!.partition, 2);
  assert.equal(second!.value, null, 'a removed session logs a tombstone');
  // The session-windowed serde writes the same layout (Java's SessionWindowedSerializer uses SessionKeySchema).
  assert.deepEqual(sessionWindowedSerdeFrom(Serdes.String()).serializer('t', session('k', 5, 9)), expectedKey);
  store.flush();
  assert.equal(sent.length, 2, 'a flush without changes sends nothing');
});

test('a store restored from its changelog holds the same sessions, and tombstones remove them', () => {
  const { store, sent } = openStore('cl');
  store.put(session('a', 0, 4), 1);
  store.put(session('b', 3, 8), 2);
  store.flush();
  store.remove(session('a', 0, 4));
  store.put(session('a', 0, 10), 3);
  store.flush();
  const restored = openStore('cl').store;
  restored.restoreBatch(sent.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] })));
  assert.deepEqual(windows(restored.fetch('a')), ['[a@0/10]=3']);
  assert.deepEqual(windows(restored.fetch('b')), ['[b@3/8]=2']);
  assert.equal(sent.filter((r) => r.value === null).length, 1);
});

test("the session store builder gives the changelog Java's windowed topic configs", () => {
  const builder = Stores.sessionStoreBuilder(
    Stores.inMemorySessionStore('s', 3_600_000),
    Serdes.String(),
    Serdes.Long(),
  );
  assert.deepEqual(builder.changelogConfigs({}), { 'cleanup.policy': 'compact,delete', 'retention.ms': '90000000' });
  assert.deepEqual(builder.changelogConfigs({ 'windowstore.changelog.additional.retention.ms': 1000 }), {
    'cleanup.policy': 'compact,delete',
    'retention.ms': '3601000',
  });
  assert.deepEqual(builder.withLoggingEnabled({ 'retention.ms': '5' }).changelogConfigs({}), {
    'cleanup.policy': 'compact,delete',
    'retention.ms': '5',
  });
  assert.equal(builder.withLoggingDisabled().loggingEnabled, false);
  const store = builder.build();
  assert.equal(store.retentionPeriod, 3_600_000);
  assert.throws(() => Stores.inMemorySessionStore('s', -1), /retentionPeriod/);
});

test('session keys encode start and end as big-endian int64, negative and very large times included', () => {
  for (const [start, end] of [
    [0, 0],
    [5, 9],
    [1_732_000_000_000, 1_732_000_009_999],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [-5, -1],
    [-(2 ** 40), 2 ** 40 + 7],
  ] as const) {
    const binary = sessionKeyToBinary(Buffer.from('ab'), start, end);
    const expected = Buffer.concat([Buffer.from('ab'), Buffer.alloc(16)]);
    expected.writeBigInt64BE(BigInt(end), 2);
    expected.writeBigInt64BE(BigInt(start), 10);
    assert.deepEqual(binary, expected);
    assert.equal(extractSessionStart(binary), start);
    assert.equal(extractSessionEnd(binary), end);
    assert.deepEqual(extractSessionKeyBytes(binary), Buffer.from('ab'));
  }
  assert.throws(() => extractSessionEnd(Buffer.alloc(15)), /at least 16 bytes/);
});
