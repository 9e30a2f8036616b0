/**
 * Word counts materialized into SQLite for the sink tests: a KTable count written with toSink(SqliteSink), or
 * (`accumulate`) no state store at all, each word adding 1 to its row in SQL, which only stays exact because
 * the sink skips input offsets it already applied. Runs in the test's process, or as a child process
 * (`node word-count-sink-app.ts '<json options>'`, prints RUNNING and one WROTE line per batch) that a test
 * can kill with SIGKILL between a database write and the offset commit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumed } from '../../dsl/consumed.ts';
import { StreamsBuilder } from '../../dsl/streams-builder.ts';
import type { KafkaBackend } from '../../kafka/backend.ts';
import { KafkaStreams } from '../../runtime/kafka-streams.ts';
import { Serdes } from '../../serdes/serdes.ts';
import type { ExternalSink, SinkRecord, SinkWriteContext, ToSinkOptions } from '../external-sink.ts';
import { SqliteSink } from '../sqlite-sink.ts';

export interface WordCountSinkOptions {
  readonly applicationId: string;
  readonly input: string;
  readonly databaseFile: string;
  readonly mode: 'count' | 'accumulate';
  readonly processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  readonly bootstrapServers?: string;
  /** Wait in flush(), after the rows are in SQLite and before the offsets are committed (widens the crash window). */
  readonly flushDelayMs?: number;
  readonly sink?: ToSinkOptions;
}

export const TABLE = 'word_counts';

/** The sink of the app, observable: every batch written, records it found already applied (replays). */
export class ObservedSqliteSink implements ExternalSink<string, number | null> {
  readonly name = 'word-counts-db';
  readonly inner: SqliteSink<string, number | null>;
  replayed = 0;
  written = 0;
  readonly #flushDelayMs: number;
  readonly #onWrite: (count: number) => void;

  constructor(inner: SqliteSink<string, number | null>, flushDelayMs = 0, onWrite: (count: number) => void = () => {}) {
    this.inner = inner;
    this.#flushDelayMs = flushDelayMs;
    this.#onWrite = onWrite;
  }

  async write(records: readonly SinkRecord<string, number | null>[], context: SinkWriteContext): Promise<void> {
    const applied = this.inner.appliedOffsets();
    for (const r of records) if (r.offset <= (applied.get(`${r.topic}-${r.partition}`) ?? -1)) this.replayed++;
    await this.inner.write(records, context);
    this.written += records.length;
    this.#onWrite(records.length);
  }

  async flush(): Promise<void> {
    if (this.#flushDelayMs > 0) await sleep(this.#flushDelayMs);
  }
}

export function openWordCountSink(options: WordCountSinkOptions): SqliteSink<string, number | null> {
  return new SqliteSink<string, number | null>({
    database: options.databaseFile,
    table: TABLE,
    keyColumn: 'word',
    columns: { count: (n) => n },
    onConflict: options.mode === 'accumulate' ? { count: '"count" + excluded."count"' } : undefined,
  });
}

export function wordCountSinkApp(
  options: WordCountSinkOptions,
  sink: ExternalSink<string, number | null>,
  backend?: KafkaBackend,
): KafkaStreams {
  const builder = new StreamsBuilder();
  const words = builder
    .stream(options.input, Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => line.split(' ').filter((w) => w.length > 0));
  if (options.mode === 'count') {
    words
      .groupBy((_key, word) => word)
      .count()
      .toStream()
      .toSink(sink, options.sink);
  } else {
    words.map((_key, word) => [word, 1] as const).toSink(sink, options.sink);
  }
  return new KafkaStreams(
    builder.build(),
    {
      'application.id': options.applicationId,
      'processing.guarantee': options.processingGuarantee ?? 'at_least_once',
      'default.key.serde': Serdes.String(),
      'default.value.serde': Serdes.String(),
      'commit.interval.ms': 100,
      'poll.ms': 50,
      'session.timeout.ms': 6_000,
      'heartbeat.interval.ms': 500,
      ...(options.bootstrapServers === undefined ? {} : { 'bootstrap.servers': options.bootstrapServers }),
    },
    backend === undefined ? {} : { backend },
  );
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2]) as WordCountSinkOptions;
  const sink = new ObservedSqliteSink(openWordCountSink(options), options.flushDelayMs, (n) =>
    process.stdout.write(`WROTE ${n}\n`),
  );
  const streams = wordCountSinkApp(options, sink);
  await streams.start();
  process.stdout.write('RUNNING\n');
}
