/**
 * A word count whose store is persistent (LMDB under state.dir), for the persistent-state tests: in this
 * process, and as a child process (`node persistent-count-app.ts '<json options>'`, prints RUNNING) that a
 * test can kill with SIGKILL.
 */
import { Materialized } from '../../dsl/materialized.ts';
import { Produced } from '../../dsl/produced.ts';
import { StreamsBuilder } from '../../dsl/streams-builder.ts';
import type { KafkaBackend } from '../../kafka/backend.ts';
import { Serdes } from '../../serdes/serdes.ts';
import { Stores } from '../../state/stores.ts';
import type { Topology } from '../../topology/topology.ts';
import { KafkaStreams } from '../kafka-streams.ts';
import type { StateRestoreListener } from '../state-restore-listener.ts';

export interface PersistentCountOptions {
  readonly applicationId: string;
  readonly input: string;
  readonly output: string;
  readonly stateDir: string;
  readonly processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  readonly bootstrapServers?: string;
  /** num.standby.replicas (default 0). */
  readonly numStandbyReplicas?: number;
}

export const COUNT_STORE = 'persistent-counts';

export function persistentCountTopology(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input)
    .groupByKey()
    .count(Materialized.as(Stores.persistentKeyValueStore(COUNT_STORE)))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

/** Changelog records restored per store, as a StateRestoreListener sees them. */
export class RestoreCounter implements StateRestoreListener {
  restored = 0;
  started: { partition: number; startingOffset: number; endingOffset: number }[] = [];

  onRestoreStart(partition: { partition: number }, _store: string, startingOffset: number, endingOffset: number): void {
    this.started.push({ partition: partition.partition, startingOffset, endingOffset });
  }

  onBatchRestored(_partition: unknown, _store: string, _batchEndOffset: number, numRestored: number): void {
    this.restored += numRestored;
  }
}

export function persistentCountApp(
  options: PersistentCountOptions,
  backend?: KafkaBackend,
): { streams: KafkaStreams; restores: RestoreCounter } {
  const streams = new KafkaStreams(
    persistentCountTopology(options.input, options.output),
    {
      'application.id': options.applicationId,
      'state.dir': options.stateDir,
      'processing.guarantee': options.processingGuarantee ?? 'at_least_once',
      'commit.interval.ms': 100,
      'poll.ms': 50,
      'session.timeout.ms': 6_000,
      'heartbeat.interval.ms': 500,
      'num.standby.replicas': options.numStandbyReplicas ?? 0,
      ...(options.bootstrapServers === undefined ? {} : { 'bootstrap.servers': options.bootstrapServers }),
    },
    backend === undefined ? {} : { backend },
  );
  const restores = new RestoreCounter();
  streams.setGlobalStateRestoreListener(restores);
  return { streams, restores };
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2]) as PersistentCountOptions;
  const { streams } = persistentCountApp(options);
  await streams.start();
  process.stdout.write('RUNNING\n');
}
