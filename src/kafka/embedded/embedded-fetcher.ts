import {
  type FetchedBatch,
  type Fetcher,
  type FetcherOptions,
  type IsolationLevel,
  KafkaBackendError,
  type TopicPartition,
  topicPartitionKey,
} from '../backend.ts';
import type { BrokerState } from './broker-state.ts';
import type { PartitionLog } from './partition-log.ts';

/** Kafka consumer defaults: fetch.max.wait.ms, fetch.max.bytes, max.partition.fetch.bytes. */
const DEFAULT_MAX_WAIT_MS = 500;
const DEFAULT_MAX_BYTES = 52_428_800;
const DEFAULT_MAX_PARTITION_BYTES = 1_048_576;

interface AssignedPartition {
  readonly tp: TopicPartition;
  /** undefined until resolved from `reset` at the next poll. */
  position: number | undefined;
  reset: 'earliest' | 'latest';
  paused: boolean;
}

/**
 * Fetches from explicitly assigned partitions of the embedded broker. `poll` returns at once when data is
 * there, otherwise waits (without spinning) until a partition it reads changes or maxWaitMs passes.
 */
export class EmbeddedFetcher implements Fetcher {
  private readonly broker: BrokerState;
  private readonly isolationLevel: IsolationLevel;
  private readonly autoOffsetReset: 'earliest' | 'latest';
  private readonly maxWaitMs: number;
  private readonly minBytes: number;
  private readonly maxBytes: number;
  private readonly maxPartitionBytes: number;
  private readonly partitions = new Map<string, AssignedPartition>();
  /** Wakes a poll in progress when the assignment, pause state or positions change, or on close. */
  private interrupt: (() => void) | undefined;
  private closed = false;

  constructor(broker: BrokerState, options: FetcherOptions) {
    this.broker = broker;
    this.isolationLevel = options.isolationLevel ?? 'read_uncommitted';
    this.autoOffsetReset = options.autoOffsetReset ?? 'earliest';
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.minBytes = options.minBytes ?? 1;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxPartitionBytes = options.maxPartitionBytes ?? DEFAULT_MAX_PARTITION_BYTES;
  }

  assign(partitions: readonly TopicPartition[]): void {
    this.ensureOpen();
    const next = new Map<string, AssignedPartition>();
    for (const tp of partitions) {
      const key = topicPartitionKey(tp);
      next.set(
        key,
        this.partitions.get(key) ?? {
          tp: { topic: tp.topic, partition: tp.partition },
          position: undefined,
          reset: this.autoOffsetReset,
          paused: false,
        },
      );
    }
    this.partitions.clear();
    for (const [key, assigned] of next) this.partitions.set(key, assigned);
    this.interrupt?.();
  }

  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map((assigned) => assigned.tp);
  }

  seek(partition: TopicPartition, offset: number | 'earliest' | 'latest'): void {
    const assigned = this.assigned(partition, 'seek');
    if (offset === 'earliest' || offset === 'latest') {
      assigned.position = undefined;
      assigned.reset = offset;
    } else {
      if (!Number.isInteger(offset) || offset < 0) {
        throw new KafkaBackendError(
          `seek: offset ${offset} for topic "${partition.topic}" partition ${partition.partition} must be a non-negative integer`,
        );
      }
      assigned.position = offset;
    }
    this.interrupt?.();
  }

  position(partition: TopicPartition): number | undefined {
    return this.assigned(partition, 'position').position;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.assigned(tp, 'pause').paused = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.assigned(tp, 'resume').paused = false;
    this.interrupt?.();
  }

  paused(): TopicPartition[] {
    return [...this.partitions.values()].filter((assigned) => assigned.paused).map((assigned) => assigned.tp);
  }

  async poll(maxWaitMs: number = this.maxWaitMs): Promise<FetchedBatch[]> {
    this.ensureOpen();
    const deadline = performance.now() + Math.max(0, maxWaitMs);
    for (;;) {
      const { batches, bytes, logs } = this.fetchOnce();
      const remaining = deadline - performance.now();
      if ((batches.length > 0 && bytes >= this.minBytes) || remaining <= 0 || this.closed) return batches;
      if (batches.length > 0) {
        // Below minBytes: like a broker, hold the fetch; the positions were not advanced by fetchOnce's peek.
        this.rewind(batches);
      }
      await this.waitForChange(logs, remaining);
      if (this.closed) return [];
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.interrupt?.();
    this.partitions.clear();
    this.broker.forget(this);
  }

  /** One pass over the fetchable partitions: the batches read and the logs read (to wait on). */
  private fetchOnce(): { batches: FetchedBatch[]; bytes: number; logs: PartitionLog[] } {
    const batches: FetchedBatch[] = [];
    const logs: PartitionLog[] = [];
    let bytes = 0;
    for (const assigned of this.partitions.values()) {
      if (assigned.paused) continue;
      const log = this.broker.partitionLog(assigned.tp);
      const topic = this.broker.topicOrThrow(assigned.tp.topic);
      logs.push(log);
      if (topic.settings.compact) log.compact(this.broker.now(), topic.settings.deleteRetentionMs);
      const end = log.endFor(this.isolationLevel);
      let position = assigned.position;
      // Out of range (never set, deleted below, or beyond the end): reset as auto.offset.reset says.
      if (position === undefined) {
        position = assigned.reset === 'earliest' ? log.logStartOffset : end;
      } else if (position < log.logStartOffset || position > log.highWatermark) {
        position = this.autoOffsetReset === 'earliest' ? log.logStartOffset : end;
      }
      assigned.position = position;
      if (bytes >= this.maxBytes) continue;
      const read = log.read(position, this.isolationLevel, Math.min(this.maxPartitionBytes, this.maxBytes - bytes));
      assigned.position = read.nextOffset;
      if (read.records.length === 0) continue;
      for (const record of read.records) bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
      batches.push({
        topic: assigned.tp.topic,
        partition: assigned.tp.partition,
        records: read.records,
        highWatermark: read.highWatermark,
      });
    }
    return { batches, bytes, logs };
  }

  private rewind(batches: readonly FetchedBatch[]): void {
    for (const batch of batches) {
      const assigned = this.partitions.get(topicPartitionKey(batch));
      if (assigned) assigned.position = batch.records[0].offset;
    }
  }

  private waitForChange(logs: readonly PartitionLog[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const unsubscribes: (() => void)[] = [];
      const done = () => {
        clearTimeout(timer);
        for (const unsubscribe of unsubscribes) unsubscribe();
        this.interrupt = undefined;
        resolve();
      };
      // Ref'd on purpose: a caller awaiting poll() keeps the process alive, as a socket would; the wait is bounded.
      const timer = setTimeout(done, timeoutMs);
      for (const log of logs) unsubscribes.push(log.onChange(done));
      this.interrupt = done;
    });
  }

  private assigned(tp: TopicPartition, operation: string): AssignedPartition {
    const assigned = this.partitions.get(topicPartitionKey(tp));
    if (!assigned) {
      throw new KafkaBackendError(
        `${operation}: topic "${tp.topic}" partition ${tp.partition} is not assigned to this fetcher`,
      );
    }
    return assigned;
  }

  private ensureOpen(): void {
    if (this.closed) throw new KafkaBackendError('fetcher is closed');
  }
}
