/**
 * Hand-written BuiltTopology implementations that drive the runtime in its own tests, independent of the DSL:
 * a pass-through (source → sink) and a per-key counter with a changelogged in-memory store. They implement the
 * task contract directly (a test fixture for the runtime, not a mock of Kafka: the runtime under test still
 * talks to a real backend).
 */
import type { ConsumedRecord, TopicPartition } from '../../kafka/backend.ts';
import { topicPartitionKey } from '../../kafka/backend.ts';
import type {
  BuiltTopology,
  RestoreRecord,
  StateStoreHandle,
  StreamTask,
  TaskEnvironment,
  TaskId,
  TopicPartitionOffsetMap,
} from '../../processor/internals/task-contract.ts';

interface Queued {
  readonly partition: TopicPartition;
  readonly record: ConsumedRecord;
}

/** Shared task mechanics: per-partition FIFO buffers, timestamp-ordered choice, offsets to commit. */
abstract class FixtureTask implements StreamTask {
  readonly id: TaskId;
  readonly inputPartitions: readonly TopicPartition[];
  readonly stores: StateStoreHandle[] = [];
  protected readonly environment: TaskEnvironment;
  readonly #buffers = new Map<string, { partition: TopicPartition; records: ConsumedRecord[]; head: number }>();
  readonly #nextOffsets: TopicPartitionOffsetMap = new Map();
  #buffered = 0;
  #commitNeeded = false;
  initialized = false;
  closed = false;
  streamTime = -1;

  constructor(id: TaskId, inputPartitions: readonly TopicPartition[], environment: TaskEnvironment) {
    this.id = id;
    this.inputPartitions = inputPartitions;
    this.environment = environment;
    for (const partition of inputPartitions)
      this.#buffers.set(topicPartitionKey(partition), { partition, records: [], head: 0 });
  }

  initialize(): void {
    this.initialized = true;
  }

  addRecords(partition: TopicPartition, records: readonly ConsumedRecord[]): void {
    const buffer = this.#buffers.get(topicPartitionKey(partition));
    if (buffer === undefined)
      throw new Error(`task ${this.id.subtopology}_${this.id.partition} does not read ${topicPartitionKey(partition)}`);
    for (const record of records) buffer.records.push(record);
    this.#buffered += records.length;
  }

  bufferedCount(): number {
    return this.#buffered;
  }

  processOne(): boolean {
    let chosen: { partition: TopicPartition; records: ConsumedRecord[]; head: number } | undefined;
    for (const buffer of this.#buffers.values()) {
      if (buffer.head >= buffer.records.length) continue;
      if (chosen === undefined || buffer.records[buffer.head].timestamp < chosen.records[chosen.head].timestamp)
        chosen = buffer;
    }
    if (chosen === undefined) return false;
    const record = chosen.records[chosen.head++];
    if (chosen.head === chosen.records.length) {
      chosen.records = [];
      chosen.head = 0;
    }
    this.#buffered--;
    this.streamTime = Math.max(this.streamTime, record.timestamp);
    this.process({ partition: chosen.partition, record });
    this.#nextOffsets.set(topicPartitionKey(chosen.partition), { ...chosen.partition, offset: record.offset + 1 });
    this.#commitNeeded = true;
    return true;
  }

  protected abstract process(queued: Queued): void;

  punctuateStreamTime(): boolean {
    return false;
  }

  punctuateWallClock(_now: number): boolean {
    return false;
  }

  commitNeeded(): boolean {
    return this.#commitNeeded;
  }

  prepareCommit(): TopicPartitionOffsetMap {
    for (const store of this.stores) store.flush();
    return new Map(this.#nextOffsets);
  }

  postCommit(): void {
    this.#commitNeeded = false;
  }

  close(): void {
    this.closed = true;
    for (const store of this.stores) store.close();
  }
}

class PassThroughTask extends FixtureTask {
  readonly #sink: string;
  constructor(id: TaskId, partitions: readonly TopicPartition[], environment: TaskEnvironment, sink: string) {
    super(id, partitions, environment);
    this.#sink = sink;
  }

