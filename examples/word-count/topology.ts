/**
 * Word count, the "hello world" of Kafka Streams: lines of text in, a running count per word out.
 * The same topology runs on the TopologyTestDriver, on the embedded broker and on real Kafka.
 */
import { Consumed } from '../../src/dsl/consumed.ts';
import { Materialized } from '../../src/dsl/materialized.ts';
import { Produced } from '../../src/dsl/produced.ts';
import { StreamsBuilder } from '../../src/dsl/streams-builder.ts';
import { Serdes } from '../../src/serdes/serdes.ts';
import type { Topology } from '../../src/topology/topology.ts';

export const WORD_COUNT_INPUT = 'text-lines';
export const WORD_COUNT_OUTPUT = 'word-counts';
export const WORD_COUNT_STORE = 'counts-store';

/** Splits a line into lower-case words (letters, digits and underscores, as Java's `\W+` split). */
export function words(line: string): string[] {
  return line
    .toLowerCase()
    .split(/\W+/)
    .filter((word) => word.length > 0);
}

export function buildWordCountTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(WORD_COUNT_INPUT, Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => words(line))
    .groupBy((_key, word) => word)
    .count(Materialized.as(WORD_COUNT_STORE))
    .toStream()
    .to(WORD_COUNT_OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}
