/**
 * The contract between the topology (what the DSL builds: `src/dsl`, `src/processor`, `src/state`) and
 * whatever drives it: the runtime (`src/runtime`, over a KafkaBackend) and the TopologyTestDriver
 * (`src/test-driver`, synchronous, no broker). Both drive the same tasks through these interfaces, so a
 * record's path is the same everywhere: source → task → processors → store/sink.
 *
 * Changes here must stay compatible for both sides; say why in a comment.
 */
import type { ConsumedRecord, RecordHeader, TopicPartition } from '../../kafka/backend.ts';

/** Java's task id "subtopology_partition", e.g. "0_1". */
export interface TaskId {
  readonly subtopology: number;
  readonly partition: number;
}

export function taskIdString(id: TaskId): string {
  return `${id.subtopology}_${id.partition}`;
}

/** A serialized record leaving a task, for a sink topic or a changelog. */
export interface OutgoingRecord {
  readonly topic: string;
  /** Explicit partition (changelogs, a user partitioner); when absent the collector partitions the key like Java (murmur2). */
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
}

/**
 * Where a task's output goes. `send` only enqueues (it is called per record on the hot path); the driver
 * decides when to flush: the runtime batches to the producer, the test driver appends to its output topics.
 */
export interface RecordCollector {
  /** Takes ownership of `record`: callers pass a fresh object and never touch it again (the collector may fill in its partition). */
  send(record: OutgoingRecord): void;
  /** Partition count of an output topic, for partitioners (undefined when unknown). */
  partitionsFor(topic: string): number | undefined;
}

/** A topic the application owns, created by the runtime as `<application.id>-<name>`. */
export interface InternalTopicSpec {
  /** Full name, already prefixed with the application id. */
  readonly name: string;
  readonly kind: 'repartition' | 'changelog';
  /** Fixed count (Repartitioned/partitions), or undefined: derive from the co-partitioned source topics. */
  readonly partitions?: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** A sub-topology: the unit that becomes one task per input partition. */
export interface SubtopologySpec {
  readonly id: number;
  /** Topics read by this sub-topology's source nodes (user topics and repartition topics). */
  readonly sourceTopics: readonly string[];
  /** A source subscribed by pattern (KStream from a RegExp); matched topics join sourceTopics at runtime. */
  readonly sourcePatterns: readonly RegExp[];
  /** Topics the sink nodes write to (static names only). */
  readonly sinkTopics: readonly string[];
  /** Names of the state stores its processors use. */
  readonly stores: readonly string[];
  /** Changelog topic per store (store name → full topic name), for stores with logging enabled. */
  readonly changelogs: ReadonlyMap<string, string>;
}

/**
 * A global store (a GlobalKTable, or Topology.addGlobalStore). Compatible addition: each instance keeps its
 * own full copy by reading every partition of `sourceTopics` from the beginning (no consumer group, no
 * changelog: the topic is one), through the task made by `createGlobalTask`.
 */
export interface GlobalStoreSpec {
  readonly storeName: string;
  readonly sourceTopics: readonly string[];
}

/** What `build()` hands to a driver. */
export interface BuiltTopology {
  readonly applicationId: string;
  readonly subtopologies: readonly SubtopologySpec[];
  readonly internalTopics: readonly InternalTopicSpec[];
  /** Groups of topics that must have equal partition counts (joins, and sources of one sub-topology). */
  readonly copartitionGroups: readonly (readonly string[])[];
  /**
   * Creates the task for one partition of a sub-topology. By default the task reads partition `id.partition`
   * of every topic in `sourceTopics`.
   *
   * `inputPartitions` (a compatible addition: older callers pass two arguments) names the task's partitions
   * explicitly. Pass it when a source topic has fewer partitions than the task number (that topic then has no
   * partition in this task, as Kafka Streams' partition grouper does) and for pattern sources, whose matched
   * topics only the driver knows.
   */
  createTask(id: TaskId, context: TaskEnvironment, inputPartitions?: readonly TopicPartition[]): StreamTask;
  /** Compatible addition: the global stores (absent or empty when the topology has none). */
  readonly globalStores?: readonly GlobalStoreSpec[];
  /**
   * Compatible addition: the task keeping all global stores current. Give it every partition of the global
   * stores' topics, feed it from the earliest offset, and process it before (and alongside) the other tasks;
   * its `prepareCommit` offsets are positions to keep, not to commit to the group.
   */
  createGlobalTask?(context: TaskEnvironment, partitions: readonly TopicPartition[]): StreamTask;
}

/** What a task needs from its driver. */
export interface TaskEnvironment {
  readonly collector: RecordCollector;
  /** Wall-clock time (the test driver's is advanced by hand). */
  now(): number;
  /** The application's config (StreamsConfig), for processors that read settings. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * Compatible addition: the instance's global stores (from its global task's `stores`), so that processors of
   * any task can read them with getStateStore.
   */
  globalStore?(name: string): StateStoreHandle | undefined;
  /** Reports a record that could not be deserialized or processed and was skipped (for metrics and logs). */
  onSkippedRecord?(reason: string, error: unknown, partition: TopicPartition, offset: number): void;
}

/** A key-value changelog record to replay into a store (bytes as written to the changelog). */
export interface RestoreRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
}

/** A store as the driver sees it: restorable from its changelog, flushable, closable. */
export interface StateStoreHandle {
  readonly name: string;
  /** The changelog topic, or undefined when logging is disabled. */
  readonly changelogTopic: string | undefined;
  /** Replays changelog records (already in offset order) into the store without logging them again. */
  restoreBatch(records: readonly RestoreRecord[]): void;
  flush(): void;
  close(): void;
}

/**
 * One task: the processors of one sub-topology for one partition group. Single-threaded and synchronous;
 * the driver feeds it records, calls process, punctuates, and commits.
 */
export interface StreamTask {
  readonly id: TaskId;
  /** Input partitions (one per source topic of the sub-topology). */
  readonly inputPartitions: readonly TopicPartition[];
  /** Stores owned by this task, for restoration before processing starts. */
  readonly stores: readonly StateStoreHandle[];
  /** Runs processors' init() and schedules punctuators. Call after restoration. */
  initialize(): void;
  /** Buffers fetched records (deserialization happens when a record is processed). */
  addRecords(partition: TopicPartition, records: readonly ConsumedRecord[]): void;
  /** Records buffered but not yet processed. */
  bufferedCount(): number;
  /**
   * Processes the buffered record with the smallest timestamp across the task's partitions (Kafka Streams'
   * timestamp-ordered choice). Returns false when nothing was buffered.
   */
  processOne(): boolean;
  /** Runs due stream-time punctuators (stream time = max timestamp seen). Returns whether any ran. */
  punctuateStreamTime(): boolean;
  /** Runs due wall-clock punctuators. */
  punctuateWallClock(now: number): boolean;
  /** True after a processor called context.commit() or records were processed since the last commit. */
  commitNeeded(): boolean;
  /**
   * Flushes stores (their changelog records go to the collector) and returns the offsets to commit:
   * for each input partition, the offset after the last processed record. The driver flushes the collector,
   * then commits these offsets.
   */
  prepareCommit(): TopicPartitionOffsetMap;
  /** Marks a commit as done (clears commitNeeded). */
  postCommit(): void;
  /** Calls processors' close() and closes the stores. */
  close(): void;
}

/** Input partition key (`topic-partition`) → next offset to consume. */
export type TopicPartitionOffsetMap = Map<string, { topic: string; partition: number; offset: number }>;
