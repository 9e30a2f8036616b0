/**
 * Windowed count throughput, window store in memory vs persistent (LMDB): end to end on real Kafka
 * (`default.dsl.store` in_memory vs rocksDB, the same input), and the store alone (fetch + put per record, a
 * flush every 10 000 records, as a windowed aggregation does between commits).
 *
 *   TRIBUTARY_TEST_KAFKA=127.0.0.1:9092 node src/state/persistent-window-store.bench.ts [--records 200000] [--keys 10000]
 *
 * Prints one JSON object (with the load average: the machine is shared). Not a test: it takes most of a core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { TimeWindows } from '../dsl/time-windows.ts';
import type { KafkaBackend } from '../kafka/backend.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { uniqueName } from '../runtime/test-support/runtime-harness.ts';
import { longSerde } from '../serdes/primitive-serdes.ts';
import { stringSerde } from '../serdes/string-serde.ts';
import { InMemoryWindowStore } from './in-memory-window-store.ts';
import { PersistentWindowStore } from './persistent-window-store.ts';

const { values: args } = parseArgs({
  options: { records: { type: 'string', default: '200000' }, keys: { type: 'string', default: '10000' } },
});
const RECORDS = Number(args.records);
const KEYS = Number(args.keys);
const PARTITIONS = 2;
const WINDOW = 60_000;
// Ten windows over the run: stream time advances, old windows expire (retention = size + grace).
const SPAN = 10 * WINDOW;
const BASE = Math.floor(Date.now() / WINDOW) * WINDOW - SPAN;
const timestampOf = (i: number) => BASE + Math.floor((i / RECORDS) * SPAN);

function storeOnly(persistent: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-wbench-'));
  const store = persistent
    ? new PersistentWindowStore<string, number>('w', 2 * WINDOW, WINDOW, false, stringSerde, longSerde)
    : new InMemoryWindowStore<string, number>('w', 2 * WINDOW, WINDOW, false, stringSerde, longSerde);
  let now = 0;
  store.init({
    taskId: '0_0',
    partition: 0,
    changelogTopic: 'bench-changelog',
    collector: { send: () => {}, partitionsFor: () => undefined },
    config: { 'application.id': 'bench', 'state.dir': dir },
    currentTimestamp: () => now,
  });
  const started = performance.now();
  for (let i = 0; i < RECORDS; i++) {
    now = timestampOf(i);
    const start = now - (now % WINDOW);
    const key = `k${i % KEYS}`;
    const old = store.peekWithTimestamp(key, start);
    store.putWithTimestamp(key, (old?.value ?? 0) + 1, start, now);
    if (i % 10_000 === 9_999) store.flush();
  }
  store.flush();
  const rate = Math.round(RECORDS / ((performance.now() - started) / 1000));
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

async function produce(backend: KafkaBackend, topic: string): Promise<void> {
  const producer = await backend.createProducer({ clientId: uniqueName('wbench-producer') });
  const value = Buffer.from('v');
  try {
    for (let from = 0; from < RECORDS; from += 20_000) {
      const batch = [];
      for (let i = from; i < Math.min(RECORDS, from + 20_000); i++) {
        const key = Buffer.from(`k${i % KEYS}`);
        batch.push({ topic, partition: partitionForKey(key, PARTITIONS), key, value, timestamp: timestampOf(i) });
      }
      await producer.send(batch);
    }
  } finally {
    await producer.close();
  }
}

async function endToEnd(backend: KafkaBackend, input: string, dslStore: 'in_memory' | 'rocksDB'): Promise<number> {
  const stateDir = mkdtempSync(join(tmpdir(), 'tributary-wbench-state-'));
  const builder = new StreamsBuilder();
  builder.stream(input).groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, WINDOW)).count();
  const streams = new KafkaStreams(
    builder.build(),
    {
      'application.id': uniqueName(`wbench-${dslStore}`),
      'state.dir': stateDir,
      'default.dsl.store': dslStore,
      'poll.ms': 50,
      // Commits (store flushes: LMDB writes and changelog) during the run, not only at close.
      'commit.interval.ms': 500,
    },
    { backend },
  );
  try {
    await streams.start();
    let first: number | undefined;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const processed = streams.processedRecords();
      if (processed > 0) first ??= performance.now();
      if (processed >= RECORDS) break;
      if (Date.now() > deadline) throw new Error(`processed ${processed} of ${RECORDS} in 300 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return Math.round(RECORDS / ((performance.now() - (first as number)) / 1000));
  } finally {
    await streams.close({ timeoutMs: 60_000 });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const result: Record<string, unknown> = {
  records: RECORDS,
  keys: KEYS,
  windows: SPAN / WINDOW,
  loadAverageBefore: loadavg(),
};
result.storeOnlyRecordsPerSec = { inMemory: storeOnly(false), persistentLmdb: storeOnly(true) };
const address = process.env.TRIBUTARY_TEST_KAFKA;
if (address) {
  const backend: KafkaBackend = new PlatformaticBackend({ bootstrapServers: [address] });
  const input = uniqueName('wbench-input');
  try {
    await backend.admin.createTopics([{ name: input, partitions: PARTITIONS, replicationFactor: 1 }]);
    await produce(backend, input);
    result.windowedCountRecordsPerSec = {
      inMemory: await endToEnd(backend, input, 'in_memory'),
      persistentLmdb: await endToEnd(backend, input, 'rocksDB'),
    };
  } finally {
    await backend.admin.deleteTopics([input]).catch(() => {});
    await backend.close();
  }
}
result.loadAverageAfter = loadavg();
console.log(JSON.stringify(result, null, 2));
