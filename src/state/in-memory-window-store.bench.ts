/**
 * Speed of the in-memory window store the way windowed aggregations and the bench's window-store workload drive
 * it, with a changelog (a collector that drops the records, flushed every 5,000 records):
 *
 *   node src/state/in-memory-window-store.bench.ts [records]
 *
 * - tumbling count: per record, read the window's count and put count + 1 (1,000 hot keys, 1 ms apart);
 * - hopping count 1000/500: the same through TimeWindowAggregateProcessor (2 windows per record);
 * - window-store: fetch keys k-10..k+10 over the last second, then put into the window at the record's time
 *   (10,000 int keys, 100 records per ms: SimpleBenchmark's streamprocesswithwindowstore shape);
 * - restore: restoreBatch of the changelog of 500,000 windows, 1,000 records per batch.
 */
import { TimeWindowAggregateProcessor } from '../dsl/internals/time-window-aggregate-processor.ts';
import { TimeWindows } from '../dsl/time-windows.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import type { OutgoingRecord, RestoreRecord } from '../processor/internals/task-contract.ts';
import type { ProcessorContext } from '../processor/processor-context.ts';
import { Record } from '../processor/record.ts';
import { Serdes } from '../serdes/serdes.ts';
import { InMemoryWindowStore } from './in-memory-window-store.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const T0 = 1_700_000_000_000;

function openStore<K, V>(
  retention: number,
  size: number,
  keySerde: SerdeLike<K>,
  valueSerde: SerdeLike<V>,
  sent?: OutgoingRecord[],
) {
  const store = new InMemoryWindowStore<K, V>('bench', retention, size, false, keySerde, valueSerde);
  store.init({
    taskId: '0_0',
    partition: 0,
    changelogTopic: 'bench-changelog',
    collector: { send: (r) => sent?.push(r), partitionsFor: () => undefined },
    config: {},
    currentTimestamp: () => 0,
  });
  return store;
}

function report(name: string, records: number, started: number): void {
  const ms = performance.now() - started;
  console.log(`${name.padEnd(32)} ${Math.round((records / ms) * 1000).toLocaleString('en-US')} records/s`);
}

{
  const store = openStore<string, number>(3_600_000, 60_000, Serdes.String(), Serdes.Long());
  const keys = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const ts = T0 + i;
    const start = ts - (ts % 60_000);
    const key = keys[i % 1000]!;
    const old = store.peekWithTimestamp(key, start);
    store.putWithTimestamp(key, (old?.value ?? 0) + 1, start, ts);
    if (i % 5000 === 0) store.flush();
  }
  report('tumbling count (store)', N, started);
}

{
  const store = openStore<number, number>(1000, 1000, Serdes.Integer(), Serdes.Long());
  const context = {
    getStateStore: () => store,
    forward: () => {},
    appConfigs: () => ({}),
    currentSystemTimeMs: () => 0,
  } as unknown as ProcessorContext<unknown, unknown>;
  const processor = new TimeWindowAggregateProcessor<number, Buffer, number>(
    { sendOldValues: false, storeName: 'bench' },
    false,
    TimeWindows.ofSizeWithNoGrace(1000).advanceBy(500),
    () => 0,
    (_key, _value, count) => count + 1,
  );
  processor.init(context);
  const value = Buffer.alloc(100);
  let seed = 1;
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    processor.process(new Record(seed % 10_000, value, T0 + Math.floor(i / 100)));
    if (i % 5000 === 0) store.flush();
  }
  report('hopping count 1000/500 (proc)', N, started);
}

{
  const records = Math.min(N, 100_000);
  const store = openStore<number, Buffer>(3000, 1000, Serdes.Integer(), Serdes.ByteArray());
  const value = Buffer.alloc(100);
  let seed = 12345;
  let fetched = 0;
  const started = performance.now();
  for (let i = 0; i < records; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const key = seed % 10_000;
    const ts = T0 + Math.floor(i / 100);
    fetched += store.fetch(Math.max(0, key - 10), key + 10, ts - 1000, ts).length;
    store.put(key, value, ts);
    if (i % 5000 === 0) store.flush();
  }
  report(`window-store (${Math.round(fetched / records)} fetched/rec)`, records, started);
}

{
  const sent: OutgoingRecord[] = [];
  const source = openStore<string, number>(86_400_000, 60_000, Serdes.String(), Serdes.Long(), sent);
  for (let i = 0; i < 500_000; i++) {
    const ts = T0 + i * 10;
    source.putWithTimestamp(`user-${i % 50_000}`, i, ts - (ts % 60_000), ts);
    if (i % 10_000 === 0) source.flush();
  }
  source.flush();
  const log: RestoreRecord[] = sent.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] }));
  const target = openStore<string, number>(86_400_000, 60_000, Serdes.String(), Serdes.Long());
  const started = performance.now();
  for (let i = 0; i < log.length; i += 1000) target.restoreBatch(log.slice(i, i + 1000));
  report('restore', log.length, started);
}
