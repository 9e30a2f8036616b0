/**
 * `node src/sink/sqlite-sink.bench.ts [records]`: how fast KafkaStreams writes a stream into SQLite with
 * toSink(SqliteSink) on the embedded broker (upsert per record, offsets stored per batch), against the same
 * stream into foreach (no sink) as the baseline. Prints records/s for each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed } from '../dsl/consumed.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { EmbeddedBroker } from '../kafka/embedded/embedded-broker.ts';
import { KafkaStreams } from '../runtime/kafka-streams.ts';
import { produceStrings, uniqueName, waitFor } from '../runtime/test-support/runtime-harness.ts';
import { Serdes } from '../serdes/serdes.ts';
import { SqliteSink } from './sqlite-sink.ts';

const RECORDS = Number(process.argv[2] ?? 200_000);
const KEYS = 10_000;

async function run(label: string, withSink: boolean): Promise<void> {
  const backend = new EmbeddedBroker();
  const topic = uniqueName('bench-in');
  await backend.admin.createTopics([{ name: topic, partitions: 1 }]);
  for (let from = 0; from < RECORDS; from += 50_000) {
    const n = Math.min(50_000, RECORDS - from);
    await produceStrings(
      backend,
      topic,
      1,
      Array.from({ length: n }, (_, i) => ({ key: `k${(from + i) % KEYS}`, value: `value-${from + i}` })),
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'tributary-sink-bench-'));
  const sink = new SqliteSink<string, string>({
    database: join(dir, 'bench.db'),
    table: 't',
    columns: { v: (v) => v },
  });
  sink.database.exec('PRAGMA journal_mode = WAL');
  let seen = 0;
  let written = 0;
  const builder = new StreamsBuilder();
  const stream = builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()));
  if (withSink)
    stream.toSink({
      name: 'bench',
      write: async (records, context) => {
        await sink.write(records, context);
        written += records.length;
      },
    });
  else stream.foreach(() => seen++);
  const streams = new KafkaStreams(builder.build(), { 'application.id': uniqueName('bench') }, { backend });
  const started = performance.now();
  await streams.start();
  await waitFor('every record', () => (withSink ? written : seen) >= RECORDS, 300_000);
  const seconds = (performance.now() - started) / 1000;
  await streams.close();
  sink.close();
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`${label}: ${RECORDS} records in ${seconds.toFixed(2)} s = ${Math.round(RECORDS / seconds)} rec/s`);
}

await run('foreach (baseline)', false);
await run('toSink(SqliteSink), batch 500, WAL', true);
