/**
 * The contract between Tributary and a system outside Kafka (a database, a search index, an HTTP API) that a
 * stream writes to with `KStream#toSink(sink)`.
 *
 * Delivery is tied to the commit loop: a task's records are handed to `write` in batches, in the order the
 * task processed them, one batch at a time; before the stream thread commits a task's input offsets it waits
 * until every batch of that task is written and `flush()` has resolved. So nothing written before a commit is
 * lost when the process dies (at-least-once), and a record may be written again after a crash (its input is
 * reprocessed from the last commit). Each SinkRecord names the input record it came from (topic, partition,
 * offset) so that a sink can make replays harmless: upsert by key, or store the last applied offset per input
 * partition in the same transaction as the rows and skip what it already applied (what SqliteSink does).
 *
 * On the TopologyTestDriver (synchronous, it commits after every piped record) the writes are started at each
 * commit but not awaited: await a macrotask turn before looking at what the sink received.
 */
import type { RecordHeader } from '../kafka/backend.ts';

/** One record for an external sink, with the input record it came from. */
export interface SinkRecord<K, V> {
  readonly key: K;
  /** null is a tombstone (a deleted row, as in a KTable's changelog). */
  readonly value: V;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
  /**
   * The input record being processed when this one was written: its topic (a repartition topic when the
   * sink follows a key change), partition and offset. Undefined for records a punctuator forwarded, which
   * have no input record; offset-based deduplication must let those through.
   */
  readonly topic: string | undefined;
  readonly partition: number;
  /** -1 when there is no input record (punctuation). */
  readonly offset: number;
}

/** What a sink learns about the batch it writes. */
export interface SinkWriteContext {
  /** The sink's name (`ToSinkOptions.name`, else the sink's own `name`, else the processor's name). */
  readonly sinkName: string;
  readonly applicationId: string;
  /** The task whose records these are, e.g. "1_0"; batches of one task never overlap in time. */
  readonly taskId: string;
  /** 1 for the first try of this batch, 2 for the first retry, and so on. */
  readonly attempt: number;
}

export interface ExternalSink<K, V> {
  /** Shown in errors and logs. */
  readonly name?: string;
  /**
   * Writes a batch. Resolving means the batch may count as delivered once `flush` resolves too; rejecting
   * makes Tributary retry the same batch (with backoff, a bounded number of times, see ToSinkOptions).
   * Called concurrently for different tasks, never for two batches of one task.
   */
  write(records: readonly SinkRecord<K, V>[], context: SinkWriteContext): Promise<void>;
  /**
   * Awaited before input offsets are committed, after the task's batches were written: make them durable here
   * if `write` only buffers. Omit it when a resolved `write` is already durable.
   */
  flush?(): Promise<void>;
}

/** How `toSink` batches, buffers and retries. */
export interface ToSinkOptions {
  /** Name of the processor node (and of the sink in errors). */
  readonly name?: string;
  /**
   * Records per `write` call, at most (default 500). An idle sink gets what a processing round produced at once
   * (smaller batches); under load records gather while a write is in flight. A batch never splits the outputs
   * of one input record (one record with more outputs than this makes a bigger batch).
   */
  readonly batchSize?: number;
  /**
   * Records a task may hold for the sink (buffered or being written) before the stream thread stops
   * processing and waits for the sink (default 10 000): a slow sink slows the stream instead of growing memory.
   */
  readonly maxBufferedRecords?: number;
  /** Retries of a failed `write` before the failure goes to the production exception handler (default 5). */
  readonly retries?: number;
  /** Wait before the first retry; it doubles per retry up to `retryBackoffMaxMs` (defaults 100 and 5 000). */
  readonly retryBackoffMs?: number;
  readonly retryBackoffMaxMs?: number;
}
