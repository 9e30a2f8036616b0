import type { TopicPartitionOffset } from '../backend.ts';

/** One partition's entry in OffsetCommit / TxnOffsetCommit (no leader epoch, no metadata, as Kafka Streams). */
export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  committedMetadata: null;
}

/** Offsets grouped by topic, in the shape OffsetCommit and TxnOffsetCommit requests carry them. */
export function offsetCommitTopics(
  offsets: readonly TopicPartitionOffset[],
): { name: string; partitions: OffsetCommitPartition[] }[] {
  const byTopic = new Map<string, OffsetCommitPartition[]>();
  for (const o of offsets) {
    const list = byTopic.get(o.topic) ?? [];
    list.push({
      partitionIndex: o.partition,
      committedOffset: BigInt(o.offset),
      committedLeaderEpoch: -1,
      committedMetadata: null,
    });
    byTopic.set(o.topic, list);
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}
