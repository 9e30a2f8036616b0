/**
 * Counters a stream thread bumps as it works (once per poll, process round, commit, punctuation or restored
 * batch: never per record), read by StreamsMetricsReader. Plain fields so the increments stay as cheap as a
 * property write.
 */
import { meterStore, type StoreOperationCounts } from './metered-store.ts';

export class StreamThreadSensors {
  readonly startMs = Date.now();
  /** metrics.recording.level DEBUG or TRACE: stores are metered (put-rate, get-rate, ...), as in Kafka Streams. */
  debug = false;
  /** Task id → store name → its operation counts (only at DEBUG). */
  readonly storeOperations = new Map<string, Map<string, StoreOperationCounts>>();
  pollTotal = 0;
  commitTotal = 0;
  commitLatencyTotalMs = 0;
  commitLatencyMaxMs = 0;
  punctuateTotal = 0;
  /** Time spent waiting in poll (Java's blocked-time-ns-total, kept in ms and reported in ns). */
  blockedTimeMsTotal = 0;
  /** Records restored per store name (changelog restoration). */
  readonly restoredByStore = new Map<string, number>();
  /** Input partition key (topic:partition) → its high watermark from the latest fetch (for records-lag). */
  readonly highWatermarks = new Map<string, number>();

  /** At DEBUG, meters the stores of a new task (replacing any counts of an earlier task with that id). */
  meterTaskStores(taskId: string, stores: readonly { readonly name: string }[]): void {
    if (!this.debug) return;
    this.storeOperations.set(taskId, new Map(stores.map((store) => [store.name, meterStore(store)])));
  }

  recordRestored(storeName: string, count: number): void {
    this.restoredByStore.set(storeName, (this.restoredByStore.get(storeName) ?? 0) + count);
  }

  recordCommit(latencyMs: number): void {
    this.commitTotal++;
    this.commitLatencyTotalMs += latencyMs;
    if (latencyMs > this.commitLatencyMaxMs) this.commitLatencyMaxMs = latencyMs;
  }
}

/** What a thread tells the metrics about its tasks when they are read. */
export interface TaskMetricsView {
  readonly taskId: string;
  readonly phase: string;
  readonly topicPartitions: readonly { readonly topic: string; readonly partition: number }[];
  readonly processed: number;
  readonly dropped: number;
  readonly startMs: number;
  readonly stores: readonly { readonly name: string; readonly persistent: boolean }[];
}

export interface PartitionLagView {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: number;
  readonly position: number;
  readonly lag: number;
}

export interface ThreadMetricsView {
  readonly threadName: string;
  readonly threadState: string;
  readonly sensors: StreamThreadSensors;
  readonly processedTotal: number;
  readonly tasks: readonly TaskMetricsView[];
  readonly lag: readonly PartitionLagView[];
}
