/**
 * Keeps the instance's global stores (GlobalKTables, `Topology.addGlobalStore`) current (Java's
 * GlobalStreamThread): one task reads every partition of the global topics from the beginning, outside the
 * consumer group (every instance holds a full copy; nothing is committed — the topic is the changelog).
 *
 * `bootstrap()` reads up to the end offsets known at start before the stream threads begin, so that a stream
 * task's first lookup already sees the whole table; `start()` then follows the topics in the background.
 */

import { MissingSourceTopicException, StreamsException } from '../errors/streams-exception.ts';
import type { Fetcher, KafkaBackend, TopicPartition } from '../kafka/backend.ts';
import { topicPartitionKey } from '../kafka/backend.ts';
import type {
  BuiltTopology,
  RecordCollector,
  StateStoreHandle,
  StreamTask,
  TaskEnvironment,
} from '../processor/internals/task-contract.ts';
import type { ResolvedStreamsConfig } from './streams-config.ts';

/** Global stores are read-only copies of their topics: their processors have nowhere to send records. */
const NO_OUTPUT: RecordCollector = {
  send(record) {
    throw new StreamsException(
      `a global store's processor tried to write to topic "${record.topic}"; global stores are read-only`,
    );
  },
  partitionsFor: () => undefined,
};

export interface GlobalStreamThreadOptions {
  readonly backend: KafkaBackend;
  readonly topology: BuiltTopology;
  readonly config: ResolvedStreamsConfig;
  readonly onFailure: (error: Error) => void;
}

export class GlobalStreamThread {
  readonly #options: GlobalStreamThreadOptions;
  #task: StreamTask | undefined;
  #fetcher: Fetcher | undefined;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: GlobalStreamThreadOptions) {
    this.#options = options;
  }

  /** A global store of this instance, by name. */
  store(name: string): StateStoreHandle | undefined {
    return this.#task?.stores.find((store) => store.name === name);
  }

  /** Creates the global task and reads the global topics up to their current end. */
  async bootstrap(): Promise<void> {
    const { backend, topology, config } = this.#options;
    const topics = [...new Set((topology.globalStores ?? []).flatMap((s) => s.sourceTopics))].sort();
    if (topics.length === 0 || topology.createGlobalTask === undefined) return;
    const existing = new Set(await backend.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) throw new MissingSourceTopicException(missing, config.applicationId);

    const partitions: TopicPartition[] = (await backend.admin.describeTopics(topics)).flatMap((d) =>
      d.partitions.map((p) => ({ topic: d.name, partition: p.partition })),
    );
    const environment: TaskEnvironment = { collector: NO_OUTPUT, now: () => Date.now(), config: config.values };
    const task = topology.createGlobalTask(environment, partitions);
    task.initialize();
    this.#task = task;
    const isolationLevel = config.processingGuarantee === 'exactly_once_v2' ? 'read_committed' : 'read_uncommitted';
    const fetcher = backend.createFetcher({
      clientId: `${config.clientId}-global-consumer`,
      isolationLevel,
      maxWaitMs: config.pollMs,
    });
    this.#fetcher = fetcher;
    fetcher.assign(partitions);
    for (const partition of partitions) fetcher.seek(partition, 'earliest');

    const ends = await backend.admin.listOffsets(
      partitions.map((p) => ({ ...p, spec: 'latest' as const })),
      { isolationLevel },
    );
    const behind = new Map(ends.filter((e) => e.offset > 0).map((e) => [topicPartitionKey(e), e]));
    while (behind.size > 0 && !this.#stopped) {
      await this.#pollOnce(config.pollMs);
      for (const [key, end] of behind) {
        const position = fetcher.position(end);
        if (position !== undefined && position >= end.offset) behind.delete(key);
      }
    }
  }

  /** Follows the global topics in the background until `shutdown()`. */
  start(): void {
    if (this.#task === undefined) return;
    this.#loop = (async () => {
      while (!this.#stopped) {
        await this.#pollOnce(this.#options.config.pollMs);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })().catch((error) => {
      if (!this.#stopped) this.#options.onFailure(error instanceof Error ? error : new Error(String(error)));
    });
  }

  async #pollOnce(maxWaitMs: number): Promise<void> {
    const task = this.#task!;
    for (const batch of await this.#fetcher!.poll(maxWaitMs)) task.addRecords(batch, batch.records);
    while (task.processOne()) {}
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    try {
      this.#task?.close();
    } finally {
      await this.#fetcher?.close();
    }
  }
}
