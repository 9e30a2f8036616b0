/**
 * What an error handler learns about the failed record (Java's `ErrorHandlerContext`): where the record came
 * from, which processor failed, and the original bytes (for a dead-letter queue).
 */
import type { RecordHeader } from '../kafka/backend.ts';

export interface ErrorHandlerContext {
  /** Source topic of the record being processed (undefined inside a punctuator). */
  readonly topic: string | undefined;
  readonly partition: number;
  readonly offset: number;
  readonly headers: readonly RecordHeader[];
  /** The processor that failed (the source node for deserialization errors). */
  readonly processorNodeId: string;
  /** The task, e.g. "0_1". */
  readonly taskId: string;
  readonly timestamp: number;
  /** The bytes of the source record as consumed, or null. */
  readonly sourceRawKey: Buffer | null;
  readonly sourceRawValue: Buffer | null;
}
