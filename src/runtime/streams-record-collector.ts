/**
 * The runtime's RecordCollector (Java's RecordCollectorImpl): tasks hand it serialized records, synchronously
 * and per record; it partitions them like Java's producer (murmur2 of the key bytes, positive mask) and ships
 * them to the seam's idempotent Producer in batches, without awaiting on the hot path. `flush()` awaits
 * every batch sent so far: the runtime calls it before committing offsets (at-least-once).
 *
 * Batches are sent without waiting for earlier ones (the producer keeps call order per partition), up to a few
 * in flight; then the stream thread waits (back-pressure). A failed batch goes to the ProductionExceptionHandler:
 * CONTINUE drops it, FAIL makes the next `send` or `flush` throw (Java's "sendException" behaviour).
 */
import {
  type ProductionExceptionHandler,
  ProductionExceptionHandlerResponse,
} from '../errors/production-exception-handler.ts';
import { StreamsException } from '../errors/streams-exception.ts';
import type { Admin, Producer, ProducerBatch } from '../kafka/backend.ts';
import { partitionForKey } from '../kafka/partitioner.ts';
import type { OutgoingRecord, RecordCollector } from '../processor/internals/task-contract.ts';

export interface RecordCollectorOptions {
  readonly producer: Producer;
  readonly admin: Admin;
  readonly handler: ProductionExceptionHandler;
  /** Known partition counts (sinks, internal topics); other topics are described on first use. */
  readonly partitionCounts: Map<string, number>;
  /** Records per producer batch. */
  readonly maxBatchRecords?: number;
  /** Batches sent but not yet acknowledged before the thread waits. */
  readonly maxInflightBatches?: number;
}

/**
 * Records appended to the producer's batch (encoded as they come, no object kept per record) and, index for
 * index, the task that produced each, for error reports.
 */
interface PendingBatch {
  readonly batch: ProducerBatch;
  readonly taskIds: string[];
}

export class StreamsRecordCollector implements RecordCollector {
  readonly #producer: Producer;
  readonly #admin: Admin;
  readonly #handler: ProductionExceptionHandler;
  readonly #partitionCounts: Map<string, number>;
  readonly #maxBatch: number;
  #pending: PendingBatch;
  /** Records for topics whose partition count is not known yet; resolved (asynchronously) at the next flush. */
  #unresolved: { source: OutgoingRecord; taskId: string }[] = [];
  readonly #inflight = new Set<Promise<void>>();
  readonly #maxInflight: number;
  #fatal: Error | undefined;
  #resolving = false;
  #roundRobin = new Map<string, number>();
  #lastTopic: string | undefined;
  #lastTopicPartitions = 0;
  #sentCount = 0;
  /** The task whose output is being collected, for error reports. Set by the stream thread. */
  currentTaskId = '';

  constructor(options: RecordCollectorOptions) {
    this.#producer = options.producer;
    this.#admin = options.admin;
    this.#handler = options.handler;
    this.#partitionCounts = options.partitionCounts;
    this.#maxBatch = options.maxBatchRecords ?? 4096;
    this.#maxInflight = options.maxInflightBatches ?? 5;
    this.#pending = this.#newBatch();
  }

  #newBatch(): PendingBatch {
    return { batch: this.#producer.createBatch(), taskIds: [] };
  }

