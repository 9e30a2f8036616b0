/**
 * What a task hands a store when it initializes it: where to log changes, the serde defaults, and the
 * timestamp of the record being processed (stamped on changelog records, as in Kafka Streams).
 */
import type { RecordCollector } from '../../processor/internals/task-contract.ts';

export interface StoreInitContext {
  readonly taskId: string;
  /** The task's partition: changelog records go to this partition of the changelog topic. */
  readonly partition: number;
  /** Full changelog topic name, or undefined when logging is disabled. */
  readonly changelogTopic: string | undefined;
  readonly collector: RecordCollector;
  readonly config: Readonly<Record<string, unknown>>;
  /** Timestamp of the record being processed (or of the punctuation). */
  currentTimestamp(): number;
}

/** A store the task can initialize, restore, flush and close (see StateStoreHandle in the task contract). */
export interface ManagedStore {
  readonly name: string;
  init(context: StoreInitContext): void;
  readonly changelogTopic: string | undefined;
  restoreBatch(records: readonly import('../../processor/internals/task-contract.ts').RestoreRecord[]): void;
  flush(): void;
  close(): void;
}
