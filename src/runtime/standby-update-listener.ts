/**
 * Reports how standby tasks (num.standby.replicas) keep their stores current from the changelogs (Java's
 * StandbyUpdateListener, set with `KafkaStreams.setStandbyUpdateListener`). Called on the stream thread; keep
 * it quick.
 */
import type { TopicPartition } from '../kafka/backend.ts';

/** Why a standby stopped updating a store: its task moved away, or became active on this instance. */
export type StandbySuspendReason = 'MIGRATED' | 'PROMOTED';

export interface StandbyUpdateListener {
  /** A standby begins to follow changelog `partition` of `storeName`, from `startingOffset`. */
  onUpdateStart?(partition: TopicPartition, storeName: string, startingOffset: number): void;
  /**
   * A batch of changelog records was written into the standby's store. `batchEndOffset` is the offset of its
   * last record; `currentEndOffset` the changelog's end offset as the fetch saw it (the standby's lag is the
   * difference).
   */
  onBatchLoaded?(
    partition: TopicPartition,
    storeName: string,
    taskId: string,
    batchEndOffset: number,
    batchSize: number,
    currentEndOffset: number,
  ): void;
  /** The standby stopped following the partition; `storeOffset` is the next offset it would have read. */
  onUpdateSuspended?(
    partition: TopicPartition,
    storeName: string,
    storeOffset: number,
    currentEndOffset: number,
    reason: StandbySuspendReason,
  ): void;
}
