/**
 * Memory and speed of the in-memory key-value store under a count (get, then put of the old count + 1), the
 * way KGroupedStream#count drives it, with a changelog (a collector that drops the records).
 *
 *   node --expose-gc src/state/in-memory-key-value-store.bench.ts [keys] [int|string]
 *
 * Prints the heap (+ external) bytes per key after N distinct keys were counted (before the flush, so the pending changes
 * are included, and after it), then the rate of counting over the N keys and over 1,000 hot keys.
 */
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { Serdes } from '../serdes/serdes.ts';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';

const KEYS = Number(process.argv[2] ?? 1_000_000);
const KIND = process.argv[3] ?? 'int';
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function heapUsed(): number {
  gc!();
  gc!();
  // Buffers' bytes live outside the heap: count them too.
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

function openStore<K>(keySerde: SerdeLike<K>) {
  let sent = 0;
  const store = new InMemoryKeyValueStore<K, number>('bench-store', keySerde, Serdes.Long());
  store.init({
    taskId: '0_0',
    partition: 0,
    changelogTopic: 'bench-store-changelog',
    collector: { send: () => void sent++, partitionsFor: () => 1 },
    config: {},
    currentTimestamp: () => 0,
  });
  return { store, sent: () => sent };
}

function count<K>(store: InMemoryKeyValueStore<K, number>, keys: readonly K[], rounds: number): number {
  const start = performance.now();
  const timestamp = 1_700_000_000_000;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const old = store.getWithTimestamp(key);
      store.putWithTimestamp(key, old === undefined ? 1 : old.value + 1, timestamp + i);
    }
  }
  return (keys.length * rounds) / ((performance.now() - start) / 1000);
}

function run<K>(keySerde: SerdeLike<K>, makeKey: (i: number) => K): void {
  const keys = Array.from({ length: KEYS }, (_, i) => makeKey(i));
  const base = heapUsed();
  const { store } = openStore(keySerde);
  const rate = count(store, keys, 1);
  const pendingBytes = heapUsed() - base;
  store.flush();
  const flushedBytes = heapUsed() - base;
  const rss = process.memoryUsage().rss;
  const hotKeys = keys.slice(0, 1000);
  const hot = openStore(keySerde).store;
  count(hot, hotKeys, 200);
  const hotRate = count(hot, hotKeys, 1000);
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(
    `${KIND} keys ${fmt(KEYS)}: ${fmt(pendingBytes / KEYS)} B/key with pending changes, ${fmt(flushedBytes / KEYS)} B/key after flush, rss ${fmt(rss / 2 ** 20)} MiB; ` +
      `count ${fmt(rate)} new keys/s, ${fmt(hotRate)} updates/s on 1,000 hot keys`,
  );
}

if (KIND === 'int') run(Serdes.Integer(), (i) => i);
else if (KIND === 'string') run(Serdes.String(), (i) => `key-${i}`);
else throw new Error(`unknown key kind "${KIND}" (int or string)`);
