/**
 * `node examples/db-sink/main.ts [database file]`: writes a few lines of text, counts their words with
 * KafkaStreams on the in-process embedded broker (or `KAFKA=host:port` for a real cluster), materializes the
 * counts into a SQLite table, prints the table read back with SQL, and exits. The default file is
 * `word-counts.db` in the current directory. Each run is a new application (a new application.id) that counts
 * its input topic from the start, so the table is emptied first.
 */
import type { KafkaBackend } from '../../src/index.ts';
import { defaultEmbeddedBroker, KafkaStreams, TopicExistsError } from '../../src/index.ts';
import { partitionForKey } from '../../src/kafka/partitioner.ts';
import { PlatformaticBackend } from '../../src/kafka/platformatic/platformatic-backend.ts';
import {
  buildDbSinkTopology,
  DB_SINK_INPUT,
  DB_SINK_OUTPUT,
  DB_SINK_TABLE,
  openWordCountsTable,
  words,
} from './topology.ts';

export const LINES = [
  'All streams flow into the sea',
  'yet the sea is not full',
  'Kafka streams, Kafka tables, Kafka topics',
  'unto the place from whence the streams come, thither they return again',
];

const servers = process.env.KAFKA;
const backend: KafkaBackend = servers
  ? new PlatformaticBackend({ bootstrapServers: servers.split(',') })
  : defaultEmbeddedBroker();
const file = process.argv[2] ?? 'word-counts.db';

async function main(): Promise<void> {
  for (const name of [DB_SINK_INPUT, DB_SINK_OUTPUT]) {
    await backend.admin.createTopics([{ name, partitions: 2 }]).catch((error) => {
      if (!(error instanceof TopicExistsError)) throw error;
    });
  }
  const [input] = await backend.admin.describeTopics([DB_SINK_INPUT]);
  const producer = await backend.createProducer();
  await producer.send(
    LINES.map((line, i) => {
      const key = Buffer.from(`line-${i}`);
      return {
        topic: DB_SINK_INPUT,
        partition: partitionForKey(key, input.partitions.length),
        key,
        value: Buffer.from(line),
      };
    }),
  );
  await producer.close();

  const sink = openWordCountsTable(file);
  const sumOfCounts = sink.database.prepare(`SELECT coalesce(sum(count), 0) AS total FROM ${DB_SINK_TABLE}`);
  sink.database.exec(`DELETE FROM ${DB_SINK_TABLE}`);
  const wordsWritten = LINES.reduce((sum, line) => sum + words(line).length, 0);
  const streams = new KafkaStreams(
    buildDbSinkTopology(sink),
    { 'application.id': `db-sink-demo-${process.pid}`, 'commit.interval.ms': 100 },
    { backend },
  );
  streams.closeOnSignals();
  await streams.start();
  // Done when the table counts every word written (on a real cluster the topic may hold earlier runs' lines too).
  const deadline = Date.now() + 30_000;
  while (Number((sumOfCounts.get() as { total: number }).total) < wordsWritten) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the counts in ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await streams.close();
  console.log(`${DB_SINK_TABLE} in ${file}:`);
  for (const row of sink.database.prepare(`SELECT word, count FROM ${DB_SINK_TABLE} ORDER BY count DESC, word`).all())
    console.log(`  ${String(row.word).padEnd(10)} ${row.count}`);
  sink.close();
  await backend.close();
}

await main();
