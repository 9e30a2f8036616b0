/**
 * Word count throughput: loads N lines of 5 words (a 1,000-word vocabulary) into a fresh 2-partition topic, runs
 * the word-count topology of ./topology.ts-style (split, group by word, count) until every line and every word
 * record of the repartition topic was processed, and prints lines/s, CPU and memory.
 *
 *   node examples/word-count/throughput.ts [lines]                 # embedded broker
 *   KAFKA=127.0.0.1:9092 node examples/word-count/throughput.ts    # real Kafka
 *
 * A quick figure for development; `npm run bench` is the measured comparison with Kafka Streams.
 */
import { randomBytes } from 'node:crypto';
import { Consumed } from '../../src/dsl/consumed.ts';
import { Materialized } from '../../src/dsl/materialized.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import type { KafkaBackend } from '../../src/kafka/backend.ts';
import { EmbeddedBroker } from '../../src/kafka/embedded/embedded-broker.ts';
import { partitionForKey } from '../../src/kafka/partitioner.ts';
import { PlatformaticBackend } from '../../src/kafka/platformatic/platformatic-backend.ts';
import { KafkaStreams } from '../../src/runtime/kafka-streams.ts';
import { Serdes } from '../../src/serdes/serdes.ts';

const LINES = Number(process.argv[2] ?? 200_000);
const WORDS_PER_LINE = 5;
const PARTITIONS = 2;
const servers = process.env.KAFKA;
const backend: KafkaBackend = servers
  ? new PlatformaticBackend({ bootstrapServers: servers.split(',') })
  : new EmbeddedBroker();
const id = randomBytes(4).toString('hex');
const [input, output, app] = [`wc-lines-${id}`, `wc-counts-${id}`, `wc-throughput-${id}`];

await backend.admin.createTopics([
  { name: input, partitions: PARTITIONS },
  { name: output, partitions: PARTITIONS },
]);
const producer = await backend.createProducer();
const vocabulary = Array.from({ length: 1000 }, (_, i) => `word${i}`);
for (let start = 0; start < LINES; start += 5000) {
  const batch = [];
  for (let i = start; i < Math.min(LINES, start + 5000); i++) {
    const key = Buffer.from(String(i % 10_000));
    const line = Array.from({ length: WORDS_PER_LINE }, (_, j) => vocabulary[(i * 7 + j * 131) % 1000]).join(' ');
    batch.push({ topic: input, partition: partitionForKey(key, PARTITIONS), key, value: Buffer.from(line) });
  }
  await producer.send(batch);
}
await producer.close();

const builder = new StreamsBuilder();
builder
  .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
  .flatMapValues((line) => line.split(' '))
  .groupBy((_key, word) => word)
  .count(Materialized.as('counts'))
  .toStream()
  .to(output, Produced.with(Serdes.String(), Serdes.Long()));
const streams = new KafkaStreams(builder.build(), { 'application.id': app }, { backend });

const expected = LINES * (1 + WORDS_PER_LINE); // lines in sub-topology 0, words in sub-topology 1
const started = performance.now();
const cpuBefore = process.cpuUsage();
await streams.start();
while (streams.processedRecords() < expected && performance.now() - started < 300_000) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `word count on ${servers ? `Kafka ${servers}` : 'the embedded broker'}: ${LINES} lines (${streams.processedRecords()} records processed) ` +
    `in ${seconds.toFixed(2)} s = ${Math.round(LINES / seconds)} lines/s; ` +
    `${((cpu.user + cpu.system) / 1e6).toFixed(2)} CPU-s; RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
);
await streams.close();
await backend.admin.deleteTopics([input, output]).catch(() => {});
if (servers) await backend.close();
process.exit(0);