  protected process({ record }: Queued): void {
    this.environment.collector.send({
      topic: this.#sink,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }
}

/** A key → count map whose changes are written to its changelog on flush (like a logged store with a cache). */
export class CountStore implements StateStoreHandle {
  readonly name: string;
  readonly changelogTopic: string | undefined;
  readonly counts = new Map<string, number>();
  readonly #dirty = new Set<string>();
  readonly #environment: TaskEnvironment;
  readonly #partition: number;
  restoredRecords = 0;

  constructor(name: string, changelogTopic: string | undefined, environment: TaskEnvironment, partition: number) {
    this.name = name;
    this.changelogTopic = changelogTopic;
    this.#environment = environment;
    this.#partition = partition;
  }

  increment(key: string): number {
    const next = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, next);
    this.#dirty.add(key);
    return next;
  }

  restoreBatch(records: readonly RestoreRecord[]): void {
    for (const record of records) {
      if (record.key === null) continue;
      const key = record.key.toString();
      if (record.value === null) this.counts.delete(key);
      else this.counts.set(key, Number(record.value.readBigInt64BE()));
      this.restoredRecords++;
    }
  }

  flush(): void {
    if (this.changelogTopic === undefined) return;
    for (const key of this.#dirty) {
      const value = Buffer.alloc(8);
      value.writeBigInt64BE(BigInt(this.counts.get(key) ?? 0));
      this.#environment.collector.send({
        topic: this.changelogTopic,
        partition: this.#partition,
        key: Buffer.from(key),
        value,
        timestamp: this.#environment.now(),
        headers: [],
      });
    }
    this.#dirty.clear();
  }

  close(): void {}
}

class CountTask extends FixtureTask {
  readonly store: CountStore;
  readonly #sink: string;
  readonly #poison: Poison | undefined;
  constructor(
    id: TaskId,
    partitions: readonly TopicPartition[],
    environment: TaskEnvironment,
    sink: string,
    store: CountStore,
    poison: Poison | undefined,
  ) {
    super(id, partitions, environment);
    this.#sink = sink;
    this.store = store;
    this.stores.push(store);
    this.#poison = poison;
  }

  protected process({ record }: Queued): void {
    const key = record.key?.toString() ?? '';
    if (this.#poison !== undefined && this.#poison.remaining > 0 && this.#poison.matches(key)) {
      this.#poison.remaining--;
      throw new Error(`poison record with key "${key}"`);
    }
    const count = this.store.increment(key);
    const value = Buffer.alloc(8);
    value.writeBigInt64BE(BigInt(count));
    this.environment.collector.send({
      topic: this.#sink,
      key: record.key,
      value,
      timestamp: record.timestamp,
      headers: [],
    });
  }
}

export interface FixtureOptions {
  readonly applicationId: string;
  readonly sourceTopics: readonly string[];
  /** Also read every topic matching this pattern (the runtime resolves it). */
  readonly sourcePattern?: RegExp;
  readonly sinkTopic: string;
}

/** Every created task, for assertions (tasks are created by the runtime). */
export type TaskRegistry = StreamTask[];

/** source topics → sink, one sub-topology. */
export function passThroughTopology(options: FixtureOptions, created: TaskRegistry = []): BuiltTopology {
  return {
    applicationId: options.applicationId,
    subtopologies: [
      {
        id: 0,
        sourceTopics: options.sourceTopics,
        sourcePatterns: options.sourcePattern ? [options.sourcePattern] : [],
        sinkTopics: [options.sinkTopic],
        stores: [],
        changelogs: new Map(),
      },
    ],
    internalTopics: [],
    copartitionGroups: options.sourceTopics.length > 1 ? [options.sourceTopics] : [],
    createTask(id, environment, inputPartitions) {
      const partitions = inputPartitions ?? partitionsOf(options.sourceTopics, id);
      const task = new PassThroughTask(id, partitions, environment, options.sinkTopic);
      created.push(task);
      return task;
    },
  };
}

/** Counts records per key (a changelogged store "counts"), emitting `key → count` (int64) per record to the sink. */
/** Makes the counting task throw on matching keys, `remaining` times in all (shared by every task). */
export interface Poison {
  remaining: number;
  readonly matches: (key: string) => boolean;
}

export function countingTopology(
  options: FixtureOptions & { logging?: boolean; poison?: Poison },
  created: TaskRegistry = [],
): BuiltTopology {
  const changelog = `${options.applicationId}-counts-changelog`;
  const logging = options.logging ?? true;
  return {
    applicationId: options.applicationId,
    subtopologies: [
      {
        id: 0,
        sourceTopics: options.sourceTopics,
        sourcePatterns: [],
        sinkTopics: [options.sinkTopic],
        stores: ['counts'],
        changelogs: logging ? new Map([['counts', changelog]]) : new Map(),
      },
    ],
    internalTopics: logging ? [{ name: changelog, kind: 'changelog', configs: {} }] : [],
    copartitionGroups: options.sourceTopics.length > 1 ? [options.sourceTopics] : [],
    createTask(id, environment) {
      const store = new CountStore('counts', logging ? changelog : undefined, environment, id.partition);
      const task = new CountTask(
        id,
        partitionsOf(options.sourceTopics, id),
        environment,
        options.sinkTopic,
        store,
        options.poison,
      );
      created.push(task);
      return task;
    },
  };
}

function partitionsOf(topics: readonly string[], id: TaskId): TopicPartition[] {
  return topics.map((topic) => ({ topic, partition: id.partition }));
}
