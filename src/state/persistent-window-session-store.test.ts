/**
 * The persistent (LMDB) window and session stores against the in-memory ones as the reference: the same
 * random operations on both, every read compared, the changelogs compared (latest record per changelog key),
 * restoration from that changelog compared, and a reopened persistent store still holding the same state.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OutgoingRecord, RestoreRecord } from '../processor/internals/task-contract.ts';
import { integerSerde } from '../serdes/primitive-serdes.ts';
import { stringSerde } from '../serdes/string-serde.ts';
import { InMemorySessionStore } from './in-memory-session-store.ts';
import { InMemoryWindowStore } from './in-memory-window-store.ts';
import type { StoreInitContext } from './internals/store-init-context.ts';
import { PersistentSessionStore } from './persistent-session-store.ts';
import { PersistentWindowStore } from './persistent-window-store.ts';
import { Stores } from './stores.ts';

/** A deterministic pseudo-random source (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Keys that are prefixes of each other and non-ASCII: the byte-order and key-boundary cases.
const KEYS = ['a', 'ab', 'abc', 'b', 'B', 'é', 'zz'];

function contextFor(stateDir: string | undefined, sent: OutgoingRecord[], clock: { now: number }): StoreInitContext {
  return {
    taskId: '1_0',
    partition: 0,
    changelogTopic: 'app-w-changelog',
    collector: { send: (record) => sent.push(record), partitionsFor: () => undefined },
    config: stateDir === undefined ? { 'application.id': 'app' } : { 'application.id': 'app', 'state.dir': stateDir },
    currentTimestamp: () => clock.now,
  };
}

/** The latest record per changelog key (what a compacted changelog keeps), as comparable strings. */
function compacted(sent: readonly OutgoingRecord[]): string[] {
  const latest = new Map<string, string>();
  for (const r of sent) latest.set(r.key!.toString('hex'), `${r.value?.toString('hex') ?? 'null'}@${r.timestamp}`);
  return [...latest].map(([k, v]) => `${k}=${v}`).sort();
}

function asRestore(sent: readonly OutgoingRecord[]): RestoreRecord[] {
  return sent.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] }));
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-pws-test-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

type AnyWindowStore = InMemoryWindowStore<string, number> | PersistentWindowStore<string, number>;

interface WindowQuery {
  readonly t1: number;
  readonly t2: number;
  readonly k1: string;
  readonly k2: string;
  readonly start: number;
}

function windowQuery(rnd: () => number, horizon: number): WindowQuery {
  const t1 = Math.floor(rnd() * horizon) - 20_000;
  return {
    t1,
    t2: t1 + Math.floor(rnd() * 200_000),
    k1: KEYS[Math.floor(rnd() * KEYS.length)]!,
    k2: KEYS[Math.floor(rnd() * KEYS.length)]!,
    start: Math.floor((rnd() * horizon) / 1000) * 1000,
  };
}

function windowReads(store: AnyWindowStore, q: WindowQuery): Record<string, unknown> {
  const { t1, t2, k1, k2, start } = q;
  return {
    fetchWithTimestamp: store.fetchWithTimestamp(k1, start),
    fetchKey: store.fetch(k1, t1, t2),
    backwardFetchKey: store.backwardFetch(k2, t1, t2),
    fetchRange: store.fetch(k1, k2, t1, t2),
    fetchWithTimestamps: store.fetchWithTimestamps(k1, k2, t1, t2),
    backwardFetchOpenFrom: store.backwardFetch(undefined, k2, t1, t2),
    fetchOpenTo: store.fetch(k1, undefined, t1, t2),
    fetchAll: store.fetchAll(t1, t2),
    backwardFetchAll: store.backwardFetchAll(t1, t2),
    all: store.all(),
    backwardAll: store.backwardAll(),
  };
}

