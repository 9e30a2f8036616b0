/**
 * One processing loop (Java's StreamThread). Node runs JavaScript on one thread, so a "stream thread" here is a
 * loop object: it owns one group member (one consumer in Kafka's terms), a fetcher for its tasks' input
 * partitions, a second fetcher for restoring changelogs, a producer with its record collector, and its tasks.
 * Several loops in one process interleave at their awaits; each is a separate member of the group.
 *
 * One iteration of the loop:
 *   restore  – tasks whose stores are behind their changelog read it (separate fetcher) until caught up,
 *              then are initialized and start processing;
 *   poll     – fetch from the running tasks' unpaused input partitions;
 *   process  – hand the batches to their tasks and process them synchronously (no await per record);
 *   punctuate, dispatch the collected output to the producer (not awaited), pause partitions whose task
 *   buffer is full and resume drained ones;
 *   commit   – every commit.interval.ms: stores flushed (changelog records collected) → producer flushed
 *              (acknowledged) → offsets committed through the group member (at-least-once).
 *
 * Rebalances are eager (the seam revokes everything, awaited, then assigns): on revoke the tasks are committed
 * and suspended (kept, with their state, but not processed); on assignment the suspended tasks that come back
 * resume where they were, the others are closed, and new tasks restore their stores first.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { ProductionExceptionHandler } from '../errors/production-exception-handler.ts';
import {
  ApplicationShutdownRequestedException,
  MissingSourceTopicException,
  StreamsException,
  TaskAssignmentException,
} from '../errors/streams-exception.ts';
import {
  type ConsumedRecord,
  type FetchedBatch,
  type Fetcher,
  type GroupMember,
  type KafkaBackend,
  type MemberAssignment,
  type Producer,
  type TopicPartition,
  type TopicPartitionOffset,
  topicPartitionKey,
} from '../kafka/backend.ts';
import { StreamThreadSensors, type ThreadMetricsView } from '../metrics/thread-sensors.ts';
import type {
  BuiltTopology,
  StateStoreHandle,
  StreamTask,
  TaskEnvironment,
  TaskId,
} from '../processor/internals/task-contract.ts';
import { taskIdString } from '../processor/internals/task-contract.ts';
import { isExternalSinkBuffer } from '../sink/internals/external-sink-buffer.ts';
import { isPersistentStore, type PersistentStoreHandle } from '../state/persistent-key-value-store.ts';
import {
  AssignorError,
  decodeAssignmentInfo,
  encodeSubscriptionInfo,
  PROTOCOL_VERSION,
} from './assignment-protocol.ts';
import { deleteOffsetCheckpoint, readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint.ts';
import type { StandbySuspendReason, StandbyUpdateListener } from './standby-update-listener.ts';
import type { StateDirectory } from './state-directory.ts';
import type { StateRestoreListener } from './state-restore-listener.ts';
import type { ResolvedStreamsConfig } from './streams-config.ts';
import { createStreamsPartitionAssignor } from './streams-partition-assignor.ts';
import { StreamsRecordCollector } from './streams-record-collector.ts';
import type { SubtopologySources } from './task-layout.ts';

/** Java's StreamThread.State. */
export type StreamThreadState =
  | 'CREATED'
  | 'STARTING'
  | 'PARTITIONS_REVOKED'
  | 'PARTITIONS_ASSIGNED'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'DEAD';

export interface StreamThreadOptions {
  readonly index: number;
  readonly processId: string;
  readonly config: ResolvedStreamsConfig;
  readonly backend: KafkaBackend;
  readonly topology: BuiltTopology;
  /** Sub-topologies with source patterns resolved. */
  readonly subtopologies: readonly SubtopologySources[];
  /** Partition counts known at start (sources, internal topics); the collector adds sinks as it meets them. */
  readonly partitionCounts: ReadonlyMap<string, number>;
  readonly productionExceptionHandler: ProductionExceptionHandler;
  /** The listener set with KafkaStreams.setGlobalStateRestoreListener, if any. */
  readonly restoreListener?: () => StateRestoreListener | undefined;
  /** The listener set with KafkaStreams.setStandbyUpdateListener, if any. */
  readonly standbyUpdateListener?: () => StandbyUpdateListener | undefined;
  /** The instance's global stores (kept by its global stream thread), for processors of every task. */
  readonly globalStore?: (name: string) => StateStoreHandle | undefined;
  /** The instance's state directory: locked by the first persistent store, and hands tasks between its threads. */
  readonly stateDirectory?: StateDirectory;
  readonly onStateChange: (thread: StreamThread, state: StreamThreadState) => void;
  /** The loop died of `error`; the thread waits (still a group member) until `shutdown` is called. */
  readonly onFailure: (thread: StreamThread, error: Error) => void;
  /** The group told every member to shut down (SHUTDOWN_APPLICATION from some instance). */
  readonly onApplicationShutdownRequested: (thread: StreamThread, error: Error) => void;
}

type TaskPhase = 'restoring' | 'running' | 'suspended';

interface ActiveTask {
  readonly idString: string;
  readonly task: StreamTask;
  phase: TaskPhase;
  /** Changelog partition key → what restoring it needs; empty once restored. */
  readonly restoring: Map<
    string,
    { partition: TopicPartition; store: StateStoreHandle; startOffset: number; endOffset: number; restored: number }
  >;
  /** The task's persistent stores (checkpointed after commits and on a clean close). */
  readonly persistentStores: readonly PersistentStoreHandle[];
  paused: boolean;
  processed: number;
  droppedRecords: number;
  readonly createdMs: number;
  /** A promoted standby: changelog partition key → the next offset its store needs (restore starts there). */
  readonly standbyPositions?: ReadonlyMap<string, number>;
}

/**
 * A standby replica of a stateful task (num.standby.replicas): the task's stores, never initialized nor fed
 * input; its logged stores follow their changelogs (Java's StandbyTask), so that it can become active after
 * restoring only a short tail. Unlogged stores stay empty, as in Kafka Streams.
 */
interface StandbyTask {
  readonly idString: string;
  readonly task: StreamTask;
  /** Changelog partition key → the store it feeds, the next offset to apply, the end offset last seen. */
  readonly changelogs: Map<
    string,
    { partition: TopicPartition; store: StateStoreHandle; position: number; endOffset: number }
  >;
  readonly persistentStores: readonly PersistentStoreHandle[];
  /** Records written into the stores since this standby was created. */
  updated: number;
  /** Set when promoted: skipped records are counted on the active task from then on. */
  promotedTo?: ActiveTask;
}

export interface TaskMetadata {
  readonly taskId: string;
  readonly topicPartitions: readonly TopicPartition[];
  readonly phase: TaskPhase;
  /** Records this task processed since this instance created it. */
  readonly processedRecords: number;
  /** Records skipped by an error handler (deserialization or processing) since then. */
  readonly droppedRecords: number;
}

export interface ThreadMetadata {
  readonly threadName: string;
  readonly threadState: StreamThreadState;
  readonly activeTasks: readonly TaskMetadata[];
  /** Standby replicas kept by this thread (num.standby.replicas): no processing, their stores follow the changelogs. */
  readonly standbyTasks: readonly StandbyTaskMetadata[];
}

