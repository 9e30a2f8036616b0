/**
 * Measures the persistent (LMDB) store on real Kafka: count throughput (persistent vs in-memory), and the
 * restore of the count store's changelog from scratch (empty state.dir) vs from the checkpoint a clean close
 * left (same state.dir, the changelog grown by `--tail` records while another instance ran).
 *
 *   TRIBUTARY_TEST_KAFKA=127.0.0.1:9092 node src/runtime/persistent-restore.bench.ts [--keys 1000000] [--tail 10000]
 *
 * Prints one JSON object. Not a test (no *.test.ts): it takes a minute and most of a core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Materialized } from '../dsl/materialized.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import type { KafkaBackend } from '../kafka/backend.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import { PlatformaticBackend } from '../kafka/platformatic/platformatic-backend.ts';
import { Stores } from '../state/stores.ts';
import { KafkaStreams } from './kafka-streams.ts';
import { uniqueName } from './test-support/runtime-harness.ts';

const { values: args } = parseArgs({
  options: { keys: { type: 'string', default: '1000000' }, tail: { type: 'string', default: '10000' } },
});
const KEYS = Number(args.keys);
const TAIL = Number(args.tail);
const PARTITIONS = 2;
const STORE = 'bench-counts';

const address = process.env.TRIBUTARY_TEST_KAFKA;
if (!address) throw new Error('set TRIBUTARY_TEST_KAFKA=host:port');
const backend: KafkaBackend = new PlatformaticBackend({ bootstrapServers: [address] });

/** Records `from .. from+count-1`, each its own key (`k<i>`), partitioned like Java. */
async function produceKeys(topic: string, from: number, count: number): Promise<void> {
  const producer = await backend.createProducer({ clientId: uniqueName('bench-producer') });
  const value = Buffer.from('v');
  try {
    const inflight: Promise<unknown>[] = [];
    for (let start = from; start < from + count; start += 20_000) {
      const batch = [];
      for (let i = start; i < Math.min(from + count, start + 20_000); i++) {
        const key = Buffer.from(`k${i}`);
        batch.push({ topic, partition: partitionForKey(key, PARTITIONS), key, value });
      }
      inflight.push(producer.send(batch));
      if (inflight.length >= 4) await inflight.shift();
    }
    await Promise.all(inflight);
  } finally {
    await producer.close();
  }
}

function countApp(applicationId: string, input: string, stateDir: string, persistent: boolean) {
  const builder = new StreamsBuilder();
  builder
    .stream(input)
    .groupByKey()
    .count(Materialized.as(persistent ? Stores.persistentKeyValueStore(STORE) : Stores.inMemoryKeyValueStore(STORE)));
  const streams = new KafkaStreams(
    builder.build(),
    { 'application.id': applicationId, 'state.dir': stateDir, 'poll.ms': 50, 'commit.interval.ms': 30_000 },
    { backend },
  );
  let restored = 0;
  streams.setGlobalStateRestoreListener({ onBatchRestored: (_p, _s, _o, n) => (restored += n) });
  return { streams, restored: () => restored };
}

/** Starts, waits until `expected` records are processed; returns records/s from the first processed record. */
async function countRun(app: ReturnType<typeof countApp>, expected: number): Promise<number> {
  await app.streams.start();
  let first: number | undefined;
  const deadline = Date.now() + 300_000;
  for (;;) {
    const processed = app.streams.processedRecords();
    if (processed > 0) first ??= performance.now();
    if (processed >= expected) break;
    if (Date.now() > deadline) throw new Error(`processed ${processed} of ${expected} in 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Math.round(expected / ((performance.now() - (first as number)) / 1000));
}

/** start() → RUNNING (the restore), then close. */
async function restoreRun(app: ReturnType<typeof countApp>): Promise<{ ms: number; restored: number }> {
  const started = performance.now();
  await app.streams.start();
  const ms = Math.round(performance.now() - started);
  await app.streams.close({ timeoutMs: 60_000 });
  return { ms, restored: app.restored() };
}

const input = uniqueName('bench-keys');
const applicationId = uniqueName('bench-persistent');
const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'tributary-bench-state-')));
try {
  await backend.admin.createTopics([{ name: input, partitions: PARTITIONS, replicationFactor: 1 }]);
  await produceKeys(input, 0, KEYS);

  const memory = countApp(uniqueName('bench-memory'), input, dirs[2], false);
  const memoryRate = await countRun(memory, KEYS);
  await memory.streams.close({ timeoutMs: 60_000 });

  // A fills the store and its changelog, closes cleanly (checkpoint).
  const a = countApp(applicationId, input, dirs[0], true);
  const persistentRate = await countRun(a, KEYS);
  const closeStarted = performance.now();
  await a.streams.close({ timeoutMs: 60_000 });
  const closeMs = Math.round(performance.now() - closeStarted);

  // B, over an empty state.dir: the whole changelog. Then it counts TAIL more keys (the changelog grows).
  const b = countApp(applicationId, input, dirs[1], true);
  const fromScratch = await restoreRun(b);
  await produceKeys(input, KEYS, TAIL);
  const b2 = countApp(applicationId, input, dirs[1], true);
  await countRun(b2, TAIL);
  await b2.streams.close({ timeoutMs: 60_000 });

  // A again over its own state.dir: only what B logged after A's checkpoint.
  const fromCheckpoint = await restoreRun(countApp(applicationId, input, dirs[0], true));

  console.log(
    JSON.stringify(
      {
        keys: KEYS,
        partitions: PARTITIONS,
        countRecordsPerSec: { inMemory: memoryRate, persistentLmdb: persistentRate },
        persistentCloseMs: closeMs,
        restoreFromScratch: fromScratch,
        restoreFromCheckpoint: fromCheckpoint,
      },
      null,
      2,
    ),
  );
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await backend.admin.deleteTopics([input]).catch(() => {});
  await backend.close();
}
