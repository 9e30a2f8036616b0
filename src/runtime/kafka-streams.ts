/**
 * KafkaStreams: runs a topology against Kafka (or the in-process embedded broker), alone or as one of several
 * instances sharing the work under one `application.id` (Java's `org.apache.kafka.streams.KafkaStreams`).
 *
 * ```ts
 * const streams = new KafkaStreams(builder.build(), { 'application.id': 'word-count' });
 * streams.closeOnSignals();   // SIGTERM / SIGINT: final commit, leave the group, exit
 * await streams.start();      // resolves once RUNNING (tasks assigned and restored)
 * ```
 *
 * Threads: `num.stream.threads` loops run interleaved on Node's one JavaScript thread (each is its own group
 * member with its own tasks). One is the right number for most applications; scale out with more processes.
 */
import {
  failOnProductionError,
  type ProductionExceptionHandler,
  ProductionExceptionHandlerResponse,
} from '../errors/production-exception-handler.ts';
import { StreamsException } from '../errors/streams-exception.ts';
import {
  type StreamsUncaughtExceptionHandler,
  StreamThreadExceptionResponse,
} from '../errors/streams-uncaught-exception-handler.ts';
import { ConfigError, type KafkaBackend } from '../kafka/backend.ts';
import type { Metric } from '../metrics/metric.ts';
import { StreamsMetricsReader } from '../metrics/streams-metrics-reader.ts';
import type { BuiltTopology } from '../processor/internals/task-contract.ts';
import { INTERACTIVE_QUERIES, InteractiveQueries, type KeySerializerLike } from '../query/interactive-queries.ts';
import type { StoreQueryParameters } from '../query/store-query-parameters.ts';
import type { KeyQueryMetadata, StreamsMetadata } from '../query/streams-metadata.ts';
import type { Topology } from '../topology/topology.ts';
import type { TopologyDescription } from '../topology/topology-description.ts';
import { createBackend } from './create-backend.ts';
import { GlobalStreamThread } from './global-stream-thread.ts';
import { prepareTopics, resolveSourcePatterns } from './internal-topic-manager.ts';
import { isValidTransition, KafkaStreamsState, type StateListener } from './kafka-streams-state.ts';
import { isBuiltTopology, resolveTopology, type TopologyInput } from './resolve-topology.ts';
import type { StandbyUpdateListener } from './standby-update-listener.ts';
import { StateDirectory } from './state-directory.ts';
import type { StateRestoreListener } from './state-restore-listener.ts';
import { newProcessId, StreamThread, type ThreadMetadata } from './stream-thread.ts';
import { type ResolvedStreamsConfig, resolveStreamsConfig, type StreamsConfigProperties } from './streams-config.ts';
import type { SubtopologySources } from './task-layout.ts';

export interface KafkaStreamsOptions {
  /**
   * The Kafka backend to run on (Java's KafkaClientSupplier, in spirit), e.g. an `EmbeddedBroker` the test or
   * demo also writes to. It is not closed by `close()`. Without it: `bootstrap.servers` → a client for that
   * cluster; neither → the process-wide embedded broker (`defaultEmbeddedBroker()`).
   */
  readonly backend?: KafkaBackend;
}

export interface CloseOptions {
  /** How long to wait for the threads to commit and stop. Default: no limit. */
  readonly timeoutMs?: number;
}

export type { KeyQueryMetadata, StreamsMetadata } from '../query/streams-metadata.ts';

export class KafkaStreams {
  readonly #config: ResolvedStreamsConfig;
  readonly #topology: BuiltTopology;
  readonly #options: KafkaStreamsOptions;
  readonly #processId = newProcessId();
  #state: KafkaStreamsState = KafkaStreamsState.CREATED;
  readonly #listeners: StateListener[] = [];
  #stateListener: StateListener | undefined;
  #uncaughtHandler: StreamsUncaughtExceptionHandler | undefined;
  #backend: KafkaBackend | undefined;
  #ownsBackend = false;
  #threads: StreamThread[] = [];
  #globalThread: GlobalStreamThread | undefined;
  #threadFactory: ((index: number) => StreamThread) | undefined;
  #patternTimer: NodeJS.Timeout | undefined;
  #restoreListener: StateRestoreListener | undefined;
  #standbyUpdateListener: StandbyUpdateListener | undefined;
  #startWaiters: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #error: Error | undefined;
  #shutdownPromise: Promise<void> | undefined;
  #signalCleanup: (() => void) | undefined;
  #startPromise: Promise<void> | undefined;
  readonly #productionHandler: ProductionExceptionHandler;
  /** `<state.dir>/<application.id>`: persistent stores, checkpoints, the instance's lock. */
  readonly #stateDirectory: StateDirectory;
  /** Sub-topologies (patterns resolved) and topic partition counts of the running threads, for queries. */
  #runningSubtopologies: readonly SubtopologySources[] = [];
  #runningPartitionCounts: ReadonlyMap<string, number> = new Map();
  readonly #queries: InteractiveQueries;
  readonly #metrics: StreamsMetricsReader;
  /** The user's Topology (described on demand for the dashboard), or undefined for a hand-built one. */
  readonly #userTopology: Topology | undefined;