  send(record: OutgoingRecord): void {
    if (this.#fatal !== undefined) throw this.#fatal;
    if (record.partition === undefined) {
      const topic = record.topic;
      // Sinks write long runs to one topic: its count is remembered instead of looked up per record (known
      // counts never change here).
      const count = this.#lastTopic === topic ? this.#lastTopicPartitions : this.#partitionCounts.get(topic);
      if (count === undefined) {
        this.#unresolved.push({ source: record, taskId: this.currentTaskId });
        return;
      }
      this.#lastTopic = topic;
      this.#lastTopicPartitions = count;
      // One partition needs no hashing.
      this.#append(record, count === 1 ? 0 : this.#partitionFor(record, count), this.currentTaskId);
    } else {
      this.#append(record, record.partition, this.currentTaskId);
    }
    if (this.#pending.taskIds.length >= this.#maxBatch) this.dispatch();
  }

  /** Into the producer's batch, which encodes the record at once: nothing of it is kept here. */
  #append(record: OutgoingRecord, partition: number, taskId: string): void {
    const pending = this.#pending;
    pending.batch.append(record.topic, partition, record.key, record.value, record.timestamp, record.headers);
    pending.taskIds.push(taskId);
  }

  partitionsFor(topic: string): number | undefined {
    return this.#partitionCounts.get(topic);
  }

  /** Records handed to the producer so far (for metrics). */
  sentCount(): number {
    return this.#sentCount;
  }

  /** Starts sending what is pending, without waiting. Called at the end of every processing round. */
  dispatch(): void {
    if (this.#unresolved.length > 0 && !this.#resolving) {
      // Learn the partition counts of the new topics in the background, then send their records.
      this.#resolving = true;
      this.#track(
        this.#resolveUnknownTopics()
          .catch((error) => {
            this.#fatal ??= error instanceof Error ? error : new Error(String(error));
          })
          .finally(() => {
            this.#resolving = false;
            this.dispatch();
          }),
      );
    }
    if (this.#pending.taskIds.length === 0) return;
    const batch = this.#pending;
    this.#pending = this.#newBatch();
    this.#sentCount += batch.taskIds.length;
    // Sent at once: the producer keeps call order per partition, and several requests in flight hide the
    // round trips (Kafka's max.in.flight.requests.per.connection, 5 with idempotence).
    this.#track(this.#sendBatch(batch));
  }

  /**
   * When too many batches are in flight, a promise that resolves once one completes; the stream thread
   * awaits it before processing more (back-pressure instead of unbounded buffering).
   */
  backpressure(): Promise<void> | undefined {
    if (this.#inflight.size < this.#maxInflight) return undefined;
    return (async () => {
      // A processing round may have sent several batches: wait until the backlog is back under the limit.
      while (this.#inflight.size >= this.#maxInflight) await Promise.race(this.#inflight);
    })();
  }

  /** Sends everything collected and waits until the producer acknowledged it. Throws a fatal send error. */
  async flush(): Promise<void> {
    for (;;) {
      this.dispatch();
      if (this.#fatal !== undefined) throw this.#fatal;
      if (this.#inflight.size === 0 && this.#pending.taskIds.length === 0 && this.#unresolved.length === 0) return;
      await Promise.all(this.#inflight);
    }
  }

  #track(promise: Promise<void>): void {
    this.#inflight.add(promise);
    promise.finally(() => this.#inflight.delete(promise));
  }

  /** Drops what was not sent (a dirty close). */
  /**
   * For an aborted transaction: waits for the batches in flight (their errors no longer matter), then drops
   * everything unsent and forgets a send error, so the next transaction starts clean.
   */
  async abandon(): Promise<void> {
    this.discard();
    await Promise.allSettled(this.#inflight);
    this.discard();
    this.#fatal = undefined;
  }

  discard(): void {
    this.#pending = this.#newBatch();
    this.#unresolved = [];
  }

  async #sendBatch(batch: PendingBatch): Promise<void> {
    if (this.#fatal !== undefined) return;
    try {
      await this.#producer.sendBatch(batch.batch);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const records = batch.batch.records();
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        const taskId = batch.taskIds[i];
        const response = this.#handler.handle(
          { taskId },
          { ...record, timestamp: record.timestamp ?? 0, headers: record.headers ?? [] },
          err,
        );
        if (response === ProductionExceptionHandlerResponse.FAIL) {
          this.#fatal = new StreamsException(
            `task ${taskId} could not send a record to topic "${record.topic}": ${err.message}`,
            { cause: err },
          );
          return;
        }
      }
    }
  }

  async #resolveUnknownTopics(): Promise<void> {
    const records = this.#unresolved;
    this.#unresolved = [];
    const topics = [...new Set(records.map((r) => r.source.topic))];
    try {
      for (const description of await this.#admin.describeTopics(topics)) {
        this.#partitionCounts.set(description.name, description.partitions.length);
      }
    } catch (error) {
      throw new StreamsException(
        `cannot write to ${topics.map((t) => `"${t}"`).join(', ')}: ${(error as Error).message}. Create the output topic first`,
        { cause: error },
      );
    }
    for (const { source, taskId } of records) {
      const partition = source.partition ?? this.#partitionFor(source, this.#partitionCounts.get(source.topic)!);
      this.#append(source, partition, taskId);
    }
  }

  #partitionFor(record: OutgoingRecord, count: number): number {
    if (record.key !== null) return partitionForKey(record.key, count);
    // Keyless records: spread them round-robin (Java's producer picks a sticky partition per batch).
    const next = (this.#roundRobin.get(record.topic) ?? -1) + 1;
    this.#roundRobin.set(record.topic, next);
    return next % count;
  }
}
