/**
 * Runs a topology synchronously without a broker (Java's `TopologyTestDriver`), through the same StreamTask
 * and task contract the runtime uses. Unlike Java's driver, topics may have several partitions: records are
 * placed by murmur2 of the key bytes like Kafka's producer, each (sub-topology, partition) is its own task
 * with its own stores, and repartition topics really move records between tasks. So what passes here runs
 * the same way on Kafka.
 *
 * After each piped record the driver processes everything that became processable (including records
 * routed through repartition topics), runs due stream-time punctuators and commits (flushing changelogs).
 */
import type { ConsumedRecord, RecordHeader, TopicPartition } from '../kafka/backend.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import type { SerdeLike } from '../processor/internals/serde-like.ts';
import { resolveSerde } from '../processor/internals/serde-resolution.ts';
import type { StreamTaskImpl } from '../processor/internals/stream-task.ts';
import type { OutgoingRecord, RecordCollector, TaskEnvironment } from '../processor/internals/task-contract.ts';
import { checkCopartitioning } from '../runtime/task-layout.ts';
import type { KeyValue, ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import type { StateStore } from '../state/state-store.ts';
import type { ReadOnlyWindowStore } from '../state/window-store.ts';
import { type BuiltTopologyImpl, buildTopology } from '../topology/build-topology.ts';
import type { Topology } from '../topology/topology.ts';
import { type InputTopicHost, TestInputTopic } from './test-input-topic.ts';
import { type OutputTopicHost, TestOutputTopic, type WrittenRecord } from './test-output-topic.ts';

export interface TopologyTestDriverOptions {
  /** Start of the driver's wall clock (default: Date.now()). */
  readonly initialWallClockTime?: number;
  /** Partition count per topic (user topics; internal topics are sized like the runtime sizes them). */
  readonly partitions?: Readonly<Record<string, number>>;
  /** Partitions of topics not listed in `partitions` (default 1, like Java's driver). */
  readonly defaultPartitions?: number;
}

interface TopicLog {
  readonly partitions: ConsumedRecord[][];
  /** Every record in production order, for output topics. */
  readonly written: WrittenRecord[];
  nextNullKeyPartition: number;
}

export class TopologyTestDriver implements InputTopicHost, OutputTopicHost {
  private readonly built: BuiltTopologyImpl;
  private readonly config: Readonly<Record<string, unknown>>;
  private readonly options: TopologyTestDriverOptions;
  private wallClock: number;
  private readonly logs = new Map<string, TopicLog>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly tasks: StreamTaskImpl[] = [];
  /** topic-partition → the task reading it */
  private readonly readers = new Map<string, StreamTaskImpl>();
  private readonly storeTasks = new Map<string, StreamTaskImpl[]>();
  private readonly knownTopics = new Set<string>();
  private readonly producedTopics = new Set<string>();
  private started = false;
  private closed = false;
  private draining = false;

  constructor(
    topology: Topology,
    config: Readonly<Record<string, unknown>> = {},
    options: TopologyTestDriverOptions = {},
  ) {
    this.config = { 'application.id': 'test-driver', ...config };
    this.options = options;
    this.wallClock = options.initialWallClockTime ?? Date.now();
    this.built = buildTopology(topology, this.config);
    for (const topic of Object.keys(options.partitions ?? {})) this.knownTopics.add(topic);
  }

  // ------------------------------------------------------------------------------------------ topics

  /** Creates an input topic handle; records piped before any other call start the tasks. */
  createInputTopic<K = string, V = string>(
    topic: string,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
    options: { startTimestamp?: number; autoAdvanceMs?: number } = {},
  ): TestInputTopic<K, V> {
    this.knownTopics.add(topic);
    const where = `input topic "${topic}"`;
    const fix = 'pass serdes to createInputTopic(topic, keySerde, valueSerde)';
    return new TestInputTopic<K, V>(
      this,
      topic,
      resolveSerde(keySerde, this.config, 'key', where, fix),
      resolveSerde(valueSerde, this.config, 'value', where, fix),
      options.startTimestamp ?? this.wallClock,
      options.autoAdvanceMs ?? 0,
    );
  }

  createOutputTopic<K = string, V = string>(
    topic: string,
    keySerde?: SerdeLike<K>,
    valueSerde?: SerdeLike<V>,
  ): TestOutputTopic<K, V> {
    const where = `output topic "${topic}"`;
    const fix = 'pass serdes to createOutputTopic(topic, keySerde, valueSerde)';
    return new TestOutputTopic<K, V>(
      this,
      topic,
      resolveSerde(keySerde, this.config, 'key', where, fix),
      resolveSerde(valueSerde, this.config, 'value', where, fix),
    );
  }

  /** Topics the topology wrote to (sinks, repartition topics, changelogs). */
  producedTopicNames(): string[] {
    return [...this.producedTopics];
  }

  written(topic: string): readonly WrittenRecord[] {
    return this.log(topic).written;
  }

  private log(topic: string): TopicLog {
    let log = this.logs.get(topic);
    if (log === undefined) {
      const count = this.partitionsOf(topic);
      log = { partitions: Array.from({ length: count }, () => []), written: [], nextNullKeyPartition: 0 };
      this.logs.set(topic, log);
    }
    return log;
  }

  /** Partition count of a topic: given, derived for internal topics (as the runtime derives them), or the default. */
  partitionsOf(topic: string): number {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    const count = this.computePartitions(topic, new Set());
    this.partitionCounts.set(topic, count);
    return count;
  }

  private computePartitions(topic: string, visiting: Set<string>, ignoreGroup = false): number {
    const given = this.options.partitions?.[topic];
    if (given !== undefined) {
      if (!(Number.isInteger(given) && given > 0))
        throw new RangeError(`partitions of topic "${topic}" must be a positive integer, got ${given}`);
      return given;
    }
    const internal = this.built.internalTopics.find((t) => t.name === topic);
    if (internal?.partitions !== undefined) return internal.partitions;
    const group = ignoreGroup ? undefined : this.built.copartitionGroups.find((g) => g.includes(topic));
    if (internal?.kind === 'repartition' && group !== undefined) {
      // A join's repartition topic has as many partitions as the topics it is co-partitioned with; when all of
      // them are derived, as many as the largest of them (as the runtime sizes them).
      const anchor = group.find((t) => !this.isDerivedRepartitionTopic(t));
      if (anchor !== undefined) return this.computePartitions(anchor, visiting);
      return Math.max(...group.map((t) => this.computePartitions(t, visiting, true)));
    }
    if (internal !== undefined && !visiting.has(topic)) {
      visiting.add(topic);
      // A repartition topic has as many partitions as the largest input of the sub-topologies writing to it;
      // a changelog as many as its sub-topology has tasks.
      let max = 0;
      for (const subtopology of this.built.subtopologies) {
        const feeds =
          internal.kind === 'repartition'
            ? subtopology.sinkTopics.includes(topic)
            : [...subtopology.changelogs.values()].includes(topic);
        if (!feeds) continue;
        for (const source of this.sourceTopicsOf(subtopology))
          max = Math.max(max, this.computePartitions(source, visiting));
      }
      visiting.delete(topic);
      if (max > 0) return max;
    }
    return this.options.defaultPartitions ?? 1;
  }

  /** A repartition topic whose partition count follows from its writers (not fixed, not given). */
  private isDerivedRepartitionTopic(topic: string): boolean {
    if (this.options.partitions?.[topic] !== undefined) return false;
    const internal = this.built.internalTopics.find((t) => t.name === topic);
    return internal?.kind === 'repartition' && internal.partitions === undefined;
  }

  private sourceTopicsOf(subtopology: BuiltTopologyImpl['subtopologies'][number]): string[] {
    const topics = [...subtopology.sourceTopics];
    for (const pattern of subtopology.sourcePatterns) {
      for (const topic of this.knownTopics) if (pattern.test(topic) && !topics.includes(topic)) topics.push(topic);
    }
    return topics;
  }

  // ------------------------------------------------------------------------------------------ tasks

  private start(): void {
    if (this.started) return;
    if (this.closed) throw new Error('the TopologyTestDriver is closed');
    this.started = true;
    const collector: RecordCollector = {
      send: (record) => {
        this.producedTopics.add(record.topic);
        this.append(record);
      },
      partitionsFor: (topic) => this.partitionsOf(topic),
    };
    let globalTask: StreamTaskImpl | undefined;
    const env: TaskEnvironment = {
      collector,
      now: () => this.wallClock,
      config: this.config,
      globalStore: (name) => globalTask?.stores.find((store) => store.name === name),
    };
    if (this.built.globalStores.length > 0) {
      // The global task reads every partition of the global topics and runs first, like Kafka Streams'
      // global thread (which is restored before stream threads start).
      const partitions: TopicPartition[] = [];
      for (const spec of this.built.globalStores) {
        for (const topic of spec.sourceTopics) {
          for (let partition = 0; partition < this.partitionsOf(topic); partition++)
            partitions.push({ topic, partition });
        }
      }
      globalTask = this.built.createGlobalTask(env, partitions) as StreamTaskImpl;
      this.tasks.push(globalTask);
      for (const input of partitions) this.readers.set(`${input.topic}-${input.partition}`, globalTask);
      for (const spec of this.built.globalStores) this.storeTasks.set(spec.storeName, [globalTask]);
    }
    // Joined topics must have equal partition counts, as the runtime requires (an error names them).
    const groupTopics = this.built.copartitionGroups.flat();
    checkCopartitioning(this.built.copartitionGroups, new Map(groupTopics.map((t) => [t, this.partitionsOf(t)])));
    for (const subtopology of this.built.subtopologies) {
      const topics = this.sourceTopicsOf(subtopology);
      const taskCount = Math.max(1, ...topics.map((t) => this.partitionsOf(t)));
      for (let partition = 0; partition < taskCount; partition++) {
        const inputs: TopicPartition[] = topics
          .filter((topic) => partition < this.partitionsOf(topic))
          .map((topic) => ({ topic, partition }));
        const task = this.built.createTask({ subtopology: subtopology.id, partition }, env, inputs) as StreamTaskImpl;
        this.tasks.push(task);
        for (const input of inputs) this.readers.set(`${input.topic}-${input.partition}`, task);
        for (const store of subtopology.stores) {
          const list = this.storeTasks.get(store) ?? [];
          list.push(task);
          this.storeTasks.set(store, list);
        }
      }
    }
    for (const task of this.tasks) task.initialize();
  }

  /** Appends a record to a topic and hands it to the task reading that partition, if any. */
  private append(record: OutgoingRecord): void {
    const log = this.log(record.topic);
    let partition = record.partition;
    if (partition === undefined) {
      partition =
        record.key === null
          ? log.nextNullKeyPartition++ % log.partitions.length
          : partitionForKey(record.key, log.partitions.length);
    } else if (!(partition >= 0 && partition < log.partitions.length)) {
      throw new RangeError(
        `partition ${partition} of topic "${record.topic}" does not exist (it has ${log.partitions.length})`,
      );
    }
    const records = log.partitions[partition];
    const consumed: ConsumedRecord = {
      offset: records.length,
      timestamp: record.timestamp,
      key: record.key,
      value: record.value,
      headers: record.headers,
    };
    records.push(consumed);
    log.written.push({ ...consumed, partition });
    this.readers.get(`${record.topic}-${partition}`)?.addRecords({ topic: record.topic, partition }, [consumed]);
  }

  pipe(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: readonly RecordHeader[],
    partition: number | undefined,
  ): void {
    this.start();
    this.append({ topic, partition, key, value, timestamp, headers });
    this.drain();
  }

  /** Processes until nothing is buffered, punctuates by stream time, commits. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        let progress = false;
        for (const task of this.tasks) while (task.processOne()) progress = true;
        for (const task of this.tasks) if (task.punctuateStreamTime()) progress = true;
        if (!progress) break;
      }
      for (const task of this.tasks) {
        if (!task.commitNeeded()) continue;
        task.prepareCommit();
        task.postCommit();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Advances the wall clock, running due wall-clock punctuators (and what they produce). */
  advanceWallClockTime(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advanceWallClockTime needs a non-negative duration, got ${ms}`);
    this.start();
    this.wallClock += ms;
    for (const task of this.tasks) task.punctuateWallClock(this.wallClock);
    this.drain();
  }

  // ------------------------------------------------------------------------------------------ stores

  /** The store instances of every task (one per partition), for assertions across partitions. */
  getStateStores(name: string): StateStore[] {
    this.start();
    const tasks = this.storeTasks.get(name);
    if (tasks === undefined) {
      throw new Error(
        `the topology has no store named "${name}" (stores: ${[...this.storeTasks.keys()].join(', ') || 'none'})`,
      );
    }
    return tasks.map((task) => task.getStore(name)!);
  }

  /** A read-only view over a key-value store across all partitions. */
  getKeyValueStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    const stores = this.getStateStores(name) as unknown as ReadOnlyKeyValueStore<K, V>[];
    const merged = (pick: (store: ReadOnlyKeyValueStore<K, V>) => KeyValue<K, V>[]) => stores.flatMap(pick);
    return {
      get: (key) => {
        for (const store of stores) {
          const value = store.get(key);
          if (value !== undefined) return value;
        }
        return undefined;
      },
      range: (from, to) => merged((s) => s.range(from, to)),
      reverseRange: (from, to) => merged((s) => s.reverseRange(from, to)),
      all: () => merged((s) => s.all()),
      reverseAll: () => merged((s) => s.reverseAll()),
      approximateNumEntries: () => stores.reduce((n, s) => n + s.approximateNumEntries(), 0),
    };
  }

  /**
   * A read-only view over a window store across all partitions (Java's `getWindowStore`). Results of range
   * reads are concatenated partition by partition.
   */
  getWindowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    const stores = this.getStateStores(name) as unknown as ReadOnlyWindowStore<K, V>[];
    if (stores.length === 1) return stores[0]!;
    type Method = 'fetch' | 'backwardFetch' | 'fetchAll' | 'backwardFetchAll' | 'all' | 'backwardAll';
    const merged =
      (method: Method) =>
      (...args: unknown[]): any => {
        const call = (store: ReadOnlyWindowStore<K, V>) => (store[method] as (...a: unknown[]) => unknown)(...args);
        if (method === 'fetch' && args.length === 2) {
          for (const store of stores) {
            const value = call(store);
            if (value !== undefined) return value;
          }
          return undefined;
        }
        return stores.flatMap((store) => call(store) as unknown[]);
      };
    return {
      fetch: merged('fetch'),
      backwardFetch: merged('backwardFetch'),
      fetchAll: merged('fetchAll'),
      backwardFetchAll: merged('backwardFetchAll'),
      all: merged('all'),
      backwardAll: merged('backwardAll'),
    };
  }

  /** Closes every task (processors' close(), stores). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.tasks) task.close();
  }
}