  constructor(topology: TopologyInput, config: StreamsConfigProperties, options: KafkaStreamsOptions = {}) {
    this.#config = resolveStreamsConfig(config);
    this.#productionHandler = toProductionHandler(this.#config.values['production.exception.handler']);
    // Built here, as Java does in the constructor: topology mistakes throw at once, naming the problem.
    this.#topology = resolveTopology(topology, this.#config.values);
    this.#userTopology = isBuiltTopology(topology) ? undefined : topology;
    this.#options = options;
    this.#stateDirectory = new StateDirectory(this.#config.stateDir, this.#config.applicationId);
    this.#queries = new InteractiveQueries({
      state: () => this.#state,
      threads: () => this.#threads,
      globalStore: (name) => this.#globalThread?.store(name),
      topology: this.#topology,
      subtopologies: () => this.#runningSubtopologies,
      partitionCounts: () => this.#runningPartitionCounts,
      applicationServer: this.#config.applicationServer,
      config: this.#config.values,
    });
    this.#metrics = new StreamsMetricsReader({
      clientId: this.#config.clientId,
      applicationId: this.#config.applicationId,
      state: () => this.#state,
      threads: () => this.#threads.map((t) => t.metricsView()),
    });
  }

  /**
   * Kafka Streams' metrics (client, thread, task, state store, consumer lag), read now: totals as counted,
   * rates per second over the last 30 s. See src/metrics/streams-metrics-reader.ts for the names.
   */
  metrics(): Metric[] {
    return this.#metrics.read();
  }

  /** What the dashboard draws: the topology's describe() (undefined for a hand-built topology) and internal topics. */
  topologyView(): {
    description: TopologyDescription | undefined;
    internalTopics: readonly { name: string; kind: 'repartition' | 'changelog' }[];
  } {
    return {
      description: this.#userTopology?.describe(),
      internalTopics: this.#topology.internalTopics.map((t) => ({ name: t.name, kind: t.kind })),
    };
  }

  /** The client's state (CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR). */
  state(): KafkaStreamsState {
    return this.#state;
  }

  /** Called on every state change (Java's setStateListener; only allowed before start). */
  setStateListener(listener: StateListener): void {
    if (this.#state !== KafkaStreamsState.CREATED) {
      throw new StreamsException('setStateListener must be called before start()');
    }
    this.#stateListener = listener;
  }

  /** Adds a state-change listener (any number; may be added at any time). */
  on(event: 'stateChange', listener: StateListener): this {
    if (event !== 'stateChange') throw new StreamsException(`unknown event "${String(event)}": only "stateChange"`);
    this.#listeners.push(listener);
    return this;
  }

  /** Reports changelog restoration of every store (Java's setGlobalStateRestoreListener; before start). */
  setGlobalStateRestoreListener(listener: StateRestoreListener): void {
    if (this.#state !== KafkaStreamsState.CREATED) {
      throw new StreamsException('setGlobalStateRestoreListener must be called before start()');
    }
    this.#restoreListener = listener;
  }

  /** Reports how standby tasks keep their stores current (Java's setStandbyUpdateListener; before start). */
  setStandbyUpdateListener(listener: StandbyUpdateListener): void {
    if (this.#state !== KafkaStreamsState.CREATED) {
      throw new StreamsException('setStandbyUpdateListener must be called before start()');
    }
    this.#standbyUpdateListener = listener;
  }

  /** Decides what happens when a stream thread dies of an error. Default: SHUTDOWN_CLIENT (Kafka Streams 4.x). */
  setUncaughtExceptionHandler(handler: StreamsUncaughtExceptionHandler): void {
    if (this.#state !== KafkaStreamsState.CREATED) {
      throw new StreamsException('setUncaughtExceptionHandler must be called before start()');
    }
    this.#uncaughtHandler = handler;
  }

  /**
   * Starts processing: checks the source topics (a missing one fails with MissingSourceTopicException),
   * creates the internal topics, joins the group and starts the stream threads. Resolves once the client is
   * RUNNING; rejects if it ends in ERROR first (the error is also given to the uncaught exception handler).
   */
  start(): Promise<void> {
    if (this.#startPromise !== undefined) return this.#startPromise;
    if (this.#state !== KafkaStreamsState.CREATED) {
      return Promise.reject(new StreamsException(`cannot start a KafkaStreams in state ${this.#state}`));
    }
    const promise = new Promise<void>((resolve, reject) => {
      this.#startWaiters = { resolve, reject };
    });
    // Callers in Java style do not await start(): the error is reported through the state and handler anyway.
    promise.catch(() => {});
    this.#startPromise = promise;
    this.#setState(KafkaStreamsState.REBALANCING);
    this.#startThreads().catch((error) => this.#fail(asError(error)));
    return promise;
  }

  async #startThreads(): Promise<void> {
    const config = this.#config;
    if (this.#options.backend !== undefined) {
      this.#backend = this.#options.backend;
    } else {
      const created = createBackend(config);
      this.#backend = created.backend;
      this.#ownsBackend = created.owned;
    }
    const topology = this.#topology;
    if (topology.applicationId !== config.applicationId && topology.applicationId !== '') {
      throw new StreamsException(
        `the topology was built for application "${topology.applicationId}" but the config says "${config.applicationId}"`,
      );
    }
    const prepared = await prepareTopics(this.#backend.admin, topology, {
      replicationFactor: config.replicationFactor,
      topicConfigs: config.topicConfigs,
    });
    if (this.#state !== KafkaStreamsState.REBALANCING) {
      // Closed meanwhile: #stopEverything may have run before the backend existed.
      if (this.#ownsBackend) await this.#backend.close().catch(() => {});
      return;
    }
    if ((topology.globalStores?.length ?? 0) > 0) {
      // Global stores are complete before any stream task runs (Java bootstraps its global thread first).
      const globalThread = new GlobalStreamThread({
        backend: this.#backend,
        topology,
        config,
        onFailure: (error) => this.#fail(error),
      });
      this.#globalThread = globalThread;
      await globalThread.bootstrap();
      if (this.#state !== KafkaStreamsState.REBALANCING) {
        await globalThread.shutdown(); // closed meanwhile
        return;
      }
      globalThread.start();
    }
    const counts = new Map(prepared.partitionCounts);
    for (const topic of prepared.internalTopics) counts.set(topic.name, topic.partitions);
    const productionHandler = this.#productionHandler;
    this.#threadFactory = this.#threadFactoryFor(topology, prepared.subtopologies, counts, productionHandler);
    for (let index = 0; index < config.numStreamThreads; index++) this.#threads.push(this.#threadFactory(index));
    for (const thread of this.#threads) thread.start();
    if (topology.subtopologies.some((s) => s.sourcePatterns.length > 0)) this.#watchPatterns(prepared.subtopologies);
  }

  /**
   * Source patterns: every metadata.max.age.ms the cluster's topics are matched again; when the set changed, the
   * stream threads are replaced one by one with members subscribed to the new set (the seam's group members have
   * a fixed subscription), so the new topics' partitions get tasks.
   */
  #watchPatterns(current: readonly SubtopologySources[]): void {
    const check = async () => {
      if (this.#state !== KafkaStreamsState.RUNNING && this.#state !== KafkaStreamsState.REBALANCING) return;
      const backend = this.#backend!;
      const resolved = resolveSourcePatterns(this.#topology, new Set(await backend.admin.listTopics()));
      const key = (list: readonly SubtopologySources[]) => JSON.stringify(list.map((s) => [s.id, s.sourceTopics]));
      if (key(resolved) === key(current)) return;
      const prepared = await prepareTopics(backend.admin, this.#topology, {
        replicationFactor: this.#config.replicationFactor,
        topicConfigs: this.#config.topicConfigs,
      });
      const counts = new Map(prepared.partitionCounts);
      for (const topic of prepared.internalTopics) counts.set(topic.name, topic.partitions);
      const factory = this.#threadFactoryFor(this.#topology, prepared.subtopologies, counts, this.#productionHandler);
      this.#threadFactory = factory;
      current = prepared.subtopologies;
      for (const thread of [...this.#threads]) {
        if (this.#state !== KafkaStreamsState.RUNNING && this.#state !== KafkaStreamsState.REBALANCING) return;
        const replacement = factory(thread.index);
        await thread.shutdown();
        this.#threads[this.#threads.indexOf(thread)] = replacement;
        this.#setState(KafkaStreamsState.REBALANCING);
        replacement.start();
      }
    };
    const schedule = () => {
      this.#patternTimer = setTimeout(() => {
        check()
          .catch((error) => console.warn('tributary: matching source patterns against the topics failed', error))
          .finally(() => {
            if (this.#state === KafkaStreamsState.RUNNING || this.#state === KafkaStreamsState.REBALANCING) schedule();
          });
      }, this.#config.values['metadata.max.age.ms'] as number);
      this.#patternTimer.unref();
    };
    schedule();
  }

  /**
   * Starts one more stream thread (Java's addStreamThread): a new group member, so the tasks are rebalanced
   * over the threads of all instances. Resolves with its name, or undefined when the client is not running.
   */
  async addStreamThread(): Promise<string | undefined> {
    if (this.#threadFactory === undefined || (this.#state !== 'RUNNING' && this.#state !== 'REBALANCING'))
      return undefined;
    this.#threads = this.#threads.filter((t) => t.state() !== 'DEAD');
    const used = new Set(this.#threads.map((t) => t.index));
    let index = 0;
    while (used.has(index)) index++;
    const thread = this.#threadFactory(index);
    this.#threads.push(thread);
    this.#setState(KafkaStreamsState.REBALANCING);
    thread.start();
    return thread.name;
  }

  /**
   * Stops one stream thread cleanly (commit, leave the group; its tasks move to the remaining threads and
   * instances) (Java's removeStreamThread). Resolves with its name, or undefined when there is none to remove.
   */
  async removeStreamThread(): Promise<string | undefined> {
    if (this.#state !== 'RUNNING' && this.#state !== 'REBALANCING') return undefined;
    const thread = [...this.#threads].reverse().find((t) => t.isAlive());
    if (thread === undefined) return undefined;
    await thread.shutdown();
    this.#threads = this.#threads.filter((t) => t !== thread);
    this.#onThreadStateChange();
    return thread.name;
  }

  #threadFactoryFor(
    topology: BuiltTopology,
    subtopologies: readonly SubtopologySources[],
    counts: ReadonlyMap<string, number>,
    productionHandler: ProductionExceptionHandler,
  ): (index: number) => StreamThread {
    this.#runningSubtopologies = subtopologies;
    this.#runningPartitionCounts = counts;
    const factory = (i: number): StreamThread =>
      new StreamThread({
        index: i,
        processId: this.#processId,
        config: this.#config,
        backend: this.#backend!,
        topology,
        subtopologies,
        partitionCounts: counts,
        productionExceptionHandler: productionHandler,
        globalStore: (name) => this.#globalThread?.store(name),
        restoreListener: () => this.#restoreListener,
        standbyUpdateListener: () => this.#standbyUpdateListener,
        stateDirectory: this.#stateDirectory,
        onStateChange: () => this.#onThreadStateChange(),
        onFailure: (thread, error) => this.#onThreadFailure(thread, error, factory),
        onApplicationShutdownRequested: (_thread, error) => this.#fail(error),
      });
    return factory;
  }

  #onThreadStateChange(): void {
    if (this.#state !== KafkaStreamsState.RUNNING && this.#state !== KafkaStreamsState.REBALANCING) return;
    const alive = this.#threads.filter((t) => t.isAlive());
    if (alive.length === 0) return;
    if (alive.every((t) => t.state() === 'RUNNING')) {
      this.#setState(KafkaStreamsState.RUNNING);
      this.#startWaiters?.resolve();
      this.#startWaiters = undefined;
    } else {
      this.#setState(KafkaStreamsState.REBALANCING);
    }
  }

  #onThreadFailure(thread: StreamThread, error: Error, factory: (index: number) => StreamThread): void {
    if (this.#state !== KafkaStreamsState.RUNNING && this.#state !== KafkaStreamsState.REBALANCING) {
      void thread.shutdown({ clean: false });
      return;
    }
    let response: StreamThreadExceptionResponse = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    if (this.#uncaughtHandler !== undefined) {
      try {
        response = this.#uncaughtHandler(error);
      } catch (handlerError) {
        console.error('tributary: the uncaught exception handler threw', handlerError);
      }
    } else {
      console.error(`tributary: stream thread ${thread.name} failed; shutting down the client`, error);
    }
    if (response === StreamThreadExceptionResponse.REPLACE_THREAD) {
      const replacement = factory(thread.index);
      this.#threads[this.#threads.indexOf(thread)] = replacement;
      this.#setState(KafkaStreamsState.REBALANCING);
      void thread.shutdown({ clean: false }).then(() => {
        if (this.#state === KafkaStreamsState.REBALANCING || this.#state === KafkaStreamsState.RUNNING)
          replacement.start();
      });
    } else if (response === StreamThreadExceptionResponse.SHUTDOWN_APPLICATION) {
      const requester = this.#threads.find((t) => t !== thread && t.isAlive()) ?? thread;
      requester.requestApplicationShutdown();
      // If the group cannot relay the request (e.g. we are alone and the rejoin fails), stop this client anyway.
      const fallback = setTimeout(() => this.#fail(error), Math.max(10_000, this.#config.sessionTimeoutMs));
      fallback.unref();
    } else {
      this.#fail(error);
    }
  }

  /** PENDING_ERROR → stop every thread → ERROR. */
  #fail(error: Error): void {
    if (this.#shutdownPromise !== undefined) return;
    this.#error = error;
    if (this.#state === KafkaStreamsState.CREATED) this.#state = KafkaStreamsState.REBALANCING;
    this.#setState(KafkaStreamsState.PENDING_ERROR);
    const waiters = this.#startWaiters;
    this.#startWaiters = undefined;
    this.#shutdownPromise = this.#stopEverything().then(() => {
      this.#setState(KafkaStreamsState.ERROR);
      waiters?.reject(error); // after ERROR, so that a caller of start() sees the final state
    });
  }

  /**
   * Stops the client: every thread commits what it processed (unless it failed), closes its tasks and leaves
   * the group, so the other instances take over its tasks at once. Resolves true if that finished within
   * `timeoutMs`.
   */
  async close(options: CloseOptions = {}): Promise<boolean> {
    this.#signalCleanup?.();
    if (this.#shutdownPromise === undefined) {
      if (this.#state === KafkaStreamsState.CREATED) {
        this.#setState(KafkaStreamsState.PENDING_SHUTDOWN);
        this.#setState(KafkaStreamsState.NOT_RUNNING);
        return true;
      }
      this.#setState(KafkaStreamsState.PENDING_SHUTDOWN);
      this.#startWaiters?.reject(new StreamsException('KafkaStreams was closed before it reached RUNNING'));
      this.#startWaiters = undefined;
      this.#shutdownPromise = this.#stopEverything().then(() => this.#setState(KafkaStreamsState.NOT_RUNNING));
    }
    if (options.timeoutMs === undefined) {
      await this.#shutdownPromise;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), options.timeoutMs);
    });
    try {
      return await Promise.race([this.#shutdownPromise.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #stopEverything(): Promise<void> {
    clearTimeout(this.#patternTimer);
    // A start still in flight (topic creation) must not start threads after this point: the state check in
    // #startThreads sees PENDING_SHUTDOWN / PENDING_ERROR.
    await Promise.allSettled(this.#threads.map((thread) => thread.shutdown()));
    await this.#globalThread?.shutdown().catch(() => {});
    await this.#stateDirectory.whenTasksClosed();
    this.#stateDirectory.unlock();
    if (this.#ownsBackend && this.#backend !== undefined) await this.#backend.close().catch(() => {});
  }

  /**
   * Closes on SIGTERM and SIGINT (final commit, leave the group), then exits the process. Returns a function
   * that removes the handlers. Call before or after start().
   */
  closeOnSignals(
    options: { signals?: readonly NodeJS.Signals[]; exit?: boolean; timeoutMs?: number } = {},
  ): () => void {
    const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
    const handler = (signal: NodeJS.Signals) => {
      cleanup();
      void this.close({ timeoutMs: options.timeoutMs ?? 30_000 }).then((clean) => {
        if (options.exit ?? true) process.exit(clean ? 0 : signal === 'SIGINT' ? 130 : 143);
      });
    };
    const cleanup = () => {
      for (const signal of signals) process.off(signal, handler);
      if (this.#signalCleanup === cleanup) this.#signalCleanup = undefined;
    };
    for (const signal of signals) process.on(signal, handler);
    this.#signalCleanup = cleanup;
    return cleanup;
  }

  /**
   * Deletes this application's local state directory, `<state.dir>/<application.id>` (Java's cleanUp): the next
   * start restores every persistent store from its changelog. Only when not running; throws naming the
   * directory if another instance on this machine holds it.
   */
  cleanUp(): void {
    if (
      this.#state !== KafkaStreamsState.CREATED &&
      this.#state !== KafkaStreamsState.NOT_RUNNING &&
      this.#state !== KafkaStreamsState.ERROR
    ) {
      throw new StreamsException(`cleanUp() needs a stopped client; this one is ${this.#state}`);
    }
    this.#stateDirectory.cleanUp();
  }

  /** The error that put the client into ERROR, if any. */
  error(): Error | undefined {
    return this.#error;
  }

  /** The local stream threads and their tasks (Java's metadataForLocalThreads), with processed-record counts. */
  metadataForLocalThreads(): ThreadMetadata[] {
    return this.#threads.map((t) => t.metadata());
  }

  /** Records processed by this client's tasks since start (cheap; for benchmarks). */
  processedRecords(): number {
    return this.#threads.reduce((sum, t) => sum + t.processedTotal(), 0);
  }

  /**
   * A read-only view of a state store over all of this instance's partitions of it (Java's `store`):
   * `streams.store(StoreQueryParameters.fromNameAndType('counts', QueryableStoreTypes.keyValueStore()))`.
   * Throws StreamsNotStartedException before start(), UnknownStateStoreException for a name the topology does
   * not have, InvalidStateStoreException for the wrong store type or a client that is not running; reads
   * through the view throw a retriable InvalidStateStoreException while the store is not available here
   * (rebalancing, restoring, or moved to another instance).
   */
  store<T>(parameters: StoreQueryParameters<T>): T {
    return this.#queries.store(parameters);
  }

  /** Every instance of the application with an `application.server`, the partitions and stores it owns. */
  metadataForAllStreamsClients(): StreamsMetadata[] {
    return this.#queries.metadataForAllStreamsClients();
  }

  /** The instances holding partitions of a store (Java's streamsMetadataForStore). */
  streamsMetadataForStore(storeName: string): StreamsMetadata[] {
    return this.#queries.streamsMetadataForStore(storeName);
  }

  /**
   * Which instance holds `key` of a store (Java's queryMetadataForKey): the key is serialized with
   * `keySerializer` (a serializer function or a serde; use the store's key serde) and partitioned with murmur2
   * as the producer does. KeyQueryMetadata.NOT_AVAILABLE while no instance publishes the partition (no
   * `application.server`, or before the first assignment).
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerializer: KeySerializerLike<K>): KeyQueryMetadata {
    return this.#queries.queryMetadataForKey(storeName, key, keySerializer);
  }

  /** For the QueryServer: the object that finds stores and their owners. */
  [INTERACTIVE_QUERIES](): InteractiveQueries {
    return this.#queries;
  }

  #setState(next: KafkaStreamsState): void {
    const previous = this.#state;
    if (previous === next) return;
    if (!isValidTransition(previous, next)) return;
    this.#state = next;
    for (const listener of [this.#stateListener, ...this.#listeners]) {
      if (listener === undefined) continue;
      try {
        listener(next, previous);
      } catch (error) {
        console.error('tributary: a state listener threw', error);
      }
    }
  }
}

function toProductionHandler(value: unknown): ProductionExceptionHandler {
  if (value === undefined) return failOnProductionError;
  if (typeof value === 'function') return { handle: value as ProductionExceptionHandler['handle'] };
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as ProductionExceptionHandler).handle === 'function'
  ) {
    return value as ProductionExceptionHandler;
  }
  if (value === ProductionExceptionHandlerResponse.CONTINUE || value === ProductionExceptionHandlerResponse.FAIL) {
    const response = value;
    return { handle: () => response };
  }
  throw new ConfigError(
    'production.exception.handler',
    'expected a ProductionExceptionHandler ({ handle(context, record, error) }), a function, "CONTINUE" or "FAIL"',
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