for (const retainDuplicates of [false, true]) {
  test(
    `window store${retainDuplicates ? ' with duplicates' : ''}: LMDB answers every read as the in-memory store, logs the same changelog, restores and reopens the same`,
    withDir(async (dir) => {
      const rnd = random(retainDuplicates ? 7 : 42);
      const clock = { now: 0 };
      const memSent: OutgoingRecord[] = [];
      const lmdbSent: OutgoingRecord[] = [];
      const retention = 150_000;
      const size = 10_000;
      const mem = new InMemoryWindowStore('w', retention, size, retainDuplicates, stringSerde, integerSerde);
      // A tiny buffer: reads see a mix of flushed (LMDB) and buffered entries.
      const lmdb = new PersistentWindowStore('w', retention, size, retainDuplicates, stringSerde, integerSerde, {
        maxDirtyEntries: 7,
      });
      mem.init(contextFor(undefined, memSent, clock));
      lmdb.init(contextFor(dir, lmdbSent, clock));
      let horizon = 0;
      for (let step = 0; step < 1500; step++) {
        horizon += Math.floor(rnd() * 1500);
        clock.now = horizon + Math.floor(rnd() * 100);
        const key = KEYS[Math.floor(rnd() * KEYS.length)]!;
        // Mostly recent windows, some late ones (beyond retention sometimes).
        const start = Math.max(0, Math.floor((horizon - rnd() * rnd() * 250_000) / 1000) * 1000);
        const value = rnd() < 0.15 ? null : Math.floor(rnd() * 1000);
        mem.put(key, value, start);
        lmdb.put(key, value, start);
        if (rnd() < 0.05) {
          mem.flush();
          lmdb.flush();
        }
        const q = windowQuery(rnd, horizon);
        assert.deepEqual(windowReads(lmdb, q), windowReads(mem, q), `step ${step}: ${JSON.stringify(q)}`);
      }
      mem.flush();
      lmdb.flush();
      assert.ok(horizon > 4 * retention, 'the run spans several retention periods');
      assert.deepEqual(compacted(lmdbSent), compacted(memSent));
      const finalQuery = { t1: 0, t2: horizon, k1: 'a', k2: 'zz', start: 0 };
      const expected = windowReads(mem, finalQuery);
      assert.ok((expected.all as unknown[]).length > 20);

      // Expired segments are deleted from LMDB, not only hidden: entries on disk are bounded by retention.
      const onDisk = lmdb.approximateNumEntries();
      assert.ok(onDisk <= (expected.all as unknown[]).length + KEYS.length * 80, `${onDisk} entries on disk`);

      // Reopened on the same directory without any restoration: the same state (observed stream time too).
      lmdb.close();
      await lmdb.whenClosed();
      const reopened = new PersistentWindowStore('w', retention, size, retainDuplicates, stringSerde, integerSerde);
      reopened.init(contextFor(dir, [], clock));
      assert.deepEqual(windowReads(reopened, finalQuery), expected);

      // Restored from the in-memory store's changelog into an empty LMDB store: the same state again.
      reopened.wipe();
      assert.deepEqual(reopened.all(), []);
      reopened.restoreBatch(asRestore(memSent));
      const memRestored = new InMemoryWindowStore('w', retention, size, retainDuplicates, stringSerde, integerSerde);
      memRestored.init(contextFor(undefined, [], clock));
      memRestored.restoreBatch(asRestore(memSent));
      assert.deepEqual(windowReads(reopened, finalQuery), windowReads(memRestored, finalQuery));
      reopened.close();
      await reopened.whenClosed();
    }),
  );
}

type AnySessionStore = InMemorySessionStore<string, number> | PersistentSessionStore<string, number>;

interface SessionQuery {
  readonly key: string;
  readonly earliestEnd: number;
  readonly latestStart: number;
  readonly start: number;
  readonly end: number;
}

function sessionReads(store: AnySessionStore, q: SessionQuery): Record<string, unknown> {
  return {
    find: store.findSessions(q.key, q.earliestEnd, q.latestStart),
    backwardFind: store.backwardFindSessions(q.key, q.earliestEnd, q.latestStart),
    fetchSession: store.fetchSession(q.key, q.start, q.end),
    fetch: store.fetch(q.key),
    backwardFetch: store.backwardFetch(q.key),
  };
}

