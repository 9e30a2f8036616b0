/**
 * The fetched, not yet processed records of one input partition (Java's `RecordQueue`). Batches are kept as
 * handed over (no copying); the head record is deserialized once, when it becomes the head, so its timestamp
 * can take part in the task's timestamp-ordered choice.
 */
import type { ConsumedRecord, TopicPartition } from '../../kafka/backend.ts';
import type { SourceNode } from './processor-nodes.ts';

export class PartitionQueue {
  readonly partition: TopicPartition;
  readonly key: string;
  readonly source: SourceNode;
  private batches: (readonly ConsumedRecord[])[] = [];
  private batchIndex = 0;
  private position = 0;
  count = 0;
  /** Largest timestamp processed from this partition (-1 before the first). */
  partitionTime = -1;
  /** Offset after the last record processed or skipped (-1: nothing consumed yet). */
  nextOffset = -1;
  headReady = false;
  headKey: unknown;
  headValue: unknown;
  headTimestamp = 0;

  constructor(partition: TopicPartition, source: SourceNode) {
    this.partition = partition;
    this.key = `${partition.topic}-${partition.partition}`;
    this.source = source;
  }

  add(records: readonly ConsumedRecord[]): void {
    if (records.length === 0) return;
    this.batches.push(records);
    this.count += records.length;
  }

  peek(): ConsumedRecord {
    return this.batches[this.batchIndex][this.position];
  }

  /** Drops the head (processed or skipped). */
  poll(): void {
    const record = this.batches[this.batchIndex][this.position];
    this.nextOffset = record.offset + 1;
    this.headReady = false;
    this.headKey = undefined;
    this.headValue = undefined;
    this.count--;
    if (++this.position === this.batches[this.batchIndex].length) {
      this.position = 0;
      this.batches[this.batchIndex] = [];
      if (++this.batchIndex >= 64 || this.count === 0) {
        this.batches = this.batches.slice(this.batchIndex);
        this.batchIndex = 0;
      }
    }
  }

  clear(): void {
    this.batches = [];
    this.batchIndex = 0;
    this.position = 0;
    this.count = 0;
    this.headReady = false;
  }
}