export interface StandbyTaskMetadata {
  readonly taskId: string;
  /** The changelog partitions followed, with the next offset to apply and the end offset last seen. */
  readonly changelogs: readonly { topic: string; partition: number; position: number; endOffset: number }[];
  /** Changelog records written into the stores since this instance created the standby. */
  readonly updatedRecords: number;
}

const RESTORE_POLL_MS = 10;

export class StreamThread {
  readonly name: string;
  /** Position among the client's threads (names it, and suffixes a static group.instance.id). */
  readonly index: number;
  /** Counters behind streams.metrics(), bumped per poll/round/commit, never per record. */
  readonly sensors = new StreamThreadSensors();
  readonly #options: StreamThreadOptions;
  readonly #config: ResolvedStreamsConfig;
  #state: StreamThreadState = 'CREATED';
  #member: GroupMember | undefined;
  #fetcher: Fetcher | undefined;
  #restoreFetcher: Fetcher | undefined;
  #producer: Producer | undefined;
  #collector: StreamsRecordCollector | undefined;
  readonly #tasks = new Map<string, ActiveTask>();
  /** Input partition key → the running or restoring task reading it. */
  readonly #partitionOwner = new Map<string, ActiveTask>();
  /** Changelog partition key → the restoring task. */
  readonly #restoringPartitions = new Map<string, ActiveTask>();
  /** Standby tasks by id, and by the changelog partitions they follow (read by their own fetcher). */
  readonly #standbys = new Map<string, StandbyTask>();
  readonly #standbyPartitions = new Map<string, StandbyTask>();
  #standbyFetcher: Fetcher | undefined;
  /** The standby fetch in flight: it runs beside the loop, and its records are applied when it resolves. */
  #standbyPoll: Promise<void> | undefined;
  #standbyRetryAtMs = 0;
  #lastStandbyCheckpointMs = Date.now();
  /** Serializes commits, revocations and assignments (they interleave at awaits). */
  #lock: Promise<void> = Promise.resolve();
  #lastCommitMs = Date.now();
  #stopRequested = false;
  /** After a failure: close tasks without committing (their state may be half-updated). */
  #dirty = false;
  #requestApplicationShutdown = false;
  #assignmentError: Error | undefined;
  #loopDone: Promise<void> = Promise.resolve();
  #shutdown: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** Partitions per endpoint (application.server), from the latest assignment. */
  #partitionsByHost: Readonly<Record<string, readonly string[]>> = {};
  #standbyPartitionsByHost: Readonly<Record<string, readonly string[]>> = {};
  #processedTotal = 0;
  readonly #eos: boolean;
  readonly #taskTimeoutMs: number;
  #pollFailingSince: number | undefined;
  #commitFailingSince: number | undefined;
  #inTransaction = false;
  /** Collector's sent count at the last commit: under EOS, nothing new to commit means no transaction commit. */
  #sentAtLastCommit = 0;
  readonly #repartitionTopics: ReadonlySet<string>;
  readonly #purgeable = new Map<string, TopicPartitionOffset>();
  #lastPurgeMs = Date.now();

