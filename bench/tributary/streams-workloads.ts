import {
  Consumed,
  Grouped,
  JoinWindows,
  KafkaStreams,
  type KeyValueStore,
  type KTable,
  Materialized,
  type ProcessingGuarantee,
  type Processor,
  type ProcessorContext,
  Produced,
  Serdes,
  Stores,
  StreamJoined,
  type Record as StreamRecord,
  StreamsBuilder,
  StreamThreadExceptionResponse,
  TimeWindows,
  type WindowStore,
} from '../../src/index.ts';
import { type Meter, peakRssBytes } from './meter.ts';
import { awaitOutputComplete } from './output-signal.ts';

const STORE = 'bench-store';
/** SimpleBenchmark's window store: 1000 ms windows, retained 3 × as long. */
const WINDOW_SIZE_MS = 1000;
const WINDOW_RETENTION_MS = 3000;
/** SimpleBenchmark's stream-stream join window. */
const JOIN_WINDOW_MS = 10_000;
/** SimpleBenchmark's joiner: returns one side, so the join's own cost is what is measured. */
const joiner = (left: Buffer, _right: Buffer | null): Buffer => left;

/**
 * Why a workload cannot run yet (an API it needs is not built), or undefined. The bench prints the reason in
 * the workload's Tributary cell instead of failing the row.
 */
export function missingApi(workload: string, store: 'memory' | 'persistent'): string | undefined {
  if (store === 'persistent' && workload !== 'count') return '--store persistent is for count only';
  return undefined;
}

/** What a workload reports beside the meter: cross-checks that both apps did the same work. */
interface WorkloadStats {
  /** window-store: window entries the fetches returned. */
  fetchedEntries: number;
  /** Joins: results the join emitted. */
  joinOutputs: number;
}

export interface StreamsWorkloadOptions {
  readonly workload: string;
  readonly bootstrap: string;
  readonly source: string;
  /** The joins' second input (co-partitioned with `source`). */
  readonly source2?: string;
  /** count: the store kind (default memory). */
  readonly store?: 'memory' | 'persistent';
  readonly sink?: string;
  readonly applicationId: string;
  readonly stateDir: string;
  readonly meter: Meter;
  readonly timeoutMs: number;
  /** 'exactly_once_v2' for the -eos rows; default at_least_once. */
  readonly processingGuarantee?: ProcessingGuarantee;
  /** Restore run: start over an empty state dir with the changelog of an earlier run, stop at RUNNING. */
  readonly restoreOnly?: boolean;
}

/**
 * One Tributary app per workload, the same topologies as java/streams-bench's StreamsWorkloads, each
 * counting processed records with the {@link Meter} and stopping once the whole input was processed.
 * Settings follow SimpleBenchmark where Tributary has the knob (commit.interval.ms 30 s, max.poll.records 1000).
 */
