/**
 * A windowed count under `default.dsl.store: 'rocksDB'` (its window store on LMDB under state.dir), for the
 * persistent window store tests: in this process, and as a child process
 * (`node persistent-window-count-app.ts '<json options>'`, prints RUNNING) that a test can kill with SIGKILL.
 * Output: key `<word>@<window start>`, value the count (int64).
 */
import { Consumed } from '../../dsl/consumed.ts';
import { Materialized } from '../../dsl/materialized.ts';
import { Produced } from '../../dsl/produced.ts';
import { StreamsBuilder } from '../../dsl/streams-builder.ts';
import { TimeWindows } from '../../dsl/time-windows.ts';
import type { KafkaBackend } from '../../kafka/backend.ts';
import { Serdes } from '../../serdes/serdes.ts';
import { KafkaStreams } from '../kafka-streams.ts';
import { RestoreCounter } from './persistent-count-app.ts';

export const WINDOW_COUNT_STORE = 'window-counts';
export const COUNT_WINDOW_MS = 600_000;

export interface PersistentWindowCountOptions {
  readonly applicationId: string;
  readonly input: string;
  readonly output: string;
  readonly stateDir: string;
  readonly processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  readonly bootstrapServers?: string;
}

export function persistentWindowCountApp(
  options: PersistentWindowCountOptions,
  backend?: KafkaBackend,
): { streams: KafkaStreams; restores: RestoreCounter } {
  const builder = new StreamsBuilder();
  builder
    .stream(options.input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    // A long grace: the test's windows stay open (and retained) for the whole test.
    .windowedBy(TimeWindows.ofSizeAndGrace(COUNT_WINDOW_MS, 4 * COUNT_WINDOW_MS))
    .count(Materialized.as(WINDOW_COUNT_STORE))
    .toStream()
    .map((windowed, count) => [`${windowed.key}@${windowed.window.start}`, count])
    .to(options.output, Produced.with(Serdes.String(), Serdes.Long()));
  const streams = new KafkaStreams(
    builder.build(),
    {
      'application.id': options.applicationId,
      'state.dir': options.stateDir,
      'default.dsl.store': 'rocksDB',
      'processing.guarantee': options.processingGuarantee ?? 'at_least_once',
      'commit.interval.ms': 100,
      'poll.ms': 50,
      'session.timeout.ms': 6_000,
      'heartbeat.interval.ms': 500,
      ...(options.bootstrapServers === undefined ? {} : { 'bootstrap.servers': options.bootstrapServers }),
    },
    backend === undefined ? {} : { backend },
  );
  const restores = new RestoreCounter();
  streams.setGlobalStateRestoreListener(restores);
  return { streams, restores };
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2]!) as PersistentWindowCountOptions;
  const { streams } = persistentWindowCountApp(options);
  await streams.start();
  process.stdout.write('RUNNING\n');
}