  constructor(options: StreamThreadOptions) {
    this.#options = options;
    this.#config = options.config;
    this.index = options.index;
    this.#eos = options.config.processingGuarantee === 'exactly_once_v2';
    this.#taskTimeoutMs = options.config.values['task.timeout.ms'] as number;
    this.sensors.debug = options.config.values['metrics.recording.level'] !== 'INFO';
    this.#repartitionTopics = new Set(
      options.topology.internalTopics.filter((t) => t.kind === 'repartition').map((t) => t.name),
    );
    this.name = `${options.config.clientId}-${options.processId.slice(0, 8)}-StreamThread-${options.index + 1}`;
  }

  state(): StreamThreadState {
    return this.#state;
  }

  isAlive(): boolean {
    return this.#state !== 'DEAD' && this.#state !== 'PENDING_SHUTDOWN';
  }

  processedTotal(): number {
    return this.#processedTotal;
  }

  partitionsByHost(): Readonly<Record<string, readonly string[]>> {
    return this.#partitionsByHost;
  }

  /** Input partitions of the standby tasks per endpoint, from the latest assignment. */
  standbyPartitionsByHost(): Readonly<Record<string, readonly string[]>> {
    return this.#standbyPartitionsByHost;
  }

  /**
   * The instances of store `name` in this thread's tasks, for interactive queries: the processing tasks', or
   * with `stale` also those restoring or suspended by a rebalance, and the standby replicas (their data may be
   * behind).
   */
  storesForQuery(name: string, stale: boolean): { partition: number; store: unknown }[] {
    const found: { partition: number; store: unknown }[] = [];
    for (const active of this.#tasks.values()) {
      if (!stale && active.phase !== 'running') continue;
      const store = active.task.stores.find((s) => s.name === name);
      if (store !== undefined) found.push({ partition: active.task.id.partition, store });
    }
    // Standby replicas answer stale queries too (Java's enableStaleStores), as of the changelog they have read.
    if (stale) {
      for (const standby of this.#standbys.values()) {
        const store = standby.task.stores.find((s) => s.name === name);
        if (store !== undefined) found.push({ partition: standby.task.id.partition, store });
      }
    }
    return found;
  }

  metadata(): ThreadMetadata {
    return {
      threadName: this.name,
      threadState: this.#state,
      activeTasks: [...this.#tasks.values()].map((t) => ({
        taskId: t.idString,
        topicPartitions: t.task.inputPartitions,
        phase: t.phase,
        processedRecords: t.processed,
        droppedRecords: t.droppedRecords,
      })),
      standbyTasks: [...this.#standbys.values()].map((s) => ({
        taskId: s.idString,
        changelogs: [...s.changelogs.values()].map((c) => ({
          ...c.partition,
          position: c.position,
          endOffset: c.endOffset,
        })),
        updatedRecords: s.updated,
      })),
    };
  }

  /** This thread's counters, tasks and input lag, for streams.metrics() (read on demand, off the hot path). */
  metricsView(): ThreadMetricsView {
    const lag = [];
    const fetcher = this.#fetcher;
    for (const tp of fetcher?.assignment() ?? []) {
      const highWatermark = this.sensors.highWatermarks.get(topicPartitionKey(tp));
      const position = fetcher!.position(tp);
      if (highWatermark === undefined || position === undefined) continue;
      lag.push({ ...tp, highWatermark, position, lag: Math.max(0, highWatermark - position) });
    }
    return {
      threadName: this.name,
      threadState: this.#state,
      sensors: this.sensors,
      processedTotal: this.#processedTotal,
      tasks: [...this.#tasks.values()].map((t) => ({
        taskId: t.idString,
        phase: t.phase,
        topicPartitions: t.task.inputPartitions,
        processed: t.processed,
        dropped: t.droppedRecords,
        startMs: t.createdMs,
        stores: t.task.stores.map((s) => ({ name: s.name, persistent: isPersistentStore(s) })),
      })),
      lag,
    };
  }

  /** Creates the clients and starts the loop in the background; failures go to onFailure. */
  start(): void {
    this.#setState('STARTING');
    this.#loopDone = this.#run().catch((error) => {
      this.#dirty = true;
      this.#options.onFailure(this, error instanceof Error ? error : new Error(String(error)));
    });
  }

  /**
   * Stops the loop, commits (unless the thread failed), closes the tasks, leaves the group and closes the
   * clients. Safe to call more than once.
   */
  shutdown(options: { clean: boolean } = { clean: true }): Promise<void> {
    if (!options.clean) this.#dirty = true;
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  async #doShutdown(): Promise<void> {
    this.#stopRequested = true;
    this.#setState('PENDING_SHUTDOWN');
    this.#wake?.();
    await this.#loopDone;
    try {
      // Under exactly-once, what a failed thread wrote must never become visible (and must not hold back
      // read_committed readers until the transaction times out).
      if (this.#dirty) await this.#abortTransaction();
      // Leaving revokes (our onRevoked commits and suspends), then the suspended tasks are closed.
      if (this.#member !== undefined) await this.#member.leave().catch(() => {});
      await this.#withLock(async () => {
        const tasks = [...this.#tasks.values()];
        if (!this.#dirty) await this.#checkpointTasks(tasks).catch(() => {});
        for (const active of tasks) this.#closeTask(active, !this.#dirty);
        for (const standby of [...this.#standbys.values()]) await this.#closeStandby(standby, !this.#dirty, 'MIGRATED');
      });
    } finally {
      await this.#options.stateDirectory?.whenTasksClosed();
      await Promise.allSettled([
        this.#fetcher?.close(),
        this.#restoreFetcher?.close(),
        this.#standbyFetcher?.close(),
        this.#producer?.close(),
      ]);
      this.#setState('DEAD');
    }
  }

  /**
   * Asks every instance of the application to shut down: rejoins with SHUTDOWN_REQUESTED in the subscription;
   * the leader relays it to all members in their assignments.
   */
  requestApplicationShutdown(): void {
    this.#requestApplicationShutdown = true;
    this.#member?.requestRejoin();
  }

  // ---------------------------------------------------------------------------------------------- the loop

  async #run(): Promise<void> {
    const { backend, topology } = this.#options;
    const config = this.#config;
    const isolationLevel = config.processingGuarantee === 'exactly_once_v2' ? 'read_committed' : 'read_uncommitted';
    this.#producer = await backend.createProducer({
      clientId: `${this.name}-producer`,
      idempotent: true,
      // EOS v2: one transactional producer per stream thread; zombies are fenced by the group generation
      // sent with the offsets. Kafka Streams' default transaction.timeout.ms under EOS is 10 s.
      transactionalId: this.#eos
        ? `${config.applicationId}-${this.#options.processId}-${this.#options.index + 1}`
        : undefined,
      transactionTimeoutMs: this.#eos ? 10_000 : undefined,
    });
    if (this.#eos) await this.#beginTransaction();
    this.#collector = new StreamsRecordCollector({
      producer: this.#producer,
      admin: backend.admin,
      handler: this.#options.productionExceptionHandler,
      partitionCounts: new Map(this.#options.partitionCounts),
    });
    this.#fetcher = backend.createFetcher({
      clientId: `${this.name}-consumer`,
      isolationLevel,
      autoOffsetReset: config.autoOffsetReset,
      maxWaitMs: config.pollMs,
    });
    this.#restoreFetcher = backend.createFetcher({
      clientId: `${this.name}-restore-consumer`,
      isolationLevel,
      autoOffsetReset: 'earliest',
      maxWaitMs: RESTORE_POLL_MS,
    });
    const topics = [...new Set(this.#options.subtopologies.flatMap((s) => s.sourceTopics))].sort();
    this.#member = backend.createGroupMember({
      groupId: config.applicationId,
      clientId: `${this.name}-consumer`,
      protocolName: 'tributary',
      topics,
      groupInstanceId:
        config.groupInstanceId !== undefined ? `${config.groupInstanceId}-${this.#options.index + 1}` : undefined,
      sessionTimeoutMs: config.sessionTimeoutMs,
      rebalanceTimeoutMs: config.maxPollIntervalMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      userData: () =>
        encodeSubscriptionInfo({
          version: PROTOCOL_VERSION,
          processId: this.#options.processId,
          previousTasks: [...this.#tasks.keys()],
          standbyTasks: [...this.#standbys.keys()],
          endpoint: config.applicationServer,
          errorCode: this.#requestApplicationShutdown ? AssignorError.SHUTDOWN_REQUESTED : AssignorError.NONE,
        }),
      assignor: createStreamsPartitionAssignor({
        applicationId: topology.applicationId,
        subtopologies: this.#options.subtopologies,
        copartitionGroups: topology.copartitionGroups,
        numStandbyReplicas: config.values['num.standby.replicas'] as number,
        statefulSubtopologies: topology.subtopologies.filter((s) => s.changelogs.size > 0).map((s) => s.id),
      }),
      onRevoked: (partitions) => this.#onRevoked(partitions),
      onAssigned: (assignment) => this.#onAssigned(assignment),
      onError: (error) => {
        this.#assignmentError ??= error;
        this.#wake?.();
      },
    });
    await this.#member.join();
    while (!this.#stopRequested) {
      await this.#runOnce();
    }
    if (!this.#dirty) await this.#withLock(() => this.#commitAll());
  }

  async #runOnce(): Promise<void> {
    if (this.#assignmentError !== undefined) throw this.#assignmentError;
    const collector = this.#collector!;

    if (this.#restoringPartitions.size > 0) await this.#restoreStep();
    this.#pollStandbys();

    let runningCount = 0;
    let buffered = false;
    for (const active of this.#tasks.values()) {
      if (active.phase !== 'running') continue;
      runningCount++;
      if (active.task.bufferedCount() > 0) buffered = true;
    }

    if (runningCount > 0) {
      const batches = await this.#pollTolerantly(
        buffered || this.#restoringPartitions.size > 0 ? 0 : this.#config.pollMs,
      );
      if (this.#stopRequested) return;
      this.#addBatches(batches);
      this.#processRound();
      collector.dispatch();
      this.#adjustPauses();
      const backpressure = collector.backpressure();
      if (backpressure !== undefined) await backpressure;
      // External sinks (KStream#toSink) get the round's records when idle; a slow one holds its tasks' records:
      // wait for it instead of buffering more.
      for (const active of this.#tasks.values()) {
        if (active.phase !== 'running') continue;
        for (const store of active.task.stores) {
          if (!isExternalSinkBuffer(store)) continue;
          const wait = store.afterProcessingRound();
          if (wait !== undefined) await wait;
        }
      }
    } else if (this.#restoringPartitions.size === 0) {
      await this.#sleep(this.#config.pollMs);
    }
    if (Date.now() - this.#lastCommitMs >= this.#config.commitIntervalMs) {
      await this.#withLock(() => this.#commitOrHandleMigration());
    }
    if (this.#standbys.size > 0 && Date.now() - this.#lastStandbyCheckpointMs >= this.#config.commitIntervalMs) {
      this.#lastStandbyCheckpointMs = Date.now();
      await this.#withLock(() => this.#checkpointStandbys([...this.#standbys.values()])).catch(() => {});
    }
    // A macrotask turn, so heartbeats and timers run even when fetches resolve at once.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /**
   * Polls; a failure that may pass (a broker restarting, a leader moving) is retried until task.timeout.ms has
   * gone by without a successful poll, as Kafka Streams does. A missing topic, fencing or a bad setting fail at once.
   */
  async #pollTolerantly(maxWaitMs: number): Promise<FetchedBatch[]> {
    try {
      const startedMs = performance.now();
      const batches = await this.#fetcher!.poll(maxWaitMs);
      this.sensors.blockedTimeMsTotal += performance.now() - startedMs;
      this.sensors.pollTotal++;
      this.#pollFailingSince = undefined;
      return batches;
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'UnknownTopicError' || name === 'FencedError' || name === 'ConfigError') throw error;
      this.#pollFailingSince ??= Date.now();
      if (Date.now() - this.#pollFailingSince >= this.#taskTimeoutMs) {
        throw new StreamsException(
          `fetching failed for ${this.#taskTimeoutMs} ms (task.timeout.ms): ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      await this.#sleep(Math.min(1_000, this.#config.pollMs + 100));
      return [];
    }
  }

  #addBatches(batches: readonly FetchedBatch[]): void {
    for (const batch of batches) {
      const key = topicPartitionKey(batch);
      this.sensors.highWatermarks.set(key, batch.highWatermark);
      const active = this.#partitionOwner.get(key);
      if (active === undefined || active.phase !== 'running') {
        // Fetched for a partition we stopped processing meanwhile (a rebalance ran during the poll): rewind,
        // so that the records are fetched again if the partition stays ours.
        this.#rewind(batch, batch.records[0]);
        continue;
      }
      active.task.addRecords(batch, batch.records);
    }
  }

  #rewind(partition: TopicPartition, first: ConsumedRecord | undefined): void {
    if (first === undefined) return;
    const key = topicPartitionKey(partition);
    if (this.#fetcher!.assignment().some((tp) => topicPartitionKey(tp) === key))
      this.#fetcher!.seek(partition, first.offset);
  }

  /** Processes buffered records synchronously, task after task (each task picks by timestamp across its partitions). */
  #processRound(): void {
    const collector = this.#collector!;
    const cap = this.#config.maxPollRecords * 10;
    const now = Date.now();
    for (const active of this.#tasks.values()) {
      if (active.phase !== 'running') continue;
      const task = active.task;
      collector.currentTaskId = active.idString;
      let processed = 0;
      while (processed < cap && task.processOne()) processed++;
      active.processed += processed;
      this.#processedTotal += processed;
      if (task.punctuateStreamTime()) this.sensors.punctuateTotal++;
      if (task.punctuateWallClock(now)) this.sensors.punctuateTotal++;
    }
  }

  /** Pauses the partitions of a task whose buffer is full; resumes them once it has drained. */
  #adjustPauses(): void {
    const toPause: TopicPartition[] = [];
    const toResume: TopicPartition[] = [];
    for (const active of this.#tasks.values()) {
      if (active.phase !== 'running') continue;
      const limit = this.#config.bufferedRecordsPerPartition * Math.max(1, active.task.inputPartitions.length);
      const full = active.task.bufferedCount() >= limit;
      if (full && !active.paused) {
        active.paused = true;
        toPause.push(...active.task.inputPartitions);
      } else if (!full && active.paused) {
        active.paused = false;
        toResume.push(...active.task.inputPartitions);
      }
    }
    if (toPause.length > 0) this.#fetcher!.pause(toPause);
    if (toResume.length > 0) this.#fetcher!.resume(toResume);
  }

  // ---------------------------------------------------------------------------------------------- commit

  /** At-least-once commit: stores flushed → output acknowledged → offsets committed. Call under the lock. */
  async #commitAll(): Promise<void> {
    this.#lastCommitMs = Date.now();
    const member = this.#member;
    const collector = this.#collector;
    if (member === undefined || collector === undefined) return;
    const committing: ActiveTask[] = [];
    const offsets: TopicPartitionOffset[] = [];
    for (const active of this.#tasks.values()) {
      if (active.phase !== 'running' || !active.task.commitNeeded()) continue;
      collector.currentTaskId = active.idString;
      for (const offset of active.task.prepareCommit().values()) offsets.push(offset);
      committing.push(active);
    }
    // External sinks (KStream#toSink) are written and flushed before the offsets that produced their records
    // are committed: at-least-once for them too (under EOS as well: a database is not in the transaction).
    await Promise.all([
      collector.flush(),
      ...committing.flatMap((a) => a.task.stores.filter(isExternalSinkBuffer).map((s) => s.whenFlushed())),
    ]);
    if (this.#eos) {
      const sent = collector.sentCount();
      if (offsets.length > 0 || sent !== this.#sentAtLastCommit) {
        const generation = member.generation();
        if (generation === undefined) throw new TaskMigratedError('the stream thread is not a group member');
        // Output, changelog records and input offsets become visible together, or not at all.
        if (offsets.length > 0) await this.#producer!.sendOffsetsToTransaction(offsets, generation);
        await this.#producer!.commitTransaction();
        this.#inTransaction = false;
        this.#sentAtLastCommit = sent;
        await this.#beginTransaction();
      }
    } else if (offsets.length > 0) {
      await member.commitOffsets(offsets);
    }
    for (const active of committing) active.task.postCommit();
    this.#maybePurgeRepartitionTopics(offsets);
    // Under exactly-once a checkpoint is written only on a clean close: the store on disk may hold writes of
    // the open transaction, which an abort would leave there (Java does the same).
    if (!this.#eos) await this.#checkpointTasks(committing);
  }

  /**
   * Writes the `.checkpoint` of tasks with persistent, logged stores: once the stores' writes are on disk,
   * the changelog's end offsets (everything the task logged is acknowledged by now) minus one, the offset of
   * the last record the store holds, as Java's checkpoint says. Tasks still restoring are left alone.
   */
  async #checkpointTasks(tasks: readonly ActiveTask[]): Promise<void> {
    const checkpointed = tasks.filter(
      (a) => a.phase !== 'restoring' && a.persistentStores.some((s) => s.changelogTopic !== undefined),
    );
    if (checkpointed.length === 0) return;
    await Promise.all(checkpointed.flatMap((a) => a.persistentStores.map((s) => s.whenWritten())));
    const partitions = checkpointed.flatMap((a) =>
      a.persistentStores
        .filter((s) => s.changelogTopic !== undefined)
        .map((s) => ({ topic: s.changelogTopic as string, partition: a.task.id.partition })),
    );
    const listed = await this.#options.backend.admin.listOffsets(
      partitions.map((p) => ({ ...p, spec: 'latest' as const })),
      { isolationLevel: this.#eos ? 'read_committed' : 'read_uncommitted' },
    );
    const latest = new Map(listed.map((l) => [topicPartitionKey(l), l.offset]));
    for (const active of checkpointed) {
      const entries: TopicPartitionOffset[] = [];
      for (const store of active.persistentStores) {
        if (store.changelogTopic === undefined) continue;
        const partition = { topic: store.changelogTopic, partition: active.task.id.partition };
        const end = latest.get(topicPartitionKey(partition));
        if (end !== undefined && end > 0) entries.push({ ...partition, offset: end - 1 });
      }
      writeOffsetCheckpoint(checkpointFileOf(active), entries);
    }
  }

  /**
   * Deletes consumed records from repartition topics (they are ours, and read once), at most every
   * repartition.purge.interval.ms, like Kafka Streams. Not awaited: a failure only delays the clean-up.
   */
  #maybePurgeRepartitionTopics(committed: readonly TopicPartitionOffset[]): void {
    for (const offset of committed) {
      if (this.#repartitionTopics.has(offset.topic)) this.#purgeable.set(topicPartitionKey(offset), offset);
    }
    if (this.#purgeable.size === 0 || Date.now() - this.#lastPurgeMs < this.#config.repartitionPurgeIntervalMs) return;
    this.#lastPurgeMs = Date.now();
    const requests = [...this.#purgeable.values()];
    this.#purgeable.clear();
    this.#options.backend.admin.deleteRecords(requests).catch(() => {});
  }

  /**
   * A periodic commit. Losing the generation to a rebalance is not fatal: under at-least-once the tasks keep
   * their state and the coming revocation commits again; under exactly-once the transaction is aborted and
   * the tasks are closed and rebuilt from their changelogs (Java's TaskMigratedException).
   */
  async #commitOrHandleMigration(): Promise<void> {
    try {
      const startedMs = performance.now();
      await this.#commitAll();
      this.sensors.recordCommit(performance.now() - startedMs);
      this.#commitFailingSince = undefined;
    } catch (error) {
      const migrated =
        error instanceof TaskMigratedError || (error instanceof Error && error.name === 'RebalanceInProgressError');
      if (!migrated) {
        // The offsets of an unreachable coordinator can wait (at-least-once: nothing is lost, the next interval
        // commits them) until task.timeout.ms; under exactly-once the transaction's fate is unknown: fail.
        if (this.#eos || !(error instanceof Error) || error.name !== 'BrokerUnreachableError') throw error;
        this.#commitFailingSince ??= Date.now();
        if (Date.now() - this.#commitFailingSince >= this.#taskTimeoutMs) throw error;
        return;
      }
      if (!this.#eos) return;
      await this.#abortTransaction();
      for (const active of [...this.#tasks.values()]) this.#closeTask(active, false);
      this.#member?.requestRejoin();
      await this.#beginTransaction();
    }
  }

  async #beginTransaction(): Promise<void> {
    if (!this.#eos || this.#inTransaction) return;
    await this.#producer!.beginTransaction();
    this.#inTransaction = true;
  }

  /** Aborts the open transaction (EOS), after the batches in flight settled. */
  async #abortTransaction(): Promise<void> {
    if (!this.#eos || !this.#inTransaction) return;
    await this.#collector?.abandon();
    this.#inTransaction = false;
    await this.#producer!.abortTransaction().catch(() => {});
  }

  // ---------------------------------------------------------------------------------------------- rebalance

  async #onRevoked(_partitions: readonly TopicPartition[]): Promise<void> {
    await this.#withLock(async () => {
      this.#setStateIfAlive('PARTITIONS_REVOKED');
      let committed = false;
      if (!this.#dirty) {
        try {
          await this.#commitAll();
          committed = true;
        } catch (error) {
          // Lost the generation (or the output could not be written): another member may already own the tasks,
          // so their state cannot be trusted to match the committed offsets. Close them; they restore if they return.
          if (!(error instanceof Error) || error.name !== 'RebalanceInProgressError')
            this.#assignmentError ??= asError(error);
        }
      }
      if (!committed && this.#eos) {
        await this.#abortTransaction();
        if (!this.#dirty) await this.#beginTransaction().catch((error) => (this.#assignmentError ??= asError(error)));
      }
      for (const active of [...this.#tasks.values()]) {
        if (committed && active.phase === 'running') {
          active.phase = 'suspended';
          this.#unregisterPartitions(active);
        } else {
          this.#closeTask(active, false);
        }
      }
      this.#fetcher?.pause(this.#fetcher.assignment());
      this.#restoreFetcher?.assign([]);
      this.#restoringPartitions.clear();
    });
  }

  async #onAssigned(assignment: MemberAssignment): Promise<void> {
    await this.#withLock(async () => {
      const info = decodeAssignmentInfo(assignment.userData);
      this.#partitionsByHost = info.partitionsByHost;
      this.#standbyPartitionsByHost = info.standbyPartitionsByHost ?? {};
      if (info.errorCode !== AssignorError.NONE) {
        this.#handleAssignmentError(info.errorCode, info.errorMessage ?? '');
        return;
      }
      this.#setStateIfAlive('PARTITIONS_ASSIGNED');
      const assigned = new Set(info.activeTasks);
      const unassigned = [...this.#tasks.values()].filter((active) => !assigned.has(active.idString));
      if (!this.#dirty) await this.#checkpointTasks(unassigned).catch(() => {});
      for (const active of unassigned) this.#closeTask(active, true);
      const standbyIds = new Set(info.standbyTasks ?? []);
      for (const standby of [...this.#standbys.values()]) {
        if (!standbyIds.has(standby.idString) && !assigned.has(standby.idString))
          await this.#closeStandby(standby, !this.#dirty, 'MIGRATED');
      }
      const created: ActiveTask[] = [];
      for (const idString of info.activeTasks) {
        const existing = this.#tasks.get(idString);
        if (existing !== undefined) {
          existing.phase = 'running';
          this.#registerPartitions(existing);
          continue;
        }
        const promoted = this.#promoteStandby(idString, assignment);
        if (promoted !== undefined) {
          created.push(promoted);
          continue;
        }
        try {
          // Another thread of this instance may still hold the task (suspended): it closes it first.
          await this.#options.stateDirectory?.claimTask(idString, this, () => this.#handOver(idString));
          created.push(this.#createTask(parseTaskId(idString), assignment));
        } catch (error) {
          this.#assignmentError ??= asError(error);
          this.#wake?.();
          return;
        }
      }
      // The fetcher keeps the positions of partitions it keeps (resumed tasks continue where they were).
      const inputPartitions = [...this.#tasks.values()].flatMap((a) => a.task.inputPartitions);
      this.#fetcher!.assign(inputPartitions);
      const resumed = [...this.#tasks.values()].filter((a) => a.phase === 'running');
      const running = resumed.filter((a) => !a.paused).flatMap((a) => a.task.inputPartitions);
      if (running.length > 0) this.#fetcher!.resume(running);
      if (created.length > 0) await this.#prepareNewTasks(created);
      try {
        await this.#createStandbys([...standbyIds].filter((id) => !this.#standbys.has(id) && !assigned.has(id)));
      } catch (error) {
        this.#assignmentError ??= asError(error);
        this.#wake?.();
        return;
      }
      this.#lastCommitMs = Date.now();
      if (this.#restoringPartitions.size === 0) this.#setStateIfAlive('RUNNING');
    });
  }

  /** Another thread of this instance was assigned a task this one still holds: close it cleanly, checkpointed. */
  async #handOver(idString: string): Promise<void> {
    const standby = this.#standbys.get(idString);
    if (standby !== undefined) return this.#closeStandby(standby, !this.#dirty, 'MIGRATED');
    const active = this.#tasks.get(idString);
    if (active === undefined) return;
    if (!this.#dirty && active.phase !== 'running') await this.#checkpointTasks([active]).catch(() => {});
    if (this.#tasks.get(idString) === active) this.#closeTask(active, !this.#dirty && active.phase !== 'running');
  }

  #handleAssignmentError(code: number, message: string): void {
    for (const active of [...this.#tasks.values()]) this.#closeTask(active, !this.#dirty);
    const applicationId = this.#config.applicationId;
    if (code === AssignorError.SHUTDOWN_REQUESTED) {
      const error = new ApplicationShutdownRequestedException(
        `application "${applicationId}" is shutting down: an instance requested it (SHUTDOWN_APPLICATION)`,
      );
      this.#stopRequested = true;
      this.#wake?.();
      this.#options.onApplicationShutdownRequested(this, error);
      return;
    }
    const missing = /source topics missing: (.*)$/.exec(message);
    this.#assignmentError ??=
      code === AssignorError.INCOMPLETE_SOURCE_TOPIC_METADATA && missing
        ? new MissingSourceTopicException(
            missing[1].split(', ').map((t) => t.replace(/^"|"$/g, '')),
            applicationId,
          )
        : new TaskAssignmentException(`assignment of application "${applicationId}" failed: ${message}`);
    this.#wake?.();
  }

  #createTask(id: TaskId, assignment: MemberAssignment): ActiveTask {
    let active: ActiveTask;
    const environment: TaskEnvironment = {
      collector: this.#collector!,
      now: () => Date.now(),
      config: this.#config.values,
      globalStore: this.#options.globalStore,
      // Records a handler chose to skip (deserialization or processing errors): counted per task (Java's
      // dropped-records metric); the handler itself logs them.
      onSkippedRecord: () => {
        active.droppedRecords++;
      },
    };
    // The task's partitions as the assignor planned them: partition `id.partition` of each source topic of the
    // sub-topology that has it (pattern matches included; a topic with fewer partitions is left out).
    const sources = this.#options.subtopologies.find((s) => s.id === id.subtopology)?.sourceTopics ?? [];
    const inputPartitions = assignment.partitions.filter(
      (tp) => tp.partition === id.partition && sources.includes(tp.topic),
    );
    const task = this.#options.topology.createTask(id, environment, inputPartitions);
    this.sensors.meterTaskStores(taskIdString(id), task.stores);
    const persistentStores = task.stores.filter((s): s is StateStoreHandle & PersistentStoreHandle =>
      isPersistentStore(s),
    );
    if (persistentStores.length > 0) {
      try {
        this.#options.stateDirectory?.lock();
      } catch (error) {
        task.close();
        throw error;
      }
    }
    active = {
      idString: taskIdString(id),
      task,
      phase: 'restoring',
      restoring: new Map(),
      persistentStores,
      paused: true,
      processed: 0,
      droppedRecords: 0,
      createdMs: Date.now(),
    };
    this.#tasks.set(active.idString, active);
    this.#registerPartitions(active);
    return active;
  }

  /** Positions the new tasks' input partitions at the committed offsets and starts restoring their stores. */
  async #prepareNewTasks(created: readonly ActiveTask[]): Promise<void> {
    const backend = this.#options.backend;
    const inputs = created.flatMap((a) => a.task.inputPartitions);
    this.#fetcher!.pause(inputs);
    const committed = await backend.admin.fetchCommittedOffsets(this.#config.applicationId, inputs);
    const committedByKey = new Map(committed.map((c) => [topicPartitionKey(c), c.offset]));
    for (const partition of inputs) {
      const offset = committedByKey.get(topicPartitionKey(partition));
      this.#fetcher!.seek(partition, offset !== undefined && offset >= 0 ? offset : this.#config.autoOffsetReset);
    }

    // Persistent stores: restore only what the changelog has after the task's checkpoint.
    const checkpoints = new Map<ActiveTask, Map<string, TopicPartitionOffset>>();
    for (const active of created) {
      if (active.persistentStores.length === 0) continue;
      const file = checkpointFileOf(active);
      if (active.standbyPositions !== undefined) {
        // A promoted standby's stores hold exactly its changelogs up to its positions (read_committed under
        // exactly-once): no checkpoint is needed, and nothing must be wiped.
        if (this.#eos) deleteOffsetCheckpoint(file);
        continue;
      }
      const checkpoint = readOffsetCheckpoint(file);
      if (this.#eos) {
        // No checkpoint under exactly-once means no clean close: the logged stores may hold aborted writes.
        // Rebuild them from their changelogs, and remove the checkpoint while the task runs (a clean close
        // writes it again). A store without changelog cannot be rebuilt: it is kept, as in Kafka Streams.
        if (checkpoint.size === 0)
          for (const store of active.persistentStores) if (store.changelogTopic !== undefined) store.wipe();
        deleteOffsetCheckpoint(file);
      }
      checkpoints.set(active, checkpoint);
    }

    const changelogs: { active: ActiveTask; partition: TopicPartition; store: StateStoreHandle }[] = [];
    for (const active of created) {
      for (const store of active.task.stores) {
        if (store.changelogTopic === undefined) continue;
        changelogs.push({
          active,
          store,
          partition: { topic: store.changelogTopic, partition: active.task.id.partition },
        });
      }
    }
    if (changelogs.length > 0) {
      const isolationLevel =
        this.#config.processingGuarantee === 'exactly_once_v2' ? 'read_committed' : 'read_uncommitted';
      const requests = changelogs.flatMap((c) => [
        { ...c.partition, spec: 'earliest' as const },
        { ...c.partition, spec: 'latest' as const },
      ]);
      const listed = await backend.admin.listOffsets(requests, { isolationLevel });
      const earliest = new Map<string, number>();
      const latest = new Map<string, number>();
      for (let i = 0; i < listed.length; i++) {
        (i % 2 === 0 ? earliest : latest).set(topicPartitionKey(listed[i]), listed[i].offset);
      }
      for (const { active, store, partition } of changelogs) {
        const key = topicPartitionKey(partition);
        const endOffset = latest.get(key) ?? 0;
        const earliestOffset = earliest.get(key) ?? 0;
        let startingOffset = earliestOffset;
        const checkpointed = checkpoints.get(active)?.get(key);
        const fromStandby = active.standbyPositions?.get(key);
        if (fromStandby !== undefined) {
          startingOffset = Math.max(earliestOffset, fromStandby);
        } else if (checkpointed !== undefined && isPersistentStore(store)) {
          if (checkpointed.offset + 1 > endOffset) {
            // The changelog is shorter than the checkpoint says (recreated, or the checkpoint is foreign): the
            // store cannot be trusted. Java wipes it on OffsetOutOfRange; so do we.
            store.wipe();
          } else {
            startingOffset = Math.max(earliestOffset, checkpointed.offset + 1);
          }
        }
        if (startingOffset >= endOffset) continue;
        active.restoring.set(key, { partition, store, startOffset: startingOffset, endOffset, restored: 0 });
        this.#restoringPartitions.set(key, active);
        this.#options.restoreListener?.()?.onRestoreStart?.(partition, store.name, startingOffset, endOffset);
      }
      const restoreFetcher = this.#restoreFetcher!;
      restoreFetcher.assign(
        [...this.#restoringPartitions.values()].flatMap((a) => [...a.restoring.values()].map((r) => r.partition)),
      );
      for (const active of created)
        for (const r of active.restoring.values()) restoreFetcher.seek(r.partition, r.startOffset);
    }
    for (const active of created) if (active.restoring.size === 0) this.#startProcessing(active);
  }

  /** One round of changelog reading for the restoring tasks. */
  async #restoreStep(): Promise<void> {
    const restoreFetcher = this.#restoreFetcher!;
    const hasRunning = [...this.#tasks.values()].some((a) => a.phase === 'running');
    const batches = await restoreFetcher.poll(hasRunning ? 0 : RESTORE_POLL_MS);
    for (const batch of batches) {
      const key = topicPartitionKey(batch);
      const active = this.#restoringPartitions.get(key);
      const entry = active?.restoring.get(key);
      if (active === undefined || entry === undefined) continue;
      let records = batch.records;
      const last = records.length > 0 ? records[records.length - 1].offset : -1;
      if (last >= entry.endOffset) records = records.filter((r) => r.offset < entry.endOffset);
      if (records.length > 0) {
        entry.store.restoreBatch(records);
        entry.restored += records.length;
        this.sensors.recordRestored(entry.store.name, records.length);
        this.#options
          .restoreListener?.()
          ?.onBatchRestored?.(entry.partition, entry.store.name, records[records.length - 1].offset, records.length);
      }
    }
    const done: TopicPartition[] = [];
    const restored: ActiveTask[] = [];
    for (const [key, active] of this.#restoringPartitions) {
      const entry = active.restoring.get(key)!;
      const position = restoreFetcher.position(entry.partition);
      if (position !== undefined && position >= entry.endOffset) {
        active.restoring.delete(key);
        this.#restoringPartitions.delete(key);
        done.push(entry.partition);
        this.#options.restoreListener?.()?.onRestoreEnd?.(entry.partition, entry.store.name, entry.restored);
        if (active.restoring.size === 0) restored.push(active);
      }
    }
    for (const active of restored) this.#startProcessing(active);
    if (done.length > 0) {
      restoreFetcher.assign(
        [...this.#restoringPartitions.values()].flatMap((a) => [...a.restoring.values()].map((r) => r.partition)),
      );
      if (this.#restoringPartitions.size === 0) this.#setStateIfAlive('RUNNING');
    }
  }

  // ---------------------------------------------------------------------------------------------- standbys

  /**
   * Creates the standby tasks this thread was given: their stores are opened, positioned (a persistent store
   * continues after its checkpoint; the others read their changelog from the start) and then follow the
   * changelogs through the standby fetcher. Call under the lock.
   */
  async #createStandbys(idStrings: readonly string[]): Promise<void> {
    if (idStrings.length === 0) return;
    const created: StandbyTask[] = [];
    for (const idString of idStrings) {
      await this.#options.stateDirectory?.claimTask(idString, this, () => this.#handOver(idString));
      const id = parseTaskId(idString);
      const sources = this.#options.subtopologies.find((s) => s.id === id.subtopology)?.sourceTopics ?? [];
      const counts = this.#options.partitionCounts;
      const inputPartitions = sources
        .filter((topic) => id.partition < (counts.get(topic) ?? Number.POSITIVE_INFINITY))
        .map((topic) => ({ topic, partition: id.partition }));
      let standby: StandbyTask;
      const environment: TaskEnvironment = {
        collector: this.#collector!,
        now: () => Date.now(),
        config: this.#config.values,
        globalStore: this.#options.globalStore,
        onSkippedRecord: () => {
          if (standby.promotedTo !== undefined) standby.promotedTo.droppedRecords++;
        },
      };
      const task = this.#options.topology.createTask(id, environment, inputPartitions);
      const persistentStores = task.stores.filter((s): s is StateStoreHandle & PersistentStoreHandle =>
        isPersistentStore(s),
      );
      if (persistentStores.length > 0) {
        try {
          this.#options.stateDirectory?.lock();
        } catch (error) {
          task.close();
          throw error;
        }
      }
      standby = { idString, task, changelogs: new Map(), persistentStores, updated: 0 };
      this.#standbys.set(idString, standby);
      created.push(standby);
    }

    const logged = created.flatMap((standby) =>
      standby.task.stores
        .filter((store) => store.changelogTopic !== undefined)
        .map((store) => ({
          standby,
          store,
          partition: { topic: store.changelogTopic as string, partition: standby.task.id.partition },
        })),
    );
    let listed: TopicPartitionOffset[];
    try {
      listed = await this.#options.backend.admin.listOffsets(
        logged.flatMap((c) => [
          { ...c.partition, spec: 'earliest' as const },
          { ...c.partition, spec: 'latest' as const },
        ]),
        { isolationLevel: this.#eos ? 'read_committed' : 'read_uncommitted' },
      );
    } catch (error) {
      // Standbys are an optimisation: without them the thread still works, so it does not fail for them.
      // They are asked for again in the next rebalance.
      console.warn(`tributary: ${this.name} could not start its standby tasks (they are dropped)`, error);
      for (const standby of created) await this.#closeStandby(standby, false, 'MIGRATED');
      return;
    }
    const checkpoints = new Map<StandbyTask, Map<string, TopicPartitionOffset>>();
    for (const standby of created) {
      if (standby.persistentStores.length === 0) continue;
      const checkpoint = readOffsetCheckpoint(checkpointFileOf(standby));
      // Under exactly-once, no checkpoint means no clean close: the store may hold aborted writes of its time
      // as an active task. A standby writes only committed records, so its own checkpoints are kept.
      if (this.#eos && checkpoint.size === 0)
        for (const store of standby.persistentStores) if (store.changelogTopic !== undefined) store.wipe();
      checkpoints.set(standby, checkpoint);
    }
    const fetcher = this.#standbyFetcherOf();
    fetcher.assign(
      [...this.#standbyPartitions.values()]
        .flatMap((s) => [...s.changelogs.values()].map((c) => c.partition))
        .concat(logged.map((c) => c.partition)),
    );
    logged.forEach(({ standby, store, partition }, i) => {
      const earliest = listed[2 * i]?.offset ?? 0;
      const endOffset = listed[2 * i + 1]?.offset ?? 0;
      const key = topicPartitionKey(partition);
      let position = earliest;
      const checkpointed = checkpoints.get(standby)?.get(key);
      if (checkpointed !== undefined && isPersistentStore(store)) {
        if (checkpointed.offset + 1 > endOffset) store.wipe();
        else position = Math.max(earliest, checkpointed.offset + 1);
      }
      standby.changelogs.set(key, { partition, store, position, endOffset });
      this.#standbyPartitions.set(key, standby);
      fetcher.seek(partition, position);
      this.#options.standbyUpdateListener?.()?.onUpdateStart?.(partition, store.name, position);
    });
  }

  #standbyFetcherOf(): Fetcher {
    this.#standbyFetcher ??= this.#options.backend.createFetcher({
      clientId: `${this.name}-standby-consumer`,
      isolationLevel: this.#eos ? 'read_committed' : 'read_uncommitted',
      autoOffsetReset: 'earliest',
      maxWaitMs: this.#config.pollMs,
    });
    return this.#standbyFetcher;
  }

  /**
   * Starts a standby fetch unless one is in flight. It is not awaited: standbys never delay processing. Its
   * records are written into the standbys' stores when it resolves (skipping partitions closed or promoted
   * meanwhile, and records before a partition's position).
   */
  #pollStandbys(): void {
    const fetcher = this.#standbyFetcher;
    if (fetcher === undefined || this.#standbyPoll !== undefined || this.#standbyPartitions.size === 0) return;
    if (Date.now() < this.#standbyRetryAtMs) return;
    this.#standbyPoll = fetcher
      .poll()
      .then(
        (batches) => this.#applyStandbyBatches(batches),
        () => {
          // A changelog not created yet or a broker moving: standbys wait and try again; processing goes on.
          this.#standbyRetryAtMs = Date.now() + 1_000;
        },
      )
      .finally(() => {
        this.#standbyPoll = undefined;
      });
  }

  #applyStandbyBatches(batches: readonly FetchedBatch[]): void {
    this.#applyStandbyRecords(batches);
    // Every record before the fetcher's position has now been applied; the position can be further on (past
    // transaction markers under exactly-once, which carry no record), and the standby is as current as that.
    const fetcher = this.#standbyFetcher!;
    for (const standby of this.#standbys.values()) {
      for (const entry of standby.changelogs.values()) {
        const position = fetcher.position(entry.partition);
        if (position !== undefined && position > entry.position) entry.position = position;
      }
    }
  }

  #applyStandbyRecords(batches: readonly FetchedBatch[]): void {
    for (const batch of batches) {
      const key = topicPartitionKey(batch);
      const standby = this.#standbyPartitions.get(key);
      const entry = standby?.changelogs.get(key);
      if (standby === undefined || entry === undefined) continue;
      entry.endOffset = Math.max(entry.endOffset, batch.highWatermark);
      let records = batch.records;
      if (records.length > 0 && records[0].offset < entry.position)
        records = records.filter((r) => r.offset >= entry.position);
      if (records.length === 0) continue;
      entry.store.restoreBatch(records);
      entry.position = records[records.length - 1].offset + 1;
      standby.updated += records.length;
      this.#options
        .standbyUpdateListener?.()
        ?.onBatchLoaded?.(
          entry.partition,
          entry.store.name,
          standby.idString,
          entry.position - 1,
          records.length,
          entry.endOffset,
        );
    }
  }

  /** Writes the `.checkpoint` of standbys with persistent, logged stores: the last changelog offset applied. */
  async #checkpointStandbys(standbys: readonly StandbyTask[]): Promise<void> {
    for (const standby of standbys) {
      const stores = standby.persistentStores.filter((s) => s.changelogTopic !== undefined);
      if (stores.length === 0) continue;
      const positions = stores.map((store) => standby.changelogs.get(changelogKey(store, standby.task.id))?.position);
      await Promise.all(stores.map((s) => s.whenWritten()));
      const entries: TopicPartitionOffset[] = [];
      stores.forEach((store, i) => {
        const position = positions[i];
        if (position !== undefined && position > 0)
          entries.push({
            topic: store.changelogTopic as string,
            partition: standby.task.id.partition,
            offset: position - 1,
          });
      });
      writeOffsetCheckpoint(checkpointFileOf(standby), entries);
    }
  }

  /** Closes a standby (checkpointed first when `checkpoint`), and stops following its changelogs. */
  async #closeStandby(standby: StandbyTask, checkpoint: boolean, reason: StandbySuspendReason): Promise<void> {
    if (this.#standbys.get(standby.idString) !== standby) return;
    this.#forgetStandby(standby, reason);
    try {
      if (checkpoint) await this.#checkpointStandbys([standby]).catch(() => {});
      standby.task.close();
    } catch {
      // Its state is a copy: nothing is lost when it fails to close cleanly.
    } finally {
      this.#options.stateDirectory?.releaseTask(
        standby.idString,
        this,
        Promise.all(standby.persistentStores.map((s) => s.whenClosed())).then(() => {}),
      );
    }
  }

  #forgetStandby(standby: StandbyTask, reason: StandbySuspendReason): void {
    this.#standbys.delete(standby.idString);
    for (const [key, entry] of standby.changelogs) {
      this.#standbyPartitions.delete(key);
      this.#options
        .standbyUpdateListener?.()
        ?.onUpdateSuspended?.(entry.partition, entry.store.name, entry.position, entry.endOffset, reason);
    }
    this.#standbyFetcher?.assign(
      [...this.#standbyPartitions.values()].flatMap((s) => [...s.changelogs.values()].map((c) => c.partition)),
    );
  }

  /**
   * The thread holds `idString` as a standby and is now its active: the standby's task becomes the active one,
   * keeping its stores, and restores only what the changelogs have beyond the standby's positions.
   */
  #promoteStandby(idString: string, assignment: MemberAssignment): ActiveTask | undefined {
    const standby = this.#standbys.get(idString);
    if (standby === undefined) return undefined;
    const id = standby.task.id;
    const sources = this.#options.subtopologies.find((s) => s.id === id.subtopology)?.sourceTopics ?? [];
    const assigned = assignment.partitions
      .filter((tp) => tp.partition === id.partition && sources.includes(tp.topic))
      .map(topicPartitionKey)
      .sort();
    const mine = standby.task.inputPartitions.map(topicPartitionKey).sort();
    if (assigned.join() !== mine.join()) {
      // Its input partitions were guessed otherwise (pattern sources): build the active task afresh.
      return undefined;
    }
    this.#forgetStandby(standby, 'PROMOTED');
    const active: ActiveTask = {
      idString,
      task: standby.task,
      phase: 'restoring',
      restoring: new Map(),
      persistentStores: standby.persistentStores,
      paused: true,
      processed: 0,
      droppedRecords: 0,
      createdMs: Date.now(),
      standbyPositions: new Map([...standby.changelogs].map(([key, entry]) => [key, entry.position])),
    };
    standby.promotedTo = active;
    this.#tasks.set(idString, active);
    this.#registerPartitions(active);
    return active;
  }

  #startProcessing(active: ActiveTask): void {
    active.task.initialize();
    active.phase = 'running';
    active.paused = false;
    this.#fetcher!.resume(active.task.inputPartitions);
  }

  #registerPartitions(active: ActiveTask): void {
    for (const tp of active.task.inputPartitions) this.#partitionOwner.set(topicPartitionKey(tp), active);
  }

  #unregisterPartitions(active: ActiveTask): void {
    for (const tp of active.task.inputPartitions) {
      const key = topicPartitionKey(tp);
      if (this.#partitionOwner.get(key) === active) this.#partitionOwner.delete(key);
    }
  }

  #closeTask(active: ActiveTask, clean: boolean): void {
    this.#tasks.delete(active.idString);
    this.#unregisterPartitions(active);
    for (const key of active.restoring.keys()) this.#restoringPartitions.delete(key);
    try {
      active.task.close();
    } catch (error) {
      if (clean) throw error;
    } finally {
      // The task's directory is free once its persistent stores released their files.
      this.#options.stateDirectory?.releaseTask(
        active.idString,
        this,
        Promise.all(active.persistentStores.map((s) => s.whenClosed())).then(() => {}),
      );
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers

  #withLock<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#lock.then(fn);
    this.#lock = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #setState(state: StreamThreadState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onStateChange(this, state);
  }

  #setStateIfAlive(state: StreamThreadState): void {
    if (this.isAlive()) this.#setState(state);
  }
}

/** The thread lost its tasks to a rebalance (Java's TaskMigratedException). */
class TaskMigratedError extends StreamsException {
  override name = 'TaskMigratedError';
}

/** `<task directory>/.checkpoint`: the task directory is the parent of its stores' directories. */
function checkpointFileOf(active: { readonly persistentStores: readonly PersistentStoreHandle[] }): string {
  return join(dirname(active.persistentStores[0].directory), '.checkpoint');
}

function changelogKey(store: { readonly changelogTopic: string | undefined }, id: TaskId): string {
  return topicPartitionKey({ topic: store.changelogTopic ?? '', partition: id.partition });
}

function parseTaskId(id: string): TaskId {
  const [subtopology, partition] = id.split('_').map(Number);
  if (!Number.isInteger(subtopology) || !Number.isInteger(partition))
    throw new StreamsException(`invalid task id "${id}"`);
  return { subtopology, partition };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export const newProcessId = (): string => randomUUID();
