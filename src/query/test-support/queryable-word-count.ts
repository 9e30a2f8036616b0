/**
 * A word count with three queryable stores (key-value counts, counts per minute window, counts per session)
 * run by two KafkaStreams instances, each with its own QueryServer on a free port: the fixture of the
 * interactive-query tests on the embedded broker and on real Kafka.
 */
import { createServer } from 'node:net';
import { Consumed } from '../../dsl/consumed.ts';
import { Materialized } from '../../dsl/materialized.ts';
import { SessionWindows } from '../../dsl/session-windows.ts';
import { StreamsBuilder } from '../../dsl/streams-builder.ts';
import { TimeWindows } from '../../dsl/time-windows.ts';
import type { KafkaBackend } from '../../kafka/backend.ts';
import { KafkaStreams } from '../../runtime/kafka-streams.ts';
import { produceStrings, uniqueName } from '../../runtime/test-support/runtime-harness.ts';
import { Serdes } from '../../serdes/serdes.ts';
import type { Topology } from '../../topology/topology.ts';
import { QueryServer } from '../query-server.ts';

export const COUNTS = 'word-counts';
export const WINDOWED = 'windowed-word-counts';
export const SESSIONS = 'session-word-counts';
export const WINDOW_MS = 60_000;
export const PARTITIONS = 4;
/** A window start (a multiple of 60 s): every record of the fixture falls in this window or the next. */
export const BASE_TIME = 1_700_000_040_000;

export const LINES = [
  'all streams flow into the sea',
  'yet the sea is not full',
  'kafka streams kafka tables kafka topics',
  'unto the place from whence the streams come thither they return again',
  'the quick brown fox jumps over the lazy dog',
  'a b c d e f g h i j k l m n o p',
];

/** The i-th line's timestamp: lines 0-2 in the window at BASE_TIME, the rest in the next one. */
export function lineTime(i: number): number {
  return BASE_TIME + (i < 3 ? 1_000 * i : WINDOW_MS + 1_000 * i);
}

export function expectedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of LINES) for (const word of line.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** word → window start → count. */
export function expectedWindowedCounts(): Map<string, Map<number, number>> {
  const counts = new Map<string, Map<number, number>>();
  LINES.forEach((line, i) => {
    const start = lineTime(i) - ((lineTime(i) - BASE_TIME) % WINDOW_MS);
    for (const word of line.split(' ')) {
      const windows = counts.get(word) ?? new Map<number, number>();
      windows.set(start, (windows.get(start) ?? 0) + 1);
      counts.set(word, windows);
    }
  });
  return counts;
}

export function queryableWordCount(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  const words = builder
    .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => line.split(' '));
  words
    .groupBy((_key, word) => word)
    .count(Materialized.as(COUNTS))
    .toStream()
    .to(output, { keySerde: Serdes.String(), valueSerde: Serdes.Long() });
  words
    .groupBy((_key, word) => word)
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, 10 * WINDOW_MS))
    .count(Materialized.as(WINDOWED));
  words
    .groupBy((_key, word) => word)
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(10_000, 10 * WINDOW_MS))
    .count(Materialized.as(SESSIONS));
  return builder.build();
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface QueryableInstance {
  readonly streams: KafkaStreams;
  readonly server: QueryServer;
  readonly endpoint: string;
  readonly url: string;
}

/** Topics and two instances (with servers listening, streams not started). */
export async function twoQueryableInstances(
  backend: KafkaBackend,
  sessionTimeoutMs: number,
): Promise<{ input: string; output: string; instances: QueryableInstance[] }> {
  const [input, output, app] = [uniqueName('iq-lines'), uniqueName('iq-counts'), uniqueName('iq-app')];
  await backend.admin.createTopics([
    { name: input, partitions: PARTITIONS, replicationFactor: 1 },
    { name: output, partitions: PARTITIONS, replicationFactor: 1 },
  ]);
  const instances: QueryableInstance[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const endpoint = `127.0.0.1:${port}`;
    const streams = new KafkaStreams(
      queryableWordCount(input, output),
      {
        'application.id': app,
        'application.server': endpoint,
        'commit.interval.ms': 100,
        'poll.ms': 50,
        'session.timeout.ms': sessionTimeoutMs,
        'heartbeat.interval.ms': 200,
        'max.poll.interval.ms': 15_000,
      },
      { backend },
    );
    const server = new QueryServer(streams);
    await server.start();
    instances.push({ streams, server, endpoint, url: `http://${endpoint}` });
  }
  return { input, output, instances };
}

export async function produceLines(backend: KafkaBackend, input: string): Promise<void> {
  await produceStrings(
    backend,
    input,
    PARTITIONS,
    LINES.map((line, i) => ({ key: `line-${i}`, value: line, timestamp: lineTime(i) })),
  );
}

export async function getJson(url: string): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json(), headers: response.headers };
}
