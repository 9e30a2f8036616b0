/**
 * Word counts materialized into a database: the running count of each word goes to a Kafka topic (as in the
 * word-count example) and, through KStream#toSink, into a SQLite table `word_counts(word, count)` that any SQL
 * client can read. The sink stores the last applied input offset per partition with the rows, so a crash and
 * replay never leaves the table wrong.
 */
import { Consumed } from '../../src/dsl/consumed.ts';
import { Materialized } from '../../src/dsl/materialized.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import { SqliteSink } from '../../src/sink/sqlite-sink.ts';
import type { Topology } from '../../src/topology/topology.ts';

export const DB_SINK_INPUT = 'db-sink-lines';
export const DB_SINK_OUTPUT = 'db-sink-word-counts';
export const DB_SINK_TABLE = 'word_counts';

export function words(line: string): string[] {
  return line
    .toLowerCase()
    .split(/\W+/)
    .filter((word) => word.length > 0);
}

export function openWordCountsTable(file: string): SqliteSink<string, number> {
  return new SqliteSink<string, number>({
    database: file,
    table: DB_SINK_TABLE,
    keyColumn: 'word',
    columns: { count: (count) => count },
  });
}

export function buildDbSinkTopology(sink: SqliteSink<string, number>): Topology {
  const builder = new StreamsBuilder();
  const counts = builder
    .stream(DB_SINK_INPUT, Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => words(line))
    .groupBy((_key, word) => word)
    .count(Materialized.as('db-sink-counts'))
    .toStream();
  counts.to(DB_SINK_OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
  counts.toSink(sink, { name: 'word-counts-table' });
  return builder.build();
}