export async function runStreamsWorkload(options: StreamsWorkloadOptions): Promise<Record<string, unknown>> {
  const { meter, workload } = options;
  const stats: WorkloadStats = { fetchedEntries: 0, joinOutputs: 0 };
  const builder = new StreamsBuilder();
  const input = builder.stream(options.source, Consumed.with(Serdes.Integer(), Serdes.ByteArray()));
  switch (workload) {
    case 'passthrough': {
      if (!options.sink) throw new Error('passthrough needs --sink');
      input
        .filter((_k, v) => v !== null)
        .mapValues((v) => v)
        .peek(() => meter.record())
        .to(options.sink, Produced.with(Serdes.Integer(), Serdes.ByteArray()));
      break;
    }
    case 'kv-store': {
      builder.addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.Integer(), Serdes.ByteArray()),
      );
      input.process(() => new GetPutProcessor(meter), STORE);
      break;
    }
    case 'count': {
      const grouped = input.peek(() => meter.record()).groupByKey(Grouped.with(Serdes.Integer(), Serdes.ByteArray()));
      if (options.store === 'persistent') grouped.count(Materialized.as(Stores.persistentKeyValueStore(STORE)));
      else grouped.count();
      break;
    }
    case 'windowed-count': {
      input
        .peek(() => meter.record())
        .groupByKey(Grouped.with(Serdes.Integer(), Serdes.ByteArray()))
        .windowedBy(TimeWindows.ofSizeWithNoGrace(1000).advanceBy(500))
        .count();
      break;
    }
    case 'stream-table-join': {
      input
        .peek(() => meter.record())
        .leftJoin(countedTable(builder, options, meter, `${STORE}-table`), joiner)
        .foreach(() => stats.joinOutputs++);
      break;
    }
    case 'stream-stream-join': {
      const other = builder.stream(secondSource(options), Consumed.with(Serdes.Integer(), Serdes.ByteArray()));
      input
        .peek(() => meter.record())
        .leftJoin(
          other.peek(() => meter.record()),
          joiner,
          JoinWindows.ofTimeDifferenceWithNoGrace(JOIN_WINDOW_MS),
          StreamJoined.with(Serdes.Integer(), Serdes.ByteArray(), Serdes.ByteArray()),
        )
        .foreach(() => stats.joinOutputs++);
      break;
    }
    case 'table-table-join': {
      const left = input.peek(() => meter.record()).toTable(tableStore(`${STORE}-left`));
      left
        .leftJoin(countedTable(builder, options, meter, `${STORE}-right`), joiner)
        .toStream()
        .foreach(() => stats.joinOutputs++);
      break;
    }
    case 'window-store': {
      builder.addStateStore(
        Stores.windowStoreBuilder(
          Stores.inMemoryWindowStore(STORE, WINDOW_RETENTION_MS, WINDOW_SIZE_MS, false),
          Serdes.Integer(),
          Serdes.ByteArray(),
        ),
      );
      input.process(() => new WindowFetchPutProcessor(meter, stats), STORE);
      break;
    }
    default:
      throw new Error(`unknown workload "${workload}"`);
  }

  const streams = new KafkaStreams(builder.build(), {
    'application.id': options.applicationId,
    'bootstrap.servers': options.bootstrap,
    'state.dir': options.stateDir,
    // Under exactly_once_v2 both sides keep their EOS default commit interval (100 ms), as Kafka Streams does.
    ...(options.processingGuarantee === 'exactly_once_v2'
      ? { 'processing.guarantee': 'exactly_once_v2' as const }
      : { 'commit.interval.ms': 30_000 }),
    'max.poll.records': 1000,
    'auto.offset.reset': 'earliest',
  });
  if (options.restoreOnly) return measureRestore(streams, options.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    streams.setUncaughtExceptionHandler((error: Error) => {
      reject(error);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
  });
  // A run that hits the time limit reports what it processed so far (timedOut: true), as SimpleBenchmark does.
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.timeoutMs);
  });
  // Sink workloads end when the sink topic holds the whole output (acknowledged by the broker), not when the
  // last record was handed to the sink node: buffered output is work not yet done.
  const deadline = Date.now() + options.timeoutMs;
  let outputComplete: boolean | undefined;
  try {
    await Promise.race([streams.start(), failed]);
    // Tells the bench the app is RUNNING (the latency run starts its paced producer then).
    process.stdout.write(`${JSON.stringify({ event: 'running' })}\n`);
    await Promise.race([meter.done, timedOut, failed]);
    if (options.sink && !meter.result(workload).timedOut) {
      outputComplete = await Promise.race([awaitOutputComplete(Math.max(0, deadline - Date.now())), failed]);
      if (outputComplete) meter.markOutputComplete();
    }
  } finally {
    clearTimeout(timer);
  }
  const extra = {
    store: workload === 'passthrough' ? 'none' : options.store === 'persistent' ? 'persistent (lmdb)' : 'in-memory',
    client: 'tributary',
    processingGuarantee: options.processingGuarantee ?? 'at_least_once',
    ...(outputComplete === undefined ? {} : { outputComplete }),
    ...(workload === 'window-store' ? { fetchedEntries: stats.fetchedEntries } : {}),
    ...(workload.endsWith('-join') ? { joinOutputs: stats.joinOutputs } : {}),
  };
  await streams.close({ timeoutMs: 30_000 });
  streams.cleanUp();
  return extra;
}

