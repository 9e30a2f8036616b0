/** A record piped into or read from a test topic (Java's `TestRecord`). */
import type { RecordHeader } from '../kafka/backend.ts';

export interface TestRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Defaults to the input topic's current time when piping. */
  readonly timestamp?: number;
  readonly headers?: readonly RecordHeader[];
  /** Forces a partition when piping; on records read back, the partition they were written to. */
  readonly partition?: number;
}

/** A record read from an output topic: every field is known. */
export interface OutputRecord<K, V> extends TestRecord<K, V> {
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
  readonly partition: number;
  readonly offset: number;
}