test(
  'session store: LMDB answers every read as the in-memory store, logs the same changelog, restores and reopens the same',
  withDir(async (dir) => {
    const rnd = random(99);
    const clock = { now: 0 };
    const memSent: OutgoingRecord[] = [];
    const lmdbSent: OutgoingRecord[] = [];
    const retention = 130_000;
    const mem = new InMemorySessionStore('s', retention, stringSerde, integerSerde);
    const lmdb = new PersistentSessionStore('s', retention, stringSerde, integerSerde, { maxDirtyEntries: 5 });
    mem.init(contextFor(undefined, memSent, clock));
    lmdb.init(contextFor(dir, lmdbSent, clock));
    let horizon = 0;
    const made: { key: string; start: number; end: number }[] = [];
    for (let step = 0; step < 1500; step++) {
      horizon += Math.floor(rnd() * 1500);
      clock.now = horizon;
      const roll = rnd();
      if (roll < 0.15 && made.length > 0) {
        // Remove (or overwrite) a session made earlier, possibly long expired.
        const s = made[Math.floor(rnd() * made.length)]!;
        const windowed = { key: s.key, window: { start: s.start, end: s.end } };
        if (roll < 0.08) {
          mem.remove(windowed);
          lmdb.remove(windowed);
        } else {
          mem.put(windowed, null);
          lmdb.put(windowed, null);
        }
      } else {
        const key = KEYS[Math.floor(rnd() * KEYS.length)]!;
        const end = Math.max(0, horizon - Math.floor(rnd() * rnd() * 200_000));
        const start = Math.max(0, end - Math.floor(rnd() * 5000));
        const value = Math.floor(rnd() * 1000);
        made.push({ key, start, end });
        mem.put({ key, window: { start, end } }, value);
        lmdb.put({ key, window: { start, end } }, value);
      }
      if (rnd() < 0.05) {
        mem.flush();
        lmdb.flush();
      }
      const pick = made[Math.floor(rnd() * made.length)];
      const q: SessionQuery = {
        key: KEYS[Math.floor(rnd() * KEYS.length)]!,
        earliestEnd: Math.floor(rnd() * horizon),
        latestStart: Math.floor(rnd() * horizon * 1.1),
        start: pick?.start ?? 0,
        end: pick?.end ?? 0,
      };
      assert.deepEqual(sessionReads(lmdb, q), sessionReads(mem, q), `step ${step}: ${JSON.stringify(q)}`);
    }
    mem.flush();
    lmdb.flush();
    assert.ok(horizon > 4 * retention);
    assert.deepEqual(compacted(lmdbSent), compacted(memSent));
    const all = (store: AnySessionStore) =>
      KEYS.map((key) => sessionReads(store, { key, earliestEnd: 0, latestStart: horizon, start: 0, end: 0 }));
    const expected = all(mem);
    assert.ok(expected.flatMap((r) => r.fetch as unknown[]).length > 20);

    lmdb.close();
    await lmdb.whenClosed();
    const reopened = new PersistentSessionStore('s', retention, stringSerde, integerSerde);
    reopened.init(contextFor(dir, [], clock));
    assert.deepEqual(all(reopened), expected);
    reopened.wipe();
    reopened.restoreBatch(asRestore(memSent));
    const memRestored = new InMemorySessionStore('s', retention, stringSerde, integerSerde);
    memRestored.init(contextFor(undefined, [], clock));
    memRestored.restoreBatch(asRestore(memSent));
    assert.deepEqual(all(reopened), all(memRestored));
    reopened.close();
    await reopened.whenClosed();
  }),
);

test(
  'persistent window and session stores live in <state.dir>/<application.id>/<task>/<store>; Stores makes them',
  withDir(async (dir) => {
    const w = Stores.persistentWindowStore('pw', 60_000, 1000, false);
    const tw = Stores.persistentTimestampedWindowStore('ptw', 60_000, 1000, false);
    const s = Stores.persistentSessionStore('ps', 60_000);
    const built = [
      Stores.windowStoreBuilder(w, stringSerde, integerSerde).build(),
      Stores.timestampedWindowStoreBuilder(tw, stringSerde, integerSerde).build(),
      Stores.sessionStoreBuilder(s, stringSerde, integerSerde).build(),
    ];
    assert.ok(built[0] instanceof PersistentWindowStore);
    assert.ok(built[1] instanceof PersistentWindowStore);
    assert.ok(built[2] instanceof PersistentSessionStore);
    for (const store of built) store.init(contextFor(dir, [], { now: 0 }));
    assert.deepEqual(readdirSync(join(dir, 'app', '1_0')).sort(), ['ps', 'ptw', 'pw']);
    for (const store of built) {
      store.close();
      await (store as PersistentWindowStore<string, number>).whenClosed();
    }
    assert.ok(existsSync(join(dir, 'app', '1_0', 'pw')));
    assert.throws(() => Stores.persistentWindowStore('bad', 10, 20, false), /retention period of the window store bad/);
    assert.throws(() => Stores.persistentSessionStore('bad', -1), /"bad".*retentionPeriod/);
  }),
);
