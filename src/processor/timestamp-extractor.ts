/**
 * Gives each consumed record its event time (Java's `TimestampExtractor`, config
 * `default.timestamp.extractor`, or per source with `Consumed.withTimestampExtractor`). The default reads the
 * record's own timestamp (CreateTime, or LogAppendTime on topics set so) and fails on a negative one.
 */
import type { RecordHeader } from '../kafka/backend.ts';

/** A consumed record with its deserialized key and value. */
export interface ConsumedRecordInfo<K = unknown, V = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The timestamp stored in Kafka. */
  readonly timestamp: number;
  readonly key: K;
  readonly value: V;
  readonly headers: readonly RecordHeader[];
}

export interface TimestampExtractor {
  /**
   * @param partitionTime the largest timestamp seen so far on this partition (-1 before the first record)
   * @returns the record's timestamp; a negative result drops the record (with a warning)
   */
  extract(record: ConsumedRecordInfo, partitionTime: number): number;
}

/** Uses the record's timestamp; fails on a negative one (Java's default `FailOnInvalidTimestamp`). */
export class FailOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ConsumedRecordInfo): number {
    if (record.timestamp < 0) {
      throw new Error(
        `the record at ${record.topic}-${record.partition} offset ${record.offset} has an invalid (negative) timestamp ` +
          `${record.timestamp}: it was probably written by a producer on an old message format; use ` +
          `LogAndSkipOnInvalidTimestamp or UsePartitionTimeOnInvalidTimestamp as "default.timestamp.extractor"`,
      );
    }
    return record.timestamp;
  }
}

/** Uses the record's timestamp; records with a negative one are dropped. */
export class LogAndSkipOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ConsumedRecordInfo): number {
    if (record.timestamp < 0) {
      console.warn(
        `tributary: dropped the record at ${record.topic}-${record.partition} offset ${record.offset}: invalid timestamp ${record.timestamp}`,
      );
    }
    return record.timestamp;
  }
}

/** Uses the record's timestamp, or the partition's time when it is negative. */
export class UsePartitionTimeOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ConsumedRecordInfo, partitionTime: number): number {
    if (record.timestamp >= 0) return record.timestamp;
    if (partitionTime < 0) {
      throw new Error(
        `the record at ${record.topic}-${record.partition} offset ${record.offset} has a negative timestamp and the partition has no time yet`,
      );
    }
    return partitionTime;
  }
}

/** Uses the current wall-clock time (processing time) instead of the record's timestamp. */
export class WallclockTimestampExtractor implements TimestampExtractor {
  extract(): number {
    return Date.now();
  }
}
