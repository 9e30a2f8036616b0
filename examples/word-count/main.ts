/**
 * `npm start`: word count on the in-process embedded broker. Writes a few lines of text, runs the topology of
 * ./topology.ts with KafkaStreams until every word is counted, prints the counts and exits.
 *
 * Against a real cluster: `KAFKA=127.0.0.1:9092 npm start` (the topics are created if missing).
 *
 * The counts can also be queried over HTTP while it runs (a QueryServer on QUERY_PORT, default a free port):
 * `npm start -- --serve` keeps running after counting, so that `curl localhost:<port>/stores/counts-store/keys/kafka`
 * answers; Ctrl-C stops it.
 */

import type { KafkaBackend } from '../../src/index.ts';
import {
  defaultEmbeddedBroker,
  KafkaStreams,
  QueryServer,
  StreamsDashboard,
  TopicExistsError,
} from '../../src/index.ts';
import { partitionForKey } from '../../src/kafka/partitioner.ts';
import { PlatformaticBackend } from '../../src/kafka/platformatic/platformatic-backend.ts';
import { buildWordCountTopology, WORD_COUNT_INPUT, WORD_COUNT_OUTPUT, WORD_COUNT_STORE, words } from './topology.ts';

const LINES = [
  'All streams flow into the sea',
  'yet the sea is not full',
  'Kafka streams, Kafka tables, Kafka topics',
  'unto the place from whence the streams come, thither they return again',
];
const PARTITIONS = 2;

const servers = process.env.KAFKA;
const backend: KafkaBackend = servers
  ? new PlatformaticBackend({ bootstrapServers: servers.split(',') })
  : defaultEmbeddedBroker();

async function main(): Promise<void> {
  for (const name of [WORD_COUNT_INPUT, WORD_COUNT_OUTPUT]) {
    await backend.admin.createTopics([{ name, partitions: PARTITIONS }]).catch((error) => {
      if (!(error instanceof TopicExistsError)) throw error;
    });
  }
  // Topics may exist already (a real cluster) with other partition counts.
  const [input, output] = await backend.admin.describeTopics([WORD_COUNT_INPUT, WORD_COUNT_OUTPUT]);
  const producer = await backend.createProducer();
  await producer.send(
    LINES.map((line, i) => {
      const key = Buffer.from(`line-${i}`);
      return {
        topic: WORD_COUNT_INPUT,
        partition: partitionForKey(key, input.partitions.length),
        key,
        value: Buffer.from(line),
      };
    }),
  );
  await producer.close();

  const streams = new KafkaStreams(
    buildWordCountTopology(),
    { 'application.id': `word-count-demo-${process.pid}`, 'commit.interval.ms': 100 },
    { backend },
  );
  streams.on('stateChange', (next, previous) => console.log(`state: ${previous} -> ${next}`));
  streams.closeOnSignals();
  const server = new QueryServer(streams, { port: Number(process.env.QUERY_PORT ?? 0), host: '127.0.0.1' });
  const port = await server.start();
  // The live dashboard (topology, tasks, rates, lag) on DASHBOARD_PORT, default a free port.
  const dashboard = new StreamsDashboard(streams, { port: Number(process.env.DASHBOARD_PORT ?? 0) });
  await dashboard.start();
  const started = Date.now();
  await streams.start();

  // Read the output topic until every word of the input has its final count.
  const expected = new Map<string, number>();
  for (const line of LINES) for (const word of words(line)) expected.set(word, (expected.get(word) ?? 0) + 1);
  const counts = new Map<string, number>();
  const fetcher = backend.createFetcher({ autoOffsetReset: 'earliest' });
  fetcher.assign(output.partitions.map(({ partition }) => ({ topic: WORD_COUNT_OUTPUT, partition })));
  const deadline = Date.now() + 15_000;
  while ([...expected].some(([word, n]) => (counts.get(word) ?? 0) < n)) {
    if (Date.now() > deadline) throw new Error('word count did not finish within 15 s');
    for (const batch of await fetcher.poll(100)) {
      for (const record of batch.records) counts.set(record.key!.toString(), Number(record.value!.readBigInt64BE()));
    }
  }
  await fetcher.close();
  // Interactive query over HTTP: the count of one word, read from the running instance's store.
  const queryPath = `/stores/${WORD_COUNT_STORE}/keys/kafka`;
  const answer = await fetch(`http://127.0.0.1:${port}${queryPath}`, { signal: AbortSignal.timeout(5_000) });
  console.log(`\nquery server: GET ${queryPath} -> ${answer.status} ${await answer.text()}`);
  const snapshot = await fetch(`${dashboard.url}dashboard.json`, { signal: AbortSignal.timeout(5_000) });
  const { state, threads } = (await snapshot.json()) as { state: string; threads: { activeTasks: unknown[] }[] };
  const tasks = threads.reduce((n, t) => n + t.activeTasks.length, 0);
  console.log(`dashboard: ${dashboard.url} (state ${state}, ${tasks} tasks)`);
  if (process.argv.includes('--serve')) {
    console.log(
      `serving queries on http://127.0.0.1:${port} (try ${queryPath}, /stores/${WORD_COUNT_STORE}/all) and the dashboard on ${dashboard.url}; Ctrl-C stops`,
    );
    await new Promise(() => {}); // closeOnSignals closes the client and exits
  }
  await server.close();
  await dashboard.close();
  await streams.close();
  if (servers) await backend.close();

  console.log(
    `\nword counts (${LINES.length} lines, ${streams.processedRecords()} records processed, ${Date.now() - started} ms):`,
  );
  for (const [word, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    console.log(`  ${word.padEnd(10)} ${count}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
