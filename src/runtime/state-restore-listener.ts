/**
 * Reports the restoration of state stores from their changelogs (Java's StateRestoreListener, set with
 * `KafkaStreams.setGlobalStateRestoreListener`). Called on the stream thread; keep it quick.
 */
import type { TopicPartition } from '../kafka/backend.ts';

export interface StateRestoreListener {
  /** Restoration of `storeName` from changelog `partition` begins; it will read up to `endingOffset` (exclusive). */
  onRestoreStart?(partition: TopicPartition, storeName: string, startingOffset: number, endingOffset: number): void;
  /** A batch was written into the store; `batchEndOffset` is the offset of its last record. */
  onBatchRestored?(partition: TopicPartition, storeName: string, batchEndOffset: number, numRestored: number): void;
  /** The store caught up with its changelog partition. */
  onRestoreEnd?(partition: TopicPartition, storeName: string, totalRestored: number): void;
}