/** start() → RUNNING over an empty local state: the time to restore the stores from their changelogs. */
async function measureRestore(streams: KafkaStreams, timeoutMs: number): Promise<Record<string, unknown>> {
  let restoredRecords = 0;
  streams.setGlobalStateRestoreListener({
    onBatchRestored: (_partition, _store, _batchEndOffset, numRestored) => {
      restoredRecords += numRestored;
    },
  });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let timer: NodeJS.Timeout | undefined;
  const running = await Promise.race([
    streams.start().then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  await streams.close({ timeoutMs: 30_000 });
  streams.cleanUp();
  return {
    workload: 'restore',
    impl: 'tributary',
    timedOut: !running,
    startToRunningMs: ms,
    restoredRecords,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: peakRssBytes(),
  };
}

/** SimpleBenchmark's streamprocesswithstatestore: a get then a put of the same key per record. */
class GetPutProcessor implements Processor<number, Buffer> {
  readonly #meter: Meter;
  #store: KeyValueStore<number, Buffer> | undefined;

  constructor(meter: Meter) {
    this.#meter = meter;
  }

  init(context: ProcessorContext<never, never>): void {
    this.#store = context.getStateStore<KeyValueStore<number, Buffer>>(STORE);
  }

  process(record: StreamRecord<number, Buffer>): void {
    this.#store!.get(record.key);
    this.#store!.put(record.key, record.value);
    this.#meter.record();
  }
}

function secondSource(options: StreamsWorkloadOptions): string {
  if (!options.source2) throw new Error(`${options.workload} needs --source2 (the join's second input)`);
  return options.source2;
}

function tableStore(name: string): Materialized<number, Buffer> {
  return Materialized.as<number, Buffer>(name).withKeySerde(Serdes.Integer()).withValueSerde(Serdes.ByteArray());
}

/**
 * The second input as a table whose records the meter counts as they arrive (before the table's store), as
 * the Java side does: stream(topic).peek(count).toTable().
 */
function countedTable(
  builder: StreamsBuilder,
  options: StreamsWorkloadOptions,
  meter: Meter,
  store: string,
): KTable<number, Buffer> {
  return builder
    .stream(secondSource(options), Consumed.with(Serdes.Integer(), Serdes.ByteArray()))
    .peek(() => meter.record())
    .toTable(tableStore(store));
}

/**
 * SimpleBenchmark's streamprocesswithwindowstore: per record, fetch keys key-10 .. key+10 (from 0: negative
 * int32 keys sort after positive ones in serialized order) over the last second, walk the result, then put
 * the record into the window starting at its timestamp.
 */
class WindowFetchPutProcessor implements Processor<number, Buffer> {
  readonly #meter: Meter;
  readonly #stats: WorkloadStats;
  #store: WindowStore<number, Buffer> | undefined;

  constructor(meter: Meter, stats: WorkloadStats) {
    this.#meter = meter;
    this.#stats = stats;
  }

  init(context: ProcessorContext<never, never>): void {
    this.#store = context.getStateStore<WindowStore<number, Buffer>>(STORE);
  }

  process(record: StreamRecord<number, Buffer>): void {
    const { key, timestamp } = record;
    // The store returns an array (Java: an iterator the processor walks); the count is a cross-check that
    // both apps scan as much.
    this.#stats.fetchedEntries += this.#store!.fetch(
      Math.max(0, key - 10),
      key + 10,
      timestamp - 1000,
      timestamp,
    ).length;
    this.#store!.put(key, record.value, timestamp);
    this.#meter.record();
  }
}
